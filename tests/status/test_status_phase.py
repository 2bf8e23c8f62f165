"""The pod phase: getPhase's table, KEP-753 sidecars, Unknown, and the sticky terminal phase."""

from __future__ import annotations

from typing import Any

import pytest
from status_builders import NOW, container, exited, pod, running

from tui.status.model import ContainerRecord
from tui.status.phase import compute_phase
from tui.status.pod_status import build_pod_status


def phase_of(*records: ContainerRecord, policy: str = "Always", **fields: Any) -> str:
    return build_pod_status(pod(*records, restart_policy=policy, **fields), NOW)["phase"]


def crash_loop(name: str = "web", code: int = 1, kind: str = "app") -> ContainerRecord:
    return container(
        name,
        kind,  # type: ignore[arg-type]
        current=exited(name, code),
        waiting="CrashLoopBackOff",
        message=f"back-off 10s restarting failed container={name} pod=web_default(0b5c-uid)",
        restarts=1,
    )


@pytest.mark.parametrize("policy", ["Always", "OnFailure", "Never"])
def test_running_container_is_running(policy: str) -> None:
    assert phase_of(container("web", current=running()), policy=policy) == "Running"


@pytest.mark.parametrize("policy", ["Always", "OnFailure", "Never"])
def test_container_not_created_yet_is_pending(policy: str) -> None:
    assert phase_of(container("web"), policy=policy) == "Pending"
    assert phase_of(container("web", waiting="ErrImagePull"), policy=policy) == "Pending"
    assert phase_of(container("web", waiting="ContainerCreating"), policy=policy) == "Pending"


@pytest.mark.parametrize(
    ("policy", "code", "phase"),
    [
        ("Always", 0, "Running"),  # about to be restarted
        ("Always", 1, "Running"),
        ("OnFailure", 0, "Succeeded"),
        ("OnFailure", 1, "Running"),  # restarting the failed one
        ("Never", 0, "Succeeded"),
        ("Never", 1, "Failed"),
    ],
)
def test_single_container_exit(policy: str, code: int, phase: str) -> None:
    assert phase_of(container("job", current=exited("job", code)), policy=policy) == phase


@pytest.mark.parametrize("policy", ["Always", "OnFailure"])
def test_crash_loop_back_off_is_running(policy: str) -> None:
    assert phase_of(crash_loop(), policy=policy) == "Running"


def test_one_failed_one_running_under_never_is_running() -> None:
    records = (container("a", current=exited("a", 1)), container("b", current=running("b")))
    assert phase_of(*records, policy="Never") == "Running"


def test_mixed_exits_under_never_fail() -> None:
    records = (container("a", current=exited("a", 0)), container("b", current=exited("b", 2)))
    assert phase_of(*records, policy="Never") == "Failed"
    assert phase_of(*records, policy="OnFailure") == "Running"


@pytest.mark.parametrize("policy", ["Always", "OnFailure", "Never"])
def test_init_running_or_not_started_is_pending(policy: str) -> None:
    app = container("web")
    assert (
        phase_of(container("setup", "init", current=running("setup")), app, policy=policy)
        == "Pending"
    )
    assert phase_of(container("setup", "init"), app, policy=policy) == "Pending"


def test_second_init_pending_after_first_completed() -> None:
    records = (
        container("one", "init", current=exited("one", 0)),
        container("two", "init", current=running("two")),
        container("web"),
    )
    assert phase_of(*records) == "Pending"


@pytest.mark.parametrize(
    ("policy", "phase"), [("Never", "Failed"), ("OnFailure", "Pending"), ("Always", "Pending")]
)
def test_failed_init_container(policy: str, phase: str) -> None:
    records = (container("setup", "init", current=exited("setup", 3)), container("web"))
    assert phase_of(*records, policy=policy) == phase


@pytest.mark.parametrize("policy", ["Always", "OnFailure"])
def test_init_crash_loop_is_pending(policy: str) -> None:
    assert phase_of(crash_loop("setup", kind="init"), container("web"), policy=policy) == "Pending"


def test_completed_init_then_running_app() -> None:
    records = (
        container("setup", "init", current=exited("setup", 0)),
        container("web", current=running()),
    )
    assert phase_of(*records, policy="Never") == "Running"


def test_sidecar_and_app_running() -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy")),
        container("web", current=running()),
    )
    assert phase_of(*records) == "Running"


@pytest.mark.parametrize(
    ("policy", "code", "phase"),
    [("Never", 0, "Succeeded"), ("OnFailure", 0, "Succeeded"), ("Never", 1, "Failed")],
)
def test_sidecar_running_does_not_block_completion(policy: str, code: int, phase: str) -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy")),
        container("job", current=exited("job", code)),
    )
    assert phase_of(*records, policy=policy) == phase


def test_sidecar_running_app_failed_under_on_failure_is_running() -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy")),
        container("job", current=exited("job", 1)),
    )
    assert phase_of(*records, policy="OnFailure") == "Running"


def test_sidecar_running_app_completed_under_always_is_running() -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy")),
        container("web", current=exited("web", 0)),
    )
    assert phase_of(*records, policy="Always") == "Running"


def test_sidecar_not_started_holds_the_pod_pending() -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy"), started=False),
        container("web"),
    )
    assert phase_of(*records) == "Pending"


def test_sidecar_restarting_after_initialization_keeps_running() -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy"), started=False),
        container("web", current=running()),
    )
    assert phase_of(*records) == "Running"


def test_sidecar_waiting_first_start_is_pending() -> None:
    records = (container("proxy", "sidecar", waiting="ImagePullBackOff"), container("web"))
    assert phase_of(*records) == "Pending"


def test_sidecar_in_back_off_does_not_count() -> None:
    records = (crash_loop("proxy", kind="sidecar"), container("web", current=running()))
    assert phase_of(*records) == "Running"


def test_unreachable_podman_is_unknown() -> None:
    assert phase_of(container("web", current=running()), podman_reachable=False) == "Unknown"


def test_terminal_phase_is_never_left() -> None:
    record = pod(container("job", current=exited("job", 0)), restart_policy="Never")
    assert build_pod_status(record, NOW)["phase"] == "Succeeded"
    assert record.terminal_phase == "Succeeded"
    record.containers["job"] = container("job", current=running("job"))
    record.podman_reachable = False
    assert build_pod_status(record, NOW)["phase"] == "Succeeded"


def test_terminal_phase_given_by_the_supervisor_wins() -> None:
    assert phase_of(container("web", current=running()), terminal_phase="Failed") == "Failed"


@pytest.mark.parametrize(("code", "phase"), [(0, "Succeeded"), (137, "Failed")])
def test_terminating_pod_with_all_containers_stopped_is_terminal(code: int, phase: str) -> None:
    records = (container("web", current=exited("web", code)),)
    assert phase_of(*records, policy="Always", terminating=True) == phase


def test_terminating_pod_still_running_is_running() -> None:
    assert phase_of(container("web", current=running()), terminating=True) == "Running"


def test_missing_status_is_unknown_container_and_pending() -> None:
    spec = {"restartPolicy": "Always", "containers": [{"name": "a"}, {"name": "b"}]}
    statuses = [{"name": "a", "state": {"running": {}}}]
    assert compute_phase(spec, statuses, has_initialized=True) == "Pending"
    statuses.append({"name": "b", "state": {"running": {}}})
    assert compute_phase(spec, statuses, has_initialized=True) == "Running"
