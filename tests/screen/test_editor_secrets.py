"""Secret values in the editor: masked and read-only until ``x``; the mask never reaches the file."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_engine import WEB_YAML
from textual.app import App
from textual.pilot import Pilot

from tui.screen.manifest_editor import SECRETS_BANNER, ManifestEditorScreen
from tui.screen.manifest_tab import MASK, mask_secrets_keeping_lines


class EditorHost(App[None]):
    """Pushes one editor; records what it saved."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.saved: list[ManifestEditorScreen.Saved] = []

    def on_mount(self) -> None:
        self.push_screen(ManifestEditorScreen(self.path, validate_delay=0.01))

    def on_manifest_editor_screen_saved(self, message: ManifestEditorScreen.Saved) -> None:
        self.saved.append(message)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the app handle messages until ``condition`` holds (bounded; no fixed sleeps)."""
    async def reached() -> None:
        while not condition():
            await pilot.pause()

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reached(), seconds)
    assert condition(), "condition not reached in time"


def painted(app: App[None]) -> str:
    """The screen's text, every run of spaces (the SVG's are no-break) as one space."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())))


def editor(app: App[None]) -> ManifestEditorScreen:
    screen = app.screen_stack[-1]
    assert isinstance(screen, ManifestEditorScreen)
    return screen


@pytest.fixture
def web(tmp_path: Path) -> Path:
    folder = tmp_path / "manifests"
    folder.mkdir()
    path = folder / "web.yaml"
    path.write_text(WEB_YAML)
    return path


def test_masking_keeps_every_line() -> None:
    masked, found = mask_secrets_keeping_lines(WEB_YAML)
    assert found
    assert "hunter2" not in masked and "multi-line" not in masked and "\n    secret" not in masked
    assert masked.count("\n") == WEB_YAML.count("\n")
    assert f"password: {MASK}" in masked
    plain, none = mask_secrets_keeping_lines("apiVersion: v1\nkind: Pod\n")
    assert not none and plain == "apiVersion: v1\nkind: Pod\n"


async def test_secrets_open_masked_and_read_only_and_x_reveals_them(web: Path) -> None:
    app = EditorHost(web)
    async with app.run_test(size=(110, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ManifestEditorScreen))
        screen = editor(app)
        await until(pilot, lambda: screen.checked_version == screen.version)
        assert screen.masked and screen.text_area.read_only and not screen.modified
        assert "hunter2" not in screen.text_area.text and MASK in screen.text_area.text
        assert not [p for p in screen.problems if p.is_error]  # the real text was validated
        await pilot.pause()
        shown = painted(app)
        assert "hunter2" not in shown and SECRETS_BANNER in shown
        screen.text_area.move_cursor((7, 4))  # the password line
        await pilot.press("a")  # read-only: nothing is typed
        assert screen.text_area.text == mask_secrets_keeping_lines(WEB_YAML)[0]
        await pilot.press("ctrl+s")  # nothing to save while masked
        await pilot.pause()
        assert app.saved == [] and web.read_text() == WEB_YAML
        await pilot.press("x")
        await until(pilot, lambda: not screen.masked)
        assert screen.text_area.text == WEB_YAML and not screen.text_area.read_only
        assert not screen.query_one("#editor-secrets").display
        await pilot.press("end", "!")  # now x and other letters are text
        assert screen.modified and "hunter2-do-not-show!" in screen.text_area.text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.saved))
    saved = web.read_text()
    assert MASK not in saved and "password: hunter2-do-not-show!" in saved


async def test_a_change_on_disk_while_masked_reloads_masked(web: Path) -> None:
    app = EditorHost(web)
    async with app.run_test(size=(110, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ManifestEditorScreen))
        screen = editor(app)
        changed = WEB_YAML.replace("hunter2-do-not-show", "swordfish-also-secret")
        web.write_text(changed)
        await until(pilot, lambda: screen.base == changed, 15)
        assert screen.masked and "swordfish" not in screen.text_area.text
        assert screen.real_text == changed
        web.write_text("")  # caught half written: still masked when the Secret comes back
        await until(pilot, lambda: screen.base == "", 15)
        assert screen.masked
        web.write_text(WEB_YAML)
        await until(pilot, lambda: screen.base == WEB_YAML, 15)
        assert screen.masked and "hunter2" not in screen.text_area.text
