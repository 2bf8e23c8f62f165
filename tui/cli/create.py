"""``podtui create -f PATH``: like apply, but an object that already exists is an error.

kubectl's wording: ``Error from server (AlreadyExists): error when creating "web.yaml":
pods "web" already exists`` (exit 1); a file with such an object is not written at all.
"""

from __future__ import annotations

import argparse

from tui.cli.apply import add_file_flags
from tui.cli.kubectl_parser import add_kubectl_parser
from tui.cli.manifest_apply import ApplyRequest, read_sources, run_apply
from tui.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``create``."""
    parser = add_kubectl_parser(
        subparsers,
        "create",
        help="create the objects of manifests (an existing one is an error)",
        description="Create objects from files or stdin; fails with AlreadyExists for an "
        "object that exists.",
    )
    add_file_flags(parser, "create")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui create``."""
    settings = Settings.from_env(args.manifests)
    sources = read_sources(args.filename, args.recursive)
    request = ApplyRequest(create=True, dry_run=args.dry_run != "none", timeout=args.timeout)
    return run_apply(settings, sources, request)
