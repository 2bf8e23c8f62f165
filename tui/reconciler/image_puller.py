"""Image pulls with progress, shared between pods, following the kubelet's pull policies.

Pulls go through Podman's Docker-compatible ``/images/create`` endpoint because it reports
per-layer progress (the libpod endpoint only prints lines), so the CLI and the app can show
bytes and layers while a pull runs. One pull per reference is in flight at a time; pods that
need the same image wait on it together.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from podman.errors import APIError, ImageNotFound

from tui.podman.gateway import PodmanGateway


class PullFailed(Exception):
    """A pull the registry or the network refused: ErrImagePull."""


@dataclass
class PullProgress:
    """What a pull has done so far, for progress bars (per reference)."""

    reference: str
    layers_total: int = 0
    layers_done: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    status: str = "Pulling"
    done: bool = False
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    _layers: dict[str, tuple[int, int, bool]] = field(default_factory=dict, repr=False)

    def update(self, message: dict[str, Any]) -> None:
        """Fold one compat-API progress message into the totals."""
        layer = message.get("id")
        status = str(message.get("status") or "")
        detail = message.get("progressDetail") or {}
        if status:
            self.status = status
        if not layer or status.startswith("Pulling from"):
            return
        current, total, finished = self._layers.get(layer, (0, 0, False))
        if isinstance(detail, dict) and detail.get("total"):
            current = int(detail.get("current") or 0)
            total = int(detail["total"])
        if status in ("Download complete", "Pull complete", "Already exists"):
            finished = True
            current = max(current, total)
        self._layers[layer] = (current, total, finished)
        self.layers_total = len(self._layers)
        self.layers_done = sum(1 for _, _, f in self._layers.values() if f)
        self.bytes_done = sum(c for c, _, _ in self._layers.values())
        self.bytes_total = sum(t for _, t, _ in self._layers.values())


ProgressListener = Callable[[PullProgress], None]


def split_reference(reference: str) -> tuple[str, str]:
    """``repo:tag`` or ``repo@digest`` -> (fromImage, tag) for the compat endpoint."""
    if "@" in reference:
        repo, digest = reference.split("@", 1)
        return repo, digest
    slash = reference.rfind("/")
    colon = reference.rfind(":")
    if colon > slash:
        return reference[:colon], reference[colon + 1 :]
    return reference, "latest"


class ImagePuller:
    """Check for and pull images; one in-flight pull per reference."""

    def __init__(self, gateway: PodmanGateway, on_progress: ProgressListener | None = None) -> None:
        self.gateway = gateway
        self.on_progress = on_progress
        self._inflight: dict[str, asyncio.Future[str]] = {}
        self.progress: dict[str, PullProgress] = {}

    async def exists(self, reference: str) -> bool:
        """True when the image is in local storage."""
        return await self.gateway.call(self.gateway.client.images.exists, reference)

    async def image_id(self, reference: str) -> str:
        """The local image's ID (``sha256:...``), or "" when absent."""
        try:
            image = await self.gateway.call(self.gateway.client.images.get, reference)
        except ImageNotFound:
            return ""
        return f"sha256:{image.id}" if not str(image.id).startswith("sha256:") else str(image.id)

    async def pull(self, reference: str) -> str:
        """Pull ``reference`` (sharing an in-flight pull); returns the image size in bytes as text."""
        future = self._inflight.get(reference)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._inflight[reference] = future
            try:
                result = await self._pull(reference)
            except BaseException as exc:
                future.set_exception(exc)
                future.exception()  # mark retrieved: waiters re-raise it themselves
                raise
            else:
                future.set_result(result)
            finally:
                self._inflight.pop(reference, None)
            return result
        return await asyncio.shield(future)

    async def _pull(self, reference: str) -> str:
        progress = PullProgress(reference)
        self.progress[reference] = progress
        loop = asyncio.get_running_loop()
        listener = self.on_progress

        def report() -> None:
            if listener is not None:
                listener(progress)

        def run() -> str:
            repo, tag = split_reference(reference)
            response = self.gateway.client.api.post(
                "/images/create",
                params={"fromImage": repo, "tag": tag},
                compatible=True,
                stream=True,
                timeout=(10, 600),
            )
            if response.status_code >= 400:
                try:
                    detail = response.json().get("message", response.text)
                except ValueError:
                    detail = response.text
                raise PullFailed(str(detail).strip())
            last_report = 0.0
            for line in response.iter_lines():
                if not line:
                    continue
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                error = message.get("error") or (message.get("errorDetail") or {}).get("message")
                if error:
                    raise PullFailed(str(error).strip())
                progress.update(message)
                now = time.monotonic()
                if now - last_report > 0.1:  # at most ten progress messages a second
                    last_report = now
                    loop.call_soon_threadsafe(report)
            return reference

        try:
            await self.gateway.call(run)
        except PullFailed as exc:
            progress.error = str(exc)
            raise
        except APIError as exc:
            progress.error = str(exc)
            raise PullFailed(str(exc)) from exc
        finally:
            progress.done = True
            report()
            self.progress.pop(reference, None)
        size = await self._size(reference)
        return size

    async def _size(self, reference: str) -> str:
        try:
            image = await self.gateway.call(self.gateway.client.images.get, reference)
        except (ImageNotFound, APIError):
            return "0"
        return str(image.attrs.get("Size", 0))
