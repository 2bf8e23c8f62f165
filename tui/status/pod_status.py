"""``PodRecord`` -> v1.PodStatus and full v1.Pod dicts, as the kubelet and API server show them.

Follows generateAPIPodStatus (pkg/kubelet/kubelet_pods.go): container statuses first, the
phase from them, then the kubelet-owned conditions. ``build_pod_status`` also keeps the
kubelet's memory on the record (the conditions, for transition times, and a terminal phase
once reached), which is why the supervisor can call it on every tick.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tui.manifest.quantity import QuantityError, parse_quantity
from tui.status.conditions import condition_dict, pod_conditions
from tui.status.container_status import (
    CONTAINER_CREATING,
    POD_INITIALIZING,
    container_status,
)
from tui.status.model import ContainerRecord, PodRecord
from tui.status.phase import TERMINAL_PHASES, pod_phase
from tui.status.timestamps import rfc3339

NODE_NAME = "podtui"
MANIFEST_ANNOTATION = "podtui.io/manifest"
DEFAULT_GRACE_PERIOD = 30
_QOS_RESOURCES = ("cpu", "memory")


def qos_class(spec: Mapping[str, Any]) -> str:
    """Guaranteed, Burstable or BestEffort, by the API server's GetPodQOS.

    Only cpu and memory count; a container with a limit but no request is treated as
    requesting its limit (the API server's defaulting), so raw specs classify correctly.
    """
    requests: dict[str, Decimal] = {}
    limits: dict[str, Decimal] = {}
    guaranteed = True
    containers = list(spec.get("containers") or []) + list(spec.get("initContainers") or [])
    for container in containers:
        if not isinstance(container, Mapping):
            continue
        resources = container.get("resources") or {}
        own_limits = _positive(resources.get("limits"))
        own_requests = _positive(resources.get("requests"))
        for name, amount in own_limits.items():
            own_requests.setdefault(name, amount)
        for name, amount in own_requests.items():
            requests[name] = requests.get(name, Decimal(0)) + amount
        for name, amount in own_limits.items():
            limits[name] = limits.get(name, Decimal(0)) + amount
        if not all(name in own_limits for name in _QOS_RESOURCES):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        for name, amount in requests.items():
            if limits.get(name) != amount:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def _positive(values: object) -> dict[str, Decimal]:
    """The cpu/memory quantities above zero in a requests or limits map."""
    result: dict[str, Decimal] = {}
    if not isinstance(values, Mapping):
        return result
    for name in _QOS_RESOURCES:
        if name not in values:
            continue
        try:
            amount = parse_quantity(values[name])
        except QuantityError:
            continue
        if amount > 0:
            result[name] = amount
    return result


def spec_records(record: PodRecord, key: str) -> list[ContainerRecord]:
    """The records of one spec list in spec order; a container the supervisor has no record
    for yet gets an empty one, so every spec container has a status (as in the kubelet)."""
    records = []
    for container in (record.spec.get("spec") or {}).get(key) or []:
        if not isinstance(container, Mapping):
            continue
        name = str(container.get("name"))
        known = record.containers.get(name)
        if known is None:
            kind = "app" if key == "containers" else "init"
            if kind == "init" and container.get("restartPolicy") == "Always":
                kind = "sidecar"
            known = ContainerRecord(name, kind, str(container.get("image") or ""))  # type: ignore[arg-type]
        records.append(known)
    return records


def default_waiting_reason(spec: Mapping[str, Any]) -> str:
    """PodInitializing when the pod has init containers, else ContainerCreating."""
    return POD_INITIALIZING if spec.get("initContainers") else CONTAINER_CREATING


def build_pod_status(record: PodRecord, now: datetime) -> dict[str, Any]:
    """The v1.PodStatus of ``record`` at ``now``.

    Side effect, on purpose: the new conditions replace ``record.conditions`` and a
    Succeeded/Failed phase is stored in ``record.terminal_phase``, the two things the
    kubelet's status manager remembers between syncs.
    """
    spec = record.spec.get("spec") or {}
    waiting_reason = default_waiting_reason(spec)
    init_statuses = [
        container_status(r, waiting_reason) for r in spec_records(record, "initContainers")
    ]
    app_statuses = [container_status(r, waiting_reason) for r in spec_records(record, "containers")]
    if not record.podman_reachable:
        # Nothing can vouch for readiness while Podman does not answer.
        for container in init_statuses + app_statuses:
            container["ready"] = False
    # The kubelet sorts regular container statuses by name (SortedContainerStatuses).
    app_statuses.sort(key=lambda status: status["name"])
    statuses = init_statuses + app_statuses
    phase = pod_phase(record, statuses)
    conditions = pod_conditions(record, phase, statuses, now)
    record.conditions = {condition.type: condition for condition in conditions}
    if phase in TERMINAL_PHASES and record.terminal_phase is None:
        record.terminal_phase = phase

    status: dict[str, Any] = {"phase": phase, "conditions": [condition_dict(c) for c in conditions]}
    if record.message:
        status["message"] = record.message
    if record.reason:
        status["reason"] = record.reason
    if record.host_ip:
        status["hostIP"] = record.host_ip
        status["hostIPs"] = [{"ip": record.host_ip}]
    if record.pod_ip:
        status["podIP"] = record.pod_ip
        status["podIPs"] = [{"ip": record.pod_ip}]
    if record.start_time is not None:
        status["startTime"] = rfc3339(record.start_time)
    if init_statuses:
        status["initContainerStatuses"] = init_statuses
    status["containerStatuses"] = app_statuses
    status["qosClass"] = qos_class(spec)
    return status


def build_pod_object(record: PodRecord, now: datetime) -> dict[str, Any]:
    """A full v1.Pod dict: metadata, the defaulted spec, and the status at ``now``.

    What the API server would add is added: uid, creationTimestamp, nodeName, priority 0,
    and for a pod being deleted a deletionTimestamp one grace period after the request.
    The manifest file is recorded in the ``podtui.io/manifest`` annotation.
    """
    metadata = copy.deepcopy(dict(record.spec.get("metadata") or {}))
    spec = copy.deepcopy(dict(record.spec.get("spec") or {}))
    metadata["name"] = record.name
    metadata["namespace"] = record.namespace
    metadata["uid"] = record.uid
    if record.created_at is not None:
        metadata["creationTimestamp"] = rfc3339(record.created_at)
    if record.manifest:
        annotations = dict(metadata.get("annotations") or {})
        annotations.setdefault(MANIFEST_ANNOTATION, record.manifest)
        metadata["annotations"] = annotations
    if record.terminating:
        grace = _grace_period(spec)
        requested = record.deletion_started_at or now
        metadata["deletionTimestamp"] = rfc3339(requested + timedelta(seconds=grace))
        metadata["deletionGracePeriodSeconds"] = grace
    spec.setdefault("nodeName", NODE_NAME)
    spec.setdefault("priority", 0)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": spec,
        "status": build_pod_status(record, now),
    }


def _grace_period(spec: Mapping[str, Any]) -> int:
    value = spec.get("terminationGracePeriodSeconds")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return DEFAULT_GRACE_PERIOD


def pod_list(objects: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A v1.PodList holding ``objects`` (as ``kubectl get pods -o json`` would list them)."""
    return {
        "apiVersion": "v1",
        "kind": "PodList",
        "metadata": {"resourceVersion": ""},
        "items": [dict(item) for item in objects],
    }


def manifest_basename(pod: Mapping[str, Any]) -> str | None:
    """The file name of the manifest a pod object came from, if it records one."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    path = annotations.get(MANIFEST_ANNOTATION)
    return os.path.basename(str(path)) if path else None
