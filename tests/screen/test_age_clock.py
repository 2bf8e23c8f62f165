"""When shown ages move on: never later than kubectl's HumanDuration changes its text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui.screen.age_clock import (
    DAY,
    HOUR,
    MINUTE,
    next_age_change,
    next_change,
    pod_moments,
    row_moments,
)
from tui.status.timestamps import human_duration, since

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def first_change(moment: datetime, now: datetime, step: timedelta, limit: timedelta) -> datetime:
    """The first ``now + k*step`` at which the age reads differently (brute force)."""
    shown = since(moment, now)
    at = now
    while at - now <= limit:
        at += step
        if since(moment, at) != shown:
            return at
    raise AssertionError(f"no change within {limit} from {shown!r}")


@pytest.mark.parametrize("offset", [0.0, 0.25, 0.999])
def test_never_late_in_the_first_nine_hours_second_by_second(offset: float) -> None:
    moment = T0
    for seconds in range(0, 9 * HOUR, 7):
        now = moment + timedelta(seconds=seconds + offset)
        due = next_change(moment, now)
        assert due > now
        # the text cannot change before ``due``: HumanDuration is constant until then
        assert since(moment, due - timedelta(microseconds=1)) == since(moment, now), seconds
        # and it is early by at most one of its steps, exactly on the step's edge
        assert due <= first_change(moment, now, timedelta(seconds=1), timedelta(hours=2))


@pytest.mark.parametrize(
    ("age", "step"),
    [
        (30, 1),
        (9 * MINUTE + 59, 1),
        (10 * MINUTE, MINUTE),
        (3 * HOUR + 5, MINUTE),
        (8 * HOUR, HOUR),
        (3 * DAY + 7, HOUR),
        (8 * DAY, DAY),
        (400 * DAY, DAY),
        (3 * 365 * DAY, DAY),
    ],
)
def test_the_step_matches_the_text(age: int, step: int) -> None:
    now = T0 + timedelta(seconds=age)
    due = next_change(T0, now)
    assert timedelta(0) < due - now <= timedelta(seconds=step)
    assert human_duration(due - T0) != human_duration(now - T0) or step == DAY


def test_days_and_years_are_never_late() -> None:
    for hours in range(8 * 24, 9 * 365 * 24, 37):
        now = T0 + timedelta(hours=hours, minutes=13)
        due = next_change(T0, now)
        assert since(T0, due - timedelta(microseconds=1)) == since(T0, now), hours


def test_a_moment_ahead_of_the_clock_is_looked_at_a_second_later() -> None:
    assert next_change(T0 + timedelta(seconds=5), T0) == T0 + timedelta(seconds=1)


def test_the_earliest_of_several() -> None:
    moments = [T0 - timedelta(hours=30), T0 - timedelta(seconds=42)]
    assert next_age_change(moments, T0) == T0 + timedelta(seconds=1)
    assert next_age_change([], T0) is None


POD = {
    "metadata": {"creationTimestamp": "2026-03-01T10:00:00Z"},
    "status": {
        "startTime": "2026-03-01T10:00:01Z",
        "conditions": [{"type": "Ready", "lastTransitionTime": "2026-03-01T11:00:00Z"}],
        "containerStatuses": [
            {
                "name": "main",
                "state": {"running": {"startedAt": "2026-03-01T11:59:30Z"}},
                "lastState": {
                    "terminated": {
                        "startedAt": "2026-03-01T11:59:00Z",
                        "finishedAt": "2026-03-01T11:59:20Z",
                    }
                },
            }
        ],
    },
}


def test_a_pods_moments() -> None:
    stamps = [moment.strftime("%H:%M:%S") for moment in pod_moments(POD)]
    assert stamps == ["10:00:00", "10:00:01", "11:00:00", "11:59:00", "11:59:20", "11:59:30"]
    row = [moment.strftime("%H:%M:%S") for moment in row_moments(POD)]
    assert row == ["10:00:00", "11:59:20"]  # AGE and RESTARTS' "(40s ago)"
    assert pod_moments({}) == () and row_moments({"metadata": {}}) == ()
