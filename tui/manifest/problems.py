"""Problems found in manifests, worded and rendered the way Kubernetes' field errors are.

A ``Problem`` is one line of output: ``path:line:col: field.path: Kind: value: detail``. The
field path and the kinds ("Required value", "Invalid value", ...) follow
``k8s.io/apimachinery/pkg/util/validation/field`` so that a message reads like kubectl's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# The error kinds of field.ErrorType, as their String() renders them.
NOT_FOUND = "Not found"
REQUIRED = "Required value"
DUPLICATE = "Duplicate value"
INVALID = "Invalid value"
NOT_SUPPORTED = "Unsupported value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
INTERNAL = "Internal error"

# Kinds whose rendering never shows the bad value (field.Error.ErrorBody).
_VALUELESS_KINDS = frozenset({REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL})

# The field of problems about the file itself rather than one of its objects.
FILE_FIELD = "<file>"
DOCUMENT_FIELD = "<document>"


class Key(str):
    """A map key in a field path: rendered ``[key]`` like field.Path.Key, not ``.key``."""

    __slots__ = ()


PathPart = str | int
FieldPath = tuple[PathPart, ...]


def render_path(path: Sequence[PathPart]) -> str:
    """Render a path tuple the way field.Path.String() does: ``spec.containers[0].env[1]``."""
    out: list[str] = []
    for part in path:
        if type(part) is int or type(part) is Key:
            out.append(f"[{part}]")
        elif out:
            out.append("." + str(part))
        else:
            out.append(str(part))
    return "".join(out)


def parse_path(text: str) -> FieldPath:
    """Turn ``spec.containers[0].resources.limits[cpu]`` back into a path tuple."""
    parts: list[PathPart] = []
    i, n = 0, len(text)
    word: list[str] = []
    while i < n:
        ch = text[i]
        if ch == ".":
            if word:
                parts.append("".join(word))
                word = []
            i += 1
        elif ch == "[":
            if word:
                parts.append("".join(word))
                word = []
            end = text.find("]", i + 1)
            if end < 0:
                word.append(text[i:])
                break
            inner = text[i + 1 : end]
            parts.append(int(inner) if inner.isdigit() else Key(inner))
            i = end + 1
        else:
            word.append(ch)
            i += 1
    if word:
        parts.append("".join(word))
    return tuple(parts)


def render_value(value: object) -> str:
    """Render a bad value like Go's field error: strings quoted, simple types bare, others JSON."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "+Inf" if value > 0 else "-Inf"
        return repr(value) if not value.is_integer() else str(int(value))
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a warning) in a manifest, pointing at the offending node."""

    file: str | None
    line: int | None
    col: int | None
    field: str
    kind: str
    value: object | None
    detail: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        """True for problems that block: errors, not warnings."""
        return self.severity == "error"

    def body(self) -> str:
        """The message without location, as field.Error.ErrorBody() would word it."""
        text = self.kind
        if self.value is not None and self.kind not in _VALUELESS_KINDS:
            text += ": " + render_value(self.value)
        if self.detail:
            text += ": " + self.detail
        return text

    def location(self) -> str:
        """``path:line:col`` (parts that are unknown are left out)."""
        parts = [self.file] if self.file else []
        if self.line is not None:
            parts.append(str(self.line))
            parts.append(str(self.col if self.col is not None else 1))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location()
        text = f"{self.field}: {self.body()}" if self.field else self.body()
        return f"{where}: {text}" if where else text

    def as_warning(self) -> Problem:
        """The same problem downgraded to a warning."""
        return self if self.severity == "warning" else _replace_severity(self, "warning")

    def as_error(self) -> Problem:
        """The same problem promoted to an error (``--strict``)."""
        return self if self.severity == "error" else _replace_severity(self, "error")


def _replace_severity(problem: Problem, severity: Severity) -> Problem:
    return Problem(
        problem.file,
        problem.line,
        problem.col,
        problem.field,
        problem.kind,
        problem.value,
        problem.detail,
        severity,
    )


Locator = Callable[[FieldPath, bool], "tuple[int, int] | None"]


class Findings:
    """Collects problems for one document, resolving each field path to a line and column.

    Rules call ``add`` with a path tuple; ``on_key`` points at the mapping key instead of its
    value (used for unknown and duplicate fields).
    """

    __slots__ = ("_file", "_locate", "_seen", "problems")

    def __init__(self, file: str | None, locate: Locator | None) -> None:
        self._file = file
        self._locate = locate
        self._seen: set[tuple[str, str, str, str, str]] = set()
        self.problems: list[Problem] = []

    def add(
        self,
        path: FieldPath,
        kind: str,
        value: object | None = None,
        detail: str = "",
        *,
        severity: Severity = "error",
        on_key: bool = False,
        at: FieldPath | None = None,
    ) -> None:
        """Record a problem at ``path`` (located at ``at`` when the shown path has no node)."""
        field = render_path(path) or DOCUMENT_FIELD
        signature = (field, kind, _value_key(value), detail, severity)
        if signature in self._seen:
            return
        self._seen.add(signature)
        line = col = None
        if self._locate is not None:
            found = self._locate(at if at is not None else path, on_key)
            if found is not None:
                line, col = found
        self.problems.append(Problem(self._file, line, col, field, kind, value, detail, severity))

    def add_at(
        self,
        path: FieldPath,
        where: tuple[int, int],
        kind: str,
        value: object | None = None,
        detail: str = "",
        *,
        severity: Severity = "error",
    ) -> None:
        """Record a problem whose node is known already (the YAML builder's case)."""
        line, col = where
        field = render_path(path) or DOCUMENT_FIELD
        self.extend([Problem(self._file, line, col, field, kind, value, detail, severity)])

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems made elsewhere, skipping exact duplicates."""
        for problem in problems:
            signature = (
                problem.field,
                problem.kind,
                _value_key(problem.value),
                problem.detail,
                problem.severity,
            )
            if signature not in self._seen:
                self._seen.add(signature)
                self.problems.append(problem)


def _value_key(value: object) -> str:
    return "" if value is None else render_value(value)


def file_problem(
    file: str | None,
    kind: str,
    detail: str,
    *,
    line: int = 1,
    col: int = 1,
    value: object | None = None,
    field: str = FILE_FIELD,
) -> Problem:
    """A problem with the file as a whole (unreadable, too big, not YAML)."""
    return Problem(file, line, col, field, kind, value, detail, "error")


def sort_key(problem: Problem) -> tuple[int, int]:
    """Order problems by where they are in the file."""
    return (problem.line or 0, problem.col or 0)
