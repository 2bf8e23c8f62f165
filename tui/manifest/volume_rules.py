"""Volume source rules (validateVolumeSource): exactly one source, each one well formed."""

from __future__ import annotations

import posixpath
from typing import Any

from tui.manifest.problems import FORBIDDEN, INVALID, NOT_SUPPORTED, REQUIRED, FieldPath, Findings
from tui.manifest.quantity import QuantityError, parse_quantity
from tui.manifest.shapes import integer, items_of, text

# In the order the API server checks them: the first one present counts, the others are extra.
VOLUME_SOURCES = (
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
    "image",
)
HOST_PATH_TYPES = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)
FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"


def validate_volume_source(volume: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    """Exactly one source per volume, then the checks of that source."""
    count = 0
    for source in VOLUME_SOURCES:
        value = volume.get(source)
        if value is None:
            continue
        if count:
            findings.add(
                path + (source,), FORBIDDEN, None, "may not specify more than 1 volume type"
            )
            continue
        count += 1
        if type(value) is dict:
            checker = _SOURCE_CHECKS.get(source)
            if checker is not None:
                checker(value, path + (source,), findings)
    if count == 0:
        findings.add(path, REQUIRED, None, "must specify a volume type")


def _empty_dir(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    limit = source.get("sizeLimit")
    if limit is None:
        return
    try:
        negative = parse_quantity(limit) < 0
    except QuantityError:
        return
    if negative:
        findings.add(
            path + ("sizeLimit",),
            FORBIDDEN,
            None,
            "SizeLimit field must be a valid resource quantity",
        )


def _host_path(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    host_path = text(source.get("path"))
    if host_path == "":
        findings.add(path + ("path",), REQUIRED)
        return
    if host_path is not None:
        validate_no_backsteps(host_path, path + ("path",), findings)
    kind = text(source.get("type"))
    if kind is not None and kind not in HOST_PATH_TYPES:
        findings.add(
            path + ("type",),
            NOT_SUPPORTED,
            kind,
            "supported values: " + ", ".join(f'"{t}"' for t in HOST_PATH_TYPES),
        )


def _secret(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if text(source.get("secretName")) == "":
        findings.add(path + ("secretName",), REQUIRED)
    _mode(source.get("defaultMode"), path + ("defaultMode",), findings)
    for index, item in items_of(source.get("items")):
        validate_key_to_path(item, path + ("items", index), findings)


def _config_map(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if text(source.get("name")) == "":
        findings.add(path + ("name",), REQUIRED)
    _mode(source.get("defaultMode"), path + ("defaultMode",), findings)
    for index, item in items_of(source.get("items")):
        validate_key_to_path(item, path + ("items", index), findings)


def _claim(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if text(source.get("claimName")) == "":
        findings.add(path + ("claimName",), REQUIRED)


def _nfs(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if text(source.get("server")) == "":
        findings.add(path + ("server",), REQUIRED)
    nfs_path = text(source.get("path"))
    if nfs_path == "":
        findings.add(path + ("path",), REQUIRED)
    if nfs_path is not None and not nfs_path.startswith("/"):
        findings.add(path + ("path",), INVALID, nfs_path, "must be an absolute path")


def _downward_api(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    _mode(source.get("defaultMode"), path + ("defaultMode",), findings)
    for index, item in items_of(source.get("items")):
        _downward_file(item, path + ("items", index), findings)


def _downward_file(item: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    file_path = text(item.get("path"))
    if file_path == "":
        findings.add(path + ("path",), REQUIRED)
    if file_path is not None:
        validate_local_non_reserved_path(file_path, path + ("path",), findings)
    has_field, has_resource = (
        item.get("fieldRef") is not None,
        item.get("resourceFieldRef") is not None,
    )
    if has_field and has_resource:
        findings.add(
            path,
            INVALID,
            "resource",
            "fieldRef and resourceFieldRef can not be specified simultaneously",
        )
    elif not has_field and not has_resource:
        findings.add(path, REQUIRED, None, "one of fieldRef and resourceFieldRef is required")
    _mode(item.get("mode"), path + ("mode",), findings)


def _projected(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    _mode(source.get("defaultMode"), path + ("defaultMode",), findings)
    seen: set[str] = set()
    for index, projection in items_of(source.get("sources")):
        here = path + ("sources", index)
        present = [
            k
            for k in (
                "secret",
                "configMap",
                "downwardAPI",
                "serviceAccountToken",
                "clusterTrustBundle",
            )
            if projection.get(k) is not None
        ]
        if len(present) > 1:
            findings.add(
                here, FORBIDDEN, None, "may not specify more than 1 volume type per source"
            )
        for kind in ("secret", "configMap"):
            part = projection.get(kind)
            if type(part) is not dict:
                continue
            if text(part.get("name")) == "":
                findings.add(here + (kind, "name"), REQUIRED)
            for item_index, item in items_of(part.get("items")):
                validate_key_to_path(item, here + (kind, "items", item_index), findings)
                item_path = text(item.get("path"))
                if item_path:
                    if item_path in seen:
                        findings.add(
                            path, INVALID, text(part.get("name")), "conflicting duplicate paths"
                        )
                    seen.add(item_path)
        downward = projection.get("downwardAPI")
        if type(downward) is dict:
            for item_index, item in items_of(downward.get("items")):
                _downward_file(item, here + ("downwardAPI", "items", item_index), findings)
        token = projection.get("serviceAccountToken")
        if type(token) is dict:
            seconds = integer(token.get("expirationSeconds"))
            if token.get("expirationSeconds") is not None and seconds is not None and seconds < 600:
                findings.add(
                    here + ("serviceAccountToken", "expirationSeconds"),
                    INVALID,
                    seconds,
                    "may not specify a duration less than 10 minutes",
                )
            if text(token.get("path")) == "":
                findings.add(here + ("serviceAccountToken", "path"), REQUIRED)


def _image(source: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    if text(source.get("reference")) == "":
        findings.add(path + ("reference",), REQUIRED)
    policy = text(source.get("pullPolicy"))
    if policy and policy not in ("Always", "IfNotPresent", "Never"):
        findings.add(
            path + ("pullPolicy",),
            NOT_SUPPORTED,
            policy,
            'supported values: "Always", "IfNotPresent", "Never"',
        )


_SOURCE_CHECKS = {
    "emptyDir": _empty_dir,
    "hostPath": _host_path,
    "secret": _secret,
    "configMap": _config_map,
    "persistentVolumeClaim": _claim,
    "nfs": _nfs,
    "downwardAPI": _downward_api,
    "projected": _projected,
    "image": _image,
}


def _mode(value: object, path: FieldPath, findings: Findings) -> None:
    if type(value) is int and not 0 <= value <= 0o777:
        findings.add(path, INVALID, value, FILE_MODE_ERROR)


def validate_key_to_path(item: dict[str, Any], path: FieldPath, findings: Findings) -> None:
    """``items`` of secret and configMap volumes: a key, a relative path, a file mode."""
    if text(item.get("key")) == "":
        findings.add(path + ("key",), REQUIRED)
    item_path = text(item.get("path"))
    if item_path == "":
        findings.add(path + ("path",), REQUIRED)
    if item_path is not None:
        validate_local_non_reserved_path(item_path, path + ("path",), findings)
    _mode(item.get("mode"), path + ("mode",), findings)


def validate_no_backsteps(value: str, path: FieldPath, findings: Findings) -> None:
    """A path with a ``..`` element could escape where it is meant to point."""
    if ".." in value.split("/"):
        findings.add(path, INVALID, value, "must not contain '..'")


def validate_local_descending_path(value: str, path: FieldPath, findings: Findings) -> None:
    """Relative, and without ``..`` elements (subPath, item paths)."""
    if posixpath.isabs(value):
        findings.add(path, INVALID, value, "must be a relative path")
    validate_no_backsteps(value, path, findings)


def validate_local_non_reserved_path(value: str, path: FieldPath, findings: Findings) -> None:
    """A local descending path that does not start with ``..`` either."""
    validate_local_descending_path(value, path, findings)
    if value.startswith("..") and not value.startswith("../"):
        findings.add(path, INVALID, value, "must not start with '..'")
