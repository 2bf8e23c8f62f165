"""Resources as cgroup limits (kubelet arithmetic) and ports published on the pod."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from translate_helpers import container, pod, translate

from tui.reconciler.translate import TranslationError


def limits_of(tmp: Path, resources: dict[str, Any]) -> dict[str, Any] | None:
    return (
        translate(pod(containers=[container(resources=resources)]), tmp)
        .containers[0]
        .body.get("resource_limits")
    )


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ({}, None),
        ({"limits": {"cpu": "500m"}}, {"cpu": {"quota": 50000, "period": 100000}}),
        ({"limits": {"cpu": "2"}}, {"cpu": {"quota": 200000, "period": 100000}}),
        ({"limits": {"cpu": "1m"}}, {"cpu": {"quota": 1000, "period": 100000}}),  # minimum quota
        ({"requests": {"cpu": "250m"}}, {"cpu": {"shares": 256}}),
        ({"requests": {"cpu": "1m"}}, {"cpu": {"shares": 2}}),  # minimum shares
        ({"limits": {"memory": "64Mi"}}, {"memory": {"limit": 67108864, "swap": 67108864}}),
        ({"limits": {"memory": "1G"}}, {"memory": {"limit": 10**9, "swap": 10**9}}),
        ({"requests": {"memory": "1Gi"}}, None),  # requests stay in the spec only
    ],
)
def test_limits(tmp_path: Path, resources: dict[str, Any], expected: dict[str, Any] | None) -> None:
    assert limits_of(tmp_path, resources) == expected


def test_requests_are_kept_in_the_spec(tmp_path: Path) -> None:
    resources = {"requests": {"memory": "32Mi", "cpu": "100m"}, "limits": {"memory": "64Mi"}}
    main = translate(pod(containers=[container(resources=resources)]), tmp_path).containers[0]
    assert main.spec["resources"] == resources


@pytest.mark.parametrize("name", ["nvidia.com/gpu", "hugepages-2Mi"])
def test_resources_this_node_lacks_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(TranslationError) as info:
        limits_of(tmp_path, {"limits": {name: "1"}})
    assert info.value.field_path == f"spec.containers[0].resources.limits[{name}]"


def test_ephemeral_storage_is_recorded_with_a_warning(tmp_path: Path) -> None:
    plan = translate(
        pod(containers=[container(resources={"limits": {"ephemeral-storage": "1Gi"}})]), tmp_path
    )
    assert any("ephemeral-storage" in w for w in plan.warnings)


def test_host_ports_publish_on_loopback_by_default(tmp_path: Path) -> None:
    ports = [
        {"containerPort": 80, "protocol": "TCP"},  # display only
        {"containerPort": 8080, "hostPort": 18080, "protocol": "TCP"},
        {"containerPort": 53, "hostPort": 10053, "protocol": "UDP"},
        {"containerPort": 9000, "hostPort": 19000, "hostIP": "0.0.0.0", "protocol": "TCP"},
    ]
    plan = translate(pod(containers=[container(ports=ports)]), tmp_path)
    assert plan.pod_body["portmappings"] == [
        {"host_ip": "127.0.0.1", "host_port": 18080, "container_port": 8080, "protocol": "tcp"},
        {"host_ip": "127.0.0.1", "host_port": 10053, "container_port": 53, "protocol": "udp"},
        {"host_ip": "0.0.0.0", "host_port": 19000, "container_port": 9000, "protocol": "tcp"},
    ]
    assert "portmappings" not in plan.containers[0].body  # the infra container owns the ports
    assert plan.containers[0].spec["ports"] == ports


def test_hostport_address_setting(tmp_path: Path) -> None:
    ports = [{"containerPort": 80, "hostPort": 8080, "protocol": "TCP"}]
    plan = translate(pod(containers=[container(ports=ports)]), tmp_path, hostport_address="0.0.0.0")
    assert plan.pod_body["portmappings"][0]["host_ip"] == "0.0.0.0"


def test_sidecar_ports_are_published_init_ports_are_not(tmp_path: Path) -> None:
    manifest = pod(
        initContainers=[
            container("init", ports=[{"containerPort": 1, "hostPort": 10001, "protocol": "TCP"}]),
            container(
                "side",
                restartPolicy="Always",
                ports=[{"containerPort": 2, "hostPort": 10002, "protocol": "TCP"}],
            ),
        ]
    )
    assert [m["host_port"] for m in translate(manifest, tmp_path).pod_body["portmappings"]] == [
        10002
    ]


def test_host_network_publishes_nothing(tmp_path: Path) -> None:
    ports = [{"containerPort": 8080, "hostPort": 8080, "protocol": "TCP"}]
    plan = translate(pod(containers=[container(ports=ports)], hostNetwork=True), tmp_path)
    assert "portmappings" not in plan.pod_body


def test_duplicate_host_ports_are_refused(tmp_path: Path) -> None:
    ports = [{"containerPort": 1, "hostPort": 9, "protocol": "TCP"}]
    with pytest.raises(TranslationError) as info:
        translate(
            pod(containers=[container("a", ports=ports), container("b", ports=ports)]), tmp_path
        )
    assert info.value.field_path == "spec.containers[1].ports[0].hostPort"
