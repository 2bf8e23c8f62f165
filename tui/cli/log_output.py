"""The lines ``podtui logs`` prints, taken one container attempt at a time.

kubectl prints the current container's log (``--previous``: the one before), never a
restart's predecessor; so each attempt is read from its own file index, not from the
log reader's chained view, and ``-f`` moves from one attempt's index to the next when a
restart adds one. Row selection (``--tail``, ``--since``) is ``log_files.rows_to_print``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import datetime

from tui.podman.log_files import LogInstance, PodLogs, format_line, rows_between, rows_to_print
from tui.podman.log_sequence import LineSequence


def rendered(
    view: LineSequence, first: int, end: int, *, timestamps: bool, prefix: str
) -> Iterator[str]:
    """Rows between two anchors as printed lines (restart markers left out)."""
    for line in rows_between(view, first, end):
        if not line.is_marker:
            yield prefix + format_line(line, timestamps=timestamps)


def history(
    view: LineSequence, since: datetime | None, tail: int | None, *, timestamps: bool, prefix: str
) -> Iterator[str]:
    """Everything selected from one attempt, as it is now."""
    first, end = rows_to_print(view, since, tail)
    return rendered(view, first, end, timestamps=timestamps, prefix=prefix)


def _end(view: LineSequence) -> int:
    with view.lock:
        return view.count - view.prepended_total


async def follow_attempts(
    pod_logs: PodLogs,
    container: str,
    start: LogInstance,
    *,
    since: datetime | None,
    tail: int | None,
    timestamps: bool,
    prefix: str,
) -> AsyncIterator[str]:
    """``-f``: ``start``'s selected history, its new lines, then each later attempt's lines.

    Runs until the caller stops iterating (the pod is gone, or Ctrl-C).
    """
    loop = asyncio.get_running_loop()
    wake: asyncio.Queue[None] = asyncio.Queue()

    def poke(*_args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is listening
            loop.call_soon_threadsafe(wake.put_nowait, None)

    unsubscribe_attempts = pod_logs.subscribe(poke)
    instance = start
    view = pod_logs.index_of(instance)
    unsubscribe_view = view.subscribe(poke)
    try:
        first, end = await asyncio.to_thread(rows_to_print, view, since, tail)
        for text in rendered(view, first, end, timestamps=timestamps, prefix=prefix):
            yield text
        while True:
            newer = [a for a in pod_logs.instances(container) if a.attempt > instance.attempt]
            now = _end(view)
            for text in rendered(view, end, now, timestamps=timestamps, prefix=prefix):
                yield text
            end = max(end, now)
            if newer:
                # add_instance finished the old attempt (read to its end) before adding this
                unsubscribe_view()
                instance = newer[0]
                view = pod_logs.index_of(instance)
                unsubscribe_view = view.subscribe(poke)
                await asyncio.to_thread(view.wait_complete)
                with view.lock:
                    end = -view.prepended_total  # the new attempt from its first row
                continue
            await wake.get()
            while not wake.empty():
                wake.get_nowait()
    finally:
        unsubscribe_view()
        unsubscribe_attempts()
