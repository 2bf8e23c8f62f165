"""What the engine knows about a pod at runtime: the input of every status computation.

Two layers, as in the kubelet:

* ``ContainerInstance`` is what Podman reports about one container instance (one attempt).
  The reconciler fills it from ``podman inspect`` and events.
* ``ContainerRecord`` and ``PodRecord`` add what only the kubelet-like supervisor knows:
  why a container is waiting (image pull, back-off, bad config), probe results, restart
  counts across attempts, and whether the pod is being deleted.

``tui.status.pod_status`` turns a ``PodRecord`` into a Kubernetes ``v1.PodStatus``; nothing
in this module talks to Podman, so status logic is unit-tested from recorded data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ContainerKind = Literal["init", "sidecar", "app"]
# Podman's container states, folded: configured/created -> created, stopped/exited -> exited.
InstanceState = Literal["created", "running", "exited", "paused", "unknown"]


@dataclass
class ContainerInstance:
    """One Podman container: one attempt of a spec container (kubelet's "container status")."""

    id: str
    name: str  # the Kubernetes container name
    attempt: int  # 0 for the first instance; restartCount is derived from it
    state: InstanceState
    image: str
    image_id: str = ""
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    exit_code: int | None = None
    oom_killed: bool = False
    error: str = ""  # Podman's State.Error: why the runtime could not start it
    signal: int | None = None  # set when we know it was killed by a signal


@dataclass
class ProbeState:
    """The latest result of one probe kind for one container."""

    kind: Literal["readiness", "liveness", "startup"]
    success: bool
    consecutive_successes: int = 0
    consecutive_failures: int = 0
    last_output: str = ""
    last_time: datetime | None = None


@dataclass
class ContainerRecord:
    """Everything known about one spec container across its attempts."""

    name: str
    kind: ContainerKind
    image: str
    current: ContainerInstance | None = None  # the newest instance, if one was created
    previous: ContainerInstance | None = None  # the newest *terminated* instance before current
    waiting_reason: str | None = None  # when no instance runs: why (kubelet wording)
    waiting_message: str | None = None
    restart_count: int = 0
    ready: bool = False  # readiness (probe, or running without a probe)
    started: bool = False  # startup probe passed (or none) and running
    probes: dict[str, ProbeState] = field(default_factory=dict)
    last_restart_at: datetime | None = None  # when the latest restart began ("(12s ago)")


@dataclass
class Condition:
    """A pod condition with the time its status last changed."""

    type: str
    status: Literal["True", "False", "Unknown"]
    last_transition_time: datetime
    reason: str | None = None
    message: str | None = None


@dataclass
class PodRecord:
    """The runtime picture of one pod, as the supervisor sees it."""

    namespace: str
    name: str
    uid: str
    spec: dict  # the defaulted Pod object (metadata + spec) this pod runs
    manifest: str | None = None  # the file it came from (None for foreign pods)
    managed: bool = True  # False: a Podman pod podtui did not create (read-only)
    podman_pod_id: str | None = None
    pod_ip: str | None = None
    host_ip: str | None = "127.0.0.1"
    created_at: datetime | None = None
    start_time: datetime | None = None  # when the pod was accepted (status.startTime)
    sandbox_ready: bool = False  # infra container running with its network set up
    containers: dict[str, ContainerRecord] = field(default_factory=dict)
    terminating: bool = False
    deletion_started_at: datetime | None = None
    podman_reachable: bool = True  # False -> phase Unknown
    terminal_phase: str | None = None  # "Succeeded"/"Failed" once reached: never left
    conditions: dict[str, Condition] = field(
        default_factory=dict
    )  # last computed, for transition times
    problems: list[str] = field(default_factory=list)  # manifest warnings (`file:line: message`)
    message: str | None = None  # status.message
    reason: str | None = None  # status.reason

    def records(self, kind: ContainerKind) -> list[ContainerRecord]:
        """Container records of one kind, in spec order."""
        return [record for record in self.containers.values() if record.kind == kind]

    @property
    def init_records(self) -> list[ContainerRecord]:
        """Init containers and sidecars, in spec order (they share spec.initContainers)."""
        names = [c["name"] for c in self.spec.get("spec", {}).get("initContainers") or []]
        return [self.containers[n] for n in names if n in self.containers]

    @property
    def app_records(self) -> list[ContainerRecord]:
        """Regular containers, in spec order."""
        names = [c["name"] for c in self.spec.get("spec", {}).get("containers") or []]
        return [self.containers[n] for n in names if n in self.containers]
