"""Environment rules (ValidateEnv, ValidateEnvFrom): names, and one source per value."""

from __future__ import annotations

from typing import Any

from tui.manifest.formats import is_config_map_key, is_dns1123_subdomain, is_env_var_name
from tui.manifest.problems import INVALID, NOT_SUPPORTED, REQUIRED, FieldPath, Findings
from tui.manifest.shapes import items_of, text

FIELD_PATHS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
RESOURCE_PATHS = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)
_VALUE_FROM = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")


def validate_env(env: object, path: FieldPath, findings: Findings) -> None:
    """Each variable: a valid name, and ``value`` or exactly one ``valueFrom`` source."""
    for index, var in items_of(env):
        here = path + (index,)
        name = text(var.get("name"))
        if name == "":
            findings.add(here + ("name",), REQUIRED)
        elif name is not None:
            for message in is_env_var_name(name):
                findings.add(here + ("name",), INVALID, name, message)
        value_from = var.get("valueFrom")
        if type(value_from) is dict:
            _value_from(value_from, text(var.get("value")) or "", here + ("valueFrom",), findings)


def _value_from(source: dict[str, Any], value: str, path: FieldPath, findings: Findings) -> None:
    count = 0
    for kind in _VALUE_FROM:
        part = source.get(kind)
        if part is None:
            continue
        count += 1
        if type(part) is not dict:
            continue
        here = path + (kind,)
        if kind == "fieldRef":
            _field_ref(part, here, findings)
        elif kind == "resourceFieldRef":
            resource = text(part.get("resource"))
            if resource == "":
                findings.add(here + ("resource",), REQUIRED)
            elif (
                resource is not None
                and resource not in RESOURCE_PATHS
                and not resource.startswith(("requests.hugepages-", "limits.hugepages-"))
            ):
                findings.add(
                    here + ("resource",),
                    NOT_SUPPORTED,
                    resource,
                    "supported values: " + ", ".join(f'"{r}"' for r in RESOURCE_PATHS),
                )
        else:
            _key_selector(part, here, findings)
    if count == 0:
        findings.add(
            path,
            INVALID,
            "",
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        )
    elif value:
        findings.add(path, INVALID, "", "may not be specified when `value` is not empty")
    elif count > 1:
        findings.add(path, INVALID, "", "may not have more than one field specified at a time")


def _field_ref(ref: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if text(ref.get("apiVersion")) == "":
        findings.add(path + ("apiVersion",), REQUIRED)
        return
    field_path = text(ref.get("fieldPath"))
    if field_path == "":
        findings.add(path + ("fieldPath",), REQUIRED)
        return
    if field_path is None:
        return
    if field_path.startswith(("metadata.labels[", "metadata.annotations[")) and field_path.endswith(
        "]"
    ):
        return
    if field_path not in FIELD_PATHS:
        findings.add(
            path + ("fieldPath",),
            NOT_SUPPORTED,
            field_path,
            "supported values: " + ", ".join(f'"{p}"' for p in FIELD_PATHS),
        )


def _key_selector(selector: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    """configMapKeyRef and secretKeyRef: a valid object name and a valid key."""
    name = text(selector.get("name"))
    if name is not None:
        for message in is_dns1123_subdomain(name):
            findings.add(path + ("name",), INVALID, name, message)
    key = text(selector.get("key"))
    if key == "":
        findings.add(path + ("key",), REQUIRED)
    elif key is not None:
        for message in is_config_map_key(key):
            findings.add(path + ("key",), INVALID, key, message)


def validate_env_from(env_from: object, path: FieldPath, findings: Findings) -> None:
    """Each source: an optional valid prefix and exactly one of configMapRef or secretRef."""
    for index, source in items_of(env_from):
        here = path + (index,)
        prefix = text(source.get("prefix"))
        if prefix:
            for message in is_env_var_name(prefix):
                findings.add(here + ("prefix",), INVALID, prefix, message)
        count = 0
        for kind in ("configMapRef", "secretRef"):
            ref = source.get(kind)
            if ref is None:
                continue
            count += 1
            if type(ref) is dict:
                name = text(ref.get("name"))
                if name == "":
                    findings.add(here + (kind, "name"), REQUIRED)
                elif name is not None:
                    for message in is_dns1123_subdomain(name):
                        findings.add(here + (kind, "name"), INVALID, name, message)
        if count == 0:
            findings.add(
                path, INVALID, "", "must specify one of: `configMapRef` or `secretRef`", at=here
            )
        elif count > 1:
            findings.add(
                path, INVALID, "", "may not have more than one field specified at a time", at=here
            )
