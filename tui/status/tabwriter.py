"""Go's text/tabwriter as kubectl describe configures it (minwidth 0, padding 2, spaces).

Reimplemented rather than approximated because describe output is compared by eye with
kubectl's: a column block is a run of consecutive lines that have a tab-terminated cell in
that column, so a line without a tab ends every block above it, and the text after a
line's last tab is never padded.
"""

from __future__ import annotations

PADDING = 2
MIN_WIDTH = 0


def align(text: str, padding: int = PADDING) -> str:
    """Align the tab-separated cells of ``text`` the way Go's tabwriter does on Flush."""
    pieces = text.split("\n")
    # Every piece but the last ended with a newline; the last is the unterminated rest.
    lines = [piece.split("\t") for piece in pieces[:-1]]
    tail = pieces[-1]
    lines.append(tail.split("\t") if tail else [])
    out: list[str] = []
    _format(lines, [], 0, len(lines), padding, out)
    return "".join(out)


def _format(
    lines: list[list[str]], widths: list[int], line0: int, line1: int, padding: int, out: list[str]
) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write_lines(lines, widths, line0, this, out)
        line0 = this
        width = MIN_WIDTH
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        widths.append(width)
        _format(lines, widths, line0, this, padding, out)
        widths.pop()
        line0 = this
    _write_lines(lines, widths, line0, line1, out)


def _write_lines(
    lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]
) -> None:
    for index in range(line0, line1):
        for column, cell in enumerate(lines[index]):
            out.append(cell)
            if column < len(widths):
                out.append(" " * max(0, widths[column] - len(cell)))
        if index + 1 < len(lines):
            out.append("\n")


class PrefixWriter:
    """kubectl's PrefixWriter: two spaces per level, lines kept in tabwriter-flushed blocks."""

    def __init__(self) -> None:
        self._blocks: list[list[str]] = [[]]

    def write(self, level: int, text: str) -> None:
        """Append ``text`` indented by ``level`` (it carries its own tabs and newline)."""
        self._blocks[-1].append("  " * level + text)

    def flush(self) -> None:
        """End the current alignment block, as tabwriter.Flush does."""
        self._blocks.append([])

    def render(self) -> str:
        """The aligned text of every block."""
        return "".join(align("".join(block)) for block in self._blocks)
