"""``podtui exec [-it] NAME [-c C] -- CMD...``: run a command in a container's current attempt.

Each restart of a container is a new Podman container, so the command runs in the one
with the highest ``io.podtui.attempt`` (it must be running). ``podman exec`` does the
work, with the project's Podman environment; with ``-i``/``-t`` this process becomes it
(signals and the terminal pass straight through). The command's exit code is podtui's,
and a non-zero one is reported the way kubectl does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from tui.cli.kubectl_parser import add_kubectl_parser, add_trailing_command
from tui.cli.logs import (
    DEFAULT_CONTAINER_ANNOTATION,
    pod_annotations,
    podman_pod_attrs,
    spec_order,
)
from tui.cli.pod_names import DEFAULT_NAMESPACE, UsageError, podman_pod_name
from tui.cli.podman_access import PodmanConnection
from tui.cli.printing import not_found
from tui.config import Settings
from tui.errors import PodtuiError
from tui.podman.service import podman_env
from tui.reconciler.foreign_pods import FOREIGN_NAMESPACE
from tui.reconciler.pod_plan import LABEL_ATTEMPT, LABEL_CONTAINER, LABEL_KIND


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``exec``."""
    parser = add_kubectl_parser(
        subparsers,
        "exec",
        help="run a command in a container of a pod, like kubectl exec",
        description="Execute a command in a container: podtui exec [-it] NAME [-c C] -- CMD",
    )
    parser.add_argument("pod", metavar="NAME", help="the pod (or pod/NAME)")
    parser.add_argument("words", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("-c", "--container", help="the container (default: the first one)")
    parser.add_argument("-n", "--namespace", default=None)
    parser.add_argument("-i", "--stdin", action="store_true", help="pass stdin to the command")
    parser.add_argument("-t", "--tty", action="store_true", help="give the command a terminal")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print only the command's output"
    )
    add_trailing_command(parser)
    parser.set_defaults(func=run)


@dataclass(frozen=True)
class Target:
    """Where the command runs."""

    container_id: str
    container: str
    url: str | None  # the service to talk to, None for podman's local mode
    note: str | None  # kubectl's "Defaulted container" line


def _attempts(client: Any, podman_name: str) -> list[dict[str, Any]]:
    return [
        c.attrs
        for c in client.containers.list(all=True, filters={"pod": podman_name})
        if not c.attrs.get("IsInfra")
    ]


def _pick(
    pod: str,
    attempts: list[dict[str, Any]],
    wanted: str | None,
    annotations: dict[str, Any],
    order: list[str],
) -> tuple[str, dict[str, Any] | None, str | None]:
    """(container name, its newest attempt, the defaulted-container note)."""
    names: dict[str, str] = {}
    newest: dict[str, tuple[int, dict[str, Any]]] = {}
    for attrs in sorted(attempts, key=lambda a: str(a.get("Created", ""))):
        labels = attrs.get("Labels") or {}
        name = labels.get(LABEL_CONTAINER) or str((attrs.get("Names") or [""])[0])
        names.setdefault(name, labels.get(LABEL_KIND, "app"))
        try:
            attempt = int(labels.get(LABEL_ATTEMPT, 0))
        except ValueError:
            attempt = 0
        if name not in newest or attempt >= newest[name][0]:
            newest[name] = (attempt, attrs)
    rank = {name: index for index, name in enumerate(order)}
    names = dict(sorted(names.items(), key=lambda item: rank.get(item[0], len(rank))))
    apps = [n for n, kind in names.items() if kind == "app"]
    note = None
    if wanted is None:
        default = annotations.get(DEFAULT_CONTAINER_ANNOTATION)
        if isinstance(default, str) and default in names:
            wanted = default
        elif apps:
            wanted = apps[0]
            if len(names) > 1:
                others = [f"{n} ({k})" if k != "app" else n for n, k in names.items()]
                note = f'Defaulted container "{wanted}" out of: {", ".join(others)}'
        else:
            raise PodtuiError(f"pod {pod} has no containers yet")
    if wanted not in names:
        raise PodtuiError(f"container {wanted} is not valid for pod {pod}")
    return wanted, newest[wanted][1], note


async def find_target(
    settings: Settings, namespace: str, name: str, wanted: str | None
) -> Target | None:
    """The running container to exec in, or None when the pod does not exist."""
    connection = PodmanConnection(settings)
    gateway = await connection.open()
    client = gateway.client
    podman_name = podman_pod_name(namespace, name, settings.manifests_dir)
    try:
        attrs = await gateway.call(podman_pod_attrs, client, podman_name, namespace)
        if attrs is None:
            return None
        attempts = await gateway.call(_attempts, client, podman_name)
        order = spec_order(settings, namespace, name) if namespace != FOREIGN_NAMESPACE else []
        container, newest, note = _pick(name, attempts, wanted, pod_annotations(attrs), order)
        state = (newest or {}).get("State")
        running = state.get("Running") if isinstance(state, dict) else state == "running"
        if newest is None or not running:
            raise PodtuiError(f'unable to upgrade connection: container not found ("{container}")')
        endpoint = gateway.endpoint
        # A service this command started dies with it: podman's local mode needs none.
        url = None if endpoint.source == "embedded" else endpoint.url
        return Target(str(newest.get("Id")), container, url, note)
    finally:
        await connection.close()


def podman_exec_argv(target: Target, command: list[str], stdin: bool, tty: bool) -> list[str]:
    """The ``podman exec`` command line."""
    podman = shutil.which("podman") or "podman"
    argv = [podman]
    if target.url:
        argv += ["--url", target.url]
    argv.append("exec")
    if stdin:
        argv.append("-i")
    if tty:
        argv.append("-t")
    return [*argv, target.container_id, *command]


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui exec``."""
    name = args.pod
    if "/" in name:
        kind, _, name = name.partition("/")
        if kind.lower() not in ("pod", "pods", "po"):
            raise UsageError(f'podtui runs commands in pods only, not "{kind}"')
    command = list(args.words or []) + list(args.trailing or [])
    if not command:
        raise UsageError("you must specify at least one command for the container (after --)")
    settings = Settings.from_env(args.manifests)
    namespace = args.namespace or DEFAULT_NAMESPACE
    target = asyncio.run(find_target(settings, namespace, name, args.container))
    if target is None:
        print(not_found("pods", name), file=sys.stderr)
        return 1
    if target.note and not args.quiet:
        print(target.note, file=sys.stderr, flush=True)
    argv = podman_exec_argv(target, command, args.stdin, args.tty)
    env = podman_env(settings)
    env.pop("CONTAINER_HOST", None)  # the target's URL (or local mode) decides, not the env
    if args.stdin or args.tty:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execvpe(argv[0], argv, env)  # noqa: S606 - becomes podman exec; no return
    stdin = None if args.stdin else subprocess.DEVNULL
    done = subprocess.run(argv, env=env, stdin=stdin, check=False)
    if done.returncode != 0 and not args.quiet:
        print(f"command terminated with exit code {done.returncode}", file=sys.stderr)
    return done.returncode
