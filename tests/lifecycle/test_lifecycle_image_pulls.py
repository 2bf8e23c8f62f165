"""Pull policies, progress and pull failures against a real local registry (never a public one).

Debian's docker-registry serves on 127.0.0.1; a Podman service of this module's own is told
(registries.conf) that the registry speaks plain HTTP.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from lifecycle_helpers import apply, container, pod, state_of, statuses, until

from tui.config import DEMO_IMAGE, Settings
from tui.engine import Engine
from tui.podman.service import Endpoint, podman_env, start_embedded, stop_embedded
from tui.reconciler.updates import PullProgressed

pytestmark = [
    pytest.mark.podman,
    pytest.mark.skipif(shutil.which("docker-registry") is None, reason="needs docker-registry"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(process: subprocess.Popen[bytes], port: int, timeout: float = 20.0) -> None:
    """Wait until the registry accepts connections (bounded; connect attempts block up to 0.2 s)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("docker-registry exited before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.05)  # paces the loop and notices an early exit
    pytest.fail("docker-registry did not listen in time")


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real registry on 127.0.0.1 holding the demo image as <registry>/podtui/busybox:v1."""
    root = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = root / "config.yml"
    config.write_text(
        f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    process = subprocess.Popen(
        ["docker-registry", "serve", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"127.0.0.1:{port}"
    try:
        wait_for_port(process, port)
        env = podman_env(
            Settings.from_env(root, env={}).with_changes(
                containers_conf=Path(__file__).resolve().parents[2] / ".podtui" / "containers.conf"
            )
        )
        subprocess.run(
            [
                "podman",
                "push",
                "--quiet",
                "--tls-verify=false",
                DEMO_IMAGE,
                f"{address}/podtui/busybox:v1",
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def registry_service(registry: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """A Podman service that knows the local registry speaks plain HTTP."""
    root = tmp_path_factory.mktemp("regsvc")
    registries = root / "registries.conf"
    registries.write_text(f'[[registry]]\nlocation = "{registry}"\ninsecure = true\n')
    settings = Settings.from_env(root / "m", env={}).with_changes(
        containers_conf=Path(__file__).resolve().parents[2] / ".podtui" / "containers.conf"
    )
    previous = os.environ.get("CONTAINERS_REGISTRIES_CONF")
    os.environ["CONTAINERS_REGISTRIES_CONF"] = str(registries)
    try:
        endpoint = start_embedded(settings)
    finally:
        if previous is None:
            os.environ.pop("CONTAINERS_REGISTRIES_CONF", None)
        else:
            os.environ["CONTAINERS_REGISTRIES_CONF"] = previous
    yield endpoint
    stop_embedded(endpoint)


@pytest.fixture
async def pull_engine(
    settings: Settings, registry_service: Endpoint, test_labels: dict[str, str]
) -> AsyncIterator[Engine]:
    engine = Engine(
        settings.with_changes(
            container_host=registry_service.url, backoff_base=0.5, backoff_cap=4.0
        )
    )
    engine.test_labels = dict(test_labels)  # type: ignore[attr-defined]
    await engine.start()
    try:
        yield engine
    finally:
        for namespace, name in list(engine.supervisors):
            await engine.delete(namespace, name, grace=2)
        await engine.close()


def remove_image(engine: Engine, reference: str) -> None:
    with contextlib.suppress(Exception):  # absent already
        engine.gateway.client.images.remove(reference, force=True)


def reasons(engine: Engine, name: str) -> list[str]:
    return [event.reason for event in engine.recorder.events_for("default", name)]


async def test_if_not_present_pulls_a_missing_image_with_progress(
    pull_engine: Engine, registry: str
) -> None:
    image = f"{registry}/podtui/busybox:v1"
    remove_image(pull_engine, image)
    progress: list[PullProgressed] = []
    pull_engine.add_listener(
        lambda u: progress.append(u) if isinstance(u, PullProgressed) else None
    )
    spec = {
        "containers": [container("app", "sleep 3600", image=image, imagePullPolicy="IfNotPresent")]
    }
    await apply(pull_engine, "pulled", spec)
    await until(
        pull_engine, lambda: state_of(pod(pull_engine, "pulled"), "app") == "running", 60, "running"
    )
    assert "Pulling" in reasons(pull_engine, "pulled") and "Pulled" in reasons(
        pull_engine, "pulled"
    )
    assert progress and progress[-1].done and progress[-1].error is None
    assert max(p.layers_total for p in progress) >= 1
    await until(
        pull_engine,
        lambda: bool(statuses(pod(pull_engine, "pulled"))["app"]["imageID"]),
        10,
        "imageID",
    )
    # present now: IfNotPresent does not pull again
    await apply(pull_engine, "present", spec)
    await until(pull_engine, lambda: state_of(pod(pull_engine, "present"), "app") == "running", 60)
    messages = [e.message for e in pull_engine.recorder.events_for("default", "present")]
    assert any("already present on machine" in m for m in messages)
    assert "Pulling" not in reasons(pull_engine, "present")


async def test_always_pulls_even_when_present(pull_engine: Engine, registry: str) -> None:
    image = f"{registry}/podtui/busybox:v1"
    spec = {"containers": [container("app", "sleep 3600", image=image, imagePullPolicy="Always")]}
    await apply(pull_engine, "always", spec)
    await until(pull_engine, lambda: state_of(pod(pull_engine, "always"), "app") == "running", 60)
    assert "Pulling" in reasons(pull_engine, "always")


async def test_missing_image_gives_err_image_pull_then_backoff(
    pull_engine: Engine, registry: str
) -> None:
    image = f"{registry}/podtui/absent:v1"
    seen: set[str] = set()

    def note(update: object) -> None:
        current = pod(pull_engine, "missing")
        if current:
            seen.add(state_of(current, "app"))

    pull_engine.add_listener(note)
    spec = {
        "containers": [container("app", "sleep 3600", image=image, imagePullPolicy="IfNotPresent")]
    }
    await apply(pull_engine, "missing", spec)
    ok = await pull_engine.wait_for(
        lambda: {"waiting:ErrImagePull", "waiting:ImagePullBackOff"} <= seen, 30
    )
    assert ok, (
        seen,
        pod(pull_engine, "missing").get("status"),
        [(e.reason, e.message) for e in pull_engine.recorder.events_for("default", "missing")],
    )
    failed = [
        e.message
        for e in pull_engine.recorder.events_for("default", "missing")
        if e.reason == "Failed"
    ]
    assert any(f'Failed to pull image "{image}"' in m for m in failed)
    assert pod(pull_engine, "missing")["status"]["phase"] == "Pending"


async def test_never_with_an_absent_image(pull_engine: Engine, registry: str) -> None:
    image = f"{registry}/podtui/busybox:not-pulled"
    spec = {"containers": [container("app", "sleep 3600", image=image, imagePullPolicy="Never")]}
    await apply(pull_engine, "never-pull", spec)
    await until(
        pull_engine,
        lambda: state_of(pod(pull_engine, "never-pull"), "app") == "waiting:ErrImageNeverPull",
        20,
    )
    assert "ErrImageNeverPull" in reasons(pull_engine, "never-pull")


async def test_invalid_reference(pull_engine: Engine) -> None:
    spec = {
        "containers": [
            container("app", "sleep 3600", image="busybox@@nope", imagePullPolicy="IfNotPresent")
        ]
    }
    await apply(pull_engine, "badref", spec)
    await until(
        pull_engine,
        lambda: state_of(pod(pull_engine, "badref"), "app") == "waiting:InvalidImageName",
        20,
    )
