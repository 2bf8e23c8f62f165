"""Restart policies and CrashLoopBackOff on real Podman containers (back-off 0.5 s -> 4 s)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from lifecycle_helpers import apply, container, pod, state_of, statuses, until

from tui.engine import Engine
from tui.reconciler.updates import PodChanged
from tui.status.kubectl_columns import status_column

pytestmark = pytest.mark.podman


class Timeline:
    """Every published state of one container: what the UI and `get -w` would have seen."""

    def __init__(self, engine: Engine, pod_name: str, container_name: str) -> None:
        self.states: list[tuple[str, int]] = []
        # restartCount -> (previous finishedAt, startedAt), at full precision from the record
        # (the API's RFC 3339 timestamps have whole seconds only)
        self.restarts: dict[int, tuple[datetime, datetime]] = {}
        self.engine = engine
        self.messages: list[str] = []
        self.pod_ips: set[str] = set()
        self.pod_name, self.container_name = pod_name, container_name
        engine.add_listener(self.on_update)

    def on_update(self, update: Any) -> None:
        if not isinstance(update, PodChanged) or update.name != self.pod_name:
            return
        status = statuses(update.pod).get(self.container_name)
        if not status:
            return
        entry = (state_of(update.pod, self.container_name), status["restartCount"])
        if not self.states or self.states[-1] != entry:
            self.states.append(entry)
        if ip := update.pod["status"].get("podIP"):
            self.pod_ips.add(ip)
        waiting = status["state"].get("waiting") or {}
        if waiting.get("message"):
            self.messages.append(waiting["message"])
        record = self.engine.supervisors[("default", self.pod_name)].record.containers[
            self.container_name
        ]
        current, previous = record.current, record.previous
        if (
            current is not None
            and previous is not None
            and current.state == "running"
            and current.started_at
            and previous.finished_at
            and current.attempt not in self.restarts
        ):
            self.restarts[current.attempt] = (previous.finished_at, current.started_at)

    def gap(self, restart: int) -> float:
        finished, started = self.restarts[restart]
        return (started - finished).total_seconds()


async def test_always_restarts_with_doubling_backoff_and_keeps_siblings(engine: Engine) -> None:
    timeline = Timeline(engine, "crash", "crasher")
    spec = {
        "restartPolicy": "Always",
        "containers": [
            container("steady", "trap 'exit 0' TERM; while true; do sleep 1; done"),
            container("crasher", "echo run; sleep 0.3; exit 1"),
        ],
    }
    assert await apply(engine, "crash", spec) == "created"
    await until(
        engine,
        lambda: statuses(pod(engine, "crash")).get("crasher", {}).get("restartCount", 0) >= 4,
        60,
        "4 restarts",
    )
    current = pod(engine, "crash")
    steady = statuses(current)["steady"]
    assert steady["restartCount"] == 0 and "running" in steady["state"]
    assert len(timeline.pod_ips) == 1, f"pod IP changed across restarts: {timeline.pod_ips}"
    # kubelet schedule: first restart at once, then 0.5, 1, 2 (test back-off base 0.5 s)
    expected = {1: 0.0, 2: 0.5, 3: 1.0, 4: 2.0}
    for restart, wanted in expected.items():
        gap = timeline.gap(restart)
        assert wanted - 0.05 <= gap <= wanted + 1.0, (
            f"restart {restart}: gap {gap:.2f}s, wanted ~{wanted}s; {timeline.restarts}; {timeline.states}"
        )
    reasons = [state for state, _ in timeline.states]
    assert "waiting:CrashLoopBackOff" in reasons
    assert any(
        m.startswith("back-off ") and "restarting failed container=crasher pod=crash_default(" in m
        for m in timeline.messages
    ), timeline.messages
    last = statuses(current)["crasher"]["lastState"]["terminated"]
    assert last["exitCode"] == 1 and last["reason"] == "Error"
    assert current["status"]["phase"] == "Running"


async def test_on_failure_restarts_failures_but_completes_on_success(engine: Engine) -> None:
    spec = {
        "restartPolicy": "OnFailure",
        "containers": [container("once", "if [ -f /tmp/flag ]; then exit 0; fi; exit 3")],
    }
    await apply(engine, "onfail", spec)
    await until(
        engine,
        lambda: statuses(pod(engine, "onfail")).get("once", {}).get("restartCount", 0) >= 2,
        30,
        "2 restarts",
    )
    assert pod(engine, "onfail")["status"]["phase"] in ("Running", "Pending")

    spec_ok = {"restartPolicy": "OnFailure", "containers": [container("once", "echo done; exit 0")]}
    await apply(engine, "onfail-ok", spec_ok)
    await until(
        engine,
        lambda: pod(engine, "onfail-ok").get("status", {}).get("phase") == "Succeeded",
        30,
        "Succeeded",
    )
    done = pod(engine, "onfail-ok")
    assert statuses(done)["once"]["restartCount"] == 0
    assert status_column(done) == "Completed"


async def test_never_fails_the_pod_without_restarting(engine: Engine) -> None:
    spec = {"restartPolicy": "Never", "containers": [container("one", "exit 7")]}
    await apply(engine, "never", spec)
    await until(
        engine,
        lambda: pod(engine, "never").get("status", {}).get("phase") == "Failed",
        30,
        "Failed",
    )
    failed = pod(engine, "never")
    status = statuses(failed)["one"]
    assert status["restartCount"] == 0
    assert status["state"]["terminated"]["exitCode"] == 7
    assert status_column(failed) == "Error"
    # a terminal pod is never restarted: nudge the supervisor and check nothing new starts
    engine.supervisors[("default", "never")].kick()
    await engine.wait_for(lambda: False, 1.0)
    assert statuses(pod(engine, "never"))["one"]["restartCount"] == 0


async def test_always_restarts_even_successful_exits(engine: Engine) -> None:
    spec = {"restartPolicy": "Always", "containers": [container("done", "exit 0")]}
    await apply(engine, "always-ok", spec)
    await until(
        engine,
        lambda: statuses(pod(engine, "always-ok")).get("done", {}).get("restartCount", 0) >= 2,
        30,
        "restarts",
    )
    last = statuses(pod(engine, "always-ok"))["done"]["lastState"]["terminated"]
    assert last["exitCode"] == 0 and last["reason"] == "Completed"


async def test_active_deadline_fails_the_pod(engine: Engine) -> None:
    spec = {
        "activeDeadlineSeconds": 2,
        "terminationGracePeriodSeconds": 2,
        "containers": [container("long", "sleep 3600")],
    }
    await apply(engine, "deadline", spec)
    await until(
        engine,
        lambda: pod(engine, "deadline").get("status", {}).get("phase") == "Failed",
        20,
        "Failed",
    )
    status = pod(engine, "deadline")["status"]
    assert status["reason"] == "DeadlineExceeded"
    assert "longer than the specified deadline" in status["message"]
    await until(
        engine,
        lambda: "terminated" in statuses(pod(engine, "deadline"))["long"]["state"],
        20,
        "stopped",
    )
    assert statuses(pod(engine, "deadline"))["long"]["restartCount"] == 0


async def test_empty_dir_over_its_size_limit_evicts_the_pod(settings, test_labels) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(settings.with_changes(eviction_seconds=0.5, backoff_base=0.5, backoff_cap=4.0))
    engine.test_labels = dict(test_labels)  # type: ignore[attr-defined]
    await engine.start()
    try:
        spec = {
            "terminationGracePeriodSeconds": 2,
            "volumes": [{"name": "scratch", "emptyDir": {"sizeLimit": "1Mi"}}],
            "containers": [
                container(
                    "filler",
                    "head -c 3000000 /dev/zero > /scratch/blob; sleep 3600",
                    volumeMounts=[{"name": "scratch", "mountPath": "/scratch"}],
                )
            ],
        }
        await apply(engine, "filler", spec)
        await until(
            engine,
            lambda: pod(engine, "filler").get("status", {}).get("phase") == "Failed",
            30,
            "evicted",
        )
        status = pod(engine, "filler")["status"]
        assert status["reason"] == "Evicted"
        assert status["message"].startswith(
            'Usage of EmptyDir volume "scratch" exceeds the limit "1Mi"'
        )
    finally:
        for namespace, name in list(engine.supervisors):
            await engine.delete(namespace, name, grace=2)
        await engine.close()


async def test_a_command_missing_from_the_image_is_a_start_error_then_back_off(
    engine: Engine,
) -> None:
    """runc refuses to start it: the kubelet shows lastState terminated StartError (exit 128,
    the runtime's message) and waits in CrashLoopBackOff; restartCount keeps counting."""
    spec = {
        "containers": [
            {**container("main", ""), "command": ["no-such-command"]},
            container("other", "sleep 3600"),
        ],
        "terminationGracePeriodSeconds": 2,
    }
    await apply(engine, "start-error", spec)

    def backing_off() -> bool:
        status = statuses(pod(engine, "start-error")).get("main") or {}
        return (
            state_of(pod(engine, "start-error"), "main") == "waiting:CrashLoopBackOff"
            and status.get("restartCount", 0) >= 1
            and "terminated" in (status.get("lastState") or {})
        )

    await until(engine, backing_off, 30, "main backing off after a start error")
    status = statuses(pod(engine, "start-error"))["main"]
    last = status["lastState"]["terminated"]
    assert last["reason"] == "StartError", last
    assert last["exitCode"] == 128, last
    assert "no-such-command" in last.get("message", ""), last
    assert state_of(pod(engine, "start-error"), "other") == "running"
    assert status_column(pod(engine, "start-error")) == "CrashLoopBackOff"
