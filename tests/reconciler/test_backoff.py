"""The kubelet back-off schedule, on a fake clock."""

from __future__ import annotations

from tui.reconciler.backoff import Backoff, format_duration


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def crash_loop(backoff: Backoff, clock: FakeClock, runs: int, run_time: float = 1.0) -> list[float]:
    """Simulate a container that runs ``run_time`` s and crashes; return the waits before each restart."""
    waits = []
    key = "pod/c"
    for _ in range(runs):
        clock.now += run_time  # it ran, then finished
        finished = clock.now
        wait = backoff.remaining(key, finished)
        waits.append(wait)
        clock.now += wait  # the supervisor waits exactly that long
        assert not backoff.in_backoff_since(key, finished)
        backoff.next(key, finished)
    return waits


def test_full_schedule_doubles_to_the_cap() -> None:
    clock = FakeClock()
    waits = crash_loop(Backoff(10, 300, clock), clock, runs=9)
    assert waits == [0, 10, 20, 40, 80, 160, 300, 300, 300]


def test_wait_is_measured_from_finished_at() -> None:
    clock = FakeClock()
    backoff = Backoff(10, 300, clock)
    backoff.next("k", clock.now)  # first restart: arms 10 s
    finished = clock.now + 2  # the next instance dies 2 s later
    clock.now = finished + 7  # and we only notice 7 s after it died
    assert backoff.in_backoff_since("k", finished)
    assert backoff.remaining("k", finished) == 3
    clock.now = finished + 10
    assert not backoff.in_backoff_since("k", finished)


def test_resets_after_ten_minutes_of_running() -> None:
    clock = FakeClock()
    backoff = Backoff(10, 300, clock)
    waits = crash_loop(backoff, clock, runs=5)
    assert waits[-1] == 80
    # now the container runs for just over 10 minutes before dying
    waits = crash_loop(backoff, clock, runs=2, run_time=601)
    assert waits == [0, 0]  # the entry expired: restarted at once, then armed at 10 s again
    assert backoff.current("pod/c") == 10


def test_no_reset_just_under_ten_minutes() -> None:
    clock = FakeClock()
    backoff = Backoff(10, 300, clock)
    crash_loop(backoff, clock, runs=3)  # armed: 40 s after three restarts
    assert backoff.current("pod/c") == 40
    clock.now += 599
    finished = clock.now
    # it ran 599 s and just died: still within the window, so it waits the armed 40 s
    assert backoff.in_backoff_since("pod/c", finished)
    assert backoff.remaining("pod/c", finished) == 40
    clock.now += 40
    backoff.next("pod/c", finished)
    assert backoff.current("pod/c") == 80  # doubled, not reset


def test_export_restore_round_trip() -> None:
    clock = FakeClock()
    backoff = Backoff(10, 300, clock)
    crash_loop(backoff, clock, runs=4)
    copy = Backoff(10, 300, clock)
    copy.restore(backoff.export())
    assert copy.current("pod/c") == backoff.current("pod/c") == 80


def test_short_test_backoff_scales() -> None:
    clock = FakeClock()
    waits = crash_loop(Backoff(0.5, 4, clock), clock, runs=6)
    assert waits == [0, 0.5, 1, 2, 4, 4]


def test_format_duration_like_go() -> None:
    assert format_duration(10) == "10s"
    assert format_duration(20) == "20s"
    assert format_duration(160) == "2m40s"
    assert format_duration(300) == "5m0s"
    assert format_duration(0.5) == "500ms"
