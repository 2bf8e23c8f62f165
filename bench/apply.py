"""Benchmark: apply -> containers Running, podtui's engine beside ``podman kube play``.

Run: ``.venv/bin/python bench/apply.py`` (``--check`` exits 1 when a goal is missed,
``--runs N`` changes the number of timed runs, default 7).

Both sides run in this process against one private ``podman system service``:
- one pod with two containers (``localhost/podtui/busybox:latest``, IfNotPresent, sleeping):
  ``Engine.apply`` until both containerStatuses are running, versus ``POST
  /libpod/play/kube`` of the same YAML (which returns once its containers started); pods
  are removed between runs, outside the timed region; medians and their ratio
  (goal: engine <= 1.2x kube play);
- 20 such pods at once: ``asyncio.gather`` of 20 ``Engine.apply`` calls until all run,
  versus 20 kube plays one after another (goal: the engine at least 2x faster).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import podman
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.config import DEMO_IMAGE, Settings  # noqa: E402
from tui.engine import Engine  # noqa: E402
from tui.manifest import ObjectIndex, load_text  # noqa: E402
from tui.podman.service import Endpoint, start_embedded, stop_embedded  # noqa: E402
from tui.reconciler.object_lookup import IndexLookup  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SINGLE_GOAL = 1.2  # engine median / kube play median
MANY_GOAL = 2.0  # sequential kube plays / concurrent engine
MANY = 20
WAIT = 120.0
BENCH_LABEL = "io.podtui.bench"
SCRIPT = "trap 'exit 0' TERM; while true; do sleep 1; done"


def pod_yaml(name: str, run_id: str) -> str:
    """The benchmark's pod: two sleeping busybox containers."""
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {BENCH_LABEL: run_id}},
        "spec": {
            "terminationGracePeriodSeconds": 1,
            "containers": [
                {
                    "name": side,
                    "image": DEMO_IMAGE,
                    "imagePullPolicy": "IfNotPresent",
                    "command": ["sh", "-c", SCRIPT],
                }
                for side in ("left", "right")
            ],
        },
    }
    return yaml.safe_dump(pod, sort_keys=False)


def pod_object(text: str) -> dict[str, Any]:
    """The defaulted, validated Pod (what the folder reconciler hands the engine)."""
    parsed = load_text(text, "bench.yaml")
    assert parsed.ok, [str(p) for p in parsed.problems]
    return parsed.documents[0].obj


def both_running(pod: dict[str, Any] | None) -> bool:
    """Both containers report state running."""
    if pod is None:
        return False
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return len(statuses) == 2 and all("running" in (s.get("state") or {}) for s in statuses)


# -- podtui's engine -------------------------------------------------------------------------


async def engine_apply(engine: Engine, names: list[str], run_id: str) -> float:
    """Seconds from apply of ``names`` (all at once) until every pod's containers run."""
    lookup = IndexLookup(ObjectIndex())
    objects = [pod_object(pod_yaml(name, run_id)) for name in names]
    keys = [("default", name) for name in names]
    start = time.perf_counter()
    await asyncio.gather(*(engine.apply(obj, lookup, None) for obj in objects))
    done = await engine.wait_for(lambda: all(both_running(engine.pods.get(k)) for k in keys), WAIT)
    elapsed = time.perf_counter() - start
    if not done:
        raise RuntimeError(f"engine: pods not running after {WAIT}s")
    return elapsed


async def engine_remove(engine: Engine, names: list[str]) -> None:
    """Delete the engine's pods (not timed)."""
    await asyncio.gather(*(engine.delete("default", name, grace=0) for name in names))


# -- podman kube play ------------------------------------------------------------------------


def kube_play(client: Any, text: str, network: str | None = None) -> None:
    """POST /libpod/play/kube and check the containers run, like ``podman kube play``
    (``--network NAME`` with ``network``)."""
    response = client.api.post(
        "/play/kube",
        params={"network": network} if network else None,
        data=text.encode(),
        headers={"Content-Type": "application/x-yaml"},
    )
    response.raise_for_status()
    report = response.json()
    for pod in report.get("Pods") or []:
        if pod.get("ContainerErrors"):
            raise RuntimeError(f"kube play: {pod['ContainerErrors']}")


def kube_running(client: Any, name: str) -> bool:
    """Both containers of a kube-played pod are running."""
    containers = client.containers.list(all=True, filters={"pod": name})
    apps = [c for c in containers if not c.attrs.get("IsInfra")]
    return len(apps) == 2 and all(c.attrs.get("State") == "running" for c in apps)


def kube_play_time(
    client: Any, names: list[str], run_id: str, network: str | None = None
) -> float:
    """Seconds to kube-play ``names`` one after another until each pod's containers run."""
    texts = [pod_yaml(name, run_id) for name in names]
    start = time.perf_counter()
    for name, text in zip(names, texts, strict=True):
        kube_play(client, text, network)
        if not kube_running(client, name):
            raise RuntimeError(f"kube play: {name} not running after play returned")
    return time.perf_counter() - start


def kube_remove(client: Any, names: list[str]) -> None:
    """Remove kube-played pods (not timed)."""
    for name in names:
        with contextlib.suppress(Exception):
            pod = client.pods.get(name)
            pod.stop(timeout=0)
            pod.remove(force=True)


# -- the run ---------------------------------------------------------------------------------


def settings_for(tmp: Path, endpoint: Endpoint, run_id: str) -> Settings:
    """Engine settings on a private folder and the benchmark's service."""
    manifests = tmp / "manifests"
    manifests.mkdir()
    return Settings.from_env(manifests, env={}).with_changes(
        state_dir=tmp / "state",
        containers_conf=REPO / ".podtui" / "containers.conf",
        network=f"podtui-bench-{run_id}",
        container_host=endpoint.url,
    )


def report(label: str, ours: float, theirs: float, goal: str, ok: bool) -> None:
    """One result line."""
    print(
        f"  {label:<44} {ours * 1000:8.0f} ms   {theirs * 1000:8.0f} ms   {goal}  {'ok' if ok else 'MISSED'}"
    )


async def measure(endpoint: Endpoint, tmp: Path, runs: int) -> dict[str, Any]:
    """Every measurement; pods are removed between runs."""
    run_id = uuid.uuid4().hex[:8]
    engine = Engine(settings_for(tmp, endpoint, run_id))
    await engine.start()
    client = podman.PodmanClient(base_url=endpoint.url, timeout=120)
    results: dict[str, Any] = {"engine": [], "kube": []}
    try:
        # warm-up (network, image lookups, caches) on both sides, not counted
        await engine_apply(engine, [f"warm-e-{run_id}"], run_id)
        await engine_remove(engine, [f"warm-e-{run_id}"])
        await asyncio.to_thread(kube_play_time, client, [f"warm-k-{run_id}"], run_id)
        await asyncio.to_thread(kube_remove, client, [f"warm-k-{run_id}"])
        for index in range(runs):
            name = f"one-e{index}-{run_id}"
            results["engine"].append(await engine_apply(engine, [name], run_id))
            await engine_remove(engine, [name])
            name = f"one-k{index}-{run_id}"
            results["kube"].append(await asyncio.to_thread(kube_play_time, client, [name], run_id))
            await asyncio.to_thread(kube_remove, client, [name])
        names = [f"many-e{i}-{run_id}" for i in range(MANY)]
        results["engine_many"] = await engine_apply(engine, names, run_id)
        await engine_remove(engine, names)
        names = [f"many-k{i}-{run_id}" for i in range(MANY)]
        results["kube_many"] = await asyncio.to_thread(kube_play_time, client, names, run_id)
        await asyncio.to_thread(kube_remove, client, names)
        # the same pods on podtui's own network: DNS-enabled (pods resolve each other by
        # name), which costs kube play too (aardvark-dns is updated at every start)
        names = [f"many-n{i}-{run_id}" for i in range(MANY)]
        results["kube_many_dns"] = await asyncio.to_thread(
            kube_play_time, client, names, run_id, engine.settings.network
        )
        await asyncio.to_thread(kube_remove, client, names)
    finally:
        for pod in client.pods.list(filters={"label": f"{BENCH_LABEL}={run_id}"}):
            with contextlib.suppress(Exception):
                pod.stop(timeout=0)
                pod.remove(force=True)
        client.close()
        await engine.close()
        with contextlib.suppress(Exception):
            podman.PodmanClient(base_url=endpoint.url).networks.get(
                f"podtui-bench-{run_id}"
            ).remove(force=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of the single pod (>= 7)")
    args = parser.parse_args()
    runs = max(7, args.runs)
    with tempfile.TemporaryDirectory(prefix="podtui-bench-apply-") as name:
        tmp = Path(name)
        base = Settings.from_env(tmp / "svc", env={}).with_changes(
            state_dir=tmp / "svc-state", containers_conf=REPO / ".podtui" / "containers.conf"
        )
        endpoint = start_embedded(base)
        try:
            results = asyncio.run(measure(endpoint, tmp, runs))
        finally:
            stop_embedded(endpoint)
    engine_median = statistics.median(results["engine"])
    kube_median = statistics.median(results["kube"])
    single_ratio = engine_median / kube_median
    many_ratio = results["kube_many"] / results["engine_many"]
    single_ok = single_ratio <= SINGLE_GOAL
    many_ok = many_ratio >= MANY_GOAL
    print(f"apply -> both containers Running (2 busybox containers, {runs} runs each)")
    print(f"  {'':<44} {'podtui':>11}   {'kube play':>11}")
    report(
        "one pod, median",
        engine_median,
        kube_median,
        f"ratio {single_ratio:.2f} (goal <= {SINGLE_GOAL})",
        single_ok,
    )
    print(
        f"  {'  min / max':<44} {min(results['engine']) * 1000:4.0f}/{max(results['engine']) * 1000:.0f} ms"
        f"   {min(results['kube']) * 1000:4.0f}/{max(results['kube']) * 1000:.0f} ms"
    )
    report(
        f"{MANY} pods (podtui concurrent, kube play sequential)",
        results["engine_many"],
        results["kube_many"],
        f"podtui {many_ratio:.2f}x faster (goal >= {MANY_GOAL})",
        many_ok,
    )
    dns_ratio = results["kube_many_dns"] / results["engine_many"]
    print(
        f"  {'  kube play on podtui network (DNS, as ours)':<44} {results['engine_many'] * 1000:8.0f} ms"
        f"   {results['kube_many_dns'] * 1000:8.0f} ms   podtui {dns_ratio:.2f}x faster (info)"
    )
    missed = (not single_ok) + (not many_ok)
    print(f"{'all goals met' if not missed else f'{missed} goal(s) missed'}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
