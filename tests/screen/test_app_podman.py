"""The app against the real engine and a real Podman service, driven by Pilot.

Each test writes Pod YAML into a private manifests folder and waits (on engine updates,
bounded by a timeout) for the screen to show what Podman does.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_helpers import status_of, wait_until

from tui.config import DEMO_IMAGE, Settings
from tui.reconciler.pod_plan import podman_pod_name
from tui.screen.app import make_app
from tui.screen.log_view import LogView
from tui.screen.modals import ConfirmDelete

pytestmark = pytest.mark.podman

SIZE = (140, 40)
START = 90.0


def manifest(name: str, script: str, labels: dict[str, str], restart: str = "Always") -> str:
    """A one-container pod on the demo image, labelled for clean-up, quick to stop."""
    label_lines = "".join(f'    {key}: "{value}"\n' for key, value in labels.items())
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: {name}
{label_lines}spec:
  restartPolicy: {restart}
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: {DEMO_IMAGE}
      imagePullPolicy: Never
      command: ["sh", "-c", {script!r}]
"""


def unique(prefix: str) -> str:
    """A pod name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def fast(settings: Settings) -> Settings:
    """Short back-off so crash loops show quickly."""
    return settings.with_changes(backoff_base=0.5, backoff_cap=4)


@pytest.fixture(autouse=True)
def remove_test_pods(podman_client: Any, test_labels: dict[str, str]) -> Iterator[None]:
    """Pods keep running when an app quits; take this test's away afterwards."""
    yield
    selector = {"label": [f"{key}={value}" for key, value in test_labels.items()]}
    for pod in podman_client.pods.list(filters=selector):
        with contextlib.suppress(Exception):  # already gone
            pod.remove(force=True)


def write(folder: Path, name: str, text: str) -> Path:
    """Drop a manifest into the folder (atomically, as an editor would)."""
    path = folder / f"{name}.yaml"
    tmp = folder / f".{name}.tmp"
    tmp.write_text(text)
    tmp.replace(path)
    return path


async def test_dropped_file_becomes_a_running_row_and_header_says_reconciler(
    fast: Settings, test_labels: dict[str, str]
) -> None:
    app = make_app(fast)
    name = unique("drop")
    async with app.run_test(size=SIZE) as pilot:
        header = app.pods_screen.header
        await wait_until(pilot, lambda: header.role == "reconciler", START, "the reconciler role")
        assert header.connected is True
        write(fast.manifests_dir, name, manifest(name, "while true; do sleep 1; done", test_labels))
        key = f"default/{name}"
        await wait_until(pilot, lambda: status_of(app, key) == "Running", START, f"{key} Running")
        table = app.pods_screen.table
        assert table.cell_text(key, "ready") == "1/1"
        assert table.cell_text(key, "manifest") == f"{name}.yaml"
        assert "reconciler" in header.role_text
        # "/" narrows by label, ":ns" by namespace; escape and ":ns all" undo them
        await pilot.press("slash", *f"app={name}", "enter")
        assert table.visible_keys == [key]
        await pilot.press("escape")
        assert key in table.visible_keys
        await pilot.press("colon", *"ns nowhere", "enter")
        await pilot.pause()
        assert table.row_count == 0 and "Pods(nowhere)" in table.title()
        await pilot.press("colon", *"ns all", "enter")
        await pilot.pause()
        assert key in table.visible_keys


async def test_crashing_container_shows_crashloopbackoff_and_its_attempts_in_logs(
    fast: Settings, test_labels: dict[str, str]
) -> None:
    app = make_app(fast)
    name = unique("crash")
    async with app.run_test(size=SIZE) as pilot:
        write(fast.manifests_dir, name, manifest(name, "echo boom; exit 1", test_labels))
        key = f"default/{name}"
        await wait_until(
            pilot,
            lambda: status_of(app, key) == "CrashLoopBackOff",
            START,
            f"{key} CrashLoopBackOff",
        )
        restarts = app.pods_screen.table.cell_text(key, "restarts")
        assert restarts[0] != "0" and "ago)" in restarts
        assert app.pods_screen.table.select(key)
        await pilot.press("l")

        def boom_lines() -> int:
            views = list(app.query(LogView))
            if not views or views[0].view is None:
                return 0
            view = views[0].view
            return sum(1 for row in range(view.count) if view.text(row) == "boom")

        # one line per attempt: a second "boom" means the new attempt was picked up
        await wait_until(pilot, lambda: boom_lines() >= 2, START, "boom from two attempts")


async def test_logs_tab_shows_new_lines(fast: Settings, test_labels: dict[str, str]) -> None:
    app = make_app(fast)
    name = unique("talk")
    script = "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.2; done"
    async with app.run_test(size=SIZE) as pilot:
        write(fast.manifests_dir, name, manifest(name, script, test_labels))
        key = f"default/{name}"
        await wait_until(pilot, lambda: status_of(app, key) == "Running", START, f"{key} Running")
        assert app.pods_screen.table.select(key)
        await pilot.press("l")
        await wait_until(pilot, lambda: bool(app.query(LogView)), 30, "the log view")
        view = app.query_one(LogView)
        await wait_until(pilot, lambda: view.line_count >= 2, 30, "the first lines")
        seen = view.line_count
        await wait_until(pilot, lambda: view.line_count > seen + 2, 30, "new lines")
        assert view.view is not None
        assert view.view.text(view.line_count - 1).startswith("line-")
        assert app.focused is view
        assert app.pods_screen.detail.pod_logs is not None
        # leaving the pod list's selection empty closes the log files
        app.pods_screen.detail.show(None)
        assert app.pods_screen.detail.pod_logs is None


async def test_delete_with_confirm_removes_pod_and_file(
    fast: Settings, test_labels: dict[str, str], podman_client: Any
) -> None:
    app = make_app(fast)
    name = unique("gone")
    async with app.run_test(size=SIZE) as pilot:
        path = write(
            fast.manifests_dir, name, manifest(name, "while true; do sleep 1; done", test_labels)
        )
        key = f"default/{name}"
        await wait_until(pilot, lambda: status_of(app, key) == "Running", START, f"{key} Running")
        assert app.pods_screen.table.select(key)
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDelete), 10, "the question")
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert path.exists() and key in app.pods_screen.table.entries
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDelete), 10, "the question")
        await pilot.press("y")
        await wait_until(
            pilot, lambda: key not in app.pods_screen.table.entries, START, f"{key} gone"
        )
        assert not path.exists()
        assert not podman_client.pods.exists(podman_pod_name("default", name, fast.manifests_dir))


async def test_second_app_on_the_same_folder_is_a_viewer(
    fast: Settings, test_labels: dict[str, str]
) -> None:
    first = make_app(fast)
    second = make_app(fast)
    name = unique("seen")
    key = f"default/{name}"
    async with first.run_test(size=SIZE) as pilot_one:
        await wait_until(
            pilot_one, lambda: first.pods_screen.header.role == "reconciler", START, "reconciler"
        )
        config = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-cfg\ndata:\n  a: b\n---\n"
        path = write(
            fast.manifests_dir,
            name,
            config + manifest(name, "while true; do sleep 1; done", test_labels),
        )
        await wait_until(
            pilot_one, lambda: status_of(first, key) == "Running", START, f"{key} Running"
        )
        async with second.run_test(size=SIZE) as pilot_two:
            header = second.pods_screen.header
            await wait_until(pilot_two, lambda: header.role == "viewer", START, "the viewer role")
            await wait_until(
                pilot_two, lambda: status_of(second, key) == "Running", 30, "the viewer's row"
            )
            # a viewer may not restart: the engine there supervises nothing
            assert second.pods_screen.table.select(key)
            # ... but deleting is a folder edit, which the reconciling podtui applies
            await pilot_two.press("ctrl+d")
            await wait_until(
                pilot_two, lambda: isinstance(second.screen, ConfirmDelete), 10, "the question"
            )
            await pilot_two.press("y")
            await wait_until(
                pilot_two, lambda: key not in second.pods_screen.table.entries, START, "row gone"
            )
            assert path.read_text() == config.removesuffix("---\n")  # the ConfigMap stays
            assert key not in first.pods_screen.table.entries
