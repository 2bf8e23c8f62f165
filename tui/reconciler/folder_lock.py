"""One reconciler per manifests folder: an exclusive lock in the state directory.

``flock`` locks die with their process, so a crashed holder's lock is free again at once
and the next podtui takes it over; nothing stale needs cleaning. The holder's pid is
written inside for the "viewing: reconciled by pid N" message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class FolderLock:
    """Try to become the folder's reconciler; otherwise learn who is."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "reconciler.lock"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this process holds the lock."""
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock without waiting; False when another live process has it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> int | None:
        """The pid written by the current holder, if readable."""
        try:
            return int(self.path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def release(self) -> None:
        """Give the lock up (at shutdown)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
