"""What the engine tells its listeners (the app, ``get -w``, ``serve``'s log, the state store).

Plain dataclasses so that the engine stays free of Textual; the app wraps each one in a
Textual message. Listeners are called on the engine's event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.status.events import Event


@dataclass(frozen=True)
class PodChanged:
    """A pod's full v1.Pod object after a change (managed or foreign)."""

    namespace: str
    name: str
    pod: dict[str, Any]
    managed: bool = True


@dataclass(frozen=True)
class PodRemoved:
    """A pod is gone from Podman (deleted, or its manifest removed)."""

    namespace: str
    name: str


@dataclass(frozen=True)
class EventRecorded:
    """A Kubernetes-style event was recorded (or its count went up)."""

    event: Event


@dataclass(frozen=True)
class ConnectionChanged:
    """The Podman service was reached or lost."""

    connected: bool
    version: str = ""
    detail: str = ""
    source: str = ""


@dataclass(frozen=True)
class PullProgressed:
    """An image pull made progress (for progress bars)."""

    reference: str
    layers_done: int
    layers_total: int
    bytes_done: int
    bytes_total: int
    done: bool = False
    error: str | None = None


@dataclass(frozen=True)
class ReconcileLogged:
    """One reconcile action, one line (what ``podtui serve`` prints)."""

    message: str
    level: str = "info"


@dataclass(frozen=True)
class FileProblems:
    """The problems of one manifest file (empty when it became valid again)."""

    path: str
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RoleChanged:
    """This instance reconciles the folder, or only views it (another podtui holds the lock)."""

    role: str  # "reconciler" | "viewer"
    detail: str = ""


EngineUpdate = (
    PodChanged
    | PodRemoved
    | EventRecorded
    | ConnectionChanged
    | PullProgressed
    | ReconcileLogged
    | FileProblems
    | RoleChanged
)
