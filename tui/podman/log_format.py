"""The k8s-file log format that conmon writes, and the values a log line is made of.

One record per line: ``<RFC3339Nano timestamp> <stdout|stderr> <F|P> <text>``. ``P`` (partial)
records are continued by the next record *of the same stream*; ``F`` ends a logical line.
Everything here works on bytes so that indexing never builds a ``str`` it does not need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

STDOUT = "stdout"
STDERR = "stderr"
MARKER = "marker"

#: Where, in a record that starts with a timestamp, the stream/tag pair may be found quickly.
PARTIAL_TAGS = (b" stdout P ", b" stderr P ")


@dataclass(frozen=True, slots=True)
class Record:
    """One parsed record of a k8s-file log (one physical line of the file)."""

    timestamp: bytes
    stream: str
    partial: bool
    text: bytes


def parse_record(raw: bytes) -> Record:
    """Split one record; anything that is not k8s-file becomes a complete stdout line.

    Being lenient matters: a truncated or foreign line must still show, never raise.
    """
    first = raw.find(b" ")
    if (
        first > 0
        and raw[first + 7 : first + 8] == b" "
        and raw[first + 9 : first + 10] in (b" ", b"")
    ):
        stream = raw[first + 1 : first + 7]
        tag = raw[first + 8 : first + 9]
        if stream in (b"stdout", b"stderr") and tag in (b"F", b"P"):
            return Record(
                raw[:first],
                STDOUT if stream == b"stdout" else STDERR,
                tag == b"P",
                raw[first + 10 :],
            )
    return Record(b"", STDOUT, False, raw)


def format_record(
    timestamp: str | bytes, stream: str, text: str | bytes, partial: bool = False
) -> bytes:
    """One k8s-file record as conmon writes it (used by the API spool, tests and the bench)."""
    if isinstance(timestamp, str):
        timestamp = timestamp.encode()
    if isinstance(text, str):
        text = text.encode()
    tag = b" P " if partial else b" F "
    return timestamp + b" " + stream.encode() + tag + text + b"\n"


def record_timestamp(raw: bytes) -> bytes:
    """The timestamp field of a record, cheaply (the merge key)."""
    first = raw.find(b" ")
    return raw[:first] if first > 0 else b""


@dataclass(frozen=True, slots=True)
class LogLine:
    """A logical log line ready for display: partial records already joined.

    ``key`` is stable for the life of the line (file identity and byte offset, or the
    boundary it marks), so renderers may cache on it across re-numbering.
    """

    key: tuple[object, ...]
    text: str
    stream: str = STDOUT
    timestamp: str = ""
    container: str = ""
    attempt: int = 0

    @property
    def is_marker(self) -> bool:
        """True for the restart boundary between two attempts of a container."""
        return self.stream == MARKER


def marker_text(container: str, attempt: int) -> str:
    """The words on a restart boundary line."""
    return f"── {container} restarted: attempt {attempt} ──"


def decode(text: bytes) -> str:
    """Bytes from a container are not always UTF-8; never fail on them."""
    return text.decode("utf-8", errors="replace")


_TS = re.compile(
    r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?\s*(Z|[+-]\d\d:?\d\d)?(?:\s*UTC)?$"
)


def parse_timestamp(text: str | bytes) -> datetime | None:
    """An RFC3339Nano timestamp (or Podman's inspect style) as an aware datetime, else None.

    Nanoseconds are truncated to microseconds: enough for ``--since`` and for ordering.
    """
    if isinstance(text, bytes):
        text = text.decode("ascii", errors="replace")
    match = _TS.match(text.strip())
    if not match:
        return None
    day, clock, fraction, zone = match.groups()
    micros = int((fraction or "0").ljust(6, "0")[:6])
    zone = zone or "Z"
    if zone == "Z":
        offset = timedelta(0)
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    base = datetime.fromisoformat(f"{day}T{clock}").replace(microsecond=micros)
    return (base - offset).replace(tzinfo=UTC)


def utc_rfc3339nano(timestamp: str) -> str:
    """Rewrite a record timestamp the way ``kubectl logs --timestamps`` prints it (UTC, ``Z``).

    conmon writes local time with an offset; the common ``+00:00`` case is a string edit.
    """
    if timestamp.endswith("+00:00"):
        return timestamp[:-6] + "Z"
    if timestamp.endswith("Z") or not timestamp:
        return timestamp
    match = _TS.match(timestamp)
    moment = parse_timestamp(timestamp)
    if match is None or moment is None:
        return timestamp
    fraction = (match.group(3) or "").ljust(9, "0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{fraction}Z"


def format_timestamp(moment: datetime) -> bytes:
    """A datetime in the record timestamp style (UTC), used as a merge key for boundaries."""
    moment = moment.astimezone(UTC)
    return (moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond:06d}000+00:00").encode()


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> timedelta:
    """A Go-style duration as ``kubectl logs --since`` takes it: ``10s``, ``5m``, ``1h30m``."""
    text = text.strip()
    pos = 0
    seconds = 0.0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            break
        seconds += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(f"invalid duration {text!r}: use forms like 30s, 5m, 1h30m")
    return timedelta(seconds=seconds)


def since_from_duration(text: str, now: datetime | None = None) -> datetime:
    """The moment ``--since DURATION`` refers to."""
    return (now or datetime.now(UTC)) - parse_duration(text)
