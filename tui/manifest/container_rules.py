"""Container rules (validateContainers, validateInitContainers, validateContainerCommon).

Names unique across init, regular and ephemeral containers; ports, mounts, pull policy,
resources and security context well formed; probes only where the API server allows them.
"""

from __future__ import annotations

from typing import Any

from tui.manifest.env_rules import validate_env, validate_env_from
from tui.manifest.formats import is_dns1123_label, is_port_name, is_port_number
from tui.manifest.probe_rules import validate_lifecycle, validate_probe
from tui.manifest.problems import (
    DUPLICATE,
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    NOT_SUPPORTED,
    REQUIRED,
    FieldPath,
    Findings,
)
from tui.manifest.resource_rules import validate_resources
from tui.manifest.shapes import as_dict, items_of, text
from tui.manifest.volume_rules import validate_local_descending_path, validate_no_backsteps

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
PROTOCOLS = ("SCTP", "TCP", "UDP")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
PROPAGATIONS = ("Bidirectional", "HostToContainer", "None")
RECURSIVE_READ_ONLY = ("Disabled", "Enabled", "IfPossible")
PROC_MOUNTS = ("Default", "Unmasked")
MAX_ID = 0xFFFFFFFF
# Fields an ephemeral container may not set (allowedEphemeralContainerFields).
EPHEMERAL_FORBIDDEN = (
    "ports",
    "resources",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "resizePolicy",
    "restartPolicy",
)

Volumes = dict[str, dict[str, Any]]


def _supported(values: tuple[str, ...]) -> str:
    return "supported values: " + ", ".join(f'"{v}"' for v in values)


def validate_containers(
    spec: dict[str, Any], volumes: Volumes, grace: int | None, findings: Findings
) -> None:
    """Regular containers: at least one, unique names, probes and hooks checked."""
    path: FieldPath = ("spec", "containers")
    raw = spec.get("containers")
    if raw is None or raw == []:
        findings.add(path, REQUIRED)
    containers = items_of(raw)
    names: set[str] = set()
    for index, container in containers:
        here = path + (index,)
        validate_container_common(container, here, volumes, findings)
        name = text(container.get("name"))
        if name is not None:
            if name in names:
                findings.add(here + ("name",), DUPLICATE, name)
            names.add(name)
        validate_lifecycle(container.get("lifecycle"), grace, here + ("lifecycle",), findings)
        for probe in PROBES:
            validate_probe(container.get(probe), probe, grace, here + (probe,), findings)
        if container.get("restartPolicy") is not None:
            findings.add(
                here + ("restartPolicy",), FORBIDDEN, None, "may not be set for non-init containers"
            )
    _host_port_conflicts(containers, path, findings)


def validate_init_containers(
    spec: dict[str, Any], volumes: Volumes, grace: int | None, findings: Findings
) -> None:
    """Init containers: restartPolicy only Always (a sidecar); probes and hooks only then."""
    path: FieldPath = ("spec", "initContainers")
    names = {text(c.get("name")) for _, c in items_of(spec.get("containers"))}
    for index, container in items_of(spec.get("initContainers")):
        here = path + (index,)
        validate_container_common(container, here, volumes, findings)
        sidecar = False
        if container.get("restartPolicy") is not None:
            policy = text(container.get("restartPolicy"))
            if policy is not None and policy != "Always":
                findings.add(
                    here + ("restartPolicy",), NOT_SUPPORTED, policy, _supported(("Always",))
                )
            sidecar = policy == "Always"
        name = text(container.get("name"))
        if name is not None and name in names:
            findings.add(here + ("name",), DUPLICATE, name)
        elif name:
            names.add(name)
        _host_port_conflicts([(index, container)], path, findings)
        if sidecar:
            validate_lifecycle(container.get("lifecycle"), grace, here + ("lifecycle",), findings)
            for probe in PROBES:
                validate_probe(container.get(probe), probe, grace, here + (probe,), findings)
            continue
        for field in ("lifecycle", *PROBES):
            if container.get(field) is not None:
                findings.add(
                    here + (field,),
                    FORBIDDEN,
                    None,
                    "may not be set for init containers without restartPolicy=Always",
                )


def validate_ephemeral_containers(
    spec: dict[str, Any], volumes: Volumes, findings: Findings
) -> None:
    """Ephemeral containers cannot be part of a new Pod; checked anyway for a complete report."""
    raw = spec.get("ephemeralContainers")
    if not raw:
        return
    path: FieldPath = ("spec", "ephemeralContainers")
    findings.add(path, FORBIDDEN, None, "cannot be set on create")
    others = {
        text(c.get("name"))
        for key in ("containers", "initContainers")
        for _, c in items_of(spec.get(key))
    }
    names = set(others)
    for index, container in items_of(raw):
        here = path + (index,)
        validate_container_common(container, here, volumes, findings)
        name = text(container.get("name"))
        if name is not None and name in names:
            findings.add(here + ("name",), DUPLICATE, name)
        names.add(name)
        target = text(container.get("targetContainerName"))
        if target and target not in others:
            findings.add(here + ("targetContainerName",), NOT_FOUND, target)
        for field in EPHEMERAL_FORBIDDEN:
            if container.get(field) is not None:
                findings.add(
                    here + (field,), FORBIDDEN, None, "cannot be set for an Ephemeral Container"
                )
        for mount_index, mount in items_of(container.get("volumeMounts")):
            for field in ("subPath", "subPathExpr"):
                if mount.get(field):
                    findings.add(
                        here + ("volumeMounts", mount_index, field),
                        FORBIDDEN,
                        None,
                        "cannot be set for an Ephemeral Container",
                    )


def validate_container_common(
    container: dict[str, Any], path: FieldPath, volumes: Volumes, findings: Findings
) -> None:
    """What every kind of container must satisfy (validateContainerCommon)."""
    name = text(container.get("name"))
    if name == "":
        findings.add(path + ("name",), REQUIRED)
    elif name is not None:
        for message in is_dns1123_label(name):
            findings.add(path + ("name",), INVALID, name, message)
    image = text(container.get("image"))
    if image == "":
        findings.add(path + ("image",), REQUIRED)
    elif image is not None and image != image.strip():
        findings.add(
            path + ("image",), INVALID, image, "must not have leading or trailing whitespace"
        )
    _choice(
        container.get("terminationMessagePolicy"),
        TERMINATION_MESSAGE_POLICIES,
        path + ("terminationMessagePolicy",),
        findings,
    )
    _choice(container.get("imagePullPolicy"), PULL_POLICIES, path + ("imagePullPolicy",), findings)
    _local_image_pulled(image, container.get("imagePullPolicy"), path, findings)
    _ports(container.get("ports"), path + ("ports",), findings)
    validate_env(container.get("env"), path + ("env",), findings)
    validate_env_from(container.get("envFrom"), path + ("envFrom",), findings)
    security = as_dict(container.get("securityContext")) or {}
    _volume_mounts(container, path, volumes, security.get("privileged") is True, findings)
    _volume_devices(container, path, volumes, findings)
    validate_resources(container.get("resources"), path + ("resources",), findings)
    _security_context(security, path + ("securityContext",), findings)


def _local_image_pulled(
    image: str | None, policy: object, path: FieldPath, findings: Findings
) -> None:
    """Warn when ``Always`` (kubectl's default for ``:latest``) would pull a ``localhost/``
    image: that prefix is where Podman keeps local builds, and no registry answers for it, so
    the pod would sit in ErrImagePull on any machine."""
    if policy != "Always" or not image or not image.startswith("localhost/"):
        return
    findings.add(
        path + ("imagePullPolicy",),
        INVALID,
        "Always",
        f"{image} is a local build (localhost/ has no registry to pull from); "
        "use imagePullPolicy IfNotPresent or Never",
        severity="warning",
        at=path + ("image",),  # where the line points when the policy is only defaulted
    )


def _choice(value: object, choices: tuple[str, ...], path: FieldPath, findings: Findings) -> None:
    """A defaulted enum field: empty is Required, anything else must be one of ``choices``."""
    chosen = text(value)
    if chosen == "":
        findings.add(path, REQUIRED)
    elif chosen is not None and chosen not in choices:
        findings.add(path, NOT_SUPPORTED, chosen, _supported(choices))


def _ports(ports: object, path: FieldPath, findings: Findings) -> None:
    names: set[str] = set()
    for index, port in items_of(ports):
        here = path + (index,)
        name = text(port.get("name"))
        if name:
            messages = is_port_name(name)
            for message in messages:
                findings.add(here + ("name",), INVALID, name, message)
            if not messages:
                if name in names:
                    findings.add(here + ("name",), DUPLICATE, name)
                names.add(name)
        container_port = port.get("containerPort")
        if container_port is None or container_port == 0:
            findings.add(here + ("containerPort",), REQUIRED)
        elif type(container_port) is int:
            for message in is_port_number(container_port):
                findings.add(here + ("containerPort",), INVALID, container_port, message)
        host_port = port.get("hostPort")
        if type(host_port) is int and host_port != 0:
            for message in is_port_number(host_port):
                findings.add(here + ("hostPort",), INVALID, host_port, message)
        protocol = text(port.get("protocol"))
        if protocol == "":
            findings.add(here + ("protocol",), REQUIRED)
        elif protocol is not None and protocol not in PROTOCOLS:
            findings.add(here + ("protocol",), NOT_SUPPORTED, protocol, _supported(PROTOCOLS))


def _host_port_conflicts(
    containers: list[tuple[int, dict[str, Any]]], path: FieldPath, findings: Findings
) -> None:
    """Two ports may not claim the same protocol/hostIP/hostPort."""
    seen: set[str] = set()
    for index, container in containers:
        for port_index, port in items_of(container.get("ports")):
            host_port = port.get("hostPort")
            if type(host_port) is not int or host_port == 0:
                continue
            key = f"{text(port.get('protocol')) or ''}/{text(port.get('hostIP')) or ''}/{host_port}"
            if key in seen:
                findings.add(path + (index, "ports", port_index, "hostPort"), DUPLICATE, key)
            seen.add(key)


def _volume_mounts(
    container: dict[str, Any],
    path: FieldPath,
    volumes: Volumes,
    privileged: bool,
    findings: Findings,
) -> None:
    mount_paths: set[str] = set()
    for index, mount in items_of(container.get("volumeMounts")):
        here = path + ("volumeMounts", index)
        name = text(mount.get("name"))
        if name == "":
            findings.add(here + ("name",), REQUIRED)
        if name is not None and name not in volumes:
            findings.add(here + ("name",), NOT_FOUND, name)
        mount_path = text(mount.get("mountPath"))
        if mount_path == "":
            findings.add(here + ("mountPath",), REQUIRED)
        if mount_path is not None:
            if mount_path in mount_paths:
                findings.add(here + ("mountPath",), INVALID, mount_path, "must be unique")
            mount_paths.add(mount_path)
        sub_path = text(mount.get("subPath"))
        if sub_path:
            validate_local_descending_path(sub_path, here + ("subPath",), findings)
        expression = text(mount.get("subPathExpr"))
        if expression:
            if sub_path:
                findings.add(
                    here + ("subPathExpr",),
                    INVALID,
                    expression,
                    "subPathExpr and subPath are mutually exclusive",
                )
            validate_local_descending_path(expression, here + ("subPathExpr",), findings)
        propagation = text(mount.get("mountPropagation"))
        if mount.get("mountPropagation") is not None and propagation is not None:
            if propagation not in PROPAGATIONS:
                findings.add(
                    here + ("mountPropagation",),
                    NOT_SUPPORTED,
                    propagation,
                    _supported(PROPAGATIONS),
                )
            elif propagation == "Bidirectional" and not privileged:
                findings.add(
                    here + ("mountPropagation",),
                    FORBIDDEN,
                    None,
                    "Bidirectional mount propagation is available only to privileged containers",
                )
        _recursive_read_only(mount, here, findings)


def _recursive_read_only(mount: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    value = text(mount.get("recursiveReadOnly"))
    if mount.get("recursiveReadOnly") is None or value is None or value == "Disabled":
        return
    here = path + ("recursiveReadOnly",)
    if value not in RECURSIVE_READ_ONLY:
        findings.add(here, NOT_SUPPORTED, value, _supported(RECURSIVE_READ_ONLY))
        return
    if mount.get("readOnly") is not True:
        findings.add(here, FORBIDDEN, None, "may only be specified when readOnly is true")
    propagation = mount.get("mountPropagation")
    if propagation is not None and propagation != "None":
        findings.add(
            here,
            FORBIDDEN,
            None,
            "may only be specified when mountPropagation is None or not specified",
        )


def _volume_devices(
    container: dict[str, Any], path: FieldPath, volumes: Volumes, findings: Findings
) -> None:
    device_paths: set[str] = set()
    for index, device in items_of(container.get("volumeDevices")):
        here = path + ("volumeDevices", index)
        name = text(device.get("name"))
        if name == "":
            findings.add(here + ("name",), REQUIRED)
        if name is not None:
            volume = volumes.get(name)
            if volume is None:
                findings.add(here + ("name",), NOT_FOUND, name)
            elif volume.get("persistentVolumeClaim") is None and volume.get("ephemeral") is None:
                findings.add(
                    here + ("name",),
                    INVALID,
                    name,
                    "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
                )
        device_path = text(device.get("devicePath"))
        if device_path == "":
            findings.add(here + ("devicePath",), REQUIRED)
        elif device_path is not None:
            if device_path in device_paths:
                findings.add(here + ("devicePath",), INVALID, device_path, "must be unique")
            device_paths.add(device_path)
            validate_no_backsteps(device_path, here + ("devicePath",), findings)


def _security_context(context: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if not context:
        return
    for name in ("runAsUser", "runAsGroup"):
        value = context.get(name)
        if type(value) is int and not 0 <= value <= MAX_ID:
            findings.add(
                path + (name,), INVALID, value, f"must be between 0 and {MAX_ID}, inclusive"
            )
    proc_mount = text(context.get("procMount"))
    if proc_mount and proc_mount not in PROC_MOUNTS:
        findings.add(path + ("procMount",), NOT_SUPPORTED, proc_mount, _supported(PROC_MOUNTS))
    if context.get("allowPrivilegeEscalation") is False:
        if context.get("privileged") is True:
            findings.add(
                path,
                INVALID,
                context,
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            )
        capabilities = as_dict(context.get("capabilities")) or {}
        added = capabilities.get("add")
        if isinstance(added, list) and "CAP_SYS_ADMIN" in added:
            findings.add(
                path,
                INVALID,
                context,
                "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
            )
