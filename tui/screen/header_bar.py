"""The header: Podman connection, the manifests folder, this instance's role, recent actions.

Like k9s's cluster block: three short labelled lines on the left, and on the right the
last few things the reconciler did (its one-line log).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

LABEL = "bold #e0a030"
LEVEL_STYLES = {"info": "dim", "warning": "#e0a030", "error": "#ff6060"}
RECENT = 3
#: A reconcile line leaves the header after this long: an old "refused" must not read as
#: news (problems that last are counted in the pod list's title).
NOTE_SECONDS = 30.0


class HeaderBar(Horizontal):
    """Connection, folder, role; and the latest reconcile lines."""

    def __init__(self, folder: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = folder
        self.connected: bool | None = None
        self.version = ""
        self.detail = "connecting…"
        self.role = ""
        self.role_detail = ""
        #: (message, level, when it leaves) of the newest lines.
        self.recent: deque[tuple[str, str, float]] = deque(maxlen=RECENT)
        self.note_seconds = NOTE_SECONDS
        self.now: Callable[[], float] = time.monotonic

    def compose(self) -> ComposeResult:
        yield Static(id="header-info")
        yield Static(id="header-log")

    def on_mount(self) -> None:
        """First paint."""
        self._render_info()
        self._render_log()

    @property
    def connection_text(self) -> str:
        """What the Podman line says."""
        if self.connected:
            return f"{self.version} (connected)"
        if self.connected is None:
            return self.detail
        return "disconnected, retrying"

    def set_connection(self, connected: bool, version: str, detail: str) -> None:
        """Podman was reached or lost."""
        self.connected = connected
        self.version = version or self.version
        self.detail = detail
        self._render_info()

    def set_role(self, role: str, detail: str) -> None:
        """Reconciler or viewer."""
        self.role, self.role_detail = role, detail
        self._render_info()

    def note(self, message: str, level: str) -> None:
        """One more reconcile line (it leaves after ``note_seconds``)."""
        self.recent.append((message, level, self.now() + self.note_seconds))
        self._render_log()
        self.set_timer(self.note_seconds, self.expire, name="header note")

    def expire(self) -> None:
        """Drop the lines whose time is up."""
        now = self.now()
        kept = [item for item in self.recent if item[2] > now]
        if len(kept) != len(self.recent):
            self.recent = deque(kept, maxlen=RECENT)
            self._render_log()

    @property
    def log_lines(self) -> list[str]:
        """The reconcile lines shown now (for tests)."""
        return [message for message, _, _ in self.recent]

    def _render_info(self) -> None:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style=LABEL, no_wrap=True)
        grid.add_column(no_wrap=True, overflow="ellipsis")
        if self.connected:
            podman = Text(f"{self.version}", style="bold")
            podman.append("  connected", style="#50c878")
        elif self.connected is None:
            podman = Text(self.detail, style="dim")
        else:
            podman = Text("disconnected, retrying", style="bold #ff6060")
            reason = self.detail.removeprefix("disconnected, retrying").lstrip(": ")
            if reason:
                podman.append(f"  {reason}", style="dim")
        grid.add_row("Podman:", podman)
        grid.add_row("Folder:", Text(self.folder))
        if self.role == "reconciler":
            role = Text("reconciler", style="bold #50c878")
            role.append("  applies the folder", style="dim")
        elif self.role == "viewer":
            role = Text("viewer", style="bold #e0a030")
            role.append(f"  {self.role_detail.removeprefix('viewing').lstrip(': ')}", style="dim")
        else:
            role = Text("-", style="dim")
        grid.add_row("Role:", role)
        self.query_one("#header-info", Static).update(grid)

    def _render_log(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (message, level, _) in enumerate(self.recent):
            if index:
                text.append("\n")
            text.append(message, style=LEVEL_STYLES.get(level, "dim"))
        self.query_one("#header-log", Static).update(text)

    @property
    def role_text(self) -> str:
        """What the Role line says (for tests)."""
        return self.role or "-"
