"""Restarting podtui adopts its pods; a second podtui is a viewer; config changes propagate."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
import yaml
from folder_helpers import cleanup, pod_yaml, podman_pods, running, uid, until, write

from tui.config import Settings
from tui.podman.service import podman_env
from tui.reconciler.pod_plan import folder_id, podman_pod_name
from tui.reconciler.updates import ConnectionChanged, FileProblems, PodChanged
from tui.session import Session
from tui.status.kubectl_columns import status_column

pytestmark = pytest.mark.podman


def restarts(pod: dict) -> int:
    return sum(s.get("restartCount", 0) for s in pod["status"].get("containerStatuses") or [])


async def test_engine_restart_adopts_twenty_pods_without_restarts(
    folder_settings: Settings, test_labels: dict[str, str]
) -> None:
    folder = folder_settings.manifests_dir
    for index in range(20):
        write(folder / f"p{index:02d}.yaml", pod_yaml(f"p{index:02d}", test_labels))
    # one pod that crash-loops, so a restart count is there to be kept
    write(folder / "crash.yaml", pod_yaml("crash", test_labels, script="sleep 0.2; exit 1"))
    first = Session(folder_settings)
    await first.start()
    engine = first.engine
    first_open = True
    try:
        await until(
            engine,
            lambda: all(running(engine, f"p{i:02d}") for i in range(20)),
            90,
            "20 pods Running",
        )
        await until(
            engine, lambda: restarts(engine.pods[("default", "crash")]) >= 2, 30, "crash restarts"
        )
        before = {key: (pod["metadata"]["uid"], restarts(pod)) for key, pod in engine.pods.items()}
        containers_before = {
            c.id
            for c in engine.gateway.client.containers.list(
                filters={"label": f"io.podtui.folder={folder_id(folder)}"}
            )
        }
        await first.close()  # pods keep running
        first_open = False

        second = Session(folder_settings)
        await second.start()
        engine = second.engine
        try:
            await until(engine, lambda: len(engine.pods) == 21, 30, "all adopted")
            for key, (old_uid, old_restarts) in before.items():
                pod = engine.pods[key]
                assert pod["metadata"]["uid"] == old_uid, f"{key} was replaced"
                if key[1] != "crash":
                    assert restarts(pod) == old_restarts == 0, f"{key} restarted"
                    assert status_column(pod) == "Running"
            assert restarts(engine.pods[("default", "crash")]) >= before[("default", "crash")][1]
            running_now = {
                c.id
                for c in engine.gateway.client.containers.list(
                    filters={"label": f"io.podtui.folder={folder_id(folder)}"}
                )
                if c.labels.get("io.podtui.name") != "crash"
            }
            assert running_now <= containers_before, "adoption started new containers"
            names = podman_pods(engine, f"io.podtui.folder={folder_id(folder)}")
            assert len(names) == len(set(names)) == 21, "duplicate pods"
        finally:
            await cleanup(second)
    finally:
        if first_open:
            await cleanup(first)


async def test_removed_manifest_while_away_deletes_its_pod(
    folder_settings: Settings, test_labels: dict[str, str]
) -> None:
    folder = folder_settings.manifests_dir
    write(folder / "stay.yaml", pod_yaml("stay", test_labels))
    write(folder / "gone.yaml", pod_yaml("gone", test_labels))
    first = Session(folder_settings)
    await first.start()
    await until(
        first.engine, lambda: running(first.engine, "stay") and running(first.engine, "gone"), 30
    )
    await first.close()
    (folder / "gone.yaml").unlink()
    second = Session(folder_settings)
    await second.start()
    try:
        await until(
            second.engine,
            lambda: (
                ("default", "gone") not in second.engine.pods and running(second.engine, "stay")
            ),
            30,
        )
        assert podman_pods(second.engine, f"io.podtui.folder={folder_id(folder)}") == [
            podman_pod_name("default", "stay", folder)
        ]
    finally:
        await cleanup(second)


async def test_second_instance_is_a_viewer_and_takes_over(
    folder_settings: Settings, test_labels: dict[str, str]
) -> None:
    folder = folder_settings.manifests_dir
    write(folder / "seen.yaml", pod_yaml("seen", test_labels))
    owner = Session(folder_settings)
    await owner.start()
    viewer = Session(folder_settings)
    try:
        await until(owner.engine, lambda: running(owner.engine, "seen"), 30)
        await viewer.start()
        assert owner.role == "reconciler" and viewer.role == "viewer"
        assert viewer.reconciler is None
        await until(
            viewer.engine, lambda: running(viewer.engine, "seen"), 10, "viewer sees the pod"
        )
        assert (
            viewer.engine.pods[("default", "seen")]["metadata"]["uid"]
            == owner.engine.pods[("default", "seen")]["metadata"]["uid"]
        )
        # the viewer follows changes the reconciler makes
        write(folder / "later.yaml", pod_yaml("later", test_labels))
        await until(
            viewer.engine, lambda: running(viewer.engine, "later"), 30, "viewer sees a new pod"
        )
        # the owner goes away (pods keep running); the viewer takes the lock over
        await owner.close()
        await until(viewer.engine, lambda: viewer.role == "reconciler", 10, "take-over")
        await until(
            viewer.engine,
            lambda: (
                running(viewer.engine, "seen") and ("default", "seen") in viewer.engine.supervisors
            ),
            20,
        )
    finally:
        await cleanup(viewer)


async def test_a_viewer_shows_the_invalid_files_the_reconciler_refused(
    folder_settings: Settings, test_labels: dict[str, str]
) -> None:
    folder = folder_settings.manifests_dir
    owner = Session(folder_settings)
    await owner.start()
    viewer = Session(folder_settings)
    seen: dict[str, list[str]] = {}
    try:
        await viewer.start()
        assert viewer.role == "viewer"
        viewer.engine.add_listener(
            lambda u: seen.__setitem__(u.path, u.problems) if isinstance(u, FileProblems) else None
        )
        bad = folder / "bad.yaml"
        write(bad, pod_yaml("Bad_Name", test_labels))
        await until(viewer.engine, lambda: bool(seen.get(str(bad))), 15, "the viewer hears of it")
        assert "metadata.name" in seen[str(bad)][0] and f"{bad}:" in seen[str(bad)][0]
        write(bad, pod_yaml("good-name", test_labels))
        await until(viewer.engine, lambda: seen.get(str(bad)) == [], 30, "valid again")
    finally:
        await viewer.close()
        await cleanup(owner)


async def test_a_take_over_keeps_the_crash_loop_back_off(
    folder_settings: Settings, test_labels: dict[str, str]
) -> None:
    """The back-off reached under one reconciler holds under the next (cap 4 s here)."""
    folder = folder_settings.manifests_dir
    write(folder / "loop.yaml", pod_yaml("loop", test_labels, script="exit 1"))
    owner = Session(folder_settings)
    await owner.start()
    viewer = Session(folder_settings)
    try:
        await until(
            owner.engine,
            lambda: restarts(owner.engine.pods.get(("default", "loop"), {"status": {}})) >= 1,
            60,
            "a first restart",
        )
        await viewer.start()  # its back-offs are read now, while the loop is still climbing
        key = next(k for k in owner.engine.restart_backoff.export() if k.endswith("/main"))
        await until(
            owner.engine,
            lambda: owner.engine.restart_backoff.current(key) == 4.0,
            60,
            "back-off at its cap",
        )
        await owner.close()
        await until(
            viewer.engine,
            lambda: ("default", "loop") in viewer.engine.supervisors,
            10,
            "take-over adopts the pod",
        )
        assert viewer.engine.restart_backoff.current(key) == 4.0
        record = viewer.engine.supervisors[("default", "loop")].record.containers["main"]
        count = record.restart_count
        await until(
            viewer.engine,
            lambda: record.restart_count > count
            and record.current is not None
            and record.current.started_at is not None,
            30,
            "the next restart under the new reconciler",
        )
        previous, current = record.previous, record.current
        assert previous is not None and previous.finished_at is not None
        assert current is not None and current.started_at is not None
        gap = (current.started_at - previous.finished_at).total_seconds()
        assert gap >= 4.0 * 0.9, f"restarted {gap:.2f} s after the exit; back-off is 4 s"
    finally:
        await cleanup(viewer)


async def test_configmap_edit_reaches_env_and_mounted_consumers(
    session: Session, test_labels: dict[str, str]
) -> None:
    engine = session.engine
    folder = session.settings.manifests_dir

    def config(value: str) -> str:
        return yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "settings"},
                "data": {"greeting": value},
            }
        )

    env_pod = pod_yaml(
        "env-user",
        test_labels,
        script='echo "$GREETING"; sleep 3600 & wait',
        # envFrom-consumed data is part of the spec hash: a change restarts the pod
    )
    env_doc = yaml.safe_load(env_pod)
    env_doc["spec"]["containers"][0]["env"] = [
        {
            "name": "GREETING",
            "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "greeting"}},
        }
    ]
    mount_doc = yaml.safe_load(pod_yaml("file-user", test_labels))
    mount_doc["spec"]["volumes"] = [{"name": "cfg", "configMap": {"name": "settings"}}]
    mount_doc["spec"]["containers"][0]["volumeMounts"] = [{"name": "cfg", "mountPath": "/etc/cfg"}]
    write(folder / "config.yaml", config("hello"))
    write(folder / "pods.yaml", yaml.safe_dump_all([env_doc, mount_doc]))
    await until(engine, lambda: running(engine, "env-user") and running(engine, "file-user"), 30)
    env_uid, file_uid = uid(engine, "env-user"), uid(engine, "file-user")

    def read_file() -> str:
        status = engine.pods[("default", "file-user")]["status"]["containerStatuses"][0]
        container_id = status["containerID"].split("://", 1)[1]
        done = subprocess.run(
            ["podman", "exec", container_id, "cat", "/etc/cfg/greeting"],
            env=podman_env(session.settings),
            capture_output=True,
            text=True,
        )
        return done.stdout

    assert read_file() == "hello"
    write(folder / "config.yaml", config("bonjour"))
    await until(
        engine,
        lambda: running(engine, "env-user") and uid(engine, "env-user") != env_uid,
        30,
        "env consumer restarted",
    )
    status = engine.pods[("default", "env-user")]["status"]["containerStatuses"][0]
    container_id = status["containerID"].split("://", 1)[1]
    await until(
        engine,
        lambda: b"bonjour" in b"".join(engine.gateway.client.containers.get(container_id).logs()),
        10,
    )
    # the mounted file was updated in place: same pod, new content
    assert uid(engine, "file-user") == file_uid
    assert read_file() == "bonjour"


async def test_podman_service_killed_and_restarted(
    folder_settings: Settings, test_labels: dict[str, str]
) -> None:
    # an engine on its own embedded service, so killing it leaves the other tests alone
    settings = folder_settings.with_changes(container_host=None)
    if any(Path(p).exists() for p in ("/run/podman/podman.sock",)):
        pytest.skip("a system Podman socket exists: the engine would use it instead of its own")
    folder = settings.manifests_dir
    write(folder / "survivor.yaml", pod_yaml("survivor", test_labels))
    session = Session(settings)
    await session.start()
    engine = session.engine
    seen: list[str] = []
    engine.add_listener(
        lambda u: (
            seen.append(f"connected={u.connected}")
            if isinstance(u, ConnectionChanged)
            else seen.append(f"phase={u.pod['status']['phase']}")
            if isinstance(u, PodChanged) and u.name == "survivor"
            else None
        )
    )
    try:
        await until(engine, lambda: running(engine, "survivor"), 30)
        before = uid(engine, "survivor")
        endpoint = engine.service.endpoint
        assert (
            endpoint is not None and endpoint.source == "embedded" and endpoint.process is not None
        )
        os.killpg(endpoint.process.pid, signal.SIGKILL)
        await until(
            engine,
            lambda: engine.pods[("default", "survivor")]["status"]["phase"] == "Unknown",
            20,
            "Unknown",
        )
        assert "connected=False" in seen
        await until(
            engine, lambda: engine.connected and running(engine, "survivor"), 60, "reconnected"
        )
        assert uid(engine, "survivor") == before
        assert restarts(engine.pods[("default", "survivor")]) == 0
        await session.reconciler.resync()
        assert podman_pods(engine, f"io.podtui.folder={folder_id(folder)}") == [
            podman_pod_name("default", "survivor", folder)
        ]
    finally:
        await cleanup(session)


async def test_take_over_reconciles_with_its_own_service(folder_settings: Settings, test_labels: dict[str, str]) -> None:
    # no CONTAINER_HOST: each session finds or starts a service of its own, as in real use
    settings = folder_settings.with_changes(container_host=None)
    if Path("/run/podman/podman.sock").exists():
        pytest.skip("a system Podman socket exists: both sessions would share it")
    folder = settings.manifests_dir
    write(folder / "kept.yaml", pod_yaml("kept", test_labels))
    owner = Session(settings)
    await owner.start()
    viewer = Session(settings)
    try:
        await until(owner.engine, lambda: running(owner.engine, "kept"), 30)
        await viewer.start()
        assert viewer.role == "viewer"
        assert viewer.engine.service.endpoint is not None
        assert viewer.engine.service.endpoint.url != owner.engine.service.endpoint.url  # type: ignore[union-attr]
        await owner.close()  # its embedded service goes with it
        await until(viewer.engine, lambda: viewer.role == "reconciler", 10, "take-over")
        engine = viewer.engine
        write(folder / "fresh.yaml", pod_yaml("fresh", test_labels))
        await until(engine, lambda: running(engine, "fresh"), 30, "a new file is applied after take-over")
        (folder / "kept.yaml").unlink()
        await until(engine, lambda: ("default", "kept") not in engine.pods, 30, "a removed file deletes its pod")
    finally:
        await cleanup(viewer)


async def test_pod_removed_outside_podtui_is_recreated(session: Session, test_labels: dict[str, str]) -> None:
    engine = session.engine
    write(session.settings.manifests_dir / "phoenix.yaml", pod_yaml("phoenix", test_labels))
    await until(engine, lambda: running(engine, "phoenix"), 30)
    name = engine.pods[("default", "phoenix")]["metadata"]["annotations"]["podtui.io/podman-pod"]
    engine.gateway.client.pods.get(name).remove(force=True)
    await until(
        engine,
        lambda: running(engine, "phoenix") and restarts(engine.pods[("default", "phoenix")]) >= 1,
        30,
        "re-created with a restart counted",
    )
    reasons = [e.reason for e in engine.recorder.events_for("default", "phoenix")]
    assert "SandboxChanged" in reasons
    assert engine.gateway.client.pods.exists(name)
