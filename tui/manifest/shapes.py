"""Typed views of decoded objects for the rules, tolerant of the wrong shapes.

The schema check reports wrongly typed values; the rules must neither crash on them nor
report them twice. So each accessor maps null (which the API server decodes to the zero
value) to the zero value, and a wrong type to None, meaning "skip the checks on this".
"""

from __future__ import annotations

from typing import Any

_EMPTY: dict[str, Any] = {}


def as_dict(value: object) -> dict[str, Any] | None:
    """A mapping; null is the empty mapping; any other type is None (skip)."""
    if type(value) is dict:
        return value
    if value is None:
        return {}
    return None


def items_of(value: object) -> list[tuple[int, dict[str, Any]]]:
    """(index, mapping) for each usable mapping of a list; null items count as empty."""
    if type(value) is not list:
        return []
    result = []
    for index, item in enumerate(value):
        if type(item) is dict:
            result.append((index, item))
        elif item is None:
            result.append((index, _EMPTY))
    return result


def as_list(value: object) -> list[Any]:
    """A list, or the empty list for null and for wrong types."""
    return value if type(value) is list else []


def text(value: object) -> str | None:
    """A string; null is ""; any other type is None (skip)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    return None


def integer(value: object) -> int | None:
    """An integer (not a bool); null is 0; any other type is None (skip)."""
    if type(value) is int:
        return value
    if value is None:
        return 0
    return None


def is_set(value: object) -> bool:
    """True when a pointer field is present in Go terms: not missing and not null."""
    return value is not None


def strings(value: object) -> list[tuple[int, str]]:
    """(index, text) for the strings of a list of strings."""
    if type(value) is not list:
        return []
    return [(i, v) for i, v in enumerate(value) if type(v) is str]
