"""Helpers for the kubectl-style CLI tests: manifests, running podtui, reading its output."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import podman
import pytest
import yaml

from tui.cli.main import main
from tui.config import DEMO_IMAGE, Settings
from tui.reconciler.pod_plan import LABEL_MANIFEST

REPO = Path(__file__).resolve().parents[2]
TEST_LABEL = "io.podtui.test"
WAIT = 60.0  # generous bound for anything that involves Podman on a busy 2-core machine


def unique(prefix: str) -> str:
    """A pod name no other test (or other engineer's run on this Podman) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def session_id() -> str:
    """The test session's label value (set by the podman_endpoint fixture)."""
    return os.environ["PODTUI_TEST_SESSION"]


def cli_env(settings: Settings) -> dict[str, str]:
    """Environment that points podtui at a test's folders and Podman service."""
    return {
        "PODTUI_MANIFESTS": str(settings.manifests_dir),
        "PODTUI_STATE_DIR": str(settings.state_dir),
        "CONTAINER_HOST": str(settings.container_host),
        "PODTUI_NETWORK": settings.network,
        "PODTUI_BACKOFF": "0.5:4",
        "PODTUI_CONTAINERS_CONF": str(settings.containers_conf),
    }


def container(name: str, script: str, **extra: Any) -> dict[str, Any]:
    """A busybox container running ``sh -c script``."""
    return {
        "name": name,
        "image": DEMO_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", script],
        **extra,
    }


SLEEPER = "trap 'exit 0' TERM; while true; do sleep 0.2; done"


def pod_doc(
    name: str,
    containers: list[dict[str, Any]] | None = None,
    *,
    labels: dict[str, str] | None = None,
    grace: int = 2,
    **spec: Any,
) -> dict[str, Any]:
    """A Pod labelled for this session's clean-up."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "labels": {TEST_LABEL: session_id(), **(labels or {})},
        },
        "spec": {
            "terminationGracePeriodSeconds": grace,
            "containers": containers or [container("main", SLEEPER)],
            **spec,
        },
    }


def write_manifest(path: Path, *docs: dict[str, Any]) -> Path:
    """Write documents as one YAML file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump_all(list(docs), sort_keys=False))
    return path


@dataclass
class Result:
    """What one podtui command did."""

    code: int
    out: str
    err: str


def podtui(capture: Any, *argv: str) -> Result:
    """Run podtui in this process; ``capture`` is capsys or capfd."""
    capture.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    captured = capture.readouterr()
    assert "Traceback" not in captured.err, captured.err
    return Result(code, captured.out, captured.err)


class Process:
    """podtui in a subprocess, with its output lines readable with a timeout."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "tui.cli.main", *argv],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=REPO,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for_line(self, predicate: Callable[[str], bool], timeout: float = WAIT) -> str:
        """The first new line for which ``predicate`` holds; fails on timeout or exit."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"no matching line within {timeout}s; got {self.seen[-20:]}")
            if line is None:
                pytest.fail(f"podtui exited ({self.popen.poll()}); output {self.seen[-20:]}")
            self.seen.append(line)
            if predicate(line):
                return line

    def stop(self, sig: int) -> int:
        """Send ``sig`` and wait for the exit code."""
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(sig)
        try:
            return self.popen.wait(timeout=30)
        finally:
            if self.popen.poll() is None:
                self.popen.kill()

    def rest(self) -> list[str]:
        """Every line printed so far and until exit."""
        while True:
            try:
                line = self.lines.get(timeout=10)
            except queue.Empty:
                return self.seen
            if line is None:
                return self.seen
            self.seen.append(line)


def remove_folder_pods(url: str, folder: Path) -> None:
    """Remove the pods made from ``folder``'s manifests (fast: no grace at test teardown)."""
    with podman.PodmanClient(base_url=url) as client:
        # one string: podman-py 5.8 mangles a list of label filters
        for pod in client.pods.list(filters={"label": f"{TEST_LABEL}={session_id()}"}):
            manifest = (pod.attrs.get("Labels") or {}).get(LABEL_MANIFEST, "")
            if manifest.startswith(str(folder.resolve())):
                with contextlib.suppress(Exception):
                    pod.stop(timeout=0)
                with contextlib.suppress(Exception):
                    pod.remove(force=True)


def pods_named(url: str, podman_name: str) -> bool:
    """Whether Podman has a pod of that name."""
    with podman.PodmanClient(base_url=url) as client:
        return bool(client.pods.exists(podman_name))


def iter_lines(text: str) -> Iterator[str]:
    """Non-empty lines."""
    return (line for line in text.splitlines() if line.strip())


def wait_logged(url: str, podman_name: str, container_name: str, text: str) -> None:
    """Block until ``container_name``'s current attempt has logged a line ``text``.

    Woken by the log files' own change notifications (the log reader's follow mode).
    """
    from tui.podman.log_files import PodLogs, discover_instances

    with podman.PodmanClient(base_url=url) as client:
        instances = discover_instances(client, podman_name)
    with PodLogs(podman_name, instances) as logs:
        current = logs.instances(container_name)[-1]
        view = logs.index_of(current)
        logs.follow()

        def seen() -> bool:
            return any(view.text(row) == text for row in range(view.count))

        assert view.wait_for(seen, WAIT), f"{text!r} never logged by {container_name}"


def wait_snapshot(
    settings: Settings, name: str, predicate: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Wait until the reconciler's published pod ``default/name`` satisfies ``predicate``."""
    import asyncio

    from tui.cli.engine_access import snapshot_pod, wait_for_snapshots
    from tui.reconciler.state_store import StateStore

    store = StateStore(settings.state_dir)

    def check() -> bool:
        pod = snapshot_pod(store, ("default", name))
        return pod is not None and predicate(pod)

    assert asyncio.run(wait_for_snapshots(store, check, WAIT)), f"pod {name} never got there"
    pod = snapshot_pod(store, ("default", name))
    assert pod is not None
    return pod
