"""The columns of ``kubectl get pods``, computed from a v1.Pod dict like kubectl's printPod.

Working from the API object (not the runtime record) means a snapshot read back from JSON
prints exactly as a live pod does. The READY/STATUS/RESTARTS logic is a reading of printPod
(pkg/printers/internalversion/printers.go), sidecars included.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from tui.status.pod_status import manifest_basename
from tui.status.timestamps import parse_rfc3339, since

POD_COLUMNS = ("NAME", "READY", "STATUS", "RESTARTS", "AGE")
POD_WIDE_COLUMNS = POD_COLUMNS + ("IP", "PORTS", "MANIFEST", "NOMINATED NODE", "READINESS GATES")

StatusCategory = Literal["running", "pending", "error", "completed", "unknown"]
_PENDING_WORDS = frozenset(
    {
        "Pending",
        "ContainerCreating",
        "PodInitializing",
        "Terminating",
        "NotReady",
        "SchedulingGated",
    }
)


def _spec(pod: Mapping[str, Any]) -> Mapping[str, Any]:
    return pod.get("spec") or {}


def _status(pod: Mapping[str, Any]) -> Mapping[str, Any]:
    return pod.get("status") or {}


def _restartable_init_names(pod: Mapping[str, Any]) -> set[str]:
    return {
        str(c.get("name"))
        for c in _spec(pod).get("initContainers") or []
        if isinstance(c, Mapping) and c.get("restartPolicy") == "Always"
    }


def _condition_true(pod: Mapping[str, Any], kind: str) -> bool:
    for condition in _status(pod).get("conditions") or []:
        if condition.get("type") == kind:
            return condition.get("status") == "True"
    return False


def _state(status: Mapping[str, Any], key: str, which: str) -> Mapping[str, Any] | None:
    value = (status.get(key) or {}).get(which)
    return value if isinstance(value, Mapping) else None


class _PodSummary:
    """One pass of printPod over the statuses: reason, ready count, restarts, last restart."""

    def __init__(self, pod: Mapping[str, Any]) -> None:
        spec = _spec(pod)
        status = _status(pod)
        sidecars = _restartable_init_names(pod)
        init_count = len(spec.get("initContainers") or [])
        self.total = len(spec.get("containers") or []) + len(sidecars)
        self.ready = 0
        self.restarts = 0
        self.last_restart: datetime | None = None
        phase = str(status.get("phase") or "")
        reason = str(status.get("reason") or phase)
        for condition in status.get("conditions") or []:
            if (
                condition.get("type") == "PodScheduled"
                and condition.get("reason") == "SchedulingGated"
            ):
                reason = "SchedulingGated"

        sidecar_restarts = 0
        sidecar_last: datetime | None = None
        initializing = False
        for index, container in enumerate(status.get("initContainerStatuses") or []):
            count = int(container.get("restartCount") or 0)
            finished = self._last_finish(container)
            self.restarts += count
            self.last_restart = _later(self.last_restart, finished)
            is_sidecar = container.get("name") in sidecars
            if is_sidecar:
                sidecar_restarts += count
                sidecar_last = _later(sidecar_last, finished)
            terminated = _state(container, "state", "terminated")
            waiting = _state(container, "state", "waiting")
            if terminated is not None and int(terminated.get("exitCode") or 0) == 0:
                continue
            if is_sidecar and container.get("started") is True:
                self.ready += int(container.get("ready") is True)
                continue
            initializing = True
            if terminated is not None:
                if terminated.get("reason"):
                    reason = f"Init:{terminated['reason']}"
                elif terminated.get("signal"):
                    reason = f"Init:Signal:{terminated['signal']}"
                else:
                    reason = f"Init:ExitCode:{int(terminated.get('exitCode') or 0)}"
            elif (
                waiting is not None
                and waiting.get("reason")
                and waiting["reason"] != "PodInitializing"
            ):
                reason = f"Init:{waiting['reason']}"
            else:
                reason = f"Init:{index}/{init_count}"
            break

        if not initializing or _condition_true(pod, "Initialized"):
            self.restarts = sidecar_restarts
            self.last_restart = sidecar_last
            has_running = False
            for container in reversed(status.get("containerStatuses") or []):
                self.restarts += int(container.get("restartCount") or 0)
                self.last_restart = _later(self.last_restart, self._last_finish(container))
                waiting = _state(container, "state", "waiting")
                terminated = _state(container, "state", "terminated")
                if waiting is not None and waiting.get("reason"):
                    reason = str(waiting["reason"])
                elif terminated is not None and terminated.get("reason"):
                    reason = str(terminated["reason"])
                elif terminated is not None:
                    if terminated.get("signal"):
                        reason = f"Signal:{terminated['signal']}"
                    else:
                        reason = f"ExitCode:{int(terminated.get('exitCode') or 0)}"
                elif (
                    container.get("ready") is True
                    and _state(container, "state", "running") is not None
                ):
                    has_running = True
                    self.ready += 1
            if reason == "Completed" and has_running:
                reason = "Running" if _condition_true(pod, "Ready") else "NotReady"

        deleting = bool((pod.get("metadata") or {}).get("deletionTimestamp"))
        if deleting and status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif deleting and phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
        elif phase == "Unknown":
            # podtui's Unknown means Podman cannot be reached: stale container reasons
            # would only mislead, so the phase itself is shown.
            reason = "Unknown"
        self.reason = reason

    @staticmethod
    def _last_finish(container: Mapping[str, Any]) -> datetime | None:
        terminated = _state(container, "lastState", "terminated")
        if terminated is None:
            return None
        return parse_rfc3339(terminated.get("finishedAt"))


def _later(current: datetime | None, candidate: datetime | None) -> datetime | None:
    if candidate is None:
        return current
    if current is None or current < candidate:
        return candidate
    return current


def ready_column(pod: Mapping[str, Any]) -> str:
    """READY: ready regular containers and started-and-ready sidecars over their total."""
    summary = _PodSummary(pod)
    return f"{summary.ready}/{summary.total}"


def status_column(pod: Mapping[str, Any]) -> str:
    """STATUS: kubectl's reason (Running, Init:1/2, CrashLoopBackOff, Terminating, ...)."""
    return _PodSummary(pod).reason


def restarts_column(pod: Mapping[str, Any], now: datetime) -> str:
    """RESTARTS: the count, with ``(12s ago)`` from the newest last termination."""
    return _restarts_text(_PodSummary(pod), now)


def _restarts_text(summary: _PodSummary, now: datetime) -> str:
    if summary.restarts and summary.last_restart is not None:
        return f"{summary.restarts} ({since(summary.last_restart, now)} ago)"
    return str(summary.restarts)


def age_column(pod: Mapping[str, Any], now: datetime) -> str:
    """AGE: HumanDuration since creationTimestamp (``<unknown>`` without one)."""
    return since((pod.get("metadata") or {}).get("creationTimestamp"), now)


def ip_column(pod: Mapping[str, Any]) -> str:
    """IP (wide): the first pod IP, or ``<none>``."""
    ips = _status(pod).get("podIPs") or []
    if ips and ips[0].get("ip"):
        return str(ips[0]["ip"])
    return str(_status(pod).get("podIP") or "<none>")


def ports_column(pod: Mapping[str, Any]) -> str:
    """PORTS (wide): container ports of containers and sidecars, ``8080->80/TCP`` when published."""
    spec = _spec(pod)
    containers = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    containers += list(spec.get("containers") or [])
    ports = []
    for container in containers:
        for port in container.get("ports") or []:
            protocol = port.get("protocol") or "TCP"
            text = f"{port.get('containerPort')}/{protocol}"
            if port.get("hostPort"):
                host = f"{port['hostIP']}:" if port.get("hostIP") else ""
                text = f"{host}{port['hostPort']}->{text}"
            ports.append(text)
    return ",".join(ports) if ports else "<none>"


def readiness_gates_column(pod: Mapping[str, Any]) -> str:
    """READINESS GATES (wide): gates whose condition is True over all gates, or ``<none>``."""
    gates = _spec(pod).get("readinessGates") or []
    if not gates:
        return "<none>"
    true = sum(1 for gate in gates if _condition_true(pod, str(gate.get("conditionType"))))
    return f"{true}/{len(gates)}"


def pod_row(pod: Mapping[str, Any], now: datetime, wide: bool = False) -> list[str]:
    """One ``kubectl get pods`` row (``-o wide`` adds IP, PORTS, MANIFEST and the gates)."""
    summary = _PodSummary(pod)
    row = [
        str((pod.get("metadata") or {}).get("name") or ""),
        f"{summary.ready}/{summary.total}",
        summary.reason,
        _restarts_text(summary, now),
        age_column(pod, now),
    ]
    if wide:
        nominated = _status(pod).get("nominatedNodeName") or "<none>"
        row += [
            ip_column(pod),
            ports_column(pod),
            manifest_basename(pod) or "<none>",
            str(nominated),
            readiness_gates_column(pod),
        ]
    return row


def status_color(status_text: str) -> StatusCategory:
    """How the UI should colour a STATUS: running (ok), pending (warn), error, completed, unknown."""
    text = status_text.strip()
    if text == "Running":
        return "running"
    if text in ("Completed", "Succeeded"):
        return "completed"
    if text in ("Unknown", ""):
        return "unknown"
    bare = text.removeprefix("Init:")
    if text in _PENDING_WORDS or bare in _PENDING_WORDS:
        return "pending"
    if bare != text and _is_progress(bare):
        return "pending"
    return "error"


def _is_progress(text: str) -> bool:
    """``1/2`` as in ``Init:1/2``."""
    done, _, total = text.partition("/")
    return done.isdigit() and total.isdigit()
