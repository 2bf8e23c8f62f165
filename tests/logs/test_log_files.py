"""The log engine on generated k8s-file logs: indexing, joining, views, search, formatting."""

from __future__ import annotations

import asyncio
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.podman import log_index
from tui.podman.log_api import spool_frame, spool_record
from tui.podman.log_files import (
    LogInstance,
    LogsUnavailable,
    PodLogs,
    follow_lines,
    format_line,
    iter_lines,
    save_lines,
)
from tui.podman.log_format import (
    MARKER,
    STDERR,
    STDOUT,
    format_record,
    parse_duration,
    parse_record,
    parse_timestamp,
    since_from_duration,
    utc_rfc3339nano,
)
from tui.podman.log_index import LineIndex, scan_records
from tui.podman.log_search import LogSearch, compile_pattern
from tui.podman.log_sequence import LogChange

T0 = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def stamp(seconds: float) -> str:
    """A conmon-style timestamp ``seconds`` after T0."""
    moment = T0 + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond:06d}123+00:00"


def write_lines(
    path: Path, lines: list[str], *, start: float = 0.0, step: float = 0.001, stream: str = STDOUT
) -> None:
    """Append complete records, one per text, with increasing timestamps."""
    with path.open("ab") as out:
        for number, text in enumerate(lines):
            out.write(format_record(stamp(start + number * step), stream, text))


def instance(
    path: Path, container: str = "web", attempt: int = 0, finished: bool = False
) -> LogInstance:
    return LogInstance(
        container=container,
        attempt=attempt,
        container_id=f"{container}-{attempt}",
        log_path=path,
        started_at=T0 + timedelta(seconds=attempt * 100),
        finished_at=T0 + timedelta(seconds=attempt * 100 + 50) if finished else None,
    )


def texts(view, first: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    return [view.line(row).text for row in range(first, view.count)]


# -- the format -------------------------------------------------------------------------
def test_parse_record_forms() -> None:
    full = parse_record(b"2026-11-25T12:03:38.877659198+00:00 stdout F one two")
    assert (full.stream, full.partial, full.text) == (STDOUT, False, b"one two")
    part = parse_record(b"2026-11-25T12:03:38.877659198+00:00 stderr P half")
    assert (part.stream, part.partial, part.text) == (STDERR, True, b"half")
    empty = parse_record(b"2026-11-25T12:03:38.877659198+00:00 stdout F ")
    assert empty.text == b"" and not empty.partial
    foreign = parse_record(b"not a k8s record at all")
    assert (foreign.stream, foreign.partial, foreign.text) == (
        STDOUT,
        False,
        b"not a k8s record at all",
    )


def test_timestamps_and_durations() -> None:
    assert (
        utc_rfc3339nano("2026-11-25T12:03:38.877659198+00:00") == "2026-11-25T12:03:38.877659198Z"
    )
    assert (
        utc_rfc3339nano("2026-11-25T13:03:38.877659198+01:00") == "2026-11-25T12:03:38.877659198Z"
    )
    moment = parse_timestamp("2026-11-25T12:03:38.877659198+00:00")
    assert moment == datetime(2026, 11, 25, 12, 3, 38, 877659, tzinfo=UTC)
    assert parse_timestamp("2026-11-25 12:04:12.477652511 +0000 UTC") is not None
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("10s") == timedelta(seconds=10)
    with pytest.raises(ValueError):
        parse_duration("ten minutes")
    assert since_from_duration("5m", now=T0) == T0 - timedelta(minutes=5)
    assert (
        spool_record(b"2026-11-25T12:03:38.8Z hello") == b"2026-11-25T12:03:38.8Z stdout F hello\n"
    )
    assert spool_frame(b"2026-11-25T12:03:38Z abc") == b"2026-11-25T12:03:38Z stdout P abc\n"


# -- the index --------------------------------------------------------------------------
def test_partial_records_join_per_stream(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    path.write_bytes(
        format_record(stamp(0), STDOUT, "hi")
        + format_record(stamp(1), STDOUT, "abc", partial=True)
        + format_record(stamp(2), STDERR, "err")
        + format_record(stamp(3), STDOUT, "def")
        + format_record(stamp(4), STDOUT, "nonl", partial=True)
    )
    index = LineIndex(path).open()
    # Ordered by the record that completes a line; the open chain is not a line yet.
    assert texts(index) == ["hi", "err", "abcdef"]
    assert [index.line(row).stream for row in range(3)] == [STDOUT, STDERR, STDOUT]
    assert index.line(2).timestamp == stamp(1)  # a joined line keeps its first timestamp
    index.finish()  # the attempt ended: kubectl shows the unterminated line too
    assert texts(index)[-1] == "nonl"
    index.close()


def reference_lines(records: list[tuple[str, bool, str]]) -> list[tuple[str, str]]:
    """What the index must produce, computed the obvious way (open chains last, oldest first)."""
    pending: dict[str, tuple[int, list[str]]] = {}
    out = []
    for number, (stream, partial, text) in enumerate(records):
        if partial:
            pending.setdefault(stream, (number, []))[1].append(text)
        else:
            out.append((stream, "".join(pending.pop(stream, (0, []))[1]) + text))
    for stream, (_first, pieces) in sorted(pending.items(), key=lambda item: item[1][0]):
        out.append((stream, "".join(pieces)))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_backwards_scan_matches_reference_across_chunk_edges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Tiny chunks force partial chains across every kind of boundary."""
    monkeypatch.setattr(log_index, "CHUNK_BYTES", 97)
    monkeypatch.setattr(log_index, "TAIL_BYTES", 211)
    rnd = random.Random(seed)
    records = [
        (
            rnd.choice([STDOUT, STDOUT, STDERR]),
            rnd.random() < 0.3,
            f"r{n}-" + "x" * rnd.randint(0, 40),
        )
        for n in range(400)
    ]
    path = tmp_path / "ctr.log"
    path.write_bytes(
        b"".join(format_record(stamp(n), s, t, p) for n, (s, p, t) in enumerate(records))
    )
    index = LineIndex(path, finished=True).open()
    assert index.wait_complete(10)
    got = [(index.line(row).stream, index.line(row).text) for row in range(index.count)]
    assert got == reference_lines(records)
    index.close()


def test_scan_records_fast_path_offsets() -> None:
    data = (
        format_record(stamp(0), STDOUT, "a")
        + format_record(stamp(1), STDERR, "bb")
        + b"2026 incomplete"
    )
    starts, used = scan_records(data, 1000, {})
    first = len(format_record(stamp(0), STDOUT, "a"))
    assert list(starts) == [1000, 1000 + first]
    assert used == len(data) - len(b"2026 incomplete")


def test_tail_is_available_before_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ctr.log"
    write_lines(path, [f"line {n} " + "y" * 60 for n in range(20_000)])
    gate = threading.Event()
    original = LineIndex._scan_head

    def held_scan(self: LineIndex) -> None:
        gate.wait(10)
        original(self)

    monkeypatch.setattr(LineIndex, "_scan_head", held_scan)
    changes: list[LogChange] = []
    index = LineIndex(path)
    index.subscribe(changes.append)
    index.open()
    assert not index.complete
    assert 0 < index.count < 20_000
    assert index.line(index.count - 1).text.startswith("line 19999 ")
    last_anchor = index.count - 1 - index.prepended_total
    gate.set()
    assert index.wait_complete(10)
    assert index.count == 20_000
    assert index.line(0).text.startswith("line 0 ")
    # The same row keeps its anchor although 19,000-odd rows arrived in front of it.
    assert index.line(last_anchor + index.prepended_total).text.startswith("line 19999 ")
    assert sum(change.prepended for change in changes) == index.prepended_total
    index.close()


def test_incremental_growth_appends_only(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    write_lines(path, ["one", "two"])
    index = LineIndex(path).open()
    index.wait_complete(5)
    changes: list[LogChange] = []
    index.subscribe(changes.append)
    with path.open("ab") as out:
        out.write(format_record(stamp(5), STDOUT, "thr", partial=True))
        out.write(b"2026-11-25T12:00:06.0+00:00 stderr F half-writ")  # no newline yet
    assert index.refresh() == 0
    with path.open("ab") as out:
        out.write(b"ten\n" + format_record(stamp(7), STDOUT, "ee"))
    assert index.refresh() == 2
    assert texts(index) == ["one", "two", "half-written", "three"]
    assert changes == [LogChange(appended=2)]
    index.close()


def test_truncated_file_resets(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    write_lines(path, ["a", "b", "c"])
    index = LineIndex(path).open()
    changes: list[LogChange] = []
    index.subscribe(changes.append)
    path.write_bytes(format_record(stamp(9), STDOUT, "fresh"))
    index.refresh()
    assert texts(index) == ["fresh"]
    assert changes and changes[-1].reset
    index.close()


def test_missing_file_opens_when_created(tmp_path: Path) -> None:
    path = tmp_path / "later" / "ctr.log"
    index = LineIndex(path).open()
    assert index.count == 0 and index.complete
    path.parent.mkdir()
    write_lines(path, ["hello"])
    assert index.refresh() == 1
    assert texts(index) == ["hello"]
    index.close()


# -- pod views ----------------------------------------------------------------------------
@pytest.fixture
def restarted_pod(tmp_path: Path):  # type: ignore[no-untyped-def]
    """web: attempt 0 (finished) and 1 (running); side: one attempt, interleaved in time."""
    web0, web1, side = tmp_path / "web0.log", tmp_path / "web1.log", tmp_path / "side.log"
    write_lines(web0, ["web0 a", "web0 b"], start=0, step=10)  # t=0, 10
    write_lines(web1, ["web1 a", "web1 b"], start=100, step=10)  # t=100, 110
    write_lines(side, ["side a", "side b", "side c"], start=5, step=50)  # t=5, 55, 105
    write_lines(side, ["side err"], start=106, stream=STDERR)
    pod = PodLogs(
        "demo",
        [
            instance(web0, "web", 0, finished=True),
            instance(web1, "web", 1),
            instance(side, "side", 0),
        ],
    )
    yield pod
    pod.close()


def test_attempts_in_order_with_boundary(restarted_pod: PodLogs) -> None:
    web = restarted_pod.view("web")
    assert web.wait_complete(5)
    assert texts(web) == ["web0 a", "web0 b", "── web restarted: attempt 1 ──", "web1 a", "web1 b"]
    assert web.line(2).stream == MARKER and web.line(2).attempt == 1


def test_previous_is_last_terminated_attempt(restarted_pod: PodLogs) -> None:
    assert texts(restarted_pod.view("web", previous=True)) == ["web0 a", "web0 b"]
    with pytest.raises(LogsUnavailable):
        restarted_pod.view("side", previous=True)
    with pytest.raises(LogsUnavailable):
        restarted_pod.view("nope")


def test_all_containers_interleave_by_time(restarted_pod: PodLogs) -> None:
    view = restarted_pod.view()
    assert view.wait_complete(5)
    assert view.interleaved
    assert texts(view) == [
        "web0 a",
        "side a",
        "web0 b",
        "side b",
        "── web restarted: attempt 1 ──",
        "web1 a",
        "side c",
        "side err",
        "web1 b",
    ]


def test_interleaved_history_loads_tail_first(tmp_path: Path) -> None:
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    write_lines(a, [f"a{n}" for n in range(30_000)], start=0, step=0.002)
    write_lines(b, [f"b{n}" for n in range(30_000)], start=0.001, step=0.002)
    with PodLogs("big", [instance(a, "a"), instance(b, "b")]) as pod:
        view = pod.view()
        assert view.count > 0
        assert view.line(view.count - 1).text == "b29999"
        assert view.wait_complete(20)
        assert view.count == 60_000
        assert [view.line(row).text for row in range(4)] == ["a0", "b0", "a1", "b1"]


def test_new_attempt_and_new_container_append(restarted_pod: PodLogs, tmp_path: Path) -> None:
    view = restarted_pod.view()
    web = restarted_pod.view("web")
    assert view.wait_complete(5) and web.wait_complete(5)
    seen: list[LogInstance] = []
    restarted_pod.subscribe(seen.append)
    before_all, before_web = view.snapshot(), web.snapshot()
    web2 = tmp_path / "web2.log"
    write_lines(web2, ["web2 a"], start=200)
    assert restarted_pod.add_instance(instance(web2, "web", 2))
    assert not restarted_pod.add_instance(instance(web2, "web", 2))
    init = tmp_path / "late.log"
    write_lines(init, ["late a"], start=300)
    restarted_pod.add_instance(instance(init, "late", 0))
    assert [item.container for item in seen][:2] == ["web", "web"]  # attempt 1 finished, 2 added
    assert restarted_pod.view() is view  # the all-containers view is stable
    assert view.snapshot()[1] == before_all[1]  # nothing prepended: numbering kept
    assert texts(view)[-3:] == ["── web restarted: attempt 2 ──", "web2 a", "late a"]
    assert web.snapshot()[1] == before_web[1]
    assert texts(web)[-2:] == ["── web restarted: attempt 2 ──", "web2 a"]
    assert texts(restarted_pod.view("web", previous=True)) == ["web1 a", "web1 b"]


# -- search ---------------------------------------------------------------------------------
def test_search_finds_all_matches_and_grows(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    write_lines(path, [("ERROR boom" if n % 100 == 7 else f"ok {n}") for n in range(5000)])
    with PodLogs("p", [instance(path)]) as pod:
        view = pod.view("web")
        view.wait_complete(5)
        search = LogSearch(view, compile_pattern("error"))
        assert search.wait(10)
        assert search.rows() == list(range(7, 5000, 100))
        assert search.next_after(7) == 107
        assert search.next_after(7, -1) == 4907  # wraps
        assert search.matches_between(100, 110) and not search.matches_between(8, 106)
        write_lines(path, ["tail ERROR"], start=99)
        pod.refresh()
        assert search.wait(5)  # refresh() told the search synchronously, before returning
        assert search.rows()[-1] == 5000
        search.cancel()
        case = LogSearch(view, compile_pattern("error", case_sensitive=True))
        assert case.wait(10) and case.count() == 0
        regex = LogSearch(view, compile_pattern(r"ok 4\d{3}$", regex=True))
        assert regex.wait(10) and regex.count() == 990


# -- the command line ------------------------------------------------------------------------
def test_iter_lines_tail_timestamps_prefix(restarted_pod: PodLogs) -> None:
    assert list(iter_lines(restarted_pod, tail=2, container="web")) == ["web1 a", "web1 b"]
    with_ts = list(iter_lines(restarted_pod, True, tail=1, container="web"))
    assert with_ts == [stamp(110).replace("+00:00", "Z") + " web1 b"]
    interleaved = list(iter_lines(restarted_pod, tail=3))
    assert interleaved == ["[side] side c", "[side] side err", "[web] web1 b"]
    assert len(list(iter_lines(restarted_pod, tail=-1, container="web"))) == 5
    plain = list(iter_lines(restarted_pod, container="web", markers=False))
    assert plain == ["web0 a", "web0 b", "web1 a", "web1 b"]
    assert list(iter_lines(restarted_pod, container="web", previous=True)) == ["web0 a", "web0 b"]


def test_iter_lines_since(restarted_pod: PodLogs) -> None:
    since = T0 + timedelta(seconds=100)
    # The boundary sorts with the first line of the attempt it introduces.
    assert list(iter_lines(restarted_pod, since=since, container="web")) == [
        "── web restarted: attempt 1 ──",
        "web1 a",
        "web1 b",
    ]
    assert list(iter_lines(restarted_pod, since=since, tail=1, container="web")) == ["web1 b"]
    assert len(list(iter_lines(restarted_pod, since=T0 + timedelta(days=1)))) == 0


def test_tail_of_a_big_log_needs_only_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ctr.log"
    write_lines(path, [f"n{n}" for n in range(50_000)])
    never = threading.Event()
    monkeypatch.setattr(LineIndex, "_scan_head", lambda self: never.wait(30))
    pod = PodLogs("p", [instance(path)])
    assert list(iter_lines(pod, tail=3, container="web")) == ["n49997", "n49998", "n49999"]
    never.set()
    pod.close()


def test_format_line_and_save(restarted_pod: PodLogs, tmp_path: Path) -> None:
    view = restarted_pod.view()
    view.wait_complete(5)
    line = view.line(0)
    assert format_line(line, prefix=True) == "[web] web0 a"
    target = tmp_path / "out.log"
    assert save_lines(view, target) == view.count
    saved = target.read_text().splitlines()
    assert saved[0] == "[web] web0 a" and saved[4] == "[web] ── web restarted: attempt 1 ──"


async def test_follow_lines_streams_new_lines(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    write_lines(path, ["old 1", "old 2"])
    pod = PodLogs("p", [instance(path)])
    stop = asyncio.Event()
    history_shown = asyncio.Event()
    got: list[str] = []

    async def consume() -> None:
        async for text in follow_lines(pod, tail=1, container="web", stop=stop):
            got.append(text)
            history_shown.set()
            if text == "new 2":
                stop.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(history_shown.wait(), 5)
    assert got == ["old 2"]
    write_lines(path, ["new 1", "new 2"], start=10)  # the watcher tells the index
    await asyncio.wait_for(task, 10)
    assert got == ["old 2", "new 1", "new 2"]
    assert pod.watch_mode in ("inotify", "polling", "stat")
    pod.close()


async def test_changes_iterator_coalesces(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    write_lines(path, ["a"])
    with PodLogs("p", [instance(path)], force_polling=False) as pod:
        view = pod.view("web")
        pod.follow()
        stream = pod.changes(view)
        waiter = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0)
        write_lines(path, ["b", "c", "d"], start=1)
        change = await asyncio.wait_for(waiter, 5)
        total = change.appended
        while total < 3:
            total += (await asyncio.wait_for(anext(stream), 5)).appended
        assert total == 3
        await stream.aclose()


def test_since_compares_times_not_bytes_when_conmon_writes_a_local_offset(tmp_path: Path) -> None:
    """conmon stamps lines in local time with its offset; --since is an instant (UTC here)."""
    path = tmp_path / "local.log"
    path.write_bytes(
        b"2026-01-01T13:00:00.000000000+01:00 stdout F at 12:00:00Z\n"
        b"2026-01-01T13:00:10.000000000+01:00 stdout F at 12:00:10Z\n"
    )
    pod = PodLogs("demo", [instance(path, "web", 0, finished=True)])
    try:
        since = datetime(2026, 1, 1, 12, 0, 5, tzinfo=UTC)
        assert list(iter_lines(pod, since=since, container="web")) == ["at 12:00:10Z"]
    finally:
        pod.close()
