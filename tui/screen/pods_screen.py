"""The main screen: header, the pod list (with its ``/`` filter) and the detail pane.

Keys here act on the selected pod; anything that does I/O is handed to the app, which
runs it in a worker and reports failures in one place.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from tui.screen.footer import PodtuiFooter
from tui.screen.header_bar import HeaderBar
from tui.screen.invalid_files import count_text
from tui.screen.modals import PickContainer
from tui.screen.pod_actions import running_containers
from tui.screen.pod_detail import TABS, PodDetail
from tui.screen.pod_table import PodEntry, PodTable

if TYPE_CHECKING:
    from tui.screen.app import PodtuiApp

NEEDS_POD = frozenset(
    {"details", "logs", "describe", "edit", "delete", "restart", "shell", "open_port", "reveal"}
)
#: What only the podtui that reconciles the folder does (a viewer hides these keys). Edit,
#: new and delete are folder edits, which the reconciling podtui applies: a viewer does them.
RECONCILER_ONLY = frozenset({"restart"})
EMPTY_HINT = (
    "No pods yet. Press n to create one, or drop a Pod YAML file into {folder}"
)
NO_MATCH_HINT = "no pods match '{query}' — esc clears the filter"
INVALID_HINT = "{count} in the folder: :problems lists them with their first problem"
NO_NAMESPACE_HINT = "no pods in namespace {namespace} — :ns all shows every namespace"
VIEWER_REFUSAL = (
    "This podtui is a viewer: {who} reconciles the folder, so restart is done there "
    "(e, n and ctrl+d work here: that podtui applies the file). This one takes over when "
    "that one quits."
)


class PodsScreen(Screen[None]):
    """Pods on top, the selected pod's details below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="pods.filter", tooltip="Filter pods by name, label (app=web) or status"),
        Binding("enter", "details", "Details", id="pods.details", tooltip="Focus the detail pane of the selected pod"),
        Binding("l", "logs", "Logs", id="pods.logs", tooltip="Show the selected pod's logs"),
        Binding("d", "describe", "Describe", id="pods.describe", tooltip="kubectl describe the selected pod"),
        Binding("e", "edit", "Edit", id="pods.edit", tooltip="Edit the selected pod's manifest file"),
        Binding("n", "new", "New", id="pods.new", tooltip="Create a new pod (writes manifests/NAME.yaml)"),
        Binding("ctrl+d", "delete", "Delete", id="pods.delete", tooltip="Delete the selected pod and its manifest (asks first)"),
        Binding("r", "restart", "Restart", id="pods.restart", tooltip="Restart the selected pod (re-create its containers)"),
        Binding("s", "shell", "Shell", id="pods.shell", tooltip="Open a shell in a container of the selected pod"),
        Binding("o", "open_port", "Open", id="pods.open", tooltip="Open the first published port in a browser"),
        Binding("x", "reveal", "Secrets", id="pods.reveal", tooltip="Reveal or mask Secret values in the Manifest tab"),
        Binding("escape", "back", "Back", show=False, id="pods.back", tooltip="Back to the pod list / clear the filter"),
        Binding("r", "viewer_refusal", show=False, id="pods.viewer", tooltip="In a viewer: why restart is done in the reconciling podtui"),
        *(
            Binding(str(number), f"show_tab('{tab}')", tab.title(), show=False, id=f"pods.tab.{tab}", tooltip=f"Show the {tab.title()} tab")
            for number, tab in enumerate(TABS, start=1)
        ),
    ]

    def __init__(self, app: PodtuiApp) -> None:
        super().__init__()
        self.podtui = app
        self._hint_text = ""

    def compose(self) -> ComposeResult:
        app = self.podtui
        yield HeaderBar(str(app.settings.manifests_dir), id="header")
        yield Input(placeholder="filter: name, app=web, CrashLoop, !Running  (enter keeps, esc clears)", id="filter")
        with Vertical(id="body"):
            yield PodTable(app.clock, id="pods")
            yield Static("", id="empty-hint")
            yield PodDetail(app, app.clock, id="detail")
        yield PodtuiFooter()

    def on_mount(self) -> None:
        """The list has focus; the filter bar appears on ``/``; now connect."""
        self.query_one("#filter").display = False
        table = self.table
        table.show_title()
        table.focus()
        self.detail.show(None)
        self._update_empty_hint()
        self.podtui.connect()

    # -- parts ------------------------------------------------------------------------------
    @property
    def table(self) -> PodTable:
        """The pod list."""
        return self.query_one(PodTable)

    @property
    def detail(self) -> PodDetail:
        """The detail pane."""
        return self.query_one(PodDetail)

    @property
    def header(self) -> HeaderBar:
        """The header."""
        return self.query_one(HeaderBar)

    @property
    def selected(self) -> PodEntry | None:
        """The pod under the cursor."""
        return self.table.selected

    # -- from the app ----------------------------------------------------------------------
    def pod_updated(self, entry: PodEntry) -> None:
        """A pod changed (or appeared)."""
        self.table.upsert(entry)
        selected = self.selected
        if selected is not None and selected.key == entry.key:
            self.detail.pod_changed(entry)
        self._update_empty_hint()

    def pod_removed(self, key: str) -> None:
        """A pod is gone."""
        self.table.forget(key)
        self._update_empty_hint()

    def set_invalid_files(self, count: int) -> None:
        """How many manifest files the reconciler refuses (the title and the hint say it)."""
        self.table.invalid_files = count
        self._update_empty_hint()

    def show_namespace(self, namespace: str | None) -> None:
        """``:ns NAME`` (None: every namespace)."""
        self.table.set_filter(namespace=namespace)
        self._update_empty_hint()
        self.podtui.schedule_tick()

    def _update_empty_hint(self) -> None:
        """An empty list says why: no pods at all, or none that pass the filter."""
        table = self.table
        text = ""
        if not table.entries:
            text = EMPTY_HINT.format(folder=self.podtui.settings.manifests_dir)
        elif not table.row_count and table.query_text:
            text = NO_MATCH_HINT.format(query=table.query_text)
        elif not table.row_count and table.namespace is not None:
            text = NO_NAMESPACE_HINT.format(namespace=table.namespace)
        if not table.row_count and table.invalid_files:
            invalid = INVALID_HINT.format(count=count_text(table.invalid_files))
            text = f"{text}\n{invalid}" if text else invalid
        hint = self.query_one("#empty-hint", Static)
        if text != self._hint_text:
            self._hint_text = text
            hint.update(Text(text, style="dim"))
        hint.display = bool(text)
        table.show_title()

    @property
    def hint_text(self) -> str:
        """What the hint under the list says ("" when it is hidden)."""
        return self._hint_text

    # -- messages --------------------------------------------------------------------------
    def on_pod_table_pod_selected(self, message: PodTable.PodSelected) -> None:
        """Another pod is selected: the detail pane follows."""
        self.detail.show(self.table.selected)
        self.refresh_bindings()

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        """Enter (or a click on the selected row) opens the details."""
        if message.data_table is self.table:
            message.stop()
            self.action_details()

    def on_input_changed(self, message: Input.Changed) -> None:
        """The filter narrows the list as it is typed."""
        if message.input.id == "filter":
            self.table.set_filter(message.value)
            self._update_empty_hint()
            self.podtui.schedule_tick()  # rows came back, with their ages

    def on_input_submitted(self, message: Input.Submitted) -> None:
        """Enter keeps the filter and goes back to the list."""
        if message.input.id == "filter":
            message.stop()
            if not message.value:
                message.input.display = False
            self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Pod keys are dimmed while no pod is selected; a viewer hides what it cannot do."""
        viewer = self.podtui.role == "viewer"
        if action == "viewer_refusal":
            return viewer  # the hidden binding that answers r in a viewer
        if action in RECONCILER_ONLY and viewer:
            return False
        if action in NEEDS_POD and self.selected is None:
            return None
        return True

    # -- actions ---------------------------------------------------------------------------
    def _pod(self) -> PodEntry | None:
        entry = self.selected
        if entry is None:
            self.notify("No pod selected.", severity="warning")
        return entry

    def _writable(self, verb: str) -> PodEntry | None:
        entry = self._pod()
        if entry is None:
            return None
        if entry.read_only:
            self.notify(
                f"{entry.key} is a Podman pod podtui did not create: it is read-only, cannot {verb} it.",
                severity="warning",
                title="Read-only pod",
            )
            return None
        return entry

    def action_viewer_refusal(self) -> None:
        """A mutating key in a viewer: one message that says where to do it."""
        holder = re.search(r"\bpid (\d+)", self.podtui.role_detail)
        who = f"podtui pid {holder.group(1)}" if holder else "another podtui"
        self.notify(VIEWER_REFUSAL.format(who=who), title="Viewer", severity="warning", markup=False)

    def action_filter(self) -> None:
        """``/``: type a filter."""
        bar = self.query_one("#filter", Input)
        bar.display = True
        bar.focus()

    def action_back(self) -> None:
        """``escape``: close the filter, or leave the detail pane, or clear the filter."""
        bar = self.query_one("#filter", Input)
        focused = self.focused
        if focused is bar:
            bar.value = ""
            bar.display = False
            self.table.focus()
        elif focused is not None and self.detail in focused.ancestors_with_self:
            self.table.focus()
        elif bar.value:
            bar.value = ""
            bar.display = False

    def action_details(self) -> None:
        """``enter``: focus the detail pane."""
        if self._pod() is not None:
            self.detail.focus_content()

    def action_show_tab(self, tab: str) -> None:
        """``1``-``5``: show a tab."""
        self.detail.activate(tab)

    def action_logs(self) -> None:
        """``l``: the Logs tab, focused."""
        if self._pod() is not None:
            self.detail.activate("logs", focus=True)

    def action_describe(self) -> None:
        """``d``: kubectl describe on its own screen."""
        entry = self._pod()
        if entry is not None:
            from tui.screen.describe_screen import DescribeScreen

            self.app.push_screen(DescribeScreen(entry, self.podtui.events_for, self.podtui.clock))

    def action_edit(self) -> None:
        """``e``: edit the manifest file."""
        entry = self._writable("edit")
        if entry is None:
            return
        if not entry.manifest:
            self.notify(f"{entry.key} has no manifest file to edit.", severity="warning")
            return
        self.podtui.open_editor(entry.manifest)

    def action_new(self) -> None:
        """``n``: a new pod from a form or a template."""
        self.podtui.open_new_pod()

    def action_delete(self) -> None:
        """``ctrl+d``: delete after asking."""
        entry = self._writable("delete")
        if entry is not None:
            self.podtui.confirm_delete(entry)

    def action_restart(self) -> None:
        """``r``: re-create the pod's containers."""
        entry = self._writable("restart")
        if entry is not None:
            self.podtui.restart_pod(entry)

    def action_shell(self) -> None:
        """``s``: a shell in a running container (asks which when there are several)."""
        entry = self._pod()
        if entry is None:
            return
        containers = running_containers(entry.pod)
        if not containers:
            self.notify(f"{entry.key} has no running container.", severity="warning")
            return
        if len(containers) == 1:
            self.podtui.open_shell(entry, *containers[0])
            return
        ids = dict(containers)

        def chosen(name: str | None) -> None:
            if name is not None and entry is not None:
                self.podtui.open_shell(entry, name, ids[name])

        self.app.push_screen(PickContainer(f"Shell in which container of {entry.key}?", list(ids)), chosen)

    def action_open_port(self) -> None:
        """``o``: the first published port in a browser."""
        entry = self._pod()
        if entry is not None:
            self.podtui.open_port(entry)

    def action_reveal(self) -> None:
        """``x``: reveal or mask Secret values in the Manifest tab."""
        if self._pod() is None:
            return
        if self.detail.active_tab != "manifest":
            self.detail.activate("manifest")
        shown = self.detail.toggle_reveal()
        self.notify("Secret values shown" if shown else "Secret values masked", timeout=2)

