"""The pod as a whole: naming, labels, namespaces, DNS, warnings, refusals, spec hash, uid."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from translate_helpers import config_map, container, lookup, pod, secret, translate, web_pod_name

from tui.reconciler.translate import TranslationError, spec_hash


def test_pod_identity_and_labels(tmp_path: Path) -> None:
    manifest = pod(containers=[container("main"), container("side")])
    manifest["metadata"]["annotations"] = {"note": "hi"}
    plan = translate(manifest, tmp_path)
    assert plan.podman_name == web_pod_name(tmp_path)
    assert plan.pod_body["name"] == web_pod_name(tmp_path) and plan.pod_body["infra_name"] == (
        web_pod_name(tmp_path) + "_infra"
    )
    labels = plan.pod_body["labels"]
    assert labels["app"] == "web"  # the manifest's own labels, as they are
    assert labels["io.podtui.managed"] == "true" and labels["io.podtui.namespace"] == "default"
    assert labels["io.podtui.name"] == "web" and labels["io.podtui.uid"] == plan.uid
    assert (
        labels["io.podtui.manifest"] == "/m/pod.yaml"
        and labels["io.podtui.spec-hash"] == plan.spec_hash
    )
    assert json.loads(labels["io.podtui.annotations"]) == {"note": "hi"}
    assert [c.name for c in plan.containers] == ["main", "side"]
    assert all(c.body["labels"]["io.podtui.uid"] == plan.uid for c in plan.containers)
    assert plan.podman_container_name("side", 2) == (web_pod_name(tmp_path) + "_side_2")


def test_pods_in_other_namespaces_never_clash(tmp_path: Path) -> None:
    a = translate(pod(namespace="default"), tmp_path)
    b = translate(pod(namespace="team-a"), tmp_path)
    assert a.podman_name != b.podman_name and a.uid != b.uid
    assert a.podman_container_name("main", 0) != b.podman_container_name("main", 0)


def test_shared_namespaces_hostname_and_network(tmp_path: Path) -> None:
    plan = translate(pod(), tmp_path)
    body = plan.pod_body
    assert body["shared_namespaces"] == ["net", "ipc", "uts"]
    assert body["hostname"] == "web"
    assert body["Networks"] == {"podtui-unit": {"aliases": ["web.default", "web.default.svc"]}}
    assert body["dns_search"] == ["default"]
    assert plan.network == "podtui-unit"
    shared = translate(pod(shareProcessNamespace=True), tmp_path).pod_body["shared_namespaces"]
    assert shared == ["net", "ipc", "uts", "pid"]


def test_hostname_rules(tmp_path: Path) -> None:
    long_name = "a" * 62 + "-b" + "c" * 10
    assert (
        translate(pod(name=long_name), tmp_path).pod_body["hostname"] == "a" * 62
    )  # 63, trailing '-' cut
    plan = translate(pod(hostname="box", subdomain="grp"), tmp_path)
    assert plan.pod_body["hostname"] == "box"
    assert plan.pod_body["Networks"]["podtui-unit"]["aliases"] == [
        "web.default", "web.default.svc", "box.grp.default", "box.grp.default.svc"
    ]  # fmt: skip
    fqdn = translate(pod(hostname="box", subdomain="grp", setHostnameAsFQDN=True), tmp_path)
    assert fqdn.pod_body["hostname"] == "box.grp.default.svc"


def test_host_aliases(tmp_path: Path) -> None:
    aliases = [{"ip": "10.1.2.3", "hostnames": ["foo.local", "bar.local"]}]
    assert translate(pod(hostAliases=aliases), tmp_path).pod_body["hostadd"] == [
        "foo.local:10.1.2.3",
        "bar.local:10.1.2.3",
    ]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"dnsConfig": {"searches": ["corp.example"], "options": [{"name": "ndots", "value": "2"}, {"name": "rotate"}]}},
         {"dns_search": ["default", "corp.example"], "dns_option": ["ndots:2", "rotate"]}),
        ({"dnsPolicy": "None", "dnsConfig": {"nameservers": ["1.1.1.1"], "searches": ["x"]}},
         {"dns_server": ["1.1.1.1"], "dns_search": ["x"]}),
        ({"dnsPolicy": "Default"}, {}),
    ],
)  # fmt: skip
def test_dns_policies(tmp_path: Path, spec: dict[str, Any], expected: dict[str, Any]) -> None:
    body = translate(pod(**spec), tmp_path).pod_body
    for key in ("dns_server", "dns_search", "dns_option"):
        assert body.get(key) == expected.get(key)


def test_host_network_dns_policies(tmp_path: Path) -> None:
    plan = translate(pod(hostNetwork=True, dnsPolicy="ClusterFirstWithHostNet"), tmp_path)
    assert not plan.host_dns and plan.network is None
    assert not {"dns_server", "dns_search", "dns_option"} & set(plan.pod_body)
    assert any("ClusterFirstWithHostNet" in w for w in plan.warnings)


def test_dns_nameservers_come_after_podman_dns(tmp_path: Path) -> None:
    plan = translate(pod(dnsConfig={"nameservers": ["9.9.9.9"]}), tmp_path)
    assert plan.cluster_dns_extra == ["9.9.9.9"] and not plan.host_dns
    assert "dns_server" not in plan.pod_body  # create_pod puts the network's DNS first
    assert translate(pod(dnsPolicy="Default"), tmp_path).host_dns


def test_plan_carries_policies_and_deadlines(tmp_path: Path) -> None:
    plan = translate(
        pod(restartPolicy="OnFailure", terminationGracePeriodSeconds=5, activeDeadlineSeconds=60),
        tmp_path,
    )
    assert (plan.restart_policy, plan.grace_period_seconds, plan.active_deadline_seconds) == (
        "OnFailure",
        5,
        60,
    )
    assert plan.containers[0].body["stop_timeout"] == 5


def test_init_containers_and_sidecars(tmp_path: Path) -> None:
    manifest = pod(initContainers=[container("setup"), container("proxy", restartPolicy="Always")])
    plan = translate(manifest, tmp_path)
    assert [(c.name, c.kind) for c in plan.init_containers] == [
        ("setup", "init"),
        ("proxy", "sidecar"),
    ]
    assert [c.name for c in plan.container_plans()] == ["setup", "proxy", "main"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("affinity", {"nodeAffinity": {}}),
        ("nodeSelector", {"disk": "ssd"}),
        ("tolerations", [{"operator": "Exists"}]),
        ("priorityClassName", "high"),
        ("schedulerName", "custom"),
        ("serviceAccountName", "builder"),
        ("topologySpreadConstraints", [{"maxSkew": 1}]),
        ("imagePullSecrets", [{"name": "reg"}]),
        ("nodeName", "elsewhere"),
    ],
)
def test_fields_without_local_meaning_warn(tmp_path: Path, field: str, value: Any) -> None:
    plan = translate(pod(**{field: value}), tmp_path)
    assert any(w.startswith(f"spec.{field}: ignored: ") for w in plan.warnings)


def test_api_server_defaults_do_not_warn(tmp_path: Path) -> None:
    defaulted = pod(
        schedulerName="default-scheduler",
        enableServiceLinks=True,
        priority=0,
        serviceAccountName="default",
    )
    assert translate(defaulted, tmp_path).warnings == []


def test_warning_wording(tmp_path: Path) -> None:
    assert (
        "spec.affinity: ignored: there is one node"
        in translate(pod(affinity={"x": 1}), tmp_path).warnings
    )


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda p: p["spec"].update(ephemeralContainers=[{"name": "dbg"}]),
            "spec.ephemeralContainers",
        ),
        (lambda p: p["spec"].update(runtimeClassName="gvisor"), "spec.runtimeClassName"),
        (lambda p: p["spec"].update(schedulingGates=[{"name": "g"}]), "spec.schedulingGates"),
        (lambda p: p["spec"].update(resourceClaims=[{"name": "gpu"}]), "spec.resourceClaims"),
        (lambda p: p["spec"].update(resources={"limits": {"cpu": "1"}}), "spec.resources"),
        (lambda p: p["spec"].update(hostUsers=False), "spec.hostUsers"),
        (lambda p: p["spec"].update(os={"name": "windows"}), "spec.os.name"),
        (lambda p: p["spec"].update(someFutureField=True), "spec.someFutureField"),
        (
            lambda p: p["spec"]["containers"][0].update(
                volumeDevices=[{"name": "b", "devicePath": "/dev/x"}]
            ),
            "spec.containers[0].volumeDevices",
        ),
        (lambda p: p["spec"]["containers"][0].update(unknown=1), "spec.containers[0].unknown"),
        (
            lambda p: p["spec"]["containers"][0].update(resources={"claims": [{"name": "x"}]}),
            "spec.containers[0].resources.claims",
        ),
        (
            lambda p: p["metadata"]["labels"].update({"io.podtui.uid": "spoof"}),
            "metadata.labels[io.podtui.uid]",
        ),
        (lambda p: p["metadata"].update(name="a_b"), "metadata.name"),
        (lambda p: p["spec"].update(dnsPolicy="Bogus"), "spec.dnsPolicy"),
        (
            lambda p: p["spec"].update(
                hostNetwork=True, hostAliases=[{"ip": "1.2.3.4", "hostnames": ["a"]}]
            ),
            "spec.hostAliases",
        ),
        (
            lambda p: p["spec"].update(hostNetwork=True, dnsConfig={"searches": ["x"]}),
            "spec.dnsConfig",
        ),
        (lambda p: p["spec"].update(hostNetwork=True, dnsPolicy="None"), "spec.dnsPolicy"),
    ],
)
def test_refusals_name_the_field(tmp_path: Path, change: Any, path: str) -> None:
    manifest = pod()
    change(manifest)
    with pytest.raises(TranslationError) as info:
        translate(manifest, tmp_path)
    assert info.value.field_path == path
    assert str(info.value).startswith(f"{path}: ")


def hash_of(manifest: dict[str, Any], *objects: dict[str, Any]) -> str:
    return spec_hash(manifest, lookup(*objects))


def test_spec_hash_rules() -> None:
    env_pod = pod(
        containers=[
            container(
                env=[
                    {"name": "A", "valueFrom": {"configMapKeyRef": {"name": "env-cm", "key": "a"}}}
                ],
                envFrom=[{"secretRef": {"name": "env-secret"}}],
                volumeMounts=[{"name": "files", "mountPath": "/f"}],
            )
        ],
        volumes=[{"name": "files", "configMap": {"name": "mounted-cm"}}],
    )
    objects = [
        config_map("env-cm", {"a": "1"}),
        secret("env-secret", {"s": b"1"}),
        config_map("mounted-cm", {"f": "1"}),
    ]
    base = hash_of(env_pod, *objects)
    assert base == hash_of(copy.deepcopy(env_pod), *objects)  # stable
    assert len(base) == 64

    relabelled = copy.deepcopy(env_pod)
    relabelled["metadata"]["labels"]["tier"] = "front"
    assert hash_of(relabelled, *objects) != base

    annotated = copy.deepcopy(env_pod)
    annotated["metadata"]["annotations"] = {"a": "b"}
    assert hash_of(annotated, *objects) != base

    changed_env = [config_map("env-cm", {"a": "2"}), objects[1], objects[2]]
    assert hash_of(env_pod, *changed_env) != base
    changed_secret = [objects[0], secret("env-secret", {"s": b"2"}), objects[2]]
    assert hash_of(env_pod, *changed_secret) != base
    assert hash_of(env_pod, objects[1], objects[2]) != base  # an env ConfigMap appearing/vanishing

    changed_mount = [objects[0], objects[1], config_map("mounted-cm", {"f": "2"})]
    assert hash_of(env_pod, *changed_mount) == base  # files are updated in place instead


def test_uid_is_deterministic_per_spec(tmp_path: Path) -> None:
    first, again = translate(pod(), tmp_path), translate(pod(), tmp_path)
    assert first.uid == again.uid and first.spec_hash == again.spec_hash
    changed = pod()
    changed["spec"]["containers"][0]["args"] = ["x"]
    assert translate(changed, tmp_path).uid != first.uid


def test_termination_message_path_is_kept(tmp_path: Path) -> None:
    plan = translate(pod(containers=[container(terminationMessagePath="/tmp/msg")]), tmp_path)
    assert plan.containers[0].termination_message_path == "/tmp/msg"
    assert plan.termination_dir == str(tmp_path / "state" / "termination" / web_pod_name(tmp_path))
