"""Sub-command parsers that fail like kubectl: one ``error:`` line, a hint, exit code 1.

argparse's own convention (usage text and exit code 2) suits podtui's other commands; the
kubectl-style ones promise kubectl's exit codes, where every error is 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn


def add_kubectl_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    **kwargs: Any,
) -> argparse.ArgumentParser:
    """A sub-command parser whose usage errors print ``error: ...`` and exit 1."""
    parser = subparsers.add_parser(name, **kwargs)

    def error(message: str) -> NoReturn:
        print(f"error: {message}", file=sys.stderr)
        print(f"See 'podtui {name} -h' for help and examples.", file=sys.stderr)
        raise SystemExit(1)

    parser.error = error  # type: ignore[method-assign]
    parser.set_defaults(command_parser=parser)
    return parser


def add_trailing_command(parser: argparse.ArgumentParser) -> None:
    """Accept ``-- CMD ARGS...``: main() hands everything after ``--`` over as ``trailing``."""
    parser.set_defaults(wants_trailing=True, trailing=None)
