"""Helpers for lifecycle tests: pod manifests, applying them, reading statuses, waiting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from tui.engine import Engine
from tui.manifest import load_text
from tui.reconciler.translate_base import MappingLookup

BUSYBOX = "localhost/podtui/busybox:latest"


def pod_manifest(name: str, spec: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """YAML of a Pod (labels include the session's clean-up label)."""
    metadata = {"name": name, "labels": dict(labels or {})}
    return yaml.safe_dump(
        {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}, sort_keys=False
    )


def container(name: str, script: str, **extra: Any) -> dict[str, Any]:
    """A busybox container running ``sh -c script``."""
    return {
        "name": name,
        "image": BUSYBOX,
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", script],
        **extra,
    }


async def apply(
    engine: Engine, name: str, spec: dict[str, Any], objects: list[dict[str, Any]] | None = None
) -> str:
    """Validate and apply a pod like the folder reconciler does; fails the test on problems."""
    parsed = load_text(
        pod_manifest(name, spec, getattr(engine, "test_labels", None)), f"{name}.yaml"
    )
    errors = [str(p) for p in parsed.problems if p.is_error]
    assert not errors, errors
    return await engine.apply(parsed.documents[0].obj, MappingLookup.of(objects or []), None)


def pod(engine: Engine, name: str, namespace: str = "default") -> dict[str, Any]:
    """The pod's latest published v1.Pod (empty when not published yet)."""
    return engine.pods.get((namespace, name), {})


def statuses(pod_obj: dict[str, Any], key: str = "containerStatuses") -> dict[str, dict[str, Any]]:
    """Container statuses by name."""
    return {s["name"]: s for s in (pod_obj.get("status") or {}).get(key) or []}


def state_of(pod_obj: dict[str, Any], container_name: str, key: str = "containerStatuses") -> str:
    """``running``, ``terminated``, ``waiting:<reason>`` or ``""``."""
    status = statuses(pod_obj, key).get(container_name)
    if not status:
        return ""
    state = status.get("state") or {}
    if "waiting" in state:
        return f"waiting:{(state['waiting'] or {}).get('reason', '')}"
    return next(iter(state), "")


async def until(
    engine: Engine, predicate: Callable[[], bool], timeout: float = 30.0, what: str = ""
) -> None:
    """Wait for a condition on engine updates; fail with a description on timeout."""
    assert await engine.wait_for(predicate, timeout), f"timed out waiting for {what or predicate}"
