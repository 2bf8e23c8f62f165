"""securityContext (pod and container level, container wins) -> libpod SpecGenerator fields.

Honoured: runAsUser/runAsGroup, runAsNonRoot (checked against the image user at create time),
supplementalGroups and fsGroup (added to the process groups, as the kubelet does),
capabilities, privileged, readOnlyRootFilesystem (without Podman's extra /tmp tmpfs),
allowPrivilegeEscalation, procMount, seccomp, AppArmor, SELinux options and safe sysctls.
What cannot be honoured (Localhost seccomp profiles, Strict supplemental groups, unsafe
sysctls) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.reconciler.translate_base import TranslationError, as_dict, as_list, refuse_unknown

POD_FIELDS = (
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "fsGroup",
    "fsGroupChangePolicy",
    "seLinuxOptions",
    "seLinuxChangePolicy",
    "seccompProfile",
    "appArmorProfile",
    "sysctls",
    "windowsOptions",
)
CONTAINER_FIELDS = (
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "capabilities",
    "privileged",
    "readOnlyRootFilesystem",
    "allowPrivilegeEscalation",
    "procMount",
    "seLinuxOptions",
    "seccompProfile",
    "appArmorProfile",
    "windowsOptions",
)
# Sysctls Kubernetes calls safe (namespaced, cannot affect other pods).
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


@dataclass
class SecurityPlan:
    """A container's effective security settings."""

    body: dict[str, Any] = field(default_factory=dict)
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool = False
    fs_group: int | None = None
    warnings: list[str] = field(default_factory=list)


def _int(value: object, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TranslationError(where, "must be a non-negative integer")
    return value


def _capability(name: object) -> str:
    upper = str(name).upper()
    if upper == "ALL":
        return "ALL"
    return upper if upper.startswith("CAP_") else f"CAP_{upper}"


def container_security(
    pod_spec: dict[str, Any],
    container: dict[str, Any],
    path: str,
    annotations: dict[str, str],
) -> SecurityPlan:
    """The effective security settings of one container."""
    pod_ctx = as_dict(pod_spec.get("securityContext"))
    ctx = as_dict(container.get("securityContext"))
    refuse_unknown(ctx, CONTAINER_FIELDS, f"{path}.securityContext")
    here = f"{path}.securityContext"
    plan = SecurityPlan()

    def pick(key: str) -> tuple[object, str]:
        if ctx.get(key) is not None:
            return ctx[key], f"{here}.{key}"
        return pod_ctx.get(key), f"spec.securityContext.{key}"

    user, user_path = pick("runAsUser")
    group, group_path = pick("runAsGroup")
    plan.run_as_user = _int(user, user_path)
    plan.run_as_group = _int(group, group_path)
    plan.run_as_non_root = pick("runAsNonRoot")[0] is True
    if plan.run_as_user is not None:
        plan.body["user"] = str(plan.run_as_user)
        if plan.run_as_group is not None:
            plan.body["user"] += f":{plan.run_as_group}"
    plan.fs_group = _int(pod_ctx.get("fsGroup"), "spec.securityContext.fsGroup")
    groups = [
        _int(g, f"spec.securityContext.supplementalGroups[{i}]")
        for i, g in enumerate(as_list(pod_ctx.get("supplementalGroups")))
    ]
    if plan.fs_group is not None:
        groups.append(plan.fs_group)
    if groups:
        plan.body["groups"] = [str(g) for g in dict.fromkeys(groups)]

    caps = as_dict(ctx.get("capabilities"))
    refuse_unknown(caps, ("add", "drop"), f"{here}.capabilities")
    if caps.get("add"):
        plan.body["cap_add"] = [_capability(c) for c in as_list(caps["add"])]
    if caps.get("drop"):
        plan.body["cap_drop"] = [_capability(c) for c in as_list(caps["drop"])]
    if ctx.get("privileged") is True:
        plan.body["privileged"] = True
    if ctx.get("readOnlyRootFilesystem") is True:
        plan.body["read_only_filesystem"] = True
        plan.body["read_only_tmpfs"] = False  # Kubernetes adds no writable /tmp
    if ctx.get("allowPrivilegeEscalation") is False:
        plan.body["no_new_privileges"] = True
    proc_mount = ctx.get("procMount")
    if proc_mount == "Unmasked":
        plan.body["unmask"] = ["ALL"]
    elif proc_mount not in (None, "Default"):
        raise TranslationError(f"{here}.procMount", f'unsupported value "{proc_mount}"')

    _seccomp(plan, *pick("seccompProfile"))
    _apparmor(
        plan,
        *pick("appArmorProfile"),
        annotations.get(APPARMOR_ANNOTATION + str(container.get("name"))),
    )
    selinux, selinux_path = pick("seLinuxOptions")
    if selinux:
        labels = as_dict(selinux)
        refuse_unknown(labels, ("user", "role", "type", "level"), selinux_path)
        plan.body["selinux_opts"] = [f"{k}:{v}" for k, v in labels.items() if v]
    if pick("windowsOptions")[0]:
        plan.warnings.append(f"{pick('windowsOptions')[1]}: ignored: this is a Linux node")
    return plan


def _seccomp(plan: SecurityPlan, profile: object, where: str) -> None:
    profile = as_dict(profile)
    kind = profile.get("type")
    if kind in (None, "RuntimeDefault"):
        return
    if kind == "Unconfined":
        plan.body["seccomp_profile_path"] = "unconfined"
        return
    if kind == "Localhost":
        raise TranslationError(
            f"{where}.type",
            "Localhost seccomp profiles are not supported by podtui (no kubelet seccomp root)",
        )
    raise TranslationError(f"{where}.type", f'unsupported value "{kind}"')


def _apparmor(plan: SecurityPlan, profile: object, where: str, annotation: str | None) -> None:
    profile = as_dict(profile)
    kind = profile.get("type")
    if kind is None and annotation:
        if annotation == "runtime/default":
            kind = "RuntimeDefault"
        elif annotation == "unconfined":
            kind = "Unconfined"
        elif annotation.startswith("localhost/"):
            kind, profile = "Localhost", {"localhostProfile": annotation[len("localhost/") :]}
        else:
            raise TranslationError(
                f"metadata.annotations[{APPARMOR_ANNOTATION}...]",
                f'unsupported value "{annotation}"',
            )
    if kind in (None, "RuntimeDefault"):
        return
    if kind == "Unconfined":
        plan.body["apparmor_profile"] = "unconfined"
    elif kind == "Localhost" and profile.get("localhostProfile"):
        plan.body["apparmor_profile"] = str(profile["localhostProfile"])
    else:
        raise TranslationError(f"{where}.type", f'unsupported value "{kind}"')


def pod_security_checks(pod_spec: dict[str, Any]) -> list[str]:
    """Refuse pod-level settings podtui cannot honour; return warnings for those without effect."""
    ctx = as_dict(pod_spec.get("securityContext"))
    refuse_unknown(ctx, POD_FIELDS, "spec.securityContext")
    warnings = []
    if ctx.get("supplementalGroupsPolicy") not in (None, "Merge"):
        raise TranslationError(
            "spec.securityContext.supplementalGroupsPolicy",
            "only Merge is supported: Podman always adds the groups of the image's /etc/group",
        )
    if ctx.get("fsGroupChangePolicy") not in (None, "Always", "OnRootMismatch"):
        raise TranslationError(
            "spec.securityContext.fsGroupChangePolicy", "must be Always or OnRootMismatch"
        )
    if ctx.get("seLinuxChangePolicy") is not None:
        warnings.append(
            "spec.securityContext.seLinuxChangePolicy: ignored: volumes are relabelled by Podman"
        )
    return warnings


def pod_sysctls(pod_spec: dict[str, Any]) -> dict[str, str]:
    """Safe sysctls for the pod's (infra) namespaces; anything else is refused like the kubelet."""
    result: dict[str, str] = {}
    for index, item in enumerate(as_list(as_dict(pod_spec.get("securityContext")).get("sysctls"))):
        where = f"spec.securityContext.sysctls[{index}].name"
        name = str(item.get("name") or "").replace("/", ".")
        if name not in SAFE_SYSCTLS:
            raise TranslationError(where, f'forbidden sysctl: "{name}" not allowlisted')
        if name.startswith("net.") and pod_spec.get("hostNetwork") is True:
            raise TranslationError(where, f'sysctl "{name}" not allowed with host net enabled')
        if name.startswith("kernel.shm") and pod_spec.get("hostIPC") is True:
            raise TranslationError(where, f'sysctl "{name}" not allowed with host ipc enabled')
        result[name] = str(item.get("value") if item.get("value") is not None else "")
    return result


def non_root_violation(
    run_as_user: int | None, image_user: str, pod_label: str, container: str
) -> str | None:
    """The kubelet's runAsNonRoot verdict for an image user (``USER`` of the image), or None."""
    suffix = f'(pod: "{pod_label}", container: {container})'
    if run_as_user is not None:
        return (
            None if run_as_user != 0 else f"container's runAsUser breaks non-root policy {suffix}"
        )
    user = (image_user or "").split(":", 1)[0]
    if user == "" or (user.isdigit() and int(user) == 0):
        return f"container has runAsNonRoot and image will run as root {suffix}"
    if not user.isdigit():
        return f"container has runAsNonRoot and image has non-numeric user ({user}), cannot verify user is non-root {suffix}"
    return None
