"""ConfigMap, Secret and PersistentVolumeClaim rules (ValidateConfigMap, ValidateSecret, ...)."""

from __future__ import annotations

import base64
import json
from typing import Any

from tui.manifest.formats import base64_error, is_config_map_key, is_dns1123_subdomain
from tui.manifest.meta_rules import validate_labels, validate_object_meta
from tui.manifest.problems import (
    FORBIDDEN,
    INVALID,
    NOT_SUPPORTED,
    REQUIRED,
    TOO_LONG,
    FieldPath,
    Findings,
    Key,
)
from tui.manifest.quantity import QuantityError, format_quantity, parse_quantity
from tui.manifest.shapes import as_dict, strings, text

MAX_DATA_SIZE = 1024 * 1024  # core.MaxSecretSize, used for ConfigMaps too
ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
VOLUME_MODES = ("Block", "Filesystem")
REDACTED = "<secret contents redacted>"


def validate_config_map(config_map: dict[str, Any], findings: Findings) -> None:
    """Valid keys, no key in both data and binaryData, binaryData base64, 1 MiB in total."""
    validate_object_meta(config_map.get("metadata"), findings)
    data = config_map.get("data")
    binary = config_map.get("binaryData")
    binary_keys = set(binary) if type(binary) is dict else set()
    total = 0
    if type(data) is dict:
        for key, value in data.items():
            here: FieldPath = ("data", Key(key))
            for message in is_config_map_key(key):
                findings.add(here, INVALID, key, message, on_key=True)
            if key in binary_keys:
                findings.add(
                    here, INVALID, key, "duplicate of key present in binaryData", on_key=True
                )
            if type(value) is str:
                total += len(value.encode("utf-8"))
    if type(binary) is dict:
        for key, value in binary.items():
            here = ("binaryData", Key(key))
            for message in is_config_map_key(key):
                findings.add(here, INVALID, key, message, on_key=True)
            if type(value) is str:
                reason = base64_error(value)
                if reason:
                    findings.add(here, INVALID, None, reason)
                total += len(value) * 3 // 4
    if total > MAX_DATA_SIZE:
        findings.add(("data",), TOO_LONG, None, f"may not be more than {MAX_DATA_SIZE} bytes")


def validate_secret(secret: dict[str, Any], raw: dict[str, Any], findings: Findings) -> None:
    """Valid keys and base64 data (checked as written), type-specific keys, 1 MiB in total.

    ``secret`` is the defaulted object (stringData merged into data); ``raw`` is as written,
    so that problems point at the key the user wrote.
    """
    validate_object_meta(secret.get("metadata"), findings)
    raw_data = raw.get("data")
    if type(raw_data) is dict:
        for key, value in raw_data.items():
            if type(value) is str:
                reason = base64_error(value)
                if reason:
                    findings.add(("data", Key(key)), INVALID, REDACTED, reason)
    string_data = raw.get("stringData")
    if type(string_data) is dict:
        for key in string_data:
            for message in is_config_map_key(key):
                findings.add(("stringData", Key(key)), INVALID, key, message, on_key=True)
    data = secret.get("data")
    data = data if type(data) is dict else {}
    total = 0
    for key, value in data.items():
        if type(raw_data) is dict and key in raw_data:
            for message in is_config_map_key(key):
                findings.add(("data", Key(key)), INVALID, key, message, on_key=True)
        if type(value) is str:
            total += len(value) * 3 // 4
    if total > MAX_DATA_SIZE:
        findings.add(("data",), TOO_LONG, None, f"may not be more than {MAX_DATA_SIZE} bytes")
    _secret_type(secret, data, findings)


def _secret_type(secret: dict[str, Any], data: dict[str, Any], findings: Findings) -> None:
    kind = text(secret.get("type"))
    required: tuple[str, ...] = ()
    if kind == "kubernetes.io/service-account-token":
        annotations = as_dict((as_dict(secret.get("metadata")) or {}).get("annotations")) or {}
        if not annotations.get("kubernetes.io/service-account.name"):
            findings.add(
                ("metadata", "annotations", Key("kubernetes.io/service-account.name")), REQUIRED
            )
    elif kind == "kubernetes.io/dockercfg":
        required = (".dockercfg",)
    elif kind == "kubernetes.io/dockerconfigjson":
        required = (".dockerconfigjson",)
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            findings.add(("data", Key("username")), REQUIRED)
            findings.add(("data", Key("password")), REQUIRED)
    elif kind == "kubernetes.io/ssh-auth":
        required = ("ssh-privatekey",)
    elif kind == "kubernetes.io/tls":
        required = ("tls.crt", "tls.key")
    for key in required:
        if key not in data:
            findings.add(("data", Key(key)), REQUIRED)
    if kind in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = required[0]
        value = data.get(key)
        if type(value) is str and base64_error(value) is None:
            _json_payload(value, ("data", Key(key)), findings)


def _json_payload(encoded: str, path: FieldPath, findings: Findings) -> None:
    try:
        payload = json.loads(base64.b64decode(encoded.replace("\n", "")))
    except (ValueError, UnicodeDecodeError) as exc:
        findings.add(path, INVALID, REDACTED, str(exc).split(":")[0])
        return
    if not isinstance(payload, dict):
        findings.add(path, INVALID, REDACTED, "must be a JSON object")


def validate_persistent_volume_claim(claim: dict[str, Any], findings: Findings) -> None:
    """Access modes, a positive storage request, a valid class and volume mode."""
    validate_object_meta(claim.get("metadata"), findings)
    spec = as_dict(claim.get("spec"))
    if spec is None:
        return
    path: FieldPath = ("spec",)
    modes = strings(spec.get("accessModes"))
    if not spec.get("accessModes"):
        findings.add(path + ("accessModes",), REQUIRED, None, "at least 1 access mode is required")
    once_pod = other = False
    for index, mode in modes:
        if mode not in ACCESS_MODES:
            findings.add(
                path + ("accessModes",),
                NOT_SUPPORTED,
                mode,
                "supported values: " + ", ".join(f'"{m}"' for m in ACCESS_MODES),
                at=path + ("accessModes", index),
            )
        elif mode == "ReadWriteOncePod":
            once_pod = True
        else:
            other = True
    if once_pod and other:
        findings.add(
            path + ("accessModes",),
            FORBIDDEN,
            None,
            "may not use ReadWriteOncePod with other access modes",
        )
    selector = as_dict(spec.get("selector"))
    if selector:
        validate_labels(selector.get("matchLabels"), path + ("selector", "matchLabels"), findings)
    _storage_request(spec, path, findings)
    class_name = text(spec.get("storageClassName"))
    if class_name:
        for message in is_dns1123_subdomain(class_name):
            findings.add(path + ("storageClassName",), INVALID, class_name, message)
    volume_mode = text(spec.get("volumeMode"))
    if (
        volume_mode is not None
        and spec.get("volumeMode") is not None
        and volume_mode not in VOLUME_MODES
    ):
        findings.add(
            path + ("volumeMode",),
            NOT_SUPPORTED,
            volume_mode,
            'supported values: "Block", "Filesystem"',
        )


def _storage_request(spec: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    resources = as_dict(spec.get("resources")) or {}
    requests = as_dict(resources.get("requests")) or {}
    shown: FieldPath = path + ("resources", Key("storage"))
    where: FieldPath = path + ("resources", "requests", "storage")
    if "storage" not in requests or requests["storage"] is None:
        findings.add(shown, REQUIRED, at=where)
        return
    value = requests["storage"]
    try:
        quantity = parse_quantity(value)
    except QuantityError:
        return
    if quantity <= 0:
        findings.add(shown, INVALID, format_quantity(value), "must be greater than zero", at=where)
