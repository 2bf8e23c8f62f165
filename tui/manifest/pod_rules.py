"""Pod rules the schema cannot express, ported from the API server (ValidatePodSpec).

Covers what a local sandbox uses: object metadata, volumes and their sources, the pod-level
fields (restart and DNS policy, host namespaces, hostname, aliases, security context), and
hands containers to ``container_rules``. Cluster-only features (affinity, tolerations,
topology spread, resource claims) are left to the schema check.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from tui.manifest.container_rules import (
    validate_containers,
    validate_ephemeral_containers,
    validate_init_containers,
)
from tui.manifest.formats import inclusive_range_error, is_dns1123_label, is_dns1123_subdomain
from tui.manifest.meta_rules import validate_labels, validate_object_meta
from tui.manifest.problems import (
    DUPLICATE,
    INVALID,
    NOT_SUPPORTED,
    REQUIRED,
    FieldPath,
    Findings,
    Key,
)
from tui.manifest.quantity import QuantityError, parse_quantity
from tui.manifest.shapes import as_dict, integer, items_of, strings, text
from tui.manifest.volume_rules import validate_volume_source

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
MAX_INT32 = 2**31 - 1
MAX_ID = 0xFFFFFFFF


def supported(values: tuple[str, ...] | list[str]) -> str:
    """NotSupported's detail: ``supported values: "A", "B"``."""
    return "supported values: " + ", ".join(f'"{v}"' for v in values)


def validate_pod(pod: dict[str, Any], findings: Findings) -> None:
    """All the API server's create-time rules for a (defaulted) Pod."""
    validate_object_meta(pod.get("metadata"), findings)
    spec = as_dict(pod.get("spec"))
    if spec is None:
        return
    validate_pod_spec(spec, findings)


def validate_pod_spec(spec: dict[str, Any], findings: Findings) -> None:
    """ValidatePodSpec, limited to what runs locally."""
    path: FieldPath = ("spec",)
    grace = integer(spec.get("terminationGracePeriodSeconds"))
    if spec.get("terminationGracePeriodSeconds") is None:
        findings.add(path + ("terminationGracePeriodSeconds",), REQUIRED)
    volumes = validate_volumes(spec.get("volumes"), path + ("volumes",), findings)
    restart_policy = text(spec.get("restartPolicy"))
    validate_containers(spec, volumes, grace, findings)
    validate_init_containers(spec, volumes, grace, findings)
    validate_ephemeral_containers(spec, volumes, findings)
    _host_network_ports(spec, findings)
    if restart_policy == "":
        findings.add(path + ("restartPolicy",), REQUIRED)
    elif restart_policy is not None and restart_policy not in RESTART_POLICIES:
        findings.add(
            path + ("restartPolicy",), NOT_SUPPORTED, restart_policy, supported(RESTART_POLICIES)
        )
    _dns(spec, findings)
    validate_labels(spec.get("nodeSelector"), path + ("nodeSelector",), findings)
    _pod_security_context(spec.get("securityContext"), path + ("securityContext",), findings)
    for name in ("hostname", "subdomain"):
        value = text(spec.get(name))
        if value:
            for message in is_dns1123_label(value):
                findings.add(path + (name,), INVALID, value, message)
    for name in ("serviceAccountName", "nodeName", "priorityClassName"):
        value = text(spec.get(name))
        if value:
            for message in is_dns1123_subdomain(value):
                findings.add(path + (name,), INVALID, value, message)
    deadline = spec.get("activeDeadlineSeconds")
    if type(deadline) is int and not 1 <= deadline <= MAX_INT32:
        findings.add(
            path + ("activeDeadlineSeconds",),
            INVALID,
            deadline,
            inclusive_range_error(1, MAX_INT32),
        )
    _host_aliases(spec.get("hostAliases"), path + ("hostAliases",), findings)
    _overhead(spec.get("overhead"), path + ("overhead",), findings)


def validate_volumes(
    volumes: object, path: FieldPath, findings: Findings
) -> dict[str, dict[str, Any]]:
    """Each volume: a unique DNS-label name and exactly one valid source.

    Returns the volumes that are valid, by name: as in the API server, a mount of an invalid
    volume is also "Not found".
    """
    valid: dict[str, dict[str, Any]] = {}
    names: set[str] = set()
    for index, volume in items_of(volumes):
        here = path + (index,)
        before = len(findings.problems)
        name = text(volume.get("name"))
        validate_volume_source(volume, here, findings)
        if name == "":
            findings.add(here + ("name",), REQUIRED)
        elif name is not None:
            for message in is_dns1123_label(name):
                findings.add(here + ("name",), INVALID, name, message)
        if name is not None and name in names:
            findings.add(here + ("name",), DUPLICATE, name)
        if len(findings.problems) == before and name:
            names.add(name)
            valid[name] = volume
    return valid


def _host_network_ports(spec: dict[str, Any], findings: Findings) -> None:
    """With hostNetwork, a Pod's hostPort must equal its containerPort."""
    if spec.get("hostNetwork") is not True:
        return
    for index, container in items_of(spec.get("containers")):
        for port_index, port in items_of(container.get("ports")):
            host, container_port = integer(port.get("hostPort")), integer(port.get("containerPort"))
            if host is None or container_port is None:
                continue
            if host != container_port:
                findings.add(
                    ("spec", "containers", index, "ports", port_index, "hostPort"),
                    INVALID,
                    host,
                    "must match `containerPort` when `hostNetwork` is true",
                )


def _dns(spec: dict[str, Any], findings: Findings) -> None:
    path: FieldPath = ("spec",)
    policy = text(spec.get("dnsPolicy"))
    if policy == "":
        findings.add(path + ("dnsPolicy",), REQUIRED)
    elif policy is not None and policy not in DNS_POLICIES:
        findings.add(path + ("dnsPolicy",), NOT_SUPPORTED, policy, supported(DNS_POLICIES))
    config = spec.get("dnsConfig")
    if policy == "None":
        if config is None:
            findings.add(
                path + ("dnsConfig",),
                REQUIRED,
                None,
                "must provide `dnsConfig` when `dnsPolicy` is None",
            )
            return
        if isinstance(config, dict) and not config.get("nameservers"):
            findings.add(
                path + ("dnsConfig", "nameservers"),
                REQUIRED,
                None,
                "must provide at least one DNS nameserver when `dnsPolicy` is None",
            )
    if not isinstance(config, dict):
        return
    nameservers = strings(config.get("nameservers"))
    if len(nameservers) > 3:
        findings.add(
            path + ("dnsConfig", "nameservers"),
            INVALID,
            [n for _, n in nameservers],
            "must not have more than 3 nameservers",
        )
    for index, server in nameservers:
        _ip(server, path + ("dnsConfig", "nameservers", index), findings)
    searches = strings(config.get("searches"))
    if len(searches) > 32:
        findings.add(
            path + ("dnsConfig", "searches"),
            INVALID,
            [s for _, s in searches],
            "must not have more than 32 search paths",
        )
    for index, search in searches:
        trimmed = search[:-1] if search.endswith(".") else search
        for message in is_dns1123_subdomain(trimmed):
            findings.add(path + ("dnsConfig", "searches", index), INVALID, trimmed, message)


def _ip(value: str, path: FieldPath, findings: Findings) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        findings.add(
            path, INVALID, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
        )


def _host_aliases(aliases: object, path: FieldPath, findings: Findings) -> None:
    for index, alias in items_of(aliases):
        ip = text(alias.get("ip"))
        if ip is not None:
            _ip(ip, path + (index, "ip"), findings)
        for name_index, hostname in strings(alias.get("hostnames")):
            for message in is_dns1123_subdomain(hostname):
                findings.add(path + (index, "hostnames", name_index), INVALID, hostname, message)


def _pod_security_context(context: object, path: FieldPath, findings: Findings) -> None:
    context = as_dict(context)
    if not context:
        return
    for name in ("runAsUser", "runAsGroup", "fsGroup"):
        validate_id(context.get(name), path + (name,), findings)
    for index, group in enumerate(context.get("supplementalGroups") or []):
        validate_id(group, path + ("supplementalGroups", index), findings)
    policy = text(context.get("fsGroupChangePolicy"))
    if policy and policy not in ("OnRootMismatch", "Always"):
        findings.add(
            path + ("fsGroupChangePolicy",),
            NOT_SUPPORTED,
            policy,
            supported(("Always", "OnRootMismatch")),
        )
    for index, sysctl in items_of(context.get("sysctls")):
        if not text(sysctl.get("name")):
            findings.add(path + ("sysctls", index, "name"), REQUIRED)


def validate_id(value: object, path: FieldPath, findings: Findings) -> None:
    """User and group ids: 0 to 4294967295 (uint32)."""
    if type(value) is int and not 0 <= value <= MAX_ID:
        findings.add(path, INVALID, value, inclusive_range_error(0, MAX_ID))


def _overhead(overhead: object, path: FieldPath, findings: Findings) -> None:
    if type(overhead) is not dict:
        return
    for name, value in overhead.items():
        try:
            if parse_quantity(value) < 0:
                findings.add(
                    path + (Key(name),), INVALID, value, "must be greater than or equal to 0"
                )
        except QuantityError:
            continue
