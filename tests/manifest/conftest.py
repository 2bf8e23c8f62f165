"""Fixtures for the manifest tests."""

from __future__ import annotations

from typing import Any

import pytest
from manifest_helpers import base_pod


@pytest.fixture
def pod() -> dict[str, Any]:
    """A valid Pod to mutate."""
    return base_pod()
