"""A podman-py client for an endpoint, with timeouts suited to a local socket."""

from __future__ import annotations

import podman

from tui.podman.service import Endpoint

API_TIMEOUT = 60


def connect(endpoint: Endpoint, timeout: float = API_TIMEOUT) -> podman.PodmanClient:
    """A client bound to ``endpoint``; cheap, makes no request until used."""
    return podman.PodmanClient(base_url=endpoint.url, timeout=timeout)
