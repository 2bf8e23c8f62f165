"""get and describe with no reconciler: status observed from Podman, kubectl's formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_helpers import (
    SLEEPER,
    TEST_LABEL,
    WAIT,
    container,
    pod_doc,
    podtui,
    unique,
    write_manifest,
)
from conftest import CliFolder

from tui.config import DEMO_IMAGE

pytestmark = pytest.mark.podman


@pytest.fixture(scope="module")
def pods_applied(
    module_folder: CliFolder, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, str]:
    """Two pods shared by the module's tests (app=web tier=front, app=db env=prod)."""
    web, db = unique("web"), unique("db")
    source = tmp_path_factory.mktemp("src") / "pods.yaml"
    ports = [{"containerPort": 8080}]
    write_manifest(
        source,
        pod_doc(web, [container("main", SLEEPER, ports=ports)], labels={"app": "web", "tier": "front"}),
        pod_doc(db, labels={"app": "db", "env": "prod"}),
    )  # fmt: skip
    env = {**os.environ, **module_folder.env}
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli.main", "apply", "-f", str(source)],
        env=env, capture_output=True, text=True, timeout=WAIT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return web, db


@pytest.fixture
def two_pods(pods_applied: tuple[str, str], shared_cli: CliFolder) -> tuple[str, str, str]:
    """The module's two pods, the environment pointing at their folder, the session label."""
    return (*pods_applied, os.environ["PODTUI_TEST_SESSION"])


def test_get_table_wide_and_name(two_pods: tuple[str, str, str], capsys: Any) -> None:
    web, db, session = two_pods
    mine = f"{TEST_LABEL}={session}"
    table = podtui(capsys, "get", "pods", web, db)
    lines = table.out.splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert lines[1].split()[:4] == [web, "1/1", "Running", "0"]
    assert lines[2].split()[:4] == [db, "1/1", "Running", "0"]
    assert lines[0].index("READY") == lines[1].index("1/1")  # aligned columns

    wide = podtui(capsys, "get", "po", web, "-o", "wide")
    header, row = wide.out.splitlines()
    assert header.split()[5:] == [
        "IP",
        "PORTS",
        "MANIFEST",
        "NOMINATED",
        "NODE",
        "READINESS",
        "GATES",
    ]
    cells = row.split()
    assert cells[6] == "8080/TCP" and cells[7] == "pods.yaml" and cells[-2:] == ["<none>", "<none>"]

    names = podtui(capsys, "get", "pods", "-l", f"{mine},app in (web,db)", "-o", "name")
    assert sorted(names.out.splitlines()) == sorted([f"pod/{web}", f"pod/{db}"])
    bare = podtui(capsys, "get", f"pod/{web}", "--no-headers")
    assert bare.out.split()[0] == web and "NAME" not in bare.out


SELECTORS = [
    ("app=web", {"web"}),
    ("app!=web", {"db"}),
    ("!tier", {"db"}),
    ("env in (prod,dev)", {"db"}),
    ("app notin (db),tier", {"web"}),
    ("app=web,tier!=front", set()),
]


def test_get_label_selectors(two_pods: tuple[str, str, str], capsys: Any) -> None:
    web, db, session = two_pods
    names = {"web": web, "db": db}
    for selector, wanted in SELECTORS:
        result = podtui(
            capsys, "get", "pods", "-l", f"{TEST_LABEL}={session},{selector}", "-o", "name"
        )
        found = {line.removeprefix("pod/") for line in result.out.splitlines()}
        assert found == {names[w] for w in wanted}, selector


def test_get_json_and_yaml(two_pods: tuple[str, str, str], capsys: Any) -> None:
    web, db, session = two_pods
    listing = json.loads(
        podtui(capsys, "get", "pods", "-l", f"{TEST_LABEL}={session}", "-o", "json").out
    )
    assert listing["apiVersion"] == "v1" and listing["kind"] == "PodList"
    assert {item["metadata"]["name"] for item in listing["items"]} >= {web, db}
    pod = next(item for item in listing["items"] if item["metadata"]["name"] == web)
    assert pod["kind"] == "Pod" and pod["metadata"]["uid"] and pod["metadata"]["creationTimestamp"]
    assert pod["spec"]["containers"][0]["image"] == DEMO_IMAGE
    assert pod["status"]["phase"] == "Running" and pod["status"]["containerStatuses"][0]["ready"]
    single = yaml.safe_load(podtui(capsys, "get", "pod", db, "-o", "yaml").out)
    assert single["kind"] == "Pod" and single["metadata"]["labels"]["app"] == "db"


def test_get_not_found_and_empty(cli: CliFolder, capsys: Any) -> None:
    missing = podtui(capsys, "get", "pod", "no-such-pod")
    assert missing.code == 1 and missing.out == ""
    assert missing.err.strip() == 'Error from server (NotFound): pods "no-such-pod" not found'
    empty = podtui(capsys, "get", "pods", "-n", f"empty-{uuid.uuid4().hex[:6]}")
    assert empty.code == 0 and empty.out == ""
    assert empty.err.startswith("No resources found in empty-")
    listed = json.loads(podtui(capsys, "get", "pods", "-n", "nothing-here", "-o", "json").out)
    assert listed["items"] == []


@pytest.fixture
def foreign_pod(podman_client: Any, test_labels: dict[str, str]) -> Iterator[str]:
    """A pod made with podman-py, not podtui: shown read-only in namespace podman."""
    name = unique("foreign")
    pod = podman_client.pods.create(name=name, labels={**test_labels, "made": "by-hand"})
    box = podman_client.containers.create(
        DEMO_IMAGE,
        command=["sh", "-c", SLEEPER],
        pod=pod.id,
        name=f"{name}-box",
        labels=test_labels,
    )
    box.start()
    try:
        yield name
    finally:
        pod.stop(timeout=0)
        pod.remove(force=True)


def test_get_all_namespaces_shows_foreign_pods(
    two_pods: tuple[str, str, str], foreign_pod: str, capsys: Any
) -> None:
    web, _db, session = two_pods
    everything = podtui(capsys, "get", "pods", "-A", "-l", f"{TEST_LABEL}={session}")
    rows = [line.split() for line in everything.out.splitlines()]
    assert rows[0][:2] == ["NAMESPACE", "NAME"]
    assert ["default", web] in [row[:2] for row in rows]
    foreign_row = next(row for row in rows if row[1] == foreign_pod)
    assert foreign_row[0] == "podman" and foreign_row[2:4] == ["1/1", "Running"]
    only = podtui(capsys, "get", "pods", "-n", "podman", foreign_pod, "-o", "json")
    pod = json.loads(only.out)
    assert pod["metadata"]["annotations"]["podtui.io/foreign"] == "true"
    assert pod["metadata"]["labels"]["made"] == "by-hand"
    default = podtui(capsys, "get", "pods", "-o", "name")
    assert f"pod/{foreign_pod}" not in default.out
    refused = podtui(capsys, "delete", "pod", foreign_pod, "-n", "podman", "-y")
    assert refused.code == 1
    assert f"pod podman/{foreign_pod} was not created by podtui; it is read-only" in refused.err


def test_describe_never_shows_secret_values(cli: CliFolder, tmp_path: Path, capsys: Any) -> None:
    name = unique("secretive")
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds"},
        "stringData": {"password": "hunter2-very-secret"},
    }
    env = [
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
        {"name": "PLAIN", "value": "visible"},
    ]
    write_manifest(
        tmp_path / "secretive.yaml",
        secret,
        pod_doc(name, [container("main", SLEEPER, env=env)]),
    )
    applied = podtui(capsys, "apply", "-f", str(tmp_path / "secretive.yaml"))
    assert applied.out.splitlines() == ["secret/creds created", f"pod/{name} created"]
    text = podtui(capsys, "describe", "pod", name)
    assert text.code == 0
    assert f"Name:         {name}" in text.out and "Status:       Running" in text.out
    assert "PASSWORD:  <set to the key 'password' in secret 'creds'>" in text.out
    assert "PLAIN:     visible" in text.out
    assert "Events:" in text.out and "Started" in text.out
    assert "hunter2" not in text.out
    everything = podtui(capsys, "get", "pod", name, "-o", "yaml")
    assert "hunter2" not in everything.out
    missing = podtui(capsys, "describe", "po", "nope")
    assert missing.code == 1
    assert missing.err.strip() == 'Error from server (NotFound): pods "nope" not found'
