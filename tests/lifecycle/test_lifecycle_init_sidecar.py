"""Init containers run in order; sidecars start in order, keep running and stop last."""

from __future__ import annotations

import pytest
from lifecycle_helpers import apply, container, pod, state_of, statuses, until

from tui.engine import Engine
from tui.reconciler.updates import PodChanged
from tui.status.kubectl_columns import status_column

pytestmark = pytest.mark.podman

SHARED = [{"name": "shared", "emptyDir": {}}]
MOUNT = [{"name": "shared", "mountPath": "/shared"}]


async def test_init_containers_run_in_order_and_gate_the_app(engine: Engine) -> None:
    seen: list[str] = []
    engine.add_listener(
        lambda u: (
            seen.append(status_column(u.pod))
            if isinstance(u, PodChanged) and u.name == "inits"
            else None
        )
    )
    spec = {
        "volumes": SHARED,
        "initContainers": [
            container(
                "first",
                "sleep 0.5; echo ready > /shared/token; echo first-done",
                volumeMounts=MOUNT,
            ),
            container(
                "second",
                "test -f /shared/token && cat /shared/token > /shared/copied",
                volumeMounts=MOUNT,
            ),
        ],
        "containers": [container("app", "cat /shared/copied; sleep 3600", volumeMounts=MOUNT)],
    }
    await apply(engine, "inits", spec)
    await until(
        engine, lambda: state_of(pod(engine, "inits"), "app") == "running", 30, "app running"
    )
    inits = statuses(pod(engine, "inits"), "initContainerStatuses")
    assert [inits[n]["state"]["terminated"]["exitCode"] for n in ("first", "second")] == [0, 0]
    first_done = inits["first"]["state"]["terminated"]["finishedAt"]
    second_started = inits["second"]["state"]["terminated"]["startedAt"]
    assert second_started >= first_done
    assert "Init:0/2" in seen and "Running" in seen
    conditions = {c["type"]: c["status"] for c in pod(engine, "inits")["status"]["conditions"]}
    assert conditions["Initialized"] == "True"
    # finished init containers stay inspectable (logs) until the pod is deleted
    client = engine.gateway.client
    first_id = inits["first"]["containerID"].split("://", 1)[1]
    assert client.containers.get(first_id).status == "exited"
    assert b"first-done" in b"".join(client.containers.get(first_id).logs())


async def test_failing_init_container_backs_off_under_always(engine: Engine) -> None:
    spec = {
        "initContainers": [container("boom", "exit 2")],
        "containers": [container("app", "sleep 3600")],
    }
    await apply(engine, "init-crash", spec)
    await until(
        engine,
        lambda: status_column(pod(engine, "init-crash")) == "Init:CrashLoopBackOff",
        30,
        "Init:CrashLoopBackOff",
    )
    current = pod(engine, "init-crash")
    assert statuses(current, "initContainerStatuses")["boom"]["restartCount"] >= 1
    assert state_of(current, "app") == "waiting:PodInitializing"
    assert current["status"]["phase"] == "Pending"


async def test_failing_init_container_fails_the_pod_under_never(engine: Engine) -> None:
    spec = {
        "restartPolicy": "Never",
        "initContainers": [container("boom", "exit 2")],
        "containers": [container("app", "sleep 3600")],
    }
    await apply(engine, "init-never", spec)
    await until(
        engine,
        lambda: pod(engine, "init-never").get("status", {}).get("phase") == "Failed",
        30,
        "Failed",
    )
    failed = pod(engine, "init-never")
    assert status_column(failed) == "Init:Error"
    assert statuses(failed, "initContainerStatuses")["boom"]["restartCount"] == 0


async def test_sidecar_tails_the_log_and_the_pod_completes_while_it_runs(engine: Engine) -> None:
    spec = {
        "restartPolicy": "Never",
        "volumes": SHARED,
        "initContainers": [
            container(
                "tailer",
                "touch /shared/app.log; trap 'echo sidecar-stopped; exit 0' TERM; tail -f /shared/app.log & wait",
                restartPolicy="Always",
                volumeMounts=MOUNT,
            ),
        ],
        "containers": [
            # busybox `tail -f` polls once a second: give it time to print before main ends
            container(
                "main",
                "for i in 1 2 3; do echo line-$i >> /shared/app.log; done; sleep 2",
                volumeMounts=MOUNT,
            )
        ],
    }
    await apply(engine, "sidecar", spec)
    await until(
        engine,
        lambda: pod(engine, "sidecar").get("status", {}).get("phase") == "Succeeded",
        40,
        "Succeeded",
    )
    done = pod(engine, "sidecar")
    assert statuses(done)["main"]["state"]["terminated"]["exitCode"] == 0
    # the sidecar saw the main container's lines, then was stopped after main completed
    sidecar = statuses(done, "initContainerStatuses")["tailer"]
    sidecar_id = sidecar["containerID"].split("://", 1)[1]
    await until(
        engine,
        lambda: (
            "terminated"
            in statuses(pod(engine, "sidecar"), "initContainerStatuses")["tailer"]["state"]
        ),
        20,
        "sidecar stopped",
    )
    logs = b"".join(engine.gateway.client.containers.get(sidecar_id).logs()).decode()
    assert "line-1" in logs and "line-3" in logs and "sidecar-stopped" in logs


async def test_sidecars_start_in_order_before_the_app(engine: Engine) -> None:
    spec = {
        "volumes": SHARED,
        "initContainers": [
            container(
                "proxy",
                "date +%s%N > /shared/proxy; sleep 3600",
                restartPolicy="Always",
                volumeMounts=MOUNT,
            ),
            container(
                "setup", "test -f /shared/proxy && date +%s%N > /shared/setup", volumeMounts=MOUNT
            ),
        ],
        "containers": [
            container("app", "cat /shared/proxy /shared/setup; sleep 3600", volumeMounts=MOUNT)
        ],
    }
    await apply(engine, "ordered", spec)
    await until(
        engine, lambda: state_of(pod(engine, "ordered"), "app") == "running", 30, "app running"
    )
    current = pod(engine, "ordered")
    inits = statuses(current, "initContainerStatuses")
    assert (
        "running" in inits["proxy"]["state"]
        and inits["setup"]["state"]["terminated"]["exitCode"] == 0
    )
    from tui.status.kubectl_columns import ready_column

    assert ready_column(current) == "2/2"  # kubectl counts the running sidecar
