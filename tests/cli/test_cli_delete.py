"""delete with no reconciler: the manifest goes, the pod goes gracefully."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import container, pod_doc, pods_named, podtui, unique, write_manifest
from conftest import CliFolder

from tui.reconciler.pod_plan import podman_pod_name

pytestmark = pytest.mark.podman

# Writes TERM to a host file when it gets SIGTERM, then exits cleanly.
TRAPPER = "trap 'echo TERM > /out/signal; exit 0' TERM; while true; do sleep 0.1; done"
# Ignores SIGTERM: only SIGKILL, at the end of the grace period, stops it.
STUBBORN = "trap '' TERM; while true; do sleep 0.1; done"


def _pod_with_out(name: str, script: str, out: Path, grace: int) -> dict[str, Any]:
    return pod_doc(
        name,
        [container("main", script, volumeMounts=[{"name": "out", "mountPath": "/out"}])],
        grace=grace,
        volumes=[{"name": "out", "hostPath": {"path": str(out), "type": "Directory"}}],
    )


def test_delete_is_graceful_and_removes_the_manifest(
    cli: CliFolder, tmp_path: Path, capsys: Any
) -> None:
    name, other = unique("graceful"), unique("neighbour")
    out = tmp_path / "out"
    out.mkdir()
    write_manifest(
        tmp_path / "two.yaml", _pod_with_out(name, TRAPPER, out, grace=30), pod_doc(other)
    )
    assert podtui(capsys, "apply", "-f", str(tmp_path / "two.yaml")).code == 0
    started = time.monotonic()
    result = podtui(capsys, "delete", "pod", name, "-y")
    took = time.monotonic() - started
    assert (result.code, result.out) == (0, f'pod "{name}" deleted\n'), result.err
    assert (out / "signal").read_text() == "TERM\n"  # it got SIGTERM and exited by itself
    assert took < 20, f"took {took:.1f}s: waited for the 30s grace period instead"
    assert not pods_named(cli.url, podman_pod_name("default", name, cli.manifests))
    # its document is gone from the shared file; the neighbour's stays and keeps running
    remaining = (cli.manifests / "two.yaml").read_text()
    assert name not in remaining and other in remaining
    assert pods_named(cli.url, podman_pod_name("default", other, cli.manifests))
    again = podtui(capsys, "delete", "pod", name, "-y")
    assert again.code == 1
    assert again.err.strip() == f'Error from server (NotFound): pods "{name}" not found'


def test_delete_grace_period_overrides_the_pods(
    cli: CliFolder, tmp_path: Path, capsys: Any
) -> None:
    name = unique("stubborn")
    out = tmp_path / "out"
    out.mkdir()
    write_manifest(tmp_path / "stubborn.yaml", _pod_with_out(name, STUBBORN, out, grace=60))
    assert podtui(capsys, "apply", "-f", str(tmp_path / "stubborn.yaml")).code == 0
    started = time.monotonic()
    result = podtui(capsys, "delete", "pod", name, "--grace-period", "1", "-y")
    took = time.monotonic() - started
    assert result.code == 0 and result.out == f'pod "{name}" deleted\n', result.err
    assert took < 20, f"took {took:.1f}s: the pod's 60s grace period was used"
    assert not pods_named(cli.url, podman_pod_name("default", name, cli.manifests))
    assert not (cli.manifests / "stubborn.yaml").exists()


def test_delete_by_file(cli: CliFolder, tmp_path: Path, capsys: Any) -> None:
    name = unique("byfile")
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {}}
    source = write_manifest(tmp_path / "byfile.yaml", config, pod_doc(name))
    assert podtui(capsys, "apply", "-f", str(source)).code == 0
    result = podtui(capsys, "delete", "-f", str(source), "-y")
    assert result.code == 0, result.err
    assert result.out.splitlines() == ['configmap "cfg" deleted', f'pod "{name}" deleted']
    assert not list(cli.manifests.iterdir())
    assert not pods_named(cli.url, podman_pod_name("default", name, cli.manifests))
    gone = podtui(capsys, "delete", "-f", str(source), "-y")
    assert gone.code == 1
    assert f'error when deleting "{source}": pods "{name}" not found' in gone.err
