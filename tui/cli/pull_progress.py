"""Image pull progress on stderr while ``apply``, ``create`` or ``run`` waits for a pull.

On a terminal, one line per image redrawn in place: layers done, bytes and a bar. Anywhere
else (a pipe, a CI log), plain lines: when a pull starts, each time another layer is
complete, and when it ends, so logs stay short and readable.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tui.reconciler.updates import PullProgressed

BAR_WIDTH = 24


def human_bytes(count: int) -> str:
    """``12.3MB`` style sizes."""
    size = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.1f}{unit}"
        size /= 1000
    return f"{size:.1f}GB"


def progress_text(update: PullProgressed) -> str:
    """One line describing a pull's progress."""
    if update.error:
        return f"Pulling {update.reference}: failed: {update.error}"
    layers = f"{update.layers_done}/{update.layers_total} layers" if update.layers_total else ""
    size = human_bytes(update.bytes_done)
    if update.bytes_total:
        size += f"/{human_bytes(update.bytes_total)}"
    if update.done:
        return f"Pulled {update.reference} ({', '.join(p for p in (layers, size) if p)})"
    fraction = update.bytes_done / update.bytes_total if update.bytes_total else 0.0
    filled = int(BAR_WIDTH * min(max(fraction, 0.0), 1.0))
    bar = "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]"
    return f"Pulling {update.reference} {bar} {layers} {size}".rstrip()


class PullProgressPrinter:
    """Turns PullProgressed updates into a progress display on ``stream`` (stderr)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_layers: dict[str, int] = {}
        self._open_line = False

    def update(self, update: PullProgressed) -> None:
        """Show one update."""
        text = progress_text(update)
        if self.tty:
            self.stream.write("\r\x1b[2K" + text)
            self._open_line = True
            if update.done or update.error:
                self.stream.write("\n")
                self._open_line = False
            self.stream.flush()
            return
        seen = self._last_layers.get(update.reference)
        finished = update.done or update.error is not None
        if seen is None or finished or update.layers_done != seen:
            self._last_layers[update.reference] = update.layers_done
            if finished:
                self._last_layers.pop(update.reference, None)
            self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self) -> None:
        """End a half-drawn line (the command is about to print its result)."""
        if self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False
