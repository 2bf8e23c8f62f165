"""Benchmark of the manifest validator: 1,000 realistic manifests, and hostile input.

Run: ``.venv/bin/python bench/validate.py`` (``--check`` exits 1 when a goal is missed).

Prints our total and per-manifest time for a folder of 1,000 manifests (multi-container
Pods with probes, env and volumes, plus ConfigMaps and Secrets), beside the per-call cost of
``kubernetes_validate.validate(obj, "1.37.0", strict=True)`` measured in the same run, and
the time and peak memory (tracemalloc) of each hostile input against its 100 ms / 50 MB goal.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.manifest import load_bytes, load_text, scan_folder  # noqa: E402
from tui.manifest import schema as schema_module  # noqa: E402

MANIFESTS = 1000
TOTAL_GOAL_S = 1.0
HOSTILE_TIME_GOAL_S = 0.100
HOSTILE_MEMORY_GOAL_B = 50 * 1024 * 1024
REFERENCE_SAMPLES = 20


def make_pod(rng: random.Random, index: int) -> dict[str, Any]:
    """A Pod like real ones: 1-3 containers, probes, env from refs, volumes, resources."""
    app = f"app-{index}"
    containers = []
    for number in range(rng.randint(1, 3)):
        container: dict[str, Any] = {
            "name": f"c{number}",
            "image": rng.choice(
                ["nginx:1.25", "busybox", "redis:7", f"registry.local/{app}:v{index % 7}"]
            ),
            "ports": [{"name": "http", "containerPort": 8080 + number}],
            "env": [
                {"name": "MODE", "value": "production"},
                {"name": "LOG_LEVEL", "value": rng.choice(["info", "debug"])},
                {
                    "name": "DB_HOST",
                    "valueFrom": {
                        "configMapKeyRef": {"name": f"cfg-{index % 60}", "key": "db_host"}
                    },
                },
                {
                    "name": "DB_PASSWORD",
                    "valueFrom": {"secretKeyRef": {"name": f"sec-{index % 40}", "key": "password"}},
                },
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            ],
            "resources": {
                "requests": {
                    "cpu": f"{rng.randint(1, 5) * 100}m",
                    "memory": f"{rng.randint(1, 4) * 64}Mi",
                },
                "limits": {"cpu": "1", "memory": "512Mi"},
            },
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
            "readinessProbe": {"tcpSocket": {"port": 8080 + number}, "initialDelaySeconds": 2},
            "volumeMounts": [
                {"name": "data", "mountPath": "/data"},
                {"name": "config", "mountPath": "/etc/app", "readOnly": True},
            ],
        }
        containers.append(container)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": app, "labels": {"app": app, "tier": rng.choice(["web", "worker"])}},
        "spec": {
            "initContainers": [
                {"name": "init", "image": "busybox:1.36", "command": ["sh", "-c", "true"]}
            ],
            "containers": containers,
            "volumes": [
                {"name": "data", "emptyDir": {}},
                {"name": "config", "configMap": {"name": f"cfg-{index % 60}"}},
            ],
        },
    }


def make_folder(folder: Path) -> int:
    """Write 1,000 manifests (940 Pods, 40 ConfigMaps, 20 Secrets) as files; return the count."""
    rng = random.Random(42)
    count = 0
    for index in range(60):
        config = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"cfg-{index}"},
            "data": {"db_host": "db.local", "settings.ini": "[main]\nworkers = 4\n"},
        }
        secret = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": f"sec-{index}"},
            "stringData": {"password": f"pw-{index}"},
        }
        documents = [config, secret] if index < 40 else [config]
        (folder / f"objects-{index:03}.yaml").write_text(
            yaml.safe_dump_all(documents, sort_keys=False)
        )
        count += len(documents)
    index = 0
    while count < MANIFESTS:
        (folder / f"pod-{index:04}.yaml").write_text(
            yaml.safe_dump(make_pod(rng, index), sort_keys=False)
        )
        index += 1
        count += 1
    return count


def time_folder(folder: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    scan = scan_folder(folder)
    problems = scan.problems()
    elapsed = time.perf_counter() - start
    return elapsed, len(scan.documents()), len(problems)


def reference_cost(folder: Path) -> float | None:
    """Seconds per call of kubernetes_validate.validate on our Pods (None if not installed)."""
    try:
        import kubernetes_validate
    except ImportError:
        return None
    pods = [
        yaml.safe_load(p.read_text()) for p in sorted(folder.glob("pod-*.yaml"))[:REFERENCE_SAMPLES]
    ]
    kubernetes_validate.validate(pods[0], "1.37.0", strict=True)  # warm imports
    start = time.perf_counter()
    for pod in pods:
        kubernetes_validate.validate(pod, "1.37.0", strict=True)
    return (time.perf_counter() - start) / len(pods)


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def hostile_cases(tmp: Path) -> dict[str, Callable[[], object]]:
    too_big = tmp / "too-big.yaml"
    with too_big.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024 + 1)
    from tui.manifest import load_file

    return {
        "file over 3 MiB": lambda: load_file(too_big),
        "billion laughs": lambda: load_text(billion_laughs()),
        "10,000 aliases": lambda: load_text("a: &a [x]\nb: [" + ",".join(["*a"] * 10_000) + "]\n"),
        "deep flow nesting": lambda: load_text("a: " + "[" * 100_000 + "]" * 100_000),
        "deep block nesting": lambda: load_text("".join(" " * i + "k:\n" for i in range(300))),
        "deep block sequence": lambda: load_text("- " * 100_000 + "x\n"),
        "binary (NUL bytes)": lambda: load_bytes(b"apiVersion: v1\n\x00" * 100_000),
        "not UTF-8": lambda: load_bytes("kind: caf\u00e9\n".encode("latin-1") * 100_000),
        "many empty documents": lambda: load_text("---\n" * 200_000),
    }


def measure(case: Callable[[], object]) -> tuple[float, int]:
    case()  # warm
    tracemalloc.start()
    start = time.perf_counter()
    case()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Time again without tracemalloc's overhead.
    start = time.perf_counter()
    case()
    return min(elapsed, time.perf_counter() - start), peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    missed = 0
    with tempfile.TemporaryDirectory(prefix="podtui-bench-") as name:
        folder = Path(name) / "manifests"
        folder.mkdir()
        count = make_folder(folder)

        schema_module._compiler = None  # cold: read and compile the schema in this run
        start = time.perf_counter()
        schema_module.validator_for("Pod")
        build = time.perf_counter() - start
        cold, documents, problems = time_folder(folder)
        warm = min(time_folder(folder)[0] for _ in range(3))
        per = warm / count
        ok = warm < TOTAL_GOAL_S
        missed += not ok
        print(
            f"validate {count} manifests ({documents} objects, {problems} problems) via scan_folder().problems()"
        )
        print(f"  schema read + compile (once per process): {build * 1000:8.1f} ms")
        print(f"  total, first run:                         {cold * 1000:8.1f} ms")
        print(
            f"  total, warm (best of 3):                  {warm * 1000:8.1f} ms  "
            f"goal < {TOTAL_GOAL_S * 1000:.0f} ms  {'ok' if ok else 'MISSED'}"
        )
        print(f"  per manifest:                             {per * 1e6:8.1f} us")
        reference = reference_cost(folder)
        if reference is None:
            print("  kubernetes_validate: not installed")
        else:
            print(
                f"  kubernetes_validate.validate(strict=True): {reference * 1e6:8.1f} us per call "
                f"({REFERENCE_SAMPLES} Pods, schema only)"
            )
            print(f"  ratio: ours is {reference / per:.1f}x faster per manifest (with all rules)")

        print()
        print(
            f"hostile input (goal: < {HOSTILE_TIME_GOAL_S * 1000:.0f} ms, < {HOSTILE_MEMORY_GOAL_B >> 20} MB peak)"
        )
        for label, case in hostile_cases(Path(name)).items():
            elapsed, peak = measure(case)
            ok = elapsed < HOSTILE_TIME_GOAL_S and peak < HOSTILE_MEMORY_GOAL_B
            missed += not ok
            print(
                f"  {label:22} {elapsed * 1000:8.2f} ms  {peak / (1024 * 1024):7.2f} MB  "
                f"{'ok' if ok else 'MISSED'}"
            )
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
