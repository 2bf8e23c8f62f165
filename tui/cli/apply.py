"""``podtui apply -f PATH``: put manifests into the folder and return once their pods run.

Like ``kubectl apply``: each object prints ``pod/web created``, ``configured`` or
``unchanged``; ``-f`` takes files, folders (``-R`` for subfolders) and ``-`` for stdin.
Invalid input prints ``file:line:col: ...`` problems, writes nothing and exits 1.
"""

from __future__ import annotations

import argparse

from tui.cli.kubectl_parser import add_kubectl_parser
from tui.cli.manifest_apply import ApplyRequest, read_sources, run_apply
from tui.config import Settings

DEFAULT_TIMEOUT = 300.0


def add_file_flags(parser: argparse.ArgumentParser, verb: str) -> None:
    """``-f/--filename`` (repeatable), ``-R``, ``--dry-run`` and ``--timeout``."""
    parser.add_argument(
        "-f",
        "--filename",
        action="append",
        required=True,
        metavar="PATH",
        help=f"file or folder of manifests to {verb} ('-' reads stdin); repeatable",
    )
    parser.add_argument(
        "-R", "--recursive", action="store_true", help="include the subfolders of folders"
    )
    parser.add_argument(
        "--dry-run",
        nargs="?",
        const="client",
        default="none",
        choices=("none", "client", "server"),
        help="only print what would be done",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up waiting for the pods after SECONDS (default {DEFAULT_TIMEOUT:.0f})",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``apply``."""
    parser = add_kubectl_parser(
        subparsers,
        "apply",
        help="apply manifests: copy them into the manifests folder and run their pods",
        description="Apply a configuration by file name or stdin. The manifests land in "
        "the manifests folder (the source of truth) and the command returns once the pods "
        "have started.",
    )
    add_file_flags(parser, "apply")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui apply``."""
    settings = Settings.from_env(args.manifests)
    sources = read_sources(args.filename, args.recursive)
    request = ApplyRequest(dry_run=args.dry_run != "none", timeout=args.timeout)
    return run_apply(settings, sources, request)
