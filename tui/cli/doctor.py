"""``podtui doctor``: one line per check with its fix; non-zero exit when something is broken."""

from __future__ import annotations

import argparse
import sys

from tui.config import Settings
from tui.podman.doctor import run_checks


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``doctor`` to the command line."""
    parser = subparsers.add_parser(
        "doctor", help="check podman, the API socket, runtime, images and manifests"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print each check as it completes; exit 1 if any failed."""
    settings = Settings.from_env(args.manifests)
    color = sys.stdout.isatty()
    failed = 0
    for check in run_checks(settings):
        if check.skipped:
            mark = "-"
        elif check.ok:
            mark = "\x1b[32m✓\x1b[0m" if color else "✓"
        else:
            mark = "\x1b[31m✗\x1b[0m" if color else "✗"
            failed += 1
        line = f"{mark} {check.name:<11} {check.detail}"
        if check.fix and not check.ok:
            line += f"\n  fix: {check.fix}"
        print(line, flush=True)
    if failed:
        print(f"{failed} check(s) failed", file=sys.stderr)
        return 1
    return 0
