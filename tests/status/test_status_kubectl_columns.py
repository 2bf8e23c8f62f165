"""kubectl get pods columns: STATUS, READY, RESTARTS, AGE, the wide columns and colours."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from status_builders import NOW, container, exited, from_fixture, pod, running

from tui.status.kubectl_columns import (
    POD_COLUMNS,
    POD_WIDE_COLUMNS,
    age_column,
    pod_row,
    ready_column,
    restarts_column,
    status_color,
    status_column,
)
from tui.status.model import ContainerRecord, PodRecord
from tui.status.pod_status import build_pod_object
from tui.status.timestamps import human_duration


def obj(*records: ContainerRecord, policy: str = "Always", **fields: Any) -> dict[str, Any]:
    """A pod object as the engine would build it, round-tripped through JSON."""
    record: PodRecord = pod(*records, restart_policy=policy, **fields)
    return json.loads(json.dumps(build_pod_object(record, NOW)))


def back_off(
    name: str, kind: str = "app", code: int = 1, reason: str = "CrashLoopBackOff"
) -> ContainerRecord:
    return container(
        name,
        kind,  # type: ignore[arg-type]
        current=exited(name, code, finished=NOW - timedelta(seconds=12)),
        waiting=reason,
        restarts=3,
    )


def test_running() -> None:
    pod_obj = obj(container("web", current=running()))
    assert status_column(pod_obj) == "Running"
    assert ready_column(pod_obj) == "1/1"
    assert restarts_column(pod_obj, NOW) == "0"


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        (
            (
                container("one", "init", current=running("one")),
                container("two", "init"),
                container("web"),
            ),
            "Init:0/2",
        ),
        (
            (
                container("one", "init", current=exited("one", 0)),
                container("two", "init", current=running("two")),
                container("web"),
            ),
            "Init:1/2",
        ),
        (
            (back_off("one", "init"), container("two", "init"), container("web")),
            "Init:CrashLoopBackOff",
        ),
        ((container("one", "init", waiting="ErrImagePull"), container("web")), "Init:ErrImagePull"),
        ((container("one", "init", current=exited("one", 3)), container("web")), "Init:Error"),
        (
            (
                container(
                    "one", "init", current=from_fixture("start_failed", name="one", error="boom")
                ),
                container("web"),
            ),
            "Init:StartError",
        ),
    ],
)
def test_init_statuses(records: tuple[ContainerRecord, ...], expected: str) -> None:
    assert status_column(obj(*records, policy="OnFailure")) == expected


def test_init_error_under_never_is_failed_pod_showing_init_error() -> None:
    pod_obj = obj(
        container("one", "init", current=exited("one", 3)), container("web"), policy="Never"
    )
    assert pod_obj["status"]["phase"] == "Failed"
    assert status_column(pod_obj) == "Init:Error"


def handcrafted_init(terminated: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": {"name": "p"},
        "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "c"}]},
        "status": {
            "phase": "Pending",
            "initContainerStatuses": [
                {"name": "i", "state": {"terminated": terminated}, "restartCount": 0}
            ],
            "containerStatuses": [
                {"name": "c", "state": {"waiting": {"reason": "PodInitializing"}}}
            ],
        },
    }


def test_init_exit_code_and_signal_without_reason() -> None:
    # kubectl shows these only when the runtime gave no reason (the kubelet here always does).
    assert status_column(handcrafted_init({"exitCode": 3})) == "Init:ExitCode:3"
    assert status_column(handcrafted_init({"exitCode": 137, "signal": 9})) == "Init:Signal:9"


@pytest.mark.parametrize(
    "reason",
    [
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "CreateContainerConfigError",
        "ErrImageNeverPull",
        "InvalidImageName",
    ],
)
def test_waiting_reasons(reason: str) -> None:
    assert status_column(obj(container("web", waiting=reason))) == reason


def test_crash_loop_with_restarts_ago() -> None:
    pod_obj = obj(back_off("web"))
    assert status_column(pod_obj) == "CrashLoopBackOff"
    assert restarts_column(pod_obj, NOW) == "3 (12s ago)"
    assert ready_column(pod_obj) == "0/1"


def test_container_creating_and_pod_initializing() -> None:
    assert status_column(obj(container("web"))) == "ContainerCreating"
    done_init = obj(container("setup", "init", current=exited("setup", 0)), container("web"))
    assert status_column(done_init) == "PodInitializing"


@pytest.mark.parametrize(
    ("instance_changes", "policy", "expected"),
    [
        ({"exit_code": 0}, "Never", "Completed"),
        ({"exit_code": 1}, "Never", "Error"),
        ({"exit_code": 137, "oom_killed": True}, "Never", "OOMKilled"),
        ({"exit_code": 0}, "Always", "Completed"),
    ],
)
def test_terminated_reasons(instance_changes: dict[str, Any], policy: str, expected: str) -> None:
    instance = from_fixture("exited_1", name="job", **instance_changes)
    assert status_column(obj(container("job", current=instance), policy=policy)) == expected


def test_completed_with_a_running_container_is_running_or_not_ready() -> None:
    records = (container("a", current=exited("a", 0)), container("b", current=running("b")))
    not_ready = obj(*records, policy="OnFailure")
    # The completed container is not ready, so the pod is not Ready: kubectl says NotReady.
    assert status_column(not_ready) == "NotReady"
    ready = copy.deepcopy(not_ready)
    for condition in ready["status"]["conditions"]:
        if condition["type"] == "Ready":
            condition["status"] = "True"
    assert status_column(ready) == "Running"


def test_terminating_and_unknown() -> None:
    terminating = obj(
        container("web", current=running()), terminating=True, deletion_started_at=NOW
    )
    assert status_column(terminating) == "Terminating"
    assert status_column(obj(back_off("web"), podman_reachable=False)) == "Unknown"


def test_terminating_but_terminal_shows_the_container_reason() -> None:
    pod_obj = obj(container("job", current=exited("job", 0)), policy="Never", terminating=True)
    assert status_column(pod_obj) == "Completed"


def test_app_exit_code_and_signal_without_reason() -> None:
    base: dict[str, Any] = {
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c"}]},
        "status": {"phase": "Failed", "containerStatuses": [{"name": "c", "state": {}}]},
    }
    base["status"]["containerStatuses"][0]["state"] = {"terminated": {"exitCode": 2}}
    assert status_column(base) == "ExitCode:2"
    base["status"]["containerStatuses"][0]["state"] = {
        "terminated": {"exitCode": 143, "signal": 15}
    }
    assert status_column(base) == "Signal:15"


def test_status_reason_and_scheduling_gate() -> None:
    evicted = {"metadata": {}, "spec": {}, "status": {"phase": "Failed", "reason": "Evicted"}}
    assert status_column(evicted) == "Evicted"
    gated = {
        "metadata": {},
        "spec": {},
        "status": {
            "phase": "Pending",
            "conditions": [
                {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}
            ],
        },
    }
    assert status_column(gated) == "SchedulingGated"


def test_ready_counts_sidecars() -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy")),
        container("web", current=running()),
    )
    assert ready_column(obj(*records)) == "2/2"
    unready = (
        container("proxy", "sidecar", current=running("proxy"), ready=False),
        container("web", current=running()),
    )
    assert ready_column(obj(*unready)) == "1/2"


def test_ready_ignores_sidecars_after_a_pending_init() -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy")),
        container("setup", "init", current=running("setup")),
        container("late", "sidecar"),
        container("web"),
    )
    pod_obj = obj(*records)
    assert status_column(pod_obj) == "Init:1/3"
    assert ready_column(pod_obj) == "1/3"


def test_completed_job_with_sidecar() -> None:
    records = (
        container("proxy", "sidecar", current=running("proxy")),
        container("job", current=exited("job", 0)),
    )
    pod_obj = obj(*records, policy="Never")
    assert pod_obj["status"]["phase"] == "Succeeded"
    assert status_column(pod_obj) == "Completed"
    assert ready_column(pod_obj) == "1/2"


def test_restarts_during_init_count_init_containers() -> None:
    pod_obj = obj(back_off("setup", "init"), container("web"))
    assert restarts_column(pod_obj, NOW) == "3 (12s ago)"


def test_restarts_after_init_count_sidecars_and_apps_only() -> None:
    sidecar = container(
        "proxy",
        "sidecar",
        current=running("proxy"),
        previous=exited("proxy", 1, finished=NOW - timedelta(seconds=100)),
        restarts=1,
    )
    setup = container("setup", "init", current=exited("setup", 0), restarts=5)
    app = container(
        "web",
        current=running(),
        previous=exited("web", 1, finished=NOW - timedelta(seconds=40)),
        restarts=2,
    )
    pod_obj = obj(setup, sidecar, app)
    assert restarts_column(pod_obj, NOW) == "3 (40s ago)"


def test_restarts_without_last_state_have_no_ago() -> None:
    pod_obj = obj(container("web", current=running(), restarts=4))
    assert restarts_column(pod_obj, NOW) == "4"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-3, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (59, "59s"),
        (119, "119s"),
        (120, "2m"),
        (125, "2m5s"),
        (599, "9m59s"),
        (600, "10m"),
        (179 * 60 + 59, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 5 * 60, "3h5m"),
        (8 * 3600 + 59 * 60, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (50 * 3600, "2d2h"),
        (8 * 86400, "8d"),
        (729 * 86400, "729d"),
        (730 * 86400, "2y"),
        (731 * 86400, "2y1d"),
        (8 * 365 * 86400, "8y"),
    ],
)
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(timedelta(seconds=seconds)) == text


def test_age_column() -> None:
    pod_obj = obj(container("web", current=running()))
    assert age_column(pod_obj, NOW) == "10m"
    assert age_column(pod_obj, NOW + timedelta(hours=5, minutes=3)) == "5h13m"
    del pod_obj["metadata"]["creationTimestamp"]
    assert age_column(pod_obj, NOW) == "<unknown>"


def test_pod_row_narrow_and_wide() -> None:
    extra = {
        "web": {
            "ports": [
                {"containerPort": 80, "hostPort": 8080, "protocol": "TCP"},
                {"containerPort": 9090},
                {"containerPort": 53, "hostPort": 5353, "hostIP": "127.0.0.1", "protocol": "UDP"},
            ]
        }
    }
    pod_obj = obj(
        container("web", current=running()), container_extra=extra, manifest="/m/web.yaml"
    )
    assert pod_row(pod_obj, NOW) == ["web", "1/1", "Running", "0", "10m"]
    assert len(POD_COLUMNS) == 5
    wide = pod_row(pod_obj, NOW, wide=True)
    assert dict(zip(POD_WIDE_COLUMNS, wide, strict=True)) == {
        "NAME": "web",
        "READY": "1/1",
        "STATUS": "Running",
        "RESTARTS": "0",
        "AGE": "10m",
        "IP": "10.88.0.7",
        "PORTS": "8080->80/TCP,9090/TCP,127.0.0.1:5353->53/UDP",
        "MANIFEST": "web.yaml",
        "NOMINATED NODE": "<none>",
        "READINESS GATES": "<none>",
    }


def test_wide_row_without_ip_ports_or_manifest() -> None:
    pod_obj = obj(
        container("web"), pod_ip=None, spec_extra={"readinessGates": [{"conditionType": "x"}]}
    )
    assert pod_row(pod_obj, NOW, wide=True)[5:] == ["<none>", "<none>", "<none>", "<none>", "0/1"]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Running", "running"),
        ("Completed", "completed"),
        ("Succeeded", "completed"),
        ("Unknown", "unknown"),
        ("Pending", "pending"),
        ("ContainerCreating", "pending"),
        ("PodInitializing", "pending"),
        ("Init:0/2", "pending"),
        ("Init:ContainerCreating", "pending"),
        ("Terminating", "pending"),
        ("NotReady", "pending"),
        ("CrashLoopBackOff", "error"),
        ("Init:CrashLoopBackOff", "error"),
        ("Init:Error", "error"),
        ("ImagePullBackOff", "error"),
        ("OOMKilled", "error"),
        ("Error", "error"),
        ("ExitCode:3", "error"),
        ("Evicted", "error"),
    ],
)
def test_status_color(text: str, category: str) -> None:
    assert status_color(text) == category
