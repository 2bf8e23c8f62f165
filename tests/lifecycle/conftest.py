"""An engine on the test session's Podman service with a short back-off."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tui.config import Settings
from tui.engine import Engine


@pytest.fixture
async def engine(settings: Settings, test_labels: dict[str, str]) -> AsyncIterator[Engine]:
    """A started engine (back-off 0.5 s doubling to 4 s); its pods are deleted afterwards."""
    engine = Engine(settings.with_changes(backoff_base=0.5, backoff_cap=4.0))
    engine.test_labels = dict(test_labels)  # type: ignore[attr-defined]  # read by apply()
    await engine.start()
    try:
        yield engine
    finally:
        await asyncio.gather(
            *(engine.delete(ns, name, grace=2) for ns, name in list(engine.supervisors))
        )
        await engine.close()
