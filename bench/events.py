"""Benchmark: a container exits -> podtui's status shows it (goal: under 0.2 s).

Run: ``.venv/bin/python bench/events.py`` (``--check`` exits 1 when the goal is missed).

A pod's container waits for a signal file and exits 1; the time is measured from the
container's own finishedAt (Podman's nanosecond timestamp) to the moment the engine
publishes a status with that container terminated. The peer, in the same run, is
``podman wait``'s CLI noticing the same kind of exit (its return minus finishedAt): the
time any Podman client needs to learn of an exit.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.config import DEMO_IMAGE, Settings  # noqa: E402
from tui.engine import Engine  # noqa: E402
from tui.manifest import load_text  # noqa: E402
from tui.podman.service import podman_env  # noqa: E402
from tui.reconciler.translate_base import MappingLookup  # noqa: E402
from tui.reconciler.updates import PodChanged  # noqa: E402
from tui.status.podman_inspect import parse_podman_time  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RUNS = 15
GOAL = 0.2


def pod_text(name: str, trigger: str) -> str:
    script = f"while [ ! -f {trigger} ]; do usleep 20000; done; exit 1"
    container = {
        "name": "c",
        "image": DEMO_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", script],
        "volumeMounts": [{"name": "t", "mountPath": "/t"}],
    }
    return yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name},
            "spec": {
                "restartPolicy": "Never",
                "containers": [container],
                "volumes": [
                    {
                        "name": "t",
                        "hostPath": {"path": str(Path(trigger).parent), "type": "Directory"},
                    }
                ],
            },
        }
    )


async def measure(check: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="podtui-bench-") as tmp:
        root = Path(tmp)
        settings = Settings.from_env(root / "manifests", env={}).with_changes(
            state_dir=root / "state",
            containers_conf=REPO / ".podtui" / "containers.conf",
            network="podtui-bench",
        )
        engine = Engine(settings)
        await engine.start()
        ours: list[float] = []
        seen: dict[str, float] = {}

        def note(update: object) -> None:
            if isinstance(update, PodChanged) and update.name not in seen:
                statuses = update.pod["status"].get("containerStatuses") or []
                if statuses and "terminated" in statuses[0]["state"]:
                    seen[update.name] = time.time()

        engine.add_listener(note)
        try:
            for run in range(RUNS):
                name = f"exit{run}"
                folder = root / f"t{run}"
                folder.mkdir()
                doc = load_text(
                    pod_text(name, "/t/go").replace(str(folder.parent / "t"), str(folder))
                ).documents[0]
                doc.obj["spec"]["volumes"][0]["hostPath"]["path"] = str(folder)
                await engine.apply(doc.obj, MappingLookup(), None)
                await engine.wait_for(
                    lambda n=name: (
                        "running"
                        in (
                            (engine.pods.get(("default", n)) or {})
                            .get("status", {})
                            .get("containerStatuses")
                            or [{"state": {}}]
                        )[0]["state"]
                    ),
                    30,
                )
                (folder / "go").write_text("")
                assert await engine.wait_for(lambda n=name: n in seen, 30), name
                record = engine.supervisors[("default", name)].record.containers["c"]
                finished = record.current.finished_at if record.current else None
                if finished is None:
                    continue
                ours.append(seen[name] - finished.timestamp())
            # the peer: `podman wait` on a container that exits when told to
            env = podman_env(settings)
            theirs: list[float] = []
            for run in range(RUNS):
                folder = root / f"w{run}"
                folder.mkdir()
                cid = subprocess.run(
                    [
                        "podman",
                        "run",
                        "-d",
                        "--pull=never",
                        "-v",
                        f"{folder}:/t",
                        DEMO_IMAGE,
                        "sh",
                        "-c",
                        "while [ ! -f /t/go ]; do usleep 20000; done; exit 1",
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.strip()
                waiter = subprocess.Popen(
                    ["podman", "wait", cid], env=env, stdout=subprocess.DEVNULL
                )
                await asyncio.sleep(
                    0.3
                )  # let `podman wait` subscribe before the exit (the peer's setup)
                (folder / "go").write_text("")
                await asyncio.to_thread(waiter.wait)
                returned = time.time()
                text = subprocess.run(
                    ["podman", "inspect", "--format", "{{.State.FinishedAt}}", cid],
                    env=env,
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                finished_at = (
                    parse_podman_time(text.replace(" +0000 UTC", "Z").replace(" ", "T", 1))
                    if text
                    else None
                )
                if isinstance(finished_at, datetime):
                    theirs.append(returned - finished_at.timestamp())
                subprocess.run(["podman", "rm", "-f", cid], env=env, capture_output=True)
        finally:
            for namespace, name in list(engine.supervisors):
                await engine.delete(namespace, name, grace=2)
            await engine.close()
    median = statistics.median(ours)
    print(f"events: container exit -> status published, median of {len(ours)}")
    print(
        f"  podtui (finishedAt -> PodChanged)   {median * 1000:7.1f} ms  (p90 {sorted(ours)[int(len(ours) * 0.9) - 1] * 1000:.1f}, max {max(ours) * 1000:.1f})  goal < {GOAL * 1000:.0f} ms"
    )
    if theirs:
        peer = statistics.median(theirs)
        print(f"  podman wait (finishedAt -> return) {peer * 1000:7.1f} ms")
        print(f"  ratio podtui / podman wait          {median / peer:7.2f}")
    ok = median < GOAL
    print("goal:", "met" if ok else "MISSED")
    return 0 if ok or not check else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    return asyncio.run(measure(parser.parse_args().check))


if __name__ == "__main__":
    sys.exit(main())
