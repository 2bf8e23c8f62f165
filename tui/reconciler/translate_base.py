"""What every translation module shares: the refusal error, object look-ups, field paths.

A refusal names the Kubernetes field path (``spec.containers[0].volumeMounts[1].subPathExpr``)
so that the user can find the line; messages never carry ConfigMap or Secret data.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from tui.errors import PodtuiError


class TranslationError(PodtuiError):
    """A field podtui cannot honour: the pod is refused before anything is created."""

    def __init__(self, field_path: str, message: str) -> None:
        self.field_path = field_path
        self.message = message
        super().__init__(f"{field_path}: {message}")


class ObjectLookup(Protocol):
    """Where translation finds the ConfigMaps, Secrets and PVCs a pod refers to (plain dicts)."""

    def config_map(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The ConfigMap object, or None when there is none."""

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The Secret object (``data`` base64, ``stringData`` possibly present), or None."""

    def persistent_volume_claim(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The PersistentVolumeClaim object, or None."""


@dataclass
class MappingLookup:
    """An ``ObjectLookup`` over plain objects; what tests and one-shot commands use."""

    objects: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, objects: Iterable[Mapping[str, Any]]) -> MappingLookup:
        """Index objects by (kind, namespace, name); namespace defaults to ``default``."""
        index: dict[tuple[str, str, str], dict[str, Any]] = {}
        for obj in objects:
            meta = obj.get("metadata") or {}
            key = (str(obj.get("kind")), meta.get("namespace") or "default", str(meta.get("name")))
            index[key] = dict(obj)
        return cls(index)

    def config_map(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects.get(("ConfigMap", namespace, name))

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects.get(("Secret", namespace, name))

    def persistent_volume_claim(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects.get(("PersistentVolumeClaim", namespace, name))


def config_map_text(config_map: Mapping[str, Any]) -> dict[str, str]:
    """``data`` of a ConfigMap (what env reads; binaryData is for volumes only)."""
    data = config_map.get("data") or {}
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def config_map_files(config_map: Mapping[str, Any], where: str) -> dict[str, bytes]:
    """``data`` and ``binaryData`` of a ConfigMap as file contents."""
    files = {k: v.encode() for k, v in config_map_text(config_map).items()}
    for key, value in (config_map.get("binaryData") or {}).items():
        files[str(key)] = _b64(value, f"{where}.binaryData[{key}]")
    return files


def secret_bytes(secret: Mapping[str, Any], where: str) -> dict[str, bytes]:
    """A Secret's decoded data; ``stringData`` wins over ``data`` as in the API server."""
    values = {str(k): _b64(v, f"{where}.data[{k}]") for k, v in (secret.get("data") or {}).items()}
    for key, value in (secret.get("stringData") or {}).items():
        values[str(key)] = ("" if value is None else str(value)).encode()
    return values


def _b64(value: object, where: str) -> bytes:
    if value is None:
        return b""
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        # never echo the value: it may be a secret
        raise TranslationError(where, "illegal base64 data") from None


def as_list(value: object) -> list[Any]:
    """A list field, or an empty list when absent."""
    return list(value) if isinstance(value, list) else []


def as_dict(value: object) -> dict[str, Any]:
    """A mapping field, or an empty dict when absent."""
    return dict(value) if isinstance(value, dict) else {}


def refuse_unknown(obj: Mapping[str, Any], known: Iterable[str], path: str) -> None:
    """Refuse any field this translation does not know: nothing is silently dropped."""
    allowed = set(known)
    for key in obj:
        if key not in allowed:
            raise TranslationError(
                f"{path}.{key}" if path else key, "field not supported by podtui"
            )
