"""A line index over one k8s-file log: byte offsets in ``array('Q')``, text left in the file.

How it meets "a million lines, tail first":

- ``open()`` indexes the last few kilobytes synchronously, so the last screenful exists
  at once; a background thread then walks the file *backwards* in chunks and prepends
  what it finds (rows only ever arrive at the front while loading, at the back while
  following).
- Chunks are read with ``os.pread`` (the scan never maps the whole file, so it does not
  count against our resident memory); visible lines are sliced from an ``mmap`` and parsed
  on demand, with an LRU cache keyed by byte offset (stable across re-numbering).
- Partial (``P``) records are joined: a logical line is ordered by the record that
  completes it and starts at the first record of its chain, so numbering never changes
  when the rest of a long line arrives.
"""

from __future__ import annotations

import mmap
import operator
import os
import threading
from array import array
from itertools import accumulate, repeat
from pathlib import Path

from tui.podman.log_format import (
    PARTIAL_TAGS,
    STDERR,
    STDOUT,
    LogLine,
    decode,
    parse_record,
    record_timestamp,
)
from tui.podman.log_sequence import LRU, LineSequence

TAIL_BYTES = 128 * 1024
CHUNK_BYTES = 512 * 1024
LINE_CACHE = 4096
TIMESTAMP_PEEK = 64
STREAMS = {b"stdout": STDOUT, b"stderr": STDERR}


def scan_records(buf: bytes, base: int, pending: dict[str, int]) -> tuple[array[int], int]:
    """Index the complete records in ``buf`` (which starts on a record boundary at ``base``).

    Returns the start offsets of the logical lines completed in this chunk, in completion
    order, and how many bytes were consumed (up to the last newline). ``pending`` maps a
    stream to the start of its open partial chain and is updated in place.
    """
    end = buf.rfind(b"\n") + 1
    if end == 0:
        return array("Q"), 0
    parts = buf[:end].split(b"\n")
    parts.pop()
    if not any(tag in buf for tag in PARTIAL_TAGS):
        # Fast path, every record complete: offsets are a running sum done in C.
        steps = map(operator.add, map(len, parts), repeat(1))
        starts = array("Q", accumulate(steps, initial=base))
        starts.pop()
        for stream in list(pending):
            row = _first_record_of(parts, stream)
            if row is not None:
                starts[row] = pending.pop(stream)
        return starts, end
    starts = array("Q")
    pos = base
    for part in parts:
        record = parse_record(part)
        if record.partial:
            pending.setdefault(record.stream, pos)
        else:
            starts.append(pending.pop(record.stream, pos))
        pos += len(part) + 1
    return starts, end


def _first_record_of(parts: list[bytes], stream: str) -> int | None:
    for row, part in enumerate(parts):
        if parse_record(part).stream == stream:
            return row
    return None


class LineIndex(LineSequence):
    """The logical lines of one container attempt's log file."""

    def __init__(
        self,
        path: str | Path,
        *,
        container: str = "",
        attempt: int = 0,
        finished: bool = False,
        lock: threading.RLock | None = None,
        background: bool = True,
    ) -> None:
        super().__init__(lock)
        self.path = Path(path)
        self.container = container
        self.attempt = attempt
        self._finished = finished
        self._background = background
        self._fd: int | None = None
        self._map: mmap.mmap | None = None
        self._front = array("Q")  # rows before the tail region, stored reversed
        self._back = array("Q")
        self._head_pos = 0  # bytes before this are not indexed yet
        self._scan_end = 0  # bytes up to here are indexed
        self._pending: dict[str, int] = {}
        self._flushed: dict[str, int] = {}  # stream -> back position of a flushed chain
        self._head_done = threading.Event()
        self._stop = threading.Event()
        self._refresh_lock = threading.Lock()
        self._cache: LRU[int, tuple[str, str, str]] = LRU(LINE_CACHE)
        self._generation = 0
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------
    def open(self) -> LineIndex:
        """Open the file, index its tail now and the rest in the background.

        A file that does not exist yet (an attempt that has not started) is an empty log
        that :meth:`refresh` opens once conmon creates it.
        """
        try:
            self._fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self._head_done.set()
            self._publish()
            return self
        self._index_tail()
        if self._head_pos == 0:
            self._head_done.set()
        elif self._background:
            self._thread = threading.Thread(
                target=self._scan_head, name=f"log-index:{self.path.name}", daemon=True
            )
            self._thread.start()
        else:
            self._scan_head()
        with self.lock:
            self._flush_pending()
        self._publish()
        return self

    def close(self) -> None:
        """Stop the background scan and release the file."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self.lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._map = None

    def finish(self) -> None:
        """The container attempt ended: read the last bytes and close open partial lines."""
        self.refresh()
        with self.lock:
            self._finished = True
            self._flush_pending()
        self._publish()

    # -- LineSequence -------------------------------------------------------------------
    @property
    def count(self) -> int:
        """Logical lines indexed so far."""
        return len(self._front) + len(self._back)

    @property
    def prepended_total(self) -> int:
        """Rows added at the front by the backwards scan."""
        return len(self._front)

    @property
    def complete(self) -> bool:
        """True once the backwards scan reached the start of the file."""
        return self._head_done.is_set()

    @property
    def size(self) -> int:
        """Bytes indexed (the file may already be longer)."""
        return self._scan_end

    @property
    def generation(self) -> int:
        """Bumped on every reset (truncation), so callers can drop derived state."""
        return self._generation

    def start_of(self, row: int) -> int:
        """The byte offset where the row's first record begins."""
        with self.lock:
            front = len(self._front)
            if row < front:
                return self._front[front - 1 - row]
            return self._back[row - front]

    def line(self, row: int, cached: bool = True) -> LogLine:
        """Row ``row`` parsed (joined if partial), from the cache when possible."""
        start = self.start_of(row)
        timestamp, stream, text = self.read_at(start, use_cache=cached)
        return LogLine(
            key=(id(self), self._generation, start),
            text=text,
            stream=stream,
            timestamp=timestamp,
            container=self.container,
            attempt=self.attempt,
        )

    def lines(self, first: int, end: int) -> list[LogLine]:
        """A run of rows read with one slice of the map when they are whole, adjacent records."""
        if end - first < 8:
            return super().lines(first, end)
        with self.lock:
            starts = [self.start_of(row) for row in range(first, end)]
            view = self._mapped(self._scan_end)
            if view is None:
                return []
            stop = view.find(b"\n", starts[-1])
            block = view[starts[0] : stop if stop >= 0 else len(view)]
            ident, generation = id(self), self._generation
        pieces = block.split(b"\n")
        whole = len(pieces) == len(starts) and not any(tag in block for tag in PARTIAL_TAGS)
        if not whole:
            return super().lines(first, end)
        out = []
        for start, raw in zip(starts, pieces, strict=True):
            fields = raw.split(b" ", 3)
            if len(fields) == 4 and fields[1] in STREAMS and fields[2] == b"F":
                stamp, stream, text = decode(fields[0]), STREAMS[fields[1]], decode(fields[3])
            else:
                record = parse_record(raw)
                stamp, stream, text = decode(record.timestamp), record.stream, decode(record.text)
            key = (ident, generation, start)
            out.append(LogLine(key, text, stream, stamp, self.container, self.attempt))
        return out

    def sort_key(self, row: int) -> bytes:
        """The timestamp bytes of the row's first record."""
        start = self.start_of(row)
        view = self._mapped(start + 1)
        if view is None:
            return b""
        return record_timestamp(view[start : start + TIMESTAMP_PEEK])

    def read_at(self, start: int, use_cache: bool = True) -> tuple[str, str, str]:
        """``(timestamp, stream, text)`` of the logical line whose chain starts at ``start``."""
        if use_cache:
            cached = self._cache.get(start)
            if cached is not None:
                return cached
        view = self._mapped(self._scan_end)
        if view is None:
            return ("", STDOUT, "")
        end = view.find(b"\n", start)
        if end < 0:
            end = len(view)
        record = parse_record(view[start:end])
        text = record.text
        if record.partial:
            pieces = [text]
            pos = end + 1
            while pos < len(view):
                end = view.find(b"\n", pos)
                if end < 0:
                    break
                follow = parse_record(view[pos:end])
                pos = end + 1
                if follow.stream != record.stream:
                    continue
                pieces.append(follow.text)
                if not follow.partial:
                    break
            text = b"".join(pieces)
        value = (decode(record.timestamp), record.stream, decode(text))
        if use_cache:
            self._cache.put(start, value)
        return value

    # -- growth -------------------------------------------------------------------------
    def refresh(self) -> int:
        """Index whatever the file gained since the last look; returns rows appended."""
        with self._refresh_lock:
            if self._fd is None and not self._stop.is_set():
                try:
                    self._fd = os.open(self.path, os.O_RDONLY)
                except OSError:
                    return 0
            added = self._read_growth()
        if added:
            self._publish()
        return added

    def _read_growth(self) -> int:
        fd = self._fd
        if fd is None:
            return 0
        try:
            size = os.fstat(fd).st_size
        except OSError:
            return 0
        if size < self._scan_end:
            self._reset()
            return 0
        before = self.count
        pos = self._scan_end
        while pos < size and not self._stop.is_set():
            buf = os.pread(fd, min(CHUNK_BYTES, size - pos), pos)
            if not buf:
                break
            with self.lock:
                starts, used = scan_records(buf, pos, self._pending)
                if used == 0 and len(buf) < size - pos:
                    # One record longer than a read: take the whole rest at once.
                    buf = os.pread(fd, size - pos, pos)
                    starts, used = scan_records(buf, pos, self._pending)
                if used == 0:
                    break
                self._back.extend(starts)
                pos += used
                self._scan_end = pos
        return self.count - before

    # -- internals ----------------------------------------------------------------------
    def _mapped(self, needed: int) -> mmap.mmap | None:
        """The file mapped at least ``needed`` bytes long (re-mapped as the file grows)."""
        current = self._map
        if current is not None and len(current) >= needed:
            return current
        with self.lock:
            if self._fd is None:
                return None
            if self._map is None or len(self._map) < needed:
                try:
                    self._map = mmap.mmap(self._fd, 0, prot=mmap.PROT_READ)
                except ValueError:  # empty file
                    return None
            return self._map

    def _index_tail(self) -> None:
        """Index the end of the file synchronously: the part a user sees first."""
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        lo = max(0, size - TAIL_BYTES)
        while lo > 0:
            buf = os.pread(self._fd, min(size, TAIL_BYTES) + 1, lo - 1)
            cut = buf.find(b"\n")
            if cut >= 0:
                lo = lo + cut  # the record after the first newline in the window
                break
            lo = max(0, lo - TAIL_BYTES)
        with self.lock:
            self._head_pos = lo
            self._scan_end = lo
        with self._refresh_lock:
            self._read_growth()

    def _scan_head(self) -> None:
        """Walk back from the tail region to the start of the file, prepending rows."""
        fd = self._fd
        try:
            while not self._stop.is_set() and fd is not None:
                hi = self._head_pos
                if hi <= 0:
                    break
                buf, lo = self._chunk_before(fd, hi)
                pending: dict[str, int] = {}
                starts, _used = scan_records(buf, lo, pending)
                with self.lock:
                    for stream, chain_start in pending.items():
                        self._join_chain(stream, chain_start)
                    starts.reverse()
                    self._front.extend(starts)
                    self._head_pos = lo
                self._publish()
        except OSError:
            pass  # the file went away; what was indexed stays readable
        finally:
            with self.lock:
                self._head_done.set()
                self._flush_pending()
            self._publish()

    @staticmethod
    def _chunk_before(fd: int, hi: int) -> tuple[bytes, int]:
        """The whole records in roughly one chunk before ``hi``, and where they begin."""
        lo = max(0, hi - CHUNK_BYTES)
        while lo > 0:
            buf = os.pread(fd, hi - lo + 1, lo - 1)
            cut = buf.find(b"\n")
            if cut >= 0 and lo + cut < hi:
                return buf[cut + 1 :], lo + cut
            lo = max(0, lo - CHUNK_BYTES)  # one record longer than a chunk: look further
        return os.pread(fd, hi, 0), 0

    def _join_chain(self, stream: str, chain_start: int) -> None:
        """A chain left open at the end of an earlier chunk continues in the indexed region."""
        row = self._first_completion(stream)
        if row is not None:
            front = len(self._front)
            if row < front:
                self._front[front - 1 - row] = chain_start
            else:
                self._back[row - front] = chain_start
            self._cache.clear()
        elif stream in self._flushed:
            self._back[self._flushed[stream]] = chain_start
            self._cache.clear()
        else:
            self._pending[stream] = chain_start

    def _first_completion(self, stream: str) -> int | None:
        """Row of the first ``F`` record of ``stream`` in the indexed region, if any."""
        view = self._mapped(self._scan_end)
        if view is None:
            return None
        pos, row = self._head_pos, 0
        while pos < self._scan_end:
            end = view.find(b"\n", pos)
            if end < 0:
                return None
            record = parse_record(view[pos:end])
            pos = end + 1
            if record.partial:
                continue
            if record.stream == stream:
                return row
            row += 1
        return None

    def _flush_pending(self) -> None:
        """Open partial chains of a finished attempt become lines (kubectl shows them too).

        Only once history is complete: a chain's true start may lie in the part of the
        file the backwards scan has not reached yet.
        """
        if not self._finished or not self._head_done.is_set():
            return
        for stream, start in sorted(self._pending.items(), key=lambda item: item[1]):
            self._flushed[stream] = len(self._back)
            self._back.append(start)
        self._pending.clear()

    def _reset(self) -> None:
        """The file shrank (rotated or truncated in place): index it again from scratch."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self.lock:
            self._front = array("Q")
            self._back = array("Q")
            self._pending.clear()
            self._flushed.clear()
            self._cache.clear()
            self._generation += 1
            self._seen = (0, 0)
            self._map = None
            self._stop = threading.Event()
            self._head_done = threading.Event()
        self._index_tail_after_reset()

    def _index_tail_after_reset(self) -> None:
        with self.lock:
            self._head_pos = 0
            self._scan_end = 0
        self._read_growth()
        self._head_done.set()
        self._publish(reset=True)
