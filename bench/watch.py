"""Benchmark of the watched folder against `podman kube play` of the same files.

Run: ``.venv/bin/python bench/watch.py`` (``--check`` exits 1 when a goal is missed).

Measures, with a reconciling podtui Session on a temporary manifests folder and the same
Podman service for both sides:
  * manifest written -> all containers Running (goal: median < 0.5 s, <= 1.2x kube play);
  * manifest removed -> pod gone from Podman (kube play's peer: DELETE /play/kube);
  * 20 files dropped at once -> all Running, against 20 sequential kube plays (goal >= 2x).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.config import Settings  # noqa: E402
from tui.engine import Engine  # noqa: E402
from tui.session import Session  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RUNS = 15
FLEET = 20
IMAGE = "localhost/podtui/busybox:latest"


def pod_text(name: str, containers: int = 2) -> str:
    """A pod of ``containers`` busybox containers that sleep and stop promptly on SIGTERM."""
    spec = {
        "terminationGracePeriodSeconds": 2,
        "containers": [
            {
                "name": f"c{index}",
                "image": IMAGE,
                "imagePullPolicy": "IfNotPresent",
                "command": ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"],
            }
            for index in range(containers)
        ],
    }
    return yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "labels": {"bench": "watch"}},
            "spec": spec,
        }
    )


def all_running(engine: Engine, names: list[str]) -> bool:
    """Every named pod has all its containers running."""
    for name in names:
        pod = engine.pods.get(("default", name))
        if pod is None:
            return False
        statuses = pod["status"].get("containerStatuses") or []
        if not statuses or not all("running" in s.get("state", {}) for s in statuses):
            return False
    return True


def kube_play(client: Any, text: str) -> float:
    """Seconds for POST /libpod/play/kube (it returns once the containers have started)."""
    started = time.perf_counter()
    response = client.api.post(
        "/play/kube", data=text, headers={"Content-Type": "application/x-yaml"}
    )
    response.raise_for_status()
    return time.perf_counter() - started


def kube_down(client: Any, text: str) -> float:
    """Seconds for DELETE /libpod/play/kube (stop and remove the pods of the file)."""
    started = time.perf_counter()
    client.api.delete("/play/kube", data=text, headers={"Content-Type": "application/x-yaml"})
    return time.perf_counter() - started


async def measure(check: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="podtui-bench-") as tmp:
        folder = Path(tmp) / "manifests"
        folder.mkdir()
        settings = Settings.from_env(folder, env={}).with_changes(
            state_dir=Path(tmp) / "state",
            containers_conf=REPO / ".podtui" / "containers.conf",
            network="podtui-bench",
        )
        session = Session(settings)
        await session.start()
        engine = session.engine
        client = engine.gateway.client
        try:
            # warm-up: network, image cache, first-call costs on both sides
            (folder / "warm.yaml").write_text(pod_text("warm"))
            await engine.wait_for(lambda: all_running(engine, ["warm"]), 30)
            kube_down(client, pod_text("kwarm"))
            kube_play(client, pod_text("kwarm"))
            kube_down(client, pod_text("kwarm"))
            (folder / "warm.yaml").unlink()
            await engine.wait_for(lambda: ("default", "warm") not in engine.pods, 30)

            ours_up, ours_gone, theirs_up, theirs_gone = [], [], [], []
            for run in range(RUNS):
                name = f"w{run}"
                path = folder / f"{name}.yaml"
                started = time.perf_counter()
                path.write_text(pod_text(name))
                assert await engine.wait_for(lambda n=name: all_running(engine, [n]), 30), name
                ours_up.append(time.perf_counter() - started)
                started = time.perf_counter()
                path.unlink()
                assert await engine.wait_for(lambda n=name: ("default", n) not in engine.pods, 30)
                ours_gone.append(time.perf_counter() - started)
                text = pod_text(f"k{run}")
                theirs_up.append(await asyncio.to_thread(kube_play, client, text))
                theirs_gone.append(await asyncio.to_thread(kube_down, client, text))

            names = [f"fleet{index:02d}" for index in range(FLEET)]
            started = time.perf_counter()
            for name in names:
                (folder / f"{name}.yaml").write_text(pod_text(name))
            assert await engine.wait_for(lambda: all_running(engine, names), 120), "fleet"
            ours_fleet = time.perf_counter() - started
            texts = [pod_text(f"kfleet{index:02d}") for index in range(FLEET)]
            theirs_fleet = 0.0
            for text in texts:
                theirs_fleet += await asyncio.to_thread(kube_play, client, text)
            for text in texts:
                await asyncio.to_thread(kube_down, client, text)
            for name in names:
                (folder / f"{name}.yaml").unlink()
            await engine.wait_for(lambda: not engine.pods, 120)
        finally:
            await session.reconciler.stop() if session.reconciler else None
            for namespace, name in list(engine.supervisors):
                await engine.delete(namespace, name, grace=2)
            await session.close()

    up, kup = statistics.median(ours_up), statistics.median(theirs_up)
    gone, kgone = statistics.median(ours_gone), statistics.median(theirs_gone)
    print(f"watch: manifest written -> 2 containers Running, median of {RUNS}")
    print(
        f"  podtui (file -> Running)        {up * 1000:7.1f} ms   (min {min(ours_up) * 1000:.1f}, max {max(ours_up) * 1000:.1f})"
    )
    print(f"  podman kube play (API call)     {kup * 1000:7.1f} ms")
    print(f"  ratio podtui / kube play        {up / kup:7.2f}     goal <= 1.2 and median < 500 ms")
    print("manifest removed -> pod gone from Podman")
    print(f"  podtui (unlink -> gone)         {gone * 1000:7.1f} ms")
    print(f"  podman kube play --down (API)   {kgone * 1000:7.1f} ms")
    print(f"  ratio                           {gone / kgone:7.2f}")
    print(f"{FLEET} manifests dropped at once -> all Running")
    print(f"  podtui (concurrent)             {ours_fleet * 1000:7.1f} ms")
    print(f"  {FLEET} sequential kube plays        {theirs_fleet * 1000:7.1f} ms")
    print(f"  speed-up                        {theirs_fleet / ours_fleet:7.2f}x   goal >= 2x")
    ok = up / kup <= 1.2 and up < 0.5 and theirs_fleet / ours_fleet >= 2
    print("goals:", "met" if ok else "MISSED")
    return 0 if ok or not check else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    return asyncio.run(measure(args.check))


if __name__ == "__main__":
    sys.exit(main())
