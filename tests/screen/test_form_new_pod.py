"""The new-pod screen: the choice, the form with live validation and preview, and submit."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Label, OptionList

from tui.manifest import load_text
from tui.screen.manifest_editor import ManifestEditorScreen
from tui.screen.pod_form import AskPodName, NewPodScreen, PodForm
from tui.screen.pod_form_fields import FieldMessage, RowList, TextField

UNSET = object()


class FormHost(App[None]):
    """Pushes the new-pod screen, as the app's ``n`` does, and records the result."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.results: list[Path | None] = []

    def on_mount(self) -> None:
        self.push_screen(NewPodScreen(self.folder), self.results.append)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the app run until ``condition`` holds (bounded)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.01)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "manifests"
    path.mkdir()
    return path


def new_pod(app: App[None]) -> NewPodScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, NewPodScreen)
    return screen


def field(screen: NewPodScreen, key: str) -> TextField:
    return next(f for f in screen.query(TextField) if f.key == key)


def message_of(screen: NewPodScreen, key: str) -> str:
    target = field(screen, key).query_one(FieldMessage)
    return str(target.render()) if target.has_class("-shown") else ""


async def open_form(pilot: Pilot[None], app: FormHost) -> NewPodScreen:
    """Choose "form" in the first step."""
    await pilot.pause()
    screen = new_pod(app)
    assert screen.query_one("#choices", OptionList).has_focus
    await pilot.press("enter")
    await until(pilot, lambda: field(screen, "name").query_one(Input).has_focus)
    return screen


async def type_name(pilot: Pilot[None], screen: NewPodScreen, name: str) -> None:
    await pilot.press(*name)
    await until(pilot, lambda: screen.form.values().name == name and screen.check is not None)
    await pilot.pause()


async def test_an_invalid_name_shows_its_message_under_the_field(folder: Path) -> None:
    app = FormHost(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, app)
        assert "Required value" in message_of(screen, "name")
        await type_name(pilot, screen, "Bad_Name")
        text = message_of(screen, "name")
        assert text.startswith('Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain')
        assert "regex used" not in text  # shortened for the form
        assert field(screen, "name").query_one(Input).has_class("-invalid")
        assert "to fix" in str(screen.query_one("#newpod-status", Label).render())
        await pilot.press("enter")  # refused: nothing written
        await pilot.pause()
        assert list(folder.iterdir()) == [] and app.results == []
        for _ in range(len("Bad_Name")):
            await pilot.press("backspace")
        await type_name(pilot, screen, "good")
        assert message_of(screen, "name") == ""
        assert not field(screen, "name").query_one(Input).has_class("-invalid")


async def test_submit_writes_exactly_the_preview_and_dismisses_with_the_path(folder: Path) -> None:
    app = FormHost(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, app)
        await type_name(pilot, screen, "web-1")
        preview = screen.preview_text
        assert "name: web-1" in preview
        assert load_text(preview).ok
        assert "manifests/web-1.yaml" in str(screen.query_one("#preview-title", Label).render())
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.results))
        path = folder / "web-1.yaml"
        assert app.results == [path]
        assert path.read_bytes() == preview.encode("utf-8")
        assert [p.name for p in folder.iterdir()] == ["web-1.yaml"]


async def test_an_existing_file_is_never_overwritten(folder: Path) -> None:
    (folder / "taken.yaml").write_text("# someone else's\n")
    app = FormHost(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, app)
        await type_name(pilot, screen, "taken")
        assert "manifests/taken.yaml exists already" in message_of(screen, "name")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (folder / "taken.yaml").read_text() == "# someone else's\n"
        assert app.results == []
        assert field(screen, "name").query_one(Input).has_focus


async def test_a_file_appearing_at_submit_is_refused_on_the_name(folder: Path) -> None:
    app = FormHost(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, app)
        await type_name(pilot, screen, "racy")
        assert message_of(screen, "name") == ""
        (folder / "racy.yaml").write_text("# got there first\n")
        screen._write(folder / "racy.yaml", screen.preview_text)  # as submit does
        await until(pilot, lambda: "exists already" in message_of(screen, "name"))
        assert (folder / "racy.yaml").read_text() == "# got there first\n"
        assert app.results == []


async def test_a_pod_declared_in_another_file_is_refused(folder: Path) -> None:
    (folder / "all.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n"
        "    - name: api\n      image: localhost/podtui/busybox:latest\n"
    )
    app = FormHost(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, app)
        await type_name(pilot, screen, "api")
        assert "already declared in all.yaml" in message_of(screen, "name")


async def test_rows_add_and_remove_with_keys_and_show_their_messages(folder: Path) -> None:
    app = FormHost(folder)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_form(pilot, app)
        await type_name(pilot, screen, "web")
        ports = screen.query_one("#ports", RowList)
        first_port = ports.rows()[0].query(Input).first()
        first_port.focus()
        await pilot.press(*"80")
        await pilot.press("tab", *"8080")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: len(ports.rows()) == 2)
        await pilot.press(*"99999")
        await until(
            pilot, lambda: "ports.1.container_port" in (screen.check.errors if screen.check else {})
        )
        second = ports.rows()[1]
        assert "between 1 and 65535" in str(second.query_one(FieldMessage).render())
        assert second.query(Input).first().has_class("-invalid")
        await pilot.press("ctrl+r")  # remove the bad row
        await until(
            pilot, lambda: len(ports.rows()) == 1 and screen.check is not None and screen.check.ok
        )
        assert "containerPort: 80\n" in screen.preview_text
        assert "hostPort: 8080\n" in screen.preview_text


async def test_env_labels_sidecar_and_volume_reach_the_preview(folder: Path) -> None:
    app = FormHost(folder)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await open_form(pilot, app)
        await type_name(pilot, screen, "shop")
        field(screen, "labels").query_one(Input).value = "app=shop,tier=web"
        env = screen.query_one("#env", RowList).rows()[0].query(Input)
        env.first().value = "MODE"
        env.last().value = "prod"
        screen.query_one("#sidecar", Checkbox).value = True
        volume = screen.query_one("#volumes", RowList).rows()[0]
        from textual.widgets import Select

        volume.query(Select).first().value = "emptyDir"
        await until(
            pilot,
            lambda: "emptyDir: {}" in screen.preview_text and "sidecar" in screen.preview_text,
        )
        await until(
            pilot, lambda: "MODE" in screen.preview_text and "tier: web" in screen.preview_text
        )
        assert screen.check is not None and screen.check.ok, screen.check.errors
        pod = load_text(screen.preview_text).documents[0].raw
        assert [c["name"] for c in pod["spec"]["containers"]] == ["shop", "sidecar"]
        assert pod["spec"]["containers"][1]["volumeMounts"] == [
            {"name": "data", "mountPath": "/data"}
        ]
        assert pod["metadata"]["labels"] == {"app": "shop", "tier": "web"}


async def test_tab_moves_through_the_form(folder: Path) -> None:
    app = FormHost(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, app)
        await pilot.press("tab")
        assert field(screen, "namespace").query_one(Input).has_focus
        await pilot.press("tab")
        assert field(screen, "image").query_one(Input).has_focus
        await pilot.press("shift+tab", "shift+tab")
        assert field(screen, "name").query_one(Input).has_focus


async def test_escape_leaves_without_writing(folder: Path) -> None:
    app = FormHost(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, app)
        await type_name(pilot, screen, "web")
        await pilot.press("escape")
        await until(pilot, lambda: bool(app.results))
        assert app.results == [None]
        assert list(folder.iterdir()) == []


async def test_template_asks_the_name_then_opens_the_editor(folder: Path) -> None:
    (folder / "taken.yaml").write_text("# x\n")
    app = FormHost(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # "Pod with a sidecar and an emptyDir"
        await until(pilot, lambda: isinstance(app.screen, AskPodName))
        await pilot.press(*"taken", "enter")  # refused: the file exists
        await pilot.pause()
        assert isinstance(app.screen, AskPodName)
        assert "exists already" in str(app.screen.query_one("#name-error", Label).render())
        for _ in "taken":
            await pilot.press("backspace")
        await pilot.press(*"side", "enter")
        await until(pilot, lambda: isinstance(app.screen, ManifestEditorScreen))
        editor = app.screen
        assert isinstance(editor, ManifestEditorScreen)
        assert editor.path == folder / "side.yaml"
        assert "emptyDir: {}" in editor.text_area.text and "name: side" in editor.text_area.text
        await until(pilot, lambda: editor.checked_version == editor.version)
        assert editor.problems == []
        written = editor.text_area.text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (folder / "side.yaml").exists())
        await pilot.press("escape")
        await until(pilot, lambda: bool(app.results))
        assert app.results == [folder / "side.yaml"]
        assert (folder / "side.yaml").read_text() == written


async def test_values_can_be_given_up_front(folder: Path) -> None:
    from tui.manifest.pod_builder import PodFormValues

    class Host(FormHost):
        def on_mount(self) -> None:
            self.push_screen(
                NewPodScreen(self.folder, PodFormValues(name="pre")), self.results.append
            )

    app = Host(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = new_pod(app)
        screen.show_form()
        await pilot.pause()
        assert isinstance(screen.form, PodForm)
        assert "name: pre" in screen.preview_text


def on_screen(app: App[None]) -> str:
    """The text the terminal shows now (what was painted, not what the widgets hold),
    without spaces (the SVG export splits text into styled runs)."""
    svg = app.export_screenshot()
    return re.sub(r"\s", "", html.unescape(re.sub(r"<[^>]+>", "", svg)))


def shows(app: App[None], text: str) -> bool:
    """Whether the painted screen holds ``text`` (spaces ignored)."""
    return text.replace(" ", "") in on_screen(app)


async def test_the_painted_preview_follows_every_field(folder: Path) -> None:
    app = FormHost(folder)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_form(pilot, app)
        await type_name(pilot, screen, "web")
        await until(pilot, lambda: shows(app, "name: web"))
        for _ in "web":
            await pilot.press("backspace")
        await type_name(pilot, screen, "api")  # same length: the preview's size is unchanged
        await until(pilot, lambda: shows(app, "name: api"))
        assert not shows(app, "name: web")
        edits = {
            "namespace": ("team", "namespace: team"),
            "image": ("localhost/podtui/other:1", "image: localhost/podtui/other:1"),
            "args": ("--verbose", "--verbose"),
            "labels": ("tier=db", "tier: db"),
        }
        for key, (value, shown) in edits.items():
            field(screen, key).query_one(Input).value = value
            await until(pilot, lambda shown=shown: shows(app, shown))
