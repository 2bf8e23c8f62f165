"""The engine's only door to Podman: blocking podman-py calls off the event loop, and events.

podman-py is synchronous (requests over a unix socket). The gateway runs its calls on a
bounded thread pool so that many pods are worked on at once, turns a lost connection into
``PodmanUnavailable`` (so status can say Unknown and the engine can reconnect), and reads
Podman's event stream on a thread of its own, handing each event to the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import podman
import requests
from podman.errors import APIError

from tui.errors import PodmanUnavailable
from tui.podman.service import Endpoint

log = logging.getLogger(__name__)
T = TypeVar("T")

# Two cores, but Podman calls mostly wait on the service: enough threads to overlap 20 pods.
WORKER_THREADS = 24
EVENT_TYPES = ["container", "pod"]


def is_connection_error(exc: BaseException) -> bool:
    """True when ``exc`` means the service is gone rather than that a request was refused.

    requests' errors are OSErrors too (even a body that is not JSON), so only connection
    failures count: refused or missing socket, a connection dropped mid-response.
    """
    if isinstance(exc, PodmanUnavailable):
        return True
    if isinstance(exc, APIError):
        cause = exc.__cause__
        return (
            getattr(exc, "response", None) is None
            and cause is not None
            and is_connection_error(cause)
        )
    if isinstance(exc, requests.exceptions.JSONDecodeError):
        return False
    return isinstance(
        exc,
        requests.exceptions.ConnectionError
        | requests.exceptions.ChunkedEncodingError
        | ConnectionError
        | FileNotFoundError,
    )


class PodmanGateway:
    """Run podman-py calls on worker threads and stream Podman events to a callback."""

    def __init__(
        self,
        endpoint: Endpoint,
        workers: int = WORKER_THREADS,
        podman_env: dict[str, str] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.podman_env = podman_env  # for podman CLI calls (CONTAINERS_CONF on hosts that need it)
        self.client = podman.PodmanClient(base_url=endpoint.url, timeout=120)
        # The event stream must not time out while idle, so it gets a client of its own.
        self._event_client = podman.PodmanClient(base_url=endpoint.url)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="podman")
        self._events_thread: threading.Thread | None = None
        self._events_stop = threading.Event()
        self._events_response: Any = None
        self._closed = False  # after close(), calls raise PodmanUnavailable

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on a worker thread; a dead service raises PodmanUnavailable."""
        loop = asyncio.get_running_loop()
        if self._closed:
            raise PodmanUnavailable("the Podman connection is closed (podtui is stopping)")
        try:
            return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))
        except RuntimeError as exc:
            if self._closed:  # "cannot schedule new futures after shutdown": a late task
                raise PodmanUnavailable("the Podman connection is closed (podtui is stopping)") from exc
            raise
        except Exception as exc:
            if is_connection_error(exc):
                raise PodmanUnavailable(f"lost the Podman service at {self.endpoint.url}") from exc
            raise

    def call_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The same as ``call`` for code that already runs on a worker thread."""
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if is_connection_error(exc):
                raise PodmanUnavailable(f"lost the Podman service at {self.endpoint.url}") from exc
            raise

    async def version(self) -> str:
        """The service's Podman version (also a cheap liveness check)."""
        info = await self.call(self.client.version)
        return str(info.get("Version", "?"))

    def start_events(
        self,
        loop: asyncio.AbstractEventLoop,
        on_event: Callable[[dict[str, Any]], None],
        on_lost: Callable[[BaseException | None], None],
    ) -> None:
        """Stream container and pod events; ``on_event`` and ``on_lost`` run on ``loop``."""
        self._events_stop.clear()
        ready = threading.Event()

        def pump() -> None:
            error: BaseException | None = None
            try:
                params = {"stream": True, "filters": '{"type":["container","pod"]}'}
                response = self._event_client.api.get("/events", params=params, stream=True)
                response.raise_for_status()
                self._events_response = response
                ready.set()
                for line in response.iter_lines():
                    if self._events_stop.is_set():
                        return
                    if not line:
                        continue
                    try:
                        event = podman_json(line)
                    except ValueError:
                        continue
                    loop.call_soon_threadsafe(on_event, event)
            except BaseException as exc:  # noqa: BLE001 - reported to the loop below
                error = exc
            finally:
                ready.set()
            if not self._events_stop.is_set():
                with contextlib.suppress(RuntimeError):  # loop already closed at shutdown
                    loop.call_soon_threadsafe(on_lost, error)

        self._events_thread = threading.Thread(target=pump, name="podman-events", daemon=True)
        self._events_thread.start()
        # The subscription is live once the service answered the request; events that
        # happen after this point are not missed.
        ready.wait(timeout=10)

    def stop_events(self) -> None:
        """Stop the event stream: shut its socket down, which unblocks the reader thread.

        Closing the response alone is not enough: close() waits for the reader thread's
        read to return, which on an idle stream is when the next event comes (never).
        """
        self._events_stop.set()
        response, self._events_response = self._events_response, None
        if response is not None:
            shutdown_stream(response)
            with contextlib.suppress(Exception):
                response.close()

    def close(self) -> None:
        """Stop events and the worker threads; pending calls finish first."""
        self._closed = True
        self.stop_events()
        self._executor.shutdown(wait=False, cancel_futures=True)
        for client in (self.client, self._event_client):
            with contextlib.suppress(Exception):
                client.close()


def shutdown_stream(response: Any) -> None:
    """Shut down the socket under a streaming requests response (best effort)."""
    import socket

    with contextlib.suppress(Exception):
        # requests -> urllib3 -> http.client -> socket file -> socket
        response.raw._fp.fp.raw._sock.shutdown(socket.SHUT_RDWR)


def podman_json(line: bytes) -> dict[str, Any]:
    """Decode one event line."""
    import json

    value = json.loads(line)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value
