"""Helpers for folder tests: manifests, file writes like editors do, waits."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tui.engine import Engine
from tui.session import Session

BUSYBOX = "localhost/podtui/busybox:latest"


def pod_yaml(
    name: str, labels: dict[str, str], script: str = "sleep 3600 & wait", **spec: Any
) -> str:
    """A one-container busybox Pod that exits promptly on SIGTERM."""
    container = {
        "name": "main",
        "image": BUSYBOX,
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", f"trap 'exit 0' TERM; {script}"],
    }
    body = {"containers": [container], **spec}
    return yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "labels": dict(labels)},
            "spec": body,
        },
        sort_keys=False,
    )


def write(path: Path, text: str) -> None:
    """Write a file in one go (what most tools do)."""
    path.write_text(text)


def running(engine: Engine, name: str, namespace: str = "default") -> bool:
    """The pod exists and its phase is Running."""
    return (engine.pods.get((namespace, name)) or {}).get("status", {}).get("phase") == "Running"


def uid(engine: Engine, name: str, namespace: str = "default") -> str | None:
    """The pod's uid (changes when the pod is replaced)."""
    return ((engine.pods.get((namespace, name)) or {}).get("metadata") or {}).get("uid")


async def until(
    engine: Engine, predicate: Callable[[], bool], timeout: float = 30.0, what: str = ""
) -> None:
    """Wait for a condition on engine updates; fail with a description on timeout."""
    assert await engine.wait_for(predicate, timeout), f"timed out waiting for {what or predicate}"


def podman_pods(engine: Engine, label: str) -> list[str]:
    """Names of Podman pods carrying a label selector (to find duplicates and orphans)."""
    return sorted(p.name for p in engine.gateway.client.pods.list(filters={"label": label}))


def atomic_rename_over(path: Path, text: str) -> None:
    """Save like vim/most editors with backupcopy=no: write a temp file, rename it over."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


async def cleanup(session: Session) -> None:
    """Stop reconciling, delete every pod the session runs, close."""
    if session.reconciler is not None:
        await session.reconciler.stop()
        session.reconciler = None
    engine = session.engine
    for namespace, name in list(engine.supervisors):
        await engine.delete(namespace, name, grace=2)
    await session.close()
