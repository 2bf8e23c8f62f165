"""The footer every podtui screen uses: ``? Help`` and ``q Quit`` first, compact when narrow.

Textual's footer lists the focused widget's keys, then the screen's, then the app's, and
cuts what does not fit: at 80 columns the way to help and out was the part cut off.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

#: Actions shown before every other key.
FIRST_ACTIONS = ("help", "quit")
#: Below this many columns the keys lose their padding.
COMPACT_BELOW = 120
#: ... and below this, ``^p palette`` (docked right, it covered the last keys) goes; ``?``
#: lists ctrl+p.
PALETTE_FROM = 100


class PodtuiFooter(Footer):
    """A footer whose help and quit keys are always on screen."""

    def compose(self) -> ComposeResult:
        """Textual's keys, with ``?`` and ``q`` moved to the front.

        (Binding groups, which Textual composes inside a ``with KeyGroup()``, would not
        survive this reordering; podtui's bindings use none.)
        """
        widgets = list(super().compose())
        first = [w for w in widgets if getattr(w, "action", None) in FIRST_ACTIONS]
        first.sort(key=lambda key: FIRST_ACTIONS.index(getattr(key, "action", "")))
        yield from first
        yield from (w for w in widgets if not any(w is f for f in first))

    def on_resize(self, event: events.Resize) -> None:
        """Compact keys on a narrow terminal; no palette key on a very narrow one."""
        self.compact = event.size.width < COMPACT_BELOW
        palette = event.size.width >= PALETTE_FROM
        if palette != self.show_command_palette:
            self.show_command_palette = palette
            self.call_after_refresh(self.recompose)
