"""Warnings for what the Pod Security Standards' baseline profile forbids.

They do not block (``strict=True`` makes them errors): privileged containers, host
namespaces, capabilities beyond the baseline set, hostPath volumes of sensitive host paths
(system directories, the container engine sockets, the home directory), unmasked /proc,
and unconfined seccomp or AppArmor profiles.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

from tui.manifest.problems import FORBIDDEN, FieldPath, Findings
from tui.manifest.shapes import as_dict, items_of, strings, text

POLICY = 'would violate PodSecurity "baseline:latest"'

# Capabilities the baseline profile allows containers to add.
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)

# Host paths whose mount hands the pod control of the host; each covers what is under it.
SENSITIVE_HOST_PATHS = (
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/usr",
    "/var/run",
    "/run",
    "/var/lib/docker",
    "/var/lib/containers",
    "/var/lib/kubelet",
    "/root",
)
ENGINE_SOCKETS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
)
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def normalize_host_path(value: str) -> str:
    """``//etc/`` and ``/etc/../etc`` are both /etc (POSIX keeps a leading ``//``: we do not)."""
    if not value:
        return value
    normalized = posixpath.normpath(value)
    if normalized.startswith("//"):
        normalized = "/" + normalized.lstrip("/")
    return normalized


# Credential folders under $HOME: mounting them (or $HOME itself) hands out keys.
HOME_SECRETS = (".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".config", ".local/share/containers")


def _home() -> str | None:
    home = os.environ.get("HOME") or str(Path.home())
    home = normalize_host_path(home) if home else ""
    return home if home and home != "/" else None


def sensitive_host_path(value: str, home: str | None = None) -> str | None:
    """Why mounting ``value`` from the host is dangerous, or None when it is not flagged."""
    path = normalize_host_path(value)
    if not path.startswith("/"):
        return None
    if path == "/":
        return "mounts the host's root filesystem"
    for socket in ENGINE_SOCKETS:
        if path == socket:
            return "mounts a container engine socket, which gives root on the host"
    if "podman/podman.sock" in path or path.endswith("/docker.sock"):
        return "mounts a container engine socket, which gives root on the host"
    for sensitive in SENSITIVE_HOST_PATHS:
        if path == sensitive or path.startswith(sensitive + "/"):
            return f"mounts the sensitive host path {sensitive}"
    home = home if home is not None else _home()
    if not home:
        return None
    base = home.rstrip("/")
    if path == base or base.startswith(path.rstrip("/") + "/"):
        return "mounts the home directory of the user running podtui"
    for secret_dir in HOME_SECRETS:
        target = f"{base}/{secret_dir}"
        if path == target or path.startswith(target + "/"):
            return f"mounts ~/{secret_dir}, where credentials live"
    # a project folder inside $HOME (~/src/app/data) is the normal case, not a warning
    return None


def _capability(name: str) -> str:
    upper = name.upper()
    return upper[4:] if upper.startswith("CAP_") else upper


def check_pod_security(pod: dict[str, Any], findings: Findings, home: str | None = None) -> None:
    """Add a warning for each thing the baseline Pod Security Standard forbids."""
    spec = as_dict(pod.get("spec"))
    if not spec:
        return
    path: FieldPath = ("spec",)
    for field, what in (
        ("hostNetwork", "host network"),
        ("hostPID", "host PID namespace"),
        ("hostIPC", "host IPC namespace"),
    ):
        if spec.get(field) is True:
            findings.add(
                path + (field,), FORBIDDEN, None, f"{POLICY}: uses the {what}", severity="warning"
            )
    for index, volume in items_of(spec.get("volumes")):
        host_path = as_dict(volume.get("hostPath"))
        value = text((host_path or {}).get("path")) if volume.get("hostPath") is not None else None
        if value:
            reason = sensitive_host_path(value, home)
            if reason:
                findings.add(
                    path + ("volumes", index, "hostPath", "path"),
                    FORBIDDEN,
                    None,
                    f"{POLICY}: hostPath {reason}",
                    severity="warning",
                )
    _profiles(as_dict(spec.get("securityContext")) or {}, path + ("securityContext",), findings)
    for list_name in CONTAINER_LISTS:
        for index, container in items_of(spec.get(list_name)):
            context = as_dict(container.get("securityContext"))
            if context:
                _container(context, path + (list_name, index, "securityContext"), findings)


def _container(context: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if context.get("privileged") is True:
        findings.add(
            path + ("privileged",),
            FORBIDDEN,
            None,
            f"{POLICY}: privileged containers have full access to the host",
            severity="warning",
        )
    capabilities = as_dict(context.get("capabilities")) or {}
    for index, name in strings(capabilities.get("add")):
        if _capability(name) not in BASELINE_CAPABILITIES:
            findings.add(
                path + ("capabilities", "add", index),
                FORBIDDEN,
                None,
                f"{POLICY}: adds capability {name}, which is not in the baseline set",
                severity="warning",
            )
    if text(context.get("procMount")) == "Unmasked":
        findings.add(
            path + ("procMount",),
            FORBIDDEN,
            None,
            f"{POLICY}: procMount Unmasked exposes the host's /proc",
            severity="warning",
        )
    _profiles(context, path, findings)


def _profiles(context: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    for field in ("seccompProfile", "appArmorProfile"):
        profile = as_dict(context.get(field))
        if profile and text(profile.get("type")) == "Unconfined":
            findings.add(
                path + (field, "type"),
                FORBIDDEN,
                None,
                f"{POLICY}: {field} type Unconfined disables the sandbox",
                severity="warning",
            )
