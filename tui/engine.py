"""The engine: one object the CLI, ``serve`` and the app drive, with no Textual in it.

It owns the connection to Podman (found or started), one ``PodSupervisor`` per pod, the
event recorder, status publishing and the state directory. Callers apply and delete pods;
listeners receive ``tui.reconciler.updates`` objects on the event loop. When Podman goes
away every pod shows Unknown and the engine reconnects with back-off, then re-reads what
runs instead of restarting anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from podman.errors import APIError, NotFound

from tui.config import Settings
from tui.errors import PodmanUnavailable
from tui.podman.container_ops import stop_pod
from tui.podman.exit_watch import ExitWatcher
from tui.podman.gateway import PodmanGateway
from tui.podman.oom_watch import OomWatcher
from tui.podman.service import PodmanService, podman_env
from tui.reconciler import materialize
from tui.reconciler.backoff import Backoff
from tui.reconciler.foreign_pods import foreign_pod_objects
from tui.reconciler.image_puller import ImagePuller, PullProgress
from tui.reconciler.pod_plan import (
    LABEL_FOLDER,
    LABEL_MANAGED,
    LABEL_MANIFEST,
    LABEL_NAME,
    LABEL_NAMESPACE,
    LABEL_SPEC_HASH,
    LABEL_UID,
    PODMAN_POD_ANNOTATION,
    PodPlan,
    folder_id,
    podman_pod_name,
)
from tui.reconciler.pod_supervisor import PodSupervisor
from tui.reconciler.state_store import StateStore
from tui.reconciler.translate import ObjectLookup, translate_pod
from tui.reconciler.updates import (
    ConnectionChanged,
    EngineUpdate,
    EventRecorded,
    PodChanged,
    PodRemoved,
    PullProgressed,
    ReconcileLogged,
)
from tui.status.events import Event, EventRecorder, event_to_dict
from tui.status.model import PodRecord
from tui.status.pod_status import build_pod_object
from tui.status.podman_inspect import instance_from_inspect, parse_podman_time
from tui.status.timestamps import rfc3339

log = logging.getLogger(__name__)

PodKey = tuple[str, str]
Listener = Callable[[EngineUpdate], None]
RECONNECT_BACKOFF = (0.5, 10.0)
MANIFEST_CONDITION = "podtui.io/ManifestValid"
FOREIGN_ACTIONS = frozenset({"create", "remove", "start", "died", "stop"})


def utcnow() -> datetime:
    """Timezone-aware now (one place, so tests can reason about it)."""
    return datetime.now(UTC)


class Engine:
    """Pods from specs to running Podman pods, and their status back out."""

    def __init__(
        self,
        settings: Settings,
        *,
        advertise_service: bool = False,
        use_shared_service: bool = True,
    ) -> None:
        self.settings = settings
        self.service = PodmanService(
            settings, advertise=advertise_service, use_shared=use_shared_service
        )
        self.on_reconnected: list[Callable[[], Any]] = []  # e.g. the folder reconciler's resync
        self.gateway: PodmanGateway = None  # type: ignore[assignment]  # set by start()
        self.images: ImagePuller = None  # type: ignore[assignment]
        self.recorder = EventRecorder()
        self.oom = OomWatcher()
        self.exits = ExitWatcher(self._on_exit_file)
        self.store = StateStore(settings.state_dir)
        self.restart_backoff = Backoff(settings.backoff_base, settings.backoff_cap)
        self.pull_backoff = Backoff(settings.backoff_base, settings.backoff_cap)
        self._saved_backoff: dict[str, tuple[float, float]] = {}
        self._problems_since: dict[PodKey, str | None] = {}
        self.supervisors: dict[PodKey, PodSupervisor] = {}
        self.pods: dict[PodKey, dict[str, Any]] = {}  # latest managed v1.Pod objects
        self.foreign: dict[str, dict[str, Any]] = {}  # foreign Podman pods by name
        self.connected = False
        self.version = ""
        self._listeners: list[Listener] = []
        self._dirty: set[PodKey] = set()
        self._flush_scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._foreign_task: asyncio.Task[None] | None = None
        self._closing = False
        self._network_ready: asyncio.Future[None] | None = None
        self.reconciling = False  # set by the session that holds the folder lock
        self.recorder.add_listener(self._on_event_recorded)

    # -- SupervisorHost -----------------------------------------------------------------------

    def emit(
        self,
        record: PodRecord,
        type_: str,
        reason: str,
        message: str,
        field_path: str | None = None,
    ) -> None:
        """Record a Kubernetes-style event for a pod."""
        self.recorder.record(
            record.namespace,
            record.name,
            reason,
            message,
            type=type_,  # type: ignore[arg-type]
            field_path=field_path or "",
            pod_uid=record.uid,
        )

    def changed(self, record: PodRecord) -> None:
        """A record changed: publish the pod's status at the end of this loop tick."""
        key = (record.namespace, record.name)
        if self.supervisors.get(key) is None or self.supervisors[key].record is not record:
            return  # a replaced pod's old supervisor finishing its termination
        self._dirty.add(key)
        if not self._flush_scheduled and self._loop is not None:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)

    def now(self) -> datetime:
        """UTC now."""
        return utcnow()

    async def ensure_network(self) -> None:
        """Create (or check) the pods' network once per connection, not once per pod."""
        if (
            self._network_ready is None
            or self._network_ready.done()
            and self._network_ready.exception()
        ):
            self._network_ready = asyncio.ensure_future(
                self.gateway.call(materialize.ensure_network, self.gateway.client, self.settings)
            )
        await asyncio.shield(self._network_ready)

    # -- listeners ------------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Receive every update on the event loop; returns the function that unsubscribes."""
        self._listeners.append(listener)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    def _publish(self, update: EngineUpdate) -> None:
        for listener in list(self._listeners):
            try:
                listener(update)
            except Exception:  # noqa: BLE001 - a listener's bug must not stop the engine
                log.exception("engine listener failed")

    def log(self, message: str, level: str = "info") -> None:
        """One reconcile action, for ``serve``'s log and the app's log line."""
        getattr(log, level if level in ("info", "warning", "error") else "info")(message)
        self._publish(ReconcileLogged(message, level))

    def _on_event_recorded(self, event: Event) -> None:
        self._publish(EventRecorded(event))
        key = (event.namespace, event.pod)
        supervisor = self.supervisors.get(key)
        if supervisor is not None:
            self.changed(supervisor.record)

    def _flush(self) -> None:
        self._flush_scheduled = False
        dirty, self._dirty = self._dirty, set()
        now = self.now()
        if self.reconciling:
            backoff = self.restart_backoff.export()
            if backoff != self._saved_backoff:
                # saved as it changes, so a crashed or killed reconciler's successor has it too
                self._saved_backoff = backoff
                with contextlib.suppress(OSError):
                    self.store.save_backoff(backoff)
        for key in dirty:
            supervisor = self.supervisors.get(key)
            if supervisor is None:
                continue
            pod = self.pod_object(supervisor.record, now)
            if self.pods.get(key) == pod:
                continue  # a resync or a repeated event changed nothing anyone can see
            self.pods[key] = pod
            self._publish(PodChanged(key[0], key[1], pod))
            events = [event_to_dict(e) for e in self.recorder.events_for(*key)]  # this pod's only
            self.store.schedule_pod(key[0], key[1], {"pod": pod, "events": events, "managed": True})

    def pod_object(self, record: PodRecord, now: datetime | None = None) -> dict[str, Any]:
        """The v1.Pod for a record, with podtui's manifest-problem condition when there is one."""
        pod = build_pod_object(record, now or self.now())
        if record.managed:
            supervisor = self.supervisors.get((record.namespace, record.name))
            podman_name = (
                supervisor.plan.podman_name
                if supervisor is not None
                else podman_pod_name(record.namespace, record.name, self.settings.manifests_dir)
            )
            pod["metadata"].setdefault("annotations", {})[PODMAN_POD_ANNOTATION] = podman_name
        key = (record.namespace, record.name)
        if not record.problems:
            self._problems_since.pop(key, None)
        else:
            # when the file turned invalid (first published then), not when the pod started
            since = self._problems_since.setdefault(key, rfc3339(now or self.now()))
            conditions = pod["status"].setdefault("conditions", [])
            conditions.append(
                {
                    "type": MANIFEST_CONDITION,
                    "status": "False",
                    "reason": "InvalidManifest",
                    "message": "; ".join(record.problems),
                    "lastTransitionTime": since,
                }
            )
        return pod

    # -- connection ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect to Podman (finding or starting a service) and restore persisted state."""
        self._loop = asyncio.get_running_loop()
        self.store.ensure()
        self.restart_backoff.restore(self.store.load_backoff())
        self.oom.start()
        await self._connect()
        if (
            self.service.endpoint is not None
            and self.service.endpoint.source != "CONTAINER_HOST"
            or (self.settings.container_host or "").startswith("unix://")
        ):
            self.exits.start()  # local service: conmon's exit files are on this host

    async def _connect(self) -> None:
        endpoint = await asyncio.to_thread(self.service.open)
        gateway = PodmanGateway(endpoint, podman_env=podman_env(self.settings))
        try:
            version = await gateway.version()
        except Exception:
            gateway.close()
            raise
        self.gateway = gateway
        self._network_ready = None  # a new service may have lost it
        self.images = ImagePuller(gateway, self._on_pull_progress)
        self.version = version
        assert self._loop is not None
        await asyncio.to_thread(
            gateway.start_events, self._loop, self._on_podman_event, self._on_events_lost
        )
        self.connected = True
        self._publish(ConnectionChanged(True, version, endpoint.url, endpoint.source))

    def _on_pull_progress(self, progress: PullProgress) -> None:
        self._publish(
            PullProgressed(
                progress.reference,
                progress.layers_done,
                progress.layers_total,
                progress.bytes_done,
                progress.bytes_total,
                progress.done,
                progress.error,
            )
        )

    def _on_events_lost(self, error: BaseException | None) -> None:
        if self._closing:
            return
        self.lost(str(error) if error else "the event stream ended")

    def lost(self, detail: str) -> None:
        """Podman cannot be reached: pods show Unknown until we reconnect."""
        if not self.connected and self._reconnect_task is not None:
            return
        self.connected = False
        self.log(f"lost the Podman service: {detail}; reconnecting", "warning")
        self._publish(ConnectionChanged(False, self.version, f"disconnected, retrying: {detail}"))
        for supervisor in self.supervisors.values():
            supervisor.record.podman_reachable = False
            self.changed(supervisor.record)
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = asyncio.create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay, cap = RECONNECT_BACKOFF
        while not self._closing:
            old = self.gateway
            try:
                with contextlib.suppress(Exception):
                    old.close()
                if self.service.endpoint is not None and self.service.endpoint.source == "embedded":
                    await asyncio.to_thread(self.service.restart_embedded)
                else:
                    self.service.endpoint = None
                await self._connect()
            except (PodmanUnavailable, APIError, OSError) as exc:
                log.info("reconnect failed: %s", exc)
                await asyncio.sleep(delay)  # reconnect back-off, bounded by the cap
                delay = min(delay * 2, cap)
                continue
            break
        if self._closing:
            return
        self.log(f"reconnected to Podman {self.version}")
        for supervisor in list(self.supervisors.values()):
            await self._resync(supervisor)
        for hook in list(self.on_reconnected):
            result = hook()
            if asyncio.iscoroutine(result):
                await result
        self._schedule_foreign_refresh()

    async def _resync(self, supervisor: PodSupervisor) -> None:
        """Re-read a pod's containers after a reconnect; restart nothing that still runs."""
        with contextlib.suppress(PodmanUnavailable):
            for instance in supervisor.book.all_instances():
                await supervisor.book.refresh(self.gateway, instance.id)
            listed = await self.gateway.call(
                self.gateway.client.containers.list,
                all=True,
                filters={"label": f"{LABEL_UID}={supervisor.record.uid}"},  # podman-py: one str
            )
            for container in listed:
                if not supervisor.book.owns(container.id):
                    await supervisor.book.refresh(self.gateway, container.id)
        supervisor.record.podman_reachable = True
        self.changed(supervisor.record)
        supervisor.kick()

    def _on_podman_event(self, event: dict[str, Any]) -> None:
        actor = event.get("Actor") or {}
        attributes = actor.get("Attributes") or {}
        action = str(event.get("Action") or event.get("status") or "")
        kind = event.get("Type")
        if attributes.get(LABEL_MANAGED) != "true":
            if kind == "pod" and self._is_own_pod_name(str(attributes.get("name") or "")):
                # pod events carry no labels: recognise our own pods by name
                if action == "remove":
                    self._pod_removed(str(attributes.get("name")), str(actor.get("ID") or ""))
                return
            if kind in ("pod", "container") and action in FOREIGN_ACTIONS:
                self._schedule_foreign_refresh()
            return
        if kind != "container":
            return
        key = (attributes.get(LABEL_NAMESPACE, ""), attributes.get(LABEL_NAME, ""))
        supervisor = self.supervisors.get(key)
        if supervisor is None or attributes.get(LABEL_UID) != supervisor.record.uid:
            return
        container_id = str(actor.get("ID") or event.get("id") or "")
        if container_id:
            supervisor.on_container_event(action, container_id)

    def _pod_removed(self, podman_name: str, pod_id: str) -> None:
        """Someone removed one of our pods: its supervisor re-creates it (unless we did it)."""
        for supervisor in self.supervisors.values():
            if (
                supervisor.plan.podman_name == podman_name
                and supervisor.record.podman_pod_id == pod_id
            ):
                self.log(
                    f"pod {supervisor.record.namespace}/{supervisor.record.name}: removed outside podtui; re-creating",
                    "warning",
                )
                asyncio.create_task(supervisor.sandbox_lost())

    def _on_exit_file(self, container_id: str) -> None:
        """conmon wrote an exit file (a thread): refresh that container on the loop now."""
        loop = self._loop
        if loop is None:
            return

        def route() -> None:
            for supervisor in self.supervisors.values():
                if supervisor.book.owns(container_id):
                    supervisor.on_container_event("died", container_id)
                    return

        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(route)

    def _is_own_pod_name(self, podman_name: str) -> bool:
        return podman_name.endswith("_" + folder_id(self.settings.manifests_dir)[:8])

    # -- foreign pods -------------------------------------------------------------------------------

    def _schedule_foreign_refresh(self) -> None:
        if self._foreign_task is not None and not self._foreign_task.done():
            return
        self._foreign_task = asyncio.create_task(self.refresh_foreign())

    async def refresh_foreign(self) -> None:
        """Re-list Podman pods podtui did not create (shown read-only)."""
        await asyncio.sleep(0.1)  # coalesce a burst of events into one listing
        try:
            objects = await self.gateway.call(foreign_pod_objects, self.gateway.client, self.now())
        except PodmanUnavailable:
            return
        gone = set(self.foreign) - set(objects)
        self.foreign = objects
        for name in gone:
            self._publish(PodRemoved("podman", name))
        for name, pod in objects.items():
            self._publish(PodChanged("podman", name, pod, managed=False))

    # -- pods ------------------------------------------------------------------------------------------

    async def managed_podman_pods(self) -> dict[PodKey, dict[str, Any]]:
        """Podman pods podtui created, by (namespace, name), with their labels and ids."""

        def listing() -> dict[PodKey, dict[str, Any]]:
            found: dict[PodKey, dict[str, Any]] = {}
            # podman-py 5.8 turns a list value into its repr ("['a=b']"): pass one string.
            # Only this folder's pods: another folder on the same service owns its own.
            selector = f"{LABEL_FOLDER}={folder_id(self.settings.manifests_dir)}"
            for pod in self.gateway.client.pods.list(filters={"label": selector}):
                labels = pod.attrs.get("Labels") or {}
                key = (labels.get(LABEL_NAMESPACE, ""), labels.get(LABEL_NAME, ""))
                found[key] = {
                    "id": pod.id,
                    "name": pod.attrs.get("Name"),
                    "labels": labels,
                    "attrs": pod.attrs,
                }
            return found

        return await self.gateway.call(listing)

    async def apply(
        self,
        pod: dict[str, Any],
        objects: ObjectLookup,
        manifest: str | None,
        *,
        existing: dict[PodKey, dict[str, Any]] | None = None,
        problems: list[str] | None = None,
    ) -> str:
        """Run this Pod; returns ``created``, ``configured`` (replaced) or ``unchanged``.

        An unchanged spec never restarts anything: a running supervisor keeps going, and a
        pod left by an earlier engine is adopted as it is.
        """
        plan = translate_pod(pod, objects, self.settings, manifest)
        key = (plan.namespace, plan.name)
        supervisor = self.supervisors.get(key)
        if supervisor is not None and supervisor.plan.spec_hash == plan.spec_hash:
            supervisor.record.problems = list(problems or [])
            if manifest and supervisor.record.manifest != manifest:
                supervisor.record.manifest = manifest  # a renamed file keeps its pod
            supervisor.plan.file_volumes[:] = plan.file_volumes
            await self._refresh_files(supervisor)
            self.changed(supervisor.record)
            return "unchanged"
        if existing is None:
            existing = await self.managed_podman_pods()
        found = existing.get(key)
        if (
            supervisor is None
            and found is not None
            and found["labels"].get(LABEL_SPEC_HASH) == plan.spec_hash
        ):
            await self._adopt(plan, pod, manifest, found, problems)
            return "unchanged"
        if supervisor is not None or found is not None:
            await self._prepare_images(plan)  # a replacement pulls before the old pod stops
        outcome = "created"
        if supervisor is not None:
            self.log(f"pod {key[0]}/{key[1]}: spec changed, replacing")
            await self._retire(supervisor)
            outcome = "configured"
        elif found is not None:
            self.log(f"pod {key[0]}/{key[1]}: spec changed while podtui was away, replacing")
            await self._remove_unsupervised(key, found, objects)
            outcome = "configured"
        self._create(plan, pod, manifest, problems)
        return outcome

    async def _prepare_images(self, plan: PodPlan) -> None:
        """Pull a replacement's images before the old pod stops (failures surface later)."""
        for cplan in plan.container_plans():
            if cplan.image_pull_policy == "Never" or getattr(cplan, "image_error", None):
                continue
            try:
                if cplan.image_pull_policy == "IfNotPresent" and await self.images.exists(
                    cplan.image
                ):
                    continue
                await self.images.pull(cplan.image)
            except Exception:  # noqa: BLE001 - the new pod reports ErrImagePull itself
                return

    def _create(
        self, plan: PodPlan, pod: dict[str, Any], manifest: str | None, problems: list[str] | None
    ) -> PodSupervisor:
        now = self.now()
        record = PodRecord(
            namespace=plan.namespace,
            name=plan.name,
            uid=plan.uid,
            spec=pod,
            manifest=manifest,
            created_at=now,
            start_time=now,
            problems=list(problems or []),
        )
        supervisor = PodSupervisor(self, plan, record)
        key = (plan.namespace, plan.name)
        self.supervisors[key] = supervisor
        self.store.save_spec(
            plan.namespace, plan.name, {"pod": pod, "manifest": manifest, "hash": plan.spec_hash}
        )
        self.emit(
            record,
            "Normal",
            "Scheduled",
            f"Successfully assigned {plan.namespace}/{plan.name} to podtui",
        )
        self.log(f"pod {plan.namespace}/{plan.name}: creating")
        supervisor.start()
        self.changed(record)
        return supervisor

    async def _adopt(
        self,
        plan: PodPlan,
        pod: dict[str, Any],
        manifest: str | None,
        found: dict[str, Any],
        problems: list[str] | None,
    ) -> PodSupervisor:
        labels = found["labels"]
        uid = labels.get(LABEL_UID) or plan.uid
        plan.uid = uid
        plan.labels[LABEL_UID] = uid
        created = parse_podman_time(found["attrs"].get("Created")) or self.now()
        record = PodRecord(
            namespace=plan.namespace,
            name=plan.name,
            uid=uid,
            spec=pod,
            manifest=manifest or labels.get(LABEL_MANIFEST),
            created_at=created,
            start_time=created,
            problems=list(problems or []),
        )
        supervisor = PodSupervisor(self, plan, record)
        instances, infra_running, pod_ip = await self._read_pod(found["id"], uid)
        supervisor.adopt(instances, infra_running, found["id"], pod_ip)
        self._restore_events(record)
        key = (plan.namespace, plan.name)
        self.supervisors[key] = supervisor
        self.log(f"pod {key[0]}/{key[1]}: adopted (unchanged)")
        supervisor.start()
        self.changed(record)
        return supervisor

    def _restore_events(self, record: PodRecord) -> None:
        snapshot = self.store.load_pods().get(f"{record.namespace}_{record.name}.json")
        if snapshot and snapshot.get("events"):
            with contextlib.suppress(Exception):
                self.recorder.load_json(snapshot["events"])

    async def _read_pod(self, pod_id: str, uid: str) -> tuple[list[Any], bool, str | None]:
        """A pod's container instances, whether its infra runs, and its IP."""

        def read() -> tuple[list[Any], bool, str | None]:
            client = self.gateway.client
            pod = client.pods.get(pod_id)
            infra_id = pod.attrs.get("InfraContainerID")
            infra_running = False
            pod_ip = None
            instances = []
            for container in client.containers.list(all=True, filters={"pod": pod_id}):
                try:
                    attrs = client.containers.get(container.id).attrs
                except NotFound:
                    continue
                if container.id == infra_id:
                    from tui.status.podman_inspect import pod_ip_from_inspect

                    infra_running = bool((attrs.get("State") or {}).get("Running"))
                    pod_ip = pod_ip_from_inspect(attrs)
                    continue
                labels = (attrs.get("Config") or {}).get("Labels") or {}
                if labels.get(LABEL_UID) != uid:
                    continue
                instances.append(instance_from_inspect(attrs))
            return instances, infra_running, pod_ip

        return await self.gateway.call(read)

    async def observe(self) -> None:
        """Read-only: compute every managed pod's status from Podman and saved specs.

        What ``get`` and ``describe`` use when no reconciler runs: nothing is started,
        restarted or created, and waiting reasons only a supervisor knows (back-off) are
        absent, as on a node whose kubelet is down.
        """
        existing = await self.managed_podman_pods()
        snapshots = self.store.load_pods()
        now = self.now()
        for key, found in existing.items():
            labels = found["labels"]
            saved = self.store.load_spec(*key) or {}
            spec = saved.get("pod") if isinstance(saved.get("pod"), dict) else None
            uid = labels.get(LABEL_UID, "")
            try:
                instances, infra_running, pod_ip = await self._read_pod(found["id"], uid)
            except (NotFound, APIError):
                continue  # removed between the listing and the read
            if spec is None:
                spec = {
                    "metadata": {"name": key[1], "namespace": key[0]},
                    "spec": {
                        "containers": [
                            {"name": n, "image": ""} for n in sorted({i.name for i in instances})
                        ]
                    },
                }
            created = parse_podman_time(found["attrs"].get("Created")) or now
            record = PodRecord(
                namespace=key[0],
                name=key[1],
                uid=uid,
                spec=spec,
                manifest=labels.get(LABEL_MANIFEST),
                podman_pod_id=found["id"],
                pod_ip=pod_ip,
                created_at=created,
                start_time=created,
                sandbox_ready=infra_running,
            )
            observed_records(record, instances, self.oom)
            self.pods[key] = self.pod_object(record, now)
            snapshot = snapshots.get(f"{key[0]}_{key[1]}.json") or {}
            with contextlib.suppress(Exception):
                self.recorder.load_json(snapshot.get("events") or [])

    async def _refresh_files(self, supervisor: PodSupervisor) -> None:
        """Rewrite configMap/secret volume files in place (updated ConfigMaps reach mounts)."""
        from tui.reconciler import materialize

        for item in supervisor.plan.file_volumes:
            with contextlib.suppress(Exception):
                await self.gateway.call(materialize.write_file_volume, item)

    async def _retire(self, supervisor: PodSupervisor, grace: float | None = None) -> None:
        key = (supervisor.record.namespace, supervisor.record.name)
        if self.supervisors.get(key) is supervisor:
            # show Terminating while it stops (a replacement starts once it has gone)
            supervisor.record.terminating = True
            supervisor.record.deletion_started_at = self.now()
            self.changed(supervisor.record)
            self._flush()
            del self.supervisors[key]
        self.restart_backoff.forget_prefix(f"{supervisor.record.uid}/")
        await supervisor.terminate(grace)

    async def _remove_unsupervised(
        self,
        key: PodKey,
        found: dict[str, Any],
        objects: ObjectLookup,
        grace: float | None = None,
    ) -> None:
        """Remove a pod an earlier engine left, gracefully when its last spec is known.

        ``grace`` overrides the pod's own grace period (``delete --grace-period``).
        """
        saved = self.store.load_spec(*key)
        if saved and isinstance(saved.get("pod"), dict):
            with contextlib.suppress(Exception):
                plan = translate_pod(saved["pod"], objects, self.settings, saved.get("manifest"))
                supervisor = await self._adopt(
                    plan, saved["pod"], saved.get("manifest"), found, None
                )
                await supervisor.detach()
                await self._retire(supervisor, grace)
                return
        pod_id = found["id"]
        timeout = 30 if grace is None else max(0, int(grace))
        with contextlib.suppress(NotFound, APIError):
            await self.gateway.call(stop_pod, self.gateway.client, pod_id, timeout)
        with contextlib.suppress(NotFound, APIError):
            await self.gateway.call(lambda: self.gateway.client.pods.get(pod_id).remove(force=True))

    async def delete(self, namespace: str, name: str, grace: float | None = None) -> bool:
        """Delete a pod gracefully; False when there is no such managed pod."""
        key = (namespace, name)
        supervisor = self.supervisors.get(key)
        if supervisor is None:
            existing = await self.managed_podman_pods()
            if key not in existing:
                return False
            await self._remove_unsupervised(key, existing[key], _NoObjects(), grace)
        else:
            self.log(f"pod {namespace}/{name}: deleting")
            self.changed(supervisor.record)
            supervisor.record.terminating = True
            self._flush()
            await self._retire(supervisor, grace)
        self.pods.pop(key, None)
        self.store.schedule_pod(namespace, name, None)
        self.store.drop_spec(namespace, name)
        self.recorder.forget(namespace, name)
        self._publish(PodRemoved(namespace, name))
        return True

    async def restart(self, namespace: str, name: str) -> bool:
        """Re-create a pod from its current spec (what ``r`` in the app does)."""
        supervisor = self.supervisors.get((namespace, name))
        if supervisor is None:
            return False
        plan, record = supervisor.plan, supervisor.record
        await self._retire(supervisor)
        self._create(plan, record.spec, record.manifest, record.problems)
        return True

    def set_problems(self, namespace: str, name: str, problems: list[str]) -> None:
        """Show (or clear) manifest problems on a running pod (an invalid edit keeps the pod)."""
        supervisor = self.supervisors.get((namespace, name))
        if supervisor is not None and supervisor.record.problems != problems:
            supervisor.record.problems = list(problems)
            self.changed(supervisor.record)

    def all_pods(self) -> list[dict[str, Any]]:
        """Every known pod object: managed first, then foreign."""
        return [*self.pods.values(), *self.foreign.values()]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds after some update, or the timeout passes."""
        if predicate():
            return True
        changed = asyncio.Event()
        remove = self.add_listener(lambda _update: changed.set())
        try:
            deadline = asyncio.get_running_loop().time() + timeout
            while not predicate():
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    return False
                changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
            return True
        finally:
            remove()

    async def close(self, *, stop_pods: bool = False) -> None:
        """Stop supervising (pods keep running unless ``stop_pods``), persist state, disconnect."""
        self._closing = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
        for supervisor in list(self.supervisors.values()):
            if stop_pods:
                await supervisor.terminate()
            else:
                await supervisor.detach()
        self._flush()
        self.store.flush()
        if self.supervisors or self.reconciling:
            # only a supervising engine knows the current back-offs; a viewer's copy is stale
            with contextlib.suppress(OSError):
                self.store.save_backoff(self.restart_backoff.export())
        if self.gateway is not None:
            self.gateway.close()
        self.oom.stop()
        self.exits.stop()
        await asyncio.to_thread(self.service.close)


class _NoObjects:
    def config_map(self, namespace: str, name: str) -> None:
        return None

    def secret(self, namespace: str, name: str) -> None:
        return None

    def persistent_volume_claim(self, namespace: str, name: str) -> None:
        return None


def observed_records(record: PodRecord, instances: list[Any], oom: OomWatcher | None) -> None:
    """Fill a record's containers from Podman alone (no supervisor knowledge)."""
    from tui.reconciler.instances import InstanceBook
    from tui.status.model import ContainerRecord

    spec = record.spec.get("spec") or {}
    for item in spec.get("initContainers") or []:
        kind = "sidecar" if item.get("restartPolicy") == "Always" else "init"
        record.containers[item["name"]] = ContainerRecord(item["name"], kind, item.get("image", ""))  # type: ignore[arg-type]
    for item in spec.get("containers") or []:
        record.containers[item["name"]] = ContainerRecord(
            item["name"], "app", item.get("image", "")
        )
    book = InstanceBook(record, oom)
    book.load(instances)
    for container, item in zip(
        list(record.containers.values()),
        [*(spec.get("initContainers") or []), *(spec.get("containers") or [])],
        strict=False,
    ):
        current = container.current
        if current is None:
            continue
        if current.state == "running":
            container.started = True
            container.ready = not item.get("readinessProbe")
        elif container.kind == "init" and current.exit_code == 0:
            container.ready = True


def dumps(value: Any) -> str:
    """Compact JSON for labels and state."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
