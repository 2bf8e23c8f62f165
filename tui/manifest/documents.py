"""File -> documents: read safely, parse, check kind, validate, default.

``load_file`` and ``load_text`` never raise: everything wrong ends up as a Problem, located
at the offending node. Each Document keeps both the object as written (``raw``) and the
object defaulted as the API server would (``obj``).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from tui.manifest.data_rules import (
    validate_config_map,
    validate_persistent_volume_claim,
    validate_secret,
)
from tui.manifest.defaults import apply_defaults
from tui.manifest.pod_rules import validate_pod
from tui.manifest.pod_security import check_pod_security
from tui.manifest.problems import (
    DOCUMENT_FIELD,
    INTERNAL,
    INVALID,
    NOT_FOUND,
    NOT_SUPPORTED,
    REQUIRED,
    TOO_LONG,
    FieldPath,
    Findings,
    Problem,
    file_problem,
    parse_path,
    sort_key,
)
from tui.manifest.schema import link_path, validate_structure
from tui.manifest.yaml_nodes import (
    LIMITS,
    InputRefused,
    Limits,
    NodeSource,
    child_node,
    decode_bytes,
    iter_documents,
    locate,
    node_locator,
    source_text,
)

SUPPORTED_KINDS = ("ConfigMap", "PersistentVolumeClaim", "Pod", "Secret")
SUPPORTED_API_VERSION = "v1"


@dataclass(eq=False)
class Document:
    """One Kubernetes object from a file: as written, defaulted, and where each node is."""

    kind: str
    api_version: str
    name: str
    namespace: str
    obj: dict[str, Any]
    raw: dict[str, Any]
    file: str | None
    index: int
    line: int
    problems: list[Problem] = field(default_factory=list)
    source: NodeSource | None = field(default=None, repr=False)
    inner: FieldPath = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        """No errors in this object (warnings allowed)."""
        return not any(p.is_error for p in self.problems)

    @property
    def key(self) -> tuple[str, str, str]:
        """(kind, namespace, name): what the object is called on a cluster."""
        return (self.kind, self.namespace, self.name)

    def position(self, field_path: str | FieldPath) -> tuple[int, int] | None:
        """1-based (line, col) of ``spec.containers[0].image`` (or its nearest ancestor)."""
        node = self.source.node(self.index, self.inner) if self.source is not None else None
        if node is None:
            return None
        path = parse_path(field_path) if isinstance(field_path, str) else field_path
        return locate(node, path)


@dataclass(eq=False)
class ParsedFile:
    """A parsed manifest file: its documents and the problems of parsing and validating them.

    Cross-references to other objects are not checked here (see ``check_references``).
    """

    path: Path
    documents: list[Document]
    problems: list[Problem]
    text_hash: str

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(p.is_error for p in self.problems)


def load_file(path: Path, limits: Limits = LIMITS) -> ParsedFile:
    """Read and validate one manifest file; the size is checked before anything is read."""
    shown = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return _failed(path, shown, b"", file_problem(shown, NOT_FOUND, "no such file"))
    except OSError as exc:
        return _failed(
            path, shown, b"", file_problem(shown, INVALID, f"cannot read: {exc.strerror}")
        )
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return _failed(path, shown, b"", file_problem(shown, INVALID, f"cannot read: {kind}"))
    if info.st_size > limits.max_bytes:
        return _failed(path, shown, b"", _too_big(shown, info.st_size, limits))
    try:
        with open(path, "rb") as handle:
            # Read what stat promised (not a max-size buffer); more only if the file grew.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(limits.max_bytes + 1 - len(data))
    except OSError as exc:
        return _failed(
            path, shown, b"", file_problem(shown, INVALID, f"cannot read: {exc.strerror}")
        )
    if len(data) > limits.max_bytes:
        return _failed(path, shown, data, _too_big(shown, len(data), limits))
    return load_bytes(data, path, limits)


def load_bytes(data: bytes, path: Path | str = "<text>", limits: Limits = LIMITS) -> ParsedFile:
    """Validate manifest bytes as if read from ``path``."""
    path = Path(path)
    shown = str(path)
    if len(data) > limits.max_bytes:
        return _failed(path, shown, data, _too_big(shown, len(data), limits))
    try:
        text = decode_bytes(data)
    except InputRefused as exc:
        problem = file_problem(shown, INVALID, exc.message, line=exc.line, col=exc.col)
        return _failed(path, shown, data, problem)
    return _parse(text, path, hashlib.sha256(data).hexdigest(), limits)


def load_text(text: str, path: str = "<text>", limits: Limits = LIMITS) -> ParsedFile:
    """Validate unsaved text (the inline editor's buffer) as if it were the file ``path``."""
    encoded = text.encode("utf-8", errors="surrogatepass")
    if len(encoded) > limits.max_bytes:
        return _failed(Path(path), path, encoded, _too_big(path, len(encoded), limits))
    if "\x00" in text:
        return load_bytes(encoded, path, limits)
    return _parse(text, Path(path), hashlib.sha256(encoded).hexdigest(), limits)


def _too_big(shown: str, size: int, limits: Limits) -> Problem:
    return file_problem(
        shown, TOO_LONG, f"may not be more than {limits.max_bytes} bytes (the file has {size})"
    )


def _failed(path: Path, shown: str, data: bytes, problem: Problem) -> ParsedFile:
    return ParsedFile(path, [], [problem], hashlib.sha256(data).hexdigest())


def _parse(text: str, path: Path, digest: str, limits: Limits) -> ParsedFile:
    shown = str(path)
    source = NodeSource(text)
    documents: list[Document] = []
    problems: list[Problem] = []
    try:
        for raw in iter_documents(text, shown, limits):
            where = _Where(shown, source, raw.index, raw.node, ())
            documents.extend(_documents_of(raw.value, raw.findings, where))
            problems.extend(raw.findings.problems)
    except InputRefused as exc:
        problems.append(file_problem(shown, INVALID, exc.message, line=exc.line, col=exc.col))
    except (RecursionError, MemoryError) as exc:
        problems.append(file_problem(shown, INVALID, f"cannot parse: {type(exc).__name__}"))
    except Exception as exc:  # never let a bad file crash the caller
        problems.append(file_problem(shown, INTERNAL, f"{type(exc).__name__}: {exc}"))
    problems.sort(key=sort_key)
    return ParsedFile(path, documents, problems, digest)


@dataclass(frozen=True)
class _Where:
    """Where an object being validated comes from: file, document, node (live while parsing)."""

    shown: str
    source: NodeSource
    index: int
    node: Node
    inner: FieldPath


def _documents_of(value: object, findings: Findings, where: _Where) -> list[Document]:
    """The Documents in one YAML document: one object, or the items of a ``kind: List``."""
    if type(value) is not dict:
        findings.add(
            (DOCUMENT_FIELD,),
            INVALID,
            None,
            f"must be a Kubernetes object (a mapping with apiVersion and kind), not {_shape(value)}",
        )
        return []
    if value.get("kind") == "List" and value.get("apiVersion") == SUPPORTED_API_VERSION:
        items = value.get("items")
        if type(items) is not list:
            findings.add(("items",), REQUIRED, None, "a List needs items")
            return []
        result = []
        for item_index, item in enumerate(items):
            inner: FieldPath = where.inner + ("items", item_index)
            item_node = child_node(where.node, ("items", item_index)) or where.node
            item_where = _Where(where.shown, where.source, where.index, item_node, inner)
            item_findings = Findings(where.shown, node_locator(item_node))
            if type(item) is dict and item.get("kind") == "List":
                item_findings.add(("kind",), NOT_SUPPORTED, "List", "a List may not contain a List")
            else:
                result.extend(_documents_of(item, item_findings, item_where))
            findings.extend(item_findings.problems)
        return result
    document = _validated(value, findings, where)
    return [document] if document is not None else []


def _check_kind(raw: dict[str, Any], findings: Findings) -> tuple[str, str] | None:
    """(kind, apiVersion) when supported; otherwise a problem naming what is."""
    kind = raw.get("kind")
    api_version = raw.get("apiVersion")
    supported = "supported values: " + ", ".join(f'"{k}"' for k in SUPPORTED_KINDS)
    supported += f' (apiVersion "{SUPPORTED_API_VERSION}")'
    if kind is None or kind == "":
        findings.add(("kind",), REQUIRED, None, supported)
        return None
    if kind not in SUPPORTED_KINDS:
        findings.add(("kind",), NOT_SUPPORTED, kind, supported)
        return None
    if api_version is None or api_version == "":
        findings.add(
            ("apiVersion",), REQUIRED, None, f'supported values: "{SUPPORTED_API_VERSION}"'
        )
        return None
    if api_version != SUPPORTED_API_VERSION:
        findings.add(
            ("apiVersion",),
            NOT_SUPPORTED,
            api_version,
            f'supported values: "{SUPPORTED_API_VERSION}" (for kind {kind})',
        )
        return None
    return kind, api_version


def _validated(raw: dict[str, Any], findings: Findings, where: _Where) -> Document | None:
    checked = _check_kind(raw, findings)
    if checked is None:
        return None
    kind, api_version = checked
    for link, error_kind, value, detail, on_key in validate_structure(kind, raw):
        path = link_path(link)
        if detail.startswith("must be of type string") and not isinstance(value, str):
            written = source_text(where.node, path)
            if written is not None:
                detail += (
                    f" (YAML read {written} as a {_yaml_type(value)}: quote it to keep it text)"
                )
        findings.add(path, error_kind, value, detail, on_key=on_key)
    obj = apply_defaults(kind, raw)
    if kind == "Pod":
        validate_pod(obj, findings)
        check_pod_security(obj, findings)
    elif kind == "ConfigMap":
        validate_config_map(obj, findings)
    elif kind == "Secret":
        validate_secret(obj, raw, findings)
    else:
        validate_persistent_volume_claim(obj, findings)
    metadata = obj.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    name = metadata.get("name")
    namespace = metadata.get("namespace")
    return Document(
        kind=kind,
        api_version=api_version,
        name=name if isinstance(name, str) else "",
        namespace=namespace if isinstance(namespace, str) else "default",
        obj=obj,
        raw=raw,
        file=where.shown,
        index=where.index,
        line=where.node.start_mark.line + 1,
        problems=sorted(findings.problems, key=sort_key),  # this object's findings only
        source=where.source,
        inner=where.inner,
    )


def _yaml_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "number"
    if isinstance(value, float):
        return "number"
    return type(value).__name__


def _shape(value: object) -> str:
    if isinstance(value, list):
        return "a sequence"
    if isinstance(value, str):
        return "a string"
    return "a " + type(value).__name__
