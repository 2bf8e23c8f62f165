"""Builders for status tests: instances from the recorded inspect JSON, records, pods.

Every instance starts from a real ``podman inspect`` object in ``fixtures/`` (recorded by
``record_fixtures.py``) and only the fields a test is about are overridden, so the tests
exercise the real parsing path with times pinned where an assertion depends on them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from tui.status.model import ContainerInstance, ContainerKind, ContainerRecord, PodRecord
from tui.status.podman_inspect import instance_from_inspect

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
CREATED = NOW - timedelta(minutes=10)


@cache
def _inspect_text(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text()


def inspect_json(name: str) -> dict[str, Any]:
    """A fresh copy of one recorded inspect object (tests may edit it)."""
    return json.loads(_inspect_text(name))


def from_fixture(fixture: str, **changes: Any) -> ContainerInstance:
    """The instance parsed from a recorded fixture, with ``changes`` applied."""
    return replace(instance_from_inspect(inspect_json(fixture)), **changes)


def running(
    name: str = "web", started: datetime | None = None, attempt: int = 0
) -> ContainerInstance:
    """A running attempt (fixture ``running``)."""
    return from_fixture(
        "running", name=name, attempt=attempt, started_at=started or NOW - timedelta(minutes=5)
    )


def exited(
    name: str = "web",
    code: int = 0,
    finished: datetime | None = None,
    attempt: int = 0,
) -> ContainerInstance:
    """A stopped attempt (fixture ``exited_0`` or ``exited_1``) with the given exit code."""
    finished = finished or NOW - timedelta(seconds=30)
    fixture = "exited_0" if code == 0 else "exited_1"
    return from_fixture(
        fixture,
        name=name,
        exit_code=code,
        attempt=attempt,
        started_at=finished - timedelta(seconds=5),
        finished_at=finished,
    )


def container(
    name: str,
    kind: ContainerKind = "app",
    *,
    current: ContainerInstance | None = None,
    previous: ContainerInstance | None = None,
    waiting: str | None = None,
    message: str | None = None,
    restarts: int = 0,
    ready: bool | None = None,
    started: bool | None = None,
) -> ContainerRecord:
    """A container record; ready/started default to "running" (no probes)."""
    is_up = current is not None and current.state == "running"
    return ContainerRecord(
        name=name,
        kind=kind,
        image="localhost/podtui/busybox:latest",
        current=current,
        previous=previous,
        waiting_reason=waiting,
        waiting_message=message,
        restart_count=restarts,
        ready=is_up if ready is None else ready,
        started=is_up if started is None else started,
    )


def pod(
    *records: ContainerRecord,
    restart_policy: str = "Always",
    name: str = "web",
    spec_extra: dict[str, Any] | None = None,
    container_extra: dict[str, dict[str, Any]] | None = None,
    **fields: Any,
) -> PodRecord:
    """A PodRecord whose spec lists ``records`` (init/sidecar in initContainers) in order."""
    extra = container_extra or {}
    init: list[dict[str, Any]] = []
    app: list[dict[str, Any]] = []
    for record in records:
        entry: dict[str, Any] = {"name": record.name, "image": "busybox"}
        if record.kind == "sidecar":
            entry["restartPolicy"] = "Always"
        entry.update(extra.get(record.name, {}))
        (app if record.kind == "app" else init).append(entry)
    spec: dict[str, Any] = {"restartPolicy": restart_policy, "containers": app}
    if init:
        spec["initContainers"] = init
    spec.update(spec_extra or {})
    defaults: dict[str, Any] = {
        "pod_ip": "10.88.0.7",
        "created_at": CREATED,
        "start_time": CREATED,
        "sandbox_ready": True,
    }
    defaults.update(fields)
    return PodRecord(
        namespace="default",
        name=name,
        uid="0b5c-uid",
        spec={
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
            "spec": spec,
        },
        containers={record.name: record for record in records},
        **defaults,
    )
