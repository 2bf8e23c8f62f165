"""``podtui describe pod NAME``: kubectl's describe text with the pod's events.

``describe pods`` (no name) describes every pod of the namespace, separated by a blank
line, as kubectl does; ``-l`` narrows that. Secret values never appear: a secretKeyRef is
printed as the reference it is, and podtui never puts secret values into a pod object.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from tui.cli.get import select
from tui.cli.kubectl_parser import add_kubectl_parser
from tui.cli.label_selector import parse_selector
from tui.cli.pod_names import UsageError, add_namespace_flags, namespace_of, pod_key, pod_names
from tui.cli.pod_source import PodSource
from tui.cli.printing import error_line, no_resources, not_found
from tui.config import Settings
from tui.status.describe import describe_pod


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``describe``."""
    parser = add_kubectl_parser(
        subparsers,
        "describe",
        help="show a pod in detail with its events, like kubectl describe pod",
        description="Show details of pods: describe pod NAME, describe pods, describe po/NAME.",
    )
    parser.add_argument("words", nargs="*", metavar="TYPE [NAME...]", help="pod [NAME...]")
    add_namespace_flags(parser)
    parser.add_argument("-l", "--selector", help="label selector")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui describe``."""
    names = pod_names(args.words, "describe")
    namespace = namespace_of(args)
    if names and namespace is None:
        raise UsageError("a resource cannot be retrieved by name across all namespaces")
    selector = parse_selector(args.selector)
    settings = Settings.from_env(args.manifests)

    async def describe() -> int:
        async with PodSource(settings, namespace) as source:
            pods, missing = select(source, names, namespace, selector)
            # local time, as kubectl prints describe's timestamps
            now = datetime.now().astimezone()
            texts = [describe_pod(pod, source.events_for(*pod_key(pod)), now) for pod in pods]
        sys.stdout.write("\n\n".join(text.rstrip("\n") for text in texts) + ("\n" if texts else ""))
        sys.stdout.flush()
        for name in missing:
            error_line(not_found("pods", name))
        if not pods and not names:
            error_line(no_resources(namespace))
        return 1 if missing else 0

    return asyncio.run(describe())
