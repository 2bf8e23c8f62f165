"""Probes (exec, httpGet, tcpSocket), lifecycle hooks and graceful termination, for real."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from lifecycle_helpers import apply, container, pod, statuses, until

from tui.engine import Engine
from tui.podman.service import podman_env
from tui.status.kubectl_columns import ready_column

pytestmark = pytest.mark.podman


def events(engine: Engine, name: str) -> list[tuple[str, str]]:
    return [(e.reason, e.message) for e in engine.recorder.events_for("default", name)]


def exec_in(engine: Engine, pod_name: str, container_name: str, *command: str) -> int:
    """Run a command in the pod's current container instance, as a user would with exec.

    Through the podman CLI: API exec sessions linger and slow the pod's removal by ~3 s.
    """
    status = statuses(pod(engine, pod_name))[container_name]
    container_id = status["containerID"].split("://", 1)[1]
    env = podman_env(engine.settings)
    return subprocess.run(
        ["podman", "exec", container_id, *command], env=env, capture_output=True
    ).returncode


async def test_readiness_flips_with_a_file(engine: Engine) -> None:
    probe = {"exec": {"command": ["test", "-f", "/tmp/ready"]}, "periodSeconds": 1}
    await apply(
        engine, "ready", {"containers": [container("web", "sleep 3600", readinessProbe=probe)]}
    )
    await until(
        engine,
        lambda: "running" in statuses(pod(engine, "ready")).get("web", {}).get("state", {}),
        30,
    )
    current = pod(engine, "ready")
    assert ready_column(current) == "0/1"  # readiness starts failed
    conditions = {c["type"]: c for c in current["status"]["conditions"]}
    assert conditions["ContainersReady"]["status"] == "False"
    assert exec_in(engine, "ready", "web", "touch", "/tmp/ready") == 0
    await until(engine, lambda: ready_column(pod(engine, "ready")) == "1/1", 10, "ready 1/1")
    conditions = {c["type"]: c for c in pod(engine, "ready")["status"]["conditions"]}
    assert (
        conditions["Ready"]["status"] == "True"
        and conditions["ContainersReady"]["status"] == "True"
    )
    assert exec_in(engine, "ready", "web", "rm", "/tmp/ready") == 0
    await until(engine, lambda: ready_column(pod(engine, "ready")) == "0/1", 10, "not ready again")
    assert any(
        r == "Unhealthy" and m.startswith("Readiness probe failed")
        for r, m in events(engine, "ready")
    )


async def test_liveness_failure_restarts_the_container(engine: Engine) -> None:
    probe = {
        "exec": {"command": ["test", "-f", "/tmp/alive"]},
        "periodSeconds": 1,
        "failureThreshold": 2,
    }
    script = "touch /tmp/alive; trap 'exit 143' TERM; while true; do sleep 1; done"
    await apply(engine, "live", {"containers": [container("web", script, livenessProbe=probe)]})
    await until(
        engine,
        lambda: "running" in statuses(pod(engine, "live")).get("web", {}).get("state", {}),
        30,
    )
    assert exec_in(engine, "live", "web", "rm", "/tmp/alive") == 0
    await until(
        engine, lambda: statuses(pod(engine, "live"))["web"]["restartCount"] >= 1, 20, "restart"
    )
    reasons = [r for r, _ in events(engine, "live")]
    assert "Unhealthy" in reasons
    assert ("Killing", "Container web failed liveness probe, will be restarted") in events(
        engine, "live"
    )
    assert reasons.index("Unhealthy") < reasons.index("Killing")


async def test_http_and_tcp_probes_against_busybox_httpd(engine: Engine) -> None:
    script = "mkdir -p /www && echo ok > /www/index.html && httpd -f -p 8080 -h /www"
    ready = {"httpGet": {"path": "/index.html", "port": "http"}, "periodSeconds": 1}
    live = {"tcpSocket": {"port": 8080}, "periodSeconds": 1}
    ports = [{"name": "http", "containerPort": 8080}]
    await apply(
        engine,
        "http",
        {
            "containers": [
                container("web", script, ports=ports, readinessProbe=ready, livenessProbe=live)
            ]
        },
    )
    await until(engine, lambda: ready_column(pod(engine, "http")) == "1/1", 30, "httpGet ready")
    missing = {"httpGet": {"path": "/nope", "port": 8080}, "periodSeconds": 1}
    await apply(
        engine, "http404", {"containers": [container("web", script, readinessProbe=missing)]}
    )
    await until(
        engine,
        lambda: (
            ("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404")
            in events(engine, "http404")
        ),
        30,
        "404 probe event",
    )
    assert ready_column(pod(engine, "http404")) == "0/1"
    assert statuses(pod(engine, "http"))["web"]["restartCount"] == 0  # tcp liveness kept passing


async def test_startup_probe_holds_back_liveness(engine: Engine) -> None:
    startup = {
        "exec": {"command": ["test", "-f", "/tmp/started"]},
        "periodSeconds": 1,
        "failureThreshold": 30,
    }
    live = {
        "exec": {"command": ["test", "-f", "/tmp/started"]},
        "periodSeconds": 1,
        "failureThreshold": 1,
    }
    script = "sleep 2; touch /tmp/started; sleep 3600"
    await apply(
        engine,
        "slow",
        {"containers": [container("web", script, startupProbe=startup, livenessProbe=live)]},
    )
    await until(
        engine,
        lambda: statuses(pod(engine, "slow")).get("web", {}).get("started") is True,
        30,
        "started",
    )
    status = statuses(pod(engine, "slow"))["web"]
    assert status["restartCount"] == 0 and status["ready"] is True
    assert not any(m.startswith("Liveness") for _, m in events(engine, "slow"))


async def test_prestop_runs_before_the_signal_and_grace_is_honoured(
    engine: Engine, tmp_path: Path
) -> None:
    hostdir = tmp_path / "out"
    hostdir.mkdir()
    spec = {
        "terminationGracePeriodSeconds": 5,
        "volumes": [{"name": "out", "hostPath": {"path": str(hostdir), "type": "Directory"}}],
        "containers": [
            container(
                "web",
                "trap 'echo term >> /out/trace; exit 0' TERM; while true; do sleep 0.2; done",
                volumeMounts=[{"name": "out", "mountPath": "/out"}],
                lifecycle={
                    "preStop": {"exec": {"command": ["sh", "-c", "echo prestop >> /out/trace"]}}
                },
            ),
            container("stubborn", "trap '' TERM; while true; do sleep 0.2; done"),
        ],
    }
    await apply(engine, "graceful", spec)
    await until(engine, lambda: ready_column(pod(engine, "graceful")) == "2/2", 30, "running")
    started = time.monotonic()
    assert await engine.delete("default", "graceful", grace=3)
    took = time.monotonic() - started
    assert (hostdir / "trace").read_text().split() == ["prestop", "term"]
    assert 3.0 <= took < 10.0, (
        f"the stubborn container should be killed after the 3 s grace, took {took:.1f}s"
    )
    assert ("default", "graceful") not in engine.pods


async def test_failing_post_start_hook_is_reported(engine: Engine) -> None:
    hook = {"postStart": {"exec": {"command": ["sh", "-c", "exit 3"]}}}
    spec = {
        "terminationGracePeriodSeconds": 2,
        "containers": [container("web", "sleep 3600", lifecycle=hook)],
    }
    await apply(engine, "poststart", spec)
    await until(
        engine,
        lambda: any(r == "FailedPostStartHook" for r, _ in events(engine, "poststart")),
        30,
        "event",
    )
    await until(
        engine,
        lambda: statuses(pod(engine, "poststart")).get("web", {}).get("restartCount", 0) >= 1,
        30,
    )
