"""The app's keys and hints on the fake engine: focus, the cursor, the filter, the viewer.

These need no Podman: they are about what the screen does with what the engine says. The
engine's behaviour itself is tested against real Podman (test_app_podman.py).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from app_helpers import painted_text, wait_until
from fake_engine import FIXED, WEB_YAML, FakeSession, demo_pods, snapshot_settings, write_manifests
from textual.pilot import Pilot
from textual.widgets import Label, TabbedContent

from tui.podman.log_files import LogInstance, PodLogs
from tui.podman.log_format import STDOUT, format_record
from tui.reconciler.updates import PodChanged, PodRemoved, RoleChanged
from tui.screen import launch
from tui.screen.app import MARKERS, PodtuiApp, make_app
from tui.screen.editor_modals import ConfirmLeave
from tui.screen.help_screen import HelpScreen
from tui.screen.log_view import LogView
from tui.screen.manifest_editor import ManifestEditorScreen
from tui.screen.modals import ConfirmDelete
from tui.screen.pod_form import NewPodScreen
from tui.screen.pod_table import MIN_WIDTHS, PodTable
from tui.screen.pods_screen import RECONCILER_ONLY, PodsScreen

PODS = len(demo_pods())
VIEWER_DETAIL = "viewing: pid 4242 reconciles /tmp/podtui-snapshot/manifests"


class ViewerSession(FakeSession):
    """The demo pods, seen by a podtui that is a viewer (pid 4242 reconciles)."""

    async def start(self) -> None:
        """Publish the pods, then say this one only views the folder."""
        await super().start()
        self.role = "viewer"
        self.engine.publish(RoleChanged("viewer", VIEWER_DETAIL))


def build(session: type[FakeSession] = FakeSession) -> PodtuiApp:
    write_manifests()
    return make_app(snapshot_settings(), session_factory=session, clock=lambda: FIXED, tick_seconds=0)


async def loaded(pilot: Pilot[int]) -> PodtuiApp:
    app = pilot.app
    assert isinstance(app, PodtuiApp)
    await wait_until(pilot, lambda: app.pods_screen.table.row_count == PODS, 10, "the demo pods")
    return app


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every notification's text, in order."""
    found: list[str] = []
    original = PodtuiApp.notify

    def notify(self: PodtuiApp, message: str, *args: Any, **kwargs: Any) -> None:
        found.append(message)
        original(self, message, *args, **kwargs)

    monkeypatch.setattr(PodtuiApp, "notify", notify)
    yield found


# -- a: escape goes back to the list -------------------------------------------------------


def log_of(tmp_path: Path) -> PodLogs:
    path = tmp_path / "web.log"
    path.write_bytes(format_record("2026-03-01T11:59:00.000000000+00:00", STDOUT, "hello"))
    return PodLogs("web", [LogInstance("nginx", 0, "nginx-0", path, started_at=FIXED)])


async def test_escape_from_every_detail_tab_returns_to_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[PodLogs] = []

    def open_logs(self: PodtuiApp, entry: Any) -> PodLogs:
        opened.append(log_of(tmp_path))
        return opened[-1]

    monkeypatch.setattr(PodtuiApp, "open_logs", open_logs)
    app = build()
    try:
        async with app.run_test(size=(130, 40)) as pilot:
            await loaded(pilot)
            table = app.pods_screen.table
            for number, tab in enumerate(("status", "logs", "manifest", "events", "stats"), 1):
                await pilot.press(str(number), "enter")
                if tab == "logs":
                    await wait_until(pilot, lambda: isinstance(app.focused, LogView), 10, "the log")
                await pilot.pause()
                assert app.focused is not table and app.pods_screen.detail in app.focused.ancestors
                await pilot.press("escape")
                assert app.focused is table, f"escape from the {tab} tab"
            # the tab bar itself counts as the detail pane too
            app.pods_screen.detail.query_one(TabbedContent).query_one("Tabs").focus()
            await pilot.press("escape")
            assert app.focused is table
    finally:
        for pod_logs in opened:
            pod_logs.close()


async def test_log_timestamps_and_wrap_stay_when_another_pod_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[PodLogs] = []

    def open_logs(self: PodtuiApp, entry: Any) -> PodLogs:
        opened.append(log_of(tmp_path))
        return opened[-1]

    monkeypatch.setattr(PodtuiApp, "open_logs", open_logs)
    app = build()
    try:
        async with app.run_test(size=(130, 40)) as pilot:
            await loaded(pilot)
            table = app.pods_screen.table
            assert table.select("default/web")
            await pilot.press("l")
            await wait_until(pilot, lambda: isinstance(app.focused, LogView), 10, "the log")
            first = app.focused
            assert isinstance(first, LogView) and first.save_name == "default_web"
            await pilot.press("t", "w", "escape")
            assert first.timestamps and first.wrap
            await pilot.press("down")  # default/worker
            await wait_until(
                pilot,
                lambda: any(v is not first for v in app.pods_screen.detail.query(LogView)),
                10,
                "the next pod's log",
            )
            second = app.pods_screen.detail.query_one(LogView)
            assert second.save_name == "default_worker"
            assert second.timestamps and second.wrap
    finally:
        for pod_logs in opened:
            pod_logs.close()


# -- k: the cursor starts on the first row and stays on its pod ----------------------------


async def test_cursor_starts_on_the_first_row_then_stays_on_its_pod() -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        table = app.pods_screen.table
        assert table.cursor_row == 0
        assert table.selected is not None and table.selected.key == table.visible_keys[0]
        assert app.pods_screen.detail.entry is table.selected
        await pilot.press("j", "j")
        chosen = table.selected
        assert chosen is not None and table.cursor_row == 2
        early = copy.deepcopy(demo_pods()[0][0])
        early["metadata"]["name"] = "aaa-first"
        engine = app.engine
        engine.publish(PodChanged("default", "aaa-first", early, True))
        await wait_until(pilot, lambda: table.row_count == PODS + 1, 10, "the new pod")
        assert table.selected is chosen and table.cursor_row == 3


async def test_the_first_row_stays_selected_while_pods_arrive() -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        table = app.pods_screen.table
        early = copy.deepcopy(demo_pods()[0][0])
        early["metadata"]["name"] = "aaa-first"
        app.engine.publish(PodChanged("default", "aaa-first", early, True))
        await wait_until(pilot, lambda: table.row_count == PODS + 1, 10, "the new pod")
        assert table.cursor_row == 0 and table.selected is not None
        assert table.selected.key == "default/aaa-first"


# -- i: a filter that matches nothing says so ---------------------------------------------


async def test_a_filter_matching_nothing_shows_a_hint_that_escape_clears() -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        screen = app.pods_screen
        hint = screen.query_one("#empty-hint")
        assert not hint.display and screen.hint_text == ""
        await pilot.press("slash", *"xyz")
        await pilot.pause()
        assert screen.table.row_count == 0
        assert screen.hint_text == "no pods match 'xyz' — esc clears the filter"
        assert hint.display and "no pods match 'xyz'" in str(hint.render())
        await pilot.press("escape")
        await pilot.pause()
        assert screen.table.row_count == PODS and not hint.display
        await pilot.press("colon", *"ns nowhere", "enter")
        await pilot.pause()
        assert screen.hint_text.startswith("no pods in namespace nowhere")


# -- j: columns keep their width as values change ------------------------------------------


async def test_status_restarts_and_age_columns_keep_their_width() -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        table: PodTable = app.pods_screen.table
        widths = {key: table.columns[key].get_render_width(table) for key in MIN_WIDTHS}  # type: ignore[index]
        web = copy.deepcopy(demo_pods()[0][0])
        main = web["status"]["containerStatuses"][0]
        main["restartCount"] = 12
        main["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": "2026-03-01T11:50:01Z"}}
        main["state"] = {"waiting": {"reason": "ContainerCreating"}}
        web["metadata"]["creationTimestamp"] = "2026-03-01T11:50:01Z"  # 9m59s
        app.engine.publish(PodChanged("default", "web", web, True))
        await wait_until(
            pilot, lambda: table.cell_text("default/web", "restarts").startswith("12 ("), 10, "web"
        )
        assert table.cell_text("default/web", "restarts") == "12 (9m59s ago)"
        assert table.cell_text("default/web", "status") == "ContainerCreating"
        assert table.cell_text("default/web", "age") == "9m59s"
        after = {key: table.columns[key].get_render_width(table) for key in MIN_WIDTHS}  # type: ignore[index]
        assert after == widths


async def test_a_column_narrows_again_when_its_widest_pod_goes() -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        table: PodTable = app.pods_screen.table

        def name_width() -> int:  # columns are laid out again when one is hidden or shown
            return table.columns["name"].content_width  # type: ignore[index]

        before = name_width()
        long = copy.deepcopy(demo_pods()[0][0])
        long["metadata"]["name"] = "a-pod-with-a-very-long-name-indeed"
        app.engine.publish(PodChanged("default", long["metadata"]["name"], long, True))
        await wait_until(pilot, lambda: table.row_count == PODS + 1, 10, "the long one")
        assert name_width() == len("a-pod-with-a-very-long-name-indeed")
        app.engine.publish(PodRemoved("default", long["metadata"]["name"]))
        await wait_until(pilot, lambda: table.row_count == PODS, 10, "it to go")
        await wait_until(pilot, lambda: not table.hidden, 10, "every column back")
        assert name_width() == before
        assert table.columns["status"].content_width == MIN_WIDTHS["status"]  # type: ignore[index]


# -- e: a viewer hides what only the reconciler does ---------------------------------------


async def test_a_viewer_refuses_only_restart_and_does_the_folder_edits(notes: list[str]) -> None:
    app = build(ViewerSession)
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        await wait_until(pilot, lambda: app.role == "viewer", 10, "the viewer role")
        await pilot.pause()
        shown = {
            active.binding.action
            for active in app.screen.active_bindings.values()
            if active.binding.show
        }
        assert {"restart"} == RECONCILER_ONLY and "restart" not in shown
        assert {"logs", "describe", "shell", "edit", "new", "delete"} <= shown
        before = len(notes)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PodsScreen)
        assert len(notes) == before + 1, notes[before:]
        assert "viewer" in notes[-1] and "pid 4242" in notes[-1] and "restart" in notes[-1]
        assert app.engine.commands == []
        assert app.pods_screen.table.select("default/web")
        await pilot.press("e")  # web.yaml: the editor opens
        await wait_until(pilot, lambda: isinstance(app.screen, ManifestEditorScreen), 10, "the editor")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PodsScreen), 10, "the list")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewPodScreen), 10, "the form")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PodsScreen), 10, "the list")
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDelete), 10, "the question")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, PodsScreen), 10, "the list")
        assert len(notes) == before + 1  # no more refusals


async def test_a_viewer_deletes_only_the_pod_document_then_the_row_goes(tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    folder.mkdir()
    web = folder / "web.yaml"
    web.write_text(WEB_YAML)
    settings = dataclasses.replace(snapshot_settings(), manifests_dir=folder)
    app = make_app(settings, session_factory=ViewerSession, clock=lambda: FIXED, tick_seconds=0)
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        await wait_until(pilot, lambda: app.role == "viewer", 10, "the viewer role")
        entry = app.pods_screen.table.entry("default/web")
        assert entry is not None
        pod = copy.deepcopy(entry.pod)
        pod["metadata"]["annotations"]["podtui.io/manifest"] = str(web)
        app.engine.publish(PodChanged("default", "web", pod, True))
        await wait_until(pilot, lambda: app.pods_screen.table.entry("default/web").manifest == str(web), 10, "web")  # type: ignore[union-attr]
        assert app.pods_screen.table.select("default/web")
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDelete), 10, "the question")
        question = app.screen
        assert isinstance(question, ConfirmDelete) and "secret/web-secret" in question.consequence
        await pilot.press("y")
        await wait_until(pilot, lambda: "kind: Pod" not in web.read_text(), 10, "the edit")
        assert [d["kind"] for d in yaml.safe_load_all(web.read_text())] == ["Secret"]
        assert web.read_text().startswith("# The web pod and its credentials.")
        assert app.engine.commands == []  # a folder edit: the reconciling podtui stops the pod
        assert "default/web" in app.pods_screen.table.rows
        app.engine.publish(PodRemoved("default", "web"))  # what the reconciler then reports
        await wait_until(pilot, lambda: "default/web" not in app.pods_screen.table.rows, 10, "the row gone")


async def test_a_reconciler_shows_the_mutating_keys() -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        await wait_until(pilot, lambda: app.role == "reconciler", 10, "the role")
        shown = {a.binding.action for a in app.screen.active_bindings.values() if a.binding.show}
        assert shown >= RECONCILER_ONLY
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewPodScreen), 10, "the form")


# -- f: the delete question fits ------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (130, 40)])
async def test_the_delete_question_wraps_inside_its_dialog(size: tuple[int, int]) -> None:
    app = build()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        question = ConfirmDelete(
            "production/a-rather-long-pod-name-for-the-api-gateway",
            "The pod is stopped and its document is removed from gateway-and-friends.yaml "
            "(the file declares other pods too).",
        )
        app.push_screen(question)
        await pilot.pause()
        dialog = question.query_one("#confirm-dialog")
        inside = dialog.content_region
        for label in question.query(Label):
            assert inside.contains_region(label.region), str(label.render())
        consequence = question.query_one("#confirm-consequence", Label)
        assert consequence.region.height >= 2  # wrapped, not cut off
        assert inside.contains_region(question.query_one("#confirm-yes").region)


# -- g: help has every panel's keys and the markers ------------------------------------------


async def test_help_has_editor_and_form_keys_and_explains_the_markers() -> None:
    app = build()
    async with app.run_test(size=(130, 40)) as pilot:
        await loaded(pilot)
        sections = dict(app.help_sections())
        assert "Markers in the list" in sections
        editor = " | ".join(text for _, text in sections["Manifest editor ( e )"])
        for binding in ManifestEditorScreen.BINDINGS:
            assert binding.tooltip in editor  # type: ignore[union-attr]
        form = " | ".join(f"{key} {text}" for key, text in sections["New pod form ( n )"])
        assert "Add a row" in form and "Remove the row" in form and "manifests/NAME.yaml" in form
        markers = dict(sections["Markers in the list"])
        assert "did not create" in markers["ro"] and "last good pod" in markers["⚠"]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        for key, text in MARKERS:
            assert painted_text(app, text.split(":")[0][:40]), key


# -- l: ctrl+q in an editor with unsaved changes asks ----------------------------------------


@pytest.fixture
def manifest_file(tmp_path: Path) -> Path:
    path = tmp_path / "manifests" / "solo.yaml"
    path.parent.mkdir()
    path.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  containers:\n"
        "    - name: main\n      image: localhost/podtui/busybox:latest\n"
    )
    return path


async def open_editor(pilot: Pilot[int], app: PodtuiApp, path: Path) -> ManifestEditorScreen:
    app.open_editor(str(path))
    await wait_until(pilot, lambda: isinstance(app.screen, ManifestEditorScreen), 10, "the editor")
    editor = app.screen
    assert isinstance(editor, ManifestEditorScreen)
    return editor


async def test_ctrl_q_in_a_modified_editor_asks_and_cancel_stays(manifest_file: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        editor = await open_editor(pilot, app, manifest_file)
        editor.text_area.move_cursor((3, 12))
        await pilot.press("x")
        assert editor.modified
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmLeave), 10, "the question")
        assert app.return_code is None
        await pilot.press("escape")  # cancel
        await wait_until(pilot, lambda: app.screen is editor and not editor._busy, 10, "editor")
        assert app.return_code is None and editor.modified
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmLeave), 10, "the question")
        await pilot.press("s")  # save, then quit
        await wait_until(pilot, lambda: app.return_code is not None, 10, "the quit")
    assert app.return_code == 0
    assert "name: solox" in manifest_file.read_text()


async def test_ctrl_q_in_a_modified_editor_can_discard_and_quit(manifest_file: Path) -> None:
    before = manifest_file.read_text()
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        editor = await open_editor(pilot, app, manifest_file)
        await pilot.press("x")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmLeave), 10, "the question")
        await pilot.press("d")
        await wait_until(pilot, lambda: app.return_code is not None, 10, "the quit")
    assert manifest_file.read_text() == before  # discarded, never written
    assert not editor.is_attached


async def test_ctrl_q_in_an_unmodified_editor_quits_at_once(manifest_file: Path) -> None:
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await open_editor(pilot, app, manifest_file)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app.return_code is not None, 10, "the quit")
    assert app.return_code == 0


async def open_form(pilot: Pilot[int], app: PodtuiApp, folder: Path) -> NewPodScreen:
    folder.mkdir(exist_ok=True)
    form = NewPodScreen(folder)
    app.push_screen(form)
    await wait_until(pilot, lambda: app.screen is form and form.is_mounted, 10, "the form")
    form.show_form()
    await pilot.pause()
    return form


async def test_ctrl_q_in_a_filled_form_asks_and_cancel_then_discard(tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        form = await open_form(pilot, app, folder)
        assert not form.modified
        await pilot.press("w", "e", "b")
        await wait_until(pilot, lambda: form.modified, 10, "typed content")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmLeave), 10, "the question")
        await pilot.press("escape")  # cancel: the form stays, with its text
        await wait_until(pilot, lambda: app.screen is form, 10, "the form again")
        assert app.return_code is None and form.form.values().name == "web"
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmLeave), 10, "the question")
        await pilot.press("d")
        await wait_until(pilot, lambda: app.return_code is not None, 10, "the quit")
    assert app.return_code == 0
    assert list(folder.iterdir()) == []


async def test_ctrl_q_in_a_filled_form_can_create_then_quit(tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        form = await open_form(pilot, app, folder)
        await pilot.press("w", "e", "b")
        await wait_until(pilot, lambda: form.modified, 10, "typed content")
        preview = form.preview_text
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmLeave), 10, "the question")
        await pilot.press("s")
        await wait_until(pilot, lambda: app.return_code is not None, 10, "the quit")
    assert (folder / "web.yaml").read_text() == preview


async def test_ctrl_q_in_an_untouched_form_quits_at_once(tmp_path: Path) -> None:
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await open_form(pilot, app, tmp_path / "manifests")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app.return_code is not None, 10, "the quit")
    assert app.return_code == 0


# -- m: one line after the terminal is restored ---------------------------------------------


class StubApp:
    """What launch_app reads from the app, after ``run`` returned."""

    def __init__(self, role: str, fatal: str | None = None) -> None:
        self.role = role
        self.fatal_message = fatal
        self.return_code = 0
        self.one_line_errors = False
        self.ran = False

    def run(self) -> None:
        self.ran = True


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "reconciler",
            "podtui: stopped; pods keep running (podtui serve or podtui reconciles them again)\n",
        ),
        ("viewer", "podtui: viewer closed\n"),
        ("", ""),  # never reached Podman: nothing to say about pods
    ],
)
def test_quitting_prints_what_happens_to_the_pods(
    role: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import tui.screen.app as app_module

    stub = StubApp(role)
    monkeypatch.setattr(app_module, "make_app", lambda settings: stub)
    monkeypatch.setenv("PODTUI_STATE_DIR", str(tmp_path / "state"))
    code = launch.launch_app(argparse.Namespace(manifests=tmp_path / "manifests"))
    assert stub.ran and code == 0
    assert capsys.readouterr().out == expected


def test_a_fatal_error_prints_only_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tui.screen.app as app_module

    stub = StubApp("reconciler", fatal="Podman went away")
    monkeypatch.setattr(app_module, "make_app", lambda settings: stub)
    monkeypatch.setenv("PODTUI_STATE_DIR", str(tmp_path / "state"))
    assert launch.launch_app(argparse.Namespace(manifests=tmp_path / "manifests")) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Podman went away" in captured.err
