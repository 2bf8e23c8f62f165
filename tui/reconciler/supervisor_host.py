"""What a pod supervisor needs from the engine around it, as a protocol.

Keeping this narrow lets the supervisor be driven by the real engine, the one-shot CLI
path and tests alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tui.config import Settings
from tui.podman.gateway import PodmanGateway
from tui.reconciler.backoff import Backoff
from tui.reconciler.image_puller import ImagePuller
from tui.status.model import PodRecord


class SupervisorHost(Protocol):
    """Services shared by all pod supervisors of one engine."""

    settings: Settings
    gateway: PodmanGateway
    restart_backoff: Backoff
    pull_backoff: Backoff
    images: ImagePuller

    def emit(
        self,
        record: PodRecord,
        type_: str,
        reason: str,
        message: str,
        field_path: str | None = None,
    ) -> None:
        """Record a Kubernetes-style event for the pod."""

    def changed(self, record: PodRecord) -> None:
        """The record changed: recompute and publish the pod's status."""

    def now(self) -> datetime:
        """The current time (UTC, timezone-aware)."""

    async def ensure_network(self) -> None:
        """Make sure the pods' network exists (cached by the host)."""
