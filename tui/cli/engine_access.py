"""How a mutating command reaches the pods: through the folder's reconciler, or by itself.

The manifests folder is the source of truth and one podtui process at a time reconciles
it (the folder lock). When one does (``podtui serve`` or the app), a command never touches
pods: it edits the folder and waits, watching the state directory, until the reconciler's
snapshots show the result. When none does, the command takes the lock, runs one reconcile
pass with an engine of its own, waits until the pods it changed have settled, and lets go;
the pods keep running, but nothing restarts them until a reconciler runs, and it says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from watchfiles import awatch

from tui.cli.podman_access import PodmanConnection
from tui.cli.pull_progress import PullProgressPrinter
from tui.cli.serve import settled
from tui.config import Settings
from tui.engine import Engine, PodKey
from tui.errors import PodtuiError
from tui.podman.gateway import PodmanGateway
from tui.reconciler.folder_lock import FolderLock
from tui.reconciler.folder_reconciler import FolderReconciler
from tui.reconciler.pod_plan import LABEL_MANAGED, LABEL_NAME, LABEL_NAMESPACE
from tui.reconciler.pod_plan import podman_pod_name as plan_podman_pod_name
from tui.reconciler.state_store import StateStore, pod_file_name, read_json
from tui.reconciler.updates import EngineUpdate, PullProgressed, ReconcileLogged

UNSUPERVISED_NOTE = (
    "note: no podtui reconciles {folder}: the pods run, but nothing restarts containers or "
    "runs probes until `podtui serve` or `podtui` runs"
)
WATCH_RECHECK_MS = 500  # re-read the snapshots at least this often while waiting
_TRANSIENT_WAITING = frozenset({"", "ContainerCreating", "PodInitializing"})


class WaitTimeout(PodtuiError):
    """The reconciler did not act on a change in time."""


def reconciler_pid(settings: Settings) -> int | None:
    """The pid of the process reconciling the folder (0 if unreadable), or None if none does.

    Probes the lock with a shared, non-blocking flock: it fails only while someone holds
    the exclusive lock, and it writes nothing.
    """
    lock = FolderLock(settings.state_dir)
    try:
        fd = os.open(lock.path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return lock.holder() or 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def pod_started(pod: dict[str, Any]) -> bool:
    """Past creation: containers started or waiting on a real reason, or the pod settled.

    What a mutating command waits for before returning: the pod exists in Podman and its
    containers are running (or the first unfinished init container is), finished, or
    held by a reason such as ErrImagePull or CrashLoopBackOff.
    """
    if settled(pod):
        return True
    status = pod.get("status") or {}
    inits = list(status.get("initContainerStatuses") or [])
    apps = list(status.get("containerStatuses") or [])
    for container in inits + apps:
        waiting = (container.get("state") or {}).get("waiting")
        if waiting is not None and str(waiting.get("reason") or "") not in _TRANSIENT_WAITING:
            return True
    for container in inits:
        state = container.get("state") or {}
        if "terminated" in state and state["terminated"].get("exitCode") == 0:
            continue
        return "running" in state
    return bool(apps) and all(
        "running" in (c.get("state") or {}) or "terminated" in (c.get("state") or {}) for c in apps
    )


def snapshot_pod(store: StateStore, key: PodKey) -> dict[str, Any] | None:
    """The reconciler's latest v1.Pod for ``key``, if it published one."""
    data = read_json(store.pods_dir / pod_file_name(*key))
    if isinstance(data, dict) and isinstance(data.get("pod"), dict):
        return data["pod"]
    return None


async def wait_for_snapshots(
    store: StateStore, predicate: Callable[[], bool], timeout: float
) -> bool:
    """Wait until ``predicate()`` holds, re-checking whenever the reconciler writes a snapshot."""
    store.pods_dir.mkdir(parents=True, exist_ok=True)
    if predicate():
        return True
    stop = asyncio.Event()

    async def watch() -> bool:
        async for _changes in awatch(
            store.pods_dir,
            stop_event=stop,
            recursive=False,
            rust_timeout=WATCH_RECHECK_MS,
            yield_on_timeout=True,
        ):
            if predicate():
                return True
        return predicate()

    try:
        return await asyncio.wait_for(watch(), timeout)
    except TimeoutError:
        return predicate()
    finally:
        stop.set()


class FolderWriter:
    """A mutating command's session: direct (holding the lock) or through the reconciler."""

    def __init__(self, settings: Settings, *, progress: bool = True) -> None:
        self.settings = settings
        self.lock = FolderLock(settings.state_dir)
        self.store = StateStore(settings.state_dir)
        self.engine: Engine | None = None
        self.holder: int | None = None
        self._progress = PullProgressPrinter() if progress else None
        self._connection: PodmanConnection | None = None
        self._warnings: list[str] = []

    @property
    def direct(self) -> bool:
        """True when this command reconciles the folder itself."""
        return self.engine is not None

    async def __aenter__(self) -> FolderWriter:
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        if self.lock.try_acquire():
            engine = Engine(self.settings)
            engine.add_listener(self._on_update)
            try:
                await engine.start()
            except BaseException:
                with contextlib.suppress(Exception):
                    await engine.close()
                self.lock.release()
                raise
            self.engine = engine
        else:
            self.holder = self.lock.holder() or 0
            self._connection = PodmanConnection(self.settings)
            await self._connection.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.finish()
        if self.engine is not None:
            await self.engine.close()
            self.lock.release()
            print(UNSUPERVISED_NOTE.format(folder=self.settings.manifests_dir), file=sys.stderr)
        if self._connection is not None:
            await self._connection.close()

    def _on_update(self, update: EngineUpdate) -> None:
        if isinstance(update, PullProgressed) and self._progress is not None:
            self._progress.update(update)
        elif isinstance(update, ReconcileLogged) and update.level != "info":
            self._warnings.append(update.message)

    @property
    def gateway(self) -> PodmanGateway:
        """The Podman gateway this command uses."""
        if self.engine is not None:
            return self.engine.gateway
        assert self._connection is not None and self._connection.gateway is not None
        return self._connection.gateway

    async def managed_pods(self) -> dict[PodKey, dict[str, str]]:
        """The labels of every Podman pod podtui manages, by (namespace, name)."""

        def listing() -> dict[PodKey, dict[str, str]]:
            found: dict[PodKey, dict[str, str]] = {}
            pods = self.gateway.client.pods.list(filters={"label": f"{LABEL_MANAGED}=true"})
            for pod in pods:
                labels = pod.attrs.get("Labels") or {}
                found[(labels.get(LABEL_NAMESPACE, ""), labels.get(LABEL_NAME, ""))] = labels
            return found

        return await self.gateway.call(listing)

    async def reconcile(
        self, expected: dict[PodKey, str], timeout: float
    ) -> dict[PodKey, dict[str, Any]]:
        """Let the folder be applied; wait until each pod in ``expected`` (key -> uid) started.

        Returns the pods' latest objects; raises WaitTimeout naming the pods that did not
        get there in time.
        """
        if self.engine is not None:
            return await self._reconcile_direct(expected, timeout)
        return await self._reconcile_through_reconciler(expected, timeout)

    async def _reconcile_direct(
        self, expected: dict[PodKey, str], timeout: float
    ) -> dict[PodKey, dict[str, Any]]:
        engine = self.engine
        assert engine is not None
        await FolderReconciler(engine).resync()

        def ready() -> bool:
            return all(
                key in engine.pods
                and engine.pods[key]["metadata"].get("uid") == uid
                and pod_started(engine.pods[key])
                for key, uid in expected.items()
            )

        missing = [key for key in expected if key not in engine.supervisors]
        if missing:
            detail = "; ".join(self._warnings) or "see `podtui serve` for details"
            raise PodtuiError(f"{_names(missing)} could not be created: {detail}")
        if not await engine.wait_for(ready, timeout):
            raise WaitTimeout(self._timeout_message(expected, timeout))
        return {key: engine.pods[key] for key in expected}

    async def _reconcile_through_reconciler(
        self, expected: dict[PodKey, str], timeout: float
    ) -> dict[PodKey, dict[str, Any]]:
        def ready() -> bool:
            for key, uid in expected.items():
                pod = snapshot_pod(self.store, key)
                if pod is None or pod["metadata"].get("uid") != uid or not pod_started(pod):
                    return False
            return True

        if not await wait_for_snapshots(self.store, ready, timeout):
            raise WaitTimeout(self._timeout_message(expected, timeout))
        return {key: snapshot_pod(self.store, key) or {} for key in expected}

    def _timeout_message(self, keys: Iterable[PodKey], timeout: float) -> str:
        who = (
            "this command"
            if self.engine is not None
            else f"the reconciler (pid {self.holder or '?'})"
        )
        return (
            f"timed out after {timeout:.0f}s waiting for {who} to start {_names(keys)}; "
            "see `podtui describe pod NAME`"
        )

    async def delete(self, key: PodKey, grace: float | None) -> None:
        """Delete one pod whose manifest is already gone; returns when it is gone from Podman."""
        if self.engine is not None:
            await self.engine.delete(key[0], key[1], grace)
            return
        await self._delete_through_reconciler(key, grace)

    async def _delete_through_reconciler(self, key: PodKey, grace: float | None) -> None:
        """The reconciler terminates the pod with its own grace; a shorter one is enforced here."""
        podman_name = plan_podman_pod_name(key[0], key[1], self.settings.manifests_dir)
        client = self.gateway.client
        killer: asyncio.Task[None] | None = None
        if grace is not None:
            killer = asyncio.create_task(self._kill_after(podman_name, grace))
        try:
            gone = await wait_for_snapshots(
                self.store, lambda: snapshot_pod(self.store, key) is None, DELETE_TIMEOUT
            )
            if not gone:
                raise WaitTimeout(f"timed out waiting for the reconciler to delete {_names([key])}")
            # the snapshot goes after the pod does; make sure Podman agrees
            exists = await self.gateway.call(client.pods.exists, podman_name)
            if exists:
                await self._wait_pod_gone(podman_name)
        finally:
            if killer is not None:
                killer.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await killer

    async def _kill_after(self, podman_name: str, grace: float) -> None:
        client = self.gateway.client
        if grace > 0:
            await asyncio.sleep(grace)  # the grace period itself: SIGKILL when it has passed
        with contextlib.suppress(Exception):
            await self.gateway.call(lambda: client.pods.get(podman_name).kill(signal="SIGKILL"))

    async def _wait_pod_gone(self, podman_name: str) -> None:
        assert self._connection is not None
        queue = await self._connection.subscribe()
        client = self.gateway.client
        deadline = asyncio.get_running_loop().time() + DELETE_TIMEOUT
        while await self.gateway.call(client.pods.exists, podman_name):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise WaitTimeout(f"timed out waiting for Podman pod {podman_name} to go")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(queue.get(), remaining)


DELETE_TIMEOUT = 600.0


def _names(keys: Iterable[PodKey]) -> str:
    return ", ".join(f"pod/{name}" if ns == "default" else f"pod {ns}/{name}" for ns, name in keys)
