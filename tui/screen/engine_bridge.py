"""Engine updates -> Textual messages: the only place the UI listens to the engine.

The engine calls its listeners on the asyncio loop with plain ``tui.reconciler.updates``
objects; the bridge turns each into a message posted to the app, so every widget change
happens in a message handler. Pod changes and pull progress arrive in bursts, so their
messages collapse (``can_replace``) per pod and per image.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from textual.message import Message
from textual.message_pump import MessagePump

from tui.reconciler.updates import (
    ConnectionChanged,
    EngineUpdate,
    EventRecorded,
    FileProblems,
    PodChanged,
    PodRemoved,
    PullProgressed,
    ReconcileLogged,
    RoleChanged,
)
from tui.status.events import Event

log = logging.getLogger(__name__)


class Listenable(Protocol):
    """What the bridge needs from an engine."""

    def add_listener(self, listener: Callable[[EngineUpdate], None]) -> Callable[[], None]: ...

    def all_pods(self) -> list[dict[str, Any]]: ...


class EngineBridge:
    """Attach to one engine at a time and post its updates to ``target`` as messages."""

    @dataclass
    class PodUpdated(Message):
        """A pod's latest v1.Pod object (collapses per pod)."""

        pod_namespace: str
        name: str
        pod: dict[str, Any]
        managed: bool = True

        def can_replace(self, message: Message) -> bool:
            """A newer object of the same pod supersedes an older one."""
            return isinstance(message, EngineBridge.PodUpdated) and (
                message.pod_namespace,
                message.name,
            ) == (self.pod_namespace, self.name)

    @dataclass
    class PodGone(Message):
        """A pod was deleted."""

        pod_namespace: str
        name: str

    @dataclass
    class EventAdded(Message):
        """An event was recorded (or its count went up)."""

        event: Event

    @dataclass
    class ConnectionUpdated(Message):
        """Podman was reached, or lost (``detail`` says why and that we retry)."""

        connected: bool
        version: str = ""
        detail: str = ""
        source: str = ""

    @dataclass
    class PullUpdated(Message):
        """An image pull progressed (collapses per image)."""

        reference: str
        layers_done: int
        layers_total: int
        bytes_done: int
        bytes_total: int
        done: bool = False
        error: str | None = None

        def can_replace(self, message: Message) -> bool:
            """Only the newest progress of one image matters."""
            return (
                isinstance(message, EngineBridge.PullUpdated)
                and message.reference == self.reference
            )

    @dataclass
    class ReconcileNoted(Message):
        """One reconcile action, one line."""

        message: str
        level: str = "info"

    @dataclass
    class FileProblemsUpdated(Message):
        """A manifest file's problems (empty when it is valid again)."""

        path: str
        problems: list[str]

    @dataclass
    class RoleUpdated(Message):
        """This instance reconciles the folder, or views it."""

        role: str
        detail: str = ""

    def __init__(self, target: MessagePump) -> None:
        self.target = target
        self._remove: Callable[[], None] | None = None

    def attach(self, engine: Listenable) -> None:
        """Listen to ``engine`` (and to nothing else)."""
        self.detach()
        self._remove = engine.add_listener(self._on_update)

    def detach(self) -> None:
        """Stop listening."""
        if self._remove is not None:
            self._remove()
            self._remove = None

    def replay(self, engine: Listenable) -> None:
        """Post every pod the engine knows, for a screen that starts after them."""
        for pod in engine.all_pods():
            metadata = pod.get("metadata") or {}
            self.target.post_message(
                self.PodUpdated(
                    str(metadata.get("namespace") or ""),
                    str(metadata.get("name") or ""),
                    pod,
                    managed=not is_foreign(pod),
                )
            )

    def _on_update(self, update: EngineUpdate) -> None:
        message = translate(update)
        if message is not None:
            self.target.post_message(message)


def is_foreign(pod: dict[str, Any]) -> bool:
    """A Podman pod podtui did not create (shown read-only)."""
    from tui.reconciler.foreign_pods import FOREIGN_ANNOTATION

    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    return annotations.get(FOREIGN_ANNOTATION) == "true"


def translate(update: EngineUpdate) -> Message | None:
    """The message for one engine update (None for an update the UI does not show)."""
    bridge = EngineBridge
    if isinstance(update, PodChanged):
        return bridge.PodUpdated(update.namespace, update.name, update.pod, update.managed)
    if isinstance(update, PodRemoved):
        return bridge.PodGone(update.namespace, update.name)
    if isinstance(update, EventRecorded):
        return bridge.EventAdded(update.event)
    if isinstance(update, ConnectionChanged):
        return bridge.ConnectionUpdated(
            update.connected, update.version, update.detail, update.source
        )
    if isinstance(update, PullProgressed):
        return bridge.PullUpdated(
            update.reference,
            update.layers_done,
            update.layers_total,
            update.bytes_done,
            update.bytes_total,
            update.done,
            update.error,
        )
    if isinstance(update, ReconcileLogged):
        return bridge.ReconcileNoted(update.message, update.level)
    if isinstance(update, FileProblems):
        return bridge.FileProblemsUpdated(update.path, list(update.problems))
    if isinstance(update, RoleChanged):
        return bridge.RoleUpdated(update.role, update.detail)
    log.debug("unknown engine update %r", type(update).__name__)
    return None
