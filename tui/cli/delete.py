"""``podtui delete pod NAME...`` and ``podtui delete -f PATH``: remove manifests and pods.

The manifests folder is the source of truth, so deleting a pod removes its declaration
(its file, or just its YAML document in a multi-object file) and then the pod itself,
gracefully: SIGTERM, SIGKILL after the grace period (``--grace-period``, ``--now`` = 1 s,
``--force`` = at once). On a terminal it asks first (``-y`` does not). Foreign Podman pods
are read-only and refused; a missing pod is kubectl's NotFound error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.cli.engine_access import FolderWriter
from tui.cli.folder_edits import Declaration, ObjectKey, declarations, remove_object
from tui.cli.kubectl_parser import add_kubectl_parser
from tui.cli.label_selector import parse_selector, pod_labels
from tui.cli.manifest_apply import RESOURCE_NAMES, read_sources
from tui.cli.pod_names import (
    DEFAULT_NAMESPACE,
    UsageError,
    add_namespace_flags,
    is_foreign,
    pod_key,
    pod_names,
)
from tui.cli.pod_source import PodSource
from tui.cli.printing import error_line, no_resources, not_found
from tui.config import Settings
from tui.engine import PodKey


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``delete``."""
    parser = add_kubectl_parser(
        subparsers,
        "delete",
        help="delete pods and their manifests, like kubectl delete",
        description="Delete pods by name (delete pod NAME...), by selector (-l) or by the "
        "manifests that declare them (-f PATH). Their manifests leave the folder too.",
    )
    parser.add_argument("words", nargs="*", metavar="TYPE [NAME...]", help="pod NAME...")
    parser.add_argument("-f", "--filename", action="append", metavar="PATH")
    parser.add_argument("-R", "--recursive", action="store_true")
    add_namespace_flags(parser, all_namespaces=False)
    parser.add_argument("-l", "--selector", help="delete the pods matching a label selector")
    parser.add_argument("--all", action="store_true", help="every pod of the namespace")
    parser.add_argument(
        "--grace-period",
        type=int,
        default=-1,
        metavar="SECONDS",
        help="seconds before SIGKILL (default: the pod's terminationGracePeriodSeconds)",
    )
    parser.add_argument("--now", action="store_true", help="the same as --grace-period=1")
    parser.add_argument("--force", action="store_true", help="kill at once (grace period 0)")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS")
    parser.set_defaults(func=run)


@dataclass
class Target:
    """One object to delete: its key, its declarations, and the running pod if any."""

    key: ObjectKey
    declared: list[Declaration]
    pod: dict[str, Any] | None = None
    failed: bool = False

    @property
    def label(self) -> str:
        """``pod/web`` (with the namespace when it is not default)."""
        kind, namespace, name = self.key
        where = "" if namespace == DEFAULT_NAMESPACE else f" -n {namespace}"
        return f"{kind.lower()}/{name}{where}"


def grace_of(args: argparse.Namespace) -> float | None:
    """The grace period asked for; None means each pod's own."""
    if args.force:
        return 0.0 if args.grace_period < 0 else float(args.grace_period)
    if args.now:
        return 1.0
    if args.grace_period == 0:
        return 1.0  # kubectl: an immediate deletion needs --force
    return float(args.grace_period) if args.grace_period > 0 else None


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui delete``."""
    settings = Settings.from_env(args.manifests)
    namespace = args.namespace or DEFAULT_NAMESPACE
    if args.filename:
        if args.words or args.selector or args.all:
            raise UsageError("when paths are given (-f), no resources or selectors may be")
        sources = read_sources(args.filename, args.recursive)
        keys = [
            (d.kind, d.namespace or DEFAULT_NAMESPACE, d.name) for s in sources for d in s.documents
        ]
        shown = {key: s.shown for s in sources for key in s.keys}
        return asyncio.run(delete(settings, args, keys, None, shown))
    names = pod_names(args.words, "delete")
    if not names and not (args.selector or args.all):
        raise UsageError("resource(s) were provided, but no name was specified (or use -l / --all)")
    if names and (args.selector or args.all):
        raise UsageError("selectors and the --all flag cannot be used with resource names")
    keys = [("Pod", namespace, name) for name in names]
    return asyncio.run(delete(settings, args, keys, namespace, {}))


async def delete(
    settings: Settings,
    args: argparse.Namespace,
    keys: list[ObjectKey],
    select_in: str | None,
    shown: dict[ObjectKey, str],
) -> int:
    """Find, confirm, remove from the folder, then delete the pods; the exit code."""
    folder = settings.manifests_dir
    declared = declarations(folder)
    namespaces = {key[1] for key in keys} | ({select_in} if select_in else set())
    pods: dict[PodKey, dict[str, Any]] = {}
    for namespace in sorted(namespaces):
        async with PodSource(settings, namespace) as source:
            for listed in source.pods():
                pods[pod_key(listed)] = listed
    if select_in is not None and not keys:  # -l or --all
        selector = parse_selector(args.selector)
        keys = [
            ("Pod", *key)
            for key, pod in sorted(pods.items())
            if key[0] == select_in and selector.matches(pod_labels(pod))
        ]
        keys += [
            key
            for key in sorted(declared)
            if key[0] == "Pod" and key[1] == select_in and key not in keys and args.all
        ]
        if not keys:
            error_line(no_resources(select_in))
            return 0
    failed = False
    targets: list[Target] = []
    for key in keys:
        pod: dict[str, Any] | None = pods.get((key[1], key[2])) if key[0] == "Pod" else None
        if pod is not None and is_foreign(pod):
            error_line(f"error: pod {key[1]}/{key[2]} was not created by podtui; it is read-only")
            failed = True
            continue
        found = declared.get(key, [])
        if pod is None and not found:
            resource = RESOURCE_NAMES[key[0]]
            if key in shown:
                error_line(
                    f'Error from server (NotFound): error when deleting "{shown[key]}": '
                    f'{resource} "{key[2]}" not found'
                )
            else:
                error_line(not_found(resource, key[2]))
            failed = True
            continue
        targets.append(Target(key, found, pod))
    if targets and not _confirmed(targets, args.yes):
        print("deletion cancelled", file=sys.stderr)
        return 1 if failed else 0
    for target in targets:
        for declaration in target.declared:
            if not remove_object(declaration.path, target.key):
                error_line(
                    f"error: {target.label} is declared inside a List in {declaration.path}; "
                    "edit that file to delete it"
                )
                target.failed = failed = True  # the reconciler would only make it again
    pod_targets = [t for t in targets if t.key[0] == "Pod" and t.pod is not None and not t.failed]
    grace = grace_of(args)
    if pod_targets:
        async with FolderWriter(settings, progress=False) as writer:
            results = await asyncio.gather(
                *(
                    asyncio.wait_for(writer.delete((t.key[1], t.key[2]), grace), args.timeout)
                    for t in pod_targets
                ),
                return_exceptions=True,
            )
        for target, result in zip(pod_targets, results, strict=True):
            if isinstance(result, BaseException):
                detail = "timed out" if isinstance(result, TimeoutError) else str(result)
                error_line(f"error: deleting {target.label}: {detail}")
                target.failed = failed = True
    forced = " force" if args.force else ""
    for target in targets:
        if target.failed:
            continue
        print(f'{target.key[0].lower()} "{target.key[2]}"{forced} deleted', flush=True)
    return 1 if failed else 0


def _confirmed(targets: list[Target], yes: bool) -> bool:
    """Ask on a terminal (kubectl's --interactive question); anything else proceeds."""
    if yes or not sys.stdin.isatty():
        return True
    print("You are about to delete the following resource(s) and their manifests:")
    for target in targets:
        files = ", ".join(sorted({str(_short(d.path)) for d in target.declared})) or "no manifest"
        print(f"  {target.label}  ({files})")
    try:
        answer = input("Do you want to continue? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _short(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
