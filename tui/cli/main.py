"""Entry point of ``podtui``: parse the command line and dispatch to one command module.

Each command lives in its own module under ``tui.cli`` and exposes ``register(subparsers)``;
the module sets ``func`` on its parser. Errors meant for the user become one line on stderr,
never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from tui import __version__
from tui.errors import PodtuiError

# Order is the order of `podtui --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "tui.cli.validate",
    "tui.cli.doctor",
    "tui.cli.setup",
    "tui.cli.serve",
    "tui.cli.apply",
    "tui.cli.create",
    "tui.cli.run",
    "tui.cli.get",
    "tui.cli.describe",
    "tui.cli.logs",
    "tui.cli.exec_command",
    "tui.cli.delete",
)
ERROR_LOG = "podtui-error.log"


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


def parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv``; for commands that take one, what follows ``--`` is ``args.trailing``.

    argparse cannot mix options with a trailing ``-- CMD -x`` on its own (``exec web -c a --
    ls -l``), so the command line is cut at the first ``--`` when the command wants that.
    Unknown options are reported by the sub-command's parser (kubectl's exit code there).
    """
    argv = list(argv)
    args: argparse.Namespace | None = None
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        head, extra = parser.parse_known_args(argv[:cut])
        if getattr(head, "wants_trailing", False):
            args = head
            args.trailing = argv[cut + 1 :]
    if args is None:
        args, extra = parser.parse_known_args(argv)
    words = getattr(args, "words", None)
    if extra and isinstance(words, list) and getattr(args, "command_parser", None):
        # kubectl takes names after flags too (get pods -n x web): argparse leaves them over
        words.extend(e for e in extra if not e.startswith("-"))
        extra = [e for e in extra if e.startswith("-")]
    if extra:
        owner = getattr(args, "command_parser", None) or parser
        owner.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run podtui and return its exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(parser, argv)
    func = getattr(args, "func", None)
    if func is None:
        from tui.cli.default import run_default

        func = run_default  # the app: it logs to a file of its own (tui/screen/launch.py)
    else:
        _log_to_state_dir(args)
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except PodtuiError as exc:
        # kubectl's "Error from server (...)" lines are printed as they are
        text = str(exc) if getattr(exc, "verbatim", False) else f"error: {exc}"
        print(text, file=sys.stderr)
        return 1
    except BrokenPipeError:
        # stdout went away (``| head``): quiet, and no second error when Python flushes it
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        where = write_error_log(args, argv)
        print(
            f"error: internal error: {exc or type(exc).__name__} (details in {where})",
            file=sys.stderr,
        )
        return 1


def _log_to_state_dir(args: argparse.Namespace) -> None:
    """Commands log to the folder's state directory, not to stderr (see tui.log_file)."""
    try:
        from tui.config import Settings
        from tui.log_file import log_to_file

        log_to_file(Settings.from_env(getattr(args, "manifests", None)).state_dir)
    except Exception:  # noqa: BLE001 - no log file is no reason to fail the command
        logging.getLogger("tui").addHandler(logging.NullHandler())
        logging.getLogger("tui").propagate = False


def write_error_log(args: argparse.Namespace, argv: Sequence[str]) -> str:
    """Append the current exception's traceback to ``<state dir>/podtui-error.log``."""
    text = traceback.format_exc()
    try:
        from tui.config import Settings

        state_dir = Settings.from_env(getattr(args, "manifests", None)).state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / ERROR_LOG
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"podtui {' '.join(argv)}\n{text}\n")
        return str(path)
    except Exception:  # noqa: BLE001 - no state dir: fall back to a temporary file
        import tempfile

        fd, name = tempfile.mkstemp(prefix="podtui-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        return str(Path(name))


if __name__ == "__main__":
    sys.exit(main())
