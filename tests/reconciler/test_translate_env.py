"""Environment: $(VAR) expansion, valueFrom, envFrom, kubelet config errors, secret env."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from translate_helpers import config_map, container, pod, secret, translate

from tui.reconciler.env_expansion import RecordingMapping, expand
from tui.reconciler.pod_plan import POD_IP_MARK, ContainerPlan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$(A)", "a"),
        ("x$(A)y", "xay"),
        ("$(A)$(B)", "ab"),
        ("$$(A)", "$(A)"),
        ("$$$(A)", "$a"),
        ("$$", "$"),
        ("$(UNSET)", "$(UNSET)"),
        ("$A", "$A"),
        ("$", "$"),
        ("a$", "a$"),
        ("$(A", "$(A"),
        ("$()", "$()"),
        ("($(A))", "(a)"),
        ("$(A)$$(B)$(C)", "a$(B)$(C)"),
        ("é$(A)ü", "éaü"),
    ],
)
def test_kubernetes_expansion(text: str, expected: str) -> None:
    assert expand(text, RecordingMapping({"A": "a", "B": "b"})) == expected


def env_of(
    tmp: Path, env: list[dict[str, Any]] | None = None, *objects: dict[str, Any], **fields: Any
) -> ContainerPlan:
    spec = container(env=env or [], **fields)
    return translate(pod(containers=[spec]), tmp, *objects).containers[0]


def test_values_expand_earlier_variables_only(tmp_path: Path) -> None:
    plan = env_of(
        tmp_path,
        [
            {"name": "LATER_REF", "value": "$(B)"},
            {"name": "A", "value": "a"},
            {"name": "B", "value": "$(A)-b"},
            {"name": "C", "value": "$$(A) $(B)"},
            {"name": "A", "value": "override"},
        ],
    )
    assert plan.body["env"] == {"LATER_REF": "$(B)", "B": "a-b", "C": "$(A) a-b", "A": "override"}


def test_field_refs(tmp_path: Path) -> None:
    manifest = pod(
        containers=[
            container(
                env=[
                    {"name": "NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                    {"name": "UID", "valueFrom": {"fieldRef": {"fieldPath": "metadata.uid"}}},
                    {
                        "name": "APP",
                        "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}},
                    },
                    {
                        "name": "NOPE",
                        "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['nope']"}},
                    },
                    {
                        "name": "NOTE",
                        "valueFrom": {
                            "fieldRef": {"fieldPath": "metadata.annotations['team.io/owner']"}
                        },
                    },
                    {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                    {
                        "name": "SA",
                        "valueFrom": {"fieldRef": {"fieldPath": "spec.serviceAccountName"}},
                    },
                    {"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "URL", "value": "http://$(POD_IP):80/$(NAME)"},
                ]
            )
        ],
        nodeName="node-1",
        serviceAccountName="builder",
    )
    manifest["metadata"]["annotations"] = {"team.io/owner": "ops"}
    plan = translate(manifest, tmp_path)
    main = plan.containers[0]
    env = main.body["env"]
    assert env["NAME"] == "web" and env["NS"] == "default" and env["UID"] == plan.uid
    assert env["APP"] == "web" and env["NOPE"] == "" and env["NOTE"] == "ops"
    assert env["NODE"] == "node-1" and env["SA"] == "builder" and env["HOST_IP"] == "127.0.0.1"
    assert main.pod_ip_env == ("POD_IP",)
    assert env["POD_IP"] == POD_IP_MARK
    created = main.create_body(plan.podman_name, "x", 0, "10.88.0.7", {})["env"]
    assert created["POD_IP"] == "10.88.0.7"
    assert created["URL"] == "http://10.88.0.7:80/web"


def test_resource_field_refs(tmp_path: Path) -> None:
    resources = {
        "limits": {"cpu": "250m", "memory": "64Mi"},
        "requests": {"cpu": "100m", "memory": "32Mi"},
    }
    env = env_of(
        tmp_path,
        [
            {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
            {
                "name": "CPU_M",
                "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}},
            },
            {
                "name": "MEM_MI",
                "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}},
            },
            {"name": "REQ", "valueFrom": {"resourceFieldRef": {"resource": "requests.memory"}}},
        ],
        resources=resources,
    ).body["env"]
    assert env == {"CPU": "1", "CPU_M": "250", "MEM_MI": "64", "REQ": str(32 * 2**20)}


def test_unset_limit_is_node_allocatable(tmp_path: Path) -> None:
    import os

    env = env_of(
        tmp_path, [{"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}}]
    ).body["env"]
    assert env["CPU"] == str(os.cpu_count())


def test_config_map_and_secret_refs(tmp_path: Path) -> None:
    plan = env_of(
        tmp_path,
        [
            {
                "name": "LEVEL",
                "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "level"}},
            },
            {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
            {
                "name": "OPT",
                "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "k", "optional": True}},
            },
            {
                "name": "OPT_KEY",
                "valueFrom": {"secretKeyRef": {"name": "db", "key": "absent", "optional": True}},
            },
        ],
        config_map("app-config", {"level": "debug"}),
        secret("db", {"password": b"s3cr3t"}),
    )
    assert plan.config_error is None
    assert plan.body["env"] == {"LEVEL": "debug"}
    assert [(s.env_name, s.data) for s in plan.secret_env] == [("PASSWORD", b"s3cr3t")]
    assert plan.body["secret_env"] == {"PASSWORD": plan.secret_env[0].podman_secret}
    assert "s3cr3t" not in repr(plan) and "s3cr3t" not in str(plan.body)


@pytest.mark.parametrize(
    ("env", "env_from", "message"),
    [
        (
            [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "k"}}}],
            [],
            'configmap "app-config" not found',
        ),
        (
            [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "present", "key": "X"}}}],
            [],
            "couldn't find key X in ConfigMap default/present",
        ),
        (
            [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "db", "key": "k"}}}],
            [],
            'secret "db" not found',
        ),
        (
            [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "X"}}}],
            [],
            "couldn't find key X in Secret default/creds",
        ),
        ([], [{"configMapRef": {"name": "gone"}}], 'configmap "gone" not found'),
        ([], [{"secretRef": {"name": "gone"}}], 'secret "gone" not found'),
    ],
)
def test_missing_references_are_config_errors(
    tmp_path: Path, env: list[Any], env_from: list[Any], message: str
) -> None:
    plan = env_of(
        tmp_path,
        env,
        config_map("present", {"a": "1"}),
        secret("creds", {"a": b"1"}),
        envFrom=env_from,
    )
    assert plan.config_error == message


def test_env_from_with_prefix_and_invalid_keys(tmp_path: Path) -> None:
    plan = translate(
        pod(
            containers=[
                container(
                    envFrom=[
                        {"configMapRef": {"name": "cfg"}, "prefix": "APP_"},
                        {"secretRef": {"name": "creds"}},
                        {"configMapRef": {"name": "missing", "optional": True}},
                    ],
                    env=[{"name": "APP_mode", "value": "override-$(APP_mode)"}],
                )
            ]
        ),
        tmp_path,
        config_map("cfg", {"mode": "fast", "1bad": "x", "with space": "y", "ok.dotted-name": "z"}),
        secret("creds", {"TOKEN": b"t0k3n", "bad=key": b"v"}),
    )
    main = plan.containers[0]
    # "1bad" is valid once prefixed: the kubelet checks the prefixed name
    assert main.body["env"] == {
        "APP_1bad": "x",
        "APP_ok.dotted-name": "z",
        "APP_mode": "override-fast",
    }
    assert [s.env_name for s in main.secret_env] == ["TOKEN"]
    assert any(
        "Keys [APP_with space] from the EnvFrom configMap default/cfg were skipped" in w
        for w in plan.warnings
    )
    assert any("Keys [bad=key] from the EnvFrom secret default/creds" in w for w in plan.warnings)


def test_values_derived_from_secrets_stay_secret(tmp_path: Path) -> None:
    plan = translate(
        pod(
            containers=[
                container(
                    env=[
                        {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
                        {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                        {"name": "DSN", "value": "db://u:$(PW)@$(IP)"},
                        {"name": "PLAIN", "value": "x"},
                    ],
                    args=["--password=$(PW)"],
                )
            ]
        ),
        tmp_path,
        secret("db", {"pw": b"hunter2"}),
    )
    main = plan.containers[0]
    assert set(main.body["env"]) == {"IP", "PLAIN"}
    secrets = {s.env_name: s.data for s in main.secret_env}
    assert secrets == {"PW": b"hunter2", "DSN": b"db://u:hunter2@" + POD_IP_MARK.encode()}
    assert any("args: expands secret variable(s) PW" in w for w in plan.warnings)
    assert all("hunter2" not in w for w in plan.warnings)


def test_secret_names_are_deterministic_and_distinct(tmp_path: Path) -> None:
    manifest = pod(
        containers=[
            container(
                "a",
                env=[{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}],
            ),
            container(
                "b",
                env=[{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}],
            ),
        ]
    )
    objects = (secret("db", {"pw": b"x"}),)
    first = translate(manifest, tmp_path, *objects)
    again = translate(manifest, tmp_path, *objects)
    names = [c.secret_env[0].podman_secret for c in first.containers]
    assert names == [c.secret_env[0].podman_secret for c in again.containers]
    assert len(set(names)) == 2
    assert first.containers[0].secret_env[0].labels["io.podtui.secret-env"] == "PW"


def test_string_data_is_honoured(tmp_path: Path) -> None:
    obj = secret("db", {})
    obj["stringData"] = {"pw": "from-string-data"}
    plan = env_of(
        tmp_path, [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}], obj
    )
    assert plan.secret_env[0].data == b"from-string-data"


def test_config_maps_from_other_namespaces_are_invisible(tmp_path: Path) -> None:
    plan = env_of(
        tmp_path,
        [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "a"}}}],
        config_map("cfg", {"a": "1"}, namespace="other"),
    )
    assert plan.config_error == 'configmap "cfg" not found'
