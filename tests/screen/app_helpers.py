"""Helpers for the app's Pilot tests: wait on conditions, woken by messages, never by sleeps."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import time
from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot

from tui.screen.app import PodtuiApp


async def wait_until(
    pilot: Pilot[int], predicate: Callable[[], bool], timeout: float = 30.0, what: str = "condition"
) -> None:
    """Let the app process messages until ``predicate()`` holds (fail after ``timeout``).

    Each round waits for the next engine update (or a short bound when none comes) and
    then for the app to handle what arrived.
    """
    app = pilot.app
    assert isinstance(app, PodtuiApp)
    changed = asyncio.Event()
    listening_to: object | None = None
    remove: Callable[[], None] | None = None
    deadline = time.monotonic() + timeout
    try:
        while True:
            await pilot.pause()
            if predicate():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
            engine = app.engine
            if engine is not None and engine is not listening_to:
                if remove is not None:
                    remove()
                remove = engine.add_listener(lambda _update: changed.set())
                listening_to = engine
            changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), 0.2)
    finally:
        if remove is not None:
            remove()


def status_of(app: PodtuiApp, key: str) -> str | None:
    """The STATUS cell of a pod's row (None when it has no row)."""
    table = app.pods_screen.table
    if key not in table.rows:
        return None
    return table.cell_text(key, "status")


def painted_text(app: App[object], text: str) -> bool:
    """Whether the screen as painted now shows ``text`` (spaces ignored: the SVG export
    splits text into styled runs)."""
    svg = app.export_screenshot()
    shown = re.sub(r"\s", "", html.unescape(re.sub(r"<[^>]+>", "", svg)))
    return re.sub(r"\s", "", text) in shown
