"""`podtui serve`: headless, one log line per action, clean stop that leaves pods running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from folder_helpers import pod_yaml, write

from tui.config import Settings
from tui.podman.service import Endpoint
from tui.reconciler.pod_plan import podman_pod_name

pytestmark = pytest.mark.podman
REPO = Path(__file__).resolve().parents[2]


def serve_env(settings: Settings, endpoint: Endpoint) -> dict[str, str]:
    return {
        **os.environ,
        "PODTUI_MANIFESTS": str(settings.manifests_dir),
        "PODTUI_STATE_DIR": str(settings.state_dir),
        "CONTAINER_HOST": endpoint.url,
        "PODTUI_NETWORK": settings.network,
        "PODTUI_BACKOFF": "0.5:4",
        "PODTUI_CONTAINERS_CONF": str(REPO / ".podtui" / "containers.conf"),
    }


def podtui(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui", *args]


def serve_once(settings: Settings, endpoint: Endpoint) -> subprocess.CompletedProcess[str]:
    """`podtui serve --once` on the test folder, its output captured."""
    return subprocess.run(
        podtui("serve", "--once", "--timeout", "60"),
        env=serve_env(settings, endpoint),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_once_succeeds_when_everything_runs(
    settings: Settings, podman_endpoint: Endpoint, podman_client, test_labels
) -> None:  # type: ignore[no-untyped-def]
    write(settings.manifests_dir / "ok.yaml", pod_yaml("serve-ok", test_labels))
    done = serve_once(settings, podman_endpoint)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any("pod default/serve-ok: created from ok.yaml" in line for line in lines), lines
    assert any(line.endswith("pod default/serve-ok: Running") for line in lines), lines
    assert "Traceback" not in done.stderr
    pod = podman_client.pods.get(podman_pod_name("default", "serve-ok", settings.manifests_dir))
    assert pod.attrs["State"] == "Running"  # --once leaves pods running


def test_serve_once_fails_on_a_crash_loop(
    settings: Settings, podman_endpoint: Endpoint, test_labels
) -> None:  # type: ignore[no-untyped-def]
    write(settings.manifests_dir / "bad.yaml", pod_yaml("serve-bad", test_labels, script="exit 1"))
    done = serve_once(settings, podman_endpoint)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "pod default/serve-bad: CrashLoopBackOff" in done.stdout
        or "pod default/serve-bad: Error" in done.stdout
    )


def test_serve_stops_cleanly_on_sigterm_leaving_pods(
    settings: Settings, podman_endpoint: Endpoint, podman_client, test_labels
) -> None:  # type: ignore[no-untyped-def]
    write(settings.manifests_dir / "long.yaml", pod_yaml("serve-long", test_labels))
    process = subprocess.Popen(
        podtui("serve"),
        env=serve_env(settings, podman_endpoint),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # bounded: the pod is created within the first lines
        lines.append(line)
        if "pod default/serve-long: created" in line or len(lines) > 50:
            break
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopping (pods keep running)" in out
    assert "Traceback" not in err
    name = podman_pod_name("default", "serve-long", settings.manifests_dir)
    assert podman_client.pods.get(name).attrs["State"] == "Running"


def test_serve_reports_a_bad_file_once_at_its_line(
    settings: Settings, podman_endpoint: Endpoint, test_labels
) -> None:  # type: ignore[no-untyped-def]
    write(settings.manifests_dir / "ok.yaml", pod_yaml("serve-fine", test_labels))
    write(
        settings.manifests_dir / "bad.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containerz: []\n",
    )
    done = serve_once(settings, podman_endpoint)
    reported = [line for line in done.stdout.splitlines() if "bad.yaml:4:9: metadata.name:" in line]
    assert len(reported) == 1, done.stdout
    assert reported[0].endswith("more)"), reported  # one line: the first problem and a count
    assert "bad.yaml" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert any(line.endswith("pod default/serve-fine: Running") for line in done.stdout.splitlines())
