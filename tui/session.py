"""A running podtui on one manifests folder: the engine plus its role.

The first podtui on a folder takes the folder lock and reconciles it; any other one is a
viewer that says so, shows the reconciler's status, and takes over (blocking on the lock
in a thread, so with no polling) the moment the reconciler exits or crashes.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import threading

from tui.config import Settings
from tui.engine import Engine
from tui.reconciler.folder_lock import FolderLock
from tui.reconciler.folder_reconciler import FolderReconciler
from tui.reconciler.updates import RoleChanged
from tui.reconciler.viewer_feed import ViewerFeed


class Session:
    """Engine + folder reconciler (when we hold the lock) or viewer feed (when not)."""

    def __init__(self, settings: Settings, *, take_over: bool = True) -> None:
        self.settings = settings
        # its own Podman service (or the system's): another podtui's embedded one would
        # vanish when that podtui exits
        self.engine = Engine(settings, advertise_service=True, use_shared_service=False)
        self.lock = FolderLock(settings.state_dir)
        self.reconciler: FolderReconciler | None = None
        self.viewer: ViewerFeed | None = None
        self.take_over = take_over
        self._waiter: asyncio.Task[None] | None = None
        self._closing = threading.Event()

    @property
    def role(self) -> str:
        """``reconciler`` or ``viewer``."""
        return "reconciler" if self.reconciler is not None else "viewer"

    async def start(self) -> None:
        """Connect, then reconcile the folder or view it."""
        await self.engine.start()
        if self.lock.try_acquire():
            await self._become_reconciler()
        else:
            await self._become_viewer()

    async def _become_reconciler(self) -> None:
        if self.viewer is not None:
            await self.viewer.stop()
            self.viewer = None
        self.reconciler = FolderReconciler(self.engine)
        # the back-offs as the previous reconciler left them (a viewer's copy dates from its
        # own start): a crash loop waiting 5 minutes keeps waiting after a take-over
        self.engine.restart_backoff.restore(self.engine.store.load_backoff())
        self.engine.reconciling = True
        self.engine.on_reconnected.append(self.reconciler.resync)
        self.engine._publish(
            RoleChanged("reconciler", f"reconciling {self.settings.manifests_dir}")
        )
        await self.reconciler.start()
        await self.engine.refresh_foreign()

    async def _become_viewer(self) -> None:
        holder = self.lock.holder()
        self.viewer = ViewerFeed(self.engine)
        await self.viewer.start()
        detail = (
            f"viewing: pid {holder} reconciles {self.settings.manifests_dir}"
            if holder
            else "viewing"
        )
        self.engine.log(detail)
        self.engine._publish(RoleChanged("viewer", detail))
        await self.engine.refresh_foreign()
        if self.take_over:
            self._waiter = asyncio.create_task(self._wait_for_lock())

    async def _wait_for_lock(self) -> None:
        """Block on the lock in a daemon thread; when the reconciler goes, take over."""
        path = self.lock.path
        loop = asyncio.get_running_loop()
        while not self._closing.is_set():
            released: asyncio.Future[None] = loop.create_future()

            def wait(done: asyncio.Future[None] = released) -> None:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH)  # returns when the exclusive holder is gone
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)
                def release() -> None:
                    if not done.done():
                        done.set_result(None)

                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(release)

            # a daemon thread: a viewer that quits must not wait for the reconciler to exit
            threading.Thread(target=wait, name="folder-lock-wait", daemon=True).start()
            await released
            if self._closing.is_set():
                return
            if self.lock.try_acquire():
                self.engine.log("the reconciler went away; taking over")
                await self._become_reconciler()
                return

    async def close(self) -> None:
        """Stop everything; pods keep running."""
        self._closing.set()
        if self.reconciler is not None:
            await self.reconciler.stop()
        if self.viewer is not None:
            await self.viewer.stop()
        if self._waiter is not None:
            self._waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._waiter
        await self.engine.close()
        self.lock.release()
