"""build_pod_status / build_pod_object / pod_list / qos_class."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from status_builders import NOW, container, exited, pod, running

from tui.status.pod_status import build_pod_object, build_pod_status, pod_list, qos_class


def test_status_fields() -> None:
    record = pod(
        container("setup", "init", current=exited("setup", 0)), container("web", current=running())
    )
    status = build_pod_status(record, NOW)
    assert status["phase"] == "Running"
    assert status["podIP"] == "10.88.0.7"
    assert status["podIPs"] == [{"ip": "10.88.0.7"}]
    assert status["hostIP"] == "127.0.0.1"
    assert status["hostIPs"] == [{"ip": "127.0.0.1"}]
    assert status["startTime"] == "2026-01-02T02:54:05Z"
    assert [s["name"] for s in status["initContainerStatuses"]] == ["setup"]
    assert [s["name"] for s in status["containerStatuses"]] == ["web"]
    assert status["qosClass"] == "BestEffort"
    assert "message" not in status and "reason" not in status
    json.dumps(status)  # plain JSON data


def test_optional_fields_are_omitted() -> None:
    record = pod(container("web"), pod_ip=None, start_time=None, host_ip=None)
    status = build_pod_status(record, NOW)
    for key in ("podIP", "podIPs", "startTime", "hostIP", "hostIPs", "initContainerStatuses"):
        assert key not in status


def test_message_and_reason_are_passed_through() -> None:
    record = pod(container("web"), message="image not allowed", reason="Rejected")
    status = build_pod_status(record, NOW)
    assert (status["message"], status["reason"]) == ("image not allowed", "Rejected")


def test_init_statuses_keep_spec_order_app_statuses_sorted_by_name() -> None:
    record = pod(
        container("zeta", "init", current=exited("zeta", 0)),
        container("alpha", "init", current=exited("alpha", 0)),
        container("web", current=running()),
        container("api", current=running("api")),
    )
    status = build_pod_status(record, NOW)
    assert [s["name"] for s in status["initContainerStatuses"]] == ["zeta", "alpha"]
    assert [s["name"] for s in status["containerStatuses"]] == ["api", "web"]


def test_default_waiting_reason_depends_on_init_containers() -> None:
    plain = build_pod_status(pod(container("web")), NOW)
    assert plain["containerStatuses"][0]["state"]["waiting"]["reason"] == "ContainerCreating"
    with_init = build_pod_status(pod(container("setup", "init"), container("web")), NOW)
    assert with_init["initContainerStatuses"][0]["state"]["waiting"]["reason"] == "PodInitializing"
    assert with_init["containerStatuses"][0]["state"]["waiting"]["reason"] == "PodInitializing"


def test_unreachable_podman_marks_nothing_ready() -> None:
    record = pod(container("web", current=running()), podman_reachable=False)
    status = build_pod_status(record, NOW)
    assert status["phase"] == "Unknown"
    assert status["containerStatuses"][0]["ready"] is False
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "False"


def test_pod_object_metadata_and_spec() -> None:
    record = pod(container("web", current=running()), manifest="/home/u/manifests/web.yaml")
    obj = build_pod_object(record, NOW)
    assert (obj["apiVersion"], obj["kind"]) == ("v1", "Pod")
    meta = obj["metadata"]
    assert meta["name"] == "web" and meta["namespace"] == "default" and meta["uid"] == "0b5c-uid"
    assert meta["creationTimestamp"] == "2026-01-02T02:54:05Z"
    assert meta["labels"] == {"app": "web"}
    assert meta["annotations"]["podtui.io/manifest"] == "/home/u/manifests/web.yaml"
    assert "deletionTimestamp" not in meta
    assert obj["spec"]["nodeName"] == "podtui"
    assert obj["spec"]["priority"] == 0
    assert obj["status"]["phase"] == "Running"
    # The record's spec is not modified by building the object.
    assert "nodeName" not in record.spec["spec"]
    assert "annotations" not in record.spec["metadata"]


def test_existing_manifest_annotation_is_kept() -> None:
    record = pod(container("web"), manifest="/x/web.yaml")
    record.spec["metadata"]["annotations"] = {"podtui.io/manifest": "kept.yaml"}
    assert (
        build_pod_object(record, NOW)["metadata"]["annotations"]["podtui.io/manifest"]
        == "kept.yaml"
    )


def test_terminating_pod_gets_deletion_timestamp_after_grace_period() -> None:
    record = pod(
        container("web", current=running()),
        terminating=True,
        deletion_started_at=NOW - timedelta(seconds=5),
        spec_extra={"terminationGracePeriodSeconds": 10},
    )
    meta = build_pod_object(record, NOW)["metadata"]
    assert meta["deletionTimestamp"] == "2026-01-02T03:04:10Z"
    assert meta["deletionGracePeriodSeconds"] == 10


def test_terminating_default_grace_period() -> None:
    record = pod(container("web", current=running()), terminating=True, deletion_started_at=NOW)
    meta = build_pod_object(record, NOW)["metadata"]
    assert meta["deletionGracePeriodSeconds"] == 30
    assert meta["deletionTimestamp"] == "2026-01-02T03:04:35Z"


def test_pod_list() -> None:
    objects = [build_pod_object(pod(container("web"), name=n), NOW) for n in ("a", "b")]
    listed = pod_list(objects)
    assert listed["apiVersion"] == "v1" and listed["kind"] == "PodList"
    assert [item["metadata"]["name"] for item in listed["items"]] == ["a", "b"]
    assert listed["metadata"] == {"resourceVersion": ""}


def resources(limits: dict | None = None, requests: dict | None = None) -> dict:
    value: dict = {}
    if limits is not None:
        value["limits"] = limits
    if requests is not None:
        value["requests"] = requests
    return {"resources": value}


@pytest.mark.parametrize(
    ("containers", "expected"),
    [
        ([{}], "BestEffort"),
        ([resources(requests={"cpu": "0"})], "BestEffort"),
        ([resources(requests={"cpu": "100m"})], "Burstable"),
        (
            [resources(limits={"cpu": "1", "memory": "1Gi"})],
            "Guaranteed",
        ),  # requests default to limits
        (
            [
                resources(
                    limits={"cpu": "1", "memory": "1Gi"},
                    requests={"cpu": "1000m", "memory": "1024Mi"},
                )
            ],
            "Guaranteed",
        ),
        ([resources(limits={"cpu": "1", "memory": "1Gi"}, requests={"cpu": "500m"})], "Burstable"),
        ([resources(limits={"cpu": "1"})], "Burstable"),  # no memory limit
        ([resources(limits={"cpu": "1", "memory": "1Gi"}), {}], "Burstable"),
        (
            [resources(limits={"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"})],
            "Guaranteed",
        ),
    ],
)
def test_qos_class(containers: list[dict], expected: str) -> None:
    spec = {"containers": [{"name": f"c{i}", **c} for i, c in enumerate(containers)]}
    assert qos_class(spec) == expected


def test_qos_counts_init_containers() -> None:
    guaranteed = resources(limits={"cpu": "1", "memory": "1Gi"})
    spec = {"containers": [{"name": "a", **guaranteed}], "initContainers": [{"name": "i"}]}
    assert qos_class(spec) == "Burstable"


def test_status_creation_does_not_need_created_at() -> None:
    record = pod(container("web"), created_at=None)
    obj = build_pod_object(record, NOW)
    assert "creationTimestamp" not in obj["metadata"]
    scheduled = next(c for c in obj["status"]["conditions"] if c["type"] == "PodScheduled")
    assert scheduled["lastTransitionTime"] == "2026-01-02T03:04:05Z"


def test_spec_container_without_a_record_still_has_a_status() -> None:
    record = pod(container("web", current=running()))
    record.spec["spec"]["containers"].append({"name": "late", "image": "busybox:1"})
    record.spec["spec"]["initContainers"] = [
        {"name": "proxy", "image": "envoy", "restartPolicy": "Always"}
    ]
    status = build_pod_status(record, NOW)
    late = next(s for s in status["containerStatuses"] if s["name"] == "late")
    assert late["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert late["image"] == "busybox:1"
    assert status["initContainerStatuses"][0]["name"] == "proxy"
    assert status["phase"] == "Pending"
