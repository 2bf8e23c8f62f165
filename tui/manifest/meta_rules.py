"""ObjectMeta rules (apimachinery's ValidateObjectMeta): name, namespace, labels, annotations."""

from __future__ import annotations

from collections.abc import Callable

from tui.manifest.formats import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_value,
    is_qualified_name,
)
from tui.manifest.problems import INVALID, REQUIRED, TOO_LONG, FieldPath, Findings, Key
from tui.manifest.shapes import as_dict, text

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024

NameCheck = Callable[[str], list[str]]


def validate_object_meta(
    metadata: object,
    findings: Findings,
    name_check: NameCheck = is_dns1123_subdomain,
) -> None:
    """Name (required, valid), namespace (a DNS label), labels and annotations."""
    meta = as_dict(metadata)
    if meta is None:
        return
    path: FieldPath = ("metadata",)
    name = text(meta.get("name"))
    generate_name = text(meta.get("generateName"))
    if name == "":
        detail = "name or generateName is required"
        if generate_name:
            detail = "name is required: podtui does not generate names (generateName)"
        findings.add(path + ("name",), REQUIRED, None, detail)
    elif name is not None:
        for message in name_check(name):
            findings.add(path + ("name",), INVALID, name, message)
    if generate_name:
        # A generated name appends characters, so a trailing dash is fine (maskTrailingDash).
        masked = generate_name[:-1] + "a" if generate_name.endswith("-") else generate_name
        for message in name_check(masked):
            findings.add(path + ("generateName",), INVALID, generate_name, message)
    namespace = text(meta.get("namespace"))
    if namespace:
        for message in is_dns1123_label(namespace):
            findings.add(path + ("namespace",), INVALID, namespace, message)
    validate_labels(meta.get("labels"), path + ("labels",), findings)
    validate_annotations(meta.get("annotations"), path + ("annotations",), findings)


def validate_labels(labels: object, path: FieldPath, findings: Findings) -> None:
    """Label keys are qualified names; values are at most 63 characters of a safe alphabet."""
    if type(labels) is not dict:
        return
    for key, value in labels.items():
        for message in is_qualified_name(key):
            findings.add(path, INVALID, key, message, at=path + (key,), on_key=True)
        if type(value) is str:
            for message in is_label_value(value):
                findings.add(path, INVALID, value, message, at=path + (key,))


def validate_annotations(annotations: object, path: FieldPath, findings: Findings) -> None:
    """Annotation keys are qualified names (any case); all of them together at most 256 KiB."""
    if type(annotations) is not dict:
        return
    total = 0
    for key, value in annotations.items():
        for message in is_qualified_name(key.lower()):
            findings.add(path, INVALID, key, message, at=path + (key,), on_key=True)
        total += len(key.encode("utf-8"))
        if type(value) is str:
            total += len(value.encode("utf-8"))
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        findings.add(
            path, TOO_LONG, None, f"may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"
        )


def map_key_path(path: FieldPath, key: str) -> FieldPath:
    """``path[key]``: the path of one entry of a map field."""
    return path + (Key(key),)
