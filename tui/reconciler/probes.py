"""Readiness, liveness and startup probes on the kubelet's schedule and thresholds.

One ``ProbeWorker`` per probe and container instance. Results start where the kubelet
starts them (readiness failed, liveness and startup... not yet known) and flip only after
``successThreshold`` successes or ``failureThreshold`` failures in a row. Liveness and
readiness wait until the startup probe (if any) has succeeded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from tui.reconciler.handlers import HandlerResult

ProbeKind = Literal["readiness", "liveness", "startup"]
SPEC_KEYS: dict[ProbeKind, str] = {
    "startup": "startupProbe",
    "liveness": "livenessProbe",
    "readiness": "readinessProbe",
}
LABELS: dict[ProbeKind, str] = {
    "startup": "Startup",
    "liveness": "Liveness",
    "readiness": "Readiness",
}


@dataclass(frozen=True)
class ProbeSettings:
    """A probe's timing, with the kubelet's defaults."""

    initial_delay: float = 0
    period: float = 10
    timeout: float = 1
    success_threshold: int = 1
    failure_threshold: int = 3

    @classmethod
    def from_spec(cls, probe: dict[str, Any]) -> ProbeSettings:
        """Read the timing fields, defaulting as the API server does."""
        return cls(
            initial_delay=float(probe.get("initialDelaySeconds") or 0),
            period=float(probe.get("periodSeconds") or 10),
            timeout=float(probe.get("timeoutSeconds") or 1),
            success_threshold=int(probe.get("successThreshold") or 1),
            failure_threshold=int(probe.get("failureThreshold") or 3),
        )


def initial_result(kind: ProbeKind) -> bool:
    """Readiness starts failed; liveness starts successful; startup is not yet successful."""
    return kind == "liveness"


class ProbeWorker:
    """Run one probe periodically and report threshold crossings and each failure."""

    def __init__(
        self,
        kind: ProbeKind,
        probe: dict[str, Any],
        run: Callable[[dict[str, Any], float], Awaitable[HandlerResult]],
        on_change: Callable[[ProbeKind, bool, str], None],
        on_failure: Callable[[ProbeKind, str], None],
        wait_started: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.kind = kind
        self.probe = probe
        self.settings = ProbeSettings.from_spec(probe)
        self.run_handler = run
        self.on_change = on_change
        self.on_failure = on_failure
        self.wait_started = wait_started
        self.result = initial_result(kind)
        self.successes = 0
        self.failures = 0
        self.last_output = ""
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin probing in the background."""
        self._task = asyncio.create_task(self._loop(), name=f"probe-{self.kind}")

    async def stop(self) -> None:
        """Stop probing (the container stopped or the pod is terminating)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _loop(self) -> None:
        if self.wait_started is not None:
            await self.wait_started()
        if self.settings.initial_delay:
            await asyncio.sleep(self.settings.initial_delay)  # the probe's schedule, not a sync
        while True:
            try:
                outcome = await self.run_handler(self.probe, self.settings.timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a probe that cannot run has failed
                outcome = HandlerResult(False, f"probe error: {exc}")
            if self._record(outcome) and self.kind in ("liveness", "startup") and not self.result:
                return  # the container will be killed; a new instance gets a new worker
            if self.kind == "startup" and self.result:
                return  # startup probes stop once they succeed
            await asyncio.sleep(self.settings.period)

    def _record(self, outcome: HandlerResult) -> bool:
        """Count one outcome; returns True when the result flipped."""
        self.last_output = outcome.output
        if outcome.ok:
            self.successes += 1
            self.failures = 0
        else:
            self.failures += 1
            self.successes = 0
            self.on_failure(self.kind, outcome.output)
        flipped = False
        if outcome.ok and not self.result and self.successes >= self.settings.success_threshold:
            self.result = True
            flipped = True
        elif (
            not outcome.ok
            and self.failures >= self.settings.failure_threshold
            and (self.result or self.kind == "startup")
        ):
            self.result = False
            flipped = True
        if flipped:
            self.on_change(self.kind, self.result, outcome.output)
        return flipped
