"""The pods a read command shows (``get``, ``describe``, ``delete``'s lookups), kept current.

When a reconciler holds the folder lock its snapshots in the state directory are the truth
(they carry what only a supervisor knows: back-off reasons, probe results, events), and
Podman is asked only about foreign pods. When none does, an engine observes Podman
read-only (``Engine.observe``): nothing is started, restarted or created. ``changes()``
follows either source for ``get -w``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from watchfiles import awatch

from tui.cli.engine_access import reconciler_pid
from tui.cli.pod_names import wants_foreign
from tui.cli.podman_access import LOST, PodmanConnection
from tui.config import Settings
from tui.engine import Engine, PodKey
from tui.errors import PodmanUnavailable
from tui.reconciler.foreign_pods import FOREIGN_NAMESPACE, foreign_pod_objects
from tui.reconciler.pod_plan import LABEL_MANAGED
from tui.reconciler.state_store import StateStore
from tui.status.events import Event, event_from_dict


class PodSource:
    """Managed and foreign pods as v1.Pod dicts, with their events, for one namespace (or all)."""

    def __init__(self, settings: Settings, namespace: str | None) -> None:
        self.settings = settings
        self.namespace = namespace
        self.foreign_wanted = wants_foreign(namespace)
        self.managed: dict[PodKey, dict[str, Any]] = {}
        self.foreign: dict[str, dict[str, Any]] = {}
        self._events: dict[PodKey, list[Event]] = {}
        self.reconciler: int | None = None
        self._engine: Engine | None = None
        self._connection: PodmanConnection | None = None

    @property
    def via_reconciler(self) -> bool:
        """True when the pods come from a running reconciler's snapshots."""
        return self.reconciler is not None

    async def open(self) -> PodSource:
        """Read every pod once."""
        self.reconciler = reconciler_pid(self.settings)
        if self.reconciler is not None:
            self._load_snapshots()
            if self.foreign_wanted:
                self._connection = PodmanConnection(self.settings)
                await self._load_foreign()
            return self
        engine = Engine(self.settings)
        try:
            await engine.start()
        except BaseException:
            with contextlib.suppress(Exception):
                await engine.close()
            raise
        self._engine = engine
        await self._observe()
        return self

    async def close(self) -> None:
        """Disconnect (pods are never touched)."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
        if self._engine is not None:
            await self._engine.close()
            self._engine = None

    async def __aenter__(self) -> PodSource:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- what is known --------------------------------------------------------------------

    def pods(self) -> list[dict[str, Any]]:
        """Every pod in the namespace (all namespaces for None), sorted like kubectl."""
        found = [*self.managed.values(), *self.foreign.values()]
        if self.namespace is not None:
            found = [p for p in found if p["metadata"].get("namespace") == self.namespace]
        return sorted(found, key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))

    def find(self, namespace: str, name: str) -> dict[str, Any] | None:
        """One pod by namespace and name."""
        if namespace == FOREIGN_NAMESPACE and name in self.foreign:
            return self.foreign[name]
        return self.managed.get((namespace, name))

    def events_for(self, namespace: str, name: str) -> list[Event]:
        """The pod's events, oldest first."""
        if self._engine is not None:
            return self._engine.recorder.events_for(namespace, name)
        return list(self._events.get((namespace, name), []))

    # -- loading ----------------------------------------------------------------------------

    def _load_snapshots(self) -> None:
        managed: dict[PodKey, dict[str, Any]] = {}
        events: dict[PodKey, list[Event]] = {}
        for data in StateStore(self.settings.state_dir).load_pods().values():
            pod = data.get("pod")
            if not isinstance(pod, dict):
                continue
            metadata = pod.get("metadata") or {}
            key = (str(metadata.get("namespace") or "default"), str(metadata.get("name") or ""))
            managed[key] = pod
            parsed = []
            for raw in data.get("events") or []:
                with contextlib.suppress(Exception):
                    parsed.append(event_from_dict(raw))
            events[key] = parsed
        self.managed, self._events = managed, events

    async def _load_foreign(self) -> None:
        assert self._connection is not None
        gateway = await self._connection.open()
        now = datetime.now(UTC)
        self.foreign = await gateway.call(foreign_pod_objects, gateway.client, now)

    async def _observe(self) -> None:
        engine = self._engine
        assert engine is not None
        engine.pods.clear()  # observe() only adds: start from nothing to drop deleted pods
        await engine.observe()
        self.managed = dict(engine.pods)
        if self.foreign_wanted:
            await engine.refresh_foreign()
            self.foreign = dict(engine.foreign)

    # -- following ----------------------------------------------------------------------------

    async def changes(self) -> AsyncIterator[None]:
        """Yield after each batch of changes, with ``managed``/``foreign`` already updated."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        tasks: list[asyncio.Task[None]] = []
        stop = asyncio.Event()
        if self._engine is not None:
            self._connection = PodmanConnection(self.settings, self._engine.service.endpoint)
        podman_wanted = self._engine is not None or self.foreign_wanted
        if podman_wanted:
            assert self._connection is not None
            events = await self._connection.subscribe()
            tasks.append(asyncio.create_task(self._pump_podman(events, queue)))
        if self._engine is None:
            tasks.append(asyncio.create_task(self._pump_snapshots(queue, stop)))
        try:
            while True:
                kinds = {await queue.get()}
                while not queue.empty():
                    kinds.add(queue.get_nowait())
                if "lost" in kinds:
                    raise PodmanUnavailable("lost the Podman service")
                if self._engine is not None:
                    await self._observe()
                else:
                    if "snapshots" in kinds:
                        self._load_snapshots()
                    if "podman" in kinds:
                        await self._load_foreign()
                yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _pump_podman(self, events: asyncio.Queue[Any], out: asyncio.Queue[str]) -> None:
        while True:
            event = await events.get()
            if event is LOST:
                out.put_nowait("lost")
                return
            attributes = (event.get("Actor") or {}).get("Attributes") or {}
            managed = attributes.get(LABEL_MANAGED) == "true"
            if self._engine is not None or not managed:
                out.put_nowait("podman")

    async def _pump_snapshots(self, out: asyncio.Queue[str], stop: asyncio.Event) -> None:
        pods_dir = StateStore(self.settings.state_dir).pods_dir
        pods_dir.mkdir(parents=True, exist_ok=True)
        async for _changes in awatch(pods_dir, stop_event=stop, recursive=False, step=30):
            out.put_nowait("snapshots")
