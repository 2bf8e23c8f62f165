"""Fallback for log files we cannot read (a remote service): spool the API into a local file.

The spool is written in the same k8s-file format conmon uses, so the index, search, follow
and save code paths are the same for both sources (toolong's trick for compressed files).
The API streams stdout and stderr undifferentiated, so spooled lines are all ``stdout``.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.podman.log_format import STDOUT, format_record

log = logging.getLogger(__name__)


def spool_record(raw: bytes, partial: bool = False) -> bytes:
    """One API line (``<timestamp> <text>``) as a k8s-file record."""
    stamp, sep, text = raw.partition(b" ")
    if not sep or not stamp[:4].isdigit():
        stamp, text = b"", raw
    return format_record(stamp, STDOUT, text, partial)


def spool_frame(frame: bytes) -> bytes:
    """One API frame as records: Podman sends a record per frame, without a newline when
    conmon had only part of a line (a ``P`` record), each with its own timestamp."""
    *complete, rest = frame.split(b"\n")
    records = [spool_record(line) for line in complete]
    if rest:
        records.append(spool_record(rest, partial=True))
    return b"".join(records)


class ApiSpool:
    """Copies ``container.logs(stream=True, timestamps=True, ...)`` into ``path`` in a thread."""

    def __init__(
        self,
        container: Any,
        path: Path,
        *,
        follow: bool = True,
        tail: int | None = None,
        since: datetime | None = None,
    ) -> None:
        self.container = container
        self.path = path
        self.follow = follow
        self.tail = tail
        self.since = since
        self.done = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="log-spool", daemon=True)

    def start(self) -> ApiSpool:
        """Create the spool file and start copying into it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current chunk (a blocked read ends when the container does)."""
        self._stop.set()

    def _run(self) -> None:
        options: dict[str, Any] = {"stream": True, "follow": self.follow, "timestamps": True}
        if self.tail is not None:
            options["tail"] = self.tail
        if self.since is not None:
            options["since"] = self.since
        try:
            with self.path.open("ab", buffering=0) as out:
                for frame in self.container.logs(**options):
                    if self._stop.is_set():
                        break
                    out.write(spool_frame(frame if isinstance(frame, bytes) else bytes(frame)))
        except Exception as error:  # noqa: BLE001 - the API going away ends the spool
            log.debug("log spool for %s ended: %s", self.path.name, error)
        finally:
            self.done.set()
