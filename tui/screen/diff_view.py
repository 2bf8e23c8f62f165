"""What an edit changes: a unified diff to look at, and a small three-way merge.

The editor shows the diff before a save replaces a running pod, and merges when the file
changed on disk while it was being edited: base is the text the editor last loaded or
saved, "theirs" is the disk, "ours" the buffer. Both are plain ``difflib`` on lines.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.screen.footer import PodtuiFooter

CONFLICT_OURS = "<<<<<<< editor (yours)"
CONFLICT_SEPARATOR = "======="
CONFLICT_THEIRS = ">>>>>>> disk (theirs)"


def unified_diff(old: str, new: str, name: str) -> str:
    """``diff -u`` of the file on disk (``old``) against the buffer (``new``); "" when equal."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"{name} (on disk)",
        tofile=f"{name} (editor)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class MergeResult:
    """The merged text and how many conflicts in it are marked for the user to resolve."""

    text: str
    conflicts: int


def merge3(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge two edits of ``base``: changes on one side win; changes on both are marked.

    Regions where both sides still equal the base anchor the merge; between anchors, a
    side equal to the base takes the other side's lines, equal sides take either, and
    anything else becomes a conflict between ``<<<<<<<``/``=======``/``>>>>>>>`` lines.
    """
    base_lines = _lines(base)
    our_lines = _lines(ours)
    their_lines = _lines(theirs)
    out: list[str] = []
    conflicts = 0
    at_base = at_ours = at_theirs = 0
    for base_start, base_end, our_start, our_end, their_start, their_end in _anchors(
        base_lines, our_lines, their_lines
    ):
        old = base_lines[at_base:base_start]
        mine = our_lines[at_ours:our_start]
        other = their_lines[at_theirs:their_start]
        if mine == other or other == old:
            out.extend(mine)
        elif mine == old:
            out.extend(other)
        else:
            conflicts += 1
            out.append(CONFLICT_OURS + "\n")
            out.extend(_terminated(mine))
            out.append(CONFLICT_SEPARATOR + "\n")
            out.extend(_terminated(other))
            out.append(CONFLICT_THEIRS + "\n")
        out.extend(base_lines[base_start:base_end])
        at_base, at_ours, at_theirs = base_end, our_end, their_end
    return MergeResult("".join(out), conflicts)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _terminated(lines: list[str]) -> list[str]:
    """Lines with a final newline, so a marker never joins the last line of a side."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines


def _anchors(
    base: list[str], ours: list[str], theirs: list[str]
) -> list[tuple[int, int, int, int, int, int]]:
    """Stretches of base unchanged on both sides, as (base, ours, theirs) start/end triples.

    The last anchor is the empty stretch at the end of all three, so the loop that walks
    them also handles what follows the last real anchor.
    """
    mine = difflib.SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    other = difflib.SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    found: list[tuple[int, int, int, int, int, int]] = []
    i = j = 0
    while i < len(mine) and j < len(other):
        a_base, a_at, a_len = mine[i]
        b_base, b_at, b_len = other[j]
        start = max(a_base, b_base)
        end = min(a_base + a_len, b_base + b_len)
        if start < end:
            our_start = a_at + (start - a_base)
            their_start = b_at + (start - b_base)
            found.append(
                (
                    start,
                    end,
                    our_start,
                    our_start + end - start,
                    their_start,
                    their_start + end - start,
                )
            )
        if a_base + a_len < b_base + b_len:
            i += 1
        else:
            j += 1
    found.append((len(base), len(base), len(ours), len(ours), len(theirs), len(theirs)))
    return found


def styled_diff(diff: str) -> Text:
    """A unified diff coloured the usual way: additions green, removals red, hunks cyan."""
    text = Text()
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = ""
        text.append(line, style)
    return text


class DiffScreen(ModalScreen[None]):
    """A unified diff in a scrollable box; any of escape, q or enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,enter",
            "close",
            "Close",
            id="diff.close",
            tooltip="Back to where the diff was opened from",
        ),
    ]
    DEFAULT_CSS = """
    DiffScreen { align: center middle; }
    DiffScreen > Vertical {
        width: 90%; height: 85%; border: round $accent; background: $surface; padding: 0 1;
    }
    DiffScreen #diff-title { text-style: bold; padding-bottom: 1; }
    DiffScreen VerticalScroll { height: 1fr; }
    """

    def __init__(self, title: str, diff: str) -> None:
        super().__init__()
        self.diff_title = title
        self.diff = diff

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.diff_title, id="diff-title", markup=False)
            with VerticalScroll(id="diff-scroll"):
                if self.diff:
                    yield Static(styled_diff(self.diff), id="diff-body")
                else:
                    yield Static("No changes: the editor holds what is on disk.", id="diff-body")
        yield PodtuiFooter()

    def action_close(self) -> None:
        """Back to the editor or the save question."""
        self.dismiss(None)
