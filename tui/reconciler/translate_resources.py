"""Container resources -> cgroup limits, the kubelet's arithmetic.

``limits.cpu`` becomes a CFS quota over a 100 ms period (milliCPUToQuota), ``limits.memory``
a hard memory limit with no swap on top (Kubernetes runs without swap), ``requests.cpu``
becomes cpu shares (milliCPUToShares). Other requests stay in the spec for status only.
Extended resources and hugepages cannot be provided by this node and are refused.
"""

from __future__ import annotations

import math
from typing import Any

from tui.manifest.quantity import QuantityError, parse_quantity
from tui.reconciler.translate_base import TranslationError, as_dict, refuse_unknown

CPU_PERIOD_US = 100_000
MIN_QUOTA_US = 1_000
MIN_SHARES = 2
SHARES_PER_CPU = 1024
KNOWN = ("cpu", "memory", "ephemeral-storage")


def _milli(value: object, where: str) -> int:
    try:
        return math.ceil(parse_quantity(value) * 1000)
    except QuantityError as exc:
        raise TranslationError(where, str(exc)) from None


def _bytes(value: object, where: str) -> int:
    try:
        return math.ceil(parse_quantity(value))
    except QuantityError as exc:
        raise TranslationError(where, str(exc)) from None


def quota_for(milli_cpu: int) -> int:
    """CFS quota (µs per 100 ms period) for a CPU limit in millicores."""
    return max(milli_cpu * CPU_PERIOD_US // 1000, MIN_QUOTA_US)


def shares_for(milli_cpu: int) -> int:
    """cpu.shares for a CPU request in millicores."""
    return max(milli_cpu * SHARES_PER_CPU // 1000, MIN_SHARES)


def container_resources(container: dict[str, Any], path: str) -> tuple[dict[str, Any], list[str]]:
    """(SpecGenerator ``resource_limits``, warnings) for one container."""
    resources = as_dict(container.get("resources"))
    here = f"{path}.resources"
    refuse_unknown(resources, ("limits", "requests", "claims"), here)
    if resources.get("claims"):
        raise TranslationError(
            f"{here}.claims", "dynamic resource allocation is not supported by podtui"
        )
    limits, requests = as_dict(resources.get("limits")), as_dict(resources.get("requests"))
    warnings: list[str] = []
    for kind, values in (("limits", limits), ("requests", requests)):
        for name in values:
            if name not in KNOWN:
                raise TranslationError(
                    f"{here}.{kind}[{name}]",
                    f'this node has no "{name}" resource (Insufficient {name})',
                )
    if "ephemeral-storage" in limits:
        warnings.append(
            f"{here}.limits[ephemeral-storage]: recorded, not enforced: Podman cannot limit a container's writable layer here"
        )
    result: dict[str, Any] = {}
    cpu: dict[str, int] = {}
    if limits.get("cpu") is not None:
        milli = _milli(limits["cpu"], f"{here}.limits[cpu]")
        if milli > 0:
            cpu.update(quota=quota_for(milli), period=CPU_PERIOD_US)
    if requests.get("cpu") is not None:
        cpu["shares"] = shares_for(_milli(requests["cpu"], f"{here}.requests[cpu]"))
    if cpu:
        result["cpu"] = cpu
    if limits.get("memory") is not None:
        memory = _bytes(limits["memory"], f"{here}.limits[memory]")
        if memory > 0:
            result["memory"] = {"limit": memory, "swap": memory}
    return result, warnings


def memory_limit_bytes(container: dict[str, Any]) -> int | None:
    """The container's memory limit in bytes, or None (used to size Memory emptyDirs)."""
    value = as_dict(as_dict(container.get("resources")).get("limits")).get("memory")
    if value is None:
        return None
    try:
        return math.ceil(parse_quantity(value))
    except QuantityError:
        return None
