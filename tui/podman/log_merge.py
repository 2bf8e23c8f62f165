"""Views built from line indexes: one container's attempts in order, and containers interleaved.

``ContainerLines`` concatenates a container's attempts with a boundary row before each
restart. ``MergedLines`` interleaves several sequences by timestamp: backwards from the end
while history loads (so the tail is there first), forwards while following. Rows are
kept as two compact arrays (source number, anchored row) and never as text.
"""

from __future__ import annotations

import threading
from array import array
from functools import partial

from tui.podman.log_format import MARKER, LogLine, marker_text
from tui.podman.log_index import LineIndex
from tui.podman.log_sequence import LineSequence, LogChange

MERGE_BATCH = 4096
FIRST_SCREENS = 1000


class ContainerLines(LineSequence):
    """One container: its attempts in attempt order, a boundary row between two attempts.

    Only a contiguous run of fully known rows is shown: an earlier attempt appears (at the
    front) once the attempt after it is completely indexed, a new attempt appears (at the
    back) once its own history is indexed. That keeps the numbering append-only.
    """

    def __init__(self, name: str, lock: threading.RLock) -> None:
        super().__init__(lock)
        self.name = name
        self.children: list[LineIndex] = []
        self._started_keys: list[bytes] = []
        self._origin = 0
        self._first = 0  # first visible child
        self._last = -1  # last visible child

    def add(self, child: LineIndex, started_key: bytes = b"") -> None:
        """Append the next attempt (attempts arrive in order; see PodLogs)."""
        with self.lock:
            self.children.append(child)
            self._started_keys.append(started_key)
            if self._last < 0:
                self._origin = self._first = self._last = len(self.children) - 1
            self._advance()
        child.subscribe(partial(self._on_child, child))
        self._publish()

    # -- LineSequence -------------------------------------------------------------------
    @property
    def count(self) -> int:
        """Rows of the visible attempts plus their boundaries."""
        if self._last < 0:
            return 0
        rows = sum(self.children[k].count for k in range(self._first, self._last + 1))
        return rows + (self._last - self._first)

    @property
    def prepended_total(self) -> int:
        """Rows before the origin attempt's first-ever row (stable anchors, see module doc)."""
        if self._last < 0:
            return 0
        before = sum(self.children[k].count + 1 for k in range(self._first, self._origin))
        return before + self.children[self._origin].prepended_total

    @property
    def complete(self) -> bool:
        """True when the first attempt is shown and fully indexed."""
        with self.lock:
            if self._last < 0:
                return True
            return (
                self._first == 0
                and self.children[0].complete
                and self._last == len(self.children) - 1
            )

    def line(self, row: int, cached: bool = True) -> LogLine:
        """The row: a line of one attempt, or the boundary before an attempt."""
        with self.lock:
            kind, child, local = self._locate(row)
            if kind == "line":
                return self.children[child].line(local, cached)
            index = self.children[child]
            return LogLine(
                key=("marker", id(self), child),
                text=marker_text(self.name, index.attempt),
                stream=MARKER,
                timestamp=self._marker_timestamp(child),
                container=self.name,
                attempt=index.attempt,
            )

    def lines(self, first: int, end: int) -> list[LogLine]:
        """Runs of rows inside one attempt are read in bulk from that attempt's index."""
        out: list[LogLine] = []
        with self.lock:
            row = first
            while row < end:
                kind, child, local = self._locate(row)
                if kind == "marker":
                    out.append(self.line(row, cached=False))
                    row += 1
                    continue
                index = self.children[child]
                take = min(end - row, index.count - local)
                out.extend(index.lines(local, local + take))
                row += take
        return out

    def sort_key(self, row: int) -> bytes:
        """A boundary sorts with the first line of the attempt it introduces."""
        with self.lock:
            kind, child, local = self._locate(row)
            index = self.children[child]
            if kind == "line":
                return index.sort_key(local)
            if index.count:
                return index.sort_key(0)
            return self._started_keys[child]

    # -- internals ----------------------------------------------------------------------
    def _locate(self, row: int) -> tuple[str, int, int]:
        if row < 0:
            raise IndexError(row)
        for k in range(self._first, self._last + 1):
            if k > self._first:
                if row == 0:
                    return ("marker", k, 0)
                row -= 1
            count = self.children[k].count
            if row < count:
                return ("line", k, row)
            row -= count
        raise IndexError(row)

    def _marker_timestamp(self, child: int) -> str:
        index = self.children[child]
        if index.count:
            return index.line(0).timestamp
        return self._started_keys[child].decode()

    def _advance(self) -> None:
        """Widen the visible run at either end where attempts became fully indexed."""
        while self._first > 0 and self.children[self._first].complete:
            self._first -= 1
        while self._last + 1 < len(self.children) and self.children[self._last + 1].complete:
            self._last += 1

    def _on_child(self, child: LineIndex, change: LogChange) -> None:
        with self.lock:
            position = self.children.index(child)
            middle = self._first <= position < self._last
            reset = change.reset or (middle and change.appended > 0)
            self._advance()
        self._publish(reset=reset)


class MergedLines(LineSequence):
    """Several sequences interleaved by timestamp (all containers of a pod, merged).

    Within one source the order never changes; across sources, rows that arrive while
    following are placed in timestamp order among themselves but never before rows already
    shown, so numbering stays append-only. With a single source the view is a pass-through
    (no per-row arrays); the arrays are built when a second source is added.
    """

    def __init__(self, sources: list[LineSequence], lock: threading.RLock) -> None:
        super().__init__(lock)
        self.sources: list[LineSequence] = list(sources)
        self._running = threading.Lock()
        self._history_thread: threading.Thread | None = None
        self._history_wanted = False
        self._merging = False
        self._history_done = False
        with self.lock:
            if len(self.sources) > 1:
                self._clear_rows()
                self._merge_backward(FIRST_SCREENS)  # the tail is there before we return
        for source in self.sources:
            source.subscribe(self._on_source)
        self._advance()

    @property
    def interleaved(self) -> bool:  # type: ignore[override]
        """True once rows come from more than one source."""
        return self._merging

    def add_source(self, source: LineSequence) -> None:
        """Add a sequence (a container that appeared later): its rows are appended."""
        with self.lock:
            number = len(self.sources)
            self.sources.append(source)
            if number == 1:
                self._start_merging()
            if self._merging:
                start = -source.prepended_total  # the new source is merged from its first row
                self._lo.append(start)
                self._hi.append(start)
        source.subscribe(self._on_source)
        self._advance()

    # -- LineSequence -------------------------------------------------------------------
    @property
    def count(self) -> int:
        """Rows merged so far."""
        if not self._merging:
            return self.sources[0].count if self.sources else 0
        return len(self._front_src) + len(self._back_src)

    @property
    def prepended_total(self) -> int:
        """Rows merged at the front."""
        if not self._merging:
            return self.sources[0].prepended_total if self.sources else 0
        return len(self._front_src)

    @property
    def complete(self) -> bool:
        """True once every source's history is merged."""
        if not self._merging:
            return not self.sources or self.sources[0].complete
        return self._history_done

    def line(self, row: int, cached: bool = True) -> LogLine:
        """The row, read from the source it came from."""
        with self.lock:
            source, local = self._locate(row)
            return self.sources[source].line(local, cached)

    def lines(self, first: int, end: int) -> list[LogLine]:
        """Bulk reads pass straight through while there is a single source."""
        with self.lock:
            if not self._merging and self.sources:
                return self.sources[0].lines(first, end)
            return super().lines(first, end)

    def sort_key(self, row: int) -> bytes:
        """The timestamp of the row in its source."""
        with self.lock:
            source, local = self._locate(row)
            return self.sources[source].sort_key(local)

    def source_of(self, row: int) -> int:
        """Which source the row came from."""
        with self.lock:
            return self._locate(row)[0]

    # -- internals ----------------------------------------------------------------------
    def _start_merging(self) -> None:
        """Turn the pass-through into arrays without renumbering what was shown."""
        first = self.sources[0]
        count, pre = first.count, first.prepended_total
        self._front_src = array("B", bytes(pre))
        self._front_row = array("q", range(-1, -pre - 1, -1))  # reversed: nearest first
        self._back_src = array("B", bytes(count - pre))
        self._back_row = array("q", range(0, count - pre))
        self._lo = [-pre]
        self._hi = [count - pre]
        self._history_done = first.complete
        self._merging = True

    def _locate(self, row: int) -> tuple[int, int]:
        if not self._merging:
            if row < 0 or row >= self.count:
                raise IndexError(row)
            return 0, row
        front = len(self._front_src)
        if row < front:
            at = front - 1 - row
            number, anchored = self._front_src[at], self._front_row[at]
        else:
            at = row - front
            number, anchored = self._back_src[at], self._back_row[at]
        return number, anchored + self.sources[number].prepended_total

    def _on_source(self, change: LogChange) -> None:
        if change.reset:
            with self.lock:
                if self._merging:
                    self._clear_rows()
                self._seen = (0, 0)
            self._publish(reset=True)
        self._advance()

    def _clear_rows(self) -> None:
        """Start over from the sources' ends: history is merged backwards again."""
        self._front_src = array("B")
        self._front_row = array("q")  # anchored rows, front stored reversed
        self._back_src = array("B")
        self._back_row = array("q")
        ends = [source.count - source.prepended_total for source in self.sources]
        self._lo, self._hi = list(ends), list(ends)
        self._history_done = False
        self._merging = True

    def _advance(self) -> None:
        """Merge appends now (they are few); leave history to the background merger."""
        if not self._merging:
            self._publish()
            return
        with self.lock:
            self._merge_forward()
        self._publish()
        if not self._history_done:
            with self._running:
                self._history_wanted = True
                if self._history_thread is None:
                    self._history_thread = threading.Thread(
                        target=self._merge_history, name="log-merge", daemon=True
                    )
                    self._history_thread.start()

    def _merge_history(self) -> None:
        """Merge history backwards in batches until a source has to load more first."""
        while True:
            with self._running:
                if not self._history_wanted:
                    self._history_thread = None
                    return
                self._history_wanted = False
            while True:
                with self.lock:
                    merged = self._merge_backward(MERGE_BATCH)
                self._publish()
                if not merged:
                    break

    def _merge_forward(self) -> None:
        sources = self.sources
        keys: dict[int, bytes] = {}
        while True:
            best = -1
            best_key = b""
            for number, source in enumerate(sources):
                row = self._hi[number] + source.prepended_total
                if row >= source.count:
                    continue
                key = keys.get(number)
                if key is None:
                    key = keys[number] = source.sort_key(row)
                if best < 0 or key < best_key:
                    best, best_key = number, key
            if best < 0:
                return
            self._back_src.append(best)
            self._back_row.append(self._hi[best])
            self._hi[best] += 1
            keys.pop(best, None)

    def _merge_backward(self, limit: int) -> int:
        if self._history_done:
            return 0
        sources = self.sources
        keys: dict[int, bytes] = {}
        merged = 0
        while merged < limit:
            best = -1
            best_key = b""
            for number, source in enumerate(sources):
                row = self._lo[number] - 1 + source.prepended_total
                if row < 0:
                    if not source.complete:
                        return merged  # its older lines may be later than any candidate
                    continue
                key = keys.get(number)
                if key is None:
                    key = keys[number] = source.sort_key(row)
                if best < 0 or key >= best_key:
                    best, best_key = number, key
            if best < 0:
                self._history_done = True
                return merged
            self._lo[best] -= 1
            self._front_src.append(best)
            self._front_row.append(self._lo[best])
            keys.pop(best, None)
            merged += 1
        return merged
