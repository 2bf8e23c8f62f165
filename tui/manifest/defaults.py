"""Defaults the API server fills in on create (pkg/apis/core/v1/defaults.go), on a copy.

Only what a local sandbox can observe is defaulted. The volume ``defaultMode`` of secret and
configMap volumes is deliberately left unset: the runtime decides (0400 for secret files,
0644 for configMap files). Every function tolerates wrongly typed input; the schema check has
reported it already.
"""

from __future__ import annotations

import base64

PROBE_DEFAULTS = {
    "initialDelaySeconds": 0,
    "timeoutSeconds": 1,
    "periodSeconds": 10,
    "successThreshold": 1,
    "failureThreshold": 3,
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def deep_copy(value: object) -> object:
    """A fast deep copy of JSON-like data (dicts, lists, scalars)."""
    if type(value) is dict:
        return {k: deep_copy(v) if type(v) in (dict, list) else v for k, v in value.items()}
    if type(value) is list:
        return [deep_copy(v) if type(v) in (dict, list) else v for v in value]
    return value


def apply_defaults(kind: str, obj: dict[str, object]) -> dict[str, object]:
    """Return a defaulted deep copy of ``obj`` (the raw object is left as written)."""
    result = deep_copy(obj)
    assert isinstance(result, dict)
    metadata = result.get("metadata")
    if metadata is None:
        metadata = result["metadata"] = {}
    if isinstance(metadata, dict) and not metadata.get("namespace"):
        metadata["namespace"] = "default"
    if kind == "Pod":
        spec = result.get("spec")
        if spec is None:
            spec = result["spec"] = {}
        if isinstance(spec, dict):
            default_pod_spec(spec)
    elif kind == "Secret":
        default_secret(result)
    elif kind == "PersistentVolumeClaim":
        spec = result.get("spec")
        if isinstance(spec, dict) and not spec.get("volumeMode"):
            spec["volumeMode"] = "Filesystem"
    return result


def default_pod_spec(spec: dict[str, object]) -> None:
    """PodSpec defaults: restart and DNS policy, grace period, then each container."""
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    host_network = spec.get("hostNetwork") is True
    for list_name in CONTAINER_LISTS:
        containers = spec.get(list_name)
        if not isinstance(containers, list):
            continue
        for container in containers:
            if isinstance(container, dict):
                default_container(container, host_network and list_name != "ephemeralContainers")
                if list_name != "ephemeralContainers":
                    _requests_from_limits(container)
    volumes = spec.get("volumes")
    if isinstance(volumes, list):
        for volume in volumes:
            if isinstance(volume, dict):
                _default_volume(volume)


def default_image_pull_policy(image: str) -> str:
    """``Always`` for ``:latest`` or no tag (unless pinned by digest), ``IfNotPresent`` otherwise."""
    reference, _, digest = image.partition("@")
    last = reference.rsplit("/", 1)[-1]
    tag = last.rpartition(":")[2] if ":" in last else ""
    if not tag and not digest:
        tag = "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def default_container(container: dict[str, object], host_network: bool = False) -> None:
    """Container defaults: pull policy, termination message, port protocol, probes, env."""
    image = container.get("image")
    if not container.get("imagePullPolicy") and isinstance(image, str) and image:
        container["imagePullPolicy"] = default_image_pull_policy(image)
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = "/dev/termination-log"
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    ports = container.get("ports")
    if isinstance(ports, list):
        for port in ports:
            if isinstance(port, dict):
                if not port.get("protocol"):
                    port["protocol"] = "TCP"
                if host_network and not port.get("hostPort") and port.get("containerPort"):
                    port["hostPort"] = port["containerPort"]
    for probe_name in PROBES:
        probe = container.get(probe_name)
        if isinstance(probe, dict):
            _default_probe(probe)
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            handler = lifecycle.get(hook)
            if isinstance(handler, dict):
                _default_http_get(handler.get("httpGet"))
    env = container.get("env")
    if isinstance(env, list):
        for var in env:
            if isinstance(var, dict):
                value_from = var.get("valueFrom")
                if isinstance(value_from, dict):
                    _default_field_ref(value_from.get("fieldRef"))


def _default_probe(probe: dict[str, object]) -> None:
    for key, value in PROBE_DEFAULTS.items():
        if probe.get(key) is None or (key != "initialDelaySeconds" and probe.get(key) == 0):
            probe[key] = value
    _default_http_get(probe.get("httpGet"))


def _default_http_get(http_get: object) -> None:
    if isinstance(http_get, dict):
        if not http_get.get("path"):
            http_get["path"] = "/"
        if not http_get.get("scheme"):
            http_get["scheme"] = "HTTP"


def _default_field_ref(field_ref: object) -> None:
    if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
        field_ref["apiVersion"] = "v1"


def _requests_from_limits(container: dict[str, object]) -> None:
    """A limit without a request makes the request equal to the limit."""
    resources = container.get("resources")
    if not isinstance(resources, dict):
        return
    limits = resources.get("limits")
    if not isinstance(limits, dict) or not limits:
        return
    requests = resources.get("requests")
    if requests is None:
        requests = resources["requests"] = {}
    if isinstance(requests, dict):
        for name, value in limits.items():
            requests.setdefault(name, value)


def _default_volume(volume: dict[str, object]) -> None:
    downward = volume.get("downwardAPI")
    items = downward.get("items") if isinstance(downward, dict) else None
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict):
                _default_field_ref(item.get("fieldRef"))


def default_secret(secret: dict[str, object]) -> None:
    """Secret defaults: type Opaque; stringData merged into data (base64) and dropped."""
    if not secret.get("type"):
        secret["type"] = "Opaque"
    string_data = secret.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = secret.get("data")
        if not isinstance(data, dict):
            data = secret["data"] = {}
        for key, value in string_data.items():
            if isinstance(value, str):
                data[key] = base64.b64encode(value.encode("utf-8")).decode("ascii")
            elif value is None:
                data[key] = ""
