"""The detail pane: tabs about the selected pod (Status, Logs, Manifest, Events, Stats).

Only the visible tab does work: the log is opened when the Logs tab is shown (and closed
when another pod is selected), stats are sampled only while the Stats tab is shown. I/O
runs in app workers through a ``DetailSource`` (the app), whose failures the app reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from tui.podman.log_files import LogInstance, PodLogs
from tui.screen.events_tab import EventsTable
from tui.screen.log_view import LogView
from tui.screen.manifest_tab import ManifestTab
from tui.screen.pod_table import PodEntry
from tui.screen.stats_tab import ContainerSample, StatsTab, exited_containers
from tui.screen.status_tab import StatusTab
from tui.status.events import Event

TABS = ("status", "logs", "manifest", "events", "stats")


class DetailSource(Protocol):
    """What the pane asks the app for (blocking calls run on worker threads)."""

    def events_for(self, entry: PodEntry) -> list[Event]: ...

    @property
    def pulls(self) -> Mapping[str, Any]: ...

    def open_logs(self, entry: PodEntry) -> PodLogs: ...

    def discover_logs(self, entry: PodEntry) -> list[LogInstance]: ...

    def sample_stats(self, entry: PodEntry) -> list[ContainerSample]: ...


def attempts_signature(pod: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """Which container attempts exist and whether they run: a change means new log files."""
    status = pod.get("status") or {}
    found = []
    for item in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        for which in ("state", "lastState"):
            state = item.get(which) or {}
            for kind, detail in state.items():
                found.append((str(item.get("name")), str((detail or {}).get("containerID", "")), kind))
    return tuple(sorted(found))


class PodDetail(Vertical):
    """Tabs for one pod; ``show`` switches pods, ``pod_changed`` refreshes the same pod."""

    @dataclass
    class LogsOpened(Message):
        """A pod's log model is ready (posted by the opening worker)."""

        pod_detail: PodDetail
        key: str
        generation: int
        pod_logs: PodLogs

        @property
        def control(self) -> PodDetail:
            """The pane."""
            return self.pod_detail

    @dataclass
    class AgesShown(Message):
        """The pane shows other ages now; ``due`` is when the first one moves on."""

        pod_detail: PodDetail
        due: datetime | None

        @property
        def control(self) -> PodDetail:
            """The pane."""
            return self.pod_detail

        def can_replace(self, message: Message) -> bool:
            """Only the latest state matters."""
            return isinstance(message, PodDetail.AgesShown)

    def __init__(self, source: DetailSource, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.clock = clock
        self.entry: PodEntry | None = None
        self.pod_logs: PodLogs | None = None
        self._logs_key: str | None = None
        self._logs_generation = 0
        #: The log pane's ``t`` (timestamps) and ``w`` (wrap), kept when another pod is shown.
        self._log_options: tuple[bool, bool] = (False, False)
        self._logs_signature: tuple[tuple[str, str, str], ...] = ()
        self._focus_logs = False

    def compose(self) -> ComposeResult:
        with TabbedContent(id="detail-tabs", initial="tab-status"):
            with TabPane("Status", id="tab-status"):
                yield StatusTab(id="status-tab")
            with TabPane("Logs", id="tab-logs"):
                yield Vertical(Static("", id="logs-hint", markup=False), id="logs-pane")
            with TabPane("Manifest", id="tab-manifest"):
                yield ManifestTab(id="manifest-tab")
            with TabPane("Events", id="tab-events"):
                yield EventsTable(self.clock, id="events-table")
            with TabPane("Stats", id="tab-stats"):
                yield StatsTab(id="stats-tab")

    # -- what the screen calls ---------------------------------------------------------
    @property
    def active_tab(self) -> str:
        """``status``, ``logs``, ``manifest``, ``events`` or ``stats``."""
        return self.query_one(TabbedContent).active.removeprefix("tab-")

    def activate(self, tab: str, *, focus: bool = False) -> None:
        """Show a tab (and focus its content)."""
        tabs = self.query_one(TabbedContent)
        if tabs.active != f"tab-{tab}":
            tabs.active = f"tab-{tab}"
        self._refresh_active()
        if focus:
            self.focus_content()

    def focus_content(self) -> None:
        """Focus what the visible tab shows (the log, the YAML, the events...)."""
        tab = self.active_tab
        target: Widget | None = None
        if tab == "logs":
            views = self.query(LogView)
            target = views.first() if views else None
            self._focus_logs = target is None
        elif tab == "manifest":
            target = self.query_one("#manifest-text")
        elif tab == "events":
            target = self.query_one(EventsTable)
        elif tab == "status":
            target = self.query_one(StatusTab)
        elif tab == "stats":
            target = self.query_one(StatsTab)
        if target is not None:
            target.focus()

    def show(self, entry: PodEntry | None) -> None:
        """Another pod was selected (or none): everything starts over for it."""
        previous = self.entry.key if self.entry is not None else None
        self.entry = entry
        if entry is None or entry.key != previous:
            self._close_logs()
            self.query_one(StatsTab).clear()
            self.query_one(ManifestTab).revealed = False
            self.border_title = f" {entry.key} " if entry else " no pod "
        self._refresh_active(selection_changed=True)

    def pod_changed(self, entry: PodEntry) -> None:
        """The selected pod's object changed."""
        self.entry = entry
        tab = self.active_tab
        if tab == "status":
            self._render_status()
            self._ages_shown()
        if self.pod_logs is not None and self._logs_key == entry.key:
            signature = attempts_signature(entry.pod)
            if signature != self._logs_signature:
                self._logs_signature = signature
                self._rediscover_logs(entry)
        if tab == "manifest" and entry.manifest is None:
            self.query_one(ManifestTab).show(entry)
        if tab == "stats":
            self.query_one(StatsTab).set_exited(exited_containers(entry.pod))

    def events_changed(self) -> None:
        """An event of the selected pod was recorded."""
        if self.active_tab == "events" and self.entry is not None:
            self.query_one(EventsTable).show(self.source.events_for(self.entry))
            self._ages_shown()

    def manifest_changed(self, path: str) -> None:
        """A manifest file changed on disk (its problems were re-published)."""
        if self.active_tab == "manifest" and self.entry is not None and self.entry.manifest == path:
            self.query_one(ManifestTab).show(self.entry)

    def pulls_changed(self) -> None:
        """Pull progress moved."""
        if self.active_tab == "status":
            self.query_one(StatusTab).show_pulls(self.entry, self.source.pulls)

    def tick(self) -> None:
        """Ages on the visible tab, when one of them reads differently by now."""
        tab = self.active_tab
        if tab == "status":
            due = self.query_one(StatusTab).due
            if due is not None and due <= self.clock():
                self._render_status(only_if_changed=True)
        elif tab == "events":
            self.query_one(EventsTable).tick()

    def next_tick(self) -> datetime | None:
        """When an age on the visible tab next reads differently (None: none shown)."""
        tab = self.active_tab
        if tab == "status":
            return self.query_one(StatusTab).due
        if tab == "events":
            return self.query_one(EventsTable).due
        return None

    def _ages_shown(self) -> None:
        """Tell the app what is shown now, so its age tick comes in time for it."""
        self.post_message(self.AgesShown(self, self.next_tick()))

    def toggle_reveal(self) -> bool:
        """``x``: show or mask Secret values in the Manifest tab; returns the new state."""
        manifest = self.query_one(ManifestTab)
        manifest.toggle_reveal()
        return manifest.revealed

    # -- tabs -----------------------------------------------------------------------------
    def on_tabbed_content_tab_activated(self, message: TabbedContent.TabActivated) -> None:
        """Start the new tab's work and stop the old one's."""
        message.stop()
        self._refresh_active()

    def _refresh_active(self, selection_changed: bool = False) -> None:
        self._show_active()
        self._ages_shown()

    def _show_active(self) -> None:
        tab = self.active_tab
        entry = self.entry
        stats = self.query_one(StatsTab)
        if tab != "stats":
            stats.stop()
        if tab == "status":
            self._render_status()
            self.query_one(StatusTab).show_pulls(entry, self.source.pulls)
        elif tab == "logs":
            self._ensure_logs()
        elif tab == "manifest":
            self.query_one(ManifestTab).show(entry)
        elif tab == "events":
            events = self.source.events_for(entry) if entry is not None else []
            self.query_one(EventsTable).show(events)
        elif tab == "stats":
            if entry is None or entry.offline:
                stats.clear("no pod selected" if entry is None else "Podman cannot be reached")
            else:
                source, chosen = self.source, entry
                stats.set_exited(exited_containers(entry.pod))
                stats.start(entry.key, lambda: source.sample_stats(chosen))

    def _render_status(self, *, only_if_changed: bool = False) -> None:
        self.query_one(StatusTab).show(self.entry, self.clock(), only_if_changed=only_if_changed)

    # -- logs -----------------------------------------------------------------------------
    def _hint(self, text: str) -> None:
        hint = self.query_one("#logs-hint", Static)
        hint.update(Text(text, style="dim"))
        hint.display = bool(text)

    def _ensure_logs(self) -> None:
        entry = self.entry
        if entry is None:
            self._hint("No pod selected.")
            return
        if self._logs_key == entry.key:
            return
        if entry.offline:
            self._hint("Podman cannot be reached: logs are not available.")
            return
        self._close_logs()
        self._logs_key = entry.key
        self._logs_generation += 1
        generation, key, source = self._logs_generation, entry.key, self.source
        self._logs_signature = attempts_signature(entry.pod)
        self._hint(f"opening the log of {entry.key}…")

        def open_logs() -> None:
            pod_logs = source.open_logs(entry)
            self.post_message(self.LogsOpened(self, key, generation, pod_logs))

        self.app.run_worker(
            open_logs, thread=True, group="logs", exit_on_error=False, name=f"open logs of {key}"
        )

    def on_pod_detail_logs_opened(self, message: LogsOpened) -> None:
        """Mount the log view, unless the user moved on meanwhile."""
        message.stop()
        if message.generation != self._logs_generation or message.key != self._logs_key:
            message.pod_logs.close()
            return
        self.pod_logs = message.pod_logs
        self._hint("")
        timestamps, wrap = self._log_options
        view = LogView(
            message.pod_logs,
            id="pod-log",
            timestamps=timestamps,
            wrap=wrap,
            save_name=message.key.replace("/", "_"),
        )
        self.query_one("#logs-pane").mount(view)
        if self._focus_logs or self.active_tab == "logs" and self._wants_focus():
            self._focus_logs = False
            view.focus()

    def _wants_focus(self) -> bool:
        focused = self.app.focused
        return focused is not None and self in focused.ancestors_with_self

    def _rediscover_logs(self, entry: PodEntry) -> None:
        pod_logs, source = self.pod_logs, self.source
        if pod_logs is None:
            return

        def discover() -> None:
            for instance in source.discover_logs(entry):
                pod_logs.add_instance(instance)

        self.app.run_worker(
            discover, thread=True, group="logs-discover", exit_on_error=False, name="find new attempts"
        )

    def _close_logs(self) -> None:
        for view in self.query(LogView):  # t and w stay as the user set them, pod to pod
            self._log_options = (view.timestamps, view.wrap)
        self._logs_key = None
        self._logs_generation += 1
        removal = self.query(LogView).remove()
        pod_logs, self.pod_logs = self.pod_logs, None
        if pod_logs is None:
            return

        async def close_when_removed() -> None:
            # the view reads the files until it is gone; close them after
            await removal
            pod_logs.close()

        self.app.run_worker(close_when_removed(), group="logs-close", exit_on_error=False, name="close logs")

    def on_unmount(self) -> None:
        """Release the log files."""
        if self.pod_logs is not None:
            self.pod_logs.close()
            self.pod_logs = None
