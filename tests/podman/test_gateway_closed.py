"""A call that arrives after the gateway closed is "Podman unavailable", not a crash.

Background tasks (a refresh after a Podman event) can outlive the engine by a moment when
podtui stops; their call must fail the way every Podman outage does, so it is handled, not
reported by asyncio as an unretrieved exception with a traceback on the terminal.
"""

from __future__ import annotations

import asyncio

import pytest

from tui.errors import PodmanUnavailable
from tui.podman.gateway import PodmanGateway
from tui.podman.service import Endpoint


def test_a_call_after_close_is_podman_unavailable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    gateway = PodmanGateway(Endpoint(url=f"unix://{tmp_path}/nobody.sock", source="test"))

    async def scenario() -> None:
        assert await gateway.call(lambda: 42) == 42
        gateway.close()
        with pytest.raises(PodmanUnavailable):
            await gateway.call(lambda: 42)

    asyncio.run(scenario())
