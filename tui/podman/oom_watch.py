"""Notice memory-cgroup OOM kills that Podman does not report (cgroups v1 hosts).

Under cgroups v1 with runc, conmon misses OOM kills: the container just exits 137 and
``State.OOMKilled`` stays false. The kernel does log every memcg OOM kill with the victim's
cgroup (``oom_memcg=/libpod_parent/libpod-<container id>``), so we read the kernel log
(``/dev/kmsg``, root only) and remember which containers were OOM-killed. Where the log is
not readable the watcher is inert and Podman's own flag is all we have.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading

KMSG = "/dev/kmsg"
OOM_CGROUP = re.compile(rb"oom_memcg=\S*?libpod-(?:conmon-)?([0-9a-f]{64})")
MAX_REMEMBERED = 4096


class OomWatcher:
    """Read the kernel log on a thread and remember OOM-killed container ids."""

    def __init__(self, path: str = KMSG) -> None:
        self.path = path
        self._ids: dict[str, None] = {}
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Begin watching from now on; False when the kernel log cannot be read here."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            os.lseek(fd, 0, os.SEEK_END)
        except OSError:
            return False
        self._fd = fd
        self._thread = threading.Thread(target=self._run, name="oom-watch", daemon=True)
        self._thread.start()
        return True

    def _run(self) -> None:
        import select

        fd = self._fd
        while fd is not None and self._fd is not None:
            try:
                ready, _, _ = select.select([fd], [], [], 1.0)
            except (OSError, ValueError):
                return
            if ready:
                self.drain()

    def drain(self) -> None:
        """Read every pending kernel-log record now (also called right before a decision)."""
        fd = self._fd
        if fd is None:
            return
        while True:
            try:
                record = os.read(fd, 8192)
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno == 32:  # EPIPE: records were overwritten; carry on
                    continue
                return
            if not record:
                return
            match = OOM_CGROUP.search(record)
            if match:
                with self._lock:
                    self._ids[match.group(1).decode()] = None
                    while len(self._ids) > MAX_REMEMBERED:
                        self._ids.pop(next(iter(self._ids)))

    def was_oom_killed(self, container_id: str) -> bool:
        """True when the kernel OOM-killed a process of this container."""
        self.drain()
        with self._lock:
            return container_id in self._ids

    def stop(self) -> None:
        """Stop watching."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
