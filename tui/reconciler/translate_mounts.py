"""A container's volumeMounts -> SpecGenerator ``volumes`` and ``mounts``.

Named volumes mount with ``nocopy`` (Kubernetes never copies image content into a volume);
host paths and file volumes are bind mounts; a ``subPath`` (or ``subPathExpr``, expanded with
the container's environment like the kubelet does) is resolved on the host at create time.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from tui.reconciler.env_expansion import expand
from tui.reconciler.pod_plan import POD_IP_MARK, SubPathMount
from tui.reconciler.translate_base import TranslationError, as_list, refuse_unknown
from tui.reconciler.translate_env import ConfigError
from tui.reconciler.translate_volumes import VolumeSet

MOUNT_FIELDS = (
    "name",
    "mountPath",
    "readOnly",
    "subPath",
    "subPathExpr",
    "mountPropagation",
    "recursiveReadOnly",
)
PROPAGATION = {
    None: "rprivate",
    "None": "rprivate",
    "HostToContainer": "rslave",
    "Bidirectional": "rshared",
}


@dataclass
class Mounts:
    """The mounts of one container."""

    named: list[dict[str, Any]] = field(default_factory=list)  # SpecGenerator "volumes"
    binds: list[dict[str, Any]] = field(default_factory=list)  # SpecGenerator "mounts"
    deferred: list[SubPathMount] = field(default_factory=list)


def _sub_path(mount: dict[str, Any], where: str, env: dict[str, str]) -> str:
    if mount.get("subPathExpr"):
        missing: list[str] = []

        def lookup(name: str) -> str:
            value = env.get(name, "")
            if not value:
                missing.append(name)
            return value

        sub = expand(str(mount["subPathExpr"]), lookup)
        if missing:
            raise ConfigError(f"missing value for {', '.join(missing)}")
        if POD_IP_MARK in sub:
            raise TranslationError(
                f"{where}.subPathExpr", "status.podIP in a subPathExpr is not supported by podtui"
            )
        field_name = "subPathExpr"
    else:
        sub = str(mount.get("subPath") or "")
        field_name = "subPath"
    if sub and (posixpath.isabs(sub) or ".." in sub.split("/")):
        raise TranslationError(f"{where}.{field_name}", "must be a relative path without '..'")
    return sub.strip("/")


def container_mounts(
    container: dict[str, Any], path: str, volumes: VolumeSet, env: dict[str, str]
) -> Mounts:
    """Translate ``volumeMounts`` (may raise ConfigError for an unexpandable subPathExpr)."""
    result = Mounts()
    for index, mount in enumerate(as_list(container.get("volumeMounts"))):
        where = f"{path}.volumeMounts[{index}]"
        refuse_unknown(mount, MOUNT_FIELDS, where)
        name = str(mount.get("name") or "")
        volume = volumes.by_name.get(name)
        if volume is None:
            raise TranslationError(f"{where}.name", f'volume "{name}" not found')
        destination = str(mount.get("mountPath") or "")
        if mount.get("recursiveReadOnly") == "Enabled":
            raise TranslationError(
                f"{where}.recursiveReadOnly", "recursive read-only mounts need Podman 5"
            )
        if mount.get("mountPropagation") not in PROPAGATION:
            raise TranslationError(
                f"{where}.mountPropagation", f'unsupported value "{mount.get("mountPropagation")}"'
            )
        propagation = PROPAGATION[mount.get("mountPropagation")]
        if propagation != "rprivate" and volume.mount == "named":
            raise TranslationError(
                f"{where}.mountPropagation",
                f"only hostPath and file volumes propagate mounts, not {volume.kind}",
            )
        read_only = mount.get("readOnly") is True or volume.read_only
        sub = _sub_path(mount, where, env)
        if sub:
            result.deferred.append(
                SubPathMount(
                    volume=name,
                    base_kind="volume" if volume.mount == "named" else "host",
                    base=volume.source,
                    sub_path=sub,
                    destination=destination,
                    read_only=read_only,
                    propagation=propagation,
                    create=volume.mount != "files",
                )
            )
        elif volume.mount == "named":
            result.named.append(
                {
                    "Name": volume.source,
                    "Dest": destination,
                    "Options": ["nocopy", "ro" if read_only else "rw"],
                }
            )
        else:
            options = ["rbind", propagation, "ro" if read_only else "rw"]
            result.binds.append(
                {
                    "destination": destination,
                    "type": "bind",
                    "source": volume.source,
                    "options": options,
                }
            )
    return result
