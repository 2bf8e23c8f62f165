"""kubectl's ``-l`` label selectors: parsed once, matched against a pod's labels.

The grammar is labels.Parse's (k8s.io/apimachinery/pkg/labels): requirements separated by
commas, each ``key=value``, ``key==value``, ``key!=value``, ``key in (a,b)``,
``key notin (a,b)``, ``key`` (exists), ``!key`` (does not exist), or ``key>N``/``key<N``.
A selector matches when every requirement does; ``!=`` and ``notin`` also match a pod
that lacks the key, as on a cluster.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tui.errors import PodtuiError

_KEY = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_VALUE = r"[-A-Za-z0-9_.]*"
_SET = re.compile(rf"^\s*({_KEY})\s+(in|notin)\s*\(([^()]*)\)\s*$")
_COMPARE = re.compile(rf"^\s*({_KEY})\s*(==|!=|=|>|<)\s*({_VALUE})\s*$")
_EXISTS = re.compile(rf"^\s*(!?)\s*({_KEY})\s*$")


class SelectorError(PodtuiError):
    """A selector kubectl would refuse."""


@dataclass(frozen=True)
class Requirement:
    """One clause of a selector."""

    key: str
    operator: str  # "=", "!=", "in", "notin", "exists", "!", ">", "<"
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether ``labels`` satisfy this clause."""
        present = self.key in labels
        value = labels.get(self.key)
        if self.operator in ("=", "in"):
            return present and value in self.values
        if self.operator in ("!=", "notin"):
            return not present or value not in self.values
        if self.operator == "exists":
            return present
        if self.operator == "!":
            return not present
        try:
            have, want = int(str(value)), int(self.values[0])
        except ValueError:
            return False
        return have > want if self.operator == ">" else have < want


def _split(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise SelectorError(f"unable to parse requirement: unexpected ')' in {text!r}")
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth:
        raise SelectorError(f"unable to parse requirement: missing ')' in {text!r}")
    parts.append("".join(current))
    return parts


def _requirement(clause: str) -> Requirement:
    if match := _SET.match(clause):
        key, operator, inner = match.groups()
        values = tuple(v.strip() for v in inner.split(","))
        if any(not re.fullmatch(_VALUE, v) for v in values) or values == ("",):
            raise SelectorError(f"unable to parse requirement: invalid values in {clause!r}")
        return Requirement(key, operator, values)
    if match := _COMPARE.match(clause):
        key, operator, value = match.groups()
        if operator in (">", "<") and not value.lstrip("-").isdigit():
            raise SelectorError(
                f"unable to parse requirement: for '{operator}', '{value}' must be an integer"
            )
        return Requirement(key, "=" if operator == "==" else operator, (value,))
    if match := _EXISTS.match(clause):
        negated, key = match.groups()
        return Requirement(key, "!" if negated else "exists")
    raise SelectorError(f"unable to parse requirement: {clause.strip()!r}")


@dataclass(frozen=True)
class Selector:
    """A parsed selector; the empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        """Whether every requirement holds for ``labels``."""
        found = labels or {}
        return all(r.matches(found) for r in self.requirements)


def parse_selector(text: str | None) -> Selector:
    """Parse ``-l`` text; raises SelectorError (a one-line ``error:``) when malformed."""
    if text is None or not text.strip():
        return Selector()
    return Selector(tuple(_requirement(clause) for clause in _split(text)))


def pod_labels(pod: Mapping[str, object]) -> dict[str, str]:
    """A pod object's labels as strings."""
    metadata = pod.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    if not isinstance(labels, Mapping):
        return {}
    return {str(k): str(v) for k, v in labels.items()}
