"""The podtui terminal app: the factory, the engine's messages, and the pod commands.

Flow: ``Session`` -> engine listeners -> ``EngineBridge`` messages -> the handlers here ->
``PodsScreen`` widgets. Keys on the screen ask the app; the app runs I/O (connect,
delete, restart, shell, browser) in ``@work`` workers, and every worker failure lands in
``on_worker_state_changed`` as one notification.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from textual import work
from textual.app import App, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from tui.config import Settings
from tui.errors import PodtuiError
from tui.podman.log_files import LogInstance, PodLogs, discover_instances, open_pod_logs
from tui.screen.age_clock import earliest
from tui.screen.commands import PodtuiCommands
from tui.screen.engine_bridge import EngineBridge
from tui.screen.events_tab import EventsScreen
from tui.screen.help_screen import HelpScreen, binding_rows
from tui.screen.invalid_files import InvalidFile, InvalidFilesScreen, invalid_files
from tui.screen.modals import ConfirmDelete, JumpPrompt
from tui.screen.pod_actions import (
    can_open_browser,
    delete_plan,
    first_port_url,
    remove_pod_document,
    shell_command,
)
from tui.screen.pod_detail import PodDetail
from tui.screen.pod_table import PodEntry, PodTable, pod_key
from tui.screen.pods_screen import PodsScreen
from tui.screen.stats_tab import ContainerSample, samples_from_pod_stats
from tui.status.events import Event

log = logging.getLogger(__name__)

#: What the marks after a pod's name mean (the help screen explains them).
MARKERS = [
    ("ro", "A Podman pod podtui did not create (namespace podman): shown, never changed"),
    ("⚠", "Its manifest is invalid: the last good pod keeps running; the first error is "
     "in the Status tab and on hover"),
    ("viewer", "Another podtui reconciles the folder: it applies what e, n and ctrl+d write; "
     "r (restart) is done there"),
]
#: The age tick fires this long after an age's edge (timers may wake a little early).
TICK_SLACK = 0.01
#: ... and looks at least this often, whatever it was told (a safety net).
MAX_TICK_WAIT = 60.0
RETRY_FIRST = 1.0
RETRY_CAP = 15.0
Clock = Callable[[], datetime]


class SessionLike(Protocol):
    """What the app needs from ``tui.session.Session`` (the snapshot tests pass a fake)."""

    engine: Any

    @property
    def role(self) -> str: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


SessionFactory = Callable[[Settings], SessionLike]


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def one_line(error: BaseException | None) -> str:
    """An error as one line for a notification."""
    if error is None:
        return "unknown error"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text or type(error).__name__


class PodtuiApp(App[int]):
    """Pods from the manifests folder, live, with k9s's keys."""

    CSS_PATH = "app.tcss"
    TITLE = "podtui"
    COMMANDS: ClassVar = {PodtuiCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key, by panel"),
        Binding("colon", "jump", "Jump", id="app.jump", tooltip="Jump: :pods, :events, :problems, :ns NAME, :ns all"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit podtui (pods keep running)"),
    ]

    @dataclass
    class Connected(Message):
        """The session started (posted by the connect worker)."""

        session: Any

    @dataclass
    class OfflineSnapshot(Message):
        """Pods last saved in the state directory, shown while Podman is unreachable."""

        pods: list[tuple[str, str, dict[str, Any], bool]]

    def __init__(
        self,
        settings: Settings,
        *,
        session_factory: SessionFactory,
        clock: Clock | None = None,
        tick_seconds: float = MAX_TICK_WAIT,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock: Clock = clock or utc_now
        self.session_factory = session_factory
        self.session: SessionLike | None = None
        self._starting: SessionLike | None = None
        self.bridge = EngineBridge(self)
        self.pull_progress: dict[str, EngineBridge.PullUpdated] = {}
        self.file_problems: dict[str, list[str]] = {}
        self.role = ""
        self.role_detail = ""
        self.tick_seconds = tick_seconds
        self._tick_timer: Timer | None = None
        self._tick_due: datetime | None = None
        self.one_line_errors = False
        self.fatal_message: str | None = None
        self._select_manifest: str | None = None
        self._pods_screen: PodsScreen | None = None

    # -- screens ---------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        """The pod screen is the bottom of the stack."""
        self._pods_screen = PodsScreen(self)
        return self._pods_screen

    @property
    def pods_screen(self) -> PodsScreen:
        """The main screen."""
        assert self._pods_screen is not None
        return self._pods_screen

    def _live(self) -> PodsScreen | None:
        """The pod screen while it can be updated (None before it is built and while closing)."""
        screen = self._pods_screen
        if screen is None or not screen.is_running:
            return None
        try:
            table = screen.table
        except NoMatches:
            return None
        return screen if table.is_running else None

    @property
    def engine(self) -> Any | None:
        """The engine whose updates are shown (also while its session is still starting)."""
        session = self.session or self._starting
        return session.engine if session is not None else None

    # -- ages ------------------------------------------------------------------------------
    # Ages ("12s", "5m30s", "(40s ago)") are repainted at the moment one of the shown ones
    # reads differently, not every second: a list of pods older than ten minutes wakes the
    # app once a minute, and a screen that shows no age never.

    def schedule_tick(self, due: datetime | None = None) -> None:
        """Arm the age tick for the first moment a shown age moves on.

        ``due`` (something new on screen changes then) only ever brings the tick forward;
        without it the whole screen is asked.
        """
        if not self.tick_seconds:
            return
        if due is None:
            screen = self._live()
            if screen is None:
                return
            dues = [screen.table.next_tick(), screen.detail.next_tick()]
            dues += [s.next_tick() for s in self.screen_stack if isinstance(s, EventsScreen)]
            due = earliest(dues)
            if due is None:
                self._stop_tick()
                return
        elif self._tick_due is not None and self._tick_due <= due:
            return  # armed for earlier already
        self._stop_tick()
        wait = (due - self.clock()).total_seconds() + TICK_SLACK
        self._tick_due = due
        self._tick_timer = self.set_timer(
            min(max(wait, TICK_SLACK), self.tick_seconds), self._tick, name="ages"
        )

    def _stop_tick(self) -> None:
        if self._tick_timer is not None:
            self._tick_timer.stop()
        self._tick_timer = self._tick_due = None

    def _tick(self) -> None:
        self._tick_timer = self._tick_due = None
        screen = self._live()
        if screen is None:
            return
        screen.table.tick()
        screen.detail.tick()
        for stacked in self.screen_stack:
            if isinstance(stacked, EventsScreen):
                stacked.tick()
        self.schedule_tick()

    def on_pod_table_ages_shown(self, message: PodTable.AgesShown) -> None:
        """Other rows came into view: the tick may be due sooner."""
        if message.due is not None:
            self.schedule_tick(message.due)

    def on_pod_detail_ages_shown(self, message: PodDetail.AgesShown) -> None:
        """The detail pane shows other ages: the tick may be due sooner."""
        if message.due is not None:
            self.schedule_tick(message.due)

    # -- connecting ------------------------------------------------------------------------
    @work(group="session", exclusive=True, exit_on_error=False, name="connect to Podman")
    async def connect(self) -> None:
        """Start a session; while Podman cannot be reached, say so and retry with back-off."""
        delay = RETRY_FIRST
        offline_shown = False
        while True:
            session = self.session_factory(self.settings)
            self._starting = session
            self.bridge.attach(session.engine)
            try:
                await session.start()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - any failure to start means "retry"
                log.info("could not start the session: %s", error)
                self.bridge.detach()
                self._starting = None
                with contextlib.suppress(Exception):
                    await session.close()
                self.post_message(
                    EngineBridge.ConnectionUpdated(
                        False, detail=f"disconnected, retrying: {one_line(error)}"
                    )
                )
                if not offline_shown:
                    offline_shown = True
                    pods = await asyncio.to_thread(_saved_pods, session)
                    self.post_message(self.OfflineSnapshot(pods))
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_CAP)
                continue
            self._starting = None
            self.post_message(self.Connected(session))
            return

    def on_podtui_app_connected(self, message: Connected) -> None:
        """Show what the engine knows; drop pods that were only remembered."""
        self.session = message.session
        screen = self._live()
        if screen is None:
            return
        engine = message.session.engine
        self.bridge.replay(engine)
        known = {pod_key(ns, name) for ns, name in getattr(engine, "pods", {})}
        known |= {pod_key("podman", name) for name in getattr(engine, "foreign", {})}
        for key, entry in list(screen.table.entries.items()):
            if entry.offline and key not in known:
                screen.pod_removed(key)

    def on_podtui_app_offline_snapshot(self, message: OfflineSnapshot) -> None:
        """Remembered pods, shown as Unknown until Podman answers."""
        screen = self._live()
        if screen is None:
            return
        for namespace, name, pod, managed in message.pods:
            key = pod_key(namespace, name)
            existing = screen.table.entry(key)
            if existing is None or existing.offline:
                screen.pod_updated(PodEntry(namespace, name, pod, managed, offline=True))
        self.schedule_tick()

    # -- engine messages -------------------------------------------------------------------
    def on_engine_bridge_pod_updated(self, message: EngineBridge.PodUpdated) -> None:
        """A pod changed: its row, and the detail pane when it is selected."""
        screen = self._live()
        if screen is None:
            return
        entry = PodEntry(message.pod_namespace, message.name, message.pod, message.managed)
        screen.pod_updated(entry)
        if entry.age_due is not None:
            self.schedule_tick(entry.age_due)
        if self._select_manifest is not None and entry.manifest == self._select_manifest:
            self._select_manifest = None
            screen.table.select(entry.key)
        from tui.screen.describe_screen import DescribeScreen

        top = self.screen
        if isinstance(top, DescribeScreen) and top.key == entry.key:
            top.update_entry(entry)

    def on_engine_bridge_pod_gone(self, message: EngineBridge.PodGone) -> None:
        """A pod was deleted."""
        screen = self._live()
        if screen is None:
            return
        screen.pod_removed(pod_key(message.pod_namespace, message.name))

    def on_engine_bridge_event_added(self, message: EngineBridge.EventAdded) -> None:
        """An event: the Events tab of its pod and the ``:events`` screen."""
        screen = self._live()
        if screen is None:
            return
        event = message.event
        selected = screen.selected
        if selected is not None and (selected.namespace, selected.name) == (event.namespace, event.pod):
            screen.detail.events_changed()
        for stacked in self.screen_stack:
            if isinstance(stacked, EventsScreen):
                stacked.show(self.all_events())
                self.schedule_tick()

    def on_engine_bridge_connection_updated(self, message: EngineBridge.ConnectionUpdated) -> None:
        """Podman reached or lost."""
        screen = self._live()
        if screen is None:
            return
        screen.header.set_connection(message.connected, message.version, message.detail)

    def on_engine_bridge_pull_updated(self, message: EngineBridge.PullUpdated) -> None:
        """Image pull progress (shown in the Status tab of pods using that image)."""
        screen = self._live()
        if screen is None:
            return
        if message.done:
            self.pull_progress.pop(message.reference, None)
        else:
            self.pull_progress[message.reference] = message
        screen.detail.pulls_changed()

    def on_engine_bridge_reconcile_noted(self, message: EngineBridge.ReconcileNoted) -> None:
        """One line of what the reconciler did."""
        screen = self._live()
        if screen is None:
            return
        screen.header.note(message.message, message.level)

    def on_engine_bridge_file_problems_updated(self, message: EngineBridge.FileProblemsUpdated) -> None:
        """A manifest turned invalid (say so once) or valid again."""
        screen = self._live()
        if screen is None:
            return
        before = self.file_problems.get(message.path, [])
        self.file_problems[message.path] = list(message.problems)
        name = Path(message.path).name
        if message.problems and message.problems != before:
            self.notify(message.problems[0], title=f"⚠ {name}", severity="warning", markup=False)
        elif before and not message.problems:
            self.notify(f"{name} is valid again", title="Manifest", markup=False)
        if not message.problems:
            self.file_problems.pop(message.path, None)
        screen.detail.manifest_changed(message.path)
        self._show_invalid_files()

    def invalid_files(self) -> list[InvalidFile]:
        """Manifest files the reconciler refuses now."""
        return invalid_files(self.file_problems)

    def _show_invalid_files(self) -> None:
        """The count in the pod list's title, and the ``:problems`` screen if it is open."""
        found = self.invalid_files()
        screen = self._live()
        if screen is not None:
            screen.set_invalid_files(len(found))
        for stacked in self.screen_stack:
            if isinstance(stacked, InvalidFilesScreen):
                stacked.show(found)

    def on_invalid_files_screen_edit_requested(self, message: InvalidFilesScreen.EditRequested) -> None:
        """Enter in ``:problems``: the editor on that file, at its first problem."""
        item = message.item
        self.open_editor(item.path, line=item.line, col=item.col)

    def on_engine_bridge_role_updated(self, message: EngineBridge.RoleUpdated) -> None:
        """Reconciler or viewer."""
        was_viewer = self.role == "viewer"
        self.role, self.role_detail = message.role, message.detail
        screen = self._live()
        if screen is None:
            return
        if was_viewer and message.role == "reconciler":
            self.notify("The other podtui exited: this one reconciles the folder now.", title="Role")
        screen.header.set_role(message.role, message.detail)
        screen.refresh_bindings()  # a viewer hides the keys only the reconciler has

    # -- what the detail pane asks (DetailSource) ------------------------------------------
    @property
    def pulls(self) -> Mapping[str, Any]:
        """Pulls in progress by image reference."""
        return self.pull_progress

    def events_for(self, entry: PodEntry) -> list[Event]:
        """A pod's events (oldest first)."""
        engine = self.engine
        if engine is None:
            return []
        return list(engine.recorder.events_for(entry.namespace, entry.name))

    def all_events(self) -> list[Event]:
        """Every event."""
        engine = self.engine
        return list(engine.recorder.all_events()) if engine is not None else []

    def _client(self) -> Any:
        engine = self.engine
        if engine is None or not engine.connected or engine.gateway is None:
            raise PodtuiError("Podman cannot be reached right now")
        return engine.gateway.client

    def open_logs(self, entry: PodEntry) -> PodLogs:
        """Open a pod's log model (worker thread)."""
        return open_pod_logs(self._client(), entry.podman_name)

    def discover_logs(self, entry: PodEntry) -> list[LogInstance]:
        """A pod's container attempts as Podman knows them now (worker thread)."""
        return discover_instances(self._client(), entry.podman_name)

    def sample_stats(self, entry: PodEntry) -> list[ContainerSample]:
        """One ``podman pod stats`` sample of a pod (worker thread)."""
        rows = self._client().pods.stats(name=entry.podman_name, decode=True)
        return samples_from_pod_stats(list(rows or []), entry.podman_name)

    def namespaces(self) -> list[str]:
        """Namespaces of the known pods."""
        return sorted({entry.namespace for entry in self.pods_screen.table.entries.values()})

    # -- pod commands ----------------------------------------------------------------------
    def confirm_delete(self, entry: PodEntry) -> None:
        """Ask, then delete the pod and its declaration."""
        self._delete_after_asking(entry)

    @work(group="delete", exit_on_error=False, name="delete")
    async def _delete_after_asking(self, entry: PodEntry) -> None:
        plan = await asyncio.to_thread(
            delete_plan, entry.namespace, entry.name, entry.manifest, self.settings.manifests_dir
        )
        if not await self.push_screen_wait(ConfirmDelete(entry.key, plan.consequence)):
            return
        if plan.path is not None:
            # a folder edit: whichever podtui reconciles the folder (this one, or the one a
            # viewer watches) stops the pod when it sees the file change
            if not await asyncio.to_thread(remove_pod_document, plan.path, entry.namespace, entry.name):
                self.notify(
                    f"{entry.key} is declared inside a List in {plan.path.name}: edit that file to delete it.",
                    severity="warning",
                    markup=False,
                )
                return
            done = f"removed {plan.path.name}" if plan.kind == "file" else f"removed it from {plan.path.name}"
            self.notify(f"Deleting {entry.key}: {done}", title="Delete", markup=False)
        else:
            engine = self.engine
            if engine is None:
                raise PodtuiError("Podman cannot be reached right now")
            self.notify(f"Deleting {entry.key}", title="Delete")
            if not await engine.delete(entry.namespace, entry.name):
                self.notify(f"{entry.key} was already gone", severity="warning")

    @work(group="restart", exit_on_error=False, name="restart")
    async def restart_pod(self, entry: PodEntry) -> None:
        """Re-create a pod from its spec (only the reconciling podtui can)."""
        engine = self.engine
        if engine is None:
            raise PodtuiError("Podman cannot be reached right now")
        self.notify(f"Restarting {entry.key}", title="Restart")
        if not await engine.restart(entry.namespace, entry.name):
            self.notify(
                f"{entry.key} is not supervised here: only the podtui that reconciles the folder can restart it.",
                severity="warning",
            )

    @work(group="shell", exclusive=True, exit_on_error=False, name="shell")
    async def open_shell(self, entry: PodEntry, container: str, container_id: str) -> None:
        """Suspend the app, run ``podman exec -it <container> sh``, come back."""
        from tui.podman.service import podman_env

        command = shell_command(container_id)
        env = podman_env(self.settings)
        try:
            with self.suspend(), self.batch_update():
                print(f"podtui: shell in {entry.key} ({container}); exit to come back", flush=True)
                process = await asyncio.create_subprocess_exec(*command, env=env)
                code = await process.wait()
        except SuspendNotSupported:
            self.notify(f"This terminal cannot be handed over; run: {' '.join(command)}", severity="warning", markup=False)
            return
        self.refresh(layout=True)
        if code not in (0, 130):
            self.notify(f"The shell ended with exit code {code}", severity="warning")

    def open_port(self, entry: PodEntry) -> None:
        """``o``: the first published port, in a browser or as a URL to copy."""
        url = first_port_url(entry.pod, self.settings.hostport_address)
        if url is None:
            self.notify(f"{entry.key} publishes no port (no hostPort).", severity="warning")
            return
        if not can_open_browser():
            self.copy_to_clipboard(url)
            self.notify(url, title="No browser here: open this URL (copied)", markup=False, timeout=10)
            return
        self._open_browser(url)

    @work(thread=True, group="browser", exit_on_error=False, name="open browser")
    def _open_browser(self, url: str) -> None:
        if not webbrowser.open(url):
            raise PodtuiError(f"no browser could open {url}")

    def open_editor(self, manifest: str, *, line: int | None = None, col: int | None = None) -> None:
        """``e``: the manifest editor (built separately; missing means a notification)."""
        try:
            from tui.screen.manifest_editor import ManifestEditorScreen
        except ImportError as error:
            self.notify(f"The manifest editor is not available: {error}", severity="error", markup=False)
            return

        def closed(_: object = None) -> None:
            self.pods_screen.detail.manifest_changed(manifest)

        self.push_screen(ManifestEditorScreen(Path(manifest), line=line, col=col), closed)

    def open_new_pod(self) -> None:
        """``n``: the new-pod form; the pod it writes is selected when it appears."""
        try:
            from tui.screen.pod_form import NewPodScreen
        except ImportError as error:
            self.notify(f"The new-pod form is not available: {error}", severity="error", markup=False)
            return

        def written(path: Path | None) -> None:
            if path is None:
                return
            self._select_manifest = str(Path(path).resolve())
            self.notify(f"Wrote {Path(path).name}; the pod appears when it is applied.", title="New pod", markup=False)

        self.push_screen(NewPodScreen(self.settings.manifests_dir), written)

    # -- app keys --------------------------------------------------------------------------
    def action_help(self) -> None:
        """``?``: every key."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Keys by where they work, from the bindings themselves, and what the markers mean."""
        from tui.screen.log_view import LogView
        from tui.screen.manifest_editor import ManifestEditorScreen
        from tui.screen.pod_form import NewPodScreen
        from tui.screen.pod_form_fields import RowList

        everywhere = binding_rows(self, type(self).BINDINGS)
        everywhere.append(("ctrl+q", "Quit (asks first when an editor or the new-pod form holds unsaved text)"))
        everywhere.append(("ctrl+p", "Command palette: every action by name"))
        editor = binding_rows(self, ManifestEditorScreen.BINDINGS)
        editor.append(("ctrl+z ctrl+y", "Undo / redo"))
        form = binding_rows(self, NewPodScreen.BINDINGS)
        form += binding_rows(self, RowList.BINDINGS)
        form.append(("tab shift+tab", "Next / previous field"))
        form.append(("enter", "Create, when every field is valid"))
        return [
            ("Pods", binding_rows(self, PodsScreen.BINDINGS)),
            ("Markers in the list", MARKERS),
            ("Logs tab (when the log has focus)", binding_rows(self, LogView.BINDINGS)),
            ("Manifest editor ( e )", editor),
            ("New pod form ( n )", form),
            ("Everywhere", everywhere),
        ]

    async def action_quit(self) -> None:
        """``q`` / ``ctrl+q``: quit (pods keep running); an editor with unsaved changes, or a
        new-pod form with typed content, asks first."""
        from tui.screen.manifest_editor import ManifestEditorScreen
        from tui.screen.pod_form import NewPodScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ManifestEditorScreen | NewPodScreen) and screen.modified:
                screen.leave(then_quit=True)
                return
        self.exit(0)

    def action_jump(self) -> None:
        """``:``: the command line."""
        self.push_screen(JumpPrompt(self.namespaces()), self.run_jump)

    def run_jump(self, text: str | None) -> None:
        """Run a ``:`` command."""
        if not text:
            return
        words = text.strip().lstrip(":").split()
        if not words:
            return
        command, args = words[0].lower(), words[1:]
        if command in ("pods", "pod", "po"):
            self._back_to_pods()
        elif command in ("events", "event", "ev"):
            self._back_to_pods()
            self.push_screen(EventsScreen(self.all_events(), self.clock), lambda _: self.schedule_tick())
            self.call_after_refresh(self.schedule_tick)
        elif command in ("ns", "namespace", "namespaces"):
            target = args[0] if args else "all"
            self._back_to_pods()
            self.pods_screen.show_namespace(None if target == "all" else target)
        elif command in ("problems", "problem", "invalid", "pr"):
            self._back_to_pods()
            self.push_screen(InvalidFilesScreen(self.invalid_files()))
        elif command in ("help", "h", "?"):
            self.action_help()
        elif command in ("q", "quit", "q!", "exit"):
            self.exit(0)
        else:
            self.notify(f"Unknown command :{text.strip().lstrip(':')}", severity="warning", markup=False)

    def _back_to_pods(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    # -- failures --------------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker failure, in one place, as one notification."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            log.warning("%s failed: %s", event.worker.name, one_line(error))
            self.notify(one_line(error), title=f"{event.worker.name} failed", severity="error", markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """When launched for a person, a crash becomes one line (tests keep the traceback)."""
        if not self.one_line_errors:
            super()._handle_exception(error)
            return
        log.error("podtui stopped on an error", exc_info=error)
        self.fatal_message = one_line(error)
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    async def on_unmount(self) -> None:
        """Stop supervising (pods keep running)."""
        self.bridge.detach()
        for session in (self.session, self._starting):
            if session is not None:
                with contextlib.suppress(Exception):
                    await session.close()
        self.session = self._starting = None


def _saved_pods(session: SessionLike) -> list[tuple[str, str, dict[str, Any], bool]]:
    """Pods the state directory remembers (worker thread)."""
    store = getattr(session.engine, "store", None)
    if store is None:
        return []
    found = []
    with contextlib.suppress(Exception):
        for data in store.load_pods().values():
            pod = data.get("pod") if isinstance(data, dict) else None
            if not isinstance(pod, dict):
                continue
            metadata = pod.get("metadata") or {}
            found.append(
                (
                    str(metadata.get("namespace") or "default"),
                    str(metadata.get("name") or ""),
                    pod,
                    bool(data.get("managed", True)),
                )
            )
    return found


def make_app(
    settings: Settings,
    *,
    session_factory: SessionFactory | None = None,
    clock: Clock | None = None,
    tick_seconds: float = MAX_TICK_WAIT,
) -> PodtuiApp:
    """The app for a manifests folder: the command line, tests and screenshots build it here.

    ``tick_seconds`` is the longest the age tick waits between two looks (0: ages never
    move, for pictures with a pinned clock).
    """
    if session_factory is None:
        from tui.session import Session

        session_factory = Session
    return PodtuiApp(settings, session_factory=session_factory, clock=clock, tick_seconds=tick_seconds)


__all__ = ["PodTable", "PodtuiApp", "make_app"]
