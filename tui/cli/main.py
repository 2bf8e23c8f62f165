"""Entry point of ``podtui``: parse the command line and dispatch to one command module.

Each command lives in its own module under ``tui.cli`` and exposes ``register(subparsers)``;
the module sets ``func`` on its parser. Errors meant for the user become one line on stderr,
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tui import __version__
from tui.errors import PodtuiError

# Order is the order of `podtui --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "tui.cli.validate",
    "tui.cli.doctor",
    "tui.cli.setup",
    "tui.cli.serve",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every command registered."""
    parser = argparse.ArgumentParser(
        prog="podtui",
        description="Run Kubernetes Pod manifests as real Podman pods. "
        "With no command, opens the terminal app on the manifests folder.",
    )
    parser.add_argument("--version", action="version", version=f"podtui {__version__}")
    parser.add_argument(
        "--manifests",
        metavar="DIR",
        default=None,
        help="manifests folder (default: $PODTUI_MANIFESTS or ./manifests)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run podtui and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        from tui.cli.default import run_default

        func = run_default
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except PodtuiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
