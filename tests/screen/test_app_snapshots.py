"""SVG snapshots of the app's screens, on a fake engine with fixed pods and a pinned clock.

Only these pictures use the fake engine (see fake_engine.py); behaviour is tested against
real Podman in test_app_podman.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from app_helpers import wait_until
from fake_engine import FIXED, FakeSession, snapshot_settings, write_manifests
from textual.pilot import Pilot

from tui.screen.app import PodtuiApp, make_app

SIZE = (130, 40)


@pytest.fixture
def app() -> PodtuiApp:
    """The app on the fake engine, clock pinned, no ticking."""
    write_manifests()
    return make_app(
        snapshot_settings(), session_factory=FakeSession, clock=lambda: FIXED, tick_seconds=0
    )


def prepare(
    select: str | None = None, keys: tuple[str, ...] = ()
) -> Callable[[Pilot[int]], Awaitable[None]]:
    """Wait for the pods, select one, press keys, let workers finish."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, PodtuiApp)
        await wait_until(pilot, lambda: app.pods_screen.table.row_count == 8, 10, "the demo pods")
        if select is not None:
            assert app.pods_screen.table.select(select)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_main_screen(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=SIZE, run_before=prepare())


def test_status_tab(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=SIZE, run_before=prepare("default/worker", ("1",)))


def test_events_tab(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=SIZE, run_before=prepare("default/worker", ("4",)))


def test_manifest_tab_masks_secrets(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=SIZE, run_before=prepare("default/web", ("3",)))


def test_describe_screen(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=SIZE, run_before=prepare("default/worker", ("d",)))


def test_help_screen(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=SIZE, run_before=prepare(None, ("question_mark",)))
