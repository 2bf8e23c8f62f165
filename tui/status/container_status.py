"""One ``ContainerRecord`` -> a v1.ContainerStatus dict, with the kubelet's wording.

Mirrors convertToAPIContainerStatuses (pkg/kubelet/kubelet_pods.go) and the probe manager's
``ready``/``started`` rules: the newest Podman container gives ``state``, the previous
terminated one gives ``lastState``, and a reason the supervisor recorded (back-off, image
pull, bad config) replaces the state of a container that is not running, pushing a
terminated state into ``lastState`` exactly as the kubelet's reason cache does.
"""

from __future__ import annotations

from typing import Any

from tui.status.model import ContainerInstance, ContainerRecord
from tui.status.timestamps import rfc3339

CONTAINER_ID_SCHEME = "podman://"

# Default waiting reasons of a container with no instance yet (kubelet_pods.go).
CONTAINER_CREATING = "ContainerCreating"
POD_INITIALIZING = "PodInitializing"

# Terminated reasons as containerd's CRI reports them (the kubelet passes them through).
COMPLETED = "Completed"
ERROR = "Error"
OOM_KILLED = "OOMKilled"
START_ERROR = "StartError"
START_ERROR_EXIT_CODE = 128  # containerd's exit code for a container that never started


def container_id(instance: ContainerInstance) -> str:
    """``podman://<id>``, the runtime-qualified id the kubelet puts in containerID."""
    return f"{CONTAINER_ID_SCHEME}{instance.id}"


def is_terminated(instance: ContainerInstance | None) -> bool:
    """True for an instance that ran and stopped, or that the runtime failed to start."""
    return instance is not None and (instance.state == "exited" or bool(instance.error))


def is_running(instance: ContainerInstance | None) -> bool:
    """Running as the CRI sees it: a paused container still counts as running."""
    return instance is not None and not instance.error and instance.state in ("running", "paused")


def terminated_reason(instance: ContainerInstance) -> str:
    """StartError, OOMKilled, Completed or Error, in the order containerd decides them."""
    if instance.error:
        return START_ERROR
    if instance.oom_killed:
        return OOM_KILLED
    return COMPLETED if (instance.exit_code or 0) == 0 else ERROR


def terminated_state(instance: ContainerInstance) -> dict[str, Any]:
    """A v1.ContainerStateTerminated for a stopped (or never started) instance."""
    exit_code = instance.exit_code or 0
    if instance.error and exit_code == 0:
        exit_code = START_ERROR_EXIT_CODE
    state: dict[str, Any] = {"exitCode": exit_code, "reason": terminated_reason(instance)}
    if instance.signal:
        state["signal"] = instance.signal
    if instance.error:
        state["message"] = instance.error
    state["startedAt"] = rfc3339(instance.started_at)
    state["finishedAt"] = rfc3339(instance.finished_at)
    state["containerID"] = container_id(instance)
    return state


def container_state(record: ContainerRecord, default_waiting_reason: str) -> dict[str, Any]:
    """The v1.ContainerState of a record's newest attempt (what kubectl calls State)."""
    current = record.current
    if is_running(current):
        assert current is not None
        return {"running": {"startedAt": rfc3339(current.started_at)}}
    if record.waiting_reason:
        waiting: dict[str, Any] = {"reason": record.waiting_reason}
        if record.waiting_message:
            waiting["message"] = record.waiting_message
        return {"waiting": waiting}
    if current is None:
        return {"waiting": {"reason": default_waiting_reason}}
    if is_terminated(current):
        return {"terminated": terminated_state(current)}
    # Created but not started, or a state Podman reports that the CRI has no word for.
    return {"waiting": {}}


def last_state(record: ContainerRecord) -> dict[str, Any]:
    """The v1.ContainerState kubectl shows as Last State: the previous termination, if any."""
    current = record.current
    replaced_by_reason = bool(record.waiting_reason) and not is_running(current)
    if replaced_by_reason and is_terminated(current):
        assert current is not None
        return {"terminated": terminated_state(current)}
    if is_terminated(record.previous):
        assert record.previous is not None
        return {"terminated": terminated_state(record.previous)}
    return {}


def container_status(record: ContainerRecord, default_waiting_reason: str) -> dict[str, Any]:
    """A v1.ContainerStatus for ``record``.

    ``default_waiting_reason`` is what a container with no instance waits on when the
    supervisor gave no reason: PodInitializing in a pod with init containers, else
    ContainerCreating (both lists, as in the kubelet).
    """
    current = record.current
    running = is_running(current)
    if record.kind == "init":
        # Probe manager: a regular init container is ready once it exited 0.
        ready = (
            is_terminated(current)
            and current is not None
            and not current.error
            and (current.exit_code or 0) == 0
            and not record.waiting_reason
        )
    else:
        ready = running and record.ready
    status: dict[str, Any] = {
        "name": record.name,
        "state": container_state(record, default_waiting_reason),
        "lastState": last_state(record),
        "ready": bool(ready),
        "restartCount": record.restart_count,
        "image": (current.image if current and current.image else record.image),
        "imageID": current.image_id if current else "",
        # A regular init container cannot have a startup probe: running means started.
        "started": bool(running and (record.started or record.kind == "init")),
    }
    if current is not None:
        status["containerID"] = container_id(current)
    return status
