"""The questions the manifest editor asks, each a typed modal screen.

Every answer is a small literal (or bool) so the caller's ``match`` is exhaustive, and
every question can be answered from the keyboard with one letter; escape always means
"leave things as they are".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.screen.diff_view import DiffScreen
from tui.screen.footer import PodtuiFooter

LeaveChoice = Literal["save", "discard", "cancel"]
DiskChoice = Literal["reload", "merge", "keep"]

_QUESTION_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 76; height: auto; max-height: 90%; padding: 1 2;
    border: thick $warning; background: $surface;
}}
{name} .question-title {{ text-style: bold; padding-bottom: 1; }}
{name} .question-body {{ padding-bottom: 1; }}
{name} Horizontal {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin-left: 1; min-width: 12; }}
"""


class ConfirmInvalidSave(ModalScreen[bool]):
    """Save a file that has errors? True saves anyway; the diff can be looked at first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "s",
            "answer(True)",
            "Save anyway",
            id="editor.invalid.save",
            tooltip="Write the file as it is",
        ),
        Binding(
            "d",
            "show_diff",
            "Show diff",
            id="editor.invalid.diff",
            tooltip="What changes against the file on disk",
        ),
        Binding(
            "escape,n",
            "answer(False)",
            "Cancel",
            id="editor.invalid.cancel",
            tooltip="Keep editing; nothing is written",
        ),
    ]
    DEFAULT_CSS = _QUESTION_CSS.format(name="ConfirmInvalidSave")

    def __init__(self, file_name: str, summary: str, diff: Callable[[], str]) -> None:
        super().__init__()
        self.file_name = file_name
        self.summary = summary
        self._diff = diff

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                f"{self.file_name} has {self.summary}", classes="question-title", markup=False
            )
            yield Static(
                "An invalid file is never applied: the running pod stays as it is, marked "
                "with the condition podtui.io/ManifestValid=False, until the file is valid "
                "again. Saving keeps your work in progress.",
                classes="question-body",
            )
            with Horizontal():
                yield Button("Save anyway", id="save", variant="warning")
                yield Button("Show diff", id="diff")
                yield Button("Cancel", id="cancel", variant="primary")
        yield PodtuiFooter()

    def on_mount(self) -> None:
        """Cancel is the safe default for enter."""
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "diff":
            self.action_show_diff()
        else:
            self.dismiss(event.button.id == "save")

    def action_answer(self, save: bool) -> None:
        """Dismiss with the answer."""
        self.dismiss(save)

    def action_show_diff(self) -> None:
        """Show the diff on top; the question stays open beneath it."""
        self.app.push_screen(DiffScreen(f"{self.file_name}: disk -> editor", self._diff()))


class ConfirmLeave(ModalScreen[LeaveChoice]):
    """Leave an editor with unsaved changes: save, discard them, or stay."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('save')", "Save", id="editor.leave.save", tooltip="Save, then leave"),
        Binding(
            "d",
            "answer('discard')",
            "Discard",
            id="editor.leave.discard",
            tooltip="Leave without saving",
        ),
        Binding(
            "escape,c",
            "answer('cancel')",
            "Cancel",
            id="editor.leave.cancel",
            tooltip="Keep editing",
        ),
    ]
    DEFAULT_CSS = _QUESTION_CSS.format(name="ConfirmLeave")

    def __init__(self, file_name: str, *, quitting: bool = False) -> None:
        super().__init__()
        self.file_name = file_name
        self.quitting = quitting

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                f"{self.file_name} has unsaved changes", classes="question-title", markup=False
            )
            after = " Save or discard them, then podtui quits." if self.quitting else ""
            yield Static(
                f"Nothing reaches the pod until the file is saved.{after}",
                classes="question-body",
            )
            with Horizontal():
                yield Button("Save", id="save", variant="primary")
                yield Button("Discard", id="discard", variant="error")
                yield Button("Cancel", id="cancel")
        yield PodtuiFooter()

    def on_mount(self) -> None:
        """Save is the default for enter: losing work takes a deliberate key."""
        self.query_one("#save", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id or "cancel")

    def action_answer(self, choice: str) -> None:
        """Dismiss with the choice."""
        self.dismiss(_leave_choice(choice))


class DiskChanged(ModalScreen[DiskChoice]):
    """The file changed on disk under the editor: take theirs, merge, or keep mine."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "answer('reload')",
            "Reload",
            id="editor.disk.reload",
            tooltip="Replace the buffer with the file (undo brings yours back)",
        ),
        Binding(
            "m",
            "answer('merge')",
            "Merge",
            id="editor.disk.merge",
            tooltip="Three-way merge; conflicts are marked",
        ),
        Binding(
            "escape,k",
            "answer('keep')",
            "Keep mine",
            id="editor.disk.keep",
            tooltip="Keep the buffer; saving overwrites the file",
        ),
    ]
    DEFAULT_CSS = _QUESTION_CSS.format(name="DiskChanged")

    def __init__(self, file_name: str, deleted: bool = False) -> None:
        super().__init__()
        self.file_name = file_name
        self.deleted = deleted

    def compose(self) -> ComposeResult:
        with Vertical():
            what = "was deleted" if self.deleted else "changed on disk"
            yield Label(
                f"{self.file_name} {what} while you were editing",
                classes="question-title",
                markup=False,
            )
            yield Static(
                "Reload takes the file as it is now (undo brings your text back); merge "
                "keeps both sets of changes and marks conflicts with <<<<<<< and >>>>>>>; "
                "keep mine leaves the buffer alone (saving then overwrites the file).",
                classes="question-body",
            )
            with Horizontal():
                yield Button("Reload", id="reload", disabled=self.deleted)
                yield Button("Merge", id="merge", variant="primary", disabled=self.deleted)
                yield Button("Keep mine", id="keep")
        yield PodtuiFooter()

    def on_mount(self) -> None:
        """Focus the least destructive choice that applies."""
        self.query_one("#keep" if self.deleted else "#merge", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id or "keep")

    def action_answer(self, choice: str) -> None:
        """Dismiss with the choice (a deleted file can only be kept)."""
        self.dismiss("keep" if self.deleted else _disk_choice(choice))


def _leave_choice(text: str) -> LeaveChoice:
    if text == "save":
        return "save"
    if text == "discard":
        return "discard"
    return "cancel"


def _disk_choice(text: str) -> DiskChoice:
    if text == "reload":
        return "reload"
    if text == "merge":
        return "merge"
    return "keep"
