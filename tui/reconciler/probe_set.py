"""The probes of one pod's running containers and what their results do.

Readiness drives ``ready`` (and so the ContainersReady and Ready conditions); a liveness or
startup failure kills the container so the restart policy takes over; the startup probe
holds liveness and readiness back until it succeeds. Every failure is an ``Unhealthy``
event with the probe's output, as on a cluster.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

from tui.reconciler.container_start import stop_quietly
from tui.reconciler.handlers import HandlerResult, run_handler
from tui.reconciler.pod_plan import ContainerPlan
from tui.reconciler.probes import LABELS, SPEC_KEYS, ProbeKind, ProbeWorker
from tui.status.model import ContainerRecord, ProbeState

if TYPE_CHECKING:
    from tui.reconciler.pod_supervisor import PodSupervisor


class ProbeSet:
    """Probe workers per container of one pod."""

    def __init__(self, supervisor: PodSupervisor) -> None:
        self.supervisor = supervisor
        self._workers: dict[str, list[ProbeWorker]] = {}
        self._started: dict[str, asyncio.Event] = {}

    def start_for(
        self, cplan: ContainerPlan, container: ContainerRecord, container_id: str
    ) -> None:
        """Begin probing a freshly started container; set ready/started for probe-less ones."""
        spec = cplan.spec
        started_event = asyncio.Event()
        self._started[cplan.name] = started_event
        container.probes = {}
        if not spec.get("startupProbe"):
            container.started = True
            started_event.set()
        else:
            container.started = False
        if not spec.get("readinessProbe"):
            container.ready = container.started
        else:
            container.ready = False
        workers: list[ProbeWorker] = []
        for kind in ("startup", "liveness", "readiness"):
            probe = spec.get(SPEC_KEYS[kind])
            if not probe:
                continue
            container.probes[kind] = ProbeState(kind=kind, success=kind == "liveness")
            worker = ProbeWorker(
                kind,
                probe,
                run=self._runner(cplan, container_id),
                on_change=functools.partial(self._changed, cplan, container, container_id),
                on_failure=functools.partial(self._failed, cplan, container),
                wait_started=None if kind == "startup" else started_event.wait,
            )
            workers.append(worker)
            worker.start()
        self._workers[cplan.name] = workers

    def adopt_running(self, container: ContainerRecord) -> None:
        """After an engine restart: probes start over, as after a kubelet restart."""
        plan = next(
            (p for p in self.supervisor.plan.container_plans() if p.name == container.name), None
        )
        if plan is not None and container.current is not None:
            self.start_for(plan, container, container.current.id)

    def _runner(self, cplan: ContainerPlan, container_id: str):
        sup = self.supervisor

        async def run(probe: dict[str, Any], timeout: float) -> HandlerResult:
            return await run_handler(
                probe,
                gateway=sup.host.gateway,
                container_id=container_id,
                container_spec=cplan.spec,
                pod_ip=probe_address(sup.record.spec, sup.record.pod_ip),
                timeout=timeout,
            )

        return run

    def _failed(
        self, cplan: ContainerPlan, container: ContainerRecord, kind: ProbeKind, output: str
    ) -> None:
        sup = self.supervisor
        state = container.probes.get(kind)
        if state is not None:
            state.consecutive_failures += 1
            state.consecutive_successes = 0
            state.last_output = output
            state.last_time = sup.host.now()
        sup.host.emit(
            sup.record,
            "Warning",
            "Unhealthy",
            f"{LABELS[kind]} probe failed: {output.strip()}",
            sup.field_path(cplan),
        )

    def _changed(
        self,
        cplan: ContainerPlan,
        container: ContainerRecord,
        container_id: str,
        kind: ProbeKind,
        ok: bool,
        output: str,
    ) -> None:
        sup = self.supervisor
        state = container.probes.get(kind)
        if state is not None:
            state.success = ok
            state.last_output = output
            state.last_time = sup.host.now()
            if ok:
                state.consecutive_failures = 0
        if kind == "startup" and ok:
            container.started = True
            if not cplan.spec.get("readinessProbe"):
                container.ready = True
            event = self._started.get(cplan.name)
            if event is not None:
                event.set()
            sup.kick()  # a sidecar that has started lets the next init container begin
        elif kind == "readiness":
            container.ready = ok and container.started
        elif not ok and kind in ("liveness", "startup"):
            container.ready = False
            sup.host.emit(
                sup.record,
                "Normal",
                "Killing",
                f"Container {cplan.name} failed {kind} probe, will be restarted",
                sup.field_path(cplan),
            )
            grace = probe_grace(
                cplan.spec.get(SPEC_KEYS[kind]) or {}, sup.plan.grace_period_seconds
            )
            asyncio.create_task(stop_quietly(sup.host.gateway, container_id, grace))
        sup.host.changed(sup.record)

    async def stop_for(self, name: str) -> None:
        """Stop the probes of one container (it exited)."""
        for worker in self._workers.pop(name, []):
            await worker.stop()
        self._started.pop(name, None)

    async def stop_all(self) -> None:
        """Stop every probe of the pod."""
        for name in list(self._workers):
            await self.stop_for(name)


def probe_grace(probe: dict[str, Any], pod_grace: int) -> float:
    """A probe-level terminationGracePeriodSeconds wins over the pod's; the floor is 2 s."""
    value = probe.get("terminationGracePeriodSeconds")
    grace = float(value if value is not None else pod_grace)
    return max(2.0, grace)


def probe_address(pod: dict[str, Any], pod_ip: str | None) -> str | None:
    """Where httpGet/tcpSocket probes connect: the pod IP, or loopback on the host network."""
    if (pod.get("spec") or {}).get("hostNetwork"):
        return "127.0.0.1"
    return pod_ip
