"""ContainerRecord -> v1.ContainerStatus: states, reasons, lastState, ready/started."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from status_builders import NOW, container, exited, from_fixture, running

from tui.status.container_status import container_status
from tui.status.model import ContainerRecord

START_ERROR = 'runc create failed: exec: "no-such-command": executable file not found in $PATH'


def status_of(record: ContainerRecord, default: str = "ContainerCreating") -> dict[str, Any]:
    return container_status(record, default)


def test_running_from_fixture() -> None:
    instance = running(started=NOW - timedelta(minutes=5))
    status = status_of(container("web", current=instance))
    assert status["state"] == {"running": {"startedAt": "2026-01-02T02:59:05Z"}}
    assert status["lastState"] == {}
    assert status["ready"] is True and status["started"] is True
    assert status["containerID"] == f"podman://{instance.id}"
    assert status["image"] == "localhost/podtui/busybox:latest"
    assert status["imageID"].startswith("localhost/podtui/busybox@sha256:")
    assert status["restartCount"] == 0
    assert status["name"] == "web"


def test_paused_counts_as_running() -> None:
    status = status_of(container("web", current=from_fixture("running", state="paused")))
    assert "running" in status["state"]


@pytest.mark.parametrize(
    ("fixture", "changes", "reason", "code"),
    [
        ("exited_0", {}, "Completed", 0),
        ("exited_1", {}, "Error", 1),
        ("killed", {}, "Error", 137),  # SIGKILL without an OOM event: the CRI says Error
        ("oom_killed", {}, "Error", 137),  # as recorded here: conmon missed the OOM
        ("oom_killed", {"oom_killed": True}, "OOMKilled", 137),
        ("exited_0", {"oom_killed": True}, "OOMKilled", 0),
    ],
)
def test_terminated_reasons(fixture: str, changes: dict, reason: str, code: int) -> None:
    instance = from_fixture(fixture, **changes)
    terminated = status_of(container("c", current=instance))["state"]["terminated"]
    assert terminated["reason"] == reason
    assert terminated["exitCode"] == code
    assert terminated["containerID"] == f"podman://{instance.id}"
    assert terminated["startedAt"] and terminated["finishedAt"]
    assert "message" not in terminated


def test_start_error_in_created_state_gets_containerd_exit_code() -> None:
    instance = from_fixture("start_failed", error=START_ERROR)
    status = status_of(container("broken", current=instance))
    terminated = status["state"]["terminated"]
    assert terminated["reason"] == "StartError"
    assert terminated["exitCode"] == 128
    assert terminated["message"] == START_ERROR
    assert terminated["startedAt"] is None  # it never started
    assert status["ready"] is False and status["started"] is False


def test_start_error_keeps_podman_exit_code() -> None:
    instance = from_fixture("start_failed", error=START_ERROR, exit_code=127, state="exited")
    assert (
        status_of(container("broken", current=instance))["state"]["terminated"]["exitCode"] == 127
    )


def test_created_not_started_is_waiting_without_reason() -> None:
    status = status_of(container("web", current=from_fixture("created")))
    assert status["state"] == {"waiting": {}}
    assert status["ready"] is False


def test_unknown_podman_state_collapses_to_waiting() -> None:
    status = status_of(container("web", current=from_fixture("running", state="unknown")))
    assert status["state"] == {"waiting": {}}


@pytest.mark.parametrize("default", ["ContainerCreating", "PodInitializing"])
def test_no_instance_waits_on_the_default_reason(default: str) -> None:
    status = status_of(container("web"), default)
    assert status["state"] == {"waiting": {"reason": default}}
    assert "containerID" not in status
    assert status["imageID"] == ""
    assert status["image"] == "localhost/podtui/busybox:latest"


@pytest.mark.parametrize(
    "reason",
    [
        "ContainerCreating",
        "PodInitializing",
        "ErrImagePull",
        "ImagePullBackOff",
        "ErrImageNeverPull",
        "InvalidImageName",
        "CreateContainerConfigError",
        "CreateContainerError",
    ],
)
def test_supervisor_waiting_reasons(reason: str) -> None:
    status = status_of(container("web", waiting=reason, message="details"))
    assert status["state"] == {"waiting": {"reason": reason, "message": "details"}}
    assert status["lastState"] == {}


def test_crash_loop_back_off_moves_termination_to_last_state() -> None:
    crashed = exited(code=1, finished=NOW - timedelta(seconds=12), attempt=3)
    message = "back-off 20s restarting failed container=web pod=web_default(0b5c-uid)"
    status = status_of(
        container(
            "web",
            current=crashed,
            previous=exited(code=1, attempt=2),
            waiting="CrashLoopBackOff",
            message=message,
            restarts=3,
        )
    )
    assert status["state"] == {"waiting": {"reason": "CrashLoopBackOff", "message": message}}
    last = status["lastState"]["terminated"]
    assert last["reason"] == "Error" and last["exitCode"] == 1
    assert last["finishedAt"] == "2026-01-02T03:03:53Z"
    assert last["containerID"] == f"podman://{crashed.id}"
    assert status["containerID"] == f"podman://{crashed.id}"
    assert status["restartCount"] == 3
    assert status["ready"] is False and status["started"] is False


def test_running_after_restart_shows_previous_termination() -> None:
    previous = from_fixture("oom_killed", oom_killed=True, finished_at=NOW - timedelta(minutes=1))
    status = status_of(container("web", current=running(attempt=1), previous=previous, restarts=1))
    assert "running" in status["state"]
    assert status["lastState"]["terminated"]["reason"] == "OOMKilled"
    assert status["restartCount"] == 1


def test_running_wins_over_a_stale_waiting_reason() -> None:
    status = status_of(container("web", current=running(), waiting="CrashLoopBackOff"))
    assert "running" in status["state"]
    assert status["lastState"] == {}


def test_image_pull_back_off_after_a_run_keeps_last_state() -> None:
    status = status_of(
        container("web", current=None, previous=exited(code=2), waiting="ImagePullBackOff")
    )
    assert status["state"]["waiting"]["reason"] == "ImagePullBackOff"
    assert status["lastState"]["terminated"]["exitCode"] == 2


def test_not_ready_until_the_readiness_probe_passes() -> None:
    status = status_of(container("web", current=running(), ready=False, started=True))
    assert status["ready"] is False and status["started"] is True
    status = status_of(container("web", current=running(), ready=False, started=False))
    assert status["started"] is False


def test_init_container_ready_once_it_exited_zero() -> None:
    done = status_of(container("setup", "init", current=exited(code=0), ready=False))
    assert done["ready"] is True and done["started"] is False
    failed = status_of(container("setup", "init", current=exited(code=1), ready=True))
    assert failed["ready"] is False


def test_running_init_container_is_started_not_ready() -> None:
    status = status_of(container("setup", "init", current=running(), ready=False, started=False))
    assert status["ready"] is False
    assert status["started"] is True


def test_sidecar_ready_follows_its_probe() -> None:
    status = status_of(container("proxy", "sidecar", current=running(), ready=True, started=True))
    assert status["ready"] is True and status["started"] is True
    stopped = status_of(container("proxy", "sidecar", current=exited(code=0), ready=True))
    assert stopped["ready"] is False


def test_signal_is_reported_when_known() -> None:
    instance = from_fixture("killed", signal=9)
    assert status_of(container("c", current=instance))["state"]["terminated"]["signal"] == 9
