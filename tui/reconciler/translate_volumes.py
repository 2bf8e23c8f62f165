"""Pod volumes -> Podman volumes, host directories and bind mounts; volumeMounts -> mounts.

* emptyDir: a Podman named volume per pod and volume (``{podman pod}_{volume}``), created
  0777 like the kubelet's (setgid and group-owned with fsGroup); ``medium: Memory`` is a tmpfs
  volume sized by sizeLimit (or the pod's memory limit) that the infra container keeps
  mounted, since Podman unmounts a tmpfs volume when its last user stops.
* persistentVolumeClaim: a named volume ``podtui-pvc-{namespace}_{claim}`` that outlives pods.
* hostPath: a bind mount, after the kubelet's type checks (done by materialize).
* configMap, secret, downwardAPI, projected: host directories written kubelet-style and
  bind-mounted read-only; secret bytes live on a tmpfs.
"""

from __future__ import annotations

import hashlib
import math
import os
import posixpath
import resource
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.config import Settings
from tui.manifest.quantity import QuantityError, parse_quantity
from tui.reconciler.downward import PodFacts
from tui.reconciler.pod_plan import (
    LABEL_MANAGED,
    LABEL_NAMESPACE,
    LABEL_VOLUME,
    LABEL_VOLUME_KIND,
    FileVolumePlan,
    HostPathCheck,
    VolumePlan,
)
from tui.reconciler.translate_base import ObjectLookup, TranslationError, as_dict, refuse_unknown
from tui.reconciler.translate_files import MountFailure, volume_payload, with_group

SUPPORTED = (
    "emptyDir",
    "hostPath",
    "persistentVolumeClaim",
    "configMap",
    "secret",
    "downwardAPI",
    "projected",
)
FILE_KINDS = ("configMap", "secret", "downwardAPI", "projected")
KEEP_DIR = "/.podtui/keep"  # where the infra container holds tmpfs emptyDirs mounted


@dataclass(frozen=True)
class PodVolume:
    """How one pod volume reaches containers."""

    name: str
    kind: str  # the Kubernetes volume type
    mount: str  # "named" (Podman volume), "host" (bind a host path) or "files" (bind a host dir)
    source: str
    read_only: bool = False  # forced read-only (file volumes, PVC readOnly)


@dataclass
class VolumeSet:
    """Everything the pod's volumes need."""

    by_name: dict[str, PodVolume] = field(default_factory=dict)
    volumes: list[VolumePlan] = field(default_factory=list)
    file_volumes: list[FileVolumePlan] = field(default_factory=list)
    host_paths: list[HostPathCheck] = field(default_factory=list)
    infra_volumes: list[dict[str, Any]] = field(default_factory=list)
    pending_reason: str | None = None
    warnings: list[str] = field(default_factory=list)


def secret_root(settings: Settings) -> Path:
    """A tmpfs directory for secret files: /dev/shm for root, XDG_RUNTIME_DIR otherwise."""
    digest = hashlib.sha256(str(settings.state_dir).encode()).hexdigest()[:12]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if os.geteuid() != 0 and runtime else Path("/dev/shm")
    return base / f"podtui-{digest}"


def pvc_volume_name(namespace: str, claim: str) -> str:
    """The Podman volume of a claim ('_' cannot occur in either name: no collisions)."""
    return f"podtui-pvc-{namespace}_{claim}"


def _size(value: object, where: str) -> int | None:
    if value is None:
        return None
    try:
        return math.ceil(parse_quantity(value))
    except QuantityError as exc:
        raise TranslationError(where, str(exc)) from None


@dataclass
class VolumeContext:
    """Pod-wide inputs of volume translation."""

    facts: PodFacts
    objects: ObjectLookup
    settings: Settings
    podman_name: str
    labels: dict[str, str]
    fs_group: int | None
    fs_group_policy: str
    pod_memory_limit: int | None
    file_owners: dict[str, int | None]  # volume -> the runAsUser that must read its files


def pod_volumes(volumes: list[dict[str, Any]], ctx: VolumeContext) -> VolumeSet:
    """Translate ``spec.volumes``; unsupported types are refused with their field path."""
    result = VolumeSet()
    for index, volume in enumerate(volumes):
        where = f"spec.volumes[{index}]"
        name = str(volume.get("name") or "")
        kinds = [k for k in volume if k != "name"]
        if len(kinds) != 1:
            raise TranslationError(where, "must specify exactly one volume type")
        kind = kinds[0]
        if kind not in SUPPORTED:
            raise TranslationError(f"{where}.{kind}", "volume type not supported by podtui")
        source = as_dict(volume[kind])
        here = f"{where}.{kind}"
        if kind == "emptyDir":
            _empty_dir(result, name, source, here, ctx)
        elif kind == "persistentVolumeClaim":
            _claim(result, name, source, here, ctx)
        elif kind == "hostPath":
            refuse_unknown(source, ("path", "type"), here)
            path = posixpath.normpath(str(source.get("path") or "/"))
            result.host_paths.append(
                HostPathCheck(volume=name, path=path, type=str(source.get("type") or ""))
            )
            result.by_name[name] = PodVolume(name, kind, "host", path)
        else:
            _files(result, name, kind, source, here, ctx)
    return result


def _empty_dir(
    result: VolumeSet, name: str, source: dict[str, Any], where: str, ctx: VolumeContext
) -> None:
    refuse_unknown(source, ("medium", "sizeLimit"), where)
    medium = source.get("medium") or ""
    if medium not in ("", "Memory"):
        raise TranslationError(f"{where}.medium", f'medium "{medium}" not supported by podtui')
    size_limit = _size(source.get("sizeLimit"), f"{where}.sizeLimit")
    podman_volume = f"{ctx.podman_name}_{name}"
    gid = ctx.fs_group if ctx.fs_group is not None else 0
    mode = 0o2777 if ctx.fs_group is not None else 0o777
    options = {"o": f"uid=0,gid={gid}"}  # owner set: Podman then skips its chown-on-first-use
    tmpfs = medium == "Memory"
    if tmpfs:
        sizes = [s for s in (size_limit, ctx.pod_memory_limit) if s]
        tmpfs_opts = [f"mode={mode:o}", f"uid=0,gid={gid}"]
        if sizes:
            # Podman 4.3 takes ``size=`` as a quota option, so the tmpfs size goes in pages
            tmpfs_opts.insert(0, f"nr_blocks={math.ceil(min(sizes) / resource.getpagesize())}")
        options = {"type": "tmpfs", "device": "tmpfs", "o": ",".join(tmpfs_opts)}
        result.infra_volumes.append(
            {"Name": podman_volume, "Dest": f"{KEEP_DIR}/{name}", "Options": ["nocopy"]}
        )
    labels = {**ctx.labels, LABEL_VOLUME_KIND: "emptyDir", LABEL_VOLUME: name}
    result.volumes.append(
        VolumePlan(
            name=podman_volume,
            kind="emptyDir",
            labels=labels,
            driver_options=options,
            size_limit_bytes=size_limit,
            mode=mode,
            fs_group=ctx.fs_group,
            tmpfs=tmpfs,
        )
    )
    result.by_name[name] = PodVolume(name, "emptyDir", "named", podman_volume)


def _claim(
    result: VolumeSet, name: str, source: dict[str, Any], where: str, ctx: VolumeContext
) -> None:
    refuse_unknown(source, ("claimName", "readOnly"), where)
    claim = str(source.get("claimName") or "")
    namespace = ctx.facts.namespace
    pvc = ctx.objects.persistent_volume_claim(namespace, claim)
    if pvc is None:
        result.pending_reason = (
            result.pending_reason or f'persistentvolumeclaim "{claim}" not found'
        )
    elif as_dict(pvc.get("spec")).get("volumeMode") == "Block":
        raise TranslationError(
            f"{where}.claimName", f'claim "{claim}" has volumeMode Block: not supported by podtui'
        )
    podman_volume = pvc_volume_name(namespace, claim)
    # PVC volumes outlive pods: they carry the claim's identity, not the pod's
    labels = {
        LABEL_MANAGED: "true",
        LABEL_NAMESPACE: namespace,
        LABEL_VOLUME_KIND: "pvc",
        LABEL_VOLUME: claim,
    }
    if not any(v.name == podman_volume for v in result.volumes):
        result.volumes.append(
            VolumePlan(
                name=podman_volume,
                kind="pvc",
                labels=labels,
                driver_options={"o": "uid=0,gid=0"},
                keep_on_delete=True,
                fs_group=ctx.fs_group,
                fs_group_change_policy="OnRootMismatch"
                if ctx.fs_group_policy == "OnRootMismatch"
                else "Always",
            )
        )
    result.by_name[name] = PodVolume(
        name, "persistentVolumeClaim", "named", podman_volume, source.get("readOnly") is True
    )


def _files(
    result: VolumeSet, name: str, kind: str, source: dict[str, Any], where: str, ctx: VolumeContext
) -> None:
    object_name = str(source.get("name") or source.get("secretName") or "")
    mount_error = None
    try:
        payload = volume_payload(kind, source, ctx.facts, ctx.objects, where)
    except MountFailure as exc:
        mount_error = f'MountVolume.SetUp failed for volume "{name}" : {exc}'
        payload = None
    on_tmpfs = (
        kind == "secret"
        or (payload is not None and payload.has_secret)
        or (
            kind == "projected" and any("secret" in as_dict(s) for s in source.get("sources") or [])
        )
    )
    root = secret_root(ctx.settings) if on_tmpfs else ctx.settings.state_dir / "volumes"
    host_dir = str(root / ctx.podman_name / name)
    result.file_volumes.append(
        FileVolumePlan(
            volume=name,
            source=kind,  # type: ignore[arg-type]
            object_name=object_name,
            host_dir=host_dir,
            files=with_group(payload.files, ctx.fs_group) if payload else (),
            owner_uid=ctx.file_owners.get(name),
            owner_gid=ctx.fs_group,
            optional_missing=bool(payload and payload.optional_missing),
            on_tmpfs=on_tmpfs,
            mount_error=mount_error,
        )
    )
    result.by_name[name] = PodVolume(name, kind, "files", host_dir, read_only=True)
