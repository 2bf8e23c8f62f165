"""The manifest editor validating as you type: problems listed, lines marked, jumps."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from tui.screen.manifest_editor import ManifestEditorScreen
from tui.screen.problems_list import ERROR_SIGN, WARNING_SIGN, ProblemsList, summary
from tui.screen.templates import TEMPLATES

VALID = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: localhost/podtui/busybox:latest
      imagePullPolicy: IfNotPresent
      ports:
        - containerPort: 80
"""


class EditorHost(App[None]):
    """Pushes one editor, as the app's ``e`` does, and records what it dismisses with."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.results: list[Path | None] = []

    def on_mount(self) -> None:
        self.push_screen(ManifestEditorScreen(self.path, validate_delay=0.01), self.results.append)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the app run until ``condition`` holds (bounded)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.01)


def editor(app: App[None]) -> ManifestEditorScreen:
    screen = app.screen
    assert isinstance(screen, ManifestEditorScreen)
    return screen


def checked(app: App[None]) -> Callable[[], bool]:
    """The current buffer has been validated."""
    return lambda: (
        isinstance(app.screen, ManifestEditorScreen)
        and (app.screen.checked_version == app.screen.version)
    )


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    folder = tmp_path / "manifests"
    folder.mkdir()
    path = folder / "web.yaml"
    path.write_text(VALID)
    return path


async def test_valid_file_has_no_problems(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        screen = editor(app)
        assert screen.problems == []
        assert screen.text_area.text == VALID
        assert "no problems" in str(screen.query_one("#editor-status").render())
        assert not screen.modified


async def test_typing_an_invalid_port_lists_it_at_its_line_and_marks_it(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        screen = editor(app)
        area = screen.text_area
        area.move_cursor((10, len("        - containerPort: 80")))
        await pilot.press("0", "0", "0", "0")  # 800000
        await until(pilot, lambda: checked(app)() and bool(screen.problems))
        [problem] = screen.problems
        assert (problem.line, problem.col) == (11, 26)
        assert problem.field == "spec.containers[0].ports[0].containerPort"
        assert problem.is_error
        listing = screen.query_one(ProblemsList)
        assert listing.option_count == 1
        row = str(listing.get_option_at_index(0).prompt)
        assert "11:26" in row and "containerPort" in row and "65535" in row
        assert area.marks == {10: (True, 25)}
        assert ERROR_SIGN in area.render_line(10).text
        assert ERROR_SIGN not in area.render_line(9).text
        assert "1 error" in str(screen.query_one("#editor-status").render())
        assert screen.modified


async def test_enter_on_a_problem_moves_the_cursor_there(manifest: Path) -> None:
    manifest.write_text(VALID.replace("name: web\nspec", "name: Web_1\nspec"))
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        screen = editor(app)
        assert [p.line for p in screen.problems] == [4]
        assert screen.text_area.cursor_location == (0, 0)
        await pilot.press("shift+tab")  # from the text to the problems list
        assert screen.query_one(ProblemsList).has_focus
        await pilot.press("enter")
        assert screen.text_area.has_focus
        assert screen.text_area.cursor_location == (3, 8)


async def test_f8_walks_through_problems_and_warnings(manifest: Path) -> None:
    text = VALID.replace("name: web\nspec", "name: Web_1\nspec") + (
        "      envFrom:\n        - configMapRef:\n            name: missing\n"
    )
    manifest.write_text(text)
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        screen = editor(app)
        assert summary(screen.problems) == "1 error, 1 warning"
        assert "1 error, 1 warning" in str(screen.query_one("#editor-status").render())
        warning_row = next(p.line for p in screen.problems if not p.is_error)
        assert screen.text_area.marks[warning_row - 1][0] is False
        assert WARNING_SIGN in screen.text_area.render_line(warning_row - 1).text
        await pilot.press("f8")
        assert screen.text_area.cursor_location == (3, 8)
        await pilot.press("f8")
        assert screen.text_area.cursor_location[0] == warning_row - 1
        await pilot.press("f8")  # wraps around
        assert screen.text_area.cursor_location == (3, 8)
        await pilot.press("shift+f8")  # backwards, wrapping to the last
        assert screen.text_area.cursor_location[0] == warning_row - 1
        await pilot.press("shift+f8")
        assert screen.text_area.cursor_location == (3, 8)


async def test_a_configmap_in_another_file_satisfies_references(manifest: Path) -> None:
    text = VALID + "      envFrom:\n        - configMapRef:\n            name: settings\n"
    manifest.write_text(text)
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        screen = editor(app)
        assert [p.kind for p in screen.problems] == ["Not found"]
        (manifest.parent / "settings.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"
        )
        screen.text_area.insert("# touch\n", (0, 0))
        await until(pilot, lambda: checked(app)() and not screen.problems)


async def test_pod_declared_in_another_file_is_a_warning(manifest: Path) -> None:
    (manifest.parent / "other.yaml").write_text(VALID)
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        [problem] = editor(app).problems
        assert not problem.is_error
        assert "other.yaml" in problem.detail


async def test_yaml_syntax_error_is_located(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        screen = editor(app)
        screen.text_area.move_cursor((4, 5))
        await pilot.press("[")
        await until(pilot, lambda: checked(app)() and bool(screen.problems))
        assert screen.problems[0].is_error
        assert screen.problems[0].line is not None


@pytest.mark.parametrize("key", sorted(TEMPLATES))
async def test_a_new_file_starts_from_a_valid_template(tmp_path: Path, key: str) -> None:
    path = tmp_path / "manifests" / "fresh.yaml"
    path.parent.mkdir()

    class Host(EditorHost):
        def on_mount(self) -> None:
            self.push_screen(ManifestEditorScreen(self.path, template=key), self.results.append)

    app = Host(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        screen = editor(app)
        assert screen.problems == []
        assert "name: fresh" in screen.text_area.text
        assert "localhost/podtui/busybox:latest" in screen.text_area.text
        assert "imagePullPolicy: IfNotPresent" in screen.text_area.text
        assert screen.modified
        assert "new file" in str(screen.query_one("#editor-title").render())
        assert not path.exists()


async def test_stale_results_are_dropped(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, checked(app))
        screen = editor(app)
        old_version = screen.version
        screen.text_area.insert("x: [\n", (0, 0))
        await pilot.pause()
        screen.post_message(ManifestEditorScreen.Checked(old_version, []))
        await until(pilot, lambda: checked(app)())
        assert screen.problems  # the stale "no problems" did not win
