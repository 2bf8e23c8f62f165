"""``?``: every key, grouped by where it works, from the same bindings the footer shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HEADING = "bold #e0a030"
FILTER_EXAMPLES = (
    ("web", "pods whose name, status or manifest contains 'web'"),
    ("app=web", "pods labelled app=web (app=web,tier!=db for several)"),
    ("crashloop", "pods in CrashLoopBackOff (status words match too)"),
    ("!Running", "everything that is not Running"),
)
JUMPS = (
    (":pods", "the pod list"),
    (":events", "every pod's events, newest first"),
    (":ns NAME", "only pods in namespace NAME"),
    (":ns all", "pods of every namespace"),
    (":help / :quit", "this screen / leave podtui"),
)
NAVIGATION = (
    ("↑ ↓ j k", "move between pods"),
    ("g G home end", "first / last pod"),
    ("tab shift+tab", "move between the list and the detail pane"),
    ("mouse", "click a pod, a tab or a footer key; scroll with the wheel"),
)


def binding_rows(app: Any, bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(key, what it does) for bindings that describe themselves."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        rows.append((app.get_key_display(binding), binding.tooltip or binding.description))
    return rows


def _section(title: str, rows: Iterable[tuple[str, str]]) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold #8fb0d0", no_wrap=True, min_width=14)
    table.add_column()
    for key, text in rows:
        table.add_row(Text(key), Text(text))
    return Group(Text(title, style=HEADING), table, Text(""))


class HelpScreen(ModalScreen[None]):
    """All keys; escape, q or ? closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close", tooltip="Close help"),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        parts = [_section(title, rows) for title, rows in self.sections]
        parts.append(_section("Filter ( / )", FILTER_EXAMPLES))
        parts.append(_section("Jump ( : )", JUMPS))
        parts.append(_section("Moving around", NAVIGATION))
        with VerticalScroll(id="help-body"):
            yield Static(Group(*parts), id="help-text")

    def on_mount(self) -> None:
        """Titled like the other panels."""
        body = self.query_one("#help-body")
        body.border_title = " Help "
        body.border_subtitle = " esc closes "
        body.focus()

    async def action_dismiss(self, result: Any = None) -> None:
        """Close."""
        self.dismiss(None)
