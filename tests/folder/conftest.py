"""A reconciling Session on a private manifests folder, and helpers to write manifests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from folder_helpers import cleanup

from tui.config import Settings
from tui.session import Session


@pytest.fixture
def folder_settings(settings: Settings) -> Settings:
    """Test settings with the short back-off and a short periodic resync."""
    return settings.with_changes(backoff_base=0.5, backoff_cap=4.0, resync_seconds=5.0)


@pytest.fixture
async def session(folder_settings: Settings) -> AsyncIterator[Session]:
    """A started session that holds the folder lock; its pods are deleted afterwards."""
    session = Session(folder_settings)
    await session.start()
    try:
        yield session
    finally:
        await cleanup(session)
