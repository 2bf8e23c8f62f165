"""Finding or starting the Podman service, the runtime fix, doctor and the demo image."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui.config import DEMO_IMAGE, Settings
from tui.podman.doctor import run_checks
from tui.podman.runtime_fix import diagnose, render_conf, runtime_override, safe_ulimits
from tui.podman.service import Endpoint, candidates, find_live, ping, start_embedded, stop_embedded

REPO = Path(__file__).resolve().parents[2]
CRUN_HYBRID = "Error: OCI runtime error: crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2"
RLIMIT = (
    "Error: runc: runc create failed: unable to start container process: error during container init: "
    "error setting rlimits for ready process: error setting rlimit type 7: operation not permitted"
)


def test_container_host_comes_first(tmp_path: Path) -> None:
    settings = Settings.from_env(tmp_path, env={"CONTAINER_HOST": "unix:/tmp/x.sock"})
    assert candidates(settings)[0] == ("CONTAINER_HOST", "unix:///tmp/x.sock")
    sources = [source for source, _ in candidates(settings)]
    assert sources.index("rootful") > 0


def test_ping_is_false_for_a_dead_socket(tmp_path: Path) -> None:
    assert not ping(f"unix://{tmp_path}/nothing.sock")


def test_diagnose_each_known_failure() -> None:
    assert [fix.line for fix in diagnose(CRUN_HYBRID)] == ['runtime = "runc"']
    nofile, nproc = safe_ulimits()
    assert [fix.line for fix in diagnose(RLIMIT)] == [
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]'
    ]
    assert diagnose("Error: image not known") == []


def test_rendered_conf_explains_and_round_trips(tmp_path: Path) -> None:
    fixes = diagnose(CRUN_HYBRID + RLIMIT)
    text = render_conf(fixes)
    assert "[engine]" in text and "[containers]" in text and "podtui setup --undo" in text
    conf = tmp_path / "containers.conf"
    conf.write_text(text)
    assert runtime_override(conf) == "runc"


@pytest.mark.podman
def test_embedded_service_is_private_and_goes_away(tmp_path: Path) -> None:
    settings = Settings.from_env(tmp_path / "m", env={}).with_changes(
        containers_conf=REPO / ".podtui" / "containers.conf"
    )
    endpoint = start_embedded(settings)
    try:
        assert endpoint.source == "embedded" and ping(endpoint.url)
        socket_path = Path(endpoint.socket_path or "")
        assert stat.S_IMODE(socket_path.stat().st_mode) == 0o600
        assert endpoint.private_dir is not None
        assert stat.S_IMODE(endpoint.private_dir.stat().st_mode) == 0o700
    finally:
        stop_embedded(endpoint)
    assert not ping(endpoint.url)
    assert endpoint.private_dir is not None and not endpoint.private_dir.exists()


@pytest.mark.podman
def test_found_service_is_the_live_one(tmp_path: Path, podman_endpoint: Endpoint) -> None:
    settings = Settings.from_env(tmp_path, env={"CONTAINER_HOST": podman_endpoint.url})
    found = find_live(settings)
    assert (
        found is not None and found.url == podman_endpoint.url and found.source == "CONTAINER_HOST"
    )


@pytest.mark.podman
def test_doctor_is_green_here(settings: Settings) -> None:
    checks = list(run_checks(settings))
    names = [check.name for check in checks]
    assert names == ["podman", "api socket", "runtime", "smoke pod", "demo image", "manifests"]
    failed = [f"{c.name}: {c.detail} (fix: {c.fix})" for c in checks if not c.ok]
    assert not failed, failed
    smoke = next(c for c in checks if c.name == "smoke pod")
    assert "exited 0" in smoke.detail


@pytest.mark.podman
def test_doctor_reports_a_broken_manifest_and_exits_non_zero(
    settings: Settings, podman_endpoint: Endpoint
) -> None:
    (settings.manifests_dir / "bad.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: []}\n"
    )
    env = {
        **os.environ,
        "CONTAINER_HOST": podman_endpoint.url,
        "PODTUI_MANIFESTS": str(settings.manifests_dir),
        "PODTUI_STATE_DIR": str(settings.state_dir),
        "PODTUI_CONTAINERS_CONF": str(REPO / ".podtui" / "containers.conf"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tui", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(line.startswith("✗ manifests") for line in lines), lines
    assert any("fix: podtui validate" in line for line in lines), lines
    assert sum(line.startswith("✓") for line in lines) == 5
    assert "Traceback" not in done.stderr


@pytest.mark.podman
def test_demo_image_exists_and_runs_offline(podman_client) -> None:  # type: ignore[no-untyped-def]
    assert podman_client.images.exists(DEMO_IMAGE)
    image = podman_client.images.get(DEMO_IMAGE)
    assert image.attrs["Size"] < 5 * 1024 * 1024  # busybox-static: about 2 MB


@pytest.mark.podman
def test_setup_is_idempotent(tmp_path: Path) -> None:
    env = {**os.environ, "PODTUI_CONTAINERS_CONF": str(REPO / ".podtui" / "containers.conf")}
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--manifests", str(tmp_path / "m"), "setup"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "is up to date" in done.stdout and "runtime ok" in done.stdout
