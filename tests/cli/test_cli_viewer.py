"""Commands while ``podtui serve`` reconciles the folder: they edit the folder and read its
snapshots, and never act on pods themselves; restarts, -w and -f come from the reconciler."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import (
    Process,
    container,
    pod_doc,
    pods_named,
    podtui,
    unique,
    wait_logged,
    wait_snapshot,
    write_manifest,
)
from conftest import CliFolder

from tui.reconciler.pod_plan import podman_pod_name
from tui.reconciler.state_store import read_json

pytestmark = pytest.mark.podman

# Prints "attempt", then exits 1 when /tmp/stop appears (each attempt is a fresh container).
CRASHER = (
    "echo attempt; trap 'exit 0' TERM; "
    "while [ ! -f /tmp/stop ]; do sleep 0.1; done; echo bye; exit 1"
)


def test_apply_returns_once_serve_created_the_pod(
    served: CliFolder, tmp_path: Path, capsys: Any
) -> None:
    name = unique("viewed")
    source = write_manifest(tmp_path / "viewed.yaml", pod_doc(name, labels={"app": "viewed"}))
    result = podtui(capsys, "apply", "-f", str(source))
    assert (result.code, result.out) == (0, f"pod/{name} created\n"), result.err
    assert "nothing restarts" not in result.err  # serve supervises: no such note
    assert (served.manifests / "viewed.yaml").exists()
    assert pods_named(
        served.url, podman_pod_name("default", name, served.manifests)
    )  # serve made it before we returned
    snapshot = read_json(served.settings.state_dir / "pods" / f"default_{name}.json")
    assert snapshot is not None
    got = json.loads(podtui(capsys, "get", "pod", name, "-o", "json").out)
    assert got["metadata"]["uid"] == snapshot["pod"]["metadata"]["uid"]
    assert got["status"]["phase"] == "Running"
    table = podtui(capsys, "get", "pods", "-l", "app=viewed")
    assert table.out.splitlines()[1].split()[:3] == [name, "1/1", "Running"]
    again = podtui(capsys, "apply", "-f", str(source))
    assert again.out == f"pod/{name} unchanged\n"
    deleted = podtui(capsys, "delete", "pod", name, "-y")
    assert deleted.out == f'pod "{name}" deleted\n', deleted.err
    assert not (served.manifests / "viewed.yaml").exists()
    assert not pods_named(served.url, podman_pod_name("default", name, served.manifests))


def test_logs_previous_and_follow_across_restarts(
    served: CliFolder, tmp_path: Path, capfd: Any
) -> None:
    capsys = capfd  # exec's output comes from a child process
    name = unique("crashy")
    source = write_manifest(tmp_path / "crashy.yaml", pod_doc(name, [container("app", CRASHER)]))
    assert podtui(capsys, "apply", "-f", str(source)).code == 0
    wait_logged(served.url, podman_pod_name("default", name, served.manifests), "app", "attempt")
    follower = Process(["logs", "-f", name], served.env)
    try:
        follower.wait_for_line(lambda line: line == "attempt")
        podtui(capfd, "exec", name, "--", "touch", "/tmp/stop")  # attempt 0 exits 1
        follower.wait_for_line(lambda line: line == "bye")
        # the kubelet rules restart it; the follower moves on to the new attempt
        follower.wait_for_line(lambda line: line == "attempt")
        wait_snapshot(
            served.settings,
            name,
            lambda pod: (
                pod["status"]["containerStatuses"][0]["restartCount"] >= 1
                and "running" in pod["status"]["containerStatuses"][0]["state"]
            ),
        )
        wait_logged(
            served.url, podman_pod_name("default", name, served.manifests), "app", "attempt"
        )
        previous = podtui(capsys, "logs", name, "--previous")
        assert previous.out == "attempt\nbye\n", previous.err
        current = podtui(capsys, "logs", name)
        assert current.out == "attempt\n"
        table = podtui(capsys, "get", "pod", name)
        assert table.out.splitlines()[1].split()[3] == "1"  # RESTARTS
        deleted = podtui(capsys, "delete", "pod", name, "-y")
        assert deleted.code == 0, deleted.err
        assert follower.popen.wait(timeout=60) == 0  # the pod is gone: -f ends
    finally:
        follower.stop(signal.SIGINT)
    assert not any("Traceback" in line for line in follower.rest())


def test_get_watch_streams_rows_until_ctrl_c(
    served: CliFolder, tmp_path: Path, capsys: Any
) -> None:
    name = unique("watched")
    selector = f"watch={name}"
    watcher = Process(["get", "pods", "-w", "-l", selector], served.env)
    try:
        source = write_manifest(tmp_path / "watched.yaml", pod_doc(name, labels={"watch": name}))
        assert podtui(capsys, "apply", "-f", str(source)).code == 0
        header = watcher.wait_for_line(lambda line: line.startswith("NAME"))
        assert header.split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        running = watcher.wait_for_line(lambda line: line.split()[:3] == [name, "1/1", "Running"])
        assert running.index("1/1") == header.index("READY")
        assert podtui(capsys, "delete", "pod", name, "-y").code == 0
        watcher.wait_for_line(lambda line: line.split()[0] == name and "Terminating" in line)
        assert watcher.stop(signal.SIGINT) == 130
    finally:
        watcher.stop(signal.SIGKILL)
    assert not any("Traceback" in line for line in watcher.rest())
