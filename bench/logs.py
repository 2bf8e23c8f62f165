"""Benchmark of the log pane on a 1,000,000-line k8s-file log, beside podman's own tools.

Run: ``.venv/bin/python bench/logs.py`` (``--check`` exits 1 when a goal is missed;
``--no-podman`` skips the peer measurements).

Measures, in one process:
- open -> tail rendered: mounting ``LogView`` in a headless ``App.run_test()`` until the last
  line of the file is painted (goal < 1 s);
- peak RSS (VmHWM) while showing it and during the key test (goal < 150 MB);
- key latency (key posted -> screen repainted at the new position) for ``up``/``pageup``/
  ``down``/``pagedown`` while a writer thread appends 50,000 lines/s (goal p95 < 100 ms);
- the peer, in the same run: ``podman logs --tail 50`` and podman-py's API reading a real
  container that printed 1,000,000 lines (``seq 1000000``), and our engine on that file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tui.screen  # noqa: E402,F401 - the app's frame rate, before anything imports Textual

# isort: split

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.geometry import Region  # noqa: E402
from textual.strip import Strip  # noqa: E402

from tui.config import DEMO_IMAGE, Settings  # noqa: E402
from tui.podman.log_files import LogInstance, PodLogs, instances_from_inspect, iter_lines  # noqa: E402
from tui.podman.log_format import STDERR, STDOUT, format_record  # noqa: E402
from tui.screen.log_view import LogView  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LINES = 1_000_000
OPEN_GOAL_S = 1.0
RSS_GOAL_MB = 150.0
KEY_GOAL_MS = 100.0
WRITE_RATE = 50_000
KEY_PRESSES = 120
WORDS = [
    "request",
    "served",
    "user",
    "cache",
    "miss",
    "hit",
    "db",
    "query",
    "ok",
    "retry",
    "timeout",
    "GET",
    "POST",
    "/api/v1/items",
    "id=",
]


def vm_hwm_mb() -> float:
    """Peak resident set size of this process so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def generate(path: Path, lines: int) -> None:
    """A realistic log: 20-220 character lines, 1 in 20 on stderr, a few partial records."""
    rng = random.Random(7)
    start = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    with path.open("wb", buffering=1 << 20) as out:
        batch = []
        for number in range(lines):
            moment = start + timedelta(microseconds=number * 250)
            stamp = moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond:06d}417+00:00"
            words = " ".join(rng.choices(WORDS, k=rng.randint(2, 30)))
            text = f"{number} {words}"
            stream = STDERR if number % 20 == 0 else STDOUT
            if number % 200_000 == 17:  # a long line that conmon split into partial records
                batch.append(format_record(stamp, stream, text * 3, partial=True))
            batch.append(format_record(stamp, stream, text))
            if len(batch) >= 10_000:
                out.write(b"".join(batch))
                batch.clear()
        out.write(b"".join(batch))


class Writer(threading.Thread):
    """Appends ``rate`` lines per second to a file in 10 ms batches, until stopped."""

    def __init__(self, path: Path, rate: int) -> None:
        super().__init__(daemon=True, name="bench-writer")
        self.path = path
        self.rate = rate
        self.written = 0
        self.stop = threading.Event()

    def run(self) -> None:
        per_batch = self.rate // 100
        body = [f" stdout F live line {n} " + "x" * 60 for n in range(per_batch)]
        with self.path.open("ab", buffering=0) as out:
            next_at = time.monotonic()
            while not self.stop.is_set():
                stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000+00:00"
                out.write("".join(f"{stamp}{text}\n" for text in body).encode())
                self.written += per_batch
                next_at += 0.01
                self.stop.wait(max(0.0, next_at - time.monotonic()))


class TimedLogView(LogView):
    """LogView that records when it paints and at which scroll position."""

    painted: asyncio.Event
    last_paint: tuple[float, int] = (0.0, -1)
    watch_text: str | None = None
    text_painted_at: float | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = super().render_lines(crop)
        self.last_paint = (time.perf_counter(), int(self.scroll_y))
        watching = self.watch_text is not None and self.text_painted_at is None
        if watching and any(self.watch_text in strip.text for strip in strips):  # type: ignore[operator]
            self.text_painted_at = time.perf_counter()
        self.painted.set()
        return strips


class BenchApp(App[None]):
    """Starts empty; the benchmark mounts the log pane into it."""

    def compose(self) -> ComposeResult:
        return iter(())


async def wait_paint(
    view: TimedLogView, predicate: Any, after: float, timeout: float = 5.0
) -> float | None:
    """Wait for a paint after ``after`` satisfying ``predicate(scroll_y)``; returns its time."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        view.painted.clear()
        painted_at, scroll_y = view.last_paint
        if painted_at > after and predicate(scroll_y):
            return painted_at
        try:
            await asyncio.wait_for(view.painted.wait(), deadline - time.perf_counter())
        except TimeoutError:
            return None
    return None


async def measure_ui(path: Path, last_text: str) -> dict[str, Any]:
    """Open the pane on the file, then press keys while a writer appends."""
    app = BenchApp()
    result: dict[str, Any] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        pod_logs = PodLogs("bench", [LogInstance("app", 0, "bench", path)])
        view = TimedLogView(pod_logs)
        view.painted = asyncio.Event()
        view.watch_text = last_text
        await app.mount(view)
        view.focus()
        while view.text_painted_at is None and time.perf_counter() - start < 10:
            view.painted.clear()
            with_timeout = asyncio.wait_for(view.painted.wait(), 10)
            try:
                await with_timeout
            except TimeoutError:
                break
        result["open_s"] = (view.text_painted_at or float("inf")) - start
        result["rss_after_open_mb"] = vm_hwm_mb()
        await asyncio.to_thread(view.view.wait_complete, 30)  # type: ignore[union-attr]
        await pilot.pause()
        result["indexed_s"] = time.perf_counter() - start
        result["rows"] = view.line_count

        writer = Writer(path, WRITE_RATE)
        writer.start()
        latencies: list[float] = []
        misses = 0
        # Leave the end first (that pauses following), then a mix of keys.
        keys = ["pageup", "pageup", "pageup"] + ["up", "pageup", "down", "pagedown"] * (
            KEY_PRESSES // 4
        )
        for key in keys:
            before = int(view.scroll_y)
            sent = time.perf_counter()
            app.post_message(events.Key(key, None))
            painted = await wait_paint(view, lambda y, before=before: y != before, sent)
            if painted is None:
                misses += 1
                continue
            latencies.append((painted - sent) * 1000)
        writer.stop.set()
        writer.join()
        await pilot.pause()
        result["latencies_ms"] = latencies[3:]
        result["key_misses"] = misses
        result["written"] = writer.written
        result["rows_after"] = view.line_count
        result["unseen"] = view.unseen_lines
        result["rss_peak_mb"] = vm_hwm_mb()
        pod_logs.close()
    return result


def podman_env() -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(REPO / ".podtui" / "containers.conf")}


def measure_peer(lines: int) -> dict[str, Any]:
    """``podman logs --tail 50`` and the API on a real container, beside our engine."""
    from tui.podman.client import connect
    from tui.podman.service import start_embedded, stop_embedded

    name = f"podtui-bench-logs-{os.getpid()}"
    env = podman_env()
    out: dict[str, Any] = {}
    subprocess.run(
        [
            "podman",
            "run",
            "--pull=never",
            "--name",
            name,
            "--label",
            "io.podtui.bench=logs",
            DEMO_IMAGE,
            "seq",
            str(lines),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tmp = Path(tempfile.mkdtemp(prefix="podtui-bench-svc-"))
    settings = Settings.from_env(tmp / "manifests", env={}).with_changes(
        state_dir=tmp / "state", containers_conf=REPO / ".podtui" / "containers.conf"
    )
    endpoint = start_embedded(settings)
    try:
        started = time.perf_counter()
        done = subprocess.run(
            ["podman", "logs", "--tail", "50", name], env=env, capture_output=True, check=True
        )
        out["podman_tail_s"] = time.perf_counter() - started
        assert done.stdout.split()[-1] == str(lines).encode()

        client = connect(endpoint)
        container = client.containers.get(name)
        started = time.perf_counter()
        frames = container.logs(stream=True, follow=False, timestamps=True)
        count = sum(frame.endswith(b"\n") for frame in frames)
        out["api_all_s"] = time.perf_counter() - started
        out["api_lines"] = count
        started = time.perf_counter()
        tail = list(container.logs(stream=True, follow=False, timestamps=True, tail=50))
        out["api_tail_s"] = time.perf_counter() - started
        assert tail

        instance = instances_from_inspect(container.inspect())
        assert instance is not None
        started = time.perf_counter()
        with PodLogs("peer", [instance]) as pod_logs:
            ours = list(iter_lines(pod_logs, True, tail=50))
        out["ours_tail_s"] = time.perf_counter() - started
        assert ours[-1].endswith(f" {lines}")
        started = time.perf_counter()
        with PodLogs("peer", [instance]) as pod_logs:
            count = sum(1 for _ in iter_lines(pod_logs, True))
        out["ours_all_s"] = time.perf_counter() - started
        out["ours_lines"] = count
        client.close()
    finally:
        stop_embedded(endpoint)
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run(["podman", "rm", "-f", name], env=env, capture_output=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    parser.add_argument("--no-podman", action="store_true", help="skip the podman peer")
    parser.add_argument("--lines", type=int, default=LINES)
    args = parser.parse_args()
    missed = 0
    with tempfile.TemporaryDirectory(prefix="podtui-bench-logs-") as name:
        path = Path(name) / "ctr.log"
        started = time.perf_counter()
        generate(path, args.lines)
        size_mb = path.stat().st_size / 1e6
        print(
            f"generated {args.lines:,} lines, {size_mb:.0f} MB in {time.perf_counter() - started:.1f} s"
        )
        last_text = f"{args.lines - 1} "
        ui = asyncio.run(measure_ui(path, last_text))

    lat = sorted(ui["latencies_ms"])
    p50 = statistics.median(lat) if lat else float("inf")
    p95 = lat[int(len(lat) * 0.95) - 1] if lat else float("inf")
    checks = [
        ("open -> tail painted", ui["open_s"] * 1000, OPEN_GOAL_S * 1000, "ms"),
        ("peak RSS (VmHWM)", ui["rss_peak_mb"], RSS_GOAL_MB, "MB"),
        ("key latency p95 under 50k lines/s", p95, KEY_GOAL_MS, "ms"),
    ]
    print(f"whole file indexed after {ui['indexed_s']:.2f} s ({ui['rows']:,} rows)")
    print(f"RSS after open {ui['rss_after_open_mb']:.0f} MB")
    print(
        f"keys: {len(lat)} measured, p50 {p50:.1f} ms, max {max(lat, default=float('inf')):.1f} ms, "
        f"{ui['key_misses']} without repaint; writer appended {ui['written']:,} lines, "
        f"view has {ui['rows_after']:,} rows, marker shows +{ui['unseen']:,}"
    )
    for label, value, goal, unit in checks:
        ok = value < goal
        missed += not ok
        print(f"{'ok  ' if ok else 'MISS'} {label}: {value:.1f} {unit} (goal < {goal:.0f} {unit})")

    if not args.no_podman and shutil.which("podman"):
        peer = measure_peer(args.lines)
        tail_ratio = peer["podman_tail_s"] / peer["ours_tail_s"]
        api_tail_ratio = peer["api_tail_s"] / peer["ours_tail_s"]
        all_ratio = peer["api_all_s"] / peer["ours_all_s"]
        print(
            f"peer `podman logs --tail 50`: {peer['podman_tail_s'] * 1000:.1f} ms; "
            f"ours (open PodLogs + iter_lines tail=50): {peer['ours_tail_s'] * 1000:.1f} ms "
            f"(podman/ours = {tail_ratio:.2f})"
        )
        print(
            f"podman-py API logs(tail=50): {peer['api_tail_s'] * 1000:.1f} ms "
            f"(api/ours = {api_tail_ratio:.2f})"
        )
        print(
            f"podman-py API, all {peer['api_lines']:,} lines: {peer['api_all_s']:.2f} s; "
            f"ours, all {peer['ours_lines']:,} lines formatted with timestamps: "
            f"{peer['ours_all_s']:.2f} s (api/ours = {all_ratio:.2f})"
        )
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
