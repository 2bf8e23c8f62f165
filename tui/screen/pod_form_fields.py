"""The pieces of the new-pod form: labelled fields, editable rows, and their messages.

Every input has a form key (``name``, ``ports.1.host_port``, ...), the same keys
``tui.manifest.pod_builder`` maps validation problems to, so a field shows exactly the
messages of the values it holds. A row's inputs are named by their column and keyed by
the row's current position, so removing a row never leaves messages on the wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from tui.manifest.pod_builder import HOST_PATH_TYPES, VOLUME_KINDS

Messages = dict[str, list[str]]
_REGEX_TAIL = re.compile(r",? ?regex used for validation is '.*?'(?=\)|$)")

#: What the single "source" input of a volume row means for each kind of volume.
SOURCE_PLACEHOLDERS = {
    "hostPath": "path on the host, e.g. /srv/data",
    "persistentVolumeClaim": "claim name",
    "configMap": "ConfigMap name",
}
VOLUME_LABELS = {
    "": "no volume",
    "emptyDir": "emptyDir (shared)",
    "hostPath": "hostPath",
    "persistentVolumeClaim": "PVC",
    "configMap": "configMap",
}


class FieldMessage(Static):
    """The errors (and warnings) of a field, under it; takes no room when there are none."""

    DEFAULT_CSS = """
    FieldMessage { height: auto; display: none; color: $text-error; padding-left: 18; }
    FieldMessage.-shown { display: block; }
    FieldMessage.-warning { color: $text-warning; }
    """

    _shown_text = ""

    def show(self, errors: list[str], warnings: list[str]) -> None:
        """Show ``errors`` (red) or, when there are none, ``warnings`` (yellow)."""
        lines = [_without_regex(line) for line in errors or warnings]
        text = "\n".join(lines)
        if text != self._shown_text:  # an unchanged message costs no layout
            self._shown_text = text
            self.update(Content(text))
        self.set_class(bool(lines), "-shown")
        self.set_class(not errors and bool(warnings), "-warning")


def _without_regex(message: str) -> str:
    """Drop the validator's "regex used for validation is ..." tail: examples say enough."""
    return _REGEX_TAIL.sub("", message)


class MessageTarget(Widget):
    """A part of the form that shows the messages of its inputs' keys."""

    def inputs(self) -> list[Widget]:
        """The widgets holding values (named), in order."""
        return [w for w in self.query("Input, Select") if w.name]

    def form_key(self, widget: Widget) -> str:
        """The form key of one of our inputs."""
        return widget.name or ""

    def show_messages(self, errors: Messages, warnings: Messages) -> None:
        """Mark the inputs that have errors and show their messages below."""
        shown_errors: list[str] = []
        shown_warnings: list[str] = []
        for widget in self.inputs():
            key = self.form_key(widget)
            widget.set_class(bool(errors.get(key)), "-invalid")
            shown_errors.extend(errors.get(key, []))
            shown_warnings.extend(warnings.get(key, []))
        self.query_one(FieldMessage).show(shown_errors, shown_warnings)


class TextField(MessageTarget):
    """``label  [input]`` on one line, its message below."""

    DEFAULT_CSS = """
    TextField { height: auto; }
    TextField > Horizontal { height: 1; }
    TextField Label { width: 18; color: $text-muted; }
    TextField Input { width: 1fr; }
    """

    def __init__(
        self, key: str, label: str, value: str = "", placeholder: str = "", *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.key = key
        self.label = label
        self.initial = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label)
            yield Input(self.initial, placeholder=self.placeholder, name=self.key, compact=True)
        yield FieldMessage()

    @property
    def value(self) -> str:
        """What is typed."""
        return self.query_one(Input).value


class ChoiceField(MessageTarget):
    """``label  [select]`` on one line, its message below."""

    DEFAULT_CSS = """
    ChoiceField { height: auto; }
    ChoiceField > Horizontal { height: 1; }
    ChoiceField Label { width: 18; color: $text-muted; }
    ChoiceField Select { width: 1fr; }
    """

    def __init__(
        self, key: str, label: str, choices: Sequence[str], value: str, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.key = key
        self.label = label
        self.choices = list(choices)
        self.initial = value

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label)
            yield Select(
                [(choice, choice) for choice in self.choices],
                value=self.initial,
                allow_blank=False,
                name=self.key,
                compact=True,
            )
        yield FieldMessage()

    @property
    def value(self) -> str:
        """The chosen value."""
        return str(self.query_one(Select).value)


class FormRow(MessageTarget):
    """One row of a list (a port, a variable, a volume); re-keyed by its position."""

    DEFAULT_CSS = """
    FormRow { height: auto; }
    FormRow > Horizontal { height: 1; padding-left: 18; }
    FormRow Input { width: 1fr; margin-right: 1; }
    FormRow Select { width: 24; margin-right: 1; }
    FormRow FieldMessage { padding-left: 18; }
    """

    #: (sub-key, placeholder) of each input, in order.
    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, prefix: str, values: dict[str, str] | None = None) -> None:
        super().__init__()
        self.prefix = prefix
        self.position = 0
        self.initial = values or {}

    def compose(self) -> ComposeResult:
        with Horizontal():
            for sub_key, placeholder in self.COLUMNS:
                yield Input(
                    self.initial.get(sub_key, ""),
                    placeholder=placeholder,
                    name=sub_key,
                    compact=True,
                )
        yield FieldMessage()

    def form_key(self, widget: Widget) -> str:
        """``ports.2.host_port``: list, row position, column."""
        return f"{self.prefix}.{self.position}.{widget.name}"

    def values(self) -> dict[str, str]:
        """Column -> typed value."""
        found = {}
        for widget in self.inputs():
            sub_key = widget.name or ""
            if isinstance(widget, Input):
                found[sub_key] = widget.value
            elif isinstance(widget, Select):
                value = widget.value
                found[sub_key] = value if isinstance(value, str) else ""
        return found


class PortRow(FormRow):
    """containerPort and an optional hostPort."""

    COLUMNS = (("container_port", "container port, e.g. 80"), ("host_port", "host port (optional)"))


class EnvRow(FormRow):
    """An environment variable."""

    COLUMNS = (("name", "NAME"), ("value", "value"))


class VolumeRow(FormRow):
    """A volume: its kind decides which of name, mount path, source and type apply."""

    def compose(self) -> ComposeResult:
        kind = self.initial.get("kind", "")
        with Horizontal():
            yield Select(
                [(VOLUME_LABELS[k], k) for k in VOLUME_KINDS],
                value=kind,
                allow_blank=False,
                name="kind",
                compact=True,
            )
            yield Input(
                self.initial.get("name", "data"),
                placeholder="volume name",
                name="name",
                compact=True,
            )
            yield Input(
                self.initial.get("mount_path", "/data"),
                placeholder="mount path",
                name="mount_path",
                compact=True,
            )
            yield Input(self.initial.get("source", ""), name="source", compact=True)
            yield Select(
                [(t or "any type", t) for t in HOST_PATH_TYPES],
                value=self.initial.get("host_path_type", ""),
                allow_blank=False,
                name="host_path_type",
                compact=True,
            )
        yield FieldMessage()

    def on_mount(self) -> None:
        """Show only the inputs the initial kind uses."""
        self.show_inputs_for(self.values().get("kind", ""))

    def on_select_changed(self, event: Select.Changed) -> None:
        """A new kind: show the inputs it uses (the event still reaches the form)."""
        if event.select.name == "kind":
            self.show_inputs_for(event.value if isinstance(event.value, str) else "")

    def show_inputs_for(self, kind: str) -> None:
        """Display the inputs that ``kind`` uses, with the right hint for the source."""
        for widget in self.inputs():
            sub_key = widget.name or ""
            if sub_key == "kind":
                continue
            if sub_key == "source":
                widget.display = kind in SOURCE_PLACEHOLDERS
                if isinstance(widget, Input):
                    widget.placeholder = SOURCE_PLACEHOLDERS.get(kind, "")
            elif sub_key == "host_path_type":
                widget.display = kind == "hostPath"
            else:
                widget.display = bool(kind)


class RowList(Vertical):
    """A titled list of rows; ctrl+n adds a row, ctrl+r removes the focused one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+n", "add_row", "Add row", id="form.rows.add", tooltip="Add a row to this list"
        ),
        Binding(
            "ctrl+r",
            "remove_row",
            "Remove row",
            id="form.rows.remove",
            tooltip="Remove the row that has the focus",
        ),
    ]
    DEFAULT_CSS = """
    RowList { height: auto; }
    RowList > Label { color: $text-muted; }
    """

    @dataclass
    class RowsChanged(Message):
        """A row was added or removed."""

        row_list: RowList

        @property
        def control(self) -> RowList:
            """The list whose rows changed."""
            return self.row_list

    def __init__(
        self,
        title: str,
        make_row: Callable[[], FormRow],
        rows: Iterable[FormRow],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.title = title
        self.make_row = make_row
        self.initial_rows = list(rows) or [make_row()]

    def compose(self) -> ComposeResult:
        yield Label(f"{self.title}  (ctrl+n adds a row, ctrl+r removes one)")
        yield from self.initial_rows

    def rows(self) -> list[FormRow]:
        """The rows, in order, each re-keyed to its position."""
        found = list(self.query_children(FormRow))
        for index, row in enumerate(found):
            row.position = index
        return found

    async def action_add_row(self) -> None:
        """Append a blank row and put the cursor in it."""
        row = self.make_row()
        await self.mount(row)
        self.rows()
        row.inputs()[0].focus()
        self.post_message(self.RowsChanged(self))

    async def action_remove_row(self) -> None:
        """Remove the focused row (the last one left is cleared instead)."""
        focused = self.screen.focused
        rows = self.rows()
        row = next((r for r in rows if focused is not None and focused in r.query("*")), None)
        if row is None:
            return
        index = rows.index(row)
        if len(rows) == 1:
            replacement = self.make_row()
            await self.mount(replacement, after=row)
            await row.remove()
            replacement.inputs()[0].focus()
        else:
            await row.remove()
            rows = self.rows()
            rows[min(index, len(rows) - 1)].inputs()[0].focus()
        self.rows()
        self.post_message(self.RowsChanged(self))
