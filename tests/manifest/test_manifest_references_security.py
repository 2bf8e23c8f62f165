"""Cross-references (warnings, as on a cluster) and the Pod Security baseline warnings."""

from __future__ import annotations

from typing import Any

import pytest
from manifest_helpers import base_pod, dump, one, parse

from tui.manifest import ObjectIndex, check_references, load_text, validate_paths
from tui.manifest.pod_security import normalize_host_path, sensitive_host_path

OBJECTS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {key: v}
binaryData: {bin: eA==}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {password: p}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim, namespace: other}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
"""


def referencing_pod() -> dict[str, Any]:
    pod = base_pod()
    container = pod["spec"]["containers"][0]
    container["env"] = [
        {"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "key"}}},
        {"name": "B", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "password"}}},
    ]
    container["envFrom"] = [{"configMapRef": {"name": "cfg"}}, {"secretRef": {"name": "sec"}}]
    pod["spec"]["volumes"] += [
        {"name": "c", "configMap": {"name": "cfg", "items": [{"key": "bin", "path": "b"}]}},
        {"name": "s", "secret": {"secretName": "sec"}},
    ]
    return pod


def warnings_for(pod: dict[str, Any], objects: str = OBJECTS) -> list[Any]:
    parsed = load_text(objects + "---\n" + dump(pod), "all.yaml")
    assert parsed.ok, parsed.problems
    index = ObjectIndex.from_documents(parsed.documents)
    return check_references([d for d in parsed.documents if d.kind == "Pod"], index)


def test_present_references_are_fine() -> None:
    assert warnings_for(referencing_pod()) == []


def test_missing_objects_are_warnings_not_errors() -> None:
    warnings = warnings_for(referencing_pod(), objects="")
    assert all(not w.is_error and w.kind == "Not found" for w in warnings)
    assert {w.field for w in warnings} == {
        "spec.containers[0].env[0].valueFrom.configMapKeyRef.name",
        "spec.containers[0].env[1].valueFrom.secretKeyRef.name",
        "spec.containers[0].envFrom[0].configMapRef.name",
        "spec.containers[0].envFrom[1].secretRef.name",
        "spec.volumes[1].configMap.name",
        "spec.volumes[2].secret.secretName",
    }
    first = one(warnings, "spec.volumes[1].configMap.name")
    assert first.value == "cfg" and 'no ConfigMap "cfg" in namespace "default"' in first.detail
    assert first.file == "all.yaml" and first.line is not None


def test_optional_references_are_not_reported() -> None:
    pod = referencing_pod()
    container = pod["spec"]["containers"][0]
    for var in container["env"]:
        next(iter(var["valueFrom"].values()))["optional"] = True
    for source in container["envFrom"]:
        next(iter(v for k, v in source.items() if k != "prefix"))["optional"] = True
    pod["spec"]["volumes"][1]["configMap"]["optional"] = True
    pod["spec"]["volumes"][2]["secret"]["optional"] = True
    assert warnings_for(pod, objects="") == []


def test_missing_keys_in_existing_objects_are_warnings() -> None:
    pod = referencing_pod()
    pod["spec"]["containers"][0]["env"][0]["valueFrom"]["configMapKeyRef"]["key"] = "nope"
    pod["spec"]["containers"][0]["env"].append(
        {"name": "C", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "bin"}}}
    )
    pod["spec"]["volumes"][2]["secret"]["items"] = [{"key": "user", "path": "u"}]
    warnings = warnings_for(pod)
    assert {w.field for w in warnings} == {
        "spec.containers[0].env[0].valueFrom.configMapKeyRef.key",
        "spec.containers[0].env[2].valueFrom.configMapKeyRef.key",  # binaryData is not for env
        "spec.volumes[2].secret.items[0].key",
    }
    warning = one(warnings, "spec.containers[0].env[0].valueFrom.configMapKeyRef.key")
    assert warning.detail == 'ConfigMap "cfg" (all.yaml:1) has no key "nope"'
    assert warning.value == "nope" and not warning.is_error


def test_references_are_namespaced() -> None:
    pod = base_pod()
    pod["spec"]["volumes"].append({"name": "p", "persistentVolumeClaim": {"claimName": "claim"}})
    warning = one(warnings_for(pod), "spec.volumes[1].persistentVolumeClaim.claimName")
    assert 'namespace "default"' in warning.detail
    pod["metadata"]["namespace"] = "other"
    assert warnings_for(pod) == []


def test_references_resolve_against_the_folder(tmp_path: Any) -> None:
    (tmp_path / "objects.yaml").write_text(OBJECTS)
    (tmp_path / "pod.yaml").write_text(dump(referencing_pod()))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pod.yaml").write_text(dump(referencing_pod()))
    assert validate_paths([tmp_path / "pod.yaml"]) == []
    assert validate_paths([tmp_path]) == []
    # A subfolder's files see only their own folder.
    nested = validate_paths([tmp_path / "sub" / "pod.yaml"])
    assert nested and all(not p.is_error for p in nested)


# --- Pod Security Standards (baseline) ---


def security_warnings(pod: dict[str, Any]) -> list[Any]:
    parsed = parse(dump(pod))
    return [p for p in parsed.problems if not p.is_error]


def test_clean_pod_has_no_security_warnings() -> None:
    assert security_warnings(base_pod()) == []


@pytest.mark.parametrize("field", ["hostNetwork", "hostPID", "hostIPC"])
def test_host_namespaces_warn(field: str) -> None:
    pod = base_pod()
    pod["spec"][field] = True
    warning = one(security_warnings(pod), f"spec.{field}")
    assert warning.kind == "Forbidden" and 'PodSecurity "baseline:latest"' in warning.detail


def test_privileged_and_capabilities_warn() -> None:
    pod = base_pod()
    pod["spec"]["containers"][0]["securityContext"] = {
        "privileged": True,
        "capabilities": {"add": ["NET_BIND_SERVICE", "SYS_ADMIN", "CAP_CHOWN", "NET_RAW"]},
    }
    assert {w.field for w in security_warnings(pod)} == {
        "spec.containers[0].securityContext.privileged",
        "spec.containers[0].securityContext.capabilities.add[1]",
        "spec.containers[0].securityContext.capabilities.add[3]",
    }


def test_init_container_privileged_warns() -> None:
    pod = base_pod()
    pod["spec"]["initContainers"] = [
        {"name": "i", "image": "b", "securityContext": {"privileged": True}}
    ]
    one(security_warnings(pod), "spec.initContainers[0].securityContext.privileged")


@pytest.mark.parametrize(
    ("path", "flagged"),
    [
        ("/", True),
        ("/etc", True),
        ("//etc/", True),
        ("/etc/../etc", True),
        ("/srv/../etc/passwd", True),
        ("/proc/1", True),
        ("/var/run/docker.sock", True),
        ("/run/podman/podman.sock", True),
        ("/run/user/1000/podman/podman.sock", True),
        ("/home/me", True),
        ("/home", True),
        ("/home/me/.ssh", True),
        ("/home/me/.ssh/id_ed25519", True),
        ("/home/me/.kube/config", True),
        ("/home/me/src/app/data", False),
        ("/srv/data", False),
        ("/tmp/cache", False),
        ("/etcetera", False),
        ("/home/mel", False),
    ],
)
def test_sensitive_host_paths(path: str, flagged: bool) -> None:
    assert (sensitive_host_path(path, home="/home/me") is not None) is flagged


def test_host_path_is_normalised() -> None:
    assert normalize_host_path("//etc/") == "/etc"
    assert normalize_host_path("/etc/../etc") == "/etc"
    assert normalize_host_path("/a/./b//c/") == "/a/b/c"


def test_host_path_volume_warning_and_strict(tmp_path: Any) -> None:
    pod = base_pod()
    pod["spec"]["volumes"].append({"name": "h", "hostPath": {"path": "//etc/"}})
    warning = one(security_warnings(pod), "spec.volumes[1].hostPath.path")
    assert "/etc" in warning.detail
    (tmp_path / "pod.yaml").write_text(dump(pod))
    assert all(not p.is_error for p in validate_paths([tmp_path / "pod.yaml"]))
    strict = validate_paths([tmp_path / "pod.yaml"], strict=True)
    assert strict and all(p.is_error for p in strict)


@pytest.mark.parametrize(
    ("image", "policy", "warned"),
    [
        ("localhost/podtui/busybox:latest", None, True),  # :latest defaults to Always
        ("localhost/podtui/busybox", "Always", True),
        ("localhost/podtui/busybox:latest", "IfNotPresent", False),
        ("localhost/podtui/busybox:1.0", None, False),  # a tag defaults to IfNotPresent
        ("localhost:5000/app:latest", None, False),  # a real registry on localhost
        ("docker.io/library/busybox:latest", None, False),
    ],
)
def test_pulling_a_local_build_always_is_a_warning(
    image: str, policy: str | None, warned: bool
) -> None:
    pod = base_pod()
    container = pod["spec"]["containers"][0]
    container["image"] = image
    if policy:
        container["imagePullPolicy"] = policy
    problems = [
        p
        for p in parse(dump(pod)).problems
        if p.field == "spec.containers[0].imagePullPolicy"
    ]
    if not warned:
        assert problems == []
        return
    (problem,) = problems
    assert problem.severity == "warning" and "IfNotPresent" in problem.detail
    assert problem.line is not None
