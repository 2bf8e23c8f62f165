"""``$(VAR)`` expansion exactly as Kubernetes does it (third_party/forked/golang/expansion).

``$(VAR)`` becomes the value of VAR when it is defined and stays ``$(VAR)`` when it is not;
``$$`` is an escaped ``$``, so ``$$(VAR)`` yields the literal ``$(VAR)``; any other ``$`` is
kept; an unterminated ``$(`` is kept as written. The mapping records the names it resolved
so callers can tell when a value was derived from a secret.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

OPERATOR = "$"
OPENER = "("
CLOSER = ")"


def expand(text: str, mapping: Callable[[str], str]) -> str:
    """Expand every ``$(NAME)`` in ``text`` through ``mapping`` (Kubernetes' Expand)."""
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    while cursor < len(text):
        if text[cursor] == OPERATOR and cursor + 1 < len(text):
            out.append(text[checkpoint:cursor])
            read, is_var, advance = _read_variable(text[cursor + 1 :])
            out.append(mapping(read) if is_var else read)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + text[checkpoint:]


def _read_variable(rest: str) -> tuple[str, bool, int]:
    """(text, is a variable name, characters consumed after the ``$``)."""
    first = rest[0]
    if first == OPERATOR:
        return OPERATOR, False, 1
    if first == OPENER:
        closer = rest.find(CLOSER, 1)
        if closer != -1:
            return rest[1:closer], True, closer + 1
        return OPERATOR + OPENER, False, 1
    return OPERATOR + first, False, 1


class RecordingMapping:
    """Kubernetes' MappingFuncFor over one dict, remembering which names it resolved."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.used: set[str] = set()

    def __call__(self, name: str) -> str:
        if name in self.values:
            self.used.add(name)
            return self.values[name]
        return f"{OPERATOR}{OPENER}{name}{CLOSER}"
