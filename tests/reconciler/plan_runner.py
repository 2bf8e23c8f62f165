"""A test-only runner: executes a PodPlan step by step with the materialize functions.

Sequential and simple on purpose (the real supervisor handles retries, back-off and
probes): network, host paths, volumes, files, secrets, the pod and its infra container,
then init containers in order (each must exit 0), sidecars, and app containers.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tui.config import Settings
from tui.reconciler import materialize
from tui.reconciler.pod_plan import ContainerPlan, PodPlan

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float = 20.0, interval: float = 0.05) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)  # bounded polling of an external process


@dataclass
class PlanRun:
    """What the runner created."""

    plan: PodPlan
    pod_id: str
    pod_ip: str | None
    containers: dict[str, str] = field(default_factory=dict)  # container name -> Podman id


def start_container(client: Any, plan: PodPlan, cplan: ContainerPlan, pod_ip: str | None) -> str:
    """Create and start attempt 0 of one container."""
    container_id = materialize.create_container(client, plan, cplan, 0, pod_ip)
    client.containers.get(container_id).start()
    return container_id


def run_plan(client: Any, settings: Settings, plan: PodPlan, timeout: float = 30.0) -> PlanRun:
    """Bring the pod up; init containers must succeed."""
    materialize.ensure_network(client, settings)
    failures = materialize.check_host_paths(plan)
    assert not failures, failures
    materialize.ensure_volumes(client, plan)
    for item in plan.file_volumes:
        materialize.write_file_volume(item)
    for cplan in plan.container_plans():
        for secret in cplan.secret_env:
            materialize.ensure_secret_env(client, secret)
    pod_id = materialize.create_pod(client, plan)
    pod = client.pods.get(pod_id)
    client.containers.get(pod.attrs["InfraContainerID"]).start()
    pod_ip = materialize.pod_ip(client, plan.podman_name)
    run = PlanRun(plan=plan, pod_id=pod_id, pod_ip=pod_ip)
    for cplan in plan.init_containers:
        container_id = start_container(client, plan, cplan, pod_ip)
        run.containers[cplan.name] = container_id
        if cplan.kind == "init":
            code = client.containers.get(container_id).wait(condition="exited", timeout=timeout)
            assert code == 0, (
                f"init container {cplan.name} exited {code}: {logs(client, container_id)}"
            )
    for cplan in plan.containers:
        run.containers[cplan.name] = start_container(client, plan, cplan, pod_ip)
    return run


def delete_plan(client: Any, plan: PodPlan) -> None:
    """Remove the pod, its containers, emptyDirs, files and secrets (never PVCs)."""
    with contextlib.suppress(Exception):  # not running
        client.pods.get(plan.podman_name).kill()  # tests need no graceful stop: faster removal
    with contextlib.suppress(Exception):  # already gone
        client.pods.get(plan.podman_name).remove(force=True)
    materialize.remove_pod_volumes(client, plan)
    materialize.remove_file_volumes(plan)
    materialize.remove_secret_env(client, plan)


def logs(client: Any, container_id: str) -> str:
    """stdout and stderr of a container, as text."""
    return b"".join(client.containers.get(container_id).logs(stdout=True, stderr=True)).decode(
        errors="replace"
    )


def exec_text(client: Any, container_id: str, *command: str) -> tuple[int, str]:
    """Run a command in a running container: (exit code, combined output)."""
    code, (out, err) = client.containers.get(container_id).exec_run(list(command), demux=True)
    return int(code or 0), ((out or b"") + (err or b"")).decode(errors="replace")


def wait_exited(client: Any, container_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """Wait for a container to exit and return its State."""
    client.containers.get(container_id).wait(condition="exited", timeout=timeout)
    return client.containers.get(container_id).attrs["State"]
