"""Read Podman's container inspect JSON into ``ContainerInstance`` objects.

The input is what podman-py returns as ``container.attrs`` (libpod ``GET
/containers/{id}/json``), which is also what ``podman container inspect`` prints. Podman has
more states than the kubelet cares about, so they are folded here once, and Podman's zero
time (``0001-01-01T00:00:00Z``) becomes ``None`` so nothing downstream mistakes it for a
real moment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tui.status.model import ContainerInstance, InstanceState

# Must match tui.reconciler.pod_plan.LABEL_CONTAINER / LABEL_ATTEMPT (a test checks it);
# not imported so the status package does not depend on the reconciler.
LABEL_CONTAINER = "io.podtui.container"
LABEL_ATTEMPT = "io.podtui.attempt"

_STATE_FOLD: dict[str, InstanceState] = {
    "configured": "created",
    "created": "created",
    "initialized": "created",
    "running": "running",
    "stopping": "running",  # still running until the stop signal lands
    "paused": "paused",
    "stopped": "exited",
    "exited": "exited",
    "removing": "exited",
}

_RFC3339 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}:\d{2})"
    r"(?:\.(?P<fraction>\d+))?(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?$"
)


def parse_podman_time(text: object) -> datetime | None:
    """An aware UTC datetime from Podman's RFC3339Nano text; None for empty or zero time.

    Podman writes nanoseconds, which ``datetime`` cannot hold, so the fraction is cut to
    microseconds rather than rejected.
    """
    if not isinstance(text, str) or not text:
        return None
    match = _RFC3339.match(text.strip())
    if not match:
        return None
    if match["date"].startswith("0001-01-01"):
        return None
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    zone = match["zone"] or "Z"
    zone = "+00:00" if zone in ("Z", "z") else zone
    if ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    moment = datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}{zone}")
    return moment.astimezone(UTC)


def fold_state(status: object, running: object = False) -> InstanceState:
    """Podman's State.Status folded to the few states the kubelet distinguishes."""
    if isinstance(status, str) and status.lower() in _STATE_FOLD:
        return _STATE_FOLD[status.lower()]
    if running is True:
        return "running"
    return "unknown"


def image_reference(attrs: Mapping[str, Any]) -> str:
    """``repository@digest`` like the kubelet's imageID, else ``sha256:<image id>``."""
    name = str(attrs.get("ImageName") or "")
    digest = str(attrs.get("ImageDigest") or "")
    if name and digest:
        return f"{_without_tag(name)}@{digest}"
    image_id = str(attrs.get("Image") or "")
    if image_id and not image_id.startswith("sha256:"):
        return f"sha256:{image_id}"
    return image_id


def _without_tag(name: str) -> str:
    """``host:5000/repo:tag`` -> ``host:5000/repo`` (a colon after the last slash is a tag)."""
    name = name.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def instance_from_inspect(attrs: Mapping[str, Any]) -> ContainerInstance:
    """One ``ContainerInstance`` from a container's inspect JSON.

    The Kubernetes container name and attempt come from podtui's labels; a container podtui
    did not create (a foreign pod) keeps its Podman name and attempt 0.
    """
    config = attrs.get("Config") or {}
    labels = config.get("Labels") or {}
    state = attrs.get("State") or {}
    podman_name = str(attrs.get("Name") or "").lstrip("/")
    name = str(labels.get(LABEL_CONTAINER) or podman_name)
    folded = fold_state(state.get("Status"), state.get("Running"))
    error = str(state.get("Error") or "")
    exit_code: int | None = None
    if folded == "exited" or error:
        exit_code = _as_int(state.get("ExitCode"), 0)
    return ContainerInstance(
        id=str(attrs.get("Id") or ""),
        name=name,
        attempt=_as_int(labels.get(LABEL_ATTEMPT), 0),
        state=folded,
        image=str(attrs.get("ImageName") or config.get("Image") or ""),
        image_id=image_reference(attrs),
        created_at=parse_podman_time(attrs.get("Created")),
        started_at=parse_podman_time(state.get("StartedAt")),
        finished_at=parse_podman_time(state.get("FinishedAt")),
        exit_code=exit_code,
        oom_killed=state.get("OOMKilled") is True,
        error=error,
    )


def pod_ips_from_inspect(attrs: Mapping[str, Any]) -> list[str]:
    """The infra container's addresses, IPv4 first then IPv6, without duplicates."""
    settings = attrs.get("NetworkSettings") or {}
    networks = settings.get("Networks") or {}
    v4: list[str] = []
    v6: list[str] = []
    for network in networks.values():
        if isinstance(network, Mapping):
            _add(v4, network.get("IPAddress"))
            _add(v6, network.get("GlobalIPv6Address"))
    _add(v4, settings.get("IPAddress"))
    _add(v6, settings.get("GlobalIPv6Address"))
    return v4 + v6


def pod_ip_from_inspect(attrs: Mapping[str, Any]) -> str | None:
    """The pod IP (status.podIP) read from the infra container's inspect JSON."""
    addresses = pod_ips_from_inspect(attrs)
    return addresses[0] if addresses else None


def _add(addresses: list[str], value: object) -> None:
    if isinstance(value, str) and value and value not in addresses:
        addresses.append(value)


def _as_int(value: object, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default
