"""Kubernetes-style events per pod: recorded, de-duplicated, bounded, listened to, persisted.

Same reason + message + object from the same source is one event whose ``count`` grows and
whose ``lastTimestamp`` moves, as client-go's event correlator does; each pod keeps its
newest ``max_per_pod`` events. The recorder is shared by the supervisor's threads and the
asyncio loop, so every method takes one short lock and listeners run after it is released.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from tui.status.model import ContainerKind
from tui.status.timestamps import as_utc, parse_rfc3339, rfc3339

EventType = Literal["Normal", "Warning"]
SOURCE = "podtui"
DEFAULT_MAX_PER_POD = 200

# Reasons the engine emits (kubelet wording).
SCHEDULED = "Scheduled"
PULLING = "Pulling"
PULLED = "Pulled"
CREATED = "Created"
STARTED = "Started"
KILLING = "Killing"
FAILED = "Failed"
BACK_OFF = "BackOff"
UNHEALTHY = "Unhealthy"
PROBE_WARNING = "ProbeWarning"
FAILED_POST_START_HOOK = "FailedPostStartHook"
FAILED_PRE_STOP_HOOK = "FailedPreStopHook"
ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull"
INSPECT_FAILED = "InspectFailed"
WARNING_REASONS = frozenset(
    {
        FAILED,
        BACK_OFF,
        UNHEALTHY,
        PROBE_WARNING,
        FAILED_POST_START_HOOK,
        FAILED_PRE_STOP_HOOK,
        ERR_IMAGE_NEVER_PULL,
        INSPECT_FAILED,
    }
)


def default_type(reason: str) -> EventType:
    """Warning for the reasons the kubelet reports as warnings, Normal otherwise."""
    return "Warning" if reason in WARNING_REASONS else "Normal"


def container_field_path(kind: ContainerKind, name: str) -> str:
    """The involvedObject.fieldPath of a container: ``spec.containers{web}``."""
    key = "containers" if kind == "app" else "initContainers"
    return f"spec.{key}{{{name}}}"


@dataclass(frozen=True)
class Event:
    """One v1.Event about a pod (or one of its containers, via ``field_path``)."""

    namespace: str
    pod: str
    type: EventType
    reason: str
    message: str
    first_timestamp: datetime
    last_timestamp: datetime
    count: int = 1
    field_path: str = ""
    source: str = SOURCE
    pod_uid: str = ""

    @property
    def key(self) -> tuple[str, ...]:
        """The correlator's identity: source, object (with field path), type, reason, message."""
        return (
            self.source,
            self.namespace,
            self.pod,
            self.pod_uid,
            self.field_path,
            self.type,
            self.reason,
            self.message,
        )

    @property
    def name(self) -> str:
        """``<pod>.<hex nanoseconds of the first occurrence>``, like client-go names events."""
        nanos = int(as_utc(self.first_timestamp).timestamp() * 1_000_000) * 1000
        return f"{self.pod}.{nanos:x}"


def event_to_dict(event: Event) -> dict[str, Any]:
    """A v1.Event dict, for persistence and ``kubectl get events -o json`` style output."""
    involved: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "namespace": event.namespace,
        "name": event.pod,
    }
    if event.pod_uid:
        involved["uid"] = event.pod_uid
    if event.field_path:
        involved["fieldPath"] = event.field_path
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": event.name,
            "namespace": event.namespace,
            "creationTimestamp": rfc3339(event.first_timestamp),
        },
        "involvedObject": involved,
        "type": event.type,
        "reason": event.reason,
        "message": event.message,
        "source": {"component": event.source},
        "count": event.count,
        "firstTimestamp": rfc3339(event.first_timestamp),
        "lastTimestamp": rfc3339(event.last_timestamp),
        "eventTime": None,
        "reportingComponent": event.source,
        "reportingInstance": "",
    }


def event_from_dict(value: Mapping[str, Any]) -> Event:
    """The inverse of ``event_to_dict`` (timestamps come back at one-second precision)."""
    involved = value.get("involvedObject") or {}
    metadata = value.get("metadata") or {}
    first = parse_rfc3339(value.get("firstTimestamp")) or parse_rfc3339(
        metadata.get("creationTimestamp")
    )
    last = parse_rfc3339(value.get("lastTimestamp")) or first
    if first is None or last is None:
        raise ValueError("an event needs firstTimestamp or lastTimestamp")
    kind = value.get("type")
    return Event(
        namespace=str(involved.get("namespace") or metadata.get("namespace") or "default"),
        pod=str(involved.get("name") or ""),
        type=kind if kind in ("Normal", "Warning") else "Normal",
        reason=str(value.get("reason") or ""),
        message=str(value.get("message") or ""),
        first_timestamp=first,
        last_timestamp=last,
        count=int(value.get("count") or 1),
        field_path=str(involved.get("fieldPath") or ""),
        source=str((value.get("source") or {}).get("component") or SOURCE),
        pod_uid=str(involved.get("uid") or ""),
    )


def newest_first(events: Iterable[Event]) -> list[Event]:
    """Events ordered by last occurrence, newest first (the UI's event pane)."""
    return sorted(events, key=lambda e: as_utc(e.last_timestamp), reverse=True)


Listener = Callable[[Event], None]


class EventRecorder:
    """Records events per pod with the correlator's de-duplication and a per-pod bound."""

    def __init__(
        self,
        max_per_pod: int = DEFAULT_MAX_PER_POD,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._max = max(1, max_per_pod)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._pods: dict[tuple[str, str], OrderedDict[tuple[str, ...], Event]] = {}
        self._listeners: list[Listener] = []

    def record(
        self,
        namespace: str,
        pod: str,
        reason: str,
        message: str,
        *,
        type: EventType | None = None,  # noqa: A002 - the v1.Event field name
        field_path: str = "",
        pod_uid: str = "",
        at: datetime | None = None,
    ) -> Event:
        """Record one occurrence and return the stored event (new, or with count + 1).

        ``type`` defaults to Warning for the kubelet's warning reasons; ``at`` defaults to
        the recorder's clock. Listeners are called with the stored event.
        """
        moment = as_utc(at or self._clock())
        draft = Event(
            namespace=namespace,
            pod=pod,
            type=type or default_type(reason),
            reason=reason,
            message=message,
            first_timestamp=moment,
            last_timestamp=moment,
            field_path=field_path,
            pod_uid=pod_uid,
        )
        with self._lock:
            stored = self._store(draft, merge=True)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(stored)
        return stored

    def _store(self, event: Event, merge: bool) -> Event:
        bucket = self._pods.setdefault((event.namespace, event.pod), OrderedDict())
        existing = bucket.get(event.key)
        if existing is not None and merge:
            event = replace(
                existing,
                count=existing.count + event.count,
                last_timestamp=max(existing.last_timestamp, event.last_timestamp),
            )
        bucket[event.key] = event
        bucket.move_to_end(event.key)
        while len(bucket) > self._max:
            bucket.popitem(last=False)
        return event

    def events_for(self, namespace: str, pod: str) -> list[Event]:
        """A pod's events, oldest first by last occurrence (kubectl describe's order)."""
        with self._lock:
            events = list(self._pods.get((namespace, pod), {}).values())
        return sorted(events, key=lambda e: as_utc(e.last_timestamp))

    def all_events(self) -> list[Event]:
        """Every stored event, oldest first."""
        with self._lock:
            events = [e for bucket in self._pods.values() for e in bucket.values()]
        return sorted(events, key=lambda e: as_utc(e.last_timestamp))

    def forget(self, namespace: str, pod: str) -> None:
        """Drop a pod's events (when the pod is gone for good)."""
        with self._lock:
            self._pods.pop((namespace, pod), None)

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every recorded event; returns a function that unsubscribes.

        Listeners run on the recording thread, outside the lock; an asyncio consumer should
        hand the event over with ``loop.call_soon_threadsafe``.
        """
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def to_json(self) -> list[dict[str, Any]]:
        """All events as v1.Event dicts, oldest first (for the state file)."""
        return [event_to_dict(e) for e in self.all_events()]

    def load_json(self, values: Iterable[Mapping[str, Any]]) -> None:
        """Restore events saved by ``to_json``; a saved event replaces a recorded twin."""
        events = [event_from_dict(v) for v in values]
        events.sort(key=lambda e: as_utc(e.last_timestamp))
        with self._lock:
            for event in events:
                self._store(event, merge=False)
