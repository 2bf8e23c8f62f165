"""Structural validation against Kubernetes' own OpenAPI schema, compiled once into checkers.

The schema is the strict JSON Schema that the ``kubernetes-validate`` package ships offline
(``kubernetes-json-schema/v1.37.0-local-strict/_definitions.json``, 1.8 MB). Instead of handing
it to a generic JSON Schema engine for every object (about 1 ms a Pod), each definition that a
supported kind reaches is compiled, lazily and once per process, into small closures that
walk an object and report every problem with its Kubernetes field path. The JSON Schema
keywords these definitions use are few (type, properties, additionalProperties, required,
items, enum, $ref and the oneOf of Quantity and IntOrString); tests check the result against
the ``jsonschema`` package on mutated manifests.

Decoding rules follow the API server's JSON decoder rather than plain JSON Schema: null is
accepted anywhere (it decodes to the zero value), a float is not an integer, int32/int64
fields must fit, and quantities must parse.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import math
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tui.manifest.problems import INVALID, NOT_SUPPORTED, REQUIRED, FieldPath, Key
from tui.manifest.quantity import is_quantity

SCHEMA_VERSION = "1.37.0"

# An error record: (link, kind, value, detail, on_key). A link is None or (parent, part, is_key)
# so a child's path costs one small tuple; it becomes a FieldPath only when there is an error.
Link = tuple[Any, Any, bool] | None
ErrorRecord = tuple[Link, str, object, str, bool]
Checker = Callable[[object, Link, list[ErrorRecord]], None]

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_JSON_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
}


def schema_directory() -> Path:
    """Where the offline strict schemas are, without importing kubernetes_validate itself."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the kubernetes-validate package is not installed")
    root = Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"
    wanted = root / f"v{SCHEMA_VERSION}-local-strict"
    if wanted.is_dir():
        return wanted
    found = sorted(
        (p for p in root.glob("v*-local-strict") if p.is_dir()),
        key=lambda p: tuple(int(x) for x in p.name[1:].split("-")[0].split(".") if x.isdigit()),
    )
    if not found:
        raise FileNotFoundError(f"no strict Kubernetes JSON schemas under {root}")
    return found[-1]


def link_path(link: Link) -> FieldPath:
    """Unwind a link into a path tuple (map keys become Key so they render as ``[key]``)."""
    parts: list[str | int] = []
    while link is not None:
        parent, part, is_key = link
        parts.append(Key(part) if is_key else part)
        link = parent
    parts.reverse()
    return tuple(parts)


def _json_type(value: object) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _type_error(link: Link, value: object, expected: str, errors: list[ErrorRecord]) -> None:
    shown = value if isinstance(value, str | int | float) else None
    errors.append(
        (link, INVALID, shown, f"must be of type {expected}, not {_json_type(value)}", False)
    )


class _Compiler:
    """Turns definitions into checkers, each compiled once and shared (refs may be cyclic)."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self.compiled: dict[str, Checker] = {}

    def definition(self, name: str) -> Checker:
        found = self.compiled.get(name)
        if found is not None:
            return found
        # Install a trampoline first so recursive definitions terminate.
        slot: list[Checker] = []

        def deferred(value: object, link: Link, errors: list[ErrorRecord]) -> None:
            slot[0](value, link, errors)

        self.compiled[name] = deferred
        checker = self._special(name) or self.compile(self.definitions[name])
        slot.append(checker)
        self.compiled[name] = checker
        return checker

    def _special(self, name: str) -> Checker | None:
        if name.endswith(".api.resource.Quantity"):
            return _check_quantity
        if name.endswith(".util.intstr.IntOrString"):
            return _check_int_or_string
        return None

    def compile(self, schema: dict[str, Any]) -> Checker:
        ref = schema.get("$ref")
        if ref:
            return self.definition(ref.rsplit("/", 1)[-1])
        raw_type = schema.get("type", [])
        types = {raw_type} if isinstance(raw_type, str) else set(raw_type)
        types.discard("null")
        if "object" in types:
            return self._object(schema)
        if "array" in types:
            items = schema.get("items")
            return _array(self.compile(items) if items else None)
        if len(types) == 1:
            return _primitive(next(iter(types)), schema.get("format"), schema.get("enum"))
        return _anything

    def _object(self, schema: dict[str, Any]) -> Checker:
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        if properties is None:
            if isinstance(additional, dict):
                return _map(self.compile(additional))
            return _free_object
        fields: dict[str, tuple[frozenset[type] | None, Checker | None]] = {}
        for name, sub in properties.items():
            fields[name] = self._field(sub)
        extra: Checker | bool | None
        if additional is False:
            extra = None
        elif isinstance(additional, dict):
            extra = self.compile(additional)
        else:
            extra = True
        return _struct(fields, tuple(schema.get("required", ())), extra)

    def _field(self, schema: dict[str, Any]) -> tuple[frozenset[type] | None, Checker | None]:
        """Plain scalar fields get a type set checked inline; everything else a checker."""
        if "$ref" not in schema and "enum" not in schema and "format" not in schema:
            raw_type = schema.get("type", [])
            types = {raw_type} if isinstance(raw_type, str) else set(raw_type)
            types.discard("null")
            if types == {"string"}:
                return frozenset({str}), None
            if types == {"boolean"}:
                return frozenset({bool}), None
            if types == {"integer"}:
                return frozenset({int}), None
            if types == {"number"}:
                return frozenset({int, float}), None
        return None, self.compile(schema)


def _struct(
    fields: dict[str, tuple[frozenset[type] | None, Checker | None]],
    required: tuple[str, ...],
    extra: Checker | bool | None,
) -> Checker:
    names = {
        frozenset({str}): "string",
        frozenset({bool}): "boolean",
        frozenset({int}): "integer",
        frozenset({int, float}): "number",
    }

    def check(value: object, link: Link, errors: list[ErrorRecord]) -> None:
        if type(value) is not dict:
            _type_error(link, value, "object", errors)
            return
        for key, item in value.items():
            spec = fields.get(key)
            if spec is None:
                if extra is None:
                    shown = item if isinstance(item, str | int | float) else None
                    errors.append(((link, key, False), INVALID, shown, _unknown(key, fields), True))
                elif extra is not True and item is not None:
                    extra(item, (link, key, True), errors)  # type: ignore[operator]
                continue
            if item is None:
                continue
            simple, checker = spec
            if simple is not None:
                if type(item) not in simple:
                    _type_error((link, key, False), item, names[simple], errors)
            elif checker is not None:
                checker(item, (link, key, False), errors)
        for key in required:
            if key not in value:
                errors.append(((link, key, False), REQUIRED, None, "", False))

    return check


def _unknown(key: str, fields: Mapping[str, object]) -> str:
    detail = f'unknown field "{key}"'
    close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.75)
    if close:
        detail += f', did you mean "{close[0]}"?'
    return detail


def _map(values: Checker) -> Checker:
    def check(value: object, link: Link, errors: list[ErrorRecord]) -> None:
        if type(value) is not dict:
            _type_error(link, value, "object", errors)
            return
        for key, item in value.items():
            if item is not None:
                values(item, (link, key, True), errors)

    return check


def _array(items: Checker | None) -> Checker:
    def check(value: object, link: Link, errors: list[ErrorRecord]) -> None:
        if type(value) is not list:
            _type_error(link, value, "array", errors)
            return
        if items is None:
            return
        for index, item in enumerate(value):
            if item is not None:
                items(item, (link, index, False), errors)

    return check


def _primitive(kind: str, fmt: str | None, enum: list[Any] | None) -> Checker:
    allowed: tuple[type, ...] = {
        "string": (str,),
        "boolean": (bool,),
        "integer": (int,),
        "number": (int, float),
    }.get(kind, (object,))
    bounds = _INT_RANGES.get(fmt or "") if kind == "integer" else None
    expected = fmt if bounds and fmt else kind
    choices = tuple(enum) if enum else None

    def check(value: object, link: Link, errors: list[ErrorRecord]) -> None:
        if type(value) not in allowed:
            _type_error(link, value, expected, errors)
            return
        if bounds is not None and not bounds[0] <= value <= bounds[1]:  # type: ignore[operator]
            errors.append(
                (link, INVALID, value, f"must be of type {expected} (out of range)", False)
            )
        elif kind == "number" and isinstance(value, float) and not math.isfinite(value):
            errors.append((link, INVALID, value, "must be a finite number", False))
        elif choices is not None and value not in choices:
            supported = ", ".join(json.dumps(c) for c in choices)
            errors.append((link, NOT_SUPPORTED, value, f"supported values: {supported}", False))

    return check


def _check_quantity(value: object, link: Link, errors: list[ErrorRecord]) -> None:
    if type(value) not in (str, int, float):
        _type_error(link, value, "string or number (a quantity)", errors)
        return
    reason = is_quantity(value)
    if reason is not None:
        errors.append((link, INVALID, value, reason, False))


def _check_int_or_string(value: object, link: Link, errors: list[ErrorRecord]) -> None:
    kind = type(value)
    if kind is str:
        return
    if kind is int:
        if not -(2**31) <= value <= 2**31 - 1:  # type: ignore[operator]
            errors.append((link, INVALID, value, "must be of type int32 (out of range)", False))
        return
    _type_error(link, value, "integer or string", errors)


def _free_object(value: object, link: Link, errors: list[ErrorRecord]) -> None:
    if type(value) is not dict:
        _type_error(link, value, "object", errors)


def _anything(value: object, link: Link, errors: list[ErrorRecord]) -> None:
    return None


# Supported kinds -> their definition in _definitions.json.
KIND_DEFINITIONS = {
    "Pod": "io.k8s.api.core.v1.Pod",
    "ConfigMap": "io.k8s.api.core.v1.ConfigMap",
    "Secret": "io.k8s.api.core.v1.Secret",
    "PersistentVolumeClaim": "io.k8s.api.core.v1.PersistentVolumeClaim",
}

_lock = threading.Lock()
_compiler: _Compiler | None = None


def _get_compiler() -> _Compiler:
    """The process-wide compiler: the definitions are read once, on first use."""
    global _compiler
    if _compiler is None:
        with _lock:
            if _compiler is None:
                path = schema_directory() / "_definitions.json"
                with path.open("rb") as handle:
                    document = json.load(handle)
                _compiler = _Compiler(document.get("$defs") or document.get("definitions") or {})
    return _compiler


def validator_for(kind: str) -> Checker:
    """The compiled checker of a supported kind (built on first use, then cached)."""
    compiler = _get_compiler()
    name = KIND_DEFINITIONS[kind]
    found = compiler.compiled.get(name)
    if found is not None:
        return found
    with _lock:
        return compiler.definition(name)


def validate_structure(kind: str, obj: object) -> list[ErrorRecord]:
    """Every structural problem of ``obj`` as a ``kind``, as error records."""
    errors: list[ErrorRecord] = []
    validator_for(kind)(obj, None, errors)
    return errors
