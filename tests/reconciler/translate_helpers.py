"""Small builders for translation tests: pods, objects and settings as plain dicts."""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

from tui.config import Settings
from tui.reconciler.pod_plan import PodPlan
from tui.reconciler.translate import MappingLookup, translate_pod

IMAGE = "localhost/podtui/busybox:latest"
Pod = dict[str, Any]


def make_settings(tmp: Path, **changes: Any) -> Settings:
    """Settings with a private state directory; no Podman needed."""
    base = Settings.from_env(tmp / "manifests", env={})
    return base.with_changes(state_dir=tmp / "state", network="podtui-unit", **changes)


def container(name: str = "main", **fields: Any) -> dict[str, Any]:
    """A defaulted container on the local busybox image."""
    return {
        "name": name,
        "image": IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        **fields,
    }


def pod(
    name: str = "web",
    namespace: str = "default",
    containers: list[dict[str, Any]] | None = None,
    **spec: Any,
) -> Pod:
    """A defaulted Pod dict as the manifest module hands it over."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "containers": containers if containers is not None else [container()],
            **spec,
        },
    }


def config_map(
    name: str, data: dict[str, str], namespace: str = "default", **extra: Any
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": data,
        **extra,
    }


def secret(name: str, data: dict[str, bytes], namespace: str = "default") -> dict[str, Any]:
    encoded = {k: base64.b64encode(v).decode() for k, v in data.items()}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace},
        "data": encoded,
    }


def pvc(name: str, namespace: str = "default", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
            **spec,
        },
    }


def lookup(*objects: dict[str, Any]) -> MappingLookup:
    return MappingLookup.of(objects)


def translate(manifest: Pod, tmp: Path, *objects: dict[str, Any], **settings: Any) -> PodPlan:
    """Translate a copy of ``manifest`` (translation must not mutate its input)."""
    before = copy.deepcopy(manifest)
    plan = translate_pod(manifest, lookup(*objects), make_settings(tmp, **settings), "/m/pod.yaml")
    assert manifest == before
    return plan


def web_pod_name(tmp: Path, namespace: str = "default", name: str = "web") -> str:
    """The Podman pod name translate gives the test pod (it includes the folder's id)."""
    from tui.reconciler.pod_plan import podman_pod_name

    return podman_pod_name(namespace, name, tmp / "manifests")
