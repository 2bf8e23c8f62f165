"""``LogView``: a pod's log as a Line API widget that stays fast at a million lines.

Only the rows on screen are read (through the engine's line index) and rendered; rendered
rows are cached as Strips keyed by the line's stable identity, so re-numbering while
history loads or following never invalidates them. Engine threads tell us about new rows
through one replaceable message; the handler compares observations and scrolls.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.events import Key, Paste
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Label

from tui.podman.log_files import LogInstance, LogsUnavailable, PodLogs, save_lines
from tui.podman.log_format import STDERR, LogLine, utc_rfc3339nano
from tui.podman.log_search import LogSearch, compile_pattern
from tui.podman.log_sequence import LineSequence, LogChange

#: Lines kept above a search match when jumping to it, so it is read in context.
MATCH_CONTEXT = 3
#: Longest text rendered for one row; the rest is reachable through save/search.
MAX_RENDERED = 4000
PREFIX_COLOURS = (
    "cyan",
    "magenta",
    "green",
    "yellow",
    "bright_blue",
    "bright_magenta",
    "bright_cyan",
    "orange3",
)


def container_colour(name: str) -> str:
    """A colour per container name that is the same on every run (not Python's hash)."""
    return PREFIX_COLOURS[zlib.crc32(name.encode()) % len(PREFIX_COLOURS)]


class SaveLogScreen(ModalScreen[str | None]):
    """Ask where to save the log; dismisses with the path, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="logs.save.cancel", tooltip="Do not save"),
    ]
    DEFAULT_CSS = """
    SaveLogScreen { align: center middle; }
    SaveLogScreen > Vertical {
        width: 70; height: auto; padding: 1 2; border: round $accent; background: $surface;
    }
    """

    def __init__(self, default_path: str) -> None:
        super().__init__()
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Save the log to:")
            yield Input(self.default_path, id="save-path")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter saves to the typed path."""
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Escape leaves without saving."""
        self.dismiss(None)


class LogView(ScrollView, can_focus=True):
    """The log of one pod: follow, cycle containers, previous attempt, search, save."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f", "toggle_follow", "Follow", id="logs.follow", tooltip="Follow new lines (on/off)"
        ),
        Binding(
            "end",
            "resume_follow",
            "End",
            show=False,
            id="logs.end",
            tooltip="Jump to the newest line and follow",
        ),
        Binding(
            "c",
            "cycle_container",
            "Container",
            id="logs.container",
            tooltip="All containers interleaved, then each container",
        ),
        Binding(
            "p",
            "toggle_previous",
            "Previous",
            id="logs.previous",
            tooltip="The last terminated attempt (kubectl logs --previous)",
        ),
        Binding(
            "t",
            "toggle_timestamps",
            "Timestamps",
            id="logs.timestamps",
            tooltip="Show each line's timestamp",
        ),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap", tooltip="Wrap long lines"),
        Binding(
            "slash",
            "start_search",
            "Search",
            id="logs.search",
            tooltip="Find text (re: for a regex; case-insensitive unless it has capitals)",
        ),
        Binding("n", "next_match", "Next", id="logs.next", tooltip="Next match"),
        Binding("N", "previous_match", "Prev", id="logs.prev", tooltip="Previous match"),
        Binding(
            "escape",
            "clear_search",
            "Clear",
            show=False,
            id="logs.clear",
            tooltip="Clear the search",
        ),
        Binding("ctrl+s", "save", "Save", id="logs.save", tooltip="Save the shown log to a file"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-view--stderr",
        "log-view--timestamp",
        "log-view--marker",
        "log-view--match",
        "log-view--match-current",
        "log-view--status",
        "log-view--status-alert",
        "log-view--empty",
    }
    DEFAULT_CSS = """
    LogView {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
        & > .log-view--stderr { color: $text-error; }
        & > .log-view--timestamp { color: $text-muted; }
        & > .log-view--marker { color: $text-muted; text-style: dim; }
        & > .log-view--match { background: $warning 40%; }
        & > .log-view--match-current { background: $warning; color: $background; text-style: bold; }
        & > .log-view--status { background: $panel; color: $text-muted; }
        & > .log-view--status-alert { background: $accent; color: $text; }
        & > .log-view--empty { color: $text-muted; text-style: italic; }
    }
    """

    follow: reactive[bool] = reactive(True, init=False)
    timestamps: reactive[bool] = reactive(False, init=False)
    wrap: reactive[bool] = reactive(False, init=False)

    # -- messages ---------------------------------------------------------------------
    @dataclass
    class FollowChanged(Message):
        """Following was paused (scrolled up) or resumed."""

        log_view: LogView
        following: bool

        @property
        def control(self) -> LogView:
            """The log view."""
            return self.log_view

    @dataclass
    class ViewChanged(Message):
        """The container or previous-attempt selection changed."""

        log_view: LogView
        container: str | None
        previous: bool

        @property
        def control(self) -> LogView:
            """The log view."""
            return self.log_view

    @dataclass
    class SearchProgress(Message):
        """Matches found so far (high-rate while a search runs: collapses)."""

        log_view: LogView
        matches: int
        done: bool

        @property
        def control(self) -> LogView:
            """The log view."""
            return self.log_view

        def can_replace(self, message: Message) -> bool:
            """A newer count supersedes an older one."""
            return isinstance(message, LogView.SearchProgress)

    @dataclass
    class Saved(Message):
        """The shown log was written to a file."""

        log_view: LogView
        path: Path
        lines: int

        @property
        def control(self) -> LogView:
            """The log view."""
            return self.log_view

    @dataclass
    class SaveFailed(Message):
        """Writing the log failed."""

        log_view: LogView
        path: Path
        error: str

        @property
        def control(self) -> LogView:
            """The log view."""
            return self.log_view

    @dataclass
    class LinesChanged(Message):
        """Rows arrived in the engine (posted from engine threads; collapses)."""

        log_view: LogView
        reset: bool = False

        @property
        def control(self) -> LogView:
            """The log view."""
            return self.log_view

        def can_replace(self, message: Message) -> bool:
            """Later observations cover earlier ones, except that a reset must survive."""
            return isinstance(message, LogView.LinesChanged) and (self.reset or not message.reset)

    @dataclass
    class AttemptsChanged(Message):
        """An attempt was added or finished in the pod (posted from engine threads)."""

        log_view: LogView

        @property
        def control(self) -> LogView:
            """The log view."""
            return self.log_view

        def can_replace(self, message: Message) -> bool:
            """Only the latest state matters."""
            return isinstance(message, LogView.AttemptsChanged)

    # -- life -----------------------------------------------------------------------------
    def __init__(
        self,
        pod_logs: PodLogs,
        *,
        container: str | None = None,
        timestamps: bool = False,
        wrap: bool = False,
        save_name: str | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name for it
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.pod_logs = pod_logs
        self.container = container
        self.set_reactive(LogView.timestamps, timestamps)
        self.set_reactive(LogView.wrap, wrap)
        #: ``NAMESPACE_NAME``: what ``ctrl+s`` suggests as the file name (not Podman's pod name).
        self.save_name = save_name or pod_logs.pod
        self.previous = False
        self._view: LineSequence | None = None
        self._unsubscribe_view = _nothing
        self._unsubscribe_pod = _nothing
        self._seen = (0, 0)
        self._unseen = 0
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(maxsize=2000)
        self._max_width = 0
        self._search: LogSearch | None = None
        self._search_text = ""
        self._entering: str | None = None
        self._current_match: int | None = None
        self._adjusting = False
        self._status: tuple[str, str] = ("", "")
        self._window: list[Strip] | None = None

    def on_mount(self) -> None:
        """Attach to the engine: the view's rows, the pod's attempts, file notifications."""
        self._unsubscribe_pod = self.pod_logs.subscribe(self._attempts_changed_from_engine)
        self.pod_logs.follow()
        self._switch_view(self._fetch_view())

    def on_resize(self) -> None:
        """A new size moves the end; a following view stays on it."""
        self._update_virtual_size()
        if self.follow:
            self._scroll_to_end()

    def on_unmount(self) -> None:
        """Detach from the engine (the PodLogs belongs to whoever created it)."""
        self._unsubscribe_view()
        self._unsubscribe_pod()
        if self._search is not None:
            self._search.cancel()

    @property
    def view(self) -> LineSequence | None:
        """The engine sequence being shown."""
        return self._view

    @property
    def line_count(self) -> int:
        """Rows in the shown sequence."""
        return self._seen[0]

    @property
    def unseen_lines(self) -> int:
        """Rows appended since following paused (the "+N new lines" marker)."""
        return self._unseen

    @property
    def search_matches(self) -> list[int]:
        """Current row numbers of all matches found so far."""
        return self._search.rows() if self._search is not None else []

    @property
    def current_match(self) -> int | None:
        """The match ``n``/``N`` last jumped to."""
        return self._current_match

    # -- engine -> widget ---------------------------------------------------------------
    def _lines_changed_from_engine(self, change: LogChange) -> None:
        self.post_message(self.LinesChanged(self, change.reset))

    def _attempts_changed_from_engine(self, instance: LogInstance) -> None:
        self.post_message(self.AttemptsChanged(self))

    def on_log_view_lines_changed(self, message: LinesChanged) -> None:
        """Fold the engine's new rows into scroll position, follow state and the marker."""
        message.stop()
        if self._view is None:
            return
        count, pre = self._view.snapshot()
        old_count, old_pre = self._seen
        self._seen = (count, pre)
        if message.reset:
            self._strips.clear()
            self._unseen = 0
            self._update_virtual_size()
            self._scroll_to_end()
            self.refresh()
            return
        prepended = pre - old_pre
        appended = count - old_count - prepended
        if not (prepended or appended):
            return
        if not self.follow:
            self._unseen += max(appended, 0)
        self._update_virtual_size()
        if self.follow:
            self._scroll_to_end()
        elif prepended:
            # History arrived above: move with it so the rows on screen stay put.
            self._scroll_without_pausing(self.scroll_y + prepended)
        self.refresh()

    def on_log_view_attempts_changed(self, message: AttemptsChanged) -> None:
        """A restart or a new container may change which sequence we show."""
        message.stop()
        view = self._fetch_view()
        if view is not self._view:
            self._switch_view(view)

    def on_log_view_search_progress(self, message: SearchProgress) -> None:
        """Matches arrived: highlight them, and jump to the nearest one the first time."""
        if self._current_match is None and message.matches and self._search is not None:
            bottom = int(self.scroll_y) + self._content_height()
            nearest = self._search.next_after(bottom, -1)
            if nearest is not None:
                self._jump_to(nearest)
        self.refresh()

    def on_log_view_saved(self, message: Saved) -> None:
        """Tell the user where the log went."""
        self.notify(f"saved {message.lines} lines to {message.path}", title="Log saved")

    def on_log_view_save_failed(self, message: SaveFailed) -> None:
        """Saving failed: say why."""
        self.notify(f"could not save to {message.path}: {message.error}", severity="error")

    # -- view selection -------------------------------------------------------------------
    def _fetch_view(self) -> LineSequence:
        try:
            return self.pod_logs.view(self.container, self.previous)
        except LogsUnavailable:
            self.previous = False
            self.container = None
            return self.pod_logs.view(None, False)

    def _switch_view(self, view: LineSequence) -> None:
        self._unsubscribe_view()
        self._view = view
        self._unsubscribe_view = view.subscribe(self._lines_changed_from_engine)
        self._seen = view.snapshot()
        self._unseen = 0
        self._strips.clear()
        self._max_width = 0
        self._current_match = None
        if self._search is not None:
            self._search.cancel()
            self._search = None
            if self._search_text:
                self._start_search(self._search_text)
        self._update_virtual_size()
        self.set_reactive(LogView.follow, True)
        self._scroll_to_end()
        self.border_title = self._title()
        self.refresh()
        self.post_message(self.ViewChanged(self, self.container, self.previous))

    def _title(self) -> str:
        what = self.container or "all containers"
        return f"{self.pod_logs.pod} · {what}" + (" · previous" if self.previous else "")

    # -- actions ----------------------------------------------------------------------------
    def action_toggle_follow(self) -> None:
        """``f``: follow on/off; turning it on jumps to the newest line."""
        self.follow = not self.follow

    def action_resume_follow(self) -> None:
        """``end``: newest line, following."""
        self.follow = True
        self._scroll_to_end()

    def action_cycle_container(self) -> None:
        """``c``: all containers, then each container in turn."""
        choices: list[str | None] = [None, *self.pod_logs.containers]
        at = choices.index(self.container) if self.container in choices else 0
        self.container = choices[(at + 1) % len(choices)]
        self.previous = False
        self._switch_view(self._fetch_view())

    def action_toggle_previous(self) -> None:
        """``p``: the last terminated attempt, or back to the live log."""
        try:
            view = self.pod_logs.view(self.container, not self.previous)
        except LogsUnavailable as error:
            self.notify(str(error), severity="warning")
            return
        self.previous = not self.previous
        self._switch_view(view)

    def action_toggle_timestamps(self) -> None:
        """``t``: show timestamps."""
        self.timestamps = not self.timestamps

    def action_toggle_wrap(self) -> None:
        """``w``: wrap long lines (approximate: only the visible window is wrapped)."""
        self.wrap = not self.wrap

    def action_start_search(self) -> None:
        """``/``: type a search in the status line."""
        self._entering = self._search_text
        self._update_virtual_size()
        self.refresh()

    def action_next_match(self) -> None:
        """``n``: the next match below."""
        self._step_match(+1)

    def action_previous_match(self) -> None:
        """``N``: the next match above."""
        self._step_match(-1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``escape`` clears a search; without one it is not ours (the screen goes back)."""
        if action == "clear_search":
            return self._search is not None
        return True

    def action_clear_search(self) -> None:
        """``escape``: forget the search and its highlights."""
        if self._search is not None:
            self._search.cancel()
        self._search = None
        self._search_text = ""
        self._current_match = None
        self._update_virtual_size()
        self.refresh()

    def action_save(self) -> None:
        """``ctrl+s``: ask for a path, then stream the shown log to it."""
        default = f"./{self.save_name}-{self.container or 'all'}{'-previous' if self.previous else ''}.log"

        def chosen(path: str | None) -> None:
            if path:
                self._save(Path(path).expanduser())

        self.app.push_screen(SaveLogScreen(default), chosen)

    @work(thread=True, exclusive=True, group="log-save")
    def _save(self, path: Path) -> None:
        view = self._view
        if view is None:
            return
        try:
            lines = save_lines(view, path, timestamps=self.timestamps)
        except OSError as error:
            self.post_message(self.SaveFailed(self, path, error.strerror or str(error)))
        else:
            self.post_message(self.Saved(self, path, lines))

    # -- search ------------------------------------------------------------------------------
    def _start_search(self, text: str) -> None:
        if self._search is not None:
            self._search.cancel()
            self._search = None
        self._search_text = text
        self._current_match = None
        if not text or self._view is None:
            return
        regex = text.startswith("re:")
        body = text[3:] if regex else text
        try:
            pattern = compile_pattern(body, regex=regex, case_sensitive=body != body.lower())
        except Exception as error:  # noqa: BLE001 - re.error and friends: tell, don't crash
            self.notify(f"bad pattern: {error}", severity="error")
            return
        self._search = LogSearch(self._view, pattern, on_progress=self._search_progressed)

    def _search_progressed(self, search: LogSearch) -> None:
        """Called from the search thread: hand the count to the UI as a message."""
        self.post_message(self.SearchProgress(self, search.count(), search.done))

    def _step_match(self, direction: int) -> None:
        if self._search is None:
            return
        if self._current_match is not None:
            origin = self._current_match
        elif direction > 0:
            origin = int(self.scroll_y) - 1
        else:
            origin = int(self.scroll_y) + self._content_height()
        found = self._search.next_after(origin, direction)
        if found is None:
            self.app.bell()
            return
        self._jump_to(found)

    def _jump_to(self, row: int) -> None:
        self._current_match = row
        self.follow = False
        self._scroll_without_pausing(max(0, row - MATCH_CONTEXT))
        self.refresh()

    async def on_key(self, event: Key) -> None:
        """While typing a search, keys edit it instead of running bindings."""
        if self._entering is None:
            return
        event.stop()
        event.prevent_default()
        if event.key == "escape":
            self._entering = None
        elif event.key == "enter":
            text, self._entering = self._entering, None
            self._start_search(text)
        elif event.key == "backspace":
            self._entering = self._entering[:-1]
        elif event.key == "ctrl+u":
            self._entering = ""
        elif event.character and event.is_printable:
            self._entering += event.character
        self._update_virtual_size()
        self.refresh()

    def on_paste(self, event: Paste) -> None:
        """Pasting while typing a search adds the text."""
        if self._entering is not None:
            event.stop()
            self._entering += event.text.splitlines()[0] if event.text else ""
            self.refresh()

    # -- watchers ------------------------------------------------------------------------------
    def watch_follow(self, following: bool) -> None:
        if following:
            self._unseen = 0
            self._scroll_to_end()
        self._update_virtual_size()
        self.refresh()
        self.post_message(self.FollowChanged(self, following))

    def watch_timestamps(self) -> None:
        self._max_width = 0
        self.refresh()

    def watch_wrap(self) -> None:
        self._update_virtual_size()
        if self.follow:
            self._scroll_to_end()
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolling up by hand pauses following (our own adjustments do not)."""
        super().watch_scroll_y(old_value, new_value)
        if (
            not self._adjusting
            and self.follow
            and new_value < old_value
            and new_value < self.max_scroll_y
        ):
            self.follow = False

    def notify_style_update(self) -> None:
        """Theme or CSS changed: cached strips carry old colours."""
        super().notify_style_update()
        self._strips.clear()

    # -- scrolling ---------------------------------------------------------------------------
    def _content_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # the status line

    def _update_virtual_size(self) -> None:
        self._status = self._status_parts()
        width = self.scrollable_content_region.width if self.wrap else self._max_width
        self.virtual_size = Size(width, self._seen[0] + 1)

    def _scroll_to_end(self) -> None:
        self._scroll_without_pausing(self.max_scroll_y)

    def _scroll_without_pausing(self, y: float) -> None:
        self._adjusting = True
        try:
            self.scroll_to(y=y, animate=False, immediate=True)
        finally:
            self._adjusting = False

    # -- rendering ---------------------------------------------------------------------------
    @property
    def status_text(self) -> str:
        """The status line as shown (search and new-line notes first, then the view's state)."""
        alerts, state = self._status_parts()
        return f"{alerts}   {state}" if alerts else state

    def _status_parts(self) -> tuple[str, str]:
        """(what needs attention, the view's state): the bottom line of the pane."""
        state = " · ".join(
            (
                f"container {self.container or 'all'}",
                "previous instance" if self.previous else "current instance",
                f"follow {'on' if self.follow else 'off'}",
                f"timestamps {'on' if self.timestamps else 'off'}",
                f"wrap {'on' if self.wrap else 'off'}",
            )
        )
        if self._entering is not None:
            return f"/{self._entering}▏  enter: search · esc: cancel · re: for a regex", state
        parts = []
        if self._search is not None:
            found = self._search.count()
            where = ""
            if self._current_match is not None:
                ordinal = self._search.ordinal(self._current_match)
                where = f"{ordinal} of " if ordinal else ""
            state_mark = "" if self._search.done else "…"
            parts.append(f"/{self._search_text}  {where}{found}{state_mark} matches · n/N · esc clears")
        if not self.follow and self._unseen:
            noun = "line" if self._unseen == 1 else "lines"
            parts.append(f"+{self._unseen} new {noun} · f/end to follow")
        return "   ".join(parts), state

    def render_lines(self, crop: Region) -> list[Strip]:
        """Work out the status line and the wrapped window once per paint, not per row."""
        self._status = self._status_parts()
        self._window = None
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """One screen row: a log row, a wrapped piece of one, or the status line."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == self.scrollable_content_region.height - 1:
            return self._status_strip(width)
        if self._seen[0] == 0:
            return self._empty_strip(width) if y == 0 else Strip.blank(width, base)
        if self.wrap:
            if self._window is None:
                self._window = self._wrapped_window(width)
            window = self._window
            if y < len(window):
                return window[y].crop_extend(0, width, base)
            return Strip.blank(width, base)
        row = int(self.scroll_y) + y
        if self._view is None or row >= self._seen[0]:
            return Strip.blank(width, base)
        strip = self._row_strip(row, width)
        scroll_x = int(self.scroll_x)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _status_strip(self, width: int) -> Strip:
        """The bottom line: notes in the accent colour, then the view's state, muted."""
        alerts, state = self._status
        style = self.get_component_rich_style("log-view--status")
        segments = []
        if alerts:
            segments.append(Segment(f" {alerts} ", self.get_component_rich_style("log-view--status-alert")))
        segments.append(Segment(f"  {state}" if alerts else state, style))
        return Strip(segments).crop_extend(0, width, style)

    def _empty_strip(self, width: int) -> Strip:
        """A log with no line yet says so instead of looking broken."""
        text = "(no output)" if self.previous or self._shown_ended() else "(no output yet)"
        style = self.get_component_rich_style("log-view--empty")
        return Strip([Segment(text, style)]).crop_extend(0, width, self.rich_style)

    def _shown_ended(self) -> bool:
        """Every container shown has exited: no more output is coming."""
        logs = self.pod_logs
        names = [self.container] if self.container else logs.containers
        latest = [found[-1] for found in (logs.instances(name) for name in names) if found]
        return bool(latest) and not any(instance.running for instance in latest)

    def _wrapped_window(self, width: int) -> list[Strip]:
        """Wrapped strips for the screen: from the top row, or filled up from the end."""
        height = self._content_height()
        count = self._seen[0]
        at_end = self.follow or self.scroll_y >= self.max_scroll_y
        pieces: list[Strip] = []
        if at_end:
            row = count - 1
            while row >= 0 and len(pieces) < height:
                pieces[0:0] = self._wrap_row(row, width)
                row -= 1
            return pieces[-height:]
        row = int(self.scroll_y)
        while row < count and len(pieces) < height:
            pieces.extend(self._wrap_row(row, width))
            row += 1
        return pieces[:height]

    def _wrap_row(self, row: int, width: int) -> list[Strip]:
        strip = self._row_strip(row, width)
        if strip.cell_length <= width or width <= 0:
            return [strip]
        length = strip.cell_length
        return list(strip.divide([*range(width, length, width), length]))

    def _row_strip(self, row: int, width: int) -> Strip:
        """The whole row rendered, cached by the line's identity and the display options."""
        assert self._view is not None
        line = self._view.line(row)
        interleaved = self._view.interleaved
        current = row == self._current_match
        pattern = self._search.pattern.pattern if self._search is not None else ""
        key = (
            line.key,
            self.timestamps,
            interleaved,
            pattern,
            current,
            width if line.is_marker else 0,
        )
        strip = self._strips.get(key)
        if strip is None:
            text = self._row_text(line, interleaved, current, width)
            strip = Strip(text.render(self.app.console), text.cell_len)
            self._strips[key] = strip
            if not line.is_marker and strip.cell_length > self._max_width:
                self._max_width = strip.cell_length
                if not self.wrap:
                    self._update_virtual_size_later()
        return strip

    def _update_virtual_size_later(self) -> None:
        # Changing the virtual size during a render would re-enter layout: defer it. A wider
        # line may also bring the horizontal scrollbar, which moves the end up by a row.
        self.call_after_refresh(self._widened)

    def _widened(self) -> None:
        self._update_virtual_size()
        if self.follow:
            self.call_after_refresh(self._scroll_to_end)

    def _row_text(self, line: LogLine, interleaved: bool, current: bool, width: int) -> Text:
        text = Text(no_wrap=True, end="")
        if interleaved and line.container:
            text.append(f"[{line.container}] ", style=Style(color=container_colour(line.container)))
        if line.is_marker:
            rule = self.get_component_rich_style("log-view--marker")
            label = f" {line.text.strip('─ ')} "
            side = max(2, (width - len(label) - text.cell_len) // 2)
            text.append("─" * side + label + "─" * side, style=rule)
            return text
        if self.timestamps and line.timestamp:
            text.append(
                utc_rfc3339nano(line.timestamp) + " ",
                style=self.get_component_rich_style("log-view--timestamp"),
            )
        offset = len(text)
        body = line.text[:MAX_RENDERED].expandtabs(8)
        if "\x1b" in body:
            text.append_text(Text.from_ansi(body, no_wrap=True, end=""))
        else:
            text.append(
                body,
                style=self.get_component_rich_style("log-view--stderr")
                if line.stream == STDERR
                else None,
            )
        if self._search is not None:
            match_style = self.get_component_rich_style(
                "log-view--match-current" if current else "log-view--match"
            )
            for match in self._search.pattern.finditer(body):
                if match.end() > match.start():
                    text.stylize(match_style, offset + match.start(), offset + match.end())
        return text


def _nothing() -> None:
    """An unsubscribe that does nothing (before we subscribed)."""
