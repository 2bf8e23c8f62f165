"""Shared fixtures: a real Podman service started by the test setup, and clean-up by label.

Every pod a test creates carries ``io.podtui.test=<session>``; whatever a test leaves
behind is removed at the end of the session, and only that.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.config import Settings
from tui.podman.service import Endpoint, start_embedded, stop_embedded

REPO = Path(__file__).resolve().parent.parent
TEST_LABEL = "io.podtui.test"
SESSION_ID = uuid.uuid4().hex[:8]


def repo_settings(tmp: Path) -> Settings:
    """Settings for a test: a private manifests and state folder, the repo's containers.conf."""
    manifests = tmp / "manifests"
    manifests.mkdir(exist_ok=True)
    base = Settings.from_env(manifests, env={})
    return base.with_changes(
        state_dir=tmp / "state",
        containers_conf=REPO / ".podtui" / "containers.conf",
        network=f"podtui-test-{SESSION_ID}",
    )


@pytest.fixture(scope="session")
def podman_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """A private ``podman system service`` for the whole session, stopped at the end."""
    settings = repo_settings(tmp_path_factory.mktemp("svc"))
    endpoint = start_embedded(settings)
    os.environ["PODTUI_TEST_SESSION"] = SESSION_ID
    try:
        yield endpoint
    finally:
        cleanup_session(endpoint)
        stop_embedded(endpoint)


def cleanup_session(endpoint: Endpoint) -> None:
    """Remove every pod and container this test session labelled, and its network."""
    import podman

    client = podman.PodmanClient(base_url=endpoint.url)
    selector = {"label": f"{TEST_LABEL}={SESSION_ID}"}  # podman-py: one string, not a list
    # best effort at teardown: whatever fails to go is found later by its label
    for pod in client.pods.list(filters=selector):
        with contextlib.suppress(Exception):
            pod.remove(force=True)
    for container in client.containers.list(all=True, filters=selector):
        with contextlib.suppress(Exception):
            container.remove(force=True, v=True)
    with contextlib.suppress(Exception):
        client.networks.get(f"podtui-test-{SESSION_ID}").remove(force=True)


@pytest.fixture
def settings(tmp_path: Path, podman_endpoint: Endpoint) -> Settings:
    """Engine settings pointed at the session's Podman service and a private folder."""
    return repo_settings(tmp_path).with_changes(container_host=podman_endpoint.url)


@pytest.fixture
def podman_client(podman_endpoint: Endpoint):  # type: ignore[no-untyped-def]
    """A podman-py client on the session's service."""
    import podman

    with podman.PodmanClient(base_url=podman_endpoint.url) as client:
        yield client


@pytest.fixture
def test_labels() -> dict[str, str]:
    """Labels that mark a resource as this session's, for clean-up."""
    return {TEST_LABEL: SESSION_ID}
