"""SVG snapshot of the manifest editor showing an error, a warning and their marks."""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from tui.screen.manifest_editor import ManifestEditorScreen

BROKEN = """\
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
          hostPort: 70000
      envFrom:
        - configMapRef:
            name: web-settings
"""


class EditorHost(App[None]):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def on_mount(self) -> None:
        self.push_screen(ManifestEditorScreen(self.path, validate_delay=0.01))


def test_editor_with_an_error(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "manifests"
    folder.mkdir()
    path = folder / "web.yaml"
    path.write_text(BROKEN)

    async def validated(pilot: Pilot[None]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ManifestEditorScreen)
        screen.text_area.cursor_blink = False
        deadline = time.monotonic() + 5
        while screen.checked_version != screen.version or not screen.problems:
            assert time.monotonic() < deadline
            await pilot.pause(0.01)
        screen.text_area.move_cursor((11, 20))
        await pilot.pause()

    assert snap_compare(EditorHost(path), terminal_size=(100, 30), run_before=validated)
