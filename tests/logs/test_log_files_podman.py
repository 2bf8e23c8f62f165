"""Logs of real containers: read from conmon's files, followed across a restart."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tui.config import DEMO_IMAGE
from tui.podman.log_files import (
    LogInstance,
    PodLogs,
    discover_instances,
    instances_from_inspect,
    iter_lines,
)
from tui.podman.log_format import MARKER, STDERR
from tui.reconciler.pod_plan import LABEL_ATTEMPT, LABEL_CONTAINER

pytestmark = pytest.mark.podman

WAIT = 30.0


@pytest.fixture
def pod(podman_client: Any, test_labels: dict[str, str]) -> Iterator[Any]:
    """A Podman pod labelled for clean-up, removed (with its containers) afterwards."""
    created = podman_client.pods.create(name=f"logs-{uuid.uuid4().hex[:8]}", labels=test_labels)
    try:
        yield created
    finally:
        created.remove(force=True)


def run_attempt(client: Any, pod: Any, labels: dict[str, str], attempt: int, script: str) -> Any:
    """One attempt of container ``web``, as the supervisor makes them."""
    container = client.containers.create(
        DEMO_IMAGE,
        command=["sh", "-c", script],
        pod=pod.id,
        name=f"{pod.name}-web-{attempt}",
        labels={**labels, LABEL_CONTAINER: "web", LABEL_ATTEMPT: str(attempt)},
    )
    container.start()
    return container


def wait_for_text(view: Any, text: str) -> None:
    """Block until a row with ``text`` exists, woken by the view's own notifications."""
    ok = view.wait_for(
        lambda: any(view.text(row) == text for row in range(max(0, view.count - 50), view.count)),
        WAIT,
    )
    assert ok, f"{text!r} never arrived; have {[view.text(r) for r in range(view.count)]}"


def test_follow_real_container_across_restart(
    podman_client: Any, pod: Any, test_labels: dict[str, str]
) -> None:
    first = run_attempt(
        podman_client,
        pod,
        test_labels,
        0,
        "for i in $(seq 1 20); do echo a$i; sleep 0.02; done; printf 'no newline'; echo bye >&2; exit 3",
    )
    instances = discover_instances(podman_client, pod.id)
    assert [(item.container, item.attempt) for item in instances] == [("web", 0)]
    assert instances[0].log_path is not None and instances[0].log_path.name == "ctr.log"
    with PodLogs(pod.name, instances) as logs:
        view = logs.view("web")
        logs.follow()
        wait_for_text(view, "bye")
        first.wait()
        exited = instances_from_inspect(podman_client.containers.get(first.id).inspect())
        assert exited is not None and exited.finished_at is not None
        logs.add_instance(exited)  # the attempt ended: its unterminated line shows
        wait_for_text(view, "no newline")

        arrived = threading.Event()
        view.subscribe(lambda change: arrived.set())
        second = run_attempt(
            podman_client, pod, test_labels, 1, "echo b1; echo b2; sleep 0.2; echo b3"
        )
        restarted = instances_from_inspect(podman_client.containers.get(second.id).inspect())
        assert restarted is not None and restarted.attempt == 1
        logs.add_instance(restarted)
        wait_for_text(view, "b3")
        assert arrived.is_set()

        rows = [view.line(row) for row in range(view.count)]
        texts = [line.text for line in rows]
        assert texts[:20] == [f"a{i}" for i in range(1, 21)]
        assert rows[texts.index("bye")].stream == STDERR
        boundary = next(line for line in rows if line.stream == MARKER)
        assert boundary.text == "── web restarted: attempt 1 ──"
        assert texts[-3:] == ["b1", "b2", "b3"]
        # The unterminated line of a finished attempt comes last, after its stderr "bye".
        previous = list(iter_lines(logs, container="web", previous=True, tail=2))
        assert previous == ["bye", "no newline"]
        second.wait()


def test_api_fallback_spools_unreadable_logs(
    podman_client: Any, pod: Any, test_labels: dict[str, str]
) -> None:
    container = run_attempt(podman_client, pod, test_labels, 0, "seq 1 500")
    container.wait()
    found = instances_from_inspect(podman_client.containers.get(container.id).inspect())
    assert found is not None
    remote = LogInstance(
        found.container, 0, found.container_id, None, found.started_at, found.finished_at
    )
    with PodLogs(pod.name, [remote], client=podman_client) as logs:
        view = logs.view("web")
        logs.follow()
        wait_for_text(view, "500")
        assert [view.text(row) for row in range(3)] == ["1", "2", "3"]
        assert view.line(0).timestamp  # the API's timestamps are kept
