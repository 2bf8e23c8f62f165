"""Start one attempt of one container: image, config, create, start, postStart, probes.

Each failure lands where the kubelet puts it: a waiting reason on the container
(ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName,
CreateContainerConfigError, CreateContainerError) or a terminated instance with
StartError, plus the matching event.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from podman.errors import APIError, NotFound

from tui.errors import PodmanUnavailable
from tui.podman.container_ops import start_container, stop_container
from tui.reconciler import materialize
from tui.reconciler.handlers import run_handler
from tui.reconciler.image_puller import PullFailed
from tui.reconciler.pod_plan import LABEL_CONTAINER, LABEL_KIND, ContainerPlan
from tui.status.model import ContainerRecord

if TYPE_CHECKING:
    from tui.reconciler.pod_supervisor import PodSupervisor

HOOK_TIMEOUT = 30.0


class ContainerStarter:
    """The steps of starting a container attempt, for one pod supervisor."""

    def __init__(self, supervisor: PodSupervisor) -> None:
        self.supervisor = supervisor
        self._pull_failed_at: dict[str, float] = {}

    @property
    def host(self):
        return self.supervisor.host

    def _wait(self, container: ContainerRecord, reason: str, message: str | None = None) -> None:
        container.waiting_reason = reason
        container.waiting_message = message
        self.host.changed(self.supervisor.record)

    async def ensure_image(self, cplan: ContainerPlan, container: ContainerRecord) -> bool:
        """Make the image available under the pull policy; False when the container must wait."""
        sup, host = self.supervisor, self.host
        record, ref, path = sup.record, cplan.image, sup.field_path(cplan)
        image_error = cplan.image_error
        if image_error:
            self._wait(container, "InvalidImageName", image_error)
            host.emit(record, "Warning", "InspectFailed", image_error, path)
            return False
        present = await host.images.exists(ref)
        if cplan.image_pull_policy == "Never":
            if present:
                return True
            message = f'Container image "{ref}" is not present with pull policy of Never'
            self._wait(container, "ErrImageNeverPull", message)
            host.emit(record, "Warning", "ErrImageNeverPull", message, path)
            sup.later(f"image/{cplan.name}", host.settings.backoff_base)
            return False
        if cplan.image_pull_policy == "IfNotPresent" and present:
            host.emit(
                record,
                "Normal",
                "Pulled",
                f'Container image "{ref}" already present on machine',
                path,
            )
            return True
        key = f"{record.uid}/{ref}"
        failed_at = self._pull_failed_at.get(key)
        backoff = host.pull_backoff
        if failed_at is not None and backoff.in_backoff_since(key, failed_at):
            self._wait(container, "ImagePullBackOff", f'Back-off pulling image "{ref}"')
            host.emit(record, "Normal", "BackOff", f'Back-off pulling image "{ref}"', path)
            sup.later(f"image/{cplan.name}", backoff.remaining(key, failed_at))
            return False
        host.emit(record, "Normal", "Pulling", f'Pulling image "{ref}"', path)
        if container.waiting_reason not in ("ErrImagePull", "ImagePullBackOff"):
            self._wait(container, "ContainerCreating")
        started = time.monotonic()
        try:
            size = await host.images.pull(ref)
        except PullFailed as exc:
            now = time.time()
            backoff.next(key, now)
            self._pull_failed_at[key] = now
            self._wait(container, "ErrImagePull", str(exc))
            host.emit(record, "Warning", "Failed", f'Failed to pull image "{ref}": {exc}', path)
            host.emit(record, "Warning", "Failed", "Error: ErrImagePull", path)
            # ErrImagePull shows until the next sync, which then finds the pull in back-off
            # and shows ImagePullBackOff until the back-off expires (the kubelet's rhythm).
            sup.later(f"image/{cplan.name}", min(1.0, backoff.current(key) / 2))
            return False
        self._pull_failed_at.pop(key, None)
        backoff.reset(key)
        took = time.monotonic() - started
        host.emit(
            record,
            "Normal",
            "Pulled",
            f'Successfully pulled image "{ref}" in {took:.3f}s ({took:.3f}s including waiting). Image size: {size} bytes.',
            path,
        )
        return True

    async def start(self, cplan: ContainerPlan, container: ContainerRecord, attempt: int) -> bool:
        """Create and start attempt ``attempt``; True when it is running (or ran)."""
        sup, host = self.supervisor, self.host
        record, path, gateway = sup.record, sup.field_path(cplan), host.gateway
        if not await self.ensure_image(cplan, container):
            return False
        if cplan.config_error:
            self._wait(container, "CreateContainerConfigError", cplan.config_error)
            host.emit(record, "Warning", "Failed", f"Error: {cplan.config_error}", path)
            sup.later(f"config/{cplan.name}", 10.0)
            return False
        if (
            cplan.kind == "app" or container.current is None
        ) and container.waiting_reason != "CrashLoopBackOff":
            self._wait(container, "ContainerCreating")
        if cplan.pod_ip_env and not await sup.infra_ready():
            self._wait(container, "ContainerCreating")
            return False
        labels = {**sup.plan.labels, LABEL_CONTAINER: cplan.name, LABEL_KIND: cplan.kind}
        try:
            container_id = await gateway.call(
                materialize.create_container,
                gateway.client,
                sup.plan,
                cplan,
                attempt,
                record.pod_ip,
                labels,
            )
        except PodmanUnavailable:
            raise
        except materialize.ContainerConfigError as exc:
            self._wait(container, "CreateContainerConfigError", str(exc))
            host.emit(record, "Warning", "Failed", f"Error: {exc}", path)
            sup.later(f"config/{cplan.name}", 10.0)
            return False
        except Exception as exc:  # noqa: BLE001 - any other create failure is CreateContainerError
            message = api_message(exc)
            self._wait(container, "CreateContainerError", message)
            host.emit(record, "Warning", "Failed", f"Error: {message}", path)
            sup.later(f"create/{cplan.name}", host.settings.backoff_base)
            return False
        host.emit(record, "Normal", "Created", f"Created container {cplan.name}", path)
        if not await sup.infra_ready():
            return False
        start_error: str | None = None
        sup.self_started.add(container_id)
        try:
            await gateway.call(start_container, gateway.client, container_id)
        except PodmanUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001
            start_error = api_message(exc)
        # Read the result back in the background: an inspect right after a start waits on
        # Podman's pod lock while a sibling starts (measured ~100 ms). Until it lands the
        # instance reads as running since the start returned; a died event corrects it.
        instance = sup.book.started_locally(
            container_id, cplan.name, attempt, cplan.image, host.now(), start_error is None
        )
        asyncio.create_task(sup.book.refresh_quietly(gateway, container_id))
        container.waiting_reason = None
        container.waiting_message = None
        container.restart_count = attempt
        if attempt > 0:
            container.last_restart_at = host.now()
        if start_error is not None:
            if instance is not None:
                sup.book.start_failed(instance, start_error, host.now())
            host.emit(record, "Warning", "Failed", f"Error: {start_error}", path)
            host.changed(record)
            sup.kick()
            return False
        host.emit(record, "Normal", "Started", f"Started container {cplan.name}", path)
        await self._remove_stale(cplan.name)
        if instance is not None and instance.state == "running":
            if not await self._post_start(cplan, container, container_id):
                return False
            sup.probes.start_for(cplan, container, container_id)
        host.changed(record)
        sup.kick()  # what waited on this start (the next init container, a sidecar) may go on
        return True

    async def _post_start(
        self, cplan: ContainerPlan, container: ContainerRecord, container_id: str
    ) -> bool:
        """Run lifecycle.postStart; on failure kill the container as the kubelet does."""
        handler = (cplan.spec.get("lifecycle") or {}).get("postStart")
        if not handler:
            return True
        sup, host = self.supervisor, self.host
        result = await run_handler(
            handler,
            gateway=host.gateway,
            container_id=container_id,
            container_spec=cplan.spec,
            pod_ip=sup.record.pod_ip,
            timeout=HOOK_TIMEOUT,
        )
        if result.ok:
            return True
        message = hook_failure_message(handler, cplan.name, sup.record.name, result.output)
        host.emit(sup.record, "Warning", "FailedPostStartHook", message, sup.field_path(cplan))
        host.emit(
            sup.record,
            "Normal",
            "Killing",
            f"FailedPostStartHook: Stopping container {cplan.name}",
            sup.field_path(cplan),
        )
        grace = max(2, sup.plan.grace_period_seconds)
        await stop_quietly(host.gateway, container_id, grace)
        return False

    async def _remove_stale(self, name: str) -> None:
        """Remove attempts older than the previous one (one dead instance is kept)."""
        gateway = self.host.gateway
        for instance in self.supervisor.book.stale(name):
            self.supervisor.book.forget(instance.id)
            with contextlib.suppress(NotFound, APIError):
                await gateway.call(
                    lambda cid=instance.id: gateway.client.containers.get(cid).remove(
                        force=True, v=True
                    )
                )


async def stop_quietly(gateway, container_id: str, grace: float) -> None:
    """Stop a container with a grace period, ignoring one that is already gone."""
    with contextlib.suppress(NotFound, APIError):
        await gateway.call(stop_container, gateway.client, container_id, int(grace))


def api_message(exc: BaseException) -> str:
    """The most useful one-line message of a podman-py error."""
    explanation = getattr(exc, "explanation", None)
    text = str(explanation or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def hook_failure_message(handler: dict, container: str, pod: str, output: str) -> str:
    """The kubelet's wording for a failed lifecycle hook."""
    if "exec" in handler:
        command = (handler["exec"] or {}).get("command") or []
        return f'Exec lifecycle hook ({command}) for Container "{container}" in Pod "{pod}" failed - error: {output}, message: "{output}"'
    if "httpGet" in handler:
        path = (handler["httpGet"] or {}).get("path") or "/"
        return f'HTTP lifecycle hook ({path}) for Container "{container}" in Pod "{pod}" failed - error: {output}'
    return f'Lifecycle hook for Container "{container}" in Pod "{pod}" failed - error: {output}'
