"""A plain connection to Podman for commands that need no engine (logs, exec, foreign pods).

It finds the service the way the engine does (``CONTAINER_HOST``, the default sockets, a
service another podtui advertised, else a private one that lives as long as the command)
and offers the gateway's client and event subscriptions delivered on asyncio queues.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tui.config import Settings
from tui.podman.gateway import PodmanGateway
from tui.podman.service import Endpoint, PodmanService

LOST = object()  # put on a subscription queue when the event stream ends


class PodmanConnection:
    """One command's Podman: a gateway (podman-py client, worker threads, events)."""

    def __init__(self, settings: Settings, endpoint: Endpoint | None = None) -> None:
        self.settings = settings
        self.service = PodmanService(settings)
        self._endpoint = endpoint  # reuse an engine's endpoint instead of finding one
        self.gateway: PodmanGateway | None = None
        self._streams: list[PodmanGateway] = []

    async def open(self) -> PodmanGateway:
        """Connect (starting a private service only when none is found)."""
        if self.gateway is None:
            endpoint = self._endpoint
            if endpoint is None:
                endpoint = await asyncio.to_thread(self.service.open)
            gateway = PodmanGateway(endpoint, workers=4)
            try:
                await gateway.version()
            except Exception:
                gateway.close()
                raise
            self.gateway = gateway
        return self.gateway

    @property
    def client(self) -> Any:
        """The podman-py client (after ``open``)."""
        assert self.gateway is not None, "open() first"
        return self.gateway.client

    async def subscribe(self) -> asyncio.Queue[Any]:
        """Subscribe to container and pod events; they (or ``LOST``) arrive on the queue.

        The subscription is live when this returns, so a caller reads the state it cares
        about afterwards and misses nothing in between.
        """
        gateway = await self.open()
        stream = PodmanGateway(gateway.endpoint, workers=1)
        self._streams.append(stream)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        await asyncio.to_thread(
            stream.start_events, loop, queue.put_nowait, lambda _exc: queue.put_nowait(LOST)
        )
        return queue

    async def close(self) -> None:
        """Disconnect; a private service we started is stopped (pods keep running)."""
        for stream in self._streams:
            stream.close()
        self._streams.clear()
        if self.gateway is not None:
            self.gateway.close()
            self.gateway = None
        if self._endpoint is None:
            await asyncio.to_thread(self.service.close)
