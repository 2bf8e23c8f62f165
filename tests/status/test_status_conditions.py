"""Pod conditions: order, reasons, messages, and lastTransitionTime stickiness."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from status_builders import CREATED, NOW, container, exited, pod, running

from tui.status.conditions import KUBELET_ORDER
from tui.status.model import ContainerRecord, PodRecord
from tui.status.pod_status import build_pod_status


def conditions(record: PodRecord, now: datetime = NOW) -> dict[str, dict[str, Any]]:
    return {c["type"]: c for c in build_pod_status(record, now)["conditions"]}


def test_order_and_all_true_when_ready() -> None:
    record = pod(container("web", current=running()))
    listed = build_pod_status(record, NOW)["conditions"]
    assert [c["type"] for c in listed] == list(KUBELET_ORDER)
    assert [c["status"] for c in listed] == ["True"] * 5
    assert all("reason" not in c and c["lastProbeTime"] is None for c in listed)


def test_pod_scheduled_true_since_creation() -> None:
    scheduled = conditions(pod(container("web")))["PodScheduled"]
    assert scheduled["status"] == "True"
    assert scheduled["lastTransitionTime"] == "2026-01-02T02:54:05Z"  # CREATED
    assert "reason" not in scheduled


def test_sandbox_not_ready() -> None:
    assert (
        conditions(pod(container("web"), sandbox_ready=False))["PodReadyToStartContainers"][
            "status"
        ]
        == "False"
    )


def test_unready_containers_message() -> None:
    record = pod(
        container("web", current=running(), ready=False),
        container("api", waiting="ContainerCreating"),
    )
    found = conditions(record)
    for kind in ("Ready", "ContainersReady"):
        assert found[kind]["status"] == "False"
        assert found[kind]["reason"] == "ContainersNotReady"
        assert found[kind]["message"] == "containers with unready status: [web api]"


def test_unready_sidecar_listed_first() -> None:
    record = pod(
        container("proxy", "sidecar", current=running("proxy"), ready=False),
        container("web", current=running(), ready=False),
    )
    assert (
        conditions(record)["ContainersReady"]["message"]
        == "containers with unready status: [proxy web]"
    )


def test_initialized_false_lists_incomplete_init_containers() -> None:
    record = pod(
        container("one", "init", current=exited("one", 0)),
        container("two", "init", current=running("two")),
        container("proxy", "sidecar"),
        container("web"),
    )
    initialized = conditions(record)["Initialized"]
    assert initialized["status"] == "False"
    assert initialized["reason"] == "ContainersNotInitialized"
    assert initialized["message"] == "containers with incomplete status: [two proxy]"


def test_initialized_true_once_a_regular_container_started() -> None:
    record = pod(
        crash_loop_sidecar(),
        container("web", current=running()),
    )
    assert conditions(record)["Initialized"]["status"] == "True"


def crash_loop_sidecar() -> ContainerRecord:
    return container(
        "proxy", "sidecar", current=exited("proxy", 1), waiting="CrashLoopBackOff", restarts=2
    )


def test_succeeded_pod_conditions() -> None:
    record = pod(container("job", current=exited("job", 0)), restart_policy="Never")
    found = conditions(record)
    assert found["Initialized"]["status"] == "True"
    assert found["Initialized"]["reason"] == "PodCompleted"
    for kind in ("Ready", "ContainersReady"):
        assert found[kind]["status"] == "False"
        assert found[kind]["reason"] == "PodCompleted"
        assert "message" not in found[kind]


def test_failed_pod_conditions() -> None:
    record = pod(container("job", current=exited("job", 1)), restart_policy="Never")
    found = conditions(record)
    for kind in ("Ready", "ContainersReady"):
        assert found[kind]["reason"] == "PodFailed"
    assert found["Initialized"]["status"] == "True"  # a regular container ran


def test_readiness_gate_missing_condition() -> None:
    record = pod(
        container("web", current=running()),
        spec_extra={"readinessGates": [{"conditionType": "example.com/lb"}]},
    )
    found = conditions(record)
    assert found["ContainersReady"]["status"] == "True"
    assert found["Ready"]["status"] == "False"
    assert found["Ready"]["reason"] == "ReadinessGatesNotReady"
    assert (
        found["Ready"]["message"]
        == 'corresponding condition of pod readiness gate "example.com/lb" does not exist.'
    )


def test_transition_time_only_moves_when_status_changes() -> None:
    record = pod(container("web", current=running(), ready=False))
    first = conditions(record, NOW)
    assert first["Ready"]["lastTransitionTime"] == "2026-01-02T03:04:05Z"

    # Same status, different message: the time stays.
    record.containers["api"] = container("api", waiting="ContainerCreating")
    record.spec["spec"]["containers"].append({"name": "api", "image": "busybox"})
    later = NOW + timedelta(seconds=30)
    second = conditions(record, later)
    assert second["Ready"]["message"] == "containers with unready status: [web api]"
    assert second["Ready"]["lastTransitionTime"] == first["Ready"]["lastTransitionTime"]

    # Status flips: the time moves to now.
    record.containers["api"] = container("api", current=running("api"))
    record.containers["web"] = container("web", current=running())
    flipped = NOW + timedelta(minutes=2)
    third = conditions(record, flipped)
    assert third["Ready"]["status"] == "True"
    assert third["Ready"]["lastTransitionTime"] == "2026-01-02T03:06:05Z"
    assert third["PodScheduled"]["lastTransitionTime"] == "2026-01-02T02:54:05Z"
    assert record.conditions["Ready"].last_transition_time == flipped


def test_conditions_are_remembered_on_the_record() -> None:
    record = pod(container("web", current=running()))
    build_pod_status(record, NOW)
    assert set(record.conditions) == set(KUBELET_ORDER)
    assert record.conditions["PodScheduled"].last_transition_time == CREATED
