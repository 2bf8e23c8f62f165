"""The pod list: one keyed row per pod, updated cell by cell so nothing flickers.

Rows carry ``kubectl get pods -o wide`` wording from ``tui.status.kubectl_columns``; every
pod the app knows is kept here (``entries``) and the filter decides which of them have a
row. Only cells whose text changed are touched, and the once-a-second tick rewrites just
the AGE and RESTARTS ("ago") cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Span, Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowDoesNotExist, RowKey

from tui.reconciler.pod_plan import PODMAN_POD_ANNOTATION
from tui.screen.age_clock import earliest, next_age_change, pod_moments, row_moments
from tui.screen.invalid_files import count_text
from tui.status.kubectl_columns import (
    age_column,
    ip_column,
    ports_column,
    ready_column,
    restarts_column,
    status_color,
    status_column,
)
from tui.status.pod_status import MANIFEST_ANNOTATION

MANIFEST_CONDITION = "podtui.io/ManifestValid"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("NAMESPACE", "namespace"),
    ("NAME", "name"),
    ("READY", "ready"),
    ("STATUS", "status"),
    ("RESTARTS", "restarts"),
    ("AGE", "age"),
    ("IP", "ip"),
    ("PORTS", "ports"),
    ("MANIFEST", "manifest"),
)
COLUMN_LABELS: dict[str, str] = {key: label for label, key in COLUMNS}
#: Columns whose text changes as pods live get a width their usual values fit in, so the
#: table does not jump: "ContainerCreating", "12 (9m59s ago)", "9m59s".
MIN_WIDTHS: dict[str, int] = {"status": 17, "restarts": 14, "age": 5}
#: When the list is too narrow for every column, these go first (k9s hides columns rather
#: than cutting them): the file and the ports are in the detail pane, the IP in Status.
HIDE_ORDER: tuple[str, ...] = ("ports", "manifest", "ip")
#: Row colours by status category (k9s-like: healthy rows plain, trouble stands out).
ROW_STYLES: dict[str, str] = {
    "running": "",
    "pending": "#e0a030",
    "error": "#ff6060",
    "completed": "grey50",
    "unknown": "#b080d0",
}
STATUS_STYLES: dict[str, str] = {**ROW_STYLES, "running": "#50c878"}


CellSignature = tuple[str, str, tuple[Span, ...]]


def cell_signature(value: Text) -> CellSignature:
    """What a cell shows (text, style, spans): equal signatures need no redraw."""
    return value.plain, str(value.style), tuple(value.spans)


def pod_key(namespace: str, name: str) -> str:
    """The row key of a pod."""
    return f"{namespace}/{name}"


def manifest_problem(pod: dict[str, Any]) -> str | None:
    """The first manifest error of a pod whose file turned invalid (None when valid)."""
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == MANIFEST_CONDITION and condition.get("status") == "False":
            message = str(condition.get("message") or "invalid manifest")
            return message.split("; ")[0]
    return None


@dataclass
class PodEntry:
    """One pod as the UI knows it: the latest v1.Pod object and whether podtui manages it."""

    namespace: str
    name: str
    pod: dict[str, Any]
    managed: bool = True
    offline: bool = False  # restored from the state directory while Podman is unreachable
    cells: dict[str, CellSignature] = field(default_factory=dict, repr=False)
    #: When the row's AGE or RESTARTS next reads differently (None: never).
    age_due: datetime | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        """``namespace/name``."""
        return pod_key(self.namespace, self.name)

    @property
    def read_only(self) -> bool:
        """Foreign Podman pods are shown, never changed."""
        return not self.managed

    @property
    def manifest(self) -> str | None:
        """The manifest file this pod came from, if any."""
        annotations = (self.pod.get("metadata") or {}).get("annotations") or {}
        value = annotations.get(MANIFEST_ANNOTATION)
        return str(value) if value else None

    @property
    def podman_name(self) -> str:
        """The Podman pod's name, as the engine publishes it (foreign pods: their own)."""
        annotations = (self.pod.get("metadata") or {}).get("annotations") or {}
        return str(annotations.get(PODMAN_POD_ANNOTATION) or self.name)

    @property
    def problem(self) -> str | None:
        """The first manifest error, if the file is invalid."""
        return manifest_problem(self.pod)

    @property
    def labels(self) -> dict[str, str]:
        """The pod's labels."""
        return dict((self.pod.get("metadata") or {}).get("labels") or {})

    @cached_property
    def moments(self) -> tuple[datetime, ...]:
        """Every timestamp whose age the detail pane may show."""
        return pod_moments(self.pod)

    @cached_property
    def row_moments(self) -> tuple[datetime, ...]:
        """The timestamps behind the row's AGE and RESTARTS."""
        return row_moments(self.pod)

    @cached_property
    def status_text(self) -> str:
        """kubectl's STATUS column (an entry is built per update: computed once, then kept)."""
        return status_column(self.pod)


def _label_terms(query: str) -> list[tuple[str, str, str]] | None:
    """``app=web,tier!=db`` as (key, op, value) terms; None when the query is not a selector."""
    if "=" not in query:
        return None
    terms = []
    for part in query.split(","):
        match = re.fullmatch(r"\s*([^=!\s]+)\s*(==|=|!=)\s*(\S*)\s*", part)
        if match is None:
            return None
        key, op, value = match.groups()
        terms.append((key, "!=" if op == "!=" else "=", value))
    return terms


def matches(entry: PodEntry, query: str, namespace: str | None) -> bool:
    """Whether a pod passes the namespace and the ``/`` filter (name, ``label=value``, status)."""
    if namespace is not None and entry.namespace != namespace:
        return False
    text = query.strip()
    if not text:
        return True
    negate = text.startswith("!")
    if negate:
        text = text[1:].strip()
    terms = _label_terms(text)
    if terms is not None:
        labels = entry.labels
        found = all(
            (labels.get(key) == value) if op == "=" else (labels.get(key) != value)
            for key, op, value in terms
        )
    else:
        needle = text.lower()
        found = any(
            needle in hay.lower()
            for hay in (entry.name, entry.status_text, entry.key, Path(entry.manifest or "").name)
        )
    return found != negate


class PodTable(DataTable[Text]):
    """Pods, one keyed row each; the cursor stays on its pod whatever moves."""

    DEFAULT_CSS = """
    PodTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="pods.down", tooltip="Next pod"),
        Binding("k", "cursor_up", "Up", show=False, id="pods.up", tooltip="Previous pod"),
        Binding("g", "scroll_top", "Top", show=False, id="pods.top", tooltip="First pod"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="pods.bottom", tooltip="Last pod"),
    ]

    @dataclass
    class PodSelected(Message):
        """The cursor moved to another pod (``key`` None when the list is empty)."""

        pod_table: PodTable
        key: str | None

        @property
        def control(self) -> PodTable:
            """The table."""
            return self.pod_table

    @dataclass
    class AgesShown(Message):
        """Rows came into view; ``due`` is when the first age in view moves on."""

        pod_table: PodTable
        due: datetime | None

        @property
        def control(self) -> PodTable:
            """The table."""
            return self.pod_table

        def can_replace(self, message: Message) -> bool:
            """Only the latest state matters."""
            return isinstance(message, PodTable.AgesShown)

    def __init__(self, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.clock = clock
        self.entries: dict[str, PodEntry] = {}
        self.query_text = ""
        self.namespace: str | None = None
        self._selected: str | None = None
        self._shown_title = ""
        #: Manifest files the reconciler refuses (counted in the title; ``:problems`` lists them).
        self.invalid_files = 0
        # Until the user moves the cursor, it stays on the first row as pods arrive;
        # after that it stays on its pod, wherever the pod sorts.
        self._on_first_row = True
        self._view_check_pending = False
        #: Columns left out because the list is too narrow for them (``HIDE_ORDER``).
        self.hidden: frozenset[str] = frozenset()
        self._fit_pending = False
        self._add_columns()

    def _add_columns(self) -> None:
        for label, key in COLUMNS:
            if key not in self.hidden:
                # DataTable sizes a column to its widest cell or its label: a padded label
                # is the minimum width.
                self.add_column(Text(label.ljust(MIN_WIDTHS.get(key, 0))), key=key)

    @property
    def shown_columns(self) -> list[str]:
        """The keys of the columns on screen, in order."""
        return [key for _, key in COLUMNS if key not in self.hidden]

    # -- reading -----------------------------------------------------------------------
    @property
    def selected(self) -> PodEntry | None:
        """The pod under the cursor."""
        return self.entries.get(self._selected) if self._selected else None

    @property
    def visible_keys(self) -> list[str]:
        """Row keys in display order."""
        return [str(row.key.value) for row in self.ordered_rows]

    def entry(self, key: str) -> PodEntry | None:
        """A pod by key, shown or filtered out."""
        return self.entries.get(key)

    def cell_text(self, key: str, column: str) -> str:
        """What a cell shows (for tests and the command palette), hidden columns included."""
        if column in self.hidden:
            return self.entries[key].cells[column][0]
        return self.get_cell(key, column).plain

    # -- changes -----------------------------------------------------------------------
    def upsert(self, entry: PodEntry) -> None:
        """Add or update a pod; only changed cells are rewritten."""
        old = self.entries.get(entry.key)
        if old is not None:
            entry.cells = old.cells
        self.entries[entry.key] = entry
        shown = entry.key in self.rows
        if not matches(entry, self.query_text, self.namespace):
            if shown:
                self._remove_row(entry.key)
            return
        cells = self._cells(entry, self.clock())
        if shown:
            changed = [self._set_cell(entry, column, value) for column, value in cells.items()]
            if any(changed):
                self._redraw_rows({entry.key})
        else:
            self._add_row(entry, cells)
            self._resort()
        self._sync_selection()

    def forget(self, key: str) -> None:
        """Forget a pod."""
        self.entries.pop(key, None)
        if key in self.rows:
            self._remove_row(key)
        self._sync_selection()

    def set_filter(self, query: str | None = None, namespace: str | None | bool = False) -> None:
        """Change the ``/`` filter and/or the namespace (``False`` keeps it); rows follow."""
        if query is not None:
            self.query_text = query
        if namespace is not False:
            self.namespace = namespace  # type: ignore[assignment]
        now = self.clock()
        added = False
        for key, entry in self.entries.items():
            wanted = matches(entry, self.query_text, self.namespace)
            if wanted and key not in self.rows:
                self._add_row(entry, self._cells(entry, now))
                added = True
            elif not wanted and key in self.rows:
                self._remove_row(key)
        if added:
            self._resort()
        self._sync_selection()
        self._view_moved()

    def tick(self) -> None:
        """AGE and "(12s ago)" of the rows in view whose ages read differently by now.

        Rows out of view are brought up to date when they come into view (scrolling,
        resizing, rows added or removed above them).
        """
        now = self.clock()
        changed = set()
        for key in self._keys_in_view():
            entry = self.entries[key]
            if entry.age_due is None or entry.age_due > now:
                continue
            age = self._set_cell(entry, "age", self._styled(entry, age_column(entry.pod, now)))
            restarts = self._set_cell(
                entry, "restarts", self._styled(entry, restarts_column(entry.pod, now))
            )
            entry.age_due = next_age_change(entry.row_moments, now)
            if age or restarts:
                changed.add(key)
        self._redraw_rows(changed)

    def next_tick(self) -> datetime | None:
        """When an age in view first reads differently (None: no row in view has ages)."""
        return earliest(self.entries[key].age_due for key in self._keys_in_view())

    def _keys_in_view(self) -> list[str]:
        """The rows on screen (each row is one line)."""
        header = self.header_height if self.show_header else 0
        height = self.scrollable_content_region.height - header
        if height <= 0:
            return []
        top = int(self.scroll_y)
        return [str(row.key.value) for row in self.ordered_rows[top : top + height]]

    def _view_moved(self) -> None:
        """Other rows may be in view: look at them once, after the batch of changes."""
        if not self._view_check_pending:
            self._view_check_pending = True
            self.call_after_refresh(self._check_view)

    def _check_view(self) -> None:
        """Bring the ages in view up to date and tell when the first one moves on."""
        self._view_check_pending = False
        self.tick()
        self.post_message(self.AgesShown(self, self.next_tick()))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolling brings rows into view."""
        super().watch_scroll_y(old_value, new_value)
        if int(old_value) != int(new_value):
            self._view_moved()

    def on_resize(self) -> None:
        """A taller list shows more rows; a narrower one may have to leave columns out."""
        self._view_moved()
        self._fit_later()

    def select(self, key: str) -> bool:
        """Move the cursor to a pod's row (False when it has none)."""
        try:
            index = self.get_row_index(key)
        except RowDoesNotExist:
            return False
        self._on_first_row = False
        self.move_cursor(row=index, animate=False)
        self._sync_selection()
        return True

    def show_title(self) -> None:
        """Put ``title()`` on the border; only on a change, as it repaints the whole list."""
        title = self.title()
        if title != self._shown_title:
            self._shown_title = title
            self.border_title = title

    def title(self) -> str:
        """k9s-style: ``Pods(all)[3] </web>``."""
        namespace = self.namespace or "all"
        text = f" Pods({namespace})[{self.row_count}] "
        if self.query_text:
            text += f"</{self.query_text}> "
        if self.invalid_files:
            text += f"· {count_text(self.invalid_files)} (:problems) "
        return text

    # -- internals -----------------------------------------------------------------------
    def _styled(self, entry: PodEntry, text: str, column: str = "") -> Text:
        category = "unknown" if entry.offline else status_color(entry.status_text)
        style = STATUS_STYLES[category] if column == "status" else ROW_STYLES[category]
        return Text(text, style=style)

    def _cells(self, entry: PodEntry, now: datetime) -> dict[str, Text]:
        pod = entry.pod
        entry.age_due = next_age_change(entry.row_moments, now)
        status = "Unknown" if entry.offline else entry.status_text
        name = self._styled(entry, entry.name)
        if entry.problem:
            name.append(" ⚠", style="bold #e0c040")
        if entry.read_only:
            name.append(" ro", style="dim italic")
        namespace = self._styled(entry, entry.namespace)
        if entry.read_only:
            namespace.stylize("dim")
        return {
            "namespace": namespace,
            "name": name,
            "ready": self._styled(entry, ready_column(pod)),
            "status": self._styled(entry, status, "status"),
            "restarts": self._styled(entry, restarts_column(pod, now)),
            "age": self._styled(entry, age_column(pod, now)),
            "ip": self._styled(entry, ip_column(pod)),
            "ports": self._styled(entry, ports_column(pod)),
            "manifest": self._styled(entry, Path(entry.manifest).name if entry.manifest else "-"),
        }

    def _set_cell(self, entry: PodEntry, column: str, value: Text) -> bool:
        """Put a value in a shown row's cell; True when its row still needs ``_redraw_rows``."""
        signature = cell_signature(value)
        if entry.cells.get(column) == signature:
            return False
        entry.cells[column] = signature
        if column in self.hidden:
            if value.cell_len > len(COLUMN_LABELS[column]):
                self._fit_later()  # it may fit again, or need more room
            return False
        # DataTable re-measures a whole column when a cell narrows; do that only when this
        # cell may have been the widest (the age tick narrows dozens of cells a second).
        width = self.columns[ColumnKey(column)].content_width
        before = self.get_cell(entry.key, column).cell_len
        if value.cell_len > width or (before >= width and value.cell_len < before):
            self.update_cell(entry.key, column, value, update_width=True)
            self._fit_later()
            return False
        try:
            self._data[RowKey(entry.key)][ColumnKey(column)] = value
        except (AttributeError, KeyError):
            self.update_cell(entry.key, column, value)
            return False
        return True

    def _redraw_rows(self, keys: set[str]) -> None:
        """Redraw only these rows after ``_set_cell``.

        ``update_cell`` drops the cached renders of every row, so one pod's change (or the
        age tick) would re-render the whole visible list; here only the changed rows' are
        dropped. This relies on DataTable's private caches (textual 8); when they are not
        as expected, everything is redrawn the way ``update_cell`` does it.
        """
        if not keys:
            return
        row_keys = {RowKey(key) for key in keys}
        try:
            rows = self._row_render_cache
            for row_cache_key in [k for k in list(rows.keys()) if k[0] in row_keys]:
                rows.discard(row_cache_key)
            cells = self._cell_render_cache
            for cell_cache_key in [k for k in list(cells.keys()) if k[0] in row_keys]:
                cells.discard(cell_cache_key)
            header = self.header_height if self.show_header else 0
            ys = {y + header: row_key for y, (row_key, _) in enumerate(self._y_offsets) if row_key in row_keys}
            lines = self._line_cache
            for line_cache_key in [k for k in list(lines.keys()) if k[0] in ys]:
                lines.discard(line_cache_key)
            indexes = {row_key: self._row_locations.get(row_key) for row_key in row_keys}
            for index in indexes.values():
                if index is not None:
                    self._row_renderable_cache.discard((self._update_count, index))
        except (AttributeError, KeyError, TypeError, ValueError):
            key = next(iter(keys))
            self.update_cell(key, "name", self.get_cell(key, "name"))  # flushes every cache
            return
        window = self.window_region
        for y, row_key in ys.items():
            index = indexes.get(row_key)
            if index is not None and window.y <= y < window.bottom:  # out of view: no paint
                self.refresh_row(index)

    def _add_row(self, entry: PodEntry, cells: dict[str, Text]) -> None:
        entry.cells = {column: cell_signature(value) for column, value in cells.items()}
        self.add_row(*(cells[key] for key in self.shown_columns), key=entry.key)
        self.show_title()
        self._fit_later()

    # -- narrow terminals ----------------------------------------------------------------
    def _fit_later(self) -> None:
        """Check the columns fit once, after the batch of changes in progress."""
        if not self._fit_pending:
            self._fit_pending = True
            self.call_after_refresh(self.fit_columns)

    def natural_widths(self) -> dict[str, int]:
        """Each column's width with every shown row in it (hidden columns included)."""
        widths = {key: max(len(label), MIN_WIDTHS.get(key, 0)) for label, key in COLUMNS}
        for key in self.rows:
            entry = self.entries.get(str(key.value))
            if entry is None:
                continue
            for column, signature in entry.cells.items():
                widths[column] = max(widths[column], cell_len(signature[0]))
        return widths

    def fit_columns(self) -> None:
        """Hide the low-value columns that do not fit (and show them again when they do)."""
        self._fit_pending = False
        room = self.scrollable_content_region.width
        if room <= 0:
            return
        padding = 2 * self.cell_padding
        widths = self.natural_widths()
        total = sum(width + padding for width in widths.values())
        hidden: set[str] = set()
        for column in HIDE_ORDER:
            if total <= room:
                break
            hidden.add(column)
            total -= widths[column] + padding
        if frozenset(hidden) != self.hidden:
            self._rebuild(frozenset(hidden))

    def _rebuild(self, hidden: frozenset[str]) -> None:
        """Lay the table out again with other columns (rows, cursor and selection kept)."""
        scroll_y = self.scroll_y
        self.hidden = hidden
        self.clear(columns=True)
        self._add_columns()
        now = self.clock()
        for entry in self.entries.values():
            if matches(entry, self.query_text, self.namespace):
                cells = self._cells(entry, now)
                entry.cells = {column: cell_signature(value) for column, value in cells.items()}
                self.add_row(*(cells[key] for key in self.shown_columns), key=entry.key)
        self._resort()
        self.scroll_y = scroll_y
        self._sync_selection()

    def _remove_row(self, key: str) -> None:
        index = self.get_row_index(key)
        cursor = self.cursor_row
        widest = [
            column_key
            for column_key, column in self.columns.items()
            if self.get_cell(key, column_key).cell_len >= column.content_width
        ]
        self.remove_row(key)
        # DataTable never narrows a column when a row goes: a long name gone for good would
        # leave its width behind. Columns keep at least their (padded) label's width.
        for column_key in widest:
            column = self.columns[column_key]
            cells = [cell.cell_len for cell in self.get_column(column_key)]
            column.content_width = max([column.label.cell_len, *cells])
        if index < cursor:
            # the rows below moved up: keep the cursor on the pod it was on
            self.move_cursor(row=cursor - 1, animate=False)
        self.show_title()
        self._view_moved()
        self._fit_later()

    def _resort(self) -> None:
        selected = self._selected
        self.sort("namespace", "name", key=lambda values: (values[0].plain, values[1].plain))
        if self._on_first_row:
            self.move_cursor(row=0, animate=False)
        elif selected is not None and selected in self.rows:
            self.move_cursor(row=self.get_row_index(selected), animate=False)
        self._view_moved()

    def _sync_selection(self) -> None:
        key: str | None = None
        if self.row_count:
            row = min(max(self.cursor_row, 0), self.row_count - 1)
            key = str(self.ordered_rows[row].key.value)
        if key != self._selected:
            self._selected = key
            self.post_message(self.PodSelected(self, key))

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        """The cursor moved: tell the screen which pod is selected now."""
        message.stop()
        self._sync_selection()

    def on_key(self, event: events.Key) -> None:
        """A key in the list: the user chooses the pod from now on."""
        self._on_first_row = False

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click in the list: the user chooses the pod from now on."""
        self._on_first_row = False

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Hovering a pod with an invalid manifest shows its first error."""
        row = event.style.meta.get("row") if event.style else None
        problem = None
        if isinstance(row, int) and 0 <= row < self.row_count:
            entry = self.entries.get(str(self.ordered_rows[row].key.value))
            problem = entry.problem if entry else None
        self.tooltip = f"⚠ {problem}" if problem else None

    def action_scroll_top(self) -> None:
        """First pod."""
        if self.row_count:
            self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        """Last pod."""
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
