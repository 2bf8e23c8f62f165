"""The files of configMap, secret, downwardAPI and projected volumes, computed kubelet-style.

The payload is what the kubelet's MakePayload functions produce: every key (or the listed
items) with its mode. A missing object or key is a FailedMount (the pod waits), unless the
reference is optional. Secret files default to 0400 (podtui's rule, stricter than Kubernetes'
0644); with fsGroup, group read is added as the kubelet's SetVolumeOwnership does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.reconciler.downward import PodFacts, field_value, resource_value
from tui.reconciler.pod_plan import ProjectedFile
from tui.reconciler.translate_base import (
    ObjectLookup,
    TranslationError,
    as_dict,
    as_list,
    config_map_files,
    refuse_unknown,
    secret_bytes,
)

CONFIG_MAP_MODE = 0o644
SECRET_MODE = 0o400
DOWNWARD_MODE = 0o644
GROUP_READ = 0o440


class MountFailure(Exception):
    """The volume cannot be set up yet (missing object or key): the kubelet's FailedMount."""


@dataclass
class Payload:
    """Files of one volume, and whether an optional object was missing."""

    files: dict[str, ProjectedFile] = field(default_factory=dict)
    optional_missing: bool = False
    has_secret: bool = False

    def add(self, path: str, data: bytes, mode: int, where: str) -> None:
        if path in self.files:
            raise TranslationError(where, f'conflicting duplicate paths: "{path}"')
        self.files[path] = ProjectedFile(path=path, data=data, mode=mode)


def _mode(value: object, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0o777:
        raise TranslationError(where, "must be a number between 0 and 0777 (octal), both inclusive")
    return value


def _keyed(
    payload: Payload,
    data: dict[str, bytes],
    source: dict[str, Any],
    default_mode: int,
    where: str,
    kind: str,
    optional: bool,
) -> None:
    """Keys of a ConfigMap or Secret (all, or ``items``) into the payload."""
    items = as_list(source.get("items"))
    if not items:
        for key in sorted(data):
            payload.add(key, data[key], default_mode, where)
        return
    for index, item in enumerate(items):
        here = f"{where}.items[{index}]"
        refuse_unknown(item, ("key", "path", "mode"), here)
        key = str(item.get("key") or "")
        if key not in data:
            if optional:
                continue
            raise MountFailure(
                f"{kind} references non-existent {'config' if kind == 'configmap' else 'secret'} key: {key}"
            )
        mode = _mode(item.get("mode"), f"{here}.mode")
        payload.add(
            str(item.get("path") or key), data[key], default_mode if mode is None else mode, here
        )


def config_map_payload(
    payload: Payload,
    source: dict[str, Any],
    facts: PodFacts,
    objects: ObjectLookup,
    where: str,
    default_mode: int,
) -> None:
    """A configMap volume (or projection) into ``payload``."""
    refuse_unknown(source, ("name", "items", "defaultMode", "optional"), where)
    name = str(source.get("name") or "")
    optional = source.get("optional") is True
    obj = objects.config_map(facts.namespace, name)
    if obj is None:
        if optional:
            payload.optional_missing = True
            return
        raise MountFailure(f'configmap "{name}" not found')
    data = config_map_files(obj, f"ConfigMap {facts.namespace}/{name}")
    _keyed(payload, data, source, default_mode, where, "configmap", optional)


def secret_payload(
    payload: Payload,
    source: dict[str, Any],
    facts: PodFacts,
    objects: ObjectLookup,
    where: str,
    default_mode: int,
    name_key: str = "secretName",
) -> None:
    """A secret volume (``secretName``) or projection (``name``) into ``payload``."""
    refuse_unknown(source, (name_key, "items", "defaultMode", "optional"), where)
    name = str(source.get(name_key) or "")
    optional = source.get("optional") is True
    payload.has_secret = True
    obj = objects.secret(facts.namespace, name)
    if obj is None:
        if optional:
            payload.optional_missing = True
            return
        raise MountFailure(f'secret "{name}" not found')
    data = secret_bytes(obj, f"Secret {facts.namespace}/{name}")
    _keyed(payload, data, source, default_mode, where, "secret", optional)


def downward_payload(
    payload: Payload, source: dict[str, Any], facts: PodFacts, where: str, default_mode: int
) -> None:
    """downwardAPI items (pod fields, container resources) into ``payload``."""
    for index, item in enumerate(as_list(source.get("items"))):
        here = f"{where}.items[{index}]"
        refuse_unknown(item, ("path", "fieldRef", "resourceFieldRef", "mode"), here)
        if item.get("fieldRef") is not None:
            ref = as_dict(item["fieldRef"])
            text = field_value(
                facts, str(ref.get("fieldPath") or ""), f"{here}.fieldRef.fieldPath", volume=True
            )
        else:
            text = resource_value(
                facts, as_dict(item.get("resourceFieldRef")), None, f"{here}.resourceFieldRef"
            )
        mode = _mode(item.get("mode"), f"{here}.mode")
        payload.add(
            str(item.get("path") or ""), text.encode(), default_mode if mode is None else mode, here
        )


def volume_payload(
    kind: str, source: dict[str, Any], facts: PodFacts, objects: ObjectLookup, where: str
) -> Payload:
    """The files of one configMap/secret/downwardAPI/projected volume (may raise MountFailure)."""
    payload = Payload()
    explicit = _mode(source.get("defaultMode"), f"{where}.defaultMode")
    if kind == "configMap":
        config_map_payload(
            payload,
            source,
            facts,
            objects,
            where,
            CONFIG_MAP_MODE if explicit is None else explicit,
        )
    elif kind == "secret":
        secret_payload(
            payload, source, facts, objects, where, SECRET_MODE if explicit is None else explicit
        )
    elif kind == "downwardAPI":
        refuse_unknown(source, ("items", "defaultMode"), where)
        downward_payload(
            payload, source, facts, where, DOWNWARD_MODE if explicit is None else explicit
        )
    elif kind == "projected":
        refuse_unknown(source, ("sources", "defaultMode"), where)
        for index, projection in enumerate(as_list(source.get("sources"))):
            here = f"{where}.sources[{index}]"
            if projection.get("configMap") is not None:
                mode = CONFIG_MAP_MODE if explicit is None else explicit
                config_map_payload(
                    payload,
                    as_dict(projection["configMap"]),
                    facts,
                    objects,
                    f"{here}.configMap",
                    mode,
                )
            elif projection.get("secret") is not None:
                mode = SECRET_MODE if explicit is None else explicit
                secret_payload(
                    payload,
                    as_dict(projection["secret"]),
                    facts,
                    objects,
                    f"{here}.secret",
                    mode,
                    "name",
                )
            elif projection.get("downwardAPI") is not None:
                mode = DOWNWARD_MODE if explicit is None else explicit
                downward_payload(
                    payload, as_dict(projection["downwardAPI"]), facts, f"{here}.downwardAPI", mode
                )
            else:
                other = next(iter(projection), "source")
                raise TranslationError(
                    f"{here}.{other}",
                    "projected source not supported by podtui (no API server issues tokens or trust bundles)",
                )
    else:  # pragma: no cover - callers pass the four kinds above
        raise TranslationError(where, f"not a file volume: {kind}")
    return payload


def with_group(files: dict[str, ProjectedFile], fs_group: int | None) -> tuple[ProjectedFile, ...]:
    """Files in path order, with group read added when an fsGroup owns them."""
    ordered = [files[path] for path in sorted(files)]
    if fs_group is None:
        return tuple(ordered)
    return tuple(ProjectedFile(path=f.path, data=f.data, mode=f.mode | GROUP_READ) for f in ordered)
