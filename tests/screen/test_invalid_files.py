"""Invalid manifest files are visible: a count in the pod list's title, ``:problems`` lists
them, enter opens the editor at the problem; the header's reconcile lines expire."""

from __future__ import annotations

from pathlib import Path

from app_helpers import painted_text, wait_until
from fake_engine import FIXED, FakeSession, demo_pods, snapshot_settings, write_manifests
from textual.pilot import Pilot

from tui.reconciler.updates import FileProblems, ReconcileLogged
from tui.screen.app import PodtuiApp, make_app
from tui.screen.invalid_files import InvalidFilesScreen, invalid_file, invalid_files
from tui.screen.manifest_editor import ManifestEditorScreen

BAD = """\
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containers:
    - name: main
      imag: localhost/podtui/busybox:latest
"""


def test_a_problem_line_gives_file_line_column_and_message() -> None:
    item = invalid_file(
        "/m/bad.yaml",
        ["/m/bad.yaml:7:3: spec.containers[0].image: Required value", "/m/bad.yaml:8:7: x: y"],
    )
    assert (item.name, item.line, item.col, item.count) == ("bad.yaml", 7, 3, 2)
    assert item.first == "spec.containers[0].image: Required value"
    assert item.location == "bad.yaml:7:3"
    plain = invalid_file("/m/odd.yaml", ["/m/odd.yaml: file is not UTF-8"])
    assert (plain.line, plain.first, plain.location) == (None, "file is not UTF-8", "odd.yaml")
    assert [i.name for i in invalid_files({"/m/b.yaml": ["x"], "/m/a.yaml": ["y"], "/m/c.yaml": []})] == [
        "a.yaml",
        "b.yaml",
    ]


def build() -> PodtuiApp:
    write_manifests()
    return make_app(snapshot_settings(), session_factory=FakeSession, clock=lambda: FIXED, tick_seconds=0)


async def loaded(pilot: Pilot[int]) -> PodtuiApp:
    app = pilot.app
    assert isinstance(app, PodtuiApp)
    count = len(demo_pods())
    await wait_until(pilot, lambda: app.pods_screen.table.row_count == count, 10, "the demo pods")
    return app


async def test_an_invalid_new_file_is_counted_listed_and_opened_at_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    problem = f"{bad}:8:7: spec.containers[0].imag: unknown field"
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        table = app.pods_screen.table
        assert "invalid" not in table.title()
        app.engine.publish(FileProblems(str(bad), [problem, f"{bad}:7:7: spec.containers[0].image: Required value"]))
        await wait_until(pilot, lambda: "⚠ 1 invalid file (:problems)" in table.title(), 10, "the count")
        await pilot.pause()
        assert painted_text(app, "⚠ 1 invalid file")
        app.run_jump("problems")
        await wait_until(pilot, lambda: isinstance(app.screen, InvalidFilesScreen), 10, "the list")
        await pilot.pause()
        assert painted_text(app, "bad.yaml:8:7") and painted_text(app, "unknown field (+1 more)")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ManifestEditorScreen), 10, "the editor")
        editor = app.screen
        assert isinstance(editor, ManifestEditorScreen)
        assert editor.path == bad and editor.text_area.cursor_location == (7, 6)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, InvalidFilesScreen), 10, "back to the list")
        app.engine.publish(FileProblems(str(bad), []))  # valid again
        await wait_until(pilot, lambda: "invalid" not in table.title(), 10, "no count")
        listing = app.screen
        assert isinstance(listing, InvalidFilesScreen) and listing.items == []
        assert painted_text(app, "No invalid files")


async def test_with_no_pods_the_hint_points_at_the_invalid_files(tmp_path: Path) -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        screen = app.pods_screen
        screen.table.set_filter("nothing-matches-this")
        app.engine.publish(FileProblems(str(tmp_path / "bad.yaml"), [f"{tmp_path}/bad.yaml:1:1: x: y"]))
        await wait_until(pilot, lambda: ":problems" in screen.hint_text, 10, "the hint")


async def test_header_lines_leave_after_their_time() -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        header = app.pods_screen.header
        await wait_until(pilot, lambda: len(header.log_lines) == 3, 10, "the start lines")
        now = [1000.0]
        header.now = lambda: now[0]
        header.recent.clear()
        app.engine.publish(ReconcileLogged("bad.yaml:8:7: spec: refused (+1 more)", "warning"))
        await wait_until(pilot, lambda: header.log_lines == ["bad.yaml:8:7: spec: refused (+1 more)"], 10, "the line")
        now[0] += header.note_seconds / 2
        app.engine.publish(ReconcileLogged("pod default/web: created from web.yaml"))
        await wait_until(pilot, lambda: len(header.log_lines) == 2, 10, "two lines")
        now[0] += header.note_seconds / 2 + 0.01
        header.expire()
        assert header.log_lines == ["pod default/web: created from web.yaml"]
        await pilot.pause()
        assert not painted_text(app, "refused (+1 more)")
        now[0] += header.note_seconds
        header.expire()
        assert header.log_lines == []
