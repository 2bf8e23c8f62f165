"""Cross-references from Pods to ConfigMaps, Secrets and PersistentVolumeClaims.

As on a cluster, a Pod may name an object that does not exist yet: that is not an error
(the Pod waits for it), so a missing object or key is a warning here. References marked
``optional: true`` are never reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tui.manifest.documents import Document
from tui.manifest.problems import NOT_FOUND, FieldPath, Problem, render_path
from tui.manifest.shapes import as_dict, items_of, text

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


@dataclass
class ObjectIndex:
    """The ConfigMaps, Secrets and PVCs a Pod may refer to, by (namespace, name)."""

    config_maps: dict[tuple[str, str], Document] = field(default_factory=dict)
    secrets: dict[tuple[str, str], Document] = field(default_factory=dict)
    claims: dict[tuple[str, str], Document] = field(default_factory=dict)

    @classmethod
    def from_documents(cls, documents: Iterable[Document]) -> ObjectIndex:
        """Index every ConfigMap, Secret and PVC among ``documents`` (first one wins)."""
        index = cls()
        for document in documents:
            index.add(document)
        return index

    def add(self, document: Document) -> None:
        """Add one document if it is of an indexed kind."""
        table = self._table(document.kind)
        if table is not None:
            table.setdefault((document.namespace, document.name), document)

    def _table(self, kind: str) -> dict[tuple[str, str], Document] | None:
        return {
            "ConfigMap": self.config_maps,
            "Secret": self.secrets,
            "PersistentVolumeClaim": self.claims,
        }.get(kind)

    def find(self, kind: str, namespace: str, name: str) -> Document | None:
        """The object of ``kind`` called ``namespace/name``, if there is one."""
        table = self._table(kind)
        return None if table is None else table.get((namespace, name))

    def merged(self, other: ObjectIndex) -> ObjectIndex:
        """This index with ``other``'s objects added where this one has none."""
        result = ObjectIndex(dict(self.config_maps), dict(self.secrets), dict(self.claims))
        for kind, table in (
            ("ConfigMap", other.config_maps),
            ("Secret", other.secrets),
            ("PersistentVolumeClaim", other.claims),
        ):
            own = result._table(kind)
            assert own is not None
            for key, document in table.items():
                own.setdefault(key, document)
        return result


def data_keys(document: Document, for_env: bool) -> set[str]:
    """Keys a ConfigMap or Secret offers: env sees ConfigMap ``data`` only, volumes see binaryData too."""
    keys: set[str] = set()
    sections = ("data",) if for_env or document.kind == "Secret" else ("data", "binaryData")
    for section in sections:
        values = document.obj.get(section)
        if isinstance(values, dict):
            keys.update(values)
    return keys


def check_references(pods: list[Document], available: ObjectIndex) -> list[Problem]:
    """A warning for each ConfigMap, Secret, PVC or key a Pod names that is not available."""
    problems: list[Problem] = []
    for pod in pods:
        if pod.kind == "Pod":
            problems.extend(_Checker(pod, available).run())
    return problems


class _Checker:
    def __init__(self, pod: Document, available: ObjectIndex) -> None:
        self.pod = pod
        self.available = available
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        spec = as_dict(self.pod.obj.get("spec")) or {}
        for index, volume in items_of(spec.get("volumes")):
            self._volume(volume, ("spec", "volumes", index))
        for list_name in CONTAINER_LISTS:
            for index, container in items_of(spec.get(list_name)):
                self._container(container, ("spec", list_name, index))
        for index, secret in items_of(spec.get("imagePullSecrets")):
            name = text(secret.get("name"))
            if name:
                self._object(
                    "Secret",
                    name,
                    ("spec", "imagePullSecrets", index, "name"),
                    False,
                    "images are pulled without it",
                )
        return self.problems

    def _volume(self, volume: dict[str, Any], path: FieldPath) -> None:
        source = as_dict(volume.get("configMap"))
        if volume.get("configMap") is not None and source:
            self._with_items("ConfigMap", source, "name", path + ("configMap",))
        source = as_dict(volume.get("secret"))
        if volume.get("secret") is not None and source:
            self._with_items("Secret", source, "secretName", path + ("secret",))
        claim = as_dict(volume.get("persistentVolumeClaim"))
        if volume.get("persistentVolumeClaim") is not None and claim:
            name = text(claim.get("claimName"))
            if name:
                self._object(
                    "PersistentVolumeClaim",
                    name,
                    path + ("persistentVolumeClaim", "claimName"),
                    False,
                )
        projected = as_dict(volume.get("projected"))
        if volume.get("projected") is not None and projected:
            for index, projection in items_of(projected.get("sources")):
                here = path + ("projected", "sources", index)
                for kind, key in (("ConfigMap", "configMap"), ("Secret", "secret")):
                    part = as_dict(projection.get(key))
                    if projection.get(key) is not None and part:
                        self._with_items(kind, part, "name", here + (key,))

    def _with_items(
        self, kind: str, source: dict[str, Any], name_field: str, path: FieldPath
    ) -> None:
        name = text(source.get(name_field))
        if not name:
            return
        optional = source.get("optional") is True
        document = self._object(kind, name, path + (name_field,), optional)
        if document is None or optional:
            return
        keys = data_keys(document, for_env=False)
        for index, item in items_of(source.get("items")):
            key = text(item.get("key"))
            if key and key not in keys:
                self._missing_key(document, key, path + ("items", index, "key"))

    def _container(self, container: dict[str, Any], path: FieldPath) -> None:
        for index, var in items_of(container.get("env")):
            value_from = as_dict(var.get("valueFrom"))
            if not value_from:
                continue
            here = path + ("env", index, "valueFrom")
            for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                selector = as_dict(value_from.get(key))
                if value_from.get(key) is None or not selector:
                    continue
                name = text(selector.get("name"))
                if not name:
                    continue
                optional = selector.get("optional") is True
                document = self._object(kind, name, here + (key, "name"), optional)
                wanted = text(selector.get("key"))
                if (
                    document is not None
                    and not optional
                    and wanted
                    and wanted not in data_keys(document, for_env=True)
                ):
                    self._missing_key(document, wanted, here + (key, "key"))
        for index, source in items_of(container.get("envFrom")):
            for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                ref = as_dict(source.get(key))
                if source.get(key) is None or not ref:
                    continue
                name = text(ref.get("name"))
                if name:
                    optional = ref.get("optional") is True
                    self._object(kind, name, path + ("envFrom", index, key, "name"), optional)

    def _object(
        self,
        kind: str,
        name: str,
        path: FieldPath,
        optional: bool,
        consequence: str = "the pod waits until it exists",
    ) -> Document | None:
        namespace = self.pod.namespace
        document = self.available.find(kind, namespace, name)
        if document is None and not optional:
            self._warn(
                path,
                name,
                f'no {kind} "{name}" in namespace "{namespace}" among these manifests; {consequence}',
            )
        return document

    def _missing_key(self, document: Document, key: str, path: FieldPath) -> None:
        where = f" ({document.file}:{document.line})" if document.file else ""
        self._warn(path, key, f'{document.kind} "{document.name}"{where} has no key "{key}"')

    def _warn(self, path: FieldPath, value: str, detail: str) -> None:
        position = self.pod.position(path)
        line, col = position if position is not None else (self.pod.line, 1)
        self.problems.append(
            Problem(
                self.pod.file, line, col, render_path(path), NOT_FOUND, value, detail, "warning"
            )
        )
