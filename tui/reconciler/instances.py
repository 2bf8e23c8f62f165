"""The container instances (attempts) of one pod, and which one each record shows.

Each restart is a new Podman container, as with the kubelet, so a spec container has a
history of attempts. The record shows the newest as ``current`` and the newest terminated
one before it as ``previous`` (``kubectl logs --previous``, lastState). Older attempts are
removed once a newer one runs: one dead instance per container is kept, like the kubelet's
container garbage collection.
"""

from __future__ import annotations

from collections.abc import Callable

from podman.errors import NotFound

from tui.podman.gateway import PodmanGateway
from tui.podman.oom_watch import OomWatcher
from tui.status.model import ContainerInstance, ContainerRecord, PodRecord
from tui.status.podman_inspect import instance_from_inspect


class InstanceBook:
    """Attempts per container name, kept in attempt order, mirrored into the pod record."""

    def __init__(self, record: PodRecord, oom: OomWatcher | None = None) -> None:
        self.record = record
        self.oom = oom
        self._by_name: dict[str, dict[int, ContainerInstance]] = {}
        self._names_by_id: dict[str, str] = {}
        self._start_errors: dict[str, str] = {}
        self._highest: dict[str, int] = {}  # per container: the highest attempt ever seen
        self.on_refreshed: Callable[[PodRecord], None] | None = None  # set by the supervisor

    def start_failed(self, instance: ContainerInstance, message: str, when) -> None:
        """Podman 4.3 leaves a container that failed to start as "created" with no error:
        remember the failure so the instance reads as terminated (StartError) from now on."""
        self._start_errors[instance.id] = message
        self._apply_start_error(instance, when)
        self.put(instance)

    def _apply_start_error(self, instance: ContainerInstance, when) -> None:
        message = self._start_errors.get(instance.id)
        if message is None or instance.state == "running":
            return
        instance.error = instance.error or message
        instance.state = "exited"
        if not instance.exit_code:
            instance.exit_code = 128
        if instance.finished_at is None:
            instance.finished_at = when
        if instance.started_at is None:
            instance.started_at = instance.finished_at

    def load(self, instances: list[ContainerInstance]) -> None:
        """Replace the book with instances read from Podman (adoption after a restart)."""
        self._by_name.clear()
        self._names_by_id.clear()
        for instance in instances:
            self.put(instance)

    def put(self, instance: ContainerInstance) -> ContainerRecord | None:
        """Add or update one instance and update its record's current/previous."""
        record = self.record.containers.get(instance.name)
        if record is None:
            return None
        self._by_name.setdefault(instance.name, {})[instance.attempt] = instance
        self._names_by_id[instance.id] = instance.name
        self._highest[instance.name] = max(self._highest.get(instance.name, -1), instance.attempt)
        self._mirror(record)
        return record

    def forget(self, container_id: str) -> None:
        """An instance was removed from Podman."""
        name = self._names_by_id.pop(container_id, None)
        if name is None:
            return
        attempts = self._by_name.get(name, {})
        for attempt, instance in list(attempts.items()):
            if instance.id == container_id:
                del attempts[attempt]
        record = self.record.containers.get(name)
        if record is not None:
            self._mirror(record)

    def _mirror(self, record: ContainerRecord) -> None:
        attempts = self._by_name.get(record.name, {})
        ordered = [attempts[k] for k in sorted(attempts)]
        record.current = ordered[-1] if ordered else None
        previous = [i for i in ordered[:-1] if i.state == "exited"]
        record.previous = previous[-1] if previous else None
        if record.current is not None:
            record.restart_count = max(record.restart_count, record.current.attempt)

    def started_locally(
        self,
        container_id: str,
        name: str,
        attempt: int,
        image: str,
        when,
        running: bool,
    ) -> ContainerInstance:
        """What a start call just told us, recorded without asking Podman again."""
        known = self._by_name.get(name, {}).get(attempt)
        if known is not None and known.id == container_id and known.state == "exited":
            return known  # it already died and was read back: keep the truth
        instance = ContainerInstance(
            id=container_id,
            name=name,
            attempt=attempt,
            state="running" if running else "created",
            image=image,
            created_at=when,
            started_at=when if running else None,
        )
        self.put(instance)
        return instance

    async def refresh_quietly(self, gateway: PodmanGateway, container_id: str) -> None:
        """``refresh`` for background use: a lost service is noticed elsewhere."""
        from tui.errors import PodmanUnavailable

        try:
            if await self.refresh(gateway, container_id) is not None:
                record = self.record
                # the owner publishes on its next change; nudge it through the record's host
                if self.on_refreshed is not None:
                    self.on_refreshed(record)
        except PodmanUnavailable:
            return

    def next_attempt(self, name: str) -> int:
        """The attempt number for a new instance: never reused, even after a removal."""
        return self._highest.get(name, -1) + 1

    def sandbox_gone(self, when) -> None:
        """The pod was removed under us: every instance is gone; keep the newest as the
        terminated last state (running ones were killed) and forget the rest."""
        for name, attempts in self._by_name.items():
            record = self.record.containers.get(name)
            if record is None or not attempts:
                continue
            newest = attempts[max(attempts)]
            if newest.state != "exited":
                newest.state = "exited"
                newest.exit_code = 137 if newest.exit_code in (None, 0) else newest.exit_code
                newest.finished_at = when
            record.previous = newest
            record.current = None
            record.ready = record.started = False
        self._by_name.clear()
        self._names_by_id.clear()

    def record_for(self, instance: ContainerInstance) -> ContainerRecord | None:
        """The record an instance belongs to."""
        return self.record.containers.get(instance.name)

    def owns(self, container_id: str) -> bool:
        """True when the container is one of this pod's instances."""
        return container_id in self._names_by_id

    def stale(self, name: str) -> list[ContainerInstance]:
        """Instances older than the previous one: safe to remove."""
        attempts = self._by_name.get(name, {})
        ordered = [attempts[k] for k in sorted(attempts)]
        record = self.record.containers.get(name)
        keep = {id(record.current), id(record.previous)} if record else set()
        return [i for i in ordered if id(i) not in keep and i.state == "exited"]

    def all_instances(self) -> list[ContainerInstance]:
        """Every known instance (for logs and clean-up)."""
        return [i for attempts in self._by_name.values() for i in attempts.values()]

    async def refresh(self, gateway: PodmanGateway, container_id: str) -> ContainerInstance | None:
        """Re-read one container from Podman; None when it no longer exists."""

        def inspect() -> dict | None:
            try:
                return gateway.client.containers.get(container_id).attrs
            except NotFound:
                return None

        attrs = await gateway.call(inspect)
        if attrs is None:
            self.forget(container_id)
            return None
        instance = instance_from_inspect(attrs)
        if instance.id in self._start_errors:
            self._apply_start_error(instance, instance.created_at)
        if (
            instance.state == "exited"
            and instance.exit_code == 137
            and not instance.oom_killed
            and self.oom is not None
            and self.oom.was_oom_killed(instance.id)
        ):
            instance.oom_killed = True
        if self.put(instance) is None:
            return None
        return instance
