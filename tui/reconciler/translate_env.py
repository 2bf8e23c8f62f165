"""A container's environment and command line, built the way the kubelet builds them.

Order (kubelet's makeEnvironmentVariables): ``envFrom`` sources first, then ``env`` entries,
later names overriding earlier ones; ``value`` strings are ``$(VAR)``-expanded against what is
defined so far, ``valueFrom`` results are not. Command and args are expanded against the final
environment. A missing non-optional ConfigMap, Secret or key is not a refusal: it becomes the
container's ``config_error`` (CreateContainerConfigError at run time), with the kubelet's text.

Secret values never go into plain env: a variable from a Secret, or whose expanded value used
one, is delivered as a Podman secret of type env.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tui.reconciler.downward import POD_IP_MARK, PodFacts, field_value, resource_value
from tui.reconciler.env_expansion import RecordingMapping, expand
from tui.reconciler.translate_base import (
    ObjectLookup,
    TranslationError,
    as_dict,
    as_list,
    config_map_text,
    secret_bytes,
)

ENV_VAR_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


class ConfigError(Exception):
    """A reference the kubelet cannot resolve: CreateContainerConfigError."""


@dataclass
class ResolvedEnv:
    """The environment of one container, split by how it must reach Podman."""

    plain: dict[str, str] = field(default_factory=dict)
    secret: dict[str, bytes] = field(default_factory=dict, repr=False)
    pod_ip_vars: tuple[str, ...] = ()
    command: list[str] | None = None
    args: list[str] | None = None
    config_error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


class _Builder:
    """One container's environment as it is being assembled."""

    def __init__(
        self, facts: PodFacts, objects: ObjectLookup, container: dict[str, Any], path: str
    ) -> None:
        self.facts = facts
        self.objects = objects
        self.container = container
        self.path = path
        self.values: dict[str, str] = {}
        self.tainted: set[str] = set()  # names whose value is (or used) secret data
        self.pod_ip_vars: list[str] = []
        self.warnings: list[str] = []

    def set(self, name: str, value: str, secret: bool) -> None:
        self.values.pop(name, None)  # a redefinition moves to the end, like a fresh entry
        self.values[name] = value
        if secret:
            self.tainted.add(name)
        else:
            self.tainted.discard(name)

    def config_map(self, name: str) -> dict[str, Any] | None:
        return self.objects.config_map(self.facts.namespace, name)

    def secret(self, name: str) -> dict[str, Any] | None:
        return self.objects.secret(self.facts.namespace, name)

    def env_from(self) -> None:
        for index, source in enumerate(as_list(self.container.get("envFrom"))):
            where = f"{self.path}.envFrom[{index}]"
            prefix = str(source.get("prefix") or "")
            if source.get("configMapRef") is not None:
                ref = as_dict(source["configMapRef"])
                name = str(ref.get("name") or "")
                obj = self.config_map(name)
                if obj is None:
                    if ref.get("optional") is True:
                        continue
                    raise ConfigError(f'configmap "{name}" not found')
                self._add_keys(prefix, config_map_text(obj), "configMap", name, secret=False)
            elif source.get("secretRef") is not None:
                ref = as_dict(source["secretRef"])
                name = str(ref.get("name") or "")
                obj = self.secret(name)
                if obj is None:
                    if ref.get("optional") is True:
                        continue
                    raise ConfigError(f'secret "{name}" not found')
                data = secret_bytes(obj, f"Secret {self.facts.namespace}/{name}")
                self._add_keys(
                    prefix, {k: _decode(v) for k, v in data.items()}, "secret", name, secret=True
                )
            else:
                raise TranslationError(where, "must specify configMapRef or secretRef")

    def _add_keys(
        self, prefix: str, data: dict[str, str], kind: str, name: str, secret: bool
    ) -> None:
        invalid = []
        for key in sorted(data):
            env_name = prefix + key
            if not ENV_VAR_NAME.match(env_name):
                invalid.append(env_name)
                continue
            self.set(env_name, data[key], secret)
        if invalid:
            self.warnings.append(
                f"Keys [{', '.join(invalid)}] from the EnvFrom {kind} {self.facts.namespace}/{name} "
                "were skipped since they are considered invalid environment variable names."
            )

    def env(self) -> None:
        for index, var in enumerate(as_list(self.container.get("env"))):
            where = f"{self.path}.env[{index}]"
            name = str(var.get("name") or "")
            value_from = var.get("valueFrom")
            if value_from is None:
                mapping = RecordingMapping(self.values)
                value = expand(str(var.get("value") or ""), mapping)
                self.set(name, value, secret=bool(mapping.used & self.tainted))
                continue
            self._value_from(name, as_dict(value_from), f"{where}.valueFrom")

    def _value_from(self, name: str, source: dict[str, Any], where: str) -> None:
        if source.get("fieldRef") is not None:
            ref = as_dict(source["fieldRef"])
            if str(ref.get("apiVersion") or "v1") != "v1":
                raise TranslationError(f"{where}.fieldRef.apiVersion", "only v1 is supported")
            path = str(ref.get("fieldPath") or "")
            value = field_value(self.facts, path, f"{where}.fieldRef.fieldPath")
            if value == POD_IP_MARK:
                self.pod_ip_vars.append(name)
            self.set(name, value, secret=False)
        elif source.get("resourceFieldRef") is not None:
            ref = as_dict(source["resourceFieldRef"])
            value = resource_value(
                self.facts, ref, self.container.get("name"), f"{where}.resourceFieldRef"
            )
            self.set(name, value, secret=False)
        elif source.get("configMapKeyRef") is not None:
            ref = as_dict(source["configMapKeyRef"])
            cm_name, key = str(ref.get("name") or ""), str(ref.get("key") or "")
            obj = self.config_map(cm_name)
            if obj is None:
                if ref.get("optional") is True:
                    return
                raise ConfigError(f'configmap "{cm_name}" not found')
            data = config_map_text(obj)
            if key not in data:
                if ref.get("optional") is True:
                    return
                raise ConfigError(
                    f"couldn't find key {key} in ConfigMap {self.facts.namespace}/{cm_name}"
                )
            self.set(name, data[key], secret=False)
        elif source.get("secretKeyRef") is not None:
            ref = as_dict(source["secretKeyRef"])
            secret_name, key = str(ref.get("name") or ""), str(ref.get("key") or "")
            obj = self.secret(secret_name)
            if obj is None:
                if ref.get("optional") is True:
                    return
                raise ConfigError(f'secret "{secret_name}" not found')
            values = secret_bytes(obj, f"Secret {self.facts.namespace}/{secret_name}")
            if key not in values:
                if ref.get("optional") is True:
                    return
                raise ConfigError(
                    f"couldn't find key {key} in Secret {self.facts.namespace}/{secret_name}"
                )
            self.set(name, _decode(values[key]), secret=True)
        elif source.get("fileKeyRef") is not None:
            raise TranslationError(f"{where}.fileKeyRef", "field not supported by podtui")
        else:
            raise TranslationError(
                where,
                "must specify one of fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef",
            )

    def expand_command(self, key: str) -> list[str] | None:
        items = self.container.get(key)
        if not items:
            return None  # unset and empty both mean "use the image's"
        mapping = RecordingMapping(self.values)
        expanded = [expand(str(item), mapping) for item in items]
        leaked = sorted(mapping.used & self.tainted)
        if leaked:
            self.warnings.append(
                f"{self.path}.{key}: expands secret variable(s) {', '.join(leaked)}: "
                "their values are visible in the container's command line (podman inspect, ps)"
            )
        return expanded


def resolve_env(
    facts: PodFacts, objects: ObjectLookup, container: dict[str, Any], path: str
) -> ResolvedEnv:
    """The environment, command and args of ``container`` (``path`` names it in errors)."""
    builder = _Builder(facts, objects, container, path)
    try:
        builder.env_from()
        builder.env()
    except ConfigError as exc:
        return ResolvedEnv(config_error=str(exc), warnings=builder.warnings)
    command = builder.expand_command("command")
    args = builder.expand_command("args")
    plain = {k: v for k, v in builder.values.items() if k not in builder.tainted}
    secret = {
        k: v.encode("utf-8", "surrogateescape")
        for k, v in builder.values.items()
        if k in builder.tainted
    }
    return ResolvedEnv(
        plain=plain,
        secret=secret,
        pod_ip_vars=tuple(
            v for v in dict.fromkeys(builder.pod_ip_vars) if v in plain and plain[v] == POD_IP_MARK
        ),
        command=command,
        args=args,
        warnings=builder.warnings,
    )


def env_consumed_objects(container: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, name) of every ConfigMap and Secret the container reads into its environment."""
    found: list[tuple[str, str]] = []
    for source in as_list(container.get("envFrom")):
        if source.get("configMapRef") is not None:
            found.append(("ConfigMap", str(as_dict(source["configMapRef"]).get("name") or "")))
        if source.get("secretRef") is not None:
            found.append(("Secret", str(as_dict(source["secretRef"]).get("name") or "")))
    for var in as_list(container.get("env")):
        value_from = as_dict(var.get("valueFrom"))
        if value_from.get("configMapKeyRef") is not None:
            found.append(
                ("ConfigMap", str(as_dict(value_from["configMapKeyRef"]).get("name") or ""))
            )
        if value_from.get("secretKeyRef") is not None:
            found.append(("Secret", str(as_dict(value_from["secretKeyRef"]).get("name") or "")))
    return found
