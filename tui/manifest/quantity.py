"""Kubernetes resource quantities ("500m", "128Mi", "1e3"): parsing and comparing.

Reimplements the grammar of k8s.io/apimachinery/pkg/api/resource (ParseQuantity), including
its quirks (``1.G`` and ``.5`` parse; ``1ki`` does not), with the same error messages.
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal

_SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
FORMAT_WRONG = f"quantities must match the regular expression '{_SPLIT_RE}'"
NUMERIC = "unable to parse numeric part of quantity"
SUFFIX = "unable to parse quantity's suffix"

_DECIMAL_SUFFIXES = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
_INT32_MAX = 2**31 - 1

_CONTEXT = decimal.Context(prec=60, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, traps=[])


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity; the message is Kubernetes' own."""


def parse_quantity(value: object) -> Decimal:
    """The exact value of a quantity given as YAML wrote it (string or number)."""
    if isinstance(value, bool) or value is None:
        raise QuantityError(FORMAT_WRONG)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise QuantityError(FORMAT_WRONG)
        return _parse(repr(value))
    if isinstance(value, str):
        return _parse(value)
    raise QuantityError(FORMAT_WRONG)


def is_quantity(value: object) -> str | None:
    """None when ``value`` is a valid quantity, else the reason it is not."""
    try:
        parse_quantity(value)
    except QuantityError as exc:
        return str(exc)
    return None


def _parse(text: str) -> Decimal:
    if not text:
        raise QuantityError(FORMAT_WRONG)
    sign, number, fraction, suffix = _split(text)
    if suffix in _DECIMAL_SUFFIXES:
        base, exponent = 10, _DECIMAL_SUFFIXES[suffix]
    elif suffix in _BINARY_SUFFIXES:
        base, exponent = 2, _BINARY_SUFFIXES[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE" and _is_int32(suffix[1:]):
        base, exponent = 10, int(suffix[1:])
    else:
        raise QuantityError(SUFFIX)
    try:
        amount = Decimal(f"{number or '0'}.{fraction or '0'}", context=_CONTEXT)
    except decimal.InvalidOperation:
        raise QuantityError(NUMERIC) from None
    if base == 10:
        amount = amount.scaleb(exponent, context=_CONTEXT)
    else:
        amount = _CONTEXT.multiply(amount, Decimal(2**exponent))
    return -amount if sign < 0 else amount


def _split(text: str) -> tuple[int, str, str, str]:
    """Sign, integer digits, fraction digits and suffix, as parseQuantityString scans them."""
    pos, end = 0, len(text)
    sign = 1
    if text[0] in "+-":
        sign = -1 if text[0] == "-" else 1
        pos = 1
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    number = text[start:pos]
    fraction = ""
    if pos < end and text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        fraction = text[start:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(FORMAT_WRONG)
    return sign, number, fraction, text[suffix_start:]


def _is_int32(text: str) -> bool:
    body = text[1:] if text[:1] in ("+", "-") else text
    return bool(body) and body.isdigit() and abs(int(text)) <= _INT32_MAX


def format_quantity(value: object) -> str:
    """The quantity as it was written, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
