"""The new-pod form and the editor against the real engine: the watcher does the rest.

A form submit writes manifests/NAME.yaml and the folder reconciler runs the pod; an editor
save replaces it (a new uid); an invalid save keeps the old pod running with the
``podtui.io/ManifestValid`` condition False.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from tui.config import Settings
from tui.engine import MANIFEST_CONDITION
from tui.manifest.pod_builder import FORM_COMMAND, PodFormValues
from tui.screen.editor_modals import ConfirmInvalidSave
from tui.screen.manifest_editor import ManifestEditorScreen
from tui.screen.pod_form import NewPodScreen
from tui.screen.pod_form_fields import TextField
from tui.session import Session

pytestmark = [pytest.mark.podman, pytest.mark.slow]

#: Ends at once on SIGTERM, so deleting the pod at the end takes no grace period.
LOOP = "sh -c 'trap \"exit 0\" TERM; while true; do sleep 1; done'"


class Host(App[None]):
    """Pushes one screen and records what it dismisses with."""

    def __init__(self, make_screen: Callable[[], Any]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list[Path | None] = []
        self.saved: list[ManifestEditorScreen.Saved] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)

    def on_manifest_editor_screen_saved(self, message: ManifestEditorScreen.Saved) -> None:
        self.saved.append(message)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


@pytest.fixture
async def session(settings: Settings) -> AsyncIterator[Session]:
    """The app's engine + folder reconciler on a private manifests folder."""
    running = Session(settings.with_changes(backoff_base=0.5, backoff_cap=4.0, resync_seconds=2.0))
    await running.start()
    try:
        assert running.role == "reconciler"
        yield running
    finally:
        for path in settings.manifests_dir.glob("*.yaml"):
            path.unlink()
        await running.engine.wait_for(lambda: not running.engine.pods, 60)
        await running.close()


def pod_of(session: Session, namespace: str, name: str) -> dict[str, Any]:
    return session.engine.pods.get((namespace, name)) or {}


def phase(pod: dict[str, Any]) -> str:
    return str((pod.get("status") or {}).get("phase") or "")


def uid(pod: dict[str, Any]) -> str:
    return str((pod.get("metadata") or {}).get("uid") or "")


def manifest_condition(pod: dict[str, Any]) -> dict[str, Any] | None:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if c.get("type") == MANIFEST_CONDITION), None)


async def test_form_creates_a_running_pod_and_the_editor_replaces_it(
    session: Session, test_labels: dict[str, str]
) -> None:
    folder = session.settings.manifests_dir
    [(label_key, label_value)] = test_labels.items()
    namespace = f"t{label_value}-ui"
    values = PodFormValues(
        name="formpod",
        namespace=namespace,
        command=LOOP,
        labels=f"app=formpod,{label_key}={label_value}",
    )

    # the form: choose "form", submit with ctrl+s
    form_app = Host(lambda: NewPodScreen(folder, values))
    async with form_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = form_app.screen
        assert isinstance(screen, NewPodScreen)
        await until(pilot, lambda: screen.check is not None and screen.check.ok)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(form_app.results))
    path = folder / "formpod.yaml"
    assert form_app.results == [path]
    engine = session.engine
    assert await engine.wait_for(
        lambda: phase(pod_of(session, namespace, "formpod")) == "Running", 90
    )
    first_uid = uid(pod_of(session, namespace, "formpod"))
    assert first_uid

    # a valid edit: the watcher replaces the pod
    edit_app = Host(lambda: ManifestEditorScreen(path, validate_delay=0.01))
    async with edit_app.run_test(size=(100, 30)) as pilot:
        editor = edit_app.screen
        assert isinstance(editor, ManifestEditorScreen)
        area = editor.text_area
        text = area.text
        area.replace(text.replace("app: formpod", "app: formpod-v2"), (0, 0), area.document.end)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(edit_app.saved) == 1)
        assert edit_app.saved[0].valid
        assert "saved; the watcher applies it" in editor.status_note

        def replaced() -> bool:
            pod = pod_of(session, namespace, "formpod")
            return uid(pod) not in ("", first_uid) and phase(pod) == "Running"

        assert await engine.wait_for(replaced, 90)
        second_uid = uid(pod_of(session, namespace, "formpod"))
        assert pod_of(session, namespace, "formpod")["metadata"]["labels"]["app"] == "formpod-v2"

        # an invalid edit, saved anyway: the running pod stays, marked
        text = area.text
        area.replace(
            text.replace("restartPolicy: Always", "restartPolicy: Sometimes"),
            (0, 0),
            area.document.end,
        )
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(edit_app.screen, ConfirmInvalidSave))
        await pilot.press("s")
        await until(pilot, lambda: len(edit_app.saved) == 2)
        assert edit_app.saved[1].valid is False

    def marked() -> bool:
        condition = manifest_condition(pod_of(session, namespace, "formpod"))
        return condition is not None and condition.get("status") == "False"

    assert await engine.wait_for(marked, 60)
    pod = pod_of(session, namespace, "formpod")
    assert uid(pod) == second_uid
    assert phase(pod) == "Running"
    condition = manifest_condition(pod)
    assert condition is not None and "restartPolicy" in condition["message"]
    assert "Sometimes" in path.read_text()


async def test_the_forms_default_command_stops_at_once_on_delete(
    session: Session, test_labels: dict[str, str]
) -> None:
    folder = session.settings.manifests_dir
    [(label_key, label_value)] = test_labels.items()
    namespace = f"t{label_value}-quick"
    form_app = Host(lambda: NewPodScreen(folder))
    async with form_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = form_app.screen
        assert isinstance(screen, NewPodScreen)
        assert screen.form.values().command == FORM_COMMAND  # nothing typed: the default
        for key, value in (
            ("name", "quick"),
            ("namespace", namespace),
            ("labels", f"{label_key}={label_value}"),
        ):
            next(f for f in screen.form.query(TextField) if f.key == key).query_one(Input).value = value
        await until(pilot, lambda: screen.check is not None and screen.check.ok and "quick" in screen.preview_text)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(form_app.results))
    engine = session.engine
    assert await engine.wait_for(lambda: phase(pod_of(session, namespace, "quick")) == "Running", 90)
    (folder / "quick.yaml").unlink()
    began = time.monotonic()
    # the default grace period is 30 s: a command that ignored TERM would take all of it
    assert await engine.wait_for(lambda: not pod_of(session, namespace, "quick"), 15)
    assert time.monotonic() - began < 10
