"""``kubectl describe pod`` for a v1.Pod dict and its events, laid out as kubectl does.

A reading of describePod and its helpers (staging/src/k8s.io/kubectl/pkg/describe/
describe.go): two spaces per level, tab-separated cells aligned by Go's tabwriter, times in
RFC1123Z in the zone of ``now``. Secret values never appear: a secretKeyRef prints which
key of which secret, exactly as kubectl does, and podtui never has the value in the pod.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timezone
from decimal import Decimal
from typing import Any

from tui.manifest.quantity import QuantityError, parse_quantity
from tui.status.describe_volumes import describe_volumes
from tui.status.events import Event
from tui.status.pod_status import qos_class
from tui.status.tabwriter import PrefixWriter
from tui.status.timestamps import as_utc, parse_rfc3339, rfc1123z, since

_SKIPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})
_MAX_ANNOTATION_LEN = 140


def _zone(now: datetime) -> timezone:
    offset = now.utcoffset() if now.tzinfo else None
    return timezone(offset) if offset is not None else UTC


def describe_pod(pod: Mapping[str, Any], events: Sequence[Event], now: datetime) -> str:
    """The text of ``kubectl describe pod`` for ``pod``, with ``events`` as its Events table."""
    zone = _zone(now)
    w = PrefixWriter()
    metadata = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    w.write(0, f"Name:\t{metadata.get('name', '')}\n")
    w.write(0, f"Namespace:\t{metadata.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("nodeName"):
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    else:
        w.write(0, "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(parse_rfc3339(status['startTime']), zone)}\n")
    _labels(w, "Labels", metadata.get("labels"))
    _annotations(w, metadata.get("annotations"))
    phase = status.get("phase", "")
    if metadata.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        lasts = since(metadata["deletionTimestamp"], now)
        w.write(0, f"Status:\tTerminating (lasts {lasts})\n")
        w.write(0, f"Termination Grace Period:\t{metadata.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = [ip.get("ip", "") for ip in status.get("podIPs") or []]
    if ips:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip}\n")
    else:
        w.write(0, "IPs:\t<none>\n")
    if spec.get("initContainers"):
        _containers(
            w,
            "Init Containers",
            spec["initContainers"],
            status.get("initContainerStatuses"),
            pod,
            zone,
        )
    _containers(
        w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), pod, zone
    )
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        found = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
        for gate in spec["readinessGates"]:
            kind = gate.get("conditionType")
            w.write(1, f"{kind} \t{found.get(kind, '<none>')} \n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for condition in status["conditions"]:
            w.write(1, f"{condition.get('type')} \t{condition.get('status')} \n")
    describe_volumes(w, spec.get("volumes") or [])
    w.write(0, f"QoS Class:\t{status.get('qosClass') or qos_class(spec)}\n")
    _labels(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, spec.get("tolerations") or [])
    _events(w, events, now)
    return w.render()


def _labels(w: PrefixWriter, title: str, labels: object) -> None:
    """printLabelsMultiline: sorted ``key=value`` lines, ``<none>`` when empty."""
    w.write(0, f"{title}:\t")
    if not isinstance(labels, Mapping) or not labels:
        w.write(0, "<none>\n")
        return
    for index, key in enumerate(sorted(labels)):
        if index:
            w.write(0, "\t")
        w.write(0, f"{key}={labels[key]}\n")


def _annotations(w: PrefixWriter, annotations: object) -> None:
    """printAnnotationsMultiline: ``key: value``, long or multi-line values folded."""
    w.write(0, "Annotations:\t")
    values = annotations if isinstance(annotations, Mapping) else {}
    keys = sorted(k for k in values if k not in _SKIPPED_ANNOTATIONS)
    if not keys:
        w.write(0, "<none>\n")
        return
    for index, key in enumerate(keys):
        if index:
            w.write(0, "\t")
        value = str(values[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > _MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                w.write(0, f"\t  {_shorten(line, _MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _shorten(text: str, limit: int) -> str:
    return text[:limit] + "..." if len(text) > limit else text


def _tolerations(w: PrefixWriter, tolerations: Sequence[Mapping[str, Any]]) -> None:
    """printPodTolerationsMultiline: sorted by key, ``op=Exists`` for value-less Exists."""
    w.write(0, "Tolerations:\t")
    if not tolerations:
        w.write(0, "<none>\n")
        return
    ordered = sorted(tolerations, key=lambda t: str(t.get("key") or ""))
    for index, toleration in enumerate(ordered):
        if index:
            w.write(0, "\t")
        key, value, effect = (str(toleration.get(k) or "") for k in ("key", "value", "effect"))
        text = key
        if value:
            text += f"={value}"
        if effect:
            text += f":{effect}"
        if toleration.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if toleration.get("tolerationSeconds") is not None:
            text += f" for {toleration['tolerationSeconds']}s"
        w.write(0, text + "\n")


def _containers(
    w: PrefixWriter,
    label: str,
    containers: Sequence[Mapping[str, Any]],
    statuses: object,
    pod: Mapping[str, Any],
    zone: timezone,
) -> None:
    """describeContainers: one section per container, status fields when known."""
    by_name = {s.get("name"): s for s in statuses or []} if isinstance(statuses, list) else {}
    w.write(0, f"{label}:{'' if containers else ' <none>'}\n")
    for container in containers:
        status = by_name.get(container.get("name"))
        w.write(1, f"{container.get('name')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{container.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        _ports(w, container.get("ports") or [])
        _command(w, "Command", container.get("command"))
        _command(w, "Args", container.get("args"))
        if status is not None:
            _state(w, "State", status.get("state") or {}, zone)
            if (status.get("lastState") or {}).get("terminated"):
                _state(w, "Last State", status["lastState"], zone)
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        _resources(w, container.get("resources") or {})
        for kind, title in (
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ):
            if container.get(kind):
                w.write(2, f"{title}:\t{describe_probe(container[kind])}\n")
        if container.get("envFrom"):
            _env_from(w, container["envFrom"])
        _env(w, container, pod)
        _mounts(w, container)


def _ports(w: PrefixWriter, ports: Sequence[Mapping[str, Any]]) -> None:
    def join(field: str) -> str:
        texts = []
        for port in ports:
            text = f"{port.get(field, 0) or 0}/{port.get('protocol') or 'TCP'}"
            if port.get("name"):
                text += f" ({port['name']})"
            texts.append(text)
        return ", ".join(texts)

    container_ports, host_ports = join("containerPort"), join("hostPort")
    if "," in container_ports:
        w.write(2, f"Ports:\t{container_ports}\n")
    else:
        w.write(2, f"Port:\t{container_ports or '<none>'}\n")
    if "," in host_ports:
        w.write(2, f"Host Ports:\t{host_ports}\n")
    else:
        w.write(2, f"Host Port:\t{host_ports or '<none>'}\n")


def _command(w: PrefixWriter, title: str, words: object) -> None:
    if not isinstance(words, list) or not words:
        return
    w.write(2, f"{title}:\n")
    for word in words:
        for line in str(word).split("\n"):
            w.write(3, f"{line}\n")


def _state(w: PrefixWriter, title: str, state: Mapping[str, Any], zone: timezone) -> None:
    """describeStatus: Running/Waiting/Terminated with reason, codes and times."""
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        started = parse_rfc3339(state["running"].get("startedAt"))
        w.write(3, f"Started:\t{rfc1123z(started, zone)}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        terminated = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if terminated.get("reason"):
            w.write(3, f"Reason:\t{terminated['reason']}\n")
        if terminated.get("message"):
            w.write(3, f"Message:\t{terminated['message']}\n")
        w.write(3, f"Exit Code:\t{terminated.get('exitCode', 0)}\n")
        if (terminated.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{terminated['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(parse_rfc3339(terminated.get('startedAt')), zone)}\n")
        w.write(3, f"Finished:\t{rfc1123z(parse_rfc3339(terminated.get('finishedAt')), zone)}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")


def _resources(w: PrefixWriter, resources: Mapping[str, Any]) -> None:
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = resources.get(key) or {}
        if values:
            w.write(2, f"{title}:\n")
        for name in sorted(values):
            w.write(3, f"{name}:\t{values[name]}\n")


def describe_probe(probe: Mapping[str, Any]) -> str:
    """kubectl's DescribeProbe: ``http-get http://:8080/ delay=0s timeout=1s period=10s ...``."""
    attrs = (
        f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 1)}s "
        f"period={probe.get('periodSeconds', 10)}s #success={probe.get('successThreshold', 1)} "
        f"#failure={probe.get('failureThreshold', 3)}"
    )
    if probe.get("exec") is not None:
        return f"exec [{' '.join(str(c) for c in probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        http = probe["httpGet"]
        scheme = str(http.get("scheme") or "HTTP").lower()
        host = str(http.get("host") or "")
        port = str(http.get("port", ""))
        if port:
            host = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return f"http-get {scheme}://{host}{http.get('path') or ''} {attrs}"
    if probe.get("tcpSocket") is not None:
        tcp = probe["tcpSocket"]
        return f"tcp-socket {tcp.get('host') or ''}:{tcp.get('port', '')} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port', '')} {grpc.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _env_from(w: PrefixWriter, sources: Sequence[Mapping[str, Any]]) -> None:
    w.write(2, "Environment Variables from:\n")
    for source in sources:
        name, origin, optional = "", "", False
        if source.get("configMapRef"):
            origin, ref = "ConfigMap", source["configMapRef"]
            name, optional = ref.get("name", ""), ref.get("optional") is True
        elif source.get("secretRef"):
            origin, ref = "Secret", source["secretRef"]
            name, optional = ref.get("name", ""), ref.get("optional") is True
        if source.get("prefix"):
            origin += f" with prefix '{source['prefix']}'"
        w.write(3, f"{name}\t{origin}\tOptional: {str(optional).lower()}\n")


def _env(w: PrefixWriter, container: Mapping[str, Any], pod: Mapping[str, Any]) -> None:
    """describeContainerEnvVars: values, resolved field refs, and references for secrets."""
    env = container.get("env") or []
    w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
    for var in env:
        name = var.get("name", "")
        source = var.get("valueFrom")
        if not source:
            for index, line in enumerate(str(var.get("value", "")).split("\n")):
                w.write(3, f"{name}:\t{line}\n" if index == 0 else f"\t{line}\n")
            continue
        if source.get("fieldRef"):
            ref = source["fieldRef"]
            value = field_value(pod, str(ref.get("fieldPath", "")))
            w.write(
                3, f"{name}:\t{value} ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath', '')})\n"
            )
        elif source.get("resourceFieldRef"):
            ref = source["resourceFieldRef"]
            resource = str(ref.get("resource", ""))
            value = resource_value(container, resource, ref.get("divisor"))
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(3, f"{name}:\t{value} ({resource})\n")
        elif source.get("secretKeyRef"):
            ref = source["secretKeyRef"]
            optional = str(ref.get("optional") is True).lower()
            w.write(
                3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' in secret '{ref.get('name', '')}'>"
                f"\tOptional: {optional}\n",
            )
        elif source.get("configMapKeyRef"):
            ref = source["configMapKeyRef"]
            optional = str(ref.get("optional") is True).lower()
            w.write(
                3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' of config map '{ref.get('name', '')}'>"
                f"\tOptional: {optional}\n",
            )


def field_value(pod: Mapping[str, Any], path: str) -> str:
    """The downward API value of ``path`` for ``pod`` (metadata.name, status.podIP, ...)."""
    metadata = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    for prefix, values in (
        ("metadata.labels", metadata.get("labels")),
        ("metadata.annotations", metadata.get("annotations")),
    ):
        if path.startswith(prefix + "['") and path.endswith("']"):
            return str((values or {}).get(path[len(prefix) + 2 : -2], ""))
    simple = {
        "metadata.name": metadata.get("name"),
        "metadata.namespace": metadata.get("namespace"),
        "metadata.uid": metadata.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName"),
        "status.hostIP": status.get("hostIP"),
        "status.podIP": status.get("podIP"),
        "status.hostIPs": ",".join(ip.get("ip", "") for ip in status.get("hostIPs") or []),
        "status.podIPs": ",".join(ip.get("ip", "") for ip in status.get("podIPs") or []),
    }
    if path == "metadata.labels":
        return "\n".join(f'{k}="{v}"' for k, v in sorted((metadata.get("labels") or {}).items()))
    if path == "metadata.annotations":
        return "\n".join(
            f'{k}="{v}"' for k, v in sorted((metadata.get("annotations") or {}).items())
        )
    value = simple.get(path)
    return "" if value is None else str(value)


def resource_value(container: Mapping[str, Any], resource: str, divisor: object = None) -> str:
    """A resourceFieldRef's value, rounded up in units of ``divisor`` (1 by default)."""
    kind, _, name = resource.partition(".")
    values = (container.get("resources") or {}).get(kind) or {}
    try:
        amount = parse_quantity(values[name]) if name in values else Decimal(0)
        unit = parse_quantity(divisor) if divisor not in (None, "", 0) else Decimal(1)
    except QuantityError:
        return ""
    if unit == 0:
        return ""
    return str(math.ceil(amount / unit))


def _mounts(w: PrefixWriter, container: Mapping[str, Any]) -> None:
    mounts = sorted(container.get("volumeMounts") or [], key=lambda m: str(m.get("mountPath", "")))
    w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
    for mount in mounts:
        flags = ["ro" if mount.get("readOnly") else "rw"]
        if mount.get("subPath"):
            flags.append(f'path="{mount["subPath"]}"')
        w.write(
            3, f"{mount.get('mountPath', '')} from {mount.get('name', '')} ({','.join(flags)})\n"
        )
    devices = sorted(
        container.get("volumeDevices") or [], key=lambda d: str(d.get("devicePath", ""))
    )
    if devices:
        w.write(2, "Devices:\n")
        for device in devices:
            w.write(3, f"{device.get('devicePath', '')} from {device.get('name', '')}\n")


def _events(w: PrefixWriter, events: Sequence[Event], now: datetime) -> None:
    """DescribeEvents: oldest first; ``<age> (xN over <first>)`` for repeated events."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for event in sorted(events, key=lambda e: as_utc(e.last_timestamp)):
        first = since(event.first_timestamp.replace(microsecond=0), now)
        if event.count > 1:
            age = f"{since(event.last_timestamp.replace(microsecond=0), now)} (x{event.count} over {first})"
        else:
            age = first
        w.write(
            1, f"{event.type}\t{event.reason}\t{age}\t{event.source}\t{event.message.strip()}\n"
        )
