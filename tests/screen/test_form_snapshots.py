"""SVG snapshot of the new-pod form with a validation message and its preview."""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from tui.manifest.pod_builder import FORM_COMMAND, PodFormValues, PortValues
from tui.screen.pod_form import NewPodScreen


class FormHost(App[None]):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def on_mount(self) -> None:
        values = PodFormValues(
            name="Web_1",
            command=FORM_COMMAND,
            ports=[PortValues("8080", "70000")],
            labels="app=web",
        )
        self.push_screen(NewPodScreen(self.folder, values))


def test_form_with_a_validation_message(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "manifests"
    folder.mkdir()

    async def form_shown(pilot: Pilot[None]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, NewPodScreen)
        screen.show_form()
        for widget in screen.query(Input):
            widget.cursor_blink = False
        deadline = time.monotonic() + 5
        while screen.check is None or "name" not in screen.check.errors:
            assert time.monotonic() < deadline
            await pilot.pause(0.01)
        await pilot.pause()

    assert snap_compare(FormHost(folder), terminal_size=(120, 36), run_before=form_shown)
