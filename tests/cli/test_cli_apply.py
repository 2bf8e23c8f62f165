"""apply, create and run with no reconciler running: the command does the work itself."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_helpers import (
    SLEEPER,
    Process,
    container,
    pod_doc,
    pods_named,
    podtui,
    unique,
    write_manifest,
)
from conftest import CliFolder

from tui.config import DEMO_IMAGE
from tui.reconciler.pod_plan import podman_pod_name

pytestmark = pytest.mark.podman


def test_apply_file_created_unchanged_configured(
    cli: CliFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = unique("web")
    source = write_manifest(tmp_path / "src" / "web.yaml", pod_doc(name))
    first = podtui(capsys, "apply", "-f", str(source))
    assert (first.code, first.out) == (0, f"pod/{name} created\n"), first.err
    assert "nothing restarts containers" in first.err  # no reconciler runs: said once
    installed = cli.manifests / "web.yaml"
    assert installed.read_bytes() == source.read_bytes()
    assert pods_named(cli.url, podman_pod_name("default", name, cli.manifests))

    again = podtui(capsys, "apply", "-f", str(source))
    assert (again.code, again.out) == (0, f"pod/{name} unchanged\n")

    changed = pod_doc(name, labels={"tier": "front"})
    write_manifest(source, changed)
    third = podtui(capsys, "apply", "-f", str(source))
    assert (third.code, third.out) == (0, f"pod/{name} configured\n")
    got = podtui(capsys, "get", "pod", name, "-o", "json")
    pod = yaml.safe_load(got.out)
    assert pod["metadata"]["labels"]["tier"] == "front"
    assert pod["status"]["phase"] == "Running"
    assert sorted(p.name for p in cli.manifests.iterdir()) == ["web.yaml"]


def test_apply_folder_with_a_config_map(
    cli: CliFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = unique("one"), unique("two")
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "greeting"},
        "data": {"TEXT": "hello"},
    }
    env = [{"name": "TEXT", "valueFrom": {"configMapKeyRef": {"name": "greeting", "key": "TEXT"}}}]
    write_manifest(tmp_path / "src" / "config.yaml", config)
    write_manifest(
        tmp_path / "src" / "one.yaml",
        pod_doc(one, [container("main", "echo $TEXT; " + SLEEPER, env=env)]),
    )
    write_manifest(tmp_path / "src" / "deeper" / "two.yaml", pod_doc(two))
    flat = podtui(capsys, "apply", "-f", str(tmp_path / "src"))
    assert flat.code == 0, flat.err
    assert flat.out.splitlines() == ["configmap/greeting created", f"pod/{one} created"]
    deep = podtui(capsys, "apply", "-R", "-f", str(tmp_path / "src"))
    assert deep.out.splitlines() == [
        "configmap/greeting unchanged",
        f"pod/{two} created",
        f"pod/{one} unchanged",
    ]
    assert sorted(p.name for p in cli.manifests.iterdir()) == [
        "config.yaml",
        "one.yaml",
        "two.yaml",
    ]
    logs = podtui(capsys, "logs", one)
    assert logs.out == "hello\n"


def test_create_refuses_what_exists(
    cli: CliFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = unique("made")
    source = write_manifest(tmp_path / "made.yaml", pod_doc(name))
    first = podtui(capsys, "create", "-f", str(source))
    assert (first.code, first.out) == (0, f"pod/{name} created\n")
    second = podtui(capsys, "create", "-f", str(source))
    assert second.code == 1 and second.out == ""
    assert (
        f'Error from server (AlreadyExists): error when creating "{source}": '
        f'pods "{name}" already exists'
    ) in second.err


def test_run_writes_and_runs_a_pod(cli: CliFolder, capsys: pytest.CaptureFixture[str]) -> None:
    name = unique("runner")
    labels = f"io.podtui.test={cli.env['PODTUI_MANIFESTS'] and _session(cli)},run={name}"
    result = podtui(
        capsys, "run", name, "--image", DEMO_IMAGE, "--image-pull-policy", "IfNotPresent",
        "--labels", labels, "--env", "WHO=world", "--", "sh", "-c", "echo hi $WHO; " + SLEEPER,
    )  # fmt: skip
    assert (result.code, result.out) == (0, f"pod/{name} created\n"), result.err
    manifest: dict[str, Any] = yaml.safe_load((cli.manifests / f"{name}.yaml").read_text())
    main = manifest["spec"]["containers"][0]
    assert main["args"][:2] == ["sh", "-c"] and main["name"] == name
    assert podtui(capsys, "logs", name).out == "hi world\n"
    again = podtui(capsys, "run", name, "--image", DEMO_IMAGE)
    assert again.code == 1
    assert f'Error from server (AlreadyExists): pods "{name}" already exists' in again.err


def _session(cli: CliFolder) -> str:
    return os.environ["PODTUI_TEST_SESSION"]


def test_run_dry_run_prints_kubectls_manifest(
    cli: CliFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    result = podtui(
        capsys,
        "run",
        "nginx-pod",
        "--image",
        "nginx",
        "--port",
        "80",
        "--dry-run=client",
        "-o",
        "yaml",
    )
    assert result.code == 0
    pod = yaml.safe_load(result.out)
    assert pod["spec"]["containers"][0]["image"] == "nginx"
    assert pod["metadata"]["labels"] == {"run": "nginx-pod"}
    assert pod["spec"]["containers"][0]["ports"] == [{"containerPort": 80}]
    assert not list(cli.manifests.iterdir())  # a dry run writes nothing
    plain = podtui(capsys, "run", "nginx-pod", "--image", "nginx", "--dry-run=client")
    assert plain.out == "pod/nginx-pod created (dry run)\n"


def test_bad_input_never_a_traceback(
    cli: CliFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = podtui(capsys, "apply", "-f", str(tmp_path / "nope.yaml"))
    assert (
        missing.code == 1 and f'the path "{tmp_path / "nope.yaml"}" does not exist' in missing.err
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n"
        "  - name: c\n    image: ''\n"
    )
    invalid = podtui(capsys, "apply", "-f", str(bad))
    assert invalid.code == 1 and invalid.out == ""
    problems = [line for line in invalid.err.splitlines() if line.startswith(f"{bad}:")]
    assert any(":4:" in line and "metadata.name" in line for line in problems), invalid.err
    assert any("spec.containers[0].image" in line for line in problems), invalid.err
    assert not list(cli.manifests.iterdir())
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Pod\n  bad: [\n")
    syntax = podtui(capsys, "create", "-f", str(broken))
    assert syntax.code == 1 and f"{broken}:" in syntax.err
    for argv in (
        ["get", "deployments"],
        ["get", "pods", "-l", "a in (b"],
        ["logs", "nope-" + unique("x")],
        ["describe", "pod", "nope"],
        ["delete", "pod", "nope", "-y"],
        ["exec", "nope", "--", "true"],
        ["run", "x", "--image", "i", "--env", "novalue"],
    ):
        result = podtui(capsys, *argv)
        assert result.code == 1, (argv, result)
        assert len(result.err.strip().splitlines()) == 1, (argv, result.err)


def test_get_watch_without_a_reconciler(
    cli: CliFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = unique("observed")
    watcher = Process(["get", "pods", "-w", "-l", f"watch={name}", "-o", "wide"], cli.env)
    try:
        source = write_manifest(tmp_path / "w.yaml", pod_doc(name, labels={"watch": name}))
        assert podtui(capsys, "apply", "-f", str(source)).code == 0
        row = watcher.wait_for_line(lambda line: line.split()[:3] == [name, "1/1", "Running"])
        assert row.split()[7] == "w.yaml"  # MANIFEST
        assert watcher.stop(signal.SIGINT) == 130
    finally:
        watcher.stop(signal.SIGKILL)
    assert not any("Traceback" in line for line in watcher.rest())


def test_delete_asks_on_a_terminal(cli: CliFolder, capsys: pytest.CaptureFixture[str]) -> None:
    name = unique("asked")
    manifest = write_manifest(cli.manifests / "asked.yaml", pod_doc(name))  # declared, not run
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli.main", "delete", "pod", name],
            stdin=secondary,
            input=None,
            capture_output=True,
            text=True,
            env={**os.environ, **cli.env},
            timeout=60,
            preexec_fn=lambda: os.write(primary, b"n\n"),
        )
    finally:
        os.close(primary)
        os.close(secondary)
    assert "Do you want to continue? [y/N]" in done.stdout
    assert "deletion cancelled" in done.stderr
    assert manifest.exists()
    yes = podtui(capsys, "delete", "pod", name, "--yes")
    assert yes.out == f'pod "{name}" deleted\n' and not manifest.exists()


def test_unexpected_errors_are_one_line_with_a_log(
    cli: CliFolder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tui.cli.get

    def boom(*_args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(tui.cli.get, "get", boom)
    result = podtui(capsys, "get", "pods")
    log = cli.settings.state_dir / "podtui-error.log"
    assert result.code == 1
    assert result.err == f"error: internal error: boom (details in {log})\n"
    assert "RuntimeError: boom" in log.read_text()
