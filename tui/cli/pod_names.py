"""Which pods a command names: kubectl's resource words, namespaces and Podman pod names.

``get pods``, ``get pod web``, ``get po web db`` and ``get pod/web`` all mean pods; podtui
runs nothing else, so any other resource type is kubectl's "doesn't have a resource type"
error. A managed pod ``web`` in namespace ``default`` is the Podman pod ``default_web``; a
foreign Podman pod keeps its own name and lives in the ``podman`` namespace.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from tui.errors import PodtuiError
from tui.reconciler.foreign_pods import FOREIGN_ANNOTATION, FOREIGN_NAMESPACE
from tui.reconciler.pod_plan import podman_pod_name as plan_podman_pod_name

POD_WORDS = frozenset({"pod", "pods", "po"})
DEFAULT_NAMESPACE = "default"


class UsageError(PodtuiError):
    """The command line names something podtui cannot act on."""


def _unknown_type(word: str) -> NoReturn:
    raise UsageError(f'the server doesn\'t have a resource type "{word}"')


def pod_names(words: Sequence[str], verb: str) -> list[str]:
    """The pod names in ``pods a b`` or ``pod/a pod/b`` ([] for every pod)."""
    if not words:
        raise UsageError(f"you must specify the type of resource to {verb} (podtui has one: pods)")
    first = words[0]
    if "/" in first:
        names = []
        for word in words:
            kind, _, name = word.partition("/")
            if kind.lower() not in POD_WORDS:
                _unknown_type(kind)
            if not name:
                raise UsageError(
                    f"arguments in resource/name form must have a single resource and name: {word!r}"
                )
            names.append(name)
        return names
    if first.lower() not in POD_WORDS:
        _unknown_type(first)
    rest = list(words[1:])
    for name in rest:
        if "/" in name:
            raise UsageError(
                "there is no need to specify a resource type as a separate argument when "
                "passing arguments in resource/name form"
            )
    return rest


def add_namespace_flags(parser: argparse.ArgumentParser, all_namespaces: bool = True) -> None:
    """``-n/--namespace`` (and ``-A/--all-namespaces`` where listing makes sense)."""
    parser.add_argument("-n", "--namespace", default=None, help="the namespace (default: default)")
    if all_namespaces:
        parser.add_argument(
            "-A",
            "--all-namespaces",
            action="store_true",
            help="every namespace, foreign Podman pods (namespace podman) included",
        )


def namespace_of(args: argparse.Namespace) -> str | None:
    """The namespace asked for, or None for all of them."""
    if getattr(args, "all_namespaces", False):
        return None
    return args.namespace or DEFAULT_NAMESPACE


def wants_foreign(namespace: str | None) -> bool:
    """Foreign pods are listed with ``-A`` and ``-n podman`` only."""
    return namespace is None or namespace == FOREIGN_NAMESPACE


def is_foreign(pod: dict[str, Any]) -> bool:
    """True for a Podman pod podtui did not create (read-only)."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    return annotations.get(FOREIGN_ANNOTATION) == "true"


def podman_pod_name(namespace: str, name: str, manifests_dir: Path) -> str:
    """The Podman pod that runs a pod of this manifests folder (foreign pods: their name)."""
    if namespace == FOREIGN_NAMESPACE:
        return name
    return plan_podman_pod_name(namespace, name, manifests_dir)


def pod_key(pod: dict[str, Any]) -> tuple[str, str]:
    """(namespace, name) of a pod object."""
    metadata = pod.get("metadata") or {}
    return (str(metadata.get("namespace") or DEFAULT_NAMESPACE), str(metadata.get("name") or ""))
