"""``podtui run NAME --image IMG``: write ``manifests/NAME.yaml`` for one pod and run it.

kubectl run's generator: the pod and its one container are called NAME, labelled
``run=NAME`` unless ``--labels`` is given; words after ``--`` become the container's
``args``, or its ``command`` with ``--command``. ``--dry-run=client -o yaml`` prints the
manifest (what kubectl prints) without writing it. An existing pod or a different manifest
of that name is kubectl's AlreadyExists error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from tui.cli.apply import DEFAULT_TIMEOUT
from tui.cli.kubectl_parser import add_kubectl_parser, add_trailing_command
from tui.cli.manifest_apply import (
    ApplyRequest,
    InvalidManifests,
    apply_sources,
    check_sources,
    source_from_bytes,
)
from tui.cli.printing import to_json, to_yaml
from tui.config import Settings
from tui.errors import PodtuiError

RESTART_POLICIES = ("Always", "OnFailure", "Never")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run``."""
    parser = add_kubectl_parser(
        subparsers,
        "run",
        help="create and run one pod from an image (writes manifests/NAME.yaml)",
        description="Create and run a particular image in a pod, like kubectl run. "
        "Words after -- are the container's args (its command with --command).",
    )
    parser.add_argument("name", metavar="NAME", help="the pod's (and container's) name")
    parser.add_argument("--image", required=True, help="the container image")
    parser.add_argument("--port", type=int, help="the port the container exposes")
    parser.add_argument(
        "--env", action="append", default=[], metavar="K=V", help="an environment variable"
    )
    parser.add_argument("--labels", "-l", metavar="k=v,...", help="labels (default run=NAME)")
    parser.add_argument(
        "--annotations", action="append", default=[], metavar="k=v", help="an annotation"
    )
    parser.add_argument("--restart", choices=RESTART_POLICIES, default="Always")
    parser.add_argument("--image-pull-policy", choices=PULL_POLICIES)
    parser.add_argument("-n", "--namespace", default=None)
    parser.add_argument(
        "--command", action="store_true", help="words after -- are the command, not args"
    )
    parser.add_argument(
        "--dry-run", nargs="?", const="client", default="none", choices=("none", "client", "server")
    )
    parser.add_argument("-o", "--output", choices=("yaml", "json", "name"))
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS")
    parser.add_argument("words", nargs="*", help=argparse.SUPPRESS)
    add_trailing_command(parser)
    parser.set_defaults(func=run)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise PodtuiError(f"invalid {what}: {item!r} (expected key=value)")
        found[key] = value
    return found


def pod_manifest(args: argparse.Namespace) -> dict[str, Any]:
    """The Pod kubectl run would create, as a plain dict in kubectl's field order."""
    words = list(args.words or []) + list(args.trailing or [])
    labels = _pairs([p for p in (args.labels or "").split(",") if p], "label spec")
    container: dict[str, Any] = {}
    if words and not args.command:
        container["args"] = words
    if words and args.command:
        container["command"] = words
    env = _pairs(args.env, "env")
    if env:
        container["env"] = [{"name": k, "value": v} for k, v in env.items()]
    container["image"] = args.image
    if args.image_pull_policy:
        container["imagePullPolicy"] = args.image_pull_policy
    container["name"] = args.name
    if args.port is not None:
        if not 0 < args.port < 65536:
            raise PodtuiError(f"invalid port {args.port}: must be between 1 and 65535")
        container["ports"] = [{"containerPort": args.port}]
    container["resources"] = {}
    metadata: dict[str, Any] = {"creationTimestamp": None}
    annotations = _pairs(args.annotations, "annotation")
    if annotations:
        metadata["annotations"] = annotations
    metadata["labels"] = labels or {"run": args.name}
    metadata["name"] = args.name
    if args.namespace and args.namespace != "default":
        metadata["namespace"] = args.namespace
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {
            "containers": [container],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": args.restart,
        },
        "status": {},
    }


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui run``."""
    if args.command and not (args.words or args.trailing):
        raise PodtuiError("--command needs a command after --")
    settings = Settings.from_env(args.manifests)
    pod = pod_manifest(args)
    text = to_yaml(pod)
    path = settings.manifests_dir / f"{args.name}.yaml"
    source = source_from_bytes(text.encode(), str(path), path.name)
    try:
        check_sources([source], settings)
    except InvalidManifests:
        return 1
    dry_run = args.dry_run != "none"
    if dry_run:
        _print(pod, args.output, dry_run=True)
        return 0
    request = ApplyRequest(create=True, timeout=args.timeout, exists_source=False)
    lines, failures = asyncio.run(apply_sources(settings, [source], request))
    for line in failures:
        print(line, file=sys.stderr, flush=True)
    if failures:
        return 1
    if args.output:
        _print(pod, args.output, dry_run=False)
    else:
        for line in lines:
            print(line, flush=True)
    return 0


def _print(pod: dict[str, Any], output: str | None, *, dry_run: bool) -> None:
    if output == "yaml":
        sys.stdout.write(to_yaml(pod))
    elif output == "json":
        sys.stdout.write(to_json(pod) + "\n")
    else:
        suffix = " (dry run)" if dry_run and output is None else ""
        word = "" if output == "name" else " created"
        print(f"pod/{pod['metadata']['name']}{word}{suffix}")
    sys.stdout.flush()
