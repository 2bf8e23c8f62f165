"""Pod conditions as the kubelet writes them (pkg/kubelet/status/generate.go).

Order, types, reasons and messages follow the kubelet: PodReadyToStartContainers,
Initialized, Ready, ContainersReady, then PodScheduled (always True here: there is no
scheduler, the pod is "bound" when podtui accepts it). A condition's lastTransitionTime
changes only when its status changes, like the kubelet's status manager; the previous
conditions are read from ``PodRecord.conditions``, and the new ones are returned, never
written back here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tui.status.model import Condition, PodRecord
from tui.status.phase import FAILED, SUCCEEDED, is_sidecar
from tui.status.timestamps import rfc3339

POD_READY_TO_START_CONTAINERS = "PodReadyToStartContainers"
INITIALIZED = "Initialized"
READY = "Ready"
CONTAINERS_READY = "ContainersReady"
POD_SCHEDULED = "PodScheduled"
KUBELET_ORDER = (
    POD_READY_TO_START_CONTAINERS,
    INITIALIZED,
    READY,
    CONTAINERS_READY,
    POD_SCHEDULED,
)

# Reasons (generate.go).
POD_COMPLETED = "PodCompleted"
POD_FAILED = "PodFailed"
CONTAINERS_NOT_READY = "ContainersNotReady"
CONTAINERS_NOT_INITIALIZED = "ContainersNotInitialized"
READINESS_GATES_NOT_READY = "ReadinessGatesNotReady"

# (status, reason, message) before the transition time is attached.
ConditionDraft = tuple[str, str | None, str | None]


def go_list(names: Sequence[str]) -> str:
    """A Go ``%s`` of a []string: ``[a b]``."""
    return "[" + " ".join(names) + "]"


def _containers(spec: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    return [c for c in spec.get(key) or [] if isinstance(c, Mapping)]


def _any_regular_started(spec: Mapping[str, Any], by_name: Mapping[str, Mapping[str, Any]]) -> bool:
    for container in _containers(spec, "containers"):
        state = (by_name.get(str(container.get("name"))) or {}).get("state") or {}
        if "running" in state or "terminated" in state:
            return True
    return False


def initialized_condition(
    spec: Mapping[str, Any], by_name: Mapping[str, Mapping[str, Any]], phase: str
) -> ConditionDraft:
    """GeneratePodInitializedCondition."""
    unknown: list[str] = []
    incomplete: list[str] = []
    for container in _containers(spec, "initContainers"):
        name = str(container.get("name"))
        status = by_name.get(name)
        if status is None:
            unknown.append(name)
            continue
        if is_sidecar(container):
            done = status.get("started") is True
        else:
            done = status.get("ready") is True
        if not done:
            incomplete.append(name)
    if phase == SUCCEEDED and not unknown:
        return ("True", POD_COMPLETED, None)
    if _any_regular_started(spec, by_name):
        return ("True", None, None)
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {go_list(unknown)}")
    if incomplete:
        messages.append(f"containers with incomplete status: {go_list(incomplete)}")
    if messages:
        return ("False", CONTAINERS_NOT_INITIALIZED, ", ".join(messages))
    return ("True", None, None)


def containers_ready_condition(
    spec: Mapping[str, Any], by_name: Mapping[str, Mapping[str, Any]], phase: str
) -> ConditionDraft:
    """GenerateContainersReadyCondition: sidecars and regular containers must be ready."""
    unknown: list[str] = []
    unready: list[str] = []
    candidates = [c for c in _containers(spec, "initContainers") if is_sidecar(c)]
    candidates += _containers(spec, "containers")
    for container in candidates:
        name = str(container.get("name"))
        status = by_name.get(name)
        if status is None:
            unknown.append(name)
        elif status.get("ready") is not True:
            unready.append(name)
    if phase == SUCCEEDED and not unknown:
        return ("False", POD_COMPLETED, None)
    if phase == FAILED:
        return ("False", POD_FAILED, None)
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {go_list(unknown)}")
    if unready:
        messages.append(f"containers with unready status: {go_list(unready)}")
    if messages:
        return ("False", CONTAINERS_NOT_READY, ", ".join(messages))
    return ("True", None, None)


def ready_condition(
    spec: Mapping[str, Any], containers_ready: ConditionDraft, others: Mapping[str, str]
) -> ConditionDraft:
    """GeneratePodReadyCondition: ContainersReady, then every readiness gate True.

    ``others`` maps the pod's other condition types to their status, for the gates.
    """
    if containers_ready[0] != "True":
        return containers_ready
    messages = []
    for gate in spec.get("readinessGates") or []:
        kind = str((gate or {}).get("conditionType"))
        status = others.get(kind)
        if status is None:
            messages.append(
                f'corresponding condition of pod readiness gate "{kind}" does not exist.'
            )
        elif status != "True":
            messages.append(
                f'the status of pod readiness gate "{kind}" is not "True", but {status}'
            )
    if messages:
        return ("False", READINESS_GATES_NOT_READY, ", ".join(messages))
    return ("True", None, None)


def _remember(
    kind: str, draft: ConditionDraft, previous: Condition | None, now: datetime
) -> Condition:
    """A Condition whose transition time moves only when its status changed."""
    status, reason, message = draft
    moment = now
    if previous is not None and previous.status == status:
        moment = previous.last_transition_time
    return Condition(kind, status, moment, reason, message)  # type: ignore[arg-type]


def pod_conditions(
    record: PodRecord, phase: str, statuses: Sequence[Mapping[str, Any]], now: datetime
) -> list[Condition]:
    """The kubelet-owned conditions of ``record`` in the kubelet's order.

    ``statuses`` holds the init and regular v1.ContainerStatus dicts; ``phase`` is the
    phase just computed from them.
    """
    spec = record.spec.get("spec") or {}
    by_name = {str(s.get("name")): s for s in statuses}
    containers_ready = containers_ready_condition(spec, by_name, phase)
    others = {kind: c.status for kind, c in record.conditions.items() if kind not in KUBELET_ORDER}
    drafts: dict[str, ConditionDraft] = {
        POD_READY_TO_START_CONTAINERS: ("True" if record.sandbox_ready else "False", None, None),
        INITIALIZED: initialized_condition(spec, by_name, phase),
        READY: ready_condition(spec, containers_ready, others),
        CONTAINERS_READY: containers_ready,
        POD_SCHEDULED: ("True", None, None),
    }
    result = []
    for kind in KUBELET_ORDER:
        previous = record.conditions.get(kind)
        if kind == POD_SCHEDULED and previous is None:
            # Bound when the pod was accepted: that is when PodScheduled became True.
            previous = Condition(kind, "True", record.created_at or now)
        result.append(_remember(kind, drafts[kind], previous, now))
    return result


def condition_dict(condition: Condition) -> dict[str, Any]:
    """A v1.PodCondition dict (lastProbeTime is always null, as the kubelet leaves it)."""
    value: dict[str, Any] = {
        "type": condition.type,
        "status": condition.status,
        "lastProbeTime": None,
        "lastTransitionTime": rfc3339(condition.last_transition_time),
    }
    if condition.reason:
        value["reason"] = condition.reason
    if condition.message:
        value["message"] = condition.message
    return value
