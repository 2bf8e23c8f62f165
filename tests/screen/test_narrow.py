"""80x24: help and quit stay in the footer, the pod list hides low-value columns rather than
cutting them, and the new-pod preview scrolls sideways instead of wrapping."""

from __future__ import annotations

from pathlib import Path

from app_helpers import painted_text, wait_until
from fake_engine import FIXED, FakeSession, demo_pods, snapshot_settings, write_manifests
from textual.pilot import Pilot
from textual.widgets import TextArea

from tui.screen.app import PodtuiApp, make_app
from tui.screen.pod_form import NewPodScreen
from tui.screen.pod_table import COLUMNS, HIDE_ORDER, PodTable


def build() -> PodtuiApp:
    write_manifests()
    return make_app(snapshot_settings(), session_factory=FakeSession, clock=lambda: FIXED, tick_seconds=0)


async def loaded(pilot: Pilot[int]) -> PodtuiApp:
    app = pilot.app
    assert isinstance(app, PodtuiApp)
    count = len(demo_pods())
    await wait_until(pilot, lambda: app.pods_screen.table.row_count == count, 10, "the demo pods")
    return app


def fits(table: PodTable) -> bool:
    used = sum(column.get_render_width(table) for column in table.columns.values())
    return used <= table.scrollable_content_region.width


async def test_at_80_columns_help_and_quit_show_and_columns_are_hidden_not_cut() -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        table = app.pods_screen.table
        await wait_until(pilot, lambda: bool(table.hidden), 10, "hidden columns")
        await pilot.pause()
        assert table.hidden <= set(HIDE_ORDER) and "ports" in table.hidden
        assert table.shown_columns[:6] == ["namespace", "name", "ready", "status", "restarts", "age"]
        assert fits(table)
        assert table.cell_text("default/web", "ports") == "8080->80/TCP"  # still known
        assert painted_text(app, "? Help") and painted_text(app, "q Quit")
        await pilot.resize_terminal(200, 40)
        await wait_until(pilot, lambda: not table.hidden, 10, "every column again")
        assert len(table.columns) == len(COLUMNS) and fits(table)
        assert table.cell_text("default/web", "ip") == "10.88.0.5"


async def test_the_cursor_stays_on_its_pod_when_columns_come_and_go() -> None:
    app = build()
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        table = app.pods_screen.table
        assert table.select("default/worker")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: bool(table.hidden), 10, "hidden columns")
        await pilot.pause()
        assert table.selected is not None and table.selected.key == "default/worker"
        assert table.visible_keys[table.cursor_row] == "default/worker"


async def test_the_new_pod_preview_does_not_wrap(tmp_path: Path) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        form = NewPodScreen(tmp_path)
        app.push_screen(form)
        await wait_until(pilot, lambda: app.screen is form and form.is_mounted, 10, "the form")
        form.show_form()
        await pilot.pause()
        preview = form.query_one("#preview", TextArea)
        assert not preview.soft_wrap
        longest = max(len(line) for line in preview.text.splitlines())
        assert longest > preview.content_region.width  # the image line is longer than the pane
        assert preview.wrapped_document.height == preview.document.line_count
