"""Fixtures for the CLI tests: env pointing podtui at a private folder, and a running serve."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import REPO, Process, cli_env, remove_folder_pods, session_id

from tui.config import Settings
from tui.podman.service import Endpoint


@dataclass
class CliFolder:
    """One test's manifests folder, state dir and the environment podtui reads."""

    settings: Settings
    env: dict[str, str]
    url: str

    @property
    def manifests(self) -> Path:
        """The manifests folder."""
        return self.settings.manifests_dir


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliFolder]:
    """A private folder with no reconciler: commands run the engine themselves."""
    env = cli_env(settings)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert settings.container_host is not None
    folder = CliFolder(settings, env, settings.container_host)
    yield folder
    remove_folder_pods(folder.url, settings.manifests_dir)


def private_folder(tmp: Path, url: str) -> CliFolder:
    """Settings and environment for a folder under ``tmp``."""
    (tmp / "manifests").mkdir()
    settings = Settings.from_env(tmp / "manifests", env={}).with_changes(
        state_dir=tmp / "state",
        containers_conf=REPO / ".podtui" / "containers.conf",
        network=f"podtui-test-{session_id()}",
        container_host=url,
    )
    return CliFolder(settings, cli_env(settings), url)


@pytest.fixture(scope="module")
def module_folder(
    tmp_path_factory: pytest.TempPathFactory, podman_endpoint: Endpoint
) -> Iterator[CliFolder]:
    """A folder shared by a module's tests, with no reconciler."""
    folder = private_folder(tmp_path_factory.mktemp("shared"), podman_endpoint.url)
    yield folder
    remove_folder_pods(folder.url, folder.manifests)


@pytest.fixture
def shared_cli(module_folder: CliFolder, monkeypatch: pytest.MonkeyPatch) -> CliFolder:
    """The module's folder, with the environment pointing commands at it."""
    for key, value in module_folder.env.items():
        monkeypatch.setenv(key, value)
    return module_folder


@pytest.fixture(scope="module")
def served_folder(
    tmp_path_factory: pytest.TempPathFactory, podman_endpoint: Endpoint
) -> Iterator[CliFolder]:
    """A folder reconciled by a ``podtui serve`` subprocess for the whole module."""
    folder = private_folder(tmp_path_factory.mktemp("served"), podman_endpoint.url)
    settings = folder.settings
    serve = Process(["serve"], folder.env)
    try:
        serve.wait_for_line(lambda line: "reconciling" in line)
        yield folder
        assert serve.stop(signal.SIGTERM) == 0, serve.rest()
    finally:
        if serve.popen.poll() is None:
            serve.popen.kill()
        remove_folder_pods(folder.url, settings.manifests_dir)


@pytest.fixture
def served(served_folder: CliFolder, monkeypatch: pytest.MonkeyPatch) -> CliFolder:
    """The served folder, with the environment pointing commands at it."""
    for key, value in served_folder.env.items():
        monkeypatch.setenv(key, value)
    return served_folder
