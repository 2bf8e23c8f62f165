"""When a shown age ("12s", "5m30s", "3h", "(40s ago)") next reads differently.

Ages are kubectl's HumanDuration (``tui.status.timestamps.human_duration``): seconds while
under ten minutes, then minutes until eight hours, hours until eight days, days after. A
screen that knows when each visible age changes can repaint exactly then, instead of
rewriting every age once a second to find that none changed. The moments here are never
late (tests compare them with ``human_duration`` itself); at a unit's edge they may be
early, which costs one look that changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from tui.status.timestamps import as_utc, parse_rfc3339

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def _unit(seconds: int) -> int:
    """The smallest step by which HumanDuration's text moves at this age."""
    if seconds < 10 * MINUTE:
        return 1
    if seconds < 8 * HOUR:
        return MINUTE
    if seconds < 8 * DAY:
        return HOUR
    return DAY


def next_change(moment: datetime, now: datetime) -> datetime:
    """The first time after ``now`` at which ``since(moment, ...)`` may read differently."""
    moment, now = as_utc(moment), as_utc(now)
    seconds = int((now - moment).total_seconds())  # HumanDuration truncates toward zero
    if seconds < 0:  # a clock ahead of ours: "0s" (or "<invalid>") until it catches up
        return now + timedelta(seconds=1)
    unit = _unit(seconds)
    return moment + timedelta(seconds=(seconds // unit + 1) * unit)


def earliest(moments: Iterable[datetime | None]) -> datetime | None:
    """The earliest of some moments (None when there are none)."""
    found = [moment for moment in moments if moment is not None]
    return min(found) if found else None


def next_age_change(moments: Iterable[datetime], now: datetime) -> datetime | None:
    """When the first of several shown ages changes (None when there are none)."""
    return earliest(next_change(moment, now) for moment in moments)


def _state_moments(state: Mapping[str, Any] | None) -> Iterator[object]:
    for detail in (state or {}).values():
        if isinstance(detail, Mapping):
            yield detail.get("startedAt")
            yield detail.get("finishedAt")


def pod_moments(pod: Mapping[str, Any]) -> tuple[datetime, ...]:
    """Every timestamp of a pod whose age a screen may show: created, started, conditions'
    transitions, and each container's (and last container's) start and finish."""
    metadata = pod.get("metadata") or {}
    status = pod.get("status") or {}
    texts: list[object] = [metadata.get("creationTimestamp"), status.get("startTime")]
    texts += [condition.get("lastTransitionTime") for condition in status.get("conditions") or []]
    for item in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        texts += _state_moments(item.get("state"))
        texts += _state_moments(item.get("lastState"))
    found = {parse_rfc3339(text) for text in texts}
    return tuple(sorted(moment for moment in found if moment is not None))


def row_moments(pod: Mapping[str, Any]) -> tuple[datetime, ...]:
    """The timestamps behind a pod's row: AGE (created) and RESTARTS' "(12s ago)" (the last
    finish of a container's previous instance)."""
    metadata = pod.get("metadata") or {}
    status = pod.get("status") or {}
    texts: list[object] = [metadata.get("creationTimestamp")]
    for item in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        terminated = (item.get("lastState") or {}).get("terminated")
        if isinstance(terminated, Mapping):
            texts.append(terminated.get("finishedAt"))
    found = {parse_rfc3339(text) for text in texts}
    return tuple(sorted(moment for moment in found if moment is not None))
