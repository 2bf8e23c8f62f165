"""What every view of a pod's log has in common: rows that grow only at either end.

A log view is a sequence of rows (log lines and restart boundaries). History is indexed
backwards from the end, so rows are *prepended* while loading and *appended* while
following; nothing is ever inserted in the middle (a truncated file is a ``reset``).

Consumers observe ``(count, prepended_total)`` pairs: the difference between two
observations says exactly how many rows arrived at each end, which keeps notifications
free to be coalesced. ``row - prepended_total`` (the *anchor*) names a row for ever.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from tui.podman.log_format import LogLine, parse_timestamp

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class LogChange:
    """Rows that arrived since the last notification of this sequence."""

    prepended: int = 0
    appended: int = 0
    reset: bool = False


Listener = Callable[[LogChange], None]


class LineSequence:
    """Base class: a growing sequence of :class:`LogLine` rows guarded by one lock.

    All sequences of one pod share a single re-entrant lock so that a consumer reading a
    merged view sees every underlying file in one consistent state.
    """

    #: True when rows come from several containers (consumers then prefix the name).
    interleaved = False

    def __init__(self, lock: threading.RLock | None = None) -> None:
        self.lock = lock or threading.RLock()
        self._changed = threading.Condition(self.lock)
        self._listeners: list[Listener] = []
        self._seen = (0, 0)

    # -- what subclasses provide ------------------------------------------------------
    @property
    def count(self) -> int:
        """Rows known now."""
        raise NotImplementedError

    @property
    def prepended_total(self) -> int:
        """Rows ever added at the front (so ``row - prepended_total`` is stable)."""
        raise NotImplementedError

    @property
    def complete(self) -> bool:
        """True once history is fully indexed (only appends can follow)."""
        raise NotImplementedError

    def line(self, row: int, cached: bool = True) -> LogLine:
        """The row as a display-ready line (``cached=False`` for one-pass scans)."""
        raise NotImplementedError

    def sort_key(self, row: int) -> bytes:
        """The row's timestamp as comparable bytes (the interleaving key)."""
        raise NotImplementedError

    def lines(self, first: int, end: int) -> list[LogLine]:
        """Rows ``first..end-1`` for one-pass readers (save, ``podtui logs``), uncached."""
        with self.lock:
            return [self.line(row, cached=False) for row in range(first, end)]

    def text(self, row: int) -> str:
        """Just the row's text, for scans that must not churn the display caches."""
        return self.line(row, cached=False).text

    # -- shared machinery ---------------------------------------------------------------
    def snapshot(self) -> tuple[int, int]:
        """``(count, prepended_total)`` read atomically."""
        with self.lock:
            return self.count, self.prepended_total

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` (from whichever thread made the change) on every change.

        Returns a function that unsubscribes. Listeners must be quick and must not block
        on the UI; posting a message or setting an event is the intended use.
        """
        with self.lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self.lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _publish(self, reset: bool = False) -> None:
        """Compare with the last observation and tell listeners what changed, if anything."""
        with self.lock:
            now = (self.count, self.prepended_total)
            old_count, old_pre = self._seen
            self._seen = now
            prepended = now[1] - old_pre
            appended = (now[0] - old_count) - prepended
            listeners = list(self._listeners)
            self._changed.notify_all()
        if not (reset or prepended or appended):
            return
        change = LogChange(prepended=max(prepended, 0), appended=max(appended, 0), reset=reset)
        for listener in listeners:
            listener(change)

    def wait_for(self, predicate: Callable[[], bool], timeout: float | None = None) -> bool:
        """Block until ``predicate()`` holds (checked under the lock after each change)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._changed.wait(remaining if remaining is None else min(remaining, 0.5))
            return True

    def wait_complete(self, timeout: float | None = None) -> bool:
        """Block until history is fully indexed."""
        return self.wait_for(lambda: self.complete, timeout)

    def first_row_at(self, moment: datetime) -> int:
        """The first row written at or after ``moment`` (rows are in time order).

        Timestamps are compared as times, not as bytes: conmon writes local time with its
        offset (``+01:00``), so a UTC key would be off by the offset. A row whose timestamp
        does not parse counts as not before ``moment``.
        """
        with self.lock:
            lo, hi = 0, self.count
            while lo < hi:
                mid = (lo + hi) // 2
                written = parse_timestamp(self.sort_key(mid))
                if written is not None and written < moment:
                    lo = mid + 1
                else:
                    hi = mid
            return lo


class LRU(Generic[K, V]):
    """A small least-recently-used map (the engine cannot use Textual's)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The cached value, refreshed as most recent, or None."""
        try:
            value = self._data[key]
        except KeyError:
            return None
        self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Store a value, evicting the least recently used beyond ``maxsize``."""
        self._data[key] = value
        self._data.move_to_end(key)
        if len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (after a reset)."""
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
