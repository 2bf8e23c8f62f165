"""The file changing on disk while the editor has it open: reload, merge, keep mine."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from tui.screen.diff_view import CONFLICT_OURS, CONFLICT_THEIRS
from tui.screen.editor_modals import DiskChanged
from tui.screen.manifest_editor import ManifestEditorScreen

VALID = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: localhost/podtui/busybox:latest
"""


class EditorHost(App[None]):
    """Pushes one editor and records what it saved."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.saved: list[ManifestEditorScreen.Saved] = []
        self.disk_events = 0

    def on_manifest_editor_screen_disk_touched(
        self, message: ManifestEditorScreen.DiskTouched
    ) -> None:
        self.disk_events += 1

    def on_mount(self) -> None:
        self.push_screen(ManifestEditorScreen(self.path, validate_delay=0.01))

    def on_manifest_editor_screen_saved(self, message: ManifestEditorScreen.Saved) -> None:
        self.saved.append(message)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the app run until ``condition`` holds (bounded)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


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


async def started(pilot: Pilot[None], app: EditorHost) -> ManifestEditorScreen:
    """The editor, once validated and with its file watcher running."""
    screen = editor(app)
    await until(pilot, lambda: screen.checked_version == screen.version)
    await until(pilot, lambda: any(w.group == "watch" and w.is_running for w in screen.workers))
    return screen


async def edit_name(pilot: Pilot[None], screen: ManifestEditorScreen) -> None:
    """Our edit: the pod is called web-mine (line 4)."""
    screen.text_area.move_cursor((3, 11))
    await pilot.press(*"-mine")


THEIRS = VALID.replace("    app: web\n", "    app: web\n    tier: theirs\n")


async def test_a_clean_buffer_follows_the_disk(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot, app)
        manifest.write_text(THEIRS)
        await until(pilot, lambda: screen.text_area.text == THEIRS)
        assert not screen.modified
        assert "reloaded" in screen.status_note


async def test_a_modified_buffer_asks_and_reload_takes_the_disk(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot, app)
        await edit_name(pilot, screen)
        manifest.write_text(THEIRS)
        await until(pilot, lambda: isinstance(app.screen, DiskChanged))
        await pilot.press("r")
        await until(pilot, lambda: screen.text_area.text == THEIRS)
        assert not screen.modified
        await pilot.press("ctrl+z")  # reload is one undoable edit
        await until(pilot, lambda: "web-mine" in screen.text_area.text)


async def test_merge_keeps_both_changes(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot, app)
        await edit_name(pilot, screen)
        manifest.write_text(THEIRS)
        await until(pilot, lambda: isinstance(app.screen, DiskChanged))
        await pilot.press("m")
        expected = THEIRS.replace("name: web\n  labels", "name: web-mine\n  labels")
        await until(pilot, lambda: screen.text_area.text == expected)
        assert screen.base == THEIRS
        assert screen.modified
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.saved))
        assert manifest.read_text() == expected


async def test_merge_marks_conflicts(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot, app)
        await edit_name(pilot, screen)
        manifest.write_text(VALID.replace("name: web\n  labels", "name: web-theirs\n  labels"))
        await until(pilot, lambda: isinstance(app.screen, DiskChanged))
        await pilot.press("m")
        await until(pilot, lambda: CONFLICT_OURS in screen.text_area.text)
        text = screen.text_area.text
        assert "  name: web-mine\n=======\n  name: web-theirs\n" + CONFLICT_THEIRS in text
        assert "conflict" in screen.status_note
        await until(pilot, lambda: screen.checked_version == screen.version)
        assert any(p.is_error for p in screen.problems)  # markers are not YAML


async def test_keep_mine_then_save_overwrites(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot, app)
        await edit_name(pilot, screen)
        mine = screen.text_area.text
        manifest.write_text(THEIRS)
        await until(pilot, lambda: isinstance(app.screen, DiskChanged))
        await pilot.press("k")
        await until(pilot, lambda: app.screen is screen and not screen._busy)
        assert screen.text_area.text == mine
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.saved))
        assert manifest.read_text() == mine


async def test_save_notices_a_change_the_watcher_has_not_reported(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot, app)
        await edit_name(pilot, screen)
        screen._stop_watching.set()  # as if the watcher missed it
        await until(
            pilot, lambda: not any(w.group == "watch" and w.is_running for w in screen.workers)
        )
        manifest.write_text(THEIRS)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DiskChanged))
        await pilot.press("escape")  # keep mine
        await until(pilot, lambda: bool(app.saved))
        assert "web-mine" in manifest.read_text()
        assert "tier: theirs" not in manifest.read_text()


async def test_our_own_save_is_not_an_external_change(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot, app)
        await edit_name(pilot, screen)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.saved))
        await until(pilot, lambda: app.disk_events > 0)  # the watcher saw our rename
        await until(
            pilot, lambda: not any(w.group == "disk-check" and w.is_running for w in screen.workers)
        )
        assert app.screen is screen
        assert "saved" in screen.status_note


async def test_a_deleted_file_keeps_the_buffer(manifest: Path) -> None:
    app = EditorHost(manifest)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await started(pilot, app)
        manifest.unlink()
        await until(pilot, lambda: screen.base is None)
        assert screen.text_area.text == VALID
        assert screen.modified
        assert "deleted" in screen.status_note
