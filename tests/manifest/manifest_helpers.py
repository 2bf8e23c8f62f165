"""Helpers for the manifest tests: a valid Pod to start from, and problem lookups."""
# Imported by the tests as a plain module (pytest puts this folder on sys.path).

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from tui.manifest import ParsedFile, Problem, load_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"

BASE_POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "containers": [
            {
                "name": "app",
                "image": "nginx:1.25",
                "ports": [{"name": "http", "containerPort": 80}],
                "env": [{"name": "MODE", "value": "prod"}],
                "resources": {
                    "requests": {"cpu": "100m", "memory": "64Mi"},
                    "limits": {"cpu": "1", "memory": "128Mi"},
                },
                "livenessProbe": {"httpGet": {"path": "/", "port": 80}},
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
            }
        ],
        "volumes": [{"name": "data", "emptyDir": {}}],
    },
}


def base_pod() -> dict[str, Any]:
    """A fresh copy of a valid Pod."""
    return copy.deepcopy(BASE_POD)


def dump(obj: object) -> str:
    """YAML text for an object, keys in the order given."""
    return yaml.safe_dump(obj, sort_keys=False)


def parse(text: str, path: str = "pod.yaml") -> ParsedFile:
    """load_text with a file name that reads well in messages."""
    return load_text(text, path)


def problems_of(obj_or_text: object) -> list[Problem]:
    """All problems of an object (dumped to YAML) or of YAML text."""
    text = obj_or_text if isinstance(obj_or_text, str) else dump(obj_or_text)
    return parse(text).problems


def errors_of(obj_or_text: object) -> list[Problem]:
    """Only the errors."""
    return [p for p in problems_of(obj_or_text) if p.is_error]


def fields(problems: list[Problem]) -> set[str]:
    """The field paths that have a problem."""
    return {p.field for p in problems}


def one(problems: list[Problem], field: str, kind: str | None = None) -> Problem:
    """The single problem at ``field`` (of ``kind``); fails with the list otherwise."""
    found = [p for p in problems if p.field == field and (kind is None or p.kind == kind)]
    assert len(found) == 1, "\n".join(str(p) for p in problems) or "no problems"
    return found[0]
