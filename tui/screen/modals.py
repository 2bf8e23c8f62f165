"""Typed questions: confirm a delete, pick a container, type a ``:`` command."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

JUMP_COMMANDS = ("pods", "events", "problems", "ns all", "help", "quit")


class ConfirmDelete(ModalScreen[bool]):
    """Delete a pod (and its manifest file)? Dismisses with True only on an explicit yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, delete", id="confirm.yes", tooltip="Delete the pod"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Keep the pod"),
        Binding("left,right", "toggle_button", "Switch", show=False, id="confirm.switch", tooltip="Switch button"),
    ]

    def __init__(self, pod: str, consequence: str) -> None:
        super().__init__()
        self.pod = pod
        self.consequence = consequence

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(f"Delete pod {self.pod}?", id="confirm-question")
            yield Label(self.consequence, id="confirm-consequence", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Delete", variant="error", id="confirm-yes")
                yield Button("Cancel", variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        """Cancel is the safe default."""
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers."""
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        """A key answers."""
        self.dismiss(answer)

    def action_toggle_button(self) -> None:
        """Move between the two buttons."""
        yes, no = self.query_one("#confirm-yes", Button), self.query_one("#confirm-no", Button)
        (no if yes.has_focus else yes).focus()


class PickContainer(ModalScreen[str | None]):
    """Which container? Dismisses with its name, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel", tooltip="Do nothing"),
    ]

    def __init__(self, title: str, containers: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.containers = containers

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-dialog", classes="dialog"):
            yield Label(self.title_text, markup=False)
            yield OptionList(*(Option(name, id=name) for name in self.containers), id="pick-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A container was chosen."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Nothing chosen."""
        self.dismiss(None)


class JumpPrompt(ModalScreen[str | None]):
    """k9s's ``:`` command line: ``pods``, ``events``, ``ns NAME``, ``ns all``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="jump.cancel", tooltip="Close the prompt"),
    ]

    def __init__(self, namespaces: list[str]) -> None:
        super().__init__()
        self.choices = [*JUMP_COMMANDS, *(f"ns {name}" for name in namespaces)]

    def compose(self) -> ComposeResult:
        with Vertical(id="jump-bar"):
            yield Input(
                placeholder="pods · events · problems · ns NAME · ns all · help · quit",
                suggester=SuggestFromList(self.choices, case_sensitive=False),
                id="jump-input",
            )
            yield Label("→ completes · enter runs · esc cancels", id="jump-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Run what was typed."""
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Nothing to run."""
        self.dismiss(None)
