"""``podtui serve``: the headless reconciler, one log line per reconcile action.

SIGINT and SIGTERM stop it cleanly and leave the pods running (like stopping the kubelet).
``--once`` applies the folder, waits until every pod has settled and exits 0 only if all of
them are Running or Succeeded.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime
from typing import Any

from tui.config import Settings
from tui.errors import PodmanUnavailable
from tui.reconciler.updates import (
    ConnectionChanged,
    EngineUpdate,
    EventRecorded,
    ReconcileLogged,
    RoleChanged,
)
from tui.session import Session
from tui.status.kubectl_columns import status_column

STABLE_SECONDS = 2.0  # how long the settled verdict must hold before --once exits

# Waiting reasons that will not resolve by waiting a little longer.
STUCK_REASONS = {
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "ErrImageNeverPull",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the command line."""
    parser = subparsers.add_parser(
        "serve", help="reconcile the manifests folder headless (like the kubelet)"
    )
    parser.add_argument(
        "--manifests", dest="serve_manifests", metavar="DIR", help="manifests folder"
    )
    parser.add_argument(
        "--once", action="store_true", help="apply the folder, wait until settled, exit"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="with --once: give up after SECONDS (default 300)",
    )
    parser.set_defaults(func=run)


def stamp() -> str:
    """A log timestamp."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def log_update(update: EngineUpdate) -> None:
    """Print reconcile actions, warnings and connection changes, one per line."""
    if isinstance(update, ReconcileLogged):
        print(f"{stamp()} {update.message}", flush=True)
    elif isinstance(update, EventRecorded) and update.event.type == "Warning":
        event = update.event
        print(
            f"{stamp()} pod {event.namespace}/{event.pod}: {event.reason}: {event.message}",
            flush=True,
        )
    elif isinstance(update, ConnectionChanged):
        text = (
            f"connected to Podman {update.version} ({update.detail})"
            if update.connected
            else update.detail
        )
        print(f"{stamp()} {text}", flush=True)
    elif isinstance(update, RoleChanged):
        print(f"{stamp()} {update.detail}", flush=True)


def settled(pod: dict[str, Any]) -> bool:
    """Running with every container ready, terminal, or stuck on a reason that won't clear."""
    status = pod.get("status") or {}
    phase = status.get("phase")
    if phase in ("Succeeded", "Failed"):
        return True
    statuses = list(status.get("initContainerStatuses") or []) + list(
        status.get("containerStatuses") or []
    )
    for container in statuses:
        waiting = (container.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason") in STUCK_REASONS:
            return True
    if phase == "Running":
        return all(
            c.get("ready") or (c.get("state") or {}).get("terminated")
            for c in status.get("containerStatuses") or []
        )
    return False


def healthy(pod: dict[str, Any]) -> bool:
    """What ``--once`` calls success: Running (and ready) or Succeeded."""
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Succeeded":
        return True
    return phase == "Running" and settled(pod) and status_column(pod) == "Running"


async def wait_stable(engine: Any, timeout: float) -> bool:
    """Wait until every pod has settled and stayed settled for ``STABLE_SECONDS``.

    A container that crashes right after it started reads as Running for a moment; only a
    verdict that holds for a while is worth an exit code.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout

    def all_settled() -> bool:
        return all(settled(p) for p in engine.pods.values())

    while True:
        remaining = deadline - loop.time()
        if remaining <= 0 or not await engine.wait_for(all_settled, remaining):
            return False
        verdict = {key: (status_column(p), healthy(p)) for key, p in engine.pods.items()}

        def changed(verdict: dict[Any, tuple[str, bool]] = verdict) -> bool:
            now = {key: (status_column(p), healthy(p)) for key, p in engine.pods.items()}
            return now != verdict or not all_settled()

        window = min(STABLE_SECONDS, max(0.0, deadline - loop.time()))
        if not await engine.wait_for(changed, window):
            return True


async def serve(settings: Settings, once: bool, timeout: float) -> int:
    """Run until a signal (or, with ``once``, until settled)."""
    session = Session(settings, take_over=True)
    session.engine.add_listener(log_update)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await session.start()
    except PodmanUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        await session.close()
        return 1
    try:
        if session.role != "reconciler":
            print(
                f"{stamp()} another podtui reconciles this folder; --once needs the lock",
                file=sys.stderr,
            )
            if once:
                return 1
        if once:
            engine = session.engine
            done = await wait_stable(engine, timeout)
            bad = [p for p in engine.pods.values() if not healthy(p)]
            for pod in engine.pods.values():
                meta = pod["metadata"]
                print(
                    f"{stamp()} pod {meta['namespace']}/{meta['name']}: {status_column(pod)}",
                    flush=True,
                )
            if not done:
                print(f"{stamp()} not settled after {timeout:.0f}s", file=sys.stderr)
                return 2
            return 1 if bad else 0
        await stop.wait()
        print(f"{stamp()} stopping (pods keep running)", flush=True)
        return 0
    finally:
        await session.close()


def run(args: argparse.Namespace) -> int:
    """Entry point of ``podtui serve``."""
    settings = Settings.from_env(args.serve_manifests or args.manifests)
    return asyncio.run(serve(settings, args.once, args.timeout))
