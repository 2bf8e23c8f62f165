"""ConfigMap, Secret and PVC rules, and the defaults the API server applies."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from manifest_helpers import base_pod, dump, errors_of, one, parse

from tui.manifest.defaults import default_image_pull_policy

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
CLAIM = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\n"


def test_config_map_keys() -> None:
    assert errors_of(CONFIG_MAP + "data:\n  a.b-c_D: x\n  e: y\n") == []
    problem = one(errors_of(CONFIG_MAP + "data:\n  'a b': x\n"), "data[a b]")
    assert "valid config key" in problem.detail and (problem.line, problem.col) == (6, 3)
    one(errors_of(CONFIG_MAP + "data:\n  ..x: y\n"), "data[..x]")


def test_config_map_key_in_data_and_binary_data() -> None:
    text = CONFIG_MAP + "data:\n  k: x\nbinaryData:\n  k: eA==\n"
    problem = one(errors_of(text), "data[k]")
    assert problem.detail == "duplicate of key present in binaryData"


def test_config_map_binary_data_is_base64() -> None:
    assert errors_of(CONFIG_MAP + "binaryData:\n  k: aGVsbG8=\n") == []
    one(errors_of(CONFIG_MAP + "binaryData:\n  k: 'not base64!'\n"), "binaryData[k]")


def test_secret_data_must_be_base64_and_is_redacted() -> None:
    problem = one(errors_of(SECRET + "data:\n  password: hunter2!\n"), "data[password]")
    assert problem.value == "<secret contents redacted>" and "hunter2" not in str(problem)
    assert errors_of(SECRET + "data:\n  password: aHVudGVyMg==\n") == []


def test_secret_string_data_is_merged_and_type_defaults_to_opaque() -> None:
    text = SECRET + "data:\n  a: eA==\n  b: eA==\nstringData:\n  b: hello\n  c: world\n"
    document = parse(text).documents[0]
    assert document.obj["type"] == "Opaque"
    assert "stringData" not in document.obj and "stringData" in document.raw
    decoded = {k: base64.b64decode(v).decode() for k, v in document.obj["data"].items()}
    assert decoded == {"a": "x", "b": "hello", "c": "world"}


def test_secret_type_specific_keys() -> None:
    problems = errors_of(SECRET + "type: kubernetes.io/tls\ndata:\n  tls.crt: eA==\n")
    assert [p.field for p in problems] == ["data[tls.key]"]
    one(errors_of(SECRET + "stringData:\n  'a b': x\n"), "stringData[a b]")


def test_claim_rules() -> None:
    good = (
        CLAIM + "spec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n"
    )
    assert errors_of(good) == []
    assert parse(good).documents[0].obj["spec"]["volumeMode"] == "Filesystem"
    one(
        errors_of(CLAIM + "spec:\n  resources: {requests: {storage: 1Gi}}\n"),
        "spec.accessModes",
        "Required value",
    )
    problem = one(
        errors_of(
            CLAIM + "spec:\n  accessModes: [Sometimes]\n  resources: {requests: {storage: 1Gi}}\n"
        ),
        "spec.accessModes",
        "Unsupported value",
    )
    assert problem.value == "Sometimes"
    one(
        errors_of(CLAIM + "spec:\n  accessModes: [ReadWriteOnce]\n"),
        "spec.resources[storage]",
        "Required value",
    )
    problem = one(
        errors_of(
            CLAIM
            + "spec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: '0'}}\n"
        ),
        "spec.resources[storage]",
    )
    assert problem.detail == "must be greater than zero"
    one(
        errors_of(
            CLAIM
            + "spec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gb}}\n"
        ),
        "spec.resources.requests[storage]",
    )


def _defaulted(pod: dict[str, Any]) -> dict[str, Any]:
    parsed = parse(dump(pod))
    assert parsed.ok, parsed.problems
    return parsed.documents[0].obj


def test_pod_defaults() -> None:
    pod = base_pod()
    pod["spec"]["initContainers"] = [{"name": "init", "image": "busybox"}]
    pod["spec"]["volumes"].append({"name": "s", "secret": {"secretName": "s"}})
    pod["spec"]["volumes"].append({"name": "c", "configMap": {"name": "c"}})
    obj = _defaulted(pod)
    assert obj["metadata"]["namespace"] == "default"
    spec = obj["spec"]
    assert (spec["restartPolicy"], spec["terminationGracePeriodSeconds"], spec["dnsPolicy"]) == (
        "Always",
        30,
        "ClusterFirst",
    )
    app = spec["containers"][0]
    assert app["imagePullPolicy"] == "IfNotPresent"
    assert app["ports"][0]["protocol"] == "TCP"
    assert app["terminationMessagePolicy"] == "File"
    assert app["livenessProbe"] == {
        "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
        "initialDelaySeconds": 0,
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert spec["initContainers"][0]["imagePullPolicy"] == "Always"
    # The runtime decides file modes of secret and configMap volumes.
    assert "defaultMode" not in spec["volumes"][1]["secret"]
    assert "defaultMode" not in spec["volumes"][2]["configMap"]


def test_defaults_leave_the_raw_object_as_written() -> None:
    document = parse(dump(base_pod())).documents[0]
    assert "namespace" not in document.raw["metadata"]
    assert "imagePullPolicy" not in document.raw["spec"]["containers"][0]
    assert document.namespace == "default"


def test_explicit_values_are_kept() -> None:
    pod = base_pod()
    pod["metadata"]["namespace"] = "shop"
    pod["spec"]["restartPolicy"] = "OnFailure"
    pod["spec"]["containers"][0]["livenessProbe"]["periodSeconds"] = 3
    obj = _defaulted(pod)
    assert obj["metadata"]["namespace"] == "shop" and obj["spec"]["restartPolicy"] == "OnFailure"
    assert obj["spec"]["containers"][0]["livenessProbe"]["periodSeconds"] == 3


def test_requests_default_to_limits_and_host_network_ports() -> None:
    pod = base_pod()
    pod["spec"]["hostNetwork"] = True
    pod["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1"}}
    obj = _defaulted(pod)
    container = obj["spec"]["containers"][0]
    assert container["resources"]["requests"] == {"cpu": "1"}
    assert container["ports"][0]["hostPort"] == 80


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("localhost:5000/app", "Always"),
        ("localhost:5000/app:v1", "IfNotPresent"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
        ("nginx:latest@sha256:" + "a" * 64, "Always"),
    ],
)
def test_image_pull_policy_default(image: str, policy: str) -> None:
    assert default_image_pull_policy(image) == policy
