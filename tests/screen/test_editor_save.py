"""Saving from the manifest editor: atomic, asks on errors, diff, unsaved-changes prompt."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from tui.screen.diff_view import DiffScreen
from tui.screen.editor_modals import ConfirmInvalidSave, ConfirmLeave
from tui.screen.manifest_editor import ManifestEditorScreen

VALID = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: localhost/podtui/busybox:latest
"""


class EditorHost(App[None]):
    """Pushes one editor and records what it dismisses with and what it saved."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.results: list[Path | None] = []
        self.saved: list[ManifestEditorScreen.Saved] = []

    def on_mount(self) -> None:
        self.push_screen(ManifestEditorScreen(self.path, validate_delay=0.01), self.results.append)

    def on_manifest_editor_screen_saved(self, message: ManifestEditorScreen.Saved) -> None:
        self.saved.append(message)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the app run until ``condition`` holds (bounded)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.01)


def editor(app: App[None]) -> ManifestEditorScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, ManifestEditorScreen)
    return screen


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    folder = tmp_path / "manifests"
    folder.mkdir()
    path = folder / "web.yaml"
    path.write_text(VALID)
    return path


async def make_invalid(pilot: Pilot[None], screen: ManifestEditorScreen) -> None:
    """Type an uppercase letter into the pod's name."""
    screen.text_area.move_cursor((3, 8))
    await pilot.press("W")
    await until(pilot, lambda: screen.checked_version == screen.version and bool(screen.problems))


def status(screen: ManifestEditorScreen) -> str:
    return str(screen.query_one("#editor-status", Static).render())


async def test_save_with_errors_asks_and_cancel_leaves_the_file(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        await make_invalid(pilot, screen)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmInvalidSave))
        question = str(app.screen.query_one(".question-body", Static).render())
        assert "never applied" in question and "running pod stays" in question
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen and not screen._busy)
        assert manifest.read_text() == VALID
        assert app.saved == []
        assert "not saved" in status(screen)


async def test_save_anyway_writes_the_invalid_file(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        await make_invalid(pilot, screen)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmInvalidSave))
        await pilot.press("s")
        await until(pilot, lambda: bool(app.saved))
        assert manifest.read_text() == screen.text_area.text
        assert "name: Wweb" in manifest.read_text()
        assert app.saved[0].valid is False
        assert "keeps the running pod" in status(screen)
        assert not screen.modified


async def test_the_save_question_offers_the_diff(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        await make_invalid(pilot, screen)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmInvalidSave))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DiffScreen))
        diff = app.screen
        assert isinstance(diff, DiffScreen)
        assert "-  name: web\n+  name: Wweb\n" in diff.diff
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmInvalidSave))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert manifest.read_text() == VALID


async def test_valid_save_is_atomic_and_keeps_the_mode(manifest: Path) -> None:
    os.chmod(manifest, 0o640)
    inode_before = manifest.stat().st_ino
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        screen.text_area.move_cursor((3, 11))
        await pilot.press("-", "2")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.saved))
        assert manifest.read_text() == VALID.replace("name: web\nspec", "name: web-2\nspec")
        assert manifest.read_text() == screen.text_area.text
        assert stat.S_IMODE(manifest.stat().st_mode) == 0o640
        assert manifest.stat().st_ino != inode_before  # replaced by rename, not rewritten
        assert sorted(p.name for p in manifest.parent.iterdir()) == ["web.yaml"]
        assert app.saved[0].valid and app.saved[0].path == manifest
        assert "saved; the watcher applies it" in status(screen)
        assert not screen.modified
        await pilot.press("escape")
        await until(pilot, lambda: bool(app.results))
        assert app.results == [manifest]


async def test_new_file_is_created_on_save(tmp_path: Path) -> None:
    path = tmp_path / "manifests" / "fresh.yaml"
    path.parent.mkdir()
    app = EditorHost(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        await until(pilot, lambda: screen.checked_version == screen.version)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.saved))
        assert path.read_text() == screen.text_area.text
        assert "name: fresh" in path.read_text()
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


async def test_ctrl_d_shows_the_diff_against_the_disk(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        screen.text_area.move_cursor((3, 11))
        await pilot.press("-", "2")
        await pilot.press("ctrl+d")  # TextArea's delete-right is overridden here
        await until(pilot, lambda: isinstance(app.screen, DiffScreen))
        diff = app.screen
        assert isinstance(diff, DiffScreen)
        assert diff.diff.startswith(
            "--- manifests/web.yaml (on disk)\n+++ manifests/web.yaml (editor)\n"
        )
        assert "-  name: web\n+  name: web-2\n" in diff.diff
        await pilot.press("q")
        await until(pilot, lambda: app.screen is screen)
        assert screen.text_area.text.count("web-2") == 1


async def test_escape_without_changes_leaves_at_once(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: bool(app.results))
        assert app.results == [None]


async def test_escape_with_changes_asks_cancel_then_discard(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        screen.text_area.move_cursor((3, 11))
        await pilot.press("-", "2")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("escape")  # cancel: keep editing
        await until(pilot, lambda: app.screen is screen and not screen._busy)
        assert screen.modified and app.results == []
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("d")
        await until(pilot, lambda: bool(app.results))
        assert app.results == [None]
        assert manifest.read_text() == VALID


async def test_escape_with_changes_then_save_writes_and_leaves(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        screen.text_area.move_cursor((3, 11))
        await pilot.press("-", "2")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("s")
        await until(pilot, lambda: bool(app.results))
        assert app.results == [manifest]
        assert "name: web-2" in manifest.read_text()


async def test_undo_and_redo_are_the_text_areas(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = editor(app)
        screen.text_area.move_cursor((3, 11))
        await pilot.press("-", "2")
        assert screen.modified
        await pilot.press("ctrl+z")
        await until(pilot, lambda: not screen.modified)
        await pilot.press("ctrl+y")
        await until(pilot, lambda: screen.modified)
