"""``d``: ``kubectl describe pod`` for the selected pod, on its own scrollable screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.screen.footer import PodtuiFooter
from tui.screen.pod_table import PodEntry
from tui.status.describe import describe_pod
from tui.status.events import Event


class DescribeScreen(Screen[None]):
    """The describe text of one pod; it follows the pod while open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="describe.back", tooltip="Back to the pods"),
        Binding("q", "app.pop_screen", "Back", show=False, id="describe.quit", tooltip="Back to the pods"),
    ]

    def __init__(
        self,
        entry: PodEntry,
        events: Callable[[PodEntry], list[Event]],
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self.entry = entry
        self.events = events
        self.clock = clock

    @property
    def key(self) -> str:
        """Which pod this screen describes."""
        return self.entry.key

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="describe-scroll"):
            yield Static(id="describe-text", markup=False)
        yield PodtuiFooter()

    def on_mount(self) -> None:
        """Render and focus the text."""
        self.query_one("#describe-scroll").border_title = f" Describe({self.entry.key}) "
        self.refresh_text()
        self.query_one("#describe-scroll").focus()

    def update_entry(self, entry: PodEntry) -> None:
        """The pod changed while shown."""
        self.entry = entry
        self.refresh_text()

    def refresh_text(self) -> None:
        """Describe the pod as it is now."""
        text = describe_pod(self.entry.pod, self.events(self.entry), self.clock())
        self.query_one("#describe-text", Static).update(Text(text))

    @property
    def text(self) -> str:
        """What is shown."""
        return describe_pod(self.entry.pod, self.events(self.entry), self.clock())
