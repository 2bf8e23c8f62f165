"""Events: the selected pod's (Events tab) and everyone's (the ``:events`` screen).

Newest first, with kubectl describe's wording for repeats: ``12s (x3 over 2m)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable

from tui.screen.age_clock import next_age_change
from tui.screen.footer import PodtuiFooter
from tui.status.events import Event, newest_first
from tui.status.timestamps import since

TYPE_STYLES = {"Normal": "", "Warning": "#e0a030"}


def age_text(event: Event, now: datetime) -> str:
    """``12s``, or ``12s (x3 over 2m)`` for an event seen several times."""
    age = since(event.last_timestamp, now)
    if event.count > 1:
        return f"{age} (x{event.count} over {since(event.first_timestamp, now)})"
    return age


def event_row_key(event: Event) -> str:
    """A stable key for an event (the correlator's identity)."""
    return "\x1f".join(event.key)


class EventsTable(DataTable[Any]):
    """Events newest first; ``with_object`` adds NAMESPACE and OBJECT (the all-events view)."""

    def __init__(self, clock: Callable[[], datetime], *, with_object: bool = False, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.clock = clock
        self.with_object = with_object
        self._events: list[Event] = []
        #: When the first age shown reads differently (None: no events).
        self.due: datetime | None = None
        columns = ["TYPE", "REASON", "AGE", "FROM", "MESSAGE"]
        if with_object:
            columns = ["NAMESPACE", "OBJECT", *columns]
        for label in columns:
            self.add_column(label, key=label.lower())

    @property
    def events(self) -> list[Event]:
        """What is shown, newest first."""
        return list(self._events)

    def show(self, events: Iterable[Event]) -> None:
        """Replace the rows, keeping the cursor on the event it was on."""
        now = self.clock()
        ordered = newest_first(events)
        selected = None
        if self.row_count and 0 <= self.cursor_row < self.row_count:
            selected = self.ordered_rows[self.cursor_row].key.value
        self._events = ordered
        self.clear()
        for event in ordered:
            style = TYPE_STYLES.get(event.type, "")
            cells: list[Any] = [
                Text(event.type, style=style),
                Text(event.reason, style=style),
                Text(age_text(event, now)),
                Text(event.source),
                Text(event.message),
            ]
            if self.with_object:
                target = f"pod/{event.pod}"
                if event.field_path:
                    target += f" {event.field_path}"
                cells = [Text(event.namespace), Text(target), *cells]
            self.add_row(*cells, key=event_row_key(event))
        if selected is not None and selected in self.rows:
            self.move_cursor(row=self.get_row_index(selected), animate=False)
        self.due = self._next_due(now)

    def tick(self) -> None:
        """Ages that read differently by now move on; the others are left alone."""
        now = self.clock()
        if self.due is None or self.due > now:
            return
        for event in self._events:
            key = event_row_key(event)
            if key not in self.rows:
                continue
            text = age_text(event, now)
            if self.get_cell(key, "age").plain != text:
                self.update_cell(key, "age", Text(text))
        self.due = self._next_due(now)

    def _next_due(self, now: datetime) -> datetime | None:
        """When the first event's age reads differently."""
        moments = [event.last_timestamp for event in self._events]
        moments += [event.first_timestamp for event in self._events if event.count > 1]
        return next_age_change(moments, now)


class EventsScreen(Screen[None]):
    """``:events``: every pod's events, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="events.back", tooltip="Back to the pods"),
    ]

    def __init__(self, events: Iterable[Event], clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._initial = list(events)
        self.clock = clock

    def compose(self) -> ComposeResult:
        table = EventsTable(self.clock, with_object=True, id="all-events")
        yield table
        yield PodtuiFooter()

    def on_mount(self) -> None:
        """Fill the table."""
        self.show(self._initial)

    def show(self, events: Iterable[Event]) -> None:
        """Replace the events shown."""
        table = self.query_one(EventsTable)
        table.show(events)
        table.border_title = f" Events(all)[{table.row_count}] "

    def tick(self) -> None:
        """Ages move on."""
        self.query_one(EventsTable).tick()

    def next_tick(self) -> datetime | None:
        """When the first age shown reads differently."""
        return self.query_one(EventsTable).due
