"""``:problems``: manifest files the reconciler refuses, with where their first problem is.

A new file that fails validation creates no pod, so no row can carry its ⚠ marker; the
pod list's title counts these files and this screen lists them (k9s's ``:xray``-like jump
to what is wrong). Enter opens the editor on the file at its first problem's line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.screen.footer import PodtuiFooter

#: ``/path/name.yaml:7:3: field: message`` -> the line and column after the path.
_LOCATION = re.compile(r":(\d+)(?::(\d+))?: ")


@dataclass(frozen=True)
class InvalidFile:
    """One refused manifest file: where its first problem is, and how many there are."""

    path: str
    line: int | None
    col: int | None
    first: str
    count: int

    @property
    def name(self) -> str:
        """The file's name in the folder."""
        return Path(self.path).name

    @property
    def location(self) -> str:
        """``name.yaml:7:3`` (or just the name when the problem has no line)."""
        if self.line is None:
            return self.name
        return f"{self.name}:{self.line}:{self.col or 1}"


def invalid_file(path: str, problems: list[str]) -> InvalidFile:
    """Read the first problem line ``path:line:col: message`` of a file."""
    first = problems[0] if problems else ""
    rest = first.removeprefix(path) if first.startswith(path) else first
    line = col = None
    match = _LOCATION.match(rest)
    if match is not None:
        line = int(match.group(1))
        col = int(match.group(2)) if match.group(2) else None
        rest = rest[match.end() :]
    else:
        rest = rest.removeprefix(":").strip()
    return InvalidFile(path, line, col, rest, len(problems))


def invalid_files(file_problems: Mapping[str, list[str]]) -> list[InvalidFile]:
    """Every file with problems now, by name."""
    found = [invalid_file(path, problems) for path, problems in file_problems.items() if problems]
    return sorted(found, key=lambda item: (item.name, item.path))


def count_text(count: int) -> str:
    """``⚠ 2 invalid files`` ("" for none)."""
    if not count:
        return ""
    return f"⚠ {count} invalid file{'s' if count != 1 else ''}"


class InvalidFilesScreen(Screen[None]):
    """The refused manifest files, one row each; enter edits the file at the problem."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="problems.back", tooltip="Back to the pods"),
        Binding("enter", "edit", "Edit", id="problems.edit", tooltip="Open the file in the editor at its first problem"),
    ]

    @dataclass
    class EditRequested(Message):
        """Open this file in the editor at this line."""

        item: InvalidFile

    def __init__(self, items: list[InvalidFile]) -> None:
        super().__init__()
        self.items = list(items)

    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(cursor_type="row", id="invalid-files")
        table.add_column("FILE", key="file")
        table.add_column("PROBLEMS", key="count")
        table.add_column("FIRST PROBLEM", key="first")
        yield table
        yield Static("", id="invalid-files-hint")
        yield PodtuiFooter()

    def on_mount(self) -> None:
        """Fill the list."""
        self.show(self.items)
        self.query_one(DataTable).focus()

    def show(self, items: list[InvalidFile]) -> None:
        """Replace the files shown (the cursor stays on its file when it can)."""
        table: DataTable[Text] = self.query_one(DataTable)
        selected = self.selected
        self.items = list(items)
        table.clear()
        for item in self.items:
            more = f" (+{item.count - 1} more)" if item.count > 1 else ""
            table.add_row(
                Text(item.location, style="bold #e0c040"),
                Text(str(item.count)),
                Text(item.first + more),
                key=item.path,
            )
        if selected is not None and selected.path in table.rows:
            table.move_cursor(row=table.get_row_index(selected.path), animate=False)
        table.border_title = f" Invalid files[{len(self.items)}] "
        hint = self.query_one("#invalid-files-hint", Static)
        hint.update(
            Text(
                "No invalid files: every manifest in the folder is applied."
                if not self.items
                else "These files are not applied (a pod they declared keeps its last good spec). "
                "enter edits the file at its first problem.",
                style="dim",
            )
        )

    @property
    def selected(self) -> InvalidFile | None:
        """The file under the cursor."""
        table: DataTable[Text] = self.query_one(DataTable)
        if not self.items or not table.row_count:
            return None
        row = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.ordered_rows[row].key.value
        return next((item for item in self.items if item.path == key), None)

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        """Enter (or a click) on a row edits that file."""
        message.stop()
        self.action_edit()

    def action_edit(self) -> None:
        """Ask the app to open the editor at the first problem."""
        item = self.selected
        if item is not None:
            self.post_message(self.EditRequested(item))
