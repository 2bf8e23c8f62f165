"""``podtui validate [--strict] [-R] [PATH...]``: check manifests the way the API server would.

Prints each problem on its own line (``path:line:col: field: Kind: value: detail``, warnings
suffixed `` [warning]``), then a one-line summary on stderr. Exits 1 if there is any error
(with ``--strict``, warnings count as errors), 0 otherwise. Never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.manifest import Problem, manifest_files, validate_paths

WARNING_SUFFIX = " [warning]"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` command."""
    parser = subparsers.add_parser(
        "validate",
        help="check manifests like the Kubernetes API server would",
        description="Validate Kubernetes manifests (Pod, ConfigMap, Secret, "
        "PersistentVolumeClaim) against Kubernetes' schema and the API server's rules. "
        "A folder means its top-level *.yaml/*.yml files.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="files or folders (default: the manifests folder)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on any)"
    )
    parser.add_argument(
        "-R", "--recursive", action="store_true", help="include the subfolders of folders"
    )
    parser.set_defaults(func=run)


def format_problem(problem: Problem) -> str:
    """One output line for a problem."""
    return str(problem) + ("" if problem.is_error else WARNING_SUFFIX)


def run(args: argparse.Namespace) -> int:
    """Validate and report; the exit code is 1 when there is an error."""
    try:
        paths = list(args.paths) or [_default_folder(getattr(args, "manifests", None))]
        problems = validate_paths(paths, strict=args.strict, recursive=args.recursive)
        out = sys.stdout
        for problem in problems:
            out.write(format_problem(problem) + "\n")
        out.flush()
        errors = sum(1 for p in problems if p.is_error)
        warnings = len(problems) - errors
        files = _count_files(paths, args.recursive)
        print(_summary(errors, warnings, files), file=sys.stderr)
        return 1 if errors else 0
    except BrokenPipeError:
        raise
    except Exception as exc:  # the CLI never shows a traceback
        print(f"error: podtui validate failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _default_folder(manifests: str | None) -> Path:
    from tui.config import Settings

    return Settings.from_env(manifests).manifests_dir


def _count_files(paths: list[Path], recursive: bool) -> int:
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            seen.update(manifest_files(path, recursive))
        else:
            seen.add(path)
    return len(seen)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(errors: int, warnings: int, files: int) -> str:
    checked = _plural(files, "file")
    if not errors and not warnings:
        return f"ok: {checked} checked, no problems"
    verdict = "failed" if errors else "ok"
    return f"{verdict}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {checked}"
