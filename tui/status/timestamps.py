"""Kubernetes time text: RFC3339 in API objects, HumanDuration in kubectl, RFC1123Z in describe.

API objects carry whole seconds in UTC (metav1.Time), and kubectl's ages are computed from
those, so every function here works at one-second precision the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
GO_ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def rfc3339(moment: datetime | None) -> str | None:
    """``2026-01-02T03:04:05Z`` (metav1.Time's wire form), or None."""
    if moment is None:
        return None
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: object) -> datetime | None:
    """An aware UTC datetime from an API timestamp; None when absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return as_utc(moment)


def human_duration(delta: timedelta) -> str:
    """apimachinery's duration.HumanDuration: ~2-3 significant figures ("5m30s", "3d4h")."""
    seconds = int(delta.total_seconds())  # Go truncates toward zero
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if rest == 0 else f"{years}y{rest}d"
    return f"{hours // 24 // 365}y"


def since(moment_or_text: datetime | object, now: datetime) -> str:
    """kubectl's translateTimestampSince: HumanDuration from a timestamp to ``now``."""
    if isinstance(moment_or_text, datetime):
        moment: datetime | None = as_utc(moment_or_text)
    else:
        moment = parse_rfc3339(moment_or_text)
    if moment is None:
        return "<unknown>"
    return human_duration(as_utc(now) - moment)


def rfc1123z(moment: datetime | None, zone: timezone | None = None) -> str:
    """Go's time.RFC1123Z (``Mon, 02 Jan 2006 15:04:05 -0700``), locale-independent.

    kubectl prints times in its own time zone; ``zone`` plays that part (UTC by default).
    None prints Go's zero time, as kubectl does for an unset timestamp.
    """
    if moment is None:
        moment = GO_ZERO_TIME
    local = as_utc(moment).astimezone(zone or UTC)
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return (
        f"{_DAYS[local.weekday()]}, {local.day:02d} {_MONTHS[local.month - 1]} {local.year:04d} "
        f"{local:%H:%M:%S} {sign}{minutes // 60:02d}{minutes % 60:02d}"
    )
