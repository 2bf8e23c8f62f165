"""The pod phase, by the kubelet's getPhase (pkg/kubelet/kubelet_pods.go), over API statuses.

Working on v1.ContainerStatus dicts rather than Podman data keeps this a line-by-line
reading of the kubelet: regular init containers gate the pod (Pending until they all exit
0; Failed at once under restartPolicy Never when one fails), sidecars (KEP-753 restartable
init containers) count like regular containers but never hold a pod back from completing,
and a container in back-off (waiting with a last termination) counts as stopped.

Two rules live outside getPhase in the kubelet and are applied by ``pod_phase``: a pod
whose Podman service cannot be reached is Unknown, and a terminal phase is never left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tui.status.model import PodRecord

PENDING = "Pending"
RUNNING = "Running"
SUCCEEDED = "Succeeded"
FAILED = "Failed"
UNKNOWN = "Unknown"
TERMINAL_PHASES = frozenset({SUCCEEDED, FAILED})


def is_sidecar(container: Mapping[str, Any]) -> bool:
    """A restartable init container (``restartPolicy: Always`` in spec.initContainers)."""
    return container.get("restartPolicy") == "Always"


def _terminated(status: Mapping[str, Any], key: str = "state") -> Mapping[str, Any] | None:
    value = (status.get(key) or {}).get("terminated")
    return value if isinstance(value, Mapping) else None


def _has(status: Mapping[str, Any], state: str) -> bool:
    return isinstance((status.get("state") or {}).get(state), Mapping)


def compute_phase(
    spec: Mapping[str, Any],
    statuses: Sequence[Mapping[str, Any]],
    *,
    has_initialized: bool,
    is_terminal: bool = False,
) -> str:
    """getPhase: Pending, Running, Succeeded or Failed from the pod's container statuses.

    ``statuses`` holds init and regular container statuses together (looked up by name);
    ``has_initialized`` is true once any regular container exists in the current sandbox;
    ``is_terminal`` is true while the pod is being torn down (its containers will not be
    restarted whatever the restart policy says).
    """
    by_name = {str(s.get("name")): s for s in statuses}
    policy = spec.get("restartPolicy") or "Always"
    init_containers = [c for c in spec.get("initContainers") or [] if isinstance(c, Mapping)]
    containers = [c for c in spec.get("containers") or [] if isinstance(c, Mapping)]

    pending_init = 0
    failed_init = 0
    for container in init_containers:
        if is_sidecar(container):
            continue
        status = by_name.get(str(container.get("name")))
        if status is None or _has(status, "running"):
            pending_init += 1
        elif (terminated := _terminated(status)) is not None:
            failed_init += int((terminated.get("exitCode") or 0) != 0)
        elif _has(status, "waiting") and (last := _terminated(status, "lastState")) is not None:
            failed_init += int((last.get("exitCode") or 0) != 0)
        else:
            pending_init += 1

    pending_sidecars = 0
    sidecars_running = 0
    unknown = waiting = 0
    for container in init_containers:
        if not is_sidecar(container):
            continue
        status = by_name.get(str(container.get("name")))
        if status is None:
            unknown += 1
        elif _has(status, "running"):
            pending_sidecars += int(status.get("started") is not True)
            sidecars_running += 1
        elif _terminated(status) is not None or _terminated(status, "lastState") is not None:
            pass  # a stopped sidecar does not count towards the phase
        elif _has(status, "waiting"):
            pending_sidecars += 1
            waiting += 1
        else:
            pending_sidecars += 1
            unknown += 1

    running = stopped = succeeded = 0
    for container in containers:
        status = by_name.get(str(container.get("name")))
        if status is None:
            unknown += 1
        elif _has(status, "running"):
            running += 1
        elif (terminated := _terminated(status)) is not None:
            stopped += 1
            succeeded += int((terminated.get("exitCode") or 0) == 0)
        elif _has(status, "waiting"):
            if _terminated(status, "lastState") is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1

    if failed_init > 0 and policy == "Never":
        return FAILED
    # KEP-753: once every regular container has finished for good, the kubelet stops the
    # sidecars; they must not keep the pod Running meanwhile.
    regulars_done = (
        running == 0
        and stopped > 0
        and (policy == "Never" or (policy == "OnFailure" and stopped == succeeded))
    )
    if not regulars_done:
        running += sidecars_running

    if pending_init > 0 or (pending_sidecars > 0 and not has_initialized) or waiting > 0:
        return PENDING
    if running > 0 and unknown == 0:
        return RUNNING
    if running == 0 and stopped > 0 and unknown == 0:
        if is_terminal:
            return SUCCEEDED if stopped == succeeded else FAILED
        if policy == "Always":
            return RUNNING  # every container is on its way back up
        if stopped == succeeded:
            return SUCCEEDED
        if policy == "Never":
            return FAILED
        return RUNNING  # OnFailure: the failed ones are restarting
    return PENDING


def pod_phase(record: PodRecord, statuses: Sequence[Mapping[str, Any]]) -> str:
    """The phase podtui reports for ``record``: sticky terminal, Unknown, else getPhase."""
    if record.terminal_phase in TERMINAL_PHASES:
        return record.terminal_phase
    if not record.podman_reachable:
        return UNKNOWN
    spec = record.spec.get("spec") or {}
    has_initialized = any(r.current is not None for r in record.app_records)
    return compute_phase(
        spec, statuses, has_initialized=has_initialized, is_terminal=record.terminating
    )
