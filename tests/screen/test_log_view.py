"""LogView in a tiny host app, driven by Pilot, on generated k8s-file logs."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Footer, Input

from tui.podman.log_files import LogInstance, PodLogs
from tui.podman.log_format import STDERR, STDOUT, format_record
from tui.screen.log_view import MATCH_CONTEXT, LogView, SaveLogScreen

T0 = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def stamp(seconds: float) -> str:
    moment = T0 + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond:06d}000+00:00"


def append(
    path: Path, texts: list[str], start: float, step: float = 0.01, stream: str = STDOUT
) -> None:
    with path.open("ab") as out:
        for number, text in enumerate(texts):
            out.write(format_record(stamp(start + number * step), stream, text))


def attempt(path: Path, container: str, number: int = 0, finished: bool = False) -> LogInstance:
    return LogInstance(
        container,
        number,
        f"{container}-{number}",
        path,
        started_at=T0,
        finished_at=T0 + timedelta(seconds=1) if finished else None,
    )


class LogHost(App[None]):
    """Mounts one LogView and records the messages it posts."""

    def __init__(self, pod_logs: PodLogs, **options: Any) -> None:
        super().__init__()
        self.pod_logs = pod_logs
        self.options = options
        self.follow_changes: list[bool] = []
        self.saved: asyncio.Queue[LogView.Saved] = asyncio.Queue()
        self.search_done = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield LogView(self.pod_logs, id="logs", **self.options)
        yield Footer()

    def on_log_view_follow_changed(self, message: LogView.FollowChanged) -> None:
        self.follow_changes.append(message.following)

    def on_log_view_saved(self, message: LogView.Saved) -> None:
        self.saved.put_nowait(message)

    def on_log_view_search_progress(self, message: LogView.SearchProgress) -> None:
        if message.done:
            self.search_done.set()


def painted(view: LogView) -> list[str]:
    """What the widget paints, row by row (the last row is the status line)."""
    width, height = view.scrollable_content_region.size
    return [strip.text.rstrip() for strip in view.render_lines(Region(0, 0, width, height))]


def screen_rows(view: LogView) -> list[str]:
    """The log rows painted, without the status line."""
    return painted(view)[:-1]


def status_row(view: LogView) -> str:
    """The status line as painted."""
    return painted(view)[-1].strip()


@pytest.fixture
def one_container(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "web.log"
    append(path, [("ERROR failed" if n % 250 == 3 else f"line {n}") for n in range(2000)], start=0)
    append(path, ["stderr says hi"], start=30, stream=STDERR)
    pod = PodLogs("demo", [attempt(path, "web")])
    yield pod, path
    pod.close()


@pytest.fixture
def two_containers(tmp_path: Path):  # type: ignore[no-untyped-def]
    web0, web1, side = tmp_path / "web0.log", tmp_path / "web1.log", tmp_path / "side.log"
    append(web0, ["web first life"], start=0)
    append(web1, ["web second life"], start=10)
    append(side, ["side line a", "side line b"], start=5, step=1)
    pod = PodLogs(
        "duo",
        [attempt(web0, "web", 0, finished=True), attempt(web1, "web", 1), attempt(side, "side")],
    )
    yield pod
    pod.close()


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let posted messages and the refresh they cause run."""
    await pilot.pause()
    await pilot.pause()


async def until_rows(pilot, view: LogView, count: int, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until the view has taken in ``count`` rows (bounded)."""
    deadline = time.monotonic() + seconds
    while view.line_count < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"the view never reached {count} rows (has {view.line_count})")
        await pilot.pause(0.01)
    await settle(pilot)


async def test_tail_shown_and_followed(one_container) -> None:  # type: ignore[no-untyped-def]
    pod, _path = one_container
    app = LogHost(pod)
    async with app.run_test(size=(100, 24)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await settle(pilot)
        assert view.line_count == 2001
        rows = screen_rows(view)
        assert rows[-1] == "stderr says hi"
        assert rows[-2] == "line 1999"
        assert view.follow and view.scroll_y == view.max_scroll_y


async def test_scroll_up_pauses_and_counts_new_lines(one_container) -> None:  # type: ignore[no-untyped-def]
    pod, path = one_container
    app = LogHost(pod)
    async with app.run_test(size=(100, 24)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await settle(pilot)
        await pilot.press("pageup")
        assert not view.follow and app.follow_changes[-1] is False
        top = view.scroll_y
        append(path, [f"new {n}" for n in range(5)], start=40)
        pod.refresh()
        await settle(pilot)
        assert view.unseen_lines == 5
        assert view.scroll_y == top  # the page being read did not move
        assert status_row(view).startswith("+5 new lines · f/end to follow")
        await pilot.press("end")
        await settle(pilot)
        assert view.follow and view.unseen_lines == 0
        assert screen_rows(view)[-1] == "new 4"
        await pilot.press("f")
        assert not view.follow
        await pilot.press("f")
        assert view.follow and app.follow_changes[-2:] == [False, True]


async def test_search_highlights_and_jumps(one_container) -> None:  # type: ignore[no-untyped-def]
    pod, _path = one_container
    app = LogHost(pod)
    async with app.run_test(size=(100, 24)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await pilot.press("slash", *"error", "enter")
        await asyncio.wait_for(app.search_done.wait(), 10)
        await settle(pilot)
        matches = view.search_matches
        assert matches == list(range(3, 2000, 250))
        # The first jump goes to the match nearest the bottom, with context above it.
        assert view.current_match == matches[-1]
        assert view.scroll_y == matches[-1] - MATCH_CONTEXT
        await pilot.press("N")
        assert view.current_match == matches[-2]
        assert view.scroll_y == matches[-2] - MATCH_CONTEXT
        rows = screen_rows(view)
        assert rows[MATCH_CONTEXT] == "ERROR failed"
        strip = view.render_line(MATCH_CONTEXT)
        highlighted = [seg.text for seg in strip if seg.style and seg.style.bgcolor is not None]
        assert "ERROR" in "".join(highlighted)
        await pilot.press("n")
        assert view.current_match == matches[-1]
        assert "matches" in status_row(view)
        await pilot.press("escape")
        assert view.search_matches == [] and view.current_match is None


async def test_container_cycle_prefix_and_timestamps(two_containers: PodLogs) -> None:
    app = LogHost(two_containers)
    async with app.run_test(size=(100, 12)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await settle(pilot)
        rows = [row for row in screen_rows(view) if row]
        assert rows[0] == "[web] web first life"
        assert rows[1] == "[side] side line a"
        assert "web restarted: attempt 1" in rows[3]
        assert rows[-1] == "[web] web second life"
        await pilot.press("c")
        assert view.container == "web"
        rows = [row for row in screen_rows(view) if row]
        assert rows[0] == "web first life" and rows[-1] == "web second life"
        await pilot.press("p")
        assert view.previous
        assert [row for row in screen_rows(view) if row] == ["web first life"]
        await pilot.press("p", "c")
        assert view.container == "side"
        await pilot.press("t")
        rows = [row for row in screen_rows(view) if row]
        assert rows[-1] == stamp(6).replace("+00:00", "Z") + " side line b"
        await pilot.press("c")
        assert view.container is None


async def test_wrap_and_save(one_container, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pod, path = one_container
    append(path, ["W" * 250], start=50)
    pod.refresh()
    app = LogHost(pod)
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await settle(pilot)
        assert screen_rows(view)[-1].startswith("WWW")
        await pilot.press("w")
        await settle(pilot)
        rows = screen_rows(view)
        width = view.scrollable_content_region.width
        assert rows[-4:] == ["W" * width, "W" * width, "W" * width, "W" * (250 - 3 * width)]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SaveLogScreen)
        box = app.screen.query_one(Input)
        assert box.value == "./demo-all.log"
        box.value = str(tmp_path / "saved.log")
        await pilot.press("enter")
        saved = await asyncio.wait_for(app.saved.get(), 10)
        assert saved.lines == 2002
        assert (tmp_path / "saved.log").read_text().splitlines()[-1] == "W" * 250


def test_bindings_carry_ids_and_tooltips() -> None:
    for binding in LogView.BINDINGS:
        assert binding.id and binding.id.startswith("logs."), binding  # type: ignore[union-attr]
        assert binding.tooltip, binding  # type: ignore[union-attr]


async def test_status_line_says_container_instance_follow_timestamps_wrap(
    two_containers: PodLogs,
) -> None:
    app = LogHost(two_containers)
    async with app.run_test(size=(100, 12)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await settle(pilot)
        assert status_row(view) == (
            "container all · current instance · follow on · timestamps off · wrap off"
        )
        await pilot.press("c", "p", "t", "w", "f")
        await settle(pilot)
        assert status_row(view) == (
            "container web · previous instance · follow off · timestamps on · wrap on"
        )


async def test_an_empty_log_says_so_until_a_line_arrives(tmp_path: Path) -> None:
    path = tmp_path / "quiet.log"
    path.write_bytes(b"")
    pod = PodLogs("quiet", [attempt(path, "main")])
    try:
        app = LogHost(pod)
        async with app.run_test(size=(100, 12)) as pilot:
            view = app.query_one(LogView)
            await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
            await settle(pilot)
            assert view.line_count == 0
            assert screen_rows(view)[0] == "(no output yet)"
            append(path, ["first words"], start=1)
            pod.refresh()
            await until_rows(pilot, view, 1)
            assert screen_rows(view)[0] == "first words"
            assert "(no output yet)" not in screen_rows(view)
    finally:
        pod.close()


async def test_one_new_line_is_singular(one_container) -> None:  # type: ignore[no-untyped-def]
    pod, path = one_container
    app = LogHost(pod)
    async with app.run_test(size=(100, 24)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await settle(pilot)
        await pilot.press("pageup")
        append(path, ["just one"], start=40)
        pod.refresh()
        await until_rows(pilot, view, 2002)
        assert status_row(view).startswith("+1 new line · f/end to follow")


class BackHost(LogHost):
    """A host whose escape means "back to the list", as the pod screen's does."""

    BINDINGS = [("escape", "back", "Back")]

    def __init__(self, pod_logs: PodLogs) -> None:
        super().__init__(pod_logs)
        self.backs = 0

    def action_back(self) -> None:
        self.backs += 1


async def test_escape_clears_a_search_first_then_goes_back(one_container) -> None:  # type: ignore[no-untyped-def]
    pod, _path = one_container
    app = BackHost(pod)
    async with app.run_test(size=(100, 24)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await pilot.press("slash", *"error", "enter")
        await asyncio.wait_for(app.search_done.wait(), 10)
        await pilot.press("escape")
        assert view.search_matches == [] and app.backs == 0
        await pilot.press("escape")
        assert app.backs == 1


async def test_an_exited_container_with_no_output_says_no_output(tmp_path: Path) -> None:
    init, main = tmp_path / "init.log", tmp_path / "main.log"
    init.write_bytes(b"")
    append(main, ["serving"], start=2)
    pod = PodLogs("job", [attempt(init, "migrate", finished=True), attempt(main, "main")])
    try:
        app = LogHost(pod)
        async with app.run_test(size=(100, 12)) as pilot:
            view = app.query_one(LogView)
            await until_rows(pilot, view, 1)
            await pilot.press("c")  # all -> migrate, the finished init container
            await settle(pilot)
            assert view.container == "migrate" and view.line_count == 0
            assert screen_rows(view)[0] == "(no output)"
    finally:
        pod.close()


async def test_options_given_up_front_and_the_suggested_file_name(one_container) -> None:  # type: ignore[no-untyped-def]
    pod, _path = one_container
    app = LogHost(pod, timestamps=True, wrap=True, save_name="default_logger")
    async with app.run_test(size=(100, 12)) as pilot:
        view = app.query_one(LogView)
        await asyncio.to_thread(view.view.wait_complete, 10)  # type: ignore[union-attr]
        await settle(pilot)
        assert "timestamps on · wrap on" in status_row(view)
        await pilot.press("c", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SaveLogScreen)
        assert app.screen.query_one(Input).value == "./default_logger-web.log"
