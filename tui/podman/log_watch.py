"""Be told when log files grow: inotify through watchfiles, a bounded re-stat as fallback.

One thread per pod watches the directories that hold its log files (conmon replaces
nothing there, it appends) and calls back with the files that changed. Registration
happens before the first catch-up read, so no write can fall between the two.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger(__name__)

#: Longest a burst of writes is grouped before we index it (the follow latency bound).
DEBOUNCE_MS = 50
STEP_MS = 10
#: Re-stat interval when no notification mechanism works (remote or exotic filesystems).
FALLBACK_INTERVAL = 0.25


class LogWatcher:
    """Calls ``on_change(path)`` from its own thread whenever a watched file changes."""

    def __init__(self, on_change: Callable[[Path], None], *, force_polling: bool = False) -> None:
        self._on_change = on_change
        self._force_polling = force_polling
        self._paths: set[Path] = set()
        self._lock = threading.Lock()
        self._restart = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self.mode = "idle"

    def watch(self, paths: Iterable[Path]) -> None:
        """Watch exactly these files (the set may grow as new attempts appear)."""
        wanted = {Path(path) for path in paths}
        with self._lock:
            if wanted == self._paths and self._thread is not None:
                return
            self._paths = wanted
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="log-watch", daemon=True)
            self._thread.start()
        else:
            self._restart.set()

    def close(self) -> None:
        """Stop watching and wait for the thread."""
        self._closed.set()
        self._restart.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    # -- internals ----------------------------------------------------------------------
    def _run(self) -> None:
        while not self._closed.is_set():
            self._restart.clear()
            with self._lock:
                paths = set(self._paths)
            try:
                self._watch_notify(paths)
            except Exception as error:  # noqa: BLE001 - any watcher failure degrades to stat
                log.debug("file notifications unavailable (%s); re-stating instead", error)
                self._watch_stat(paths)

    def _watch_notify(self, paths: set[Path]) -> None:
        from watchfiles import Change
        from watchfiles._rust_notify import RustNotify  # documented "Rust backend" API

        folders = sorted({str(path.parent) for path in paths if path.parent.is_dir()})
        if not folders:
            self._watch_stat(paths)
            return
        by_name = {str(path): path for path in paths}
        with RustNotify(folders, False, self._force_polling, 250, False, True) as notify:
            self.mode = "polling" if self._force_polling else "inotify"
            self._catch_up(paths)  # anything written before the watch was registered
            while True:
                changes = notify.watch(DEBOUNCE_MS, STEP_MS, 0, self._restart)
                if isinstance(changes, str):  # "stop", "signal" or "timeout"
                    if changes != "timeout" or self._restart.is_set():
                        return
                    continue
                if self._restart.is_set():
                    return
                changed = {
                    by_name[name]
                    for kind, name in changes
                    if name in by_name and kind != Change.deleted
                }
                for path in changed:
                    self._notify(path)

    def _watch_stat(self, paths: set[Path]) -> None:
        self.mode = "stat"
        sizes: dict[Path, int] = {}
        while not self._restart.is_set():
            for path in paths:
                try:
                    size = os.stat(path).st_size
                except OSError:
                    continue
                if sizes.get(path) != size:
                    sizes[path] = size
                    self._notify(path)
            self._restart.wait(FALLBACK_INTERVAL)

    def _catch_up(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self._notify(path)

    def _notify(self, path: Path) -> None:
        try:
            self._on_change(path)
        except Exception:  # noqa: BLE001 - one bad file must not stop the others
            log.exception("log watcher callback failed for %s", path)
