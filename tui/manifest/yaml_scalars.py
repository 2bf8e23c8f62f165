"""Scalar values as the API server's YAML library (go-yaml v2, YAML 1.1) reads them.

Plain (unquoted) scalars become null, booleans (``yes``/``on``/``true``...), integers (with
YAML 1.1 octal ``0644``) or floats; anything else, including base-60 numbers like ``22:22``
and timestamps, stays the string that was written.
"""

from __future__ import annotations

import math
import re

from yaml.nodes import ScalarNode

TAG_PREFIX = "tag:yaml.org,2002:"
STR_TAG = TAG_PREFIX + "str"
PLAIN_TAG = "?plain"  # an untagged plain scalar: resolved here, not by PyYAML
_NULL_TAG = TAG_PREFIX + "null"
_BOOL_TAG = TAG_PREFIX + "bool"
_INT_TAG = TAG_PREFIX + "int"
_FLOAT_TAG = TAG_PREFIX + "float"
_BINARY_TAG = TAG_PREFIX + "binary"

# Plain scalars that are not strings, as go-yaml v2 (YAML 1.1) resolves them. Base-60
# numbers and timestamps stay strings; PyYAML's float form needs a dot, as here.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
_FALSE = frozenset({"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
_NUMBER_START = frozenset("-+.0123456789")
_INT_RE = re.compile(r"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|0|[1-9][0-9_]*)\Z")
_FLOAT_RE = re.compile(
    r"[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|\.(?:inf|Inf|INF))\Z|\.(?:nan|NaN|NAN)\Z"
)


def scalar_value(node: ScalarNode) -> object:
    """The value of a scalar node: plain scalars resolved as the API server's YAML does."""
    tag = node.tag
    text = node.value
    if tag == STR_TAG:
        return text
    if tag == PLAIN_TAG:
        return resolve_plain(text)
    if tag == _NULL_TAG:
        return None
    if tag == _BOOL_TAG:
        return text in _TRUE or text.lower() in ("yes", "true", "on")
    if tag == _INT_TAG:
        integer = _int_value(text)
        return text if integer is None else integer
    if tag == _FLOAT_TAG:
        number = _float_value(text)
        return text if number is None else number
    if tag == _BINARY_TAG:
        return "".join(text.split())
    # Timestamps, "=" values and unknown local tags stay the text that was written.
    return text


def resolve_plain(text: str) -> object:
    """Resolve an untagged plain scalar: null, bool, int, float, or the string itself."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in _NUMBER_START:
        if _INT_RE.match(text):
            value = _int_value(text)
            if value is not None:
                return value
        elif _FLOAT_RE.match(text):
            number = _float_value(text)
            if number is not None:
                return number
        return text
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return text


def _int_value(text: str) -> int | None:
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    body = digits.lstrip("+-")
    try:
        if body.startswith(("0b", "0B")):
            return sign * int(body[2:], 2)
        if body.startswith(("0x", "0X")):
            return sign * int(body[2:], 16)
        if len(body) > 1 and body.startswith("0"):
            return sign * int(body, 8)
        return sign * int(body)
    except ValueError:
        return None


def _float_value(text: str) -> float | None:
    lowered = text.replace("_", "").lower()
    if lowered in (".inf", "+.inf"):
        return math.inf
    if lowered == "-.inf":
        return -math.inf
    if lowered == ".nan":
        return math.nan
    try:
        return float(lowered)
    except ValueError:
        return None
