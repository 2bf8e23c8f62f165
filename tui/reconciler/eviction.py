"""emptyDir sizeLimit on disk: the kubelet's eviction of a pod whose volume grew too big.

Podman's local volumes have no size quota, so, like the kubelet's eviction manager, we
measure the volume's usage periodically and evict the pod (phase Failed, reason Evicted)
when a disk-backed emptyDir exceeds its sizeLimit. Memory-backed emptyDirs are tmpfs with
the limit as their size, so the kernel enforces those.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tui.reconciler.pod_plan import PodPlan, VolumePlan

EVICTION_PERIOD = 10.0  # the kubelet's eviction manager also looks every 10 s


def limited_volumes(plan: PodPlan) -> list[VolumePlan]:
    """Disk-backed emptyDirs with a sizeLimit."""
    return [v for v in plan.volumes if v.kind == "emptyDir" and v.size_limit_bytes and not v.tmpfs]


def directory_usage(root: Path) -> int:
    """Bytes used by the files under ``root`` (like ``du``, without following links)."""
    total = 0
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
            except OSError:
                continue
    return total


def over_limit(client: Any, volumes: list[VolumePlan]) -> tuple[VolumePlan, int] | None:
    """The first volume whose usage exceeds its limit, with the usage (worker thread)."""
    for volume in volumes:
        try:
            mountpoint = client.volumes.get(volume.name).attrs.get("Mountpoint")
        except Exception:  # noqa: BLE001 - a volume being removed is not over its limit
            continue
        if mountpoint and volume.size_limit_bytes is not None:
            used = directory_usage(Path(mountpoint))
            if used > volume.size_limit_bytes:
                return volume, used
    return None


def eviction_message(pod_volume: str, limit_text: str) -> str:
    """The kubelet's wording."""
    return f'Usage of EmptyDir volume "{pod_volume}" exceeds the limit "{limit_text}". '
