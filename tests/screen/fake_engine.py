"""A fake session and engine for SVG snapshots and screen-only tests: fixed pods, fixed
events, a fixed clock.

The engine's behaviour is tested against real Podman (test_app_podman.py); these fakes
exist so that pictures are pixel-stable, and so that what the screen does with the
engine's messages (keys, focus, hints, the viewer role) is tested without Podman
(test_app_keys.py). Pods are v1.Pod dicts written by hand so
the real column, status and describe code renders them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tui.config import Settings
from tui.reconciler.updates import (
    ConnectionChanged,
    EngineUpdate,
    PodChanged,
    ReconcileLogged,
    RoleChanged,
)
from tui.status.events import Event

FIXED = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
#: A fixed folder so that paths in pictures never depend on where the repo is checked out.
SNAPSHOT_ROOT = Path("/tmp/podtui-snapshot")
MANIFESTS = SNAPSHOT_ROOT / "manifests"

WEB_YAML = """\
# The web pod and its credentials.
apiVersion: v1
kind: Secret
metadata:
  name: web-secret
type: Opaque
stringData:
  password: hunter2-do-not-show
  token: |
    multi-line
    secret
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: nginx
      image: localhost/podtui/busybox:latest
      command: ["httpd", "-f", "-p", "80"]
      ports:
        - containerPort: 80
          hostPort: 8080
      env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: web-secret
              key: password
      readinessProbe:
        tcpSocket:
          port: 80
    - name: shipper
      image: localhost/podtui/busybox:latest
      command: ["sh", "-c", "tail -f /dev/null"]
"""


def ago(seconds: float) -> str:
    """An RFC 3339 time ``seconds`` before the pinned clock."""
    return (FIXED - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_manifests() -> Path:
    """Write the snapshot manifests into the fixed folder (atomically: xdist-safe)."""
    MANIFESTS.mkdir(parents=True, exist_ok=True)
    for name, text in {"web.yaml": WEB_YAML}.items():
        target = MANIFESTS / name
        if not target.exists() or target.read_text() != text:
            tmp = MANIFESTS / f".{name}.{os.getpid()}"
            tmp.write_text(text)
            os.replace(tmp, target)
    return MANIFESTS


def snapshot_settings() -> Settings:
    """Settings with fixed paths (nothing is started)."""
    return Settings(
        manifests_dir=MANIFESTS,
        state_dir=SNAPSHOT_ROOT / "state",
        containers_conf=SNAPSHOT_ROOT / "containers.conf",
    )


def container_status(
    name: str,
    state: dict[str, Any],
    *,
    ready: bool = False,
    restarts: int = 0,
    last: dict[str, Any] | None = None,
    image: str = "localhost/podtui/busybox:latest",
    number: int = 1,
) -> dict[str, Any]:
    """One v1.ContainerStatus."""
    status: dict[str, Any] = {
        "name": name,
        "state": state,
        "lastState": last or {},
        "ready": ready,
        "restartCount": restarts,
        "image": image,
        "imageID": "sha256:28281f87bc9c",
        "started": "running" in state,
    }
    if "waiting" not in state:
        status["containerID"] = f"podman://{number:064x}"
    return status


def conditions(ready: bool, initialized: bool = True) -> list[dict[str, Any]]:
    """The five pod conditions."""
    values = (
        ("PodReadyToStartContainers", True),
        ("Initialized", initialized),
        ("Ready", ready),
        ("ContainersReady", ready),
        ("PodScheduled", True),
    )
    found = []
    for kind, value in values:
        condition = {
            "type": kind,
            "status": "True" if value else "False",
            "lastTransitionTime": ago(3600),
        }
        if not value and kind in ("Ready", "ContainersReady"):
            condition["reason"] = "ContainersNotReady"
        found.append(condition)
    return found


def pod(
    name: str,
    containers: list[dict[str, Any]],
    statuses: list[dict[str, Any]],
    *,
    namespace: str = "default",
    phase: str = "Running",
    ready: bool = True,
    created: float = 3600,
    ip: str | None = "10.88.0.5",
    manifest: str | None = None,
    labels: dict[str, str] | None = None,
    init: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None,
    extra_conditions: list[dict[str, Any]] | None = None,
    annotations: dict[str, str] | None = None,
    deleting: bool = False,
) -> dict[str, Any]:
    """A v1.Pod as the engine would publish it."""
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "uid": f"uid-{name}",
        "creationTimestamp": ago(created),
        "labels": labels or {"app": name},
        "annotations": dict(annotations or {}),
    }
    if manifest:
        metadata["annotations"]["podtui.io/manifest"] = str(MANIFESTS / manifest)
    if deleting:
        metadata["deletionTimestamp"] = ago(-30)
        metadata["deletionGracePeriodSeconds"] = 30
    spec: dict[str, Any] = {
        "containers": containers,
        "restartPolicy": "Always",
        "nodeName": "podtui",
        "priority": 0,
    }
    status: dict[str, Any] = {
        "phase": phase,
        "conditions": conditions(
            ready, initialized=init is None or all(s.get("ready") for s in init[1])
        )
        + list(extra_conditions or []),
        "hostIP": "127.0.0.1",
        "startTime": ago(created),
        "containerStatuses": statuses,
        "qosClass": "BestEffort",
    }
    if init is not None:
        spec["initContainers"] = init[0]
        status["initContainerStatuses"] = init[1]
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


def box(name: str, **extra: Any) -> dict[str, Any]:
    """A container spec on the demo image."""
    return {"name": name, "image": "localhost/podtui/busybox:latest", **extra}


def demo_pods() -> list[tuple[dict[str, Any], bool]]:
    """(pod, managed) for every state the table colours."""
    running = {"running": {"startedAt": ago(3500)}}
    crashed = {
        "terminated": {
            "exitCode": 1,
            "reason": "Error",
            "startedAt": ago(45),
            "finishedAt": ago(40),
        }
    }
    web = pod(
        "web",
        [
            box(
                "nginx",
                ports=[{"containerPort": 80, "hostPort": 8080, "protocol": "TCP"}],
                readinessProbe={"tcpSocket": {"port": 80}, "periodSeconds": 10},
            ),
            box("shipper"),
        ],
        [
            container_status("nginx", running, ready=True, number=1),
            container_status("shipper", running, ready=True, number=2),
        ],
        manifest="web.yaml",
        labels={"app": "web", "tier": "frontend"},
    )
    worker = pod(
        "worker",
        [box("worker", command=["sh", "-c", "exit 1"])],
        [
            container_status(
                "worker",
                {
                    "waiting": {
                        "reason": "CrashLoopBackOff",
                        "message": "back-off 40s restarting failed container=worker pod=worker_default",
                    }
                },
                restarts=5,
                last=crashed,
                number=3,
            )
        ],
        ready=False,
        created=600,
        ip="10.88.0.6",
        manifest="worker.yaml",
    )
    db = pod(
        "db",
        [box("postgres")],
        [container_status("postgres", {"waiting": {"reason": "PodInitializing"}})],
        phase="Pending",
        ready=False,
        created=20,
        ip="10.88.0.7",
        manifest="db.yaml",
        init=(
            [box("migrate"), box("seed")],
            [
                container_status("migrate", {"running": {"startedAt": ago(15)}}, number=4),
                container_status("seed", {"waiting": {"reason": "PodInitializing"}}),
            ],
        ),
    )
    report = pod(
        "report",
        [box("report")],
        [
            container_status(
                "report",
                {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": ago(900),
                        "finishedAt": ago(880),
                    }
                },
                number=5,
            )
        ],
        phase="Succeeded",
        ready=False,
        created=900,
        ip=None,
        manifest="report.yaml",
    )
    broken = pod(
        "api",
        [box("api")],
        [container_status("api", running, ready=True, number=6)],
        created=7200,
        ip="10.88.0.8",
        manifest="api.yaml",
        extra_conditions=[
            {
                "type": "podtui.io/ManifestValid",
                "status": "False",
                "reason": "InvalidManifest",
                "message": "/tmp/podtui-snapshot/manifests/api.yaml:14:18: spec.containers[0].image: Required value",
                "lastTransitionTime": ago(60),
            }
        ],
    )
    pulling = pod(
        "cache",
        [{"name": "redis", "image": "127.0.0.1:5055/podtui/big:v1"}],
        [
            container_status(
                "redis",
                {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}},
                image="127.0.0.1:5055/podtui/big:v1",
            )
        ],
        namespace="staging",
        phase="Pending",
        ready=False,
        created=300,
        ip="10.88.0.9",
        manifest="cache.yaml",
    )
    leaving = pod(
        "old-web",
        [box("nginx")],
        [container_status("nginx", running, ready=True, number=7)],
        namespace="staging",
        created=86400 * 3,
        ip="10.88.0.10",
        manifest="old-web.yaml",
        deleting=True,
    )
    legacy = pod(
        "legacy",
        [box("legacy-app")],
        [container_status("legacy-app", running, ready=True, number=8)],
        namespace="podman",
        created=86400 * 12,
        ip="10.88.0.2",
        annotations={"podtui.io/foreign": "true"},
    )
    return [
        (web, True),
        (worker, True),
        (db, True),
        (report, True),
        (broken, True),
        (pulling, True),
        (leaving, True),
        (legacy, False),
    ]


def demo_events() -> list[Event]:
    """Events of the demo pods at fixed times."""

    def event(
        pod_name: str,
        reason: str,
        message: str,
        seconds: float,
        *,
        count: int = 1,
        first: float | None = None,
        type_: str = "Normal",
        field_path: str = "",
    ) -> Event:
        return Event(
            namespace="default",
            pod=pod_name,
            type=type_,  # type: ignore[arg-type]
            reason=reason,
            message=message,
            first_timestamp=FIXED - timedelta(seconds=first if first is not None else seconds),
            last_timestamp=FIXED - timedelta(seconds=seconds),
            count=count,
            field_path=field_path,
        )

    return [
        event("web", "Scheduled", "Successfully assigned default/web to podtui", 3600),
        event(
            "web",
            "Pulled",
            'Container image "localhost/podtui/busybox:latest" already present on machine',
            3599,
            field_path="spec.containers{nginx}",
        ),
        event(
            "web", "Created", "Created container nginx", 3599, field_path="spec.containers{nginx}"
        ),
        event(
            "web", "Started", "Started container nginx", 3598, field_path="spec.containers{nginx}"
        ),
        event("worker", "Scheduled", "Successfully assigned default/worker to podtui", 600),
        event(
            "worker",
            "Pulled",
            'Container image "localhost/podtui/busybox:latest" already present on machine',
            40,
            count=6,
            first=600,
            field_path="spec.containers{worker}",
        ),
        event(
            "worker",
            "Created",
            "Created container worker",
            40,
            count=6,
            first=600,
            field_path="spec.containers{worker}",
        ),
        event(
            "worker",
            "Started",
            "Started container worker",
            40,
            count=6,
            first=600,
            field_path="spec.containers{worker}",
        ),
        event(
            "worker",
            "BackOff",
            "Back-off restarting failed container worker in pod worker_default",
            12,
            count=5,
            first=560,
            type_="Warning",
            field_path="spec.containers{worker}",
        ),
    ]


@dataclass
class FakeRecorder:
    """Just what the app reads from the event recorder."""

    events: list[Event] = field(default_factory=list)

    def events_for(self, namespace: str, pod: str) -> list[Event]:
        """A pod's events, oldest first."""
        found = [e for e in self.events if (e.namespace, e.pod) == (namespace, pod)]
        return sorted(found, key=lambda e: e.last_timestamp)

    def all_events(self) -> list[Event]:
        """Every event, oldest first."""
        return sorted(self.events, key=lambda e: e.last_timestamp)


class FakeEngine:
    """Publishes fixed pods; records the commands it is given."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.recorder = FakeRecorder(demo_events())
        self.pods: dict[tuple[str, str], dict[str, Any]] = {}
        self.foreign: dict[str, dict[str, Any]] = {}
        self.connected = False
        self.version = ""
        self.gateway = None
        self.commands: list[tuple[str, str, str]] = []
        self._listeners: list[Callable[[EngineUpdate], None]] = []

    def add_listener(self, listener: Callable[[EngineUpdate], None]) -> Callable[[], None]:
        """Like Engine.add_listener."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, update: EngineUpdate) -> None:
        """Send an update to the app."""
        for listener in list(self._listeners):
            listener(update)

    def all_pods(self) -> list[dict[str, Any]]:
        """Managed, then foreign."""
        return [*self.pods.values(), *self.foreign.values()]

    async def delete(self, namespace: str, name: str, grace: float | None = None) -> bool:
        """Record the command."""
        self.commands.append(("delete", namespace, name))
        return True

    async def restart(self, namespace: str, name: str) -> bool:
        """Record the command."""
        self.commands.append(("restart", namespace, name))
        return True


class FakeSession:
    """A session whose engine shows the demo pods."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = FakeEngine(settings)
        self.role = "reconciler"

    async def start(self) -> None:
        """Publish the fixed world."""
        engine = self.engine
        engine.connected, engine.version = True, "4.3.1"
        engine.publish(ConnectionChanged(True, "4.3.1", "unix:///run/podman/podman.sock", "system"))
        engine.publish(RoleChanged("reconciler", f"reconciling {self.settings.manifests_dir}"))
        for text in (
            "pod default/web: created from web.yaml",
            "pod default/worker: created from worker.yaml",
            "pod default/db: created from db.yaml",
        ):
            engine.publish(ReconcileLogged(text))
        for item, managed in demo_pods():
            meta = item["metadata"]
            if managed:
                engine.pods[(meta["namespace"], meta["name"])] = item
            else:
                engine.foreign[meta["name"]] = item
            engine.publish(PodChanged(meta["namespace"], meta["name"], item, managed))

    async def close(self) -> None:
        """Nothing runs."""
