"""The API server's Pod rules that the schema cannot express: one test per rule, both ways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from manifest_helpers import base_pod, errors_of, one

Pod = dict[str, Any]


def container(pod: Pod, index: int = 0) -> dict[str, Any]:
    return pod["spec"]["containers"][index]


def test_the_base_pod_is_valid(pod: Pod) -> None:
    assert errors_of(pod) == []


# (change, field, kind, detail fragment): each change makes the base Pod invalid exactly there.
INVALID_CASES: list[tuple[str, Callable[[Pod], None], str, str, str]] = [
    (
        "pod name not a subdomain",
        lambda p: p["metadata"].update(name="Web_1"),
        "metadata.name",
        "Invalid value",
        "RFC 1123 subdomain",
    ),
    (
        "pod name too long",
        lambda p: p["metadata"].update(name="a" * 254),
        "metadata.name",
        "Invalid value",
        "no more than 253",
    ),
    (
        "pod name missing",
        lambda p: p["metadata"].pop("name"),
        "metadata.name",
        "Required value",
        "name or generateName is required",
    ),
    (
        "namespace not a label",
        lambda p: p["metadata"].update(namespace="a.b"),
        "metadata.namespace",
        "Invalid value",
        "must not contain dots",
    ),
    (
        "label key",
        lambda p: p["metadata"]["labels"].update({"-bad": "x"}),
        "metadata.labels",
        "Invalid value",
        "name part must consist",
    ),
    (
        "label key prefix",
        lambda p: p["metadata"]["labels"].update({"Bad_Prefix/x": "x"}),
        "metadata.labels",
        "Invalid value",
        "prefix part",
    ),
    (
        "label value too long",
        lambda p: p["metadata"]["labels"].update(app="a" * 64),
        "metadata.labels",
        "Invalid value",
        "no more than 63",
    ),
    (
        "annotation key",
        lambda p: p["metadata"].update(annotations={"a/b/c": "x"}),
        "metadata.annotations",
        "Invalid value",
        "valid label key",
    ),
    (
        "annotations too big",
        lambda p: p["metadata"].update(annotations={"a": "x" * (256 * 1024)}),
        "metadata.annotations",
        "Too long",
        "262144 bytes",
    ),
    (
        "container name",
        lambda p: container(p).update(name="App"),
        "spec.containers[0].name",
        "Invalid value",
        "RFC 1123 label",
    ),
    (
        "container name empty",
        lambda p: container(p).update(name=""),
        "spec.containers[0].name",
        "Required value",
        "",
    ),
    (
        "image missing",
        lambda p: container(p).pop("image"),
        "spec.containers[0].image",
        "Required value",
        "",
    ),
    (
        "image whitespace",
        lambda p: container(p).update(image=" nginx"),
        "spec.containers[0].image",
        "Invalid value",
        "leading or trailing whitespace",
    ),
    (
        "no containers",
        lambda p: p["spec"].update(containers=[]),
        "spec.containers",
        "Required value",
        "",
    ),
    (
        "port name too long",
        lambda p: container(p)["ports"][0].update(name="a-very-long-port-name"),
        "spec.containers[0].ports[0].name",
        "Invalid value",
        "no more than 15",
    ),
    (
        "port name no letter",
        lambda p: container(p)["ports"][0].update(name="8080"),
        "spec.containers[0].ports[0].name",
        "Invalid value",
        "at least one letter",
    ),
    (
        "port name double hyphen",
        lambda p: container(p)["ports"][0].update(name="a--b"),
        "spec.containers[0].ports[0].name",
        "Invalid value",
        "consecutive hyphens",
    ),
    (
        "port name upper case",
        lambda p: container(p)["ports"][0].update(name="HTTP"),
        "spec.containers[0].ports[0].name",
        "Invalid value",
        "alpha-numeric",
    ),
    (
        "duplicate port name",
        lambda p: container(p)["ports"].append({"name": "http", "containerPort": 81}),
        "spec.containers[0].ports[1].name",
        "Duplicate value",
        "",
    ),
    (
        "container port 0",
        lambda p: container(p)["ports"][0].update(containerPort=0),
        "spec.containers[0].ports[0].containerPort",
        "Required value",
        "",
    ),
    (
        "container port high",
        lambda p: container(p)["ports"][0].update(containerPort=65536),
        "spec.containers[0].ports[0].containerPort",
        "Invalid value",
        "between 1 and 65535",
    ),
    (
        "host port negative",
        lambda p: container(p)["ports"][0].update(hostPort=-1),
        "spec.containers[0].ports[0].hostPort",
        "Invalid value",
        "between 1 and 65535",
    ),
    (
        "protocol",
        lambda p: container(p)["ports"][0].update(protocol="HTTP"),
        "spec.containers[0].ports[0].protocol",
        "Unsupported value",
        '"SCTP", "TCP", "UDP"',
    ),
    (
        "host port conflict",
        lambda p: (
            container(p)["ports"].append({"containerPort": 81, "hostPort": 8080})
            or container(p)["ports"].append({"containerPort": 82, "hostPort": 8080})
        ),
        "spec.containers[0].ports[2].hostPort",
        "Duplicate value",
        "",
    ),
    (
        "env name",
        lambda p: container(p)["env"].append({"name": "1X", "value": "v"}),
        "spec.containers[0].env[1].name",
        "Invalid value",
        "must not start with a digit",
    ),
    (
        "env name dots",
        lambda p: container(p)["env"].append({"name": "..x", "value": "v"}),
        "spec.containers[0].env[1].name",
        "Invalid value",
        "must not start with '..'",
    ),
    (
        "env value and valueFrom",
        lambda p: container(p)["env"].append(
            {"name": "X", "value": "v", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
        ),
        "spec.containers[0].env[1].valueFrom",
        "Invalid value",
        "may not be specified when `value` is not empty",
    ),
    (
        "env two sources",
        lambda p: container(p)["env"].append(
            {
                "name": "X",
                "valueFrom": {
                    "fieldRef": {"fieldPath": "metadata.name"},
                    "configMapKeyRef": {"name": "c", "key": "k"},
                },
            }
        ),
        "spec.containers[0].env[1].valueFrom",
        "Invalid value",
        "more than one field",
    ),
    (
        "env no source",
        lambda p: container(p)["env"].append({"name": "X", "valueFrom": {}}),
        "spec.containers[0].env[1].valueFrom",
        "Invalid value",
        "must specify one of",
    ),
    (
        "env field path",
        lambda p: container(p)["env"].append(
            {"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "spec.nope"}}}
        ),
        "spec.containers[0].env[1].valueFrom.fieldRef.fieldPath",
        "Unsupported value",
        "metadata.name",
    ),
    (
        "env key",
        lambda p: container(p)["env"].append(
            {"name": "X", "valueFrom": {"secretKeyRef": {"name": "s", "key": "a b"}}}
        ),
        "spec.containers[0].env[1].valueFrom.secretKeyRef.key",
        "Invalid value",
        "valid config key",
    ),
    (
        "envFrom no source",
        lambda p: container(p).update(envFrom=[{"prefix": "P_"}]),
        "spec.containers[0].envFrom",
        "Invalid value",
        "must specify one of",
    ),
    (
        "envFrom prefix",
        lambda p: container(p).update(envFrom=[{"prefix": "9", "configMapRef": {"name": "c"}}]),
        "spec.containers[0].envFrom[0].prefix",
        "Invalid value",
        "environment variable name",
    ),
    (
        "quantity negative",
        lambda p: container(p)["resources"]["requests"].update(cpu="-1"),
        "spec.containers[0].resources.requests[cpu]",
        "Invalid value",
        "greater than or equal to 0",
    ),
    (
        "request over limit",
        lambda p: container(p)["resources"]["requests"].update(memory="1Gi"),
        "spec.containers[0].resources.requests",
        "Invalid value",
        "must be less than or equal to memory limit of 128Mi",
    ),
    (
        "unknown resource",
        lambda p: container(p)["resources"]["limits"].update(gpus="1"),
        "spec.containers[0].resources.limits[gpus]",
        "Invalid value",
        "standard resource for containers",
    ),
    (
        "extended resource fraction",
        lambda p: container(p)["resources"].update(
            limits={"example.com/dongle": "500m"}, requests={"example.com/dongle": "500m"}
        ),
        "spec.containers[0].resources.limits[example.com/dongle]",
        "Invalid value",
        "must be an integer",
    ),
    (
        "extended request without limit",
        lambda p: container(p)["resources"].update(requests={"example.com/dongle": "1"}),
        "spec.containers[0].resources.limits",
        "Required value",
        "non overcommitable",
    ),
    (
        "mount of undeclared volume",
        lambda p: container(p)["volumeMounts"].append({"name": "cache", "mountPath": "/cache"}),
        "spec.containers[0].volumeMounts[1].name",
        "Not found",
        "",
    ),
    (
        "mount path not unique",
        lambda p: container(p)["volumeMounts"].append({"name": "data", "mountPath": "/data"}),
        "spec.containers[0].volumeMounts[1].mountPath",
        "Invalid value",
        "must be unique",
    ),
    (
        "mount path missing",
        lambda p: container(p)["volumeMounts"][0].pop("mountPath"),
        "spec.containers[0].volumeMounts[0].mountPath",
        "Required value",
        "",
    ),
    (
        "subPath escapes",
        lambda p: container(p)["volumeMounts"][0].update(subPath="../x"),
        "spec.containers[0].volumeMounts[0].subPath",
        "Invalid value",
        "must not contain '..'",
    ),
    (
        "bidirectional unprivileged",
        lambda p: container(p)["volumeMounts"][0].update(mountPropagation="Bidirectional"),
        "spec.containers[0].volumeMounts[0].mountPropagation",
        "Forbidden",
        "privileged",
    ),
    (
        "volume name",
        lambda p: p["spec"]["volumes"][0].update(name="Data"),
        "spec.volumes[0].name",
        "Invalid value",
        "RFC 1123 label",
    ),
    (
        "duplicate volume name",
        lambda p: p["spec"]["volumes"].append({"name": "data", "emptyDir": {}}),
        "spec.volumes[1].name",
        "Duplicate value",
        "",
    ),
    (
        "volume without source",
        lambda p: p["spec"]["volumes"].append({"name": "x"}),
        "spec.volumes[1]",
        "Required value",
        "must specify a volume type",
    ),
    (
        "volume with two sources",
        lambda p: p["spec"]["volumes"][0].update(hostPath={"path": "/srv"}),
        "spec.volumes[0].hostPath",
        "Forbidden",
        "more than 1 volume type",
    ),
    (
        "hostPath type",
        lambda p: p["spec"]["volumes"].append(
            {"name": "h", "hostPath": {"path": "/srv", "type": "Dir"}}
        ),
        "spec.volumes[1].hostPath.type",
        "Unsupported value",
        "DirectoryOrCreate",
    ),
    (
        "secret volume name",
        lambda p: p["spec"]["volumes"].append({"name": "s", "secret": {}}),
        "spec.volumes[1].secret.secretName",
        "Required value",
        "",
    ),
    (
        "configMap defaultMode",
        lambda p: p["spec"]["volumes"].append(
            {"name": "c", "configMap": {"name": "c", "defaultMode": 0o1777}}
        ),
        "spec.volumes[1].configMap.defaultMode",
        "Invalid value",
        "0777",
    ),
    (
        "item path absolute",
        lambda p: p["spec"]["volumes"].append(
            {"name": "c", "configMap": {"name": "c", "items": [{"key": "k", "path": "/etc/x"}]}}
        ),
        "spec.volumes[1].configMap.items[0].path",
        "Invalid value",
        "relative path",
    ),
    (
        "pvc claim name",
        lambda p: p["spec"]["volumes"].append(
            {"name": "c", "persistentVolumeClaim": {"claimName": ""}}
        ),
        "spec.volumes[1].persistentVolumeClaim.claimName",
        "Required value",
        "",
    ),
    (
        "restart policy",
        lambda p: p["spec"].update(restartPolicy="Sometimes"),
        "spec.restartPolicy",
        "Unsupported value",
        '"Always", "OnFailure", "Never"',
    ),
    (
        "dns policy",
        lambda p: p["spec"].update(dnsPolicy="Google"),
        "spec.dnsPolicy",
        "Unsupported value",
        "ClusterFirst",
    ),
    (
        "dns none without config",
        lambda p: p["spec"].update(dnsPolicy="None"),
        "spec.dnsConfig",
        "Required value",
        "dnsConfig",
    ),
    (
        "hostname",
        lambda p: p["spec"].update(hostname="a.b"),
        "spec.hostname",
        "Invalid value",
        "must not contain dots",
    ),
    (
        "host alias ip",
        lambda p: p["spec"].update(hostAliases=[{"ip": "300.1.1.1", "hostnames": ["db"]}]),
        "spec.hostAliases[0].ip",
        "Invalid value",
        "valid IP",
    ),
    (
        "no probe handler",
        lambda p: container(p).update(readinessProbe={"periodSeconds": 5}),
        "spec.containers[0].readinessProbe",
        "Required value",
        "must specify a handler type",
    ),
    (
        "two probe handlers",
        lambda p: container(p)["livenessProbe"].update(exec={"command": ["true"]}),
        "spec.containers[0].livenessProbe.httpGet",
        "Forbidden",
        "more than 1 handler type",
    ),
    (
        "exec without command",
        lambda p: container(p).update(startupProbe={"exec": {}}),
        "spec.containers[0].startupProbe.exec.command",
        "Required value",
        "",
    ),
    (
        "probe port name",
        lambda p: container(p)["livenessProbe"]["httpGet"].update(port="no_such"),
        "spec.containers[0].livenessProbe.httpGet.port",
        "Invalid value",
        "alpha-numeric",
    ),
    (
        "probe scheme",
        lambda p: container(p)["livenessProbe"]["httpGet"].update(scheme="FTP"),
        "spec.containers[0].livenessProbe.httpGet.scheme",
        "Unsupported value",
        "HTTPS",
    ),
    (
        "liveness success threshold",
        lambda p: container(p)["livenessProbe"].update(successThreshold=2),
        "spec.containers[0].livenessProbe.successThreshold",
        "Invalid value",
        "must be 1",
    ),
    (
        "negative period",
        lambda p: container(p)["livenessProbe"].update(periodSeconds=-1),
        "spec.containers[0].livenessProbe.periodSeconds",
        "Invalid value",
        "greater than or equal to 0",
    ),
    (
        "readiness grace",
        lambda p: container(p).update(
            readinessProbe={"tcpSocket": {"port": 80}, "terminationGracePeriodSeconds": 5}
        ),
        "spec.containers[0].readinessProbe.terminationGracePeriodSeconds",
        "Invalid value",
        "must not be set for readinessProbes",
    ),
    (
        "restartPolicy on a container",
        lambda p: container(p).update(restartPolicy="Always"),
        "spec.containers[0].restartPolicy",
        "Forbidden",
        "non-init containers",
    ),
    (
        "init restartPolicy",
        lambda p: p["spec"].update(
            initContainers=[{"name": "init", "image": "b", "restartPolicy": "OnFailure"}]
        ),
        "spec.initContainers[0].restartPolicy",
        "Unsupported value",
        'supported values: "Always"',
    ),
    (
        "probe on init container",
        lambda p: p["spec"].update(
            initContainers=[
                {"name": "init", "image": "b", "livenessProbe": {"exec": {"command": ["true"]}}}
            ]
        ),
        "spec.initContainers[0].livenessProbe",
        "Forbidden",
        "without restartPolicy=Always",
    ),
    (
        "init name clashes",
        lambda p: p["spec"].update(initContainers=[{"name": "app", "image": "b"}]),
        "spec.initContainers[0].name",
        "Duplicate value",
        "",
    ),
    (
        "ephemeral name clashes",
        lambda p: p["spec"].update(ephemeralContainers=[{"name": "app", "image": "b"}]),
        "spec.ephemeralContainers[0].name",
        "Duplicate value",
        "",
    ),
    (
        "ephemeral on create",
        lambda p: p["spec"].update(ephemeralContainers=[{"name": "debug", "image": "b"}]),
        "spec.ephemeralContainers",
        "Forbidden",
        "cannot be set on create",
    ),
    (
        "hostNetwork port mismatch",
        lambda p: (
            p["spec"].update(hostNetwork=True) or container(p)["ports"][0].update(hostPort=8080)
        ),
        "spec.containers[0].ports[0].hostPort",
        "Invalid value",
        "must match `containerPort`",
    ),
    (
        "pull policy",
        lambda p: container(p).update(imagePullPolicy="Sometimes"),
        "spec.containers[0].imagePullPolicy",
        "Unsupported value",
        "IfNotPresent",
    ),
    (
        "run as user",
        lambda p: container(p).update(securityContext={"runAsUser": -1}),
        "spec.containers[0].securityContext.runAsUser",
        "Invalid value",
        "between 0 and",
    ),
    (
        "privileged without escalation",
        lambda p: container(p).update(
            securityContext={"privileged": True, "allowPrivilegeEscalation": False}
        ),
        "spec.containers[0].securityContext",
        "Invalid value",
        "`privileged` to true",
    ),
    (
        "active deadline",
        lambda p: p["spec"].update(activeDeadlineSeconds=0),
        "spec.activeDeadlineSeconds",
        "Invalid value",
        "between 1 and",
    ),
    (
        "node selector",
        lambda p: p["spec"].update(nodeSelector={"a": "b c"}),
        "spec.nodeSelector",
        "Invalid value",
        "a valid label",
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "kind", "detail"),
    [case[1:] for case in INVALID_CASES],
    ids=[case[0] for case in INVALID_CASES],
)
def test_rule_rejects(change: Callable[[Pod], None], field: str, kind: str, detail: str) -> None:
    pod = base_pod()
    change(pod)
    problems = errors_of(pod)
    matching = [p for p in problems if p.field == field and p.kind == kind and detail in p.detail]
    assert matching, "\n".join(str(p) for p in problems) or "no problems"
    assert all(p.line is not None for p in problems)


# fmt: off
VALID_CASES: list[tuple[str, Callable[[Pod], None]]] = [
    ("port name", lambda p: container(p)["ports"][0].update(name="web-2")),
    ("sidecar with probes", lambda p: p["spec"].update(initContainers=[{"name": "side", "image": "b", "restartPolicy": "Always", "readinessProbe": {"exec": {"command": ["true"]}}}])),
    ("plain init container", lambda p: p["spec"].update(initContainers=[{"name": "init", "image": "b"}])),
    ("env names with dots and dashes", lambda p: container(p)["env"].append({"name": "my.env-name", "value": "v"})),
    ("labels with prefix", lambda p: p["metadata"]["labels"].update({"app.kubernetes.io/name": "web", "empty": ""})),
    ("annotation upper case", lambda p: p["metadata"].update(annotations={"Example.com/Owner": "anything at all"})),
    ("requests equal limits", lambda p: container(p)["resources"].update(requests={"cpu": "1000m", "memory": "128Mi"})),
    ("limits only", lambda p: container(p)["resources"].pop("requests")),
    ("hostNetwork matching ports", lambda p: p["spec"].update(hostNetwork=True)),
    ("probe by port name", lambda p: container(p)["livenessProbe"]["httpGet"].update(port="http")),
    ("grpc probe", lambda p: container(p).update(readinessProbe={"grpc": {"port": 9090}})),
    ("secret volume", lambda p: p["spec"]["volumes"].append({"name": "s", "secret": {"secretName": "s", "optional": True}})),
    ("restart policy never", lambda p: p["spec"].update(restartPolicy="Never")),
    ("dns none with config", lambda p: p["spec"].update(dnsPolicy="None", dnsConfig={"nameservers": ["1.1.1.1"]})),
    ("UDP and SCTP", lambda p: container(p)["ports"].extend([{"containerPort": 53, "protocol": "UDP"}, {"containerPort": 54, "protocol": "SCTP"}])),
    ("same hostPort different protocol", lambda p: container(p)["ports"].extend([{"containerPort": 53, "hostPort": 53, "protocol": "UDP"}, {"containerPort": 53, "hostPort": 53}])),
    ("lifecycle sleep", lambda p: container(p).update(lifecycle={"preStop": {"sleep": {"seconds": 5}}})),
    ("generateName prefix ok with name", lambda p: p["metadata"].update(generateName="web-")),
]
# fmt: on


@pytest.mark.parametrize(
    ("change",), [case[1:] for case in VALID_CASES], ids=[c[0] for c in VALID_CASES]
)
def test_rule_accepts(change: Callable[[Pod], None]) -> None:
    pod = base_pod()
    change(pod)
    assert errors_of(pod) == []


def test_missing_volume_mount_message_and_position() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "  - name: app\n    image: nginx\n    volumeMounts:\n    - name: cache\n"
        "      mountPath: /cache\n"
    )
    problem = one(errors_of(text), "spec.containers[0].volumeMounts[0].name")
    assert (
        str(problem)
        == 'pod.yaml:10:13: spec.containers[0].volumeMounts[0].name: Not found: "cache"'
    )


def test_request_over_limit_points_at_the_request() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "  - name: app\n    image: nginx\n    resources:\n      limits: {cpu: 500m}\n"
        "      requests:\n        cpu: '2'\n"
    )
    problem = one(errors_of(text), "spec.containers[0].resources.requests")
    assert (problem.line, problem.col) == (12, 14)
    assert problem.body() == 'Invalid value: "2": must be less than or equal to cpu limit of 500m'


def test_invalid_volume_also_makes_its_mounts_not_found(pod: Pod) -> None:
    pod["spec"]["volumes"][0]["name"] = "Data"
    container(pod)["volumeMounts"][0]["name"] = "Data"
    assert {p.field for p in errors_of(pod)} >= {
        "spec.volumes[0].name",
        "spec.containers[0].volumeMounts[0].name",
    }
