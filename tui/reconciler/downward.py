"""The downward API: pod fields and container resources as the kubelet renders them.

Shared by env ``fieldRef``/``resourceFieldRef`` and by downwardAPI/projected volume files.
The pod IP is unknown until the infra container runs, so it is rendered as ``POD_IP_MARK``
and replaced at container create time (a NUL byte cannot occur in a manifest string).
"""

from __future__ import annotations

import math
import os
import re
import socket
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from tui.manifest.quantity import QuantityError, parse_quantity
from tui.reconciler.pod_plan import POD_IP_MARK
from tui.reconciler.translate_base import TranslationError, as_dict

__all__ = ["POD_IP_MARK", "PodFacts", "field_value", "resource_value", "format_map"]
HOST_IP = "127.0.0.1"  # the node as podtui reports it (PodRecord.host_ip)
_SUBSCRIPT = re.compile(r"^metadata\.(labels|annotations)\['(.*)'\]$")


@dataclass(frozen=True)
class PodFacts:
    """What the downward API can expose about the pod being translated."""

    namespace: str
    name: str
    uid: str
    labels: dict[str, str]
    annotations: dict[str, str]
    node_name: str
    service_account: str
    containers: dict[str, dict[str, Any]] = field(default_factory=dict)
    host_ip: str = HOST_IP


def local_node_name() -> str:
    """The node name podtui reports: the host's name."""
    return socket.gethostname() or "localhost"


@lru_cache(maxsize=1)
def node_allocatable() -> dict[str, Decimal]:
    """CPU count and memory bytes of this host: what an unset limit means to the kubelet."""
    memory = Decimal(0)
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory = Decimal(int(line.split()[1]) * 1024)
                    break
    except OSError:
        pass
    return {"cpu": Decimal(os.cpu_count() or 1), "memory": memory, "ephemeral-storage": Decimal(0)}


def field_value(facts: PodFacts, path: str, where: str, *, volume: bool = False) -> str:
    """The value of a ``fieldRef.fieldPath`` (``metadata.labels`` whole only in volumes)."""
    simple = {
        "metadata.name": facts.name,
        "metadata.namespace": facts.namespace,
        "metadata.uid": facts.uid,
    }
    if path in simple:
        return simple[path]
    match = _SUBSCRIPT.match(path)
    if match:
        source = facts.labels if match.group(1) == "labels" else facts.annotations
        return source.get(match.group(2), "")
    if volume and path in ("metadata.labels", "metadata.annotations"):
        source = facts.labels if path == "metadata.labels" else facts.annotations
        return format_map(source)
    if not volume:
        env_only = {
            "spec.nodeName": facts.node_name,
            "spec.serviceAccountName": facts.service_account,
            "status.hostIP": facts.host_ip,
            "status.hostIPs": facts.host_ip,
            "status.podIP": POD_IP_MARK,
            "status.podIPs": POD_IP_MARK,
        }
        if path in env_only:
            return env_only[path]
    raise TranslationError(where, f'unsupported fieldPath "{path}"')


def format_map(values: dict[str, str]) -> str:
    """``key="value"`` lines, sorted, as the kubelet writes labels and annotations files."""
    lines = []
    for key in sorted(values):
        escaped = values[key].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        lines.append(f'{key}="{escaped}"')
    return "\n".join(lines)


def resource_value(
    facts: PodFacts, ref: dict[str, Any], default_container: str | None, where: str
) -> str:
    """A ``resourceFieldRef``: limits fall back to node allocatable; rounded up by ``divisor``."""
    container_name = ref.get("containerName") or default_container
    container = facts.containers.get(str(container_name)) if container_name else None
    if container is None:
        raise TranslationError(f"{where}.containerName", f'container "{container_name}" not found')
    resource = str(ref.get("resource") or "")
    kind, _, name = resource.partition(".")
    if kind not in ("limits", "requests") or name not in ("cpu", "memory", "ephemeral-storage"):
        raise TranslationError(f"{where}.resource", f'unsupported resource "{resource}"')
    resources = as_dict(container.get("resources"))
    raw = as_dict(resources.get(kind)).get(name)
    try:
        if raw is not None:
            amount = parse_quantity(raw)
        elif kind == "limits":
            amount = node_allocatable()[name]
        else:
            amount = Decimal(0)
        divisor = parse_quantity(ref.get("divisor") or "1")
    except QuantityError as exc:
        raise TranslationError(where, str(exc)) from None
    if divisor <= 0:
        raise TranslationError(f"{where}.divisor", "must be greater than zero")
    return str(math.ceil(amount / divisor))
