"""The kubelet's restart and image-pull back-off, with an injectable clock.

Semantics of client-go's ``flowcontrol.Backoff`` as the kubelet uses it:

* the first failure is retried at once and arms a 10 s back-off;
* every further failure within the window doubles it, up to 300 s;
* the wait is measured from the container's ``finishedAt`` (not from when we noticed);
* an entry expires when the failure comes more than twice the cap (10 minutes) after the
  last back-off step, so a container that ran for 10 minutes starts over at 10 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Entry:
    backoff: float
    last_update: float


class Backoff:
    """Per-key exponential back-off (keys are e.g. ``pod-uid/container``)."""

    def __init__(
        self,
        base: float = 10.0,
        cap: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base = base
        self.cap = cap
        self.clock = clock
        self._entries: dict[str, _Entry] = {}

    def _expired(self, event_time: float, entry: _Entry) -> bool:
        return event_time - entry.last_update > 2 * self.cap

    def in_backoff_since(self, key: str, event_time: float) -> bool:
        """True while a failure that happened at ``event_time`` must still wait."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry):
            return False
        return self.clock() - event_time < entry.backoff

    def remaining(self, key: str, event_time: float) -> float:
        """Seconds left before a failure at ``event_time`` may be retried (0 if none)."""
        if not self.in_backoff_since(key, event_time):
            return 0.0
        entry = self._entries[key]
        return max(0.0, event_time + entry.backoff - self.clock())

    def current(self, key: str) -> float:
        """The back-off now armed for ``key`` (0 when none): the figure in kubelet messages."""
        entry = self._entries.get(key)
        return entry.backoff if entry else 0.0

    def next(self, key: str, event_time: float) -> None:
        """Record a retry: arm the base back-off, or double the armed one up to the cap."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry):
            self._entries[key] = _Entry(self.base, self.clock())
        else:
            entry.backoff = min(entry.backoff * 2, self.cap)
            entry.last_update = self.clock()

    def reset(self, key: str) -> None:
        """Forget ``key`` (the container was deleted or replaced)."""
        self._entries.pop(key, None)

    def forget_prefix(self, prefix: str) -> None:
        """Forget every key of one pod."""
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]

    def export(self) -> dict[str, tuple[float, float]]:
        """The entries as plain data, persisted so a restarted engine keeps its back-offs."""
        return {key: (e.backoff, e.last_update) for key, e in self._entries.items()}

    def restore(self, data: dict[str, tuple[float, float]] | dict[str, list[float]]) -> None:
        """Replace the entries with those written by ``export``."""
        self._entries.clear()
        for key, value in data.items():
            backoff, last_update = float(value[0]), float(value[1])
            self._entries[key] = _Entry(backoff, last_update)


def format_duration(seconds: float) -> str:
    """Go's time.Duration String() as the kubelet prints it in back-off messages: 10s, 2m40s, 5m0s."""
    whole = round(seconds)
    if seconds < 1 and seconds > 0:
        return f"{int(seconds * 1000)}ms"
    minutes, secs = divmod(whole, 60)
    if minutes == 0:
        return f"{secs}s"
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes}m{secs}s"
    return f"{hours}h{minutes}m{secs}s"
