"""EventRecorder: correlator de-duplication, per-pod bound, listeners, JSON, threads."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from status_builders import NOW

from tui.status.events import (
    Event,
    EventRecorder,
    container_field_path,
    default_type,
    event_from_dict,
    event_to_dict,
    newest_first,
)

WEB = container_field_path("app", "web")


def test_field_paths() -> None:
    assert WEB == "spec.containers{web}"
    assert container_field_path("init", "setup") == "spec.initContainers{setup}"
    assert container_field_path("sidecar", "proxy") == "spec.initContainers{proxy}"


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("Scheduled", "Normal"),
        ("Pulling", "Normal"),
        ("Pulled", "Normal"),
        ("Created", "Normal"),
        ("Started", "Normal"),
        ("Killing", "Normal"),
        ("Failed", "Warning"),
        ("BackOff", "Warning"),
        ("Unhealthy", "Warning"),
        ("ProbeWarning", "Warning"),
        ("FailedPostStartHook", "Warning"),
        ("FailedPreStopHook", "Warning"),
        ("ErrImageNeverPull", "Warning"),
        ("InspectFailed", "Warning"),
    ],
)
def test_default_types(reason: str, kind: str) -> None:
    assert default_type(reason) == kind
    event = EventRecorder().record("default", "web", reason, "m", at=NOW)
    assert event.type == kind


def test_explicit_type_wins() -> None:
    event = EventRecorder().record("default", "web", "Killing", "m", type="Warning", at=NOW)
    assert event.type == "Warning"


def test_same_event_is_counted_not_repeated() -> None:
    recorder = EventRecorder()
    message = "Back-off restarting failed container web in pod web_default(uid)"
    first = recorder.record("default", "web", "BackOff", message, field_path=WEB, at=NOW)
    second = recorder.record(
        "default", "web", "BackOff", message, field_path=WEB, at=NOW + timedelta(seconds=10)
    )
    assert first.count == 1
    assert second.count == 2
    assert second.first_timestamp == NOW
    assert second.last_timestamp == NOW + timedelta(seconds=10)
    assert recorder.events_for("default", "web") == [second]


def test_different_message_or_object_is_a_new_event() -> None:
    recorder = EventRecorder()
    recorder.record("default", "web", "Started", "Started container web", field_path=WEB, at=NOW)
    recorder.record("default", "web", "Started", "Started container api", field_path=WEB, at=NOW)
    recorder.record(
        "default",
        "web",
        "Started",
        "Started container web",
        field_path="spec.containers{api}",
        at=NOW,
    )
    recorder.record(
        "default", "web", "Started", "Started container web", field_path=WEB, type="Warning", at=NOW
    )
    assert len(recorder.events_for("default", "web")) == 4


def test_bound_drops_the_oldest() -> None:
    recorder = EventRecorder(max_per_pod=3)
    for index in range(5):
        recorder.record(
            "default", "web", "Pulled", f"image {index}", at=NOW + timedelta(seconds=index)
        )
    messages = [e.message for e in recorder.events_for("default", "web")]
    assert messages == ["image 2", "image 3", "image 4"]


def test_repeated_event_is_refreshed_not_dropped() -> None:
    recorder = EventRecorder(max_per_pod=2)
    recorder.record("default", "web", "BackOff", "again", at=NOW)
    recorder.record("default", "web", "Pulled", "one", at=NOW + timedelta(seconds=1))
    recorder.record("default", "web", "BackOff", "again", at=NOW + timedelta(seconds=2))
    recorder.record("default", "web", "Pulled", "two", at=NOW + timedelta(seconds=3))
    assert [(e.message, e.count) for e in recorder.events_for("default", "web")] == [
        ("again", 2),
        ("two", 1),
    ]


def test_bound_is_per_pod() -> None:
    recorder = EventRecorder(max_per_pod=1)
    recorder.record("default", "web", "Pulled", "w", at=NOW)
    recorder.record("default", "api", "Pulled", "a", at=NOW)
    recorder.record("other", "web", "Pulled", "o", at=NOW)
    assert [e.message for e in recorder.events_for("default", "web")] == ["w"]
    assert [e.message for e in recorder.events_for("default", "api")] == ["a"]
    assert [e.message for e in recorder.events_for("other", "web")] == ["o"]
    recorder.forget("default", "web")
    assert recorder.events_for("default", "web") == []
    assert len(recorder.all_events()) == 2


def test_orders() -> None:
    recorder = EventRecorder()
    recorder.record("default", "web", "Scheduled", "s", at=NOW)
    recorder.record("default", "web", "Started", "b", at=NOW + timedelta(seconds=5))
    recorder.record("default", "web", "Scheduled", "s", at=NOW + timedelta(seconds=9))
    assert [e.reason for e in recorder.events_for("default", "web")] == ["Started", "Scheduled"]
    assert [e.reason for e in newest_first(recorder.events_for("default", "web"))] == [
        "Scheduled",
        "Started",
    ]


def test_clock_is_used_without_at() -> None:
    recorder = EventRecorder(clock=lambda: NOW)
    assert recorder.record("default", "web", "Scheduled", "s").first_timestamp == NOW


def test_listeners_receive_and_unsubscribe() -> None:
    recorder = EventRecorder()
    seen: list[Event] = []
    remove = recorder.add_listener(seen.append)
    recorder.record("default", "web", "Pulled", "x", at=NOW)
    recorder.record("default", "web", "Pulled", "x", at=NOW)
    assert [e.count for e in seen] == [1, 2]
    remove()
    recorder.record("default", "web", "Pulled", "y", at=NOW)
    assert len(seen) == 2


def test_listener_may_read_the_recorder() -> None:
    recorder = EventRecorder()
    counts: list[int] = []
    recorder.add_listener(lambda e: counts.append(len(recorder.events_for(e.namespace, e.pod))))
    recorder.record("default", "web", "Pulled", "x", at=NOW)
    assert counts == [1]  # no deadlock: listeners run outside the lock


def test_v1_event_shape() -> None:
    recorder = EventRecorder()
    event = recorder.record(
        "default", "web", "BackOff", "  back-off  ", field_path=WEB, pod_uid="u1", at=NOW
    )
    value = event_to_dict(event)
    assert value["apiVersion"] == "v1" and value["kind"] == "Event"
    assert value["metadata"]["namespace"] == "default"
    assert value["metadata"]["name"] == f"web.{int(NOW.timestamp()) * 10**9:x}"
    assert value["involvedObject"] == {
        "apiVersion": "v1",
        "kind": "Pod",
        "namespace": "default",
        "name": "web",
        "uid": "u1",
        "fieldPath": WEB,
    }
    assert value["type"] == "Warning"
    assert value["source"] == {"component": "podtui"}
    assert value["count"] == 1
    assert value["firstTimestamp"] == value["lastTimestamp"] == "2026-01-02T03:04:05Z"


def test_json_round_trip() -> None:
    recorder = EventRecorder()
    recorder.record(
        "default", "web", "Scheduled", "Successfully assigned default/web to podtui", at=NOW
    )
    for second in range(3):
        recorder.record(
            "default", "web", "BackOff", "b", field_path=WEB, at=NOW + timedelta(seconds=second)
        )
    recorder.record("other", "api", "Pulled", "p", at=NOW)
    saved = recorder.to_json()
    restored = EventRecorder()
    restored.load_json(saved)
    assert restored.all_events() == recorder.all_events()
    assert restored.to_json() == saved
    # A restored event keeps counting.
    again = restored.record(
        "default", "web", "BackOff", "b", field_path=WEB, at=NOW + timedelta(seconds=9)
    )
    assert again.count == 4


def test_from_dict_needs_a_time() -> None:
    with pytest.raises(ValueError):
        event_from_dict({"involvedObject": {"name": "web"}, "reason": "x"})


def test_concurrent_recording_loses_nothing() -> None:
    recorder = EventRecorder()
    seen: list[int] = []
    recorder.add_listener(lambda e: seen.append(e.count))

    def worker() -> None:
        for _ in range(500):
            recorder.record(
                "default", "web", "Unhealthy", "Readiness probe failed", field_path=WEB, at=NOW
            )

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (event,) = recorder.events_for("default", "web")
    assert event.count == 4000
    assert sorted(seen) == list(range(1, 4001))
