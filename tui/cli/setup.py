"""``podtui setup``: build the offline demo image and make Podman's runtime work here.

The runtime fix is a project-scoped containers.conf (``.podtui/containers.conf``), written
only when a smoke container shows that Podman's defaults fail, explained line by line, and
undone with ``podtui setup --undo``.
"""

from __future__ import annotations

import argparse
import shutil
import sys

from tui.config import Settings
from tui.podman.images import build_demo_image
from tui.podman.runtime_fix import all_fixes, diagnose, smoke_container, write_conf
from tui.podman.service import podman_env


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``setup`` to the command line."""
    parser = subparsers.add_parser(
        "setup", help="build the demo image and fix Podman's runtime defaults if needed"
    )
    parser.add_argument("--undo", action="store_true", help="remove the project containers.conf")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build images, smoke-test the runtime, and write the conf only if the smoke test fails."""
    settings = Settings.from_env(args.manifests)
    conf = settings.containers_conf
    if args.undo:
        if conf.exists():
            conf.unlink()
            print(f"removed {conf}")
        else:
            print(f"nothing to undo: {conf} does not exist")
        return 0
    if shutil.which("podman") is None:
        print(
            "podman is missing; install it with: apt-get install -y podman runc busybox-static",
            file=sys.stderr,
        )
        return 1
    try:
        print(build_demo_image(podman_env(settings)))
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    smoke = smoke_container(podman_env(settings))
    if smoke.ok:
        note = f" (using {conf})" if conf.is_file() else ""
        print(f"runtime ok: a smoke container ran{note}")
        return 0
    fixes = diagnose(smoke.output)
    if not fixes:
        print(
            f"error: the smoke container failed and podtui knows no fix:\n  {smoke.output}",
            file=sys.stderr,
        )
        return 1
    print("Podman's defaults fail on this machine:")
    print(f"  {smoke.output.splitlines()[-1] if smoke.output else '(no output)'}")
    write_conf(conf, fixes)
    smoke = smoke_container(podman_env(settings))
    if not smoke.ok and diagnose(smoke.output):
        fixes = all_fixes()  # one failure can hide the other: apply both
        write_conf(conf, fixes)
        smoke = smoke_container(podman_env(settings))
    for fix in fixes:
        print(f"  fix: {fix.line}   # {fix.reason}")
    if not smoke.ok:
        print(f"error: still failing with {conf}:\n  {smoke.output}", file=sys.stderr)
        return 1
    print(f"wrote {conf}; podtui points Podman at it (undo: podtui setup --undo)")
    print("runtime ok: a smoke container ran")
    return 0
