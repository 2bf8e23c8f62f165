"""The host-side work a ``PodPlan`` needs: network, volumes, files, secrets, pod, containers.

Small synchronous steps taking a podman-py client; the supervisor calls them from worker
threads and decides order, retries and concurrency. Pods and containers are created by
sending libpod SpecGenerator JSON through podman-py's own API client, because its
keyword arguments cannot express entrypoint/command exactly, secret env or tmpfs options.

A container that cannot be created for a reason the kubelet reports as a waiting reason raises
``ContainerConfigError`` (CreateContainerConfigError) or ``image_ref.InvalidImageName``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from podman.errors import APIError, NotFound

from tui.config import Settings
from tui.errors import PodtuiError
from tui.reconciler.downward import HOST_IP
from tui.reconciler.file_volumes import remove_file_volume, write_file_volume
from tui.reconciler.host_paths import check_host_path
from tui.reconciler.image_ref import InvalidImageName
from tui.reconciler.pod_plan import (
    LABEL_MANAGED,
    LABEL_UID,
    POD_IP_MARK,
    ContainerPlan,
    PodPlan,
    SecretEnvPlan,
    SubPathMount,
    VolumePlan,
)
from tui.reconciler.translate_security import non_root_violation

__all__ = [
    "ContainerConfigError",
    "check_host_paths",
    "create_container",
    "create_pod",
    "ensure_network",
    "ensure_secret_env",
    "ensure_volumes",
    "pod_ip",
    "remove_file_volumes",
    "remove_pod_volumes",
    "remove_secret_env",
    "termination_message",
    "write_file_volume",
]

MAX_TERMINATION_MESSAGE = 4096  # the kubelet reads at most 4 KiB
JSON = {"content-type": "application/json"}


class ContainerConfigError(PodtuiError):
    """The container's configuration cannot be generated: CreateContainerConfigError."""

    reason = "CreateContainerConfigError"


def _post(client: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.api.post(path, data=json.dumps(body), headers=JSON)
    response.raise_for_status()
    return response.json()


# -- network -----------------------------------------------------------------------------------


def ensure_network(client: Any, settings: Settings) -> None:
    """The pods' network, with DNS, created and labelled when missing."""
    try:
        network = client.networks.get(settings.network)
    except NotFound:
        try:
            client.networks.create(
                settings.network, dns_enabled=True, labels={LABEL_MANAGED: "true"}
            )
            return
        except APIError:
            network = client.networks.get(settings.network)  # created concurrently
    if not network.attrs.get("dns_enabled", True):
        raise PodtuiError(
            f"Podman network {settings.network} has DNS disabled: pods cannot find each other by name "
            f"(remove it, or set PODTUI_NETWORK to another name)"
        )


# -- volumes -----------------------------------------------------------------------------------


def _apply_fs_group(path: str, gid: int, recursive: bool) -> None:
    """The kubelet's SetVolumeOwnership: group owner, group rw, setgid on directories."""

    def fix(target: str, is_dir: bool) -> None:
        info = os.lstat(target)
        if os.path.islink(target):
            return
        os.chown(target, -1, gid)
        mode = (info.st_mode & 0o7777) | 0o660 | (0o2110 if is_dir else 0)
        os.chmod(target, mode)

    fix(path, True)
    if recursive:
        for dirpath, dirs, files in os.walk(path):
            for name in dirs:
                fix(os.path.join(dirpath, name), True)
            for name in files:
                fix(os.path.join(dirpath, name), False)


def _ensure_volume(client: Any, plan: PodPlan, volume: VolumePlan) -> None:
    created = False
    try:
        existing = client.volumes.get(volume.name)
        if (
            volume.kind == "emptyDir"
            and existing.attrs.get("Labels", {}).get(LABEL_UID) != plan.uid
        ):
            existing.remove(force=False)  # a previous pod's emptyDir: this pod starts empty
            raise NotFound("stale emptyDir removed")
    except NotFound:
        try:
            existing = client.volumes.create(
                volume.name, driver_opts=volume.driver_options, labels=volume.labels
            )
            created = True
        except APIError:
            existing = client.volumes.get(volume.name)
    mountpoint = existing.attrs.get("Mountpoint") or ""
    if volume.tmpfs or not os.path.isdir(mountpoint):
        return  # tmpfs: its mount options carry mode and group; remote service: nothing to do
    if created:
        os.chmod(mountpoint, volume.mode)
        if volume.fs_group is not None:
            os.chown(mountpoint, 0, volume.fs_group)
            os.chmod(mountpoint, volume.mode)
    if volume.kind == "pvc" and volume.fs_group is not None:
        if (
            volume.fs_group_change_policy == "OnRootMismatch"
            and os.stat(mountpoint).st_gid == volume.fs_group
        ):
            return
        _apply_fs_group(mountpoint, volume.fs_group, recursive=True)


def ensure_volumes(client: Any, plan: PodPlan) -> None:
    """Create the pod's emptyDir and PVC volumes (0777 roots, fsGroup applied)."""
    for volume in plan.volumes:
        _ensure_volume(client, plan, volume)


def remove_pod_volumes(client: Any, plan: PodPlan) -> None:
    """Remove the pod's emptyDir volumes; PVC volumes are kept."""
    for volume in plan.volumes:
        if volume.keep_on_delete:
            continue
        with contextlib.suppress(NotFound):
            existing = client.volumes.get(volume.name)
            if existing.attrs.get("Labels", {}).get(LABEL_UID) in (plan.uid, None):
                existing.remove(force=False)


def remove_file_volumes(plan: PodPlan) -> None:
    """Remove the pod's configMap/secret/downward directories and termination message files."""
    for item in plan.file_volumes:
        remove_file_volume(item)
    if plan.termination_dir:
        shutil.rmtree(plan.termination_dir, ignore_errors=True)


def check_host_paths(plan: PodPlan) -> list[str]:
    """FailedMount messages: hostPath type checks (creating *OrCreate paths), missing objects."""
    failures = [item.mount_error for item in plan.file_volumes if item.mount_error]
    for check in plan.host_paths:
        message = check_host_path(check)
        if message:
            failures.append(message)
    return failures


# -- secrets -----------------------------------------------------------------------------------


def ensure_secret_env(client: Any, secret: SecretEnvPlan, pod_ip: str | None = None) -> None:
    """(Re)create the Podman secret behind one env var; its value never leaves this call."""
    data = secret.data.replace(POD_IP_MARK.encode(), (pod_ip or "").encode())
    with contextlib.suppress(NotFound):
        client.api.delete(f"/secrets/{secret.podman_secret}").raise_for_status()
    params = {"name": secret.podman_secret, "labels": json.dumps(secret.labels)}
    response = client.api.post("/secrets/create", params=params, data=data)
    if response.status_code == 409:  # created concurrently by the same plan: same content
        return
    response.raise_for_status()


def _secret_exists(client: Any, name: str) -> bool:
    return client.api.get(f"/secrets/{name}/json").status_code == 200


def remove_secret_env(client: Any, plan: PodPlan) -> None:
    """Remove the Podman secrets of every container of the pod."""
    for cplan in plan.container_plans():
        for secret in cplan.secret_env:
            with contextlib.suppress(NotFound):
                client.api.delete(f"/secrets/{secret.podman_secret}").raise_for_status()


# -- pod ---------------------------------------------------------------------------------------


def _resolv_conf() -> tuple[list[str], list[str]]:
    """Nameservers and search domains of the host (systemd-resolved's upstream list if local)."""
    servers: list[str] = []
    searches: list[str] = []
    for candidate in ("/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"):
        servers, searches = [], []
        with contextlib.suppress(OSError), open(candidate) as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver":
                    servers.append(parts[1])
                elif parts and parts[0] == "search":
                    searches = parts[1:]
        if servers and not all(s.startswith("127.") or s == "::1" for s in servers):
            break
    return [s for s in servers if not s.startswith("127.") and s != "::1"], searches


def _dns_body(client: Any, plan: PodPlan, body: dict[str, Any]) -> None:
    if plan.host_dns:
        servers, searches = _resolv_conf()
        body["dns_server"] = list(dict.fromkeys([*servers, *plan.cluster_dns_extra]))[:3]
        body["dns_search"] = list(dict.fromkeys([*searches, *body.get("dns_search", [])]))
    elif plan.cluster_dns_extra and plan.network:
        subnets = client.networks.get(plan.network).attrs.get("subnets") or []
        gateways = [s["gateway"] for s in subnets if s.get("gateway")]
        body["dns_server"] = list(dict.fromkeys([*gateways[:1], *plan.cluster_dns_extra]))[:3]


def create_pod(client: Any, plan: PodPlan) -> str:
    """Create the Podman pod (and its infra container, not started); returns the pod id."""
    body = json.loads(json.dumps(plan.pod_body))
    _dns_body(client, plan, body)
    try:
        return str(_post(client, "/pods/create", body)["Id"])
    except APIError:
        with contextlib.suppress(NotFound):
            existing = client.pods.get(plan.podman_name)
            if existing.attrs.get("Labels", {}).get(LABEL_UID) == plan.uid:
                return str(existing.id)  # created by an earlier, interrupted call
        raise


def start_infra(client: Any, pod_id: str, infra_name: str | None = None) -> None:
    """Start the pod's infra container only (a pod start would also start the containers
    being created at the same moment). With its name known, no inspect is needed."""
    if infra_name:
        response = client.api.post(f"/containers/{infra_name}/start")
        if response.status_code in (204, 304):
            return
    infra = client.pods.get(pod_id).attrs.get("InfraContainerID")
    if not infra:
        client.api.post(f"/pods/{pod_id}/start").raise_for_status()
        return
    response = client.api.post(f"/containers/{infra}/start")
    if response.status_code not in (204, 304):
        response.raise_for_status()


def pod_ip(client: Any, podman_pod: str) -> str | None:
    """The pod IP: the infra container's address (the host's for hostNetwork); None if not up."""
    pod = client.pods.get(podman_pod)
    infra_id = pod.attrs.get("InfraContainerID")
    if not infra_id:
        return None
    infra = client.containers.get(infra_id).attrs
    if not infra.get("State", {}).get("Running"):
        return None
    settings = infra.get("NetworkSettings") or {}
    for network in (settings.get("Networks") or {}).values():
        if network.get("IPAddress"):
            return str(network["IPAddress"])
    if settings.get("IPAddress"):
        return str(settings["IPAddress"])
    if infra.get("HostConfig", {}).get("NetworkMode") == "host":
        return HOST_IP
    return None


# -- containers --------------------------------------------------------------------------------


def _image_user(client: Any, image: str) -> str:
    return str((client.images.get(image).attrs.get("Config") or {}).get("User") or "")


def _subpath_source(client: Any, mount: SubPathMount, container: str) -> str:
    """The host path to bind for a subPath, created like the kubelet when missing."""
    failure = ContainerConfigError(
        f'failed to prepare subPath for volumeMount "{mount.volume}" of container "{container}"'
    )
    if mount.base_kind == "volume":
        base = client.volumes.get(mount.base).attrs.get("Mountpoint") or ""
    else:
        base = mount.base
    base = os.path.realpath(base)
    if not os.path.isdir(base):
        raise failure
    target = os.path.realpath(os.path.join(base, mount.sub_path))
    if target != base and not target.startswith(base + os.sep):
        raise failure  # a symlink pointing out of the volume
    if not os.path.lexists(target):
        if not mount.create:
            raise failure
        mode = os.stat(base).st_mode & 0o7777
        os.makedirs(target, exist_ok=True)
        os.chmod(target, mode)
    return target


def termination_message_file(plan: PodPlan, cplan: ContainerPlan, attempt: int) -> Path | None:
    """The host file bound at ``terminationMessagePath`` for one attempt."""
    if not plan.termination_dir or not cplan.termination_message_path:
        return None
    return Path(plan.termination_dir) / f"{cplan.name}_{attempt}"


def termination_message(plan: PodPlan, cplan: ContainerPlan, attempt: int) -> str:
    """What the container wrote to its termination message file (at most 4 KiB)."""
    path = termination_message_file(plan, cplan, attempt)
    try:
        with open(path, "rb") as handle:  # type: ignore[arg-type]
            return handle.read(MAX_TERMINATION_MESSAGE).decode("utf-8", "replace")
    except (OSError, TypeError):
        return ""


def create_container(
    client: Any,
    plan: PodPlan,
    cplan: ContainerPlan,
    attempt: int,
    pod_ip: str | None,
    labels: dict[str, str] | None = None,
) -> str:
    """Create (not start) one attempt of a container in the pod; returns its id.

    ``labels`` are added to the plan's own (which already name the pod, container and kind).
    """
    if cplan.image_error:
        raise InvalidImageName(cplan.image_error)
    if cplan.config_error:
        raise ContainerConfigError(cplan.config_error)
    name = plan.podman_container_name(cplan.name, attempt)
    body = cplan.create_body(plan.podman_name, name, attempt, pod_ip, labels or {})
    if cplan.run_as_non_root or (cplan.run_as_group is not None and cplan.run_as_user is None):
        image_user = _image_user(client, cplan.image)
        if cplan.run_as_non_root:
            violation = non_root_violation(
                cplan.run_as_user,
                image_user,
                f"{plan.name}_{plan.namespace}({plan.uid})",
                cplan.name,
            )
            if violation:
                raise ContainerConfigError(violation)
        if cplan.run_as_user is None and cplan.run_as_group is not None:
            body["user"] = f"{image_user.split(':', 1)[0] or '0'}:{cplan.run_as_group}"
    mounts = list(body.get("mounts") or [])
    for mount in cplan.subpath_mounts:
        source = _subpath_source(client, mount, cplan.name)
        options = ["rbind", mount.propagation, "ro" if mount.read_only else "rw"]
        mounts.append(
            {"destination": mount.destination, "type": "bind", "source": source, "options": options}
        )
    message_file = termination_message_file(plan, cplan, attempt)
    if message_file is not None and not any(
        m["destination"] == cplan.termination_message_path for m in mounts
    ):
        message_file.parent.mkdir(parents=True, exist_ok=True)
        message_file.write_bytes(b"")
        os.chmod(message_file, 0o666)  # any container user may write its message
        mounts.append(
            {
                "destination": cplan.termination_message_path,
                "type": "bind",
                "source": str(message_file),
                "options": ["rbind", "rw"],
            }
        )
    if mounts:
        body["mounts"] = mounts
    for secret in cplan.secret_env:
        if POD_IP_MARK.encode() in secret.data or not _secret_exists(client, secret.podman_secret):
            ensure_secret_env(client, secret, pod_ip)
    try:
        return str(_post(client, "/containers/create", body)["Id"])
    except APIError:
        with contextlib.suppress(NotFound):
            existing = client.containers.get(name)
            if existing.labels.get(LABEL_UID) == plan.uid:
                return str(existing.id)  # this attempt exists already (an interrupted call)
        raise
