"""The problems of an editor buffer: how they are found, counted, listed and marked.

``BufferChecker`` runs in a worker thread: the buffer is validated as if it were the file
(``load_text``), then its references are checked against the other manifests of the
folder, whose scan is kept until one of them changes, so typing costs a parse, not a
folder read. ``ProblemsList`` shows the result (choosing a line asks to jump there) and
``ManifestTextArea`` marks the lines in the text.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Offset
from textual.message import Message
from textual.strip import Strip
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from tui.manifest import (
    Document,
    ObjectIndex,
    Problem,
    check_references,
    load_text,
    manifest_files,
    scan_folder,
)
from tui.manifest.problems import DUPLICATE, sort_key

FolderSignature = tuple[tuple[str, int, int], ...]
#: Gutter signs for a line with an error / only warnings.
ERROR_SIGN = "●"
WARNING_SIGN = "▲"


def summary(problems: Iterable[Problem]) -> str:
    """``2 errors, 1 warning`` (``no problems`` when there are none)."""
    errors = warnings = 0
    for problem in problems:
        if problem.is_error:
            errors += 1
        else:
            warnings += 1
    if not errors and not warnings:
        return "no problems"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


@dataclass
class _FolderObjects:
    signature: FolderSignature
    index: ObjectIndex
    pods: dict[tuple[str, str], Path]


class BufferChecker:
    """Validate an editor's text as the file ``path``, against the rest of its folder."""

    def __init__(self, path: Path) -> None:
        self.path = path.absolute()
        self._lock = threading.Lock()
        self._folder: _FolderObjects | None = None

    def check(self, text: str) -> list[Problem]:
        """Every problem of ``text``: syntax, rules, references, pods declared elsewhere."""
        parsed = load_text(text, self.path.name)
        others = self._others()
        available = ObjectIndex.from_documents(parsed.documents).merged(others.index)
        problems = list(parsed.problems)
        problems.extend(check_references(parsed.documents, available))
        problems.extend(self._declared_elsewhere(parsed.documents, others))
        problems.sort(key=sort_key)
        return problems

    def _others(self) -> _FolderObjects:
        """The objects of the folder's other files (rescanned only when one changed)."""
        folder = self.path.parent
        signature = _signature(folder, self.path)
        with self._lock:
            if self._folder is not None and self._folder.signature == signature:
                return self._folder
            scan = scan_folder(folder) if folder.is_dir() else None
            documents = [
                document
                for file, parsed in (scan.files.items() if scan else ())
                if file.absolute() != self.path
                for document in parsed.documents
            ]
            pods = {
                (d.namespace, d.name): Path(d.file or "")
                for d in documents
                if d.kind == "Pod" and d.name
            }
            self._folder = _FolderObjects(signature, ObjectIndex.from_documents(documents), pods)
            return self._folder

    def _declared_elsewhere(
        self, documents: list[Document], others: _FolderObjects
    ) -> list[Problem]:
        """A warning per pod that another file declares too (the watcher runs only one)."""
        found = []
        for document in documents:
            other = others.pods.get((document.namespace, document.name))
            if document.kind != "Pod" or other is None:
                continue
            line, col = document.position("metadata.name") or (document.line, 1)
            found.append(
                Problem(
                    self.path.name,
                    line,
                    col,
                    "metadata.name",
                    DUPLICATE,
                    document.name,
                    f"pod {document.namespace}/{document.name} is also declared in "
                    f"{other.name}; the watcher runs only the first declaration",
                    "warning",
                )
            )
        return found


def _signature(folder: Path, own: Path) -> FolderSignature:
    """Names, sizes and mtimes of the folder's other manifests: a change means rescan."""
    found = []
    for file in manifest_files(folder) if folder.is_dir() else ():
        if file.absolute() == own:
            continue
        try:
            info = os.stat(file)
        except OSError:
            continue
        found.append((file.name, info.st_size, info.st_mtime_ns))
    return tuple(found)


class ProblemsList(OptionList):
    """One line per problem: severity, line:col, field and message; enter jumps to it."""

    DEFAULT_CSS = """
    ProblemsList { height: auto; max-height: 8; border: round $panel; }
    ProblemsList:focus { border: round $accent; }
    """

    @dataclass
    class ProblemChosen(Message):
        """The user chose a problem: the editor should move its cursor there."""

        problems_list: ProblemsList
        problem: Problem

        @property
        def control(self) -> ProblemsList:
            """The list the problem was chosen in."""
            return self.problems_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.problems: list[Problem] = []
        self.border_title = "Problems"

    def show(self, problems: list[Problem]) -> None:
        """Replace the list, keeping the highlight on the same row when there is one."""
        highlighted = self.highlighted
        self.problems = list(problems)
        self.set_options(Option(_row(problem), id=str(n)) for n, problem in enumerate(problems))
        if self.problems:
            self.highlighted = min(highlighted or 0, len(self.problems) - 1)
        self.border_title = f"Problems: {summary(problems)}"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Turn "option 3 selected" into "jump to this problem"."""
        event.stop()
        if event.option_index < len(self.problems):
            self.post_message(self.ProblemChosen(self, self.problems[event.option_index]))


def _row(problem: Problem) -> Text:
    """``✖ error   4:9   metadata.name: Invalid value: ...`` (long messages wrap)."""
    error = problem.is_error
    text = Text()
    text.append("✖ error  " if error else "▲ warning", style="bold red" if error else "bold yellow")
    where = f"{problem.line}:{problem.col or 1}" if problem.line is not None else "-"
    text.append(f" {where:>7}  ", style="bold")
    if problem.field:
        text.append(problem.field, style="cyan")
        text.append(": ")
    text.append(problem.body())
    return text


class ManifestTextArea(TextArea):
    """A YAML TextArea that marks problem lines: a sign in the gutter, the text underlined.

    Marks are applied on top of TextArea's rendering through its public hooks (``get_line``
    for the text, ``render_line`` for the gutter), so highlighting, selection and undo
    are untouched.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "manifest-text-area--error-sign",
        "manifest-text-area--warning-sign",
        "manifest-text-area--error-text",
        "manifest-text-area--warning-text",
    }
    DEFAULT_CSS = """
    ManifestTextArea {
        & > .manifest-text-area--error-sign { color: $text-error; text-style: bold; }
        & > .manifest-text-area--warning-sign { color: $text-warning; text-style: bold; }
        & > .manifest-text-area--error-text { background: $error 25%; text-style: underline; }
        & > .manifest-text-area--warning-text { background: $warning 20%; text-style: underline; }
    }
    """

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(
            text,
            language="yaml",
            theme="monokai",
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            id=id,
        )
        self.indent_width = 2
        self.marks: dict[int, tuple[bool, int]] = {}  # row -> (is error, first column)

    def set_marks(self, problems: list[Problem]) -> None:
        """Mark the lines of ``problems`` (0-based rows; an error outranks a warning)."""
        marks: dict[int, tuple[bool, int]] = {}
        for problem in problems:
            if problem.line is None:
                continue
            row, col = problem.line - 1, max((problem.col or 1) - 1, 0)
            known = marks.get(row)
            if known is None or (problem.is_error and not known[0]):
                marks[row] = (problem.is_error, col)
            elif known[0] == problem.is_error:
                marks[row] = (known[0], min(known[1], col))
        if marks != self.marks:
            self.marks = marks
            self.notify_style_update()  # drops TextArea's rendered-line cache

    def get_line(self, line_index: int) -> Text:
        """The line, underlined from the problem's column to its end."""
        line = super().get_line(line_index)
        mark = self.marks.get(line_index)
        if mark is not None:
            is_error, col = mark
            start = min(col, max(len(line.plain) - 1, 0))
            style = (
                "manifest-text-area--error-text" if is_error else "manifest-text-area--warning-text"
            )
            line.stylize(
                self.get_component_rich_style(style, partial=True),
                start,
                max(len(line.plain), start + 1),
            )
        return line

    def render_line(self, y: int) -> Strip:
        """TextArea's row, with a sign after the line number of a marked line."""
        strip = super().render_line(y)
        if not self.marks or not self.show_line_numbers:
            return strip
        row = self.scroll_offset.y + y
        if row >= self.wrapped_document.height:
            return strip
        line_index, _column = self.wrapped_document.offset_to_location(Offset(0, row))
        mark = self.marks.get(line_index)
        if mark is None or self.wrapped_document.location_to_offset((line_index, 0)).y != row:
            return strip
        at = self.gutter_width - 2  # the gutter is "<number>  "; the sign takes the first space
        if at < 0 or strip.cell_length <= at + 1:
            return strip
        is_error = mark[0]
        under = next(iter(strip.crop(at, at + 1)), None)
        base = under.style if under is not None and under.style is not None else Style()
        sign_style = self.get_component_rich_style(
            "manifest-text-area--error-sign" if is_error else "manifest-text-area--warning-sign",
            partial=True,
        )
        sign = Strip([Segment(ERROR_SIGN if is_error else WARNING_SIGN, base + sign_style)], 1)
        return Strip.join([strip.crop(0, at), sign, strip.crop(at + 1)])
