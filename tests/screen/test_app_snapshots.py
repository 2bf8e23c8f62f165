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


def test_main_screen_at_80x24(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    """? and q lead the footer; PORTS, MANIFEST and IP are left out rather than cut."""
    assert snap_compare(app, terminal_size=(80, 24), run_before=prepare())


def test_terminating_pod_status(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    """The grace period's countdown."""
    assert snap_compare(app, terminal_size=SIZE, run_before=prepare("staging/old-web", ("1",)))


def test_invalid_files(snap_compare, app: PodtuiApp) -> None:  # type: ignore[no-untyped-def]
    """:problems lists a new file the reconciler refuses."""
    from fake_engine import MANIFESTS

    from tui.reconciler.updates import FileProblems

    async def run_before(pilot: Pilot[int]) -> None:
        await prepare()(pilot)
        bad = MANIFESTS / "worker.yaml"
        app.engine.publish(
            FileProblems(
                str(bad),
                [
                    f"{bad}:8:7: spec.containers[0].image: Required value",
                    f"{bad}:4:9: metadata.name: Invalid value: \"Worker\": a lowercase RFC 1123 subdomain",
                ],
            )
        )
        await wait_until(pilot, lambda: bool(app.invalid_files()), 10, "the invalid file")
        app.run_jump("problems")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
