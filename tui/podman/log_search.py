"""Find every line matching a string or regex, in the background, in cancellable chunks.

Matches are kept as anchored row numbers (``row - prepended_total``) in an ``array('q')``,
so they stay right while history is prepended and while following appends more rows;
``rows()`` turns them back into current row numbers.
"""

from __future__ import annotations

import re
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from tui.podman.log_sequence import LineSequence, LogChange

SEARCH_CHUNK = 2000


def compile_pattern(
    text: str, *, regex: bool = False, case_sensitive: bool = False
) -> re.Pattern[str]:
    """The pattern a search uses; a plain string is escaped, case folds unless asked not to."""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(text if regex else re.escape(text), flags)


class LogSearch:
    """All matches of ``pattern`` in a sequence; grows as the sequence grows.

    ``on_progress`` is called (from the search thread) after each chunk and when done.
    """

    def __init__(
        self,
        sequence: LineSequence,
        pattern: re.Pattern[str],
        on_progress: Callable[[LogSearch], None] | None = None,
    ) -> None:
        self.sequence = sequence
        self.pattern = pattern
        self._on_progress = on_progress
        self._anchors = array("q")  # sorted anchored rows of the matches found so far
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._wake = threading.Event()
        self._done = threading.Event()
        with sequence.lock:
            count, pre = sequence.count, sequence.prepended_total
        # Search what exists now, oldest first; then rows that arrive at either end.
        self._lo = self._hi = count - pre
        self._scanned_front = False
        self._unsubscribe = sequence.subscribe(self._on_change)
        self._thread = threading.Thread(target=self._run, name="log-search", daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        """True when every row known so far has been searched."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the rows known so far are searched."""
        return self._done.wait(timeout)

    def cancel(self) -> None:
        """Stop searching and stop listening to the sequence."""
        self._cancel.set()
        self._wake.set()
        self._unsubscribe()

    def rows(self) -> list[int]:
        """Current row numbers of all matches, ascending."""
        pre = self.sequence.prepended_total
        with self._lock:
            return [anchor + pre for anchor in self._anchors]

    def count(self) -> int:
        """How many matches so far."""
        with self._lock:
            return len(self._anchors)

    def next_after(self, row: int, direction: int = 1) -> int | None:
        """The first match strictly after (or before, with ``direction=-1``) ``row``, wrapping."""
        pre = self.sequence.prepended_total
        anchor = row - pre
        with self._lock:
            if not self._anchors:
                return None
            if direction > 0:
                at = bisect_right(self._anchors, anchor)
                found = self._anchors[at % len(self._anchors)]
            else:
                at = bisect_left(self._anchors, anchor) - 1
                found = self._anchors[at]  # -1 wraps to the last match
        return found + pre

    def ordinal(self, row: int) -> int | None:
        """1-based position of ``row`` among the matches, or None if it is not one."""
        anchor = row - self.sequence.prepended_total
        with self._lock:
            at = bisect_left(self._anchors, anchor)
            if at < len(self._anchors) and self._anchors[at] == anchor:
                return at + 1
        return None

    def matches_between(self, first: int, last: int) -> bool:
        """True if any match lies in rows ``first..last`` (cheap check for redraws)."""
        pre = self.sequence.prepended_total
        with self._lock:
            at = bisect_left(self._anchors, first - pre)
            return at < len(self._anchors) and self._anchors[at] <= last - pre

    # -- internals ----------------------------------------------------------------------
    def _on_change(self, change: LogChange) -> None:
        if change.reset:
            with self._lock:
                self._anchors = array("q")
                count, pre = self.sequence.snapshot()
                self._lo = self._hi = count - pre
        self._done.clear()
        self._wake.set()

    def _run(self) -> None:
        sequence = self.sequence
        search = self.pattern.search
        text = sequence.text
        while not self._cancel.is_set():
            self._wake.clear()
            progressed = False
            # History first (front), in chunks, oldest rows last: scanning backwards keeps
            # the matches nearest the tail - the ones a user sees first - arriving first.
            with sequence.lock:
                pre = sequence.prepended_total
                lo_row = self._lo + pre
                start = max(0, lo_row - SEARCH_CHUNK)
                front = (
                    [(row - pre) for row in range(start, lo_row) if search(text(row))]
                    if lo_row > 0
                    else []
                )
                if lo_row > 0:
                    self._lo = start - pre
                    progressed = True
            if front:
                with self._lock:
                    self._anchors[0:0] = array("q", front)
            with sequence.lock:
                pre = sequence.prepended_total
                hi_row = self._hi + pre
                end = min(sequence.count, hi_row + SEARCH_CHUNK)
                back = [(row - pre) for row in range(hi_row, end) if search(text(row))]
                if end > hi_row:
                    self._hi = end - pre
                    progressed = True
            if back:
                with self._lock:
                    self._anchors.extend(back)
            if progressed:
                if self._on_progress is not None:
                    self._on_progress(self)
                continue
            self._done.set()
            if self._on_progress is not None:
                self._on_progress(self)
            self._wake.wait()
