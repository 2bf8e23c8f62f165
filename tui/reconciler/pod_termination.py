"""Graceful termination: preStop, the stop signal, SIGKILL after the grace period.

App containers stop together; sidecars stop after them, in reverse order (KEP-753); then
the sandbox and the pod's ephemeral resources go. PVC volumes are kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from typing import TYPE_CHECKING

from podman.errors import APIError, NotFound

from tui.errors import PodmanUnavailable
from tui.podman.container_ops import stop_container, stop_pod
from tui.reconciler import materialize
from tui.reconciler.container_start import hook_failure_message
from tui.reconciler.handlers import run_handler
from tui.reconciler.pod_plan import ContainerPlan
from tui.status.model import ContainerRecord

if TYPE_CHECKING:
    from tui.reconciler.pod_supervisor import PodSupervisor

MIN_GRACE = 2.0  # the kubelet never gives a container less than 2 s


class PodTerminator:
    """Stops one pod's containers in the kubelet's order and removes what the pod owned."""

    def __init__(self, supervisor: PodSupervisor) -> None:
        self.supervisor = supervisor

    async def terminate(self, grace: float | None, *, remove: bool) -> None:
        """Stop everything within ``grace`` seconds (the pod's own by default), then remove."""
        sup = self.supervisor
        await sup.probes.stop_all()
        if grace is None:
            grace = float(sup.plan.grace_period_seconds)
        deadline = time.monotonic() + max(grace, 0.0)
        apps = [p for p in sup.plan.containers]
        await asyncio.gather(*(self.stop_container(p, deadline) for p in apps))
        for cplan in reversed(sup.plan.init_containers):
            if cplan.kind == "sidecar":
                await self.stop_container(cplan, deadline)
        if remove:
            await self.remove_pod()

    async def stop_container(self, cplan: ContainerPlan, deadline: float) -> None:
        """preStop (within the grace period), then stop with what is left of it."""
        sup = self.supervisor
        host = sup.host
        container: ContainerRecord = sup.record.containers[cplan.name]
        current = container.current
        if current is None or current.state not in ("running", "paused", "created"):
            return
        if current.state == "created":
            return
        host.emit(
            sup.record,
            "Normal",
            "Killing",
            f"Stopping container {cplan.name}",
            sup.field_path(cplan),
        )
        handler = (cplan.spec.get("lifecycle") or {}).get("preStop")
        if handler:
            budget = max(deadline - time.monotonic(), MIN_GRACE)
            try:
                result = await asyncio.wait_for(
                    run_handler(
                        handler,
                        gateway=host.gateway,
                        container_id=current.id,
                        container_spec=cplan.spec,
                        pod_ip=sup.record.pod_ip,
                        timeout=budget,
                    ),
                    timeout=budget,
                )
            except TimeoutError:
                result = None
                host.emit(
                    sup.record,
                    "Warning",
                    "FailedPreStopHook",
                    f"PreStopHook failed: timed out after {budget:.0f}s",
                    sup.field_path(cplan),
                )
            if result is not None and not result.ok:
                host.emit(
                    sup.record,
                    "Warning",
                    "FailedPreStopHook",
                    hook_failure_message(handler, cplan.name, sup.record.name, result.output),
                    sup.field_path(cplan),
                )
        remaining = max(deadline - time.monotonic(), MIN_GRACE)
        gateway = host.gateway
        with contextlib.suppress(NotFound, APIError):
            await gateway.call(stop_container, gateway.client, current.id, math.ceil(remaining))
        await sup.book.refresh(gateway, current.id)
        container.ready = False
        container.started = False
        host.changed(sup.record)

    async def stop_sidecars(self) -> None:
        """After the app containers completed: stop sidecars in reverse order."""
        sup = self.supervisor
        deadline = time.monotonic() + max(float(sup.plan.grace_period_seconds), MIN_GRACE)
        for cplan in reversed(sup.plan.init_containers):
            if cplan.kind == "sidecar":
                await self.stop_container(cplan, deadline)

    async def stop_sandbox(self) -> None:
        """Stop the infra container of a completed pod (its containers stay for logs)."""
        sup = self.supervisor
        gateway = sup.host.gateway
        pod_id = sup.record.podman_pod_id
        if pod_id is None:
            return
        with contextlib.suppress(NotFound, APIError):
            await gateway.call(stop_pod, gateway.client, pod_id, int(MIN_GRACE))
        sup.record.sandbox_ready = False

    async def remove_pod(self) -> None:
        """Remove the pod, its containers, emptyDirs, file volumes and env secrets (not PVCs)."""
        sup = self.supervisor
        gateway = sup.host.gateway
        client = gateway.client
        plan = sup.plan

        def remove_containers() -> None:
            # with their anonymous volumes (images that declare VOLUME get one each)
            for container in client.containers.list(all=True, filters={"pod": plan.podman_name}):
                with contextlib.suppress(NotFound, APIError):
                    container.remove(force=True, v=True)

        with contextlib.suppress(NotFound, APIError):
            await gateway.call(remove_containers)
        with contextlib.suppress(NotFound, APIError):
            await gateway.call(lambda: client.pods.get(plan.podman_name).remove(force=True))
        for cleanup in (
            lambda: materialize.remove_pod_volumes(client, plan),
            lambda: materialize.remove_file_volumes(plan),
            lambda: materialize.remove_secret_env(client, plan),
        ):
            try:
                await gateway.call(cleanup)
            except PodmanUnavailable:
                raise
            except Exception:  # noqa: BLE001 - leftovers are logged, never fatal
                logging.getLogger(__name__).warning(
                    "clean-up of %s failed", plan.podman_name, exc_info=True
                )
        sup.record.sandbox_ready = False
