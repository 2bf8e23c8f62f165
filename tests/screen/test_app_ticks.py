"""The age tick: armed for the first shown age that moves on, repainting only what moved.

The clock is the test's; the tick is fired by hand after moving the clock, so nothing
waits on wall time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app_helpers import wait_until
from fake_engine import (
    FIXED,
    FakeSession,
    demo_events,
    demo_pods,
    snapshot_settings,
    write_manifests,
)
from textual.pilot import Pilot

from tui.screen.app import PodtuiApp, make_app
from tui.screen.events_tab import EventsTable
from tui.screen.status_tab import StatusBody
from tui.status.timestamps import since

PODS = len(demo_pods())


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = FIXED

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def build(clock: Clock) -> PodtuiApp:
    write_manifests()
    return make_app(snapshot_settings(), session_factory=FakeSession, clock=clock, tick_seconds=3600)


async def loaded(pilot: Pilot[int]) -> PodtuiApp:
    app = pilot.app
    assert isinstance(app, PodtuiApp)
    await wait_until(pilot, lambda: app.pods_screen.table.row_count == PODS, 10, "the demo pods")
    await pilot.pause()
    return app


class Spy:
    """Counts calls of a method on one object."""

    def __init__(self, target: Any, name: str) -> None:
        self.calls = 0
        original = getattr(target, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        setattr(target, name, counted)


async def test_the_tick_is_armed_for_the_first_shown_age_that_moves() -> None:
    clock = Clock()
    app = build(clock)
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        # db is 20 s old: its AGE moves on in a second
        assert app.pods_screen.table.cell_text("default/db", "age") == "20s"
        assert app._tick_due == FIXED + timedelta(seconds=1)
        # only legacy (12 days old) is left in the list; its Status tab shows a container
        # running for 58m20s ("58m"), which reads "59m" 40 s from now
        await pilot.press("slash", *"legacy", "enter")
        await pilot.pause()
        assert app.pods_screen.table.visible_keys == ["podman/legacy"]
        assert app.pods_screen.detail.entry is not None
        assert app.pods_screen.detail.entry.key == "podman/legacy"
        app.schedule_tick()
        assert app._tick_due == FIXED + timedelta(seconds=40)
        # the Manifest tab shows no age: the row's "12d" is next, a day later
        await pilot.press("3")
        await pilot.pause()
        app.schedule_tick()
        assert app._tick_due == FIXED + timedelta(days=1)


async def test_a_tick_rewrites_only_the_ages_that_moved() -> None:
    clock = Clock()
    app = build(clock)
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        table = app.pods_screen.table
        body = app.pods_screen.detail.query_one(StatusBody)
        assert table.select("podman/legacy")  # its Status tab shows no age under 10 minutes
        await wait_until(pilot, lambda: body.painted, 10, "legacy's status painted")
        await pilot.pause()  # and laid out
        repaints = Spy(body, "refresh")
        rows = Spy(table, "refresh_row")
        def ages() -> dict[str, tuple[str, str]]:
            return {k: (table.cell_text(k, "age"), table.cell_text(k, "restarts")) for k in table.visible_keys}

        shown = ages()
        clock.advance(1)
        app._tick()
        await pilot.pause()
        assert table.cell_text("default/db", "age") == "21s"
        assert table.cell_text("staging/cache", "age") == "5m1s"
        assert table.cell_text("default/worker", "restarts") == "5 (41s ago)"
        moved = {key for key, texts in ages().items() if texts != shown[key]}
        assert moved == {"default/db", "staging/cache", "default/worker"}  # the rest: > 10m
        assert rows.calls == 3  # those rows, nothing else
        assert repaints.calls == 0  # legacy's Status tab reads the same: not even rendered
        before = body.text
        assert "Running since 58m" in before
        clock.advance(39)  # legacy's container started 3500 s ago: "58m" -> "59m" at 3540 s
        app._tick()
        await pilot.pause()
        assert repaints.calls == 1 and body.text != before
        assert "Running since 59m" in body.text
        assert app._tick_due is not None and app._tick_due > clock.now


async def test_rows_coming_into_view_show_current_ages() -> None:
    clock = Clock()
    app = build(clock)
    async with app.run_test(size=(130, 18)) as pilot:  # a short list: some rows out of view
        await loaded(pilot)
        table = app.pods_screen.table
        in_view = table._keys_in_view()
        below = [key for key in table.visible_keys if key not in in_view]
        assert below, "the terminal is short enough to hide rows"
        stale = {key: table.cell_text(key, "age") for key in below}
        clock.advance(2 * 86400)
        app._tick()
        await pilot.pause()
        assert {key: table.cell_text(key, "age") for key in below} == stale  # out of view
        await pilot.press("G")  # to the last pod: the rows below come into view
        await pilot.pause()
        for key in table._keys_in_view():
            entry = table.entry(key)
            assert entry is not None
            created = entry.pod["metadata"]["creationTimestamp"]
            assert table.cell_text(key, "age") == since(created, clock.now), key


async def test_the_events_tab_rewrites_only_ages_that_moved() -> None:
    clock = Clock()
    app = build(clock)
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        assert app.pods_screen.table.select("default/worker")
        await pilot.press("4")
        await pilot.pause()
        events = app.pods_screen.detail.query_one(EventsTable)
        assert events.row_count == len([e for e in demo_events() if e.pod == "worker"])
        before = {key: events.get_cell(key, "age").plain for key in events.rows}
        updates = Spy(events, "update_cell")
        clock.advance(1)  # "Scheduled 10m" stays; "40s (x6 over 10m)" and "12s (...)" move
        app._tick()
        await pilot.pause()
        moved = [key for key in events.rows if events.get_cell(key, "age").plain != before[key]]
        assert 0 < len(moved) < events.row_count
        assert updates.calls == len(moved)
        assert events.due is not None and events.due == clock.now + timedelta(seconds=1)


async def test_a_terminating_pod_counts_down_its_grace_period() -> None:
    clock = Clock()
    clock.advance(17.5)  # old-web's grace (30 s) ends 30 s after FIXED: 12.5 s are left
    app = build(clock)
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        screen = app.pods_screen
        assert screen.table.select("staging/old-web")
        await pilot.pause()
        body = screen.detail.query_one(StatusBody)
        assert "Terminating: grace 30s, 13s left" in body.text
        assert screen.detail.next_tick() == FIXED + timedelta(seconds=18)  # "12s left" then
        clock.advance(0.5)
        app._tick()
        assert "Terminating: grace 30s, 12s left" in body.text
        clock.advance(12)
        app._tick()
        assert "Terminating: grace 30s over" in body.text
