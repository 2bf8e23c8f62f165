"""Podman pods that podtui did not create: listed read-only, never modified.

The mirror-pod idea reversed: the kubelet shows static pods to the API server read-only;
we show Podman's own pods (``podman kube play``, ``podman pod create``) to the user the same
way, in the ``podman`` namespace, with status computed by the same rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from podman.errors import APIError, NotFound

from tui.reconciler.pod_plan import LABEL_MANAGED
from tui.status.model import ContainerRecord, PodRecord
from tui.status.pod_status import build_pod_object
from tui.status.podman_inspect import instance_from_inspect, parse_podman_time, pod_ip_from_inspect

FOREIGN_NAMESPACE = "podman"
FOREIGN_ANNOTATION = "podtui.io/foreign"


def foreign_record(pod_attrs: dict[str, Any], containers: list[dict[str, Any]]) -> PodRecord:
    """A read-only record for one foreign Podman pod from its inspect data."""
    name = str(pod_attrs.get("Name") or pod_attrs.get("Id", "")[:12])
    infra_id = pod_attrs.get("InfraContainerID") or pod_attrs.get("InfraId")
    spec_containers = []
    record = PodRecord(
        namespace=FOREIGN_NAMESPACE,
        name=name,
        uid=str(pod_attrs.get("Id") or ""),
        spec={},
        managed=False,
        podman_pod_id=str(pod_attrs.get("Id") or ""),
        created_at=parse_podman_time(pod_attrs.get("Created")),
    )
    record.start_time = record.created_at
    for attrs in containers:
        if attrs.get("Id") == infra_id:
            record.pod_ip = pod_ip_from_inspect(attrs)
            record.sandbox_ready = bool((attrs.get("State") or {}).get("Running"))
            continue
        instance = instance_from_inspect(attrs)
        instance.name = str(attrs.get("Name") or instance.id[:12]).lstrip("/")
        spec_containers.append({"name": instance.name, "image": instance.image})
        container = ContainerRecord(
            name=instance.name, kind="app", image=instance.image, current=instance
        )
        container.ready = instance.state == "running"
        container.started = instance.state == "running"
        record.containers[instance.name] = container
    if infra_id is None:
        record.sandbox_ready = any(
            c.current and c.current.state == "running" for c in record.containers.values()
        )
    labels = {k: v for k, v in (pod_attrs.get("Labels") or {}).items() if isinstance(v, str)}
    record.spec = {
        "metadata": {
            "name": name,
            "namespace": FOREIGN_NAMESPACE,
            "labels": labels,
            "annotations": {FOREIGN_ANNOTATION: "true"},
        },
        "spec": {"containers": spec_containers, "restartPolicy": "Never"},
    }
    return record


def foreign_pod_objects(client: Any, now: datetime) -> dict[str, dict[str, Any]]:
    """Every foreign pod as a v1.Pod object, by Podman pod name (runs on a worker thread)."""
    found: dict[str, dict[str, Any]] = {}
    for pod in client.pods.list():
        labels = pod.attrs.get("Labels") or {}
        if labels.get(LABEL_MANAGED) == "true" or "io.podtui.doctor" in labels:
            continue  # ours, or doctor's few-second smoke pod
        try:
            attrs = client.pods.get(pod.id).attrs
        except (NotFound, APIError):  # gone since the listing (Podman 4 answers 500 then)
            continue
        containers = []
        for member in attrs.get("Containers") or []:
            try:
                containers.append(client.containers.get(member["Id"]).attrs)
            except (NotFound, APIError, KeyError):
                continue
        record = foreign_record(attrs, containers)
        found[record.name] = build_pod_object(record, now)
    return found
