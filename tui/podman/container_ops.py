"""Small container operations podman-py gets wrong on Podman 4.3.

``Container.stop()`` decodes the reply as JSON, but stopping a container that has already
stopped answers ``304 Not Modified`` with no body, which podman-py turns into a decoding
error. Stopping must be idempotent for graceful termination to be simple.

``Container.start()`` needs a ``Container`` object, and getting one costs an inspect, which
on Podman 4.3 waits on the pod's lock while a sibling container is being created; a start
by id is one request.
"""

from __future__ import annotations

from typing import Any

from podman.errors import APIError, NotFound


def stop_container(client: Any, container_id: str, timeout: int) -> bool:
    """Stop with the image's stop signal, SIGKILL after ``timeout`` s; False if already gone."""
    response = client.api.post(
        f"/containers/{container_id}/stop",
        params={"timeout": int(timeout)},
        timeout=int(timeout) + 60,
    )
    if response.status_code in (204, 304):
        return True
    if response.status_code == 404:
        return False
    try:
        response.raise_for_status()
    except NotFound:
        return False
    except APIError:
        raise
    return True


def start_container(client: Any, container_id: str) -> None:
    """Start a created container by id (already running is fine); raises APIError on failure."""
    response = client.api.post(f"/containers/{container_id}/start")
    if response.status_code in (204, 304):
        return
    response.raise_for_status()


def stop_pod(client: Any, pod: str, timeout: int) -> bool:
    """Stop every container of a pod (infra included); False when the pod is gone."""
    response = client.api.post(
        f"/pods/{pod}/stop", params={"t": int(timeout)}, timeout=int(timeout) + 60
    )
    if response.status_code in (200, 204, 304):
        return True
    if response.status_code == 404:
        return False
    response.raise_for_status()
    return True
