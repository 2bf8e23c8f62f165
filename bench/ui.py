"""Benchmark of the terminal app, each figure beside a peer measured in the same run.

Run: ``.venv/bin/python bench/ui.py`` (``--check`` exits 1 when a goal is missed;
``--no-podman`` skips what needs Podman; ``--idle SECONDS`` sets the idle window).

Measures:
- 200 pods / 400 containers fed through the engine's message path (a fake engine ->
  ``EngineBridge`` -> the app): app start -> first frame painted with all 200 rows laid
  out (goal < 1.5 s); peer: a bare Textual ``App`` with one ``DataTable`` of the same
  rows, and ``podman pod ps`` listing 200 real (created, not started) pods;
- one pod's change among 200 -> its cell updated and the frame painted, p50/p95 over 100
  changes posted at random moments (goal p95 < 20 ms); peer: ``DataTable.update_cell`` in
  the bare app;
- idle CPU with the 200 pods shown, the age tick running (goal < 2 %); peer: the bare app; and,
  for information, the same with every age in view moving each second (young pods listed);
- the log pane (``bench/logs.py`` in its own process: 1,000,000 lines, tail < 1 s,
  RSS < 150 MB, key p95 < 100 ms at 50,000 lines/s; peer ``podman logs --tail``);
- process start -> first frame of ``python -m tui`` on an empty folder with Podman
  reachable, on a pseudo-terminal (goal < 0.8 s), cold (page cache of Python's, the
  venv's and podtui's files evicted) and warm; peer: a bare Textual DataTable app;
- the real engine: 20 pods (40 containers) from manifests, then the app opened on them:
  first frame with all 20 Running, and idle CPU with Podman's events flowing (peer:
  ``podman pod ps`` and a ``podman events`` process following the same stream).

A "frame" is a compositor update handed to ``App._display``; headless Textual skips the
terminal encoding, so the probe encodes it (``render_segments``) as a terminal write would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import fcntl
import os
import pty
import random
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import sysconfig
import tempfile
import termios
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import tui.screen  # noqa: E402,F401 - the app's frame rate, before anything imports Textual

# isort: split

FPS = int(os.environ.get("TEXTUAL_FPS", "60"))

IMAGE = "localhost/podtui/busybox:latest"
BENCH_LABEL = "io.podtui.bench"
SIZE = (200, 60)
PODS = 200
REAL_PODS = 20
CHANGES = 100
#: changes arrive at random moments (as engine updates do), not right after a paint, so
#: they land at random phases of Textual's 60 Hz frame clock: a random pause of up to this
#: long precedes each one
ARRIVAL_SPREAD_S = 0.05
FRAME_RUNS = 5
STARTUP_WARM_RUNS = 5
FRAME_GOAL_S = 1.5
CHANGE_GOAL_MS = 20.0
IDLE_GOAL_PCT = 2.0
STARTUP_GOAL_S = 0.8
CONTAINERS_CONF = REPO / ".podtui" / "containers.conf"

# -- the pods ----------------------------------------------------------------------------------

APPS = ("web", "api", "worker", "cache", "db", "queue", "auth", "search", "report", "mailer")
NAMESPACES = ("default", "staging", "prod")


def rfc3339(moment: datetime) -> str:
    """Kubernetes' timestamp format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def container_status(
    name: str, state: dict[str, Any], *, ready: bool, restarts: int = 0, last: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One v1.ContainerStatus on the demo image."""
    status: dict[str, Any] = {
        "name": name,
        "state": state,
        "lastState": last or {},
        "ready": ready,
        "restartCount": restarts,
        "image": IMAGE,
        "imageID": "sha256:28281f87bc9c",
        "started": "running" in state,
    }
    if "waiting" not in state:
        status["containerID"] = "podman://" + uuid.uuid5(uuid.NAMESPACE_DNS, name).hex * 2
    return status


def bench_pod(index: int, now: datetime, folder: Path) -> dict[str, Any]:
    """Pod ``index`` of the 200: two containers, a realistic mix of states and ages."""
    app = APPS[index % len(APPS)]
    namespace = NAMESPACES[0] if index % 2 == 0 else NAMESPACES[1 + index % 4 // 2]
    name = f"{app}-{index:03d}"
    age = timedelta(seconds=(17 + index * 7919) % (30 * 86400)) if index % 5 else timedelta(seconds=5 + index)
    created = now - age
    started = {"running": {"startedAt": rfc3339(created + timedelta(seconds=1))}}
    kind = index % 20
    phase, ip = "Running", f"10.88.{index // 250}.{index % 250 + 2}"
    init: list[dict[str, Any]] = []
    if kind == 14:  # a crash loop in the main container
        crashed = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": rfc3339(now - timedelta(seconds=50)), "finishedAt": rfc3339(now - timedelta(seconds=40))}}
        waiting = {"waiting": {"reason": "CrashLoopBackOff", "message": f"back-off 40s restarting failed container=main pod={name}"}}
        statuses = [container_status("main", waiting, ready=False, restarts=6, last=crashed), container_status("sidecar", started, ready=True)]
    elif kind == 15:  # still creating
        phase = "Pending"
        creating = {"waiting": {"reason": "ContainerCreating"}}
        statuses = [container_status("main", creating, ready=False), container_status("sidecar", creating, ready=False)]
    elif kind == 16:  # an init container running
        phase = "Pending"
        init = [container_status("migrate", {"running": {"startedAt": rfc3339(now - timedelta(seconds=3))}}, ready=False)]
        initializing = {"waiting": {"reason": "PodInitializing"}}
        statuses = [container_status("main", initializing, ready=False), container_status("sidecar", initializing, ready=False)]
    elif kind == 17:  # a finished job
        phase, ip = "Succeeded", ""
        done = {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": rfc3339(created), "finishedAt": rfc3339(created + timedelta(seconds=20))}}
        statuses = [container_status("main", done, ready=False), container_status("sidecar", done, ready=False)]
    elif kind == 18:  # an image that cannot be pulled
        phase = "Pending"
        backoff = {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}
        statuses = [container_status("main", backoff, ready=False), container_status("sidecar", started, ready=True)]
    elif kind == 19:  # running, readiness failing
        statuses = [container_status("main", started, ready=False), container_status("sidecar", started, ready=True)]
    else:
        statuses = [container_status("main", started, ready=True, restarts=index % 7 // 5), container_status("sidecar", started, ready=True)]
    ready = all(s["ready"] for s in statuses)
    conditions = [
        {"type": kind_, "status": "True" if value else "False", "lastTransitionTime": rfc3339(created)}
        for kind_, value in (("PodReadyToStartContainers", True), ("Initialized", not init), ("Ready", ready), ("ContainersReady", ready), ("PodScheduled", True))
    ]
    main: dict[str, Any] = {"name": "main", "image": IMAGE, "command": ["sh", "-c", "sleep 3600"]}
    if app == "web":
        main["ports"] = [{"containerPort": 80, "hostPort": 20000 + index, "protocol": "TCP"}]
    spec: dict[str, Any] = {
        "containers": [main, {"name": "sidecar", "image": IMAGE, "command": ["sh", "-c", "tail -f /dev/null"]}],
        "restartPolicy": "Always",
        "nodeName": "podtui",
    }
    status: dict[str, Any] = {
        "phase": phase,
        "conditions": conditions,
        "hostIP": "127.0.0.1",
        "startTime": rfc3339(created),
        "containerStatuses": statuses,
        "qosClass": "BestEffort",
    }
    if init:
        spec["initContainers"] = [{"name": "migrate", "image": IMAGE}]
        status["initContainerStatuses"] = init
    if ip:
        status["podIP"], status["podIPs"] = ip, [{"ip": ip}]
    metadata = {
        "name": name,
        "namespace": namespace,
        "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{namespace}/{name}")),
        "creationTimestamp": rfc3339(created),
        "labels": {"app": app, "tier": "backend" if index % 3 else "frontend"},
        "annotations": {"podtui.io/manifest": str(folder / f"{name}.yaml")},
    }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


def restarted(pod: dict[str, Any], count: int, now: datetime) -> dict[str, Any]:
    """The same pod after its main container crashed for the ``count``-th time."""
    changed = copy.deepcopy(pod)
    changed["status"]["phase"] = "Running"
    changed["status"].pop("initContainerStatuses", None)  # past init: RESTARTS counts the main ones
    changed["spec"].pop("initContainers", None)
    main = changed["status"]["containerStatuses"][0]
    main["restartCount"] = count
    main["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": rfc3339(now - timedelta(seconds=3)), "finishedAt": rfc3339(now)}}
    main["state"] = {"waiting": {"reason": "CrashLoopBackOff"}} if count % 2 else {"running": {"startedAt": rfc3339(now)}}
    main["ready"] = not count % 2
    return changed


class BenchSession:
    """A session whose engine publishes the 200 pods through the engine's listener path."""

    pods: list[dict[str, Any]] = []

    def __init__(self, settings: Any) -> None:
        sys.path.insert(0, str(REPO / "tests" / "screen"))
        from fake_engine import FakeEngine  # the snapshot tests' fake: same updates as Engine

        self.settings = settings
        self.engine = FakeEngine(settings)
        self.engine.recorder.events = []
        self.role = "reconciler"

    async def start(self) -> None:
        """Connected, reconciling, then one PodChanged per pod (as the engine does on start)."""
        from tui.reconciler.updates import ConnectionChanged, PodChanged, RoleChanged

        engine = self.engine
        engine.connected, engine.version = True, "4.3.1"
        engine.publish(ConnectionChanged(True, "4.3.1", "unix:///run/podman/podman.sock", "system"))
        engine.publish(RoleChanged("reconciler", f"reconciling {self.settings.manifests_dir}"))
        for pod in self.pods:
            meta = pod["metadata"]
            engine.pods[(meta["namespace"], meta["name"])] = pod
            engine.publish(PodChanged(meta["namespace"], meta["name"], pod, True))

    async def close(self) -> None:
        """Nothing runs."""


# -- frames ------------------------------------------------------------------------------------


class FrameProbe:
    """Counts an app's frames and times the first one painted while a condition holds."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.frames = 0
        self._condition: Callable[[], bool] | None = None
        self._painted: asyncio.Future[float] | None = None
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # what a terminal would be sent
            self.frames += 1
            self._check()

        app._display = display  # on the instance: the app stays exactly what make_app built

    def expect(self, condition: Callable[[], bool]) -> asyncio.Future[float]:
        """A future resolved with the time of the first frame painted while ``condition()``."""
        self._condition = condition
        self._painted = asyncio.get_running_loop().create_future()
        return self._painted

    def _check(self) -> None:
        if self._painted is None or self._painted.done() or self._condition is None:
            return
        with contextlib.suppress(Exception):  # the screen may still be composing
            if self._condition():
                self._painted.set_result(time.perf_counter())


def rows_laid_out(table: Any, rows: int) -> bool:
    """All rows are in the table and its virtual size counts them (the frame shows them)."""
    return bool(table.row_count == rows and table.virtual_size.height >= rows)


def make_plain_app(columns: list[tuple[str, str]], rows: list[tuple[str, list[str]]]) -> Any:
    """The peer: a bare Textual app with one DataTable of the same rows."""
    from textual.app import App, ComposeResult
    from textual.message import Message
    from textual.widgets import DataTable

    class PlainTableApp(App[None]):
        BINDINGS = [("q", "quit", "Quit")]

        @dataclass
        class Change(Message):
            """Set one cell (what a pod change amounts to)."""

            key: str
            column: str
            value: str

        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for label, key in columns:
                table.add_column(label, key=key)
            for key, values in rows:
                table.add_row(*values, key=key)

        def on_plain_table_app_change(self, message: PlainTableApp.Change) -> None:
            self.query_one(DataTable).update_cell(message.key, message.column, message.value, update_width=True)

    return PlainTableApp()


@dataclass
class ScreenFigures:
    """What the 200-pod runs measured."""

    ours_frame_s: list[float] = field(default_factory=list)
    peer_frame_s: list[float] = field(default_factory=list)
    ours_change_ms: list[float] = field(default_factory=list)
    peer_change_ms: list[float] = field(default_factory=list)
    ours_idle_pct: float = 0.0
    peer_idle_pct: float = 0.0
    ours_idle_frames: int = 0
    peer_idle_frames: int = 0
    ours_rows_shown: int = 0
    peer_rows_shown: int = 0
    ours_handler_ms: list[float] = field(default_factory=list)
    ours_wait_ms: list[float] = field(default_factory=list)
    ours_paint_ms: list[float] = field(default_factory=list)
    ours_busy_idle_pct: float = 0.0
    ours_busy_idle_frames: int = 0
    ours_busy_rows: int = 0


async def idle_cpu(probe: FrameProbe, seconds: float) -> tuple[float, int]:
    """Process CPU time / wall time over an idle window, in percent, and frames painted."""
    frames = probe.frames
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    used = time.process_time() - cpu
    return 100 * used / (time.perf_counter() - wall), probe.frames - frames


async def ours_run(settings: Any, *, changes: int = 0, idle: float = 0.0, figures: ScreenFigures | None = None) -> tuple[float, list[tuple[str, list[str]]]]:
    """Open the app on the 200 pods; optionally time changes and idle CPU. Returns (s, rows)."""
    from tui.reconciler.updates import PodChanged
    from tui.screen.app import make_app
    from tui.screen.pod_table import COLUMNS

    app = make_app(settings, session_factory=BenchSession)
    probe = FrameProbe(app)
    started = time.perf_counter()
    painted = probe.expect(lambda: rows_laid_out(app.pods_screen.table, PODS))
    async with app.run_test(size=SIZE) as pilot:
        first = await asyncio.wait_for(painted, 30) - started
        table = app.pods_screen.table
        rows = [(key, [table.cell_text(key, column) for _, column in COLUMNS]) for key in table.visible_keys]
        if figures is not None and changes:
            await pilot.pause()
            engine = app.engine
            top = int(table.scroll_y)  # the cursor stays on the first pod shown: not row 0
            visible = table.visible_keys[top : top + table.size.height - 1]
            figures.ours_rows_shown = len(visible)
            by_key = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in BenchSession.pods}
            counts = dict.fromkeys(visible, 10)
            arrivals = random.Random(7)
            screen = app.pods_screen
            pod_updated = screen.pod_updated

            handled: list[float] = []
            update_began: list[float] = []

            def timed_pod_updated(entry: Any) -> None:
                began = time.perf_counter()
                pod_updated(entry)
                handled.append(time.perf_counter())
                figures.ours_handler_ms.append((handled[-1] - began) * 1000)

            screen.pod_updated = timed_pod_updated  # type: ignore[method-assign]
            # When Textual's screen update starts (a layout, or the dirty widgets' repaint):
            # splits "handled -> painted" into waiting for the frame clock and painting.
            refresh_layout, update_widgets = screen._refresh_layout, screen._compositor.update_widgets

            def timed_layout(*args: Any, **kwargs: Any) -> Any:
                update_began.append(time.perf_counter())
                return refresh_layout(*args, **kwargs)

            def timed_update(*args: Any, **kwargs: Any) -> Any:
                update_began.append(time.perf_counter())
                return update_widgets(*args, **kwargs)

            screen._refresh_layout = timed_layout  # type: ignore[method-assign]
            screen._compositor.update_widgets = timed_update  # type: ignore[method-assign]
            for step in range(changes):
                key = visible[step % len(visible)]
                counts[key] += 1
                count = counts[key]
                pod = restarted(by_key[key], count, datetime.now(UTC))
                meta = pod["metadata"]

                def shown(key: str = key, count: int = count) -> bool:
                    return table.cell_text(key, "restarts").split(" ")[0] == str(count)

                await asyncio.sleep(arrivals.uniform(0.0, ARRIVAL_SPREAD_S))
                painted = probe.expect(shown)
                sent = time.perf_counter()
                engine.publish(PodChanged(meta["namespace"], meta["name"], pod, True))
                done = await asyncio.wait_for(painted, 10)
                figures.ours_change_ms.append((done - sent) * 1000)
                began = next((t for t in update_began if handled[-1] <= t <= done), None)
                if began is not None:
                    figures.ours_wait_ms.append((began - handled[-1]) * 1000)
                    figures.ours_paint_ms.append((done - began) * 1000)
                update_began.clear()
        if figures is not None and idle:
            await pilot.pause()
            await asyncio.sleep(1.0)  # the window excludes startup
            figures.ours_idle_pct, figures.ours_idle_frames = await idle_cpu(probe, idle)
            # the same with every age in view moving each second: only the "web" pods
            # (all under four minutes old) listed, the youngest selected (its Status tab)
            table = app.pods_screen.table
            await pilot.press("slash", *"web", "enter")
            await pilot.press("g")
            await pilot.pause()
            figures.ours_busy_rows = len(table._keys_in_view())
            await asyncio.sleep(1.0)
            figures.ours_busy_idle_pct, figures.ours_busy_idle_frames = await idle_cpu(probe, idle)
    return first, rows


async def peer_run(rows: list[tuple[str, list[str]]], *, changes: int = 0, idle: float = 0.0, figures: ScreenFigures | None = None) -> float:
    """The bare DataTable app with the same rows: first frame, changes, idle."""
    from tui.screen.pod_table import COLUMNS

    columns = [(label, key) for label, key in COLUMNS]
    app = make_plain_app(columns, rows)
    probe = FrameProbe(app)
    started = time.perf_counter()
    from textual.widgets import DataTable

    painted = probe.expect(lambda: rows_laid_out(app.query_one(DataTable), len(rows)))
    async with app.run_test(size=SIZE) as pilot:
        first = await asyncio.wait_for(painted, 30) - started
        table = app.query_one(DataTable)
        if figures is not None and changes:
            await pilot.pause()
            top = int(table.scroll_y)
            visible = [key for key, _ in rows[top : top + table.size.height - 1]]
            figures.peer_rows_shown = len(visible)
            arrivals = random.Random(7)
            for step in range(changes):
                key = visible[step % len(visible)]
                value = f"{11 + step} (0s ago)"

                def shown(key: str = key, value: str = value) -> bool:
                    return str(table.get_cell(key, "restarts")) == value

                await asyncio.sleep(arrivals.uniform(0.0, ARRIVAL_SPREAD_S))
                painted = probe.expect(shown)
                sent = time.perf_counter()
                app.post_message(app.Change(key, "restarts", value))
                figures.peer_change_ms.append((await asyncio.wait_for(painted, 10) - sent) * 1000)
        if figures is not None and idle:
            await pilot.pause()
            await asyncio.sleep(1.0)
            figures.peer_idle_pct, figures.peer_idle_frames = await idle_cpu(probe, idle)
    return first


async def measure_screen(idle: float) -> ScreenFigures:
    """200 pods: first frames (ours and the peer alternately), then changes and idle."""
    from tui.config import Settings

    figures = ScreenFigures()
    with tempfile.TemporaryDirectory(prefix="podtui-bench-ui-") as tmp:
        folder = Path(tmp) / "manifests"
        folder.mkdir()
        settings = Settings.from_env(folder, env={}).with_changes(state_dir=Path(tmp) / "state", containers_conf=CONTAINERS_CONF)
        now = datetime.now(UTC)
        BenchSession.pods = [bench_pod(index, now, folder) for index in range(PODS)]
        for run in range(FRAME_RUNS):
            # the idle window and the changes get runs of their own: 100 fresh restarts
            # would make their rows' "(Ns ago)" tick every second during the idle window
            changes = CHANGES if run == FRAME_RUNS - 1 else 0
            quiet = idle if run == FRAME_RUNS - 2 else 0.0
            seconds, rows = await ours_run(settings, changes=changes, idle=quiet, figures=figures)
            figures.ours_frame_s.append(seconds)
            figures.peer_frame_s.append(await peer_run(rows, changes=changes, idle=quiet, figures=figures))
    return figures


# -- startup on a pseudo-terminal --------------------------------------------------------------

PEER_STARTUP = """
from textual.app import App
from textual.widgets import DataTable
class Peer(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield DataTable()
    def on_mount(self):
        self.query_one(DataTable).add_columns(*"NAMESPACE NAME READY STATUS RESTARTS AGE IP PORTS MANIFEST".split())
Peer().run()
"""


def evict_page_cache() -> int:
    """Drop the page cache of Python's, the venv's and podtui's files (a cold start)."""
    roots = {Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"]), REPO / "tui"}
    count = 0
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                with contextlib.suppress(OSError):
                    fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
                    try:
                        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                        count += 1
                    finally:
                        os.close(fd)
    return count


def pty_first_frame(argv: list[str], env: dict[str, str], marker: bytes, later: bytes | None = None, timeout: float = 30.0) -> tuple[float, float | None]:
    """Seconds from spawning ``argv`` on a 200x60 pseudo-terminal to the end of the burst of
    output holding ``marker`` (the first frame), and to the one holding ``later``; then ``q``."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO, start_new_session=True)
    os.close(slave)
    buffer, first, second = b"", None, None
    last_chunk = started
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.02)
            if not ready:
                # a frame is one write: the burst holding the marker has ended
                if first is None and marker in buffer:
                    first = last_chunk - started
                if first is not None and second is None and later is not None and later in buffer:
                    second = last_chunk - started
                if first is not None and (later is None or second is not None):
                    break
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            buffer += chunk
            last_chunk = time.perf_counter()
        os.write(master, b"q")
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finally:
        os.close(master)
    if first is None:
        raise RuntimeError(f"no first frame from {' '.join(argv)}: {buffer[-400:]!r}")
    return first, second


@dataclass
class StartupFigures:
    """Cold and warm starts, ours and the peer's."""

    ours_cold: float = 0.0
    ours_cold_connected: float | None = None
    ours_warm: list[float] = field(default_factory=list)
    ours_warm_connected: list[float] = field(default_factory=list)
    peer_cold: float = 0.0
    peer_warm: list[float] = field(default_factory=list)
    evicted: int = 0


def measure_startup(container_host: str) -> StartupFigures:
    """``python -m tui`` on an empty folder with Podman reachable, beside the bare app."""
    figures = StartupFigures()
    with tempfile.TemporaryDirectory(prefix="podtui-bench-start-") as tmp:
        folder = Path(tmp) / "manifests"
        folder.mkdir()
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "CONTAINER_HOST": container_host,
            "PODTUI_STATE_DIR": str(Path(tmp) / "state"),
            "PODTUI_CONTAINERS_CONF": str(CONTAINERS_CONF),
        }
        env.pop("TEXTUAL", None)
        ours = [sys.executable, "-m", "tui", "--manifests", str(folder)]
        peer = [sys.executable, "-c", PEER_STARTUP]
        figures.evicted = evict_page_cache()
        figures.ours_cold, figures.ours_cold_connected = pty_first_frame(ours, env, b"Pods(all)[0]", b"connected")
        evict_page_cache()
        figures.peer_cold, _ = pty_first_frame(peer, env, b"MANIFEST")
        for _ in range(STARTUP_WARM_RUNS):
            first, connected = pty_first_frame(ours, env, b"Pods(all)[0]", b"connected")
            figures.ours_warm.append(first)
            if connected is not None:
                figures.ours_warm_connected.append(connected)
            figures.peer_warm.append(pty_first_frame(peer, env, b"MANIFEST")[0])
    return figures


# -- Podman: 200 listed pods, 20 real pods ----------------------------------------------------


def podman_env() -> dict[str, str]:
    """The podman CLI with the project's containers.conf (as podtui runs it)."""
    return {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}


def timed_cli(argv: list[str], runs: int = 3) -> tuple[float, str]:
    """Median wall seconds of a command, and its last output."""
    times, out = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, env=podman_env(), capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        out = done.stdout
    return statistics.median(times), out


def remove_labelled(client: Any, label: str) -> None:
    """Kill and remove every pod and container carrying ``label`` (this run's), in parallel."""

    def kill(item: Any) -> None:
        with contextlib.suppress(Exception):  # best effort: gone already, or removed below
            item.stop(timeout=0)
        with contextlib.suppress(Exception):
            item.remove(force=True)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(kill, client.pods.list(filters={"label": label})))
        list(pool.map(kill, client.containers.list(all=True, filters={"label": label})))


def measure_pod_ps(client: Any, run_id: str) -> dict[str, float]:
    """``podman pod ps`` listing 200 pods of 2 created (not started) containers each."""
    label = f"{BENCH_LABEL}=ui-{run_id}"
    labels = {BENCH_LABEL: f"ui-{run_id}"}
    started = time.perf_counter()
    try:
        for index in range(PODS):
            pod = client.pods.create(name=f"bench-ui-{run_id}-{index:03d}", labels=labels, no_infra=True)
            for name in ("main", "sidecar"):
                client.containers.create(IMAGE, command=["sleep", "3600"], pod=pod.id, name=f"bench-ui-{run_id}-{index:03d}-{name}", labels=labels)
        created = time.perf_counter() - started
        seconds, out = timed_cli(["podman", "pod", "ps", "--filter", f"label={label}"])
        listed = len(out.strip().splitlines()) - 1
        assert listed == PODS, f"podman pod ps listed {listed} pods"
        return {"pod_ps_s": seconds, "created_s": created}
    finally:
        remove_labelled(client, label)


CRASHERS = 2  # the last pods of the 20 crash-loop, so Podman events flow while idle
REAL_BACKOFF = (1.0, 4.0)  # their restart back-off (PODTUI_BACKOFF=1:4): events every few seconds


def real_manifest(index: int, run_id: str) -> str:
    """Pod ``index`` of the 20: httpd with an HTTP readiness probe (every 5 s) and a logging
    sidecar; every fourth also has an exec liveness probe; the last ``CRASHERS`` pods' web
    container exits after 2 s instead (CrashLoopBackOff)."""
    liveness = (
        """
      livenessProbe:
        exec:
          command: ["cat", "/etc/hostname"]
        periodSeconds: 10"""
        if index % 4 == 0
        else ""
    )
    web = "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"
    if index >= REAL_PODS - CRASHERS:
        web = "echo starting; sleep 2; echo 'lost the database' >&2; exit 1"
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: bench-{index:02d}
  labels:
    app: bench-{index:02d}
    {BENCH_LABEL}: ui-{run_id}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: {IMAGE}
      imagePullPolicy: Never
      command: ["sh", "-c", "{web}"]
      readinessProbe:
        httpGet:
          path: /
          port: 8080
        periodSeconds: 5{liveness}
    - name: logger
      image: {IMAGE}
      imagePullPolicy: Never
      command: ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo tick $i; sleep 2; done"]
"""


def healthy(pods: dict[tuple[str, str], dict[str, Any]]) -> bool:
    """The pods that should run have both containers running, the others have started once."""
    found = crashed = 0
    for (_, name), pod in pods.items():
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        if not name.startswith("bench-") or len(statuses) != 2:
            continue
        if int(name.split("-")[1]) >= REAL_PODS - CRASHERS:
            crashed += any(s.get("name") == "web" and s.get("restartCount", 0) > 0 for s in statuses)
        elif all("running" in s.get("state", {}) for s in statuses):
            found += 1
    return found == REAL_PODS - CRASHERS and crashed == CRASHERS


@dataclass
class RealFigures:
    """The 20 real pods."""

    create_s: float = 0.0
    frame_s: float = 0.0
    pod_ps_s: float = 0.0
    idle_pct: float = 0.0
    idle_frames: int = 0
    engine_updates: int = 0
    podman_events: int = 0
    events_cpu_pct: float = 0.0


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a process (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_events(run_id: str, since: datetime, until: datetime) -> int:
    """Podman events of this run's pods between two moments (podman 4.3's --until returns
    nothing from the file event log, so the end is checked here)."""
    done = subprocess.run(
        ["podman", "events", "--stream=false", "--since", since.isoformat(),
         "--filter", f"label={BENCH_LABEL}=ui-{run_id}", "--format", "{{.Time}}"],
        env=podman_env(), capture_output=True, text=True, check=False, timeout=60,
    )
    count = 0
    for line in done.stdout.splitlines():  # 2026-11-25 15:00:35.004849073 +0000 UTC
        with contextlib.suppress(ValueError):
            count += datetime.fromisoformat(line[:26]).replace(tzinfo=UTC) <= until
    return count


async def measure_real(container_host: str, run_id: str, idle: float) -> RealFigures:
    """20 pods from manifests (a session creates them), then the app opened on the folder."""
    from tui.config import Settings
    from tui.screen.app import make_app
    from tui.session import Session

    figures = RealFigures()
    with tempfile.TemporaryDirectory(prefix="podtui-bench-real-") as tmp:
        folder = Path(tmp) / "manifests"
        folder.mkdir()
        settings = Settings.from_env(folder, env={}).with_changes(
            state_dir=Path(tmp) / "state",
            containers_conf=CONTAINERS_CONF,
            network=f"podtui-bench-ui-{run_id}",
            container_host=container_host,
            backoff_base=REAL_BACKOFF[0],
            backoff_cap=REAL_BACKOFF[1],
        )
        for index in range(REAL_PODS):
            (folder / f"bench-{index:02d}.yaml").write_text(real_manifest(index, run_id))
        started = time.perf_counter()
        session = Session(settings)
        await session.start()
        try:
            engine = session.engine
            assert await engine.wait_for(lambda: healthy(engine.pods), 240), "the pods' states"
            figures.create_s = time.perf_counter() - started
        finally:
            await session.close()  # pods keep running, as when podtui quits
        figures.pod_ps_s, _ = timed_cli(["podman", "pod", "ps", "--filter", f"label={BENCH_LABEL}=ui-{run_id}"])

        app = make_app(settings)
        probe = FrameProbe(app)

        def all_running() -> bool:
            table = app.pods_screen.table
            keys = [f"default/bench-{index:02d}" for index in range(REAL_PODS - CRASHERS)]
            return rows_laid_out(table, REAL_PODS) and all(
                table.cell_text(key, "status") == "Running" and table.cell_text(key, "ready") == "2/2" for key in keys
            )

        events = subprocess.Popen(
            ["podman", "events", "--filter", f"label={BENCH_LABEL}=ui-{run_id}", "--format", "{{.Status}}"],
            env=podman_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            started = time.perf_counter()
            painted = probe.expect(all_running)
            async with app.run_test(size=SIZE) as pilot:
                try:
                    figures.frame_s = await asyncio.wait_for(painted, 60) - started
                except TimeoutError:
                    table = app.pods_screen.table
                    shown = [f"{k} {table.cell_text(k, 'status')} {table.cell_text(k, 'ready')}" for k in table.visible_keys]
                    raise RuntimeError(f"the pods never showed Running 2/2: {shown}") from None
                await pilot.pause()
                await asyncio.sleep(1.0)
                updates: list[object] = []
                remove = app.engine.add_listener(updates.append)
                events_cpu = process_cpu_seconds(events.pid)
                wall, since = time.perf_counter(), datetime.now(UTC)
                figures.idle_pct, figures.idle_frames = await idle_cpu(probe, idle)
                figures.events_cpu_pct = 100 * (process_cpu_seconds(events.pid) - events_cpu) / (time.perf_counter() - wall)
                until = datetime.now(UTC)
                remove()
                figures.engine_updates = len(updates)
        finally:
            events.terminate()
            events.communicate(timeout=10)
        figures.podman_events = count_events(run_id, since, until)
    return figures


# -- the log pane ------------------------------------------------------------------------------


def run_logs_bench(no_podman: bool) -> tuple[list[str], int]:
    """``bench/logs.py`` in its own process (its RSS is its own); its lines and misses."""
    argv = [sys.executable, str(REPO / "bench" / "logs.py")] + (["--no-podman"] if no_podman else [])
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode:
        lines += [f"bench/logs.py exited {done.returncode}: {done.stderr.strip()[-500:]}"]
    misses = sum(line.startswith("MISS") for line in lines) + (1 if done.returncode else 0)
    return lines, misses


# -- report ------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(fraction * len(ordered))) - 1))]


class Report:
    """Prints figures and remembers which goals were missed."""

    def __init__(self) -> None:
        self.missed: list[str] = []

    def goal(self, label: str, value: float, goal: float, unit: str, detail: str) -> None:
        """One figure against its goal."""
        ok = value < goal
        if not ok:
            self.missed.append(label)
        print(f"  {'ok  ' if ok else 'MISS'} {label}: {value:.{2 if unit == 's' else 1}f} {unit} (goal < {goal:g} {unit}); {detail}")


def ratio(ours: float, peer: float) -> str:
    """``ours/peer``, safe for a zero peer."""
    return f"{ours / peer:.2f}x" if peer > 0 else "n/a (peer 0)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    parser.add_argument("--no-podman", action="store_true", help="skip everything that needs Podman")
    parser.add_argument("--idle", type=float, default=10.0, help="idle window in seconds (default 10)")
    args = parser.parse_args()
    report = Report()
    began = time.perf_counter()

    print(f"== {PODS} pods / {2 * PODS} containers through the engine's message path, headless {SIZE[0]}x{SIZE[1]}")
    screen = asyncio.run(measure_screen(args.idle))
    ours, peer = screen.ours_frame_s, screen.peer_frame_s
    print(f"  first full frame, {FRAME_RUNS} runs: ours {', '.join(f'{s * 1000:.0f}' for s in ours)} ms; peer (bare App + DataTable, same rows) {', '.join(f'{s * 1000:.0f}' for s in peer)} ms")
    report.goal(
        "app start -> first frame with 200 rows (worst run)", max(ours), FRAME_GOAL_S, "s",
        f"median {statistics.median(ours) * 1000:.0f} ms vs peer {statistics.median(peer) * 1000:.0f} ms = {ratio(statistics.median(ours), statistics.median(peer))}",
    )
    c50, c95 = statistics.median(screen.ours_change_ms), percentile(screen.ours_change_ms, 0.95)
    p50, p95 = statistics.median(screen.peer_change_ms), percentile(screen.peer_change_ms, 0.95)
    report.goal(
        f"one pod changed among 200 -> cell redrawn, p95 of {CHANGES}", c95, CHANGE_GOAL_MS, "ms",
        f"p50 {c50:.1f} ms, max {max(screen.ours_change_ms):.1f} ms; our handling of the message p50 "
        f"{statistics.median(screen.ours_handler_ms):.2f} / p95 {percentile(screen.ours_handler_ms, 0.95):.2f} ms, then waiting "
        f"for Textual's frame clock p50 {statistics.median(screen.ours_wait_ms):.1f} / p95 {percentile(screen.ours_wait_ms, 0.95):.1f} ms "
        f"(max {max(screen.ours_wait_ms):.1f}) and painting p50 {statistics.median(screen.ours_paint_ms):.1f} / p95 "
        f"{percentile(screen.ours_paint_ms, 0.95):.1f} ms; peer DataTable.update_cell p50 {p50:.1f} / p95 {p95:.1f} ms "
        f"= {ratio(c95, p95)} (p95; rows on screen: ours {screen.ours_rows_shown}, peer {screen.peer_rows_shown}; Textual paints at most {FPS} frames/s: {1000 / FPS:.1f} ms)",
    )
    report.goal(
        f"idle CPU, 200 pods shown, {args.idle:g} s", screen.ours_idle_pct, IDLE_GOAL_PCT, "%",
        f"{screen.ours_idle_frames} frames (age tick); peer bare DataTable {screen.peer_idle_pct:.2f} % ({screen.peer_idle_frames} frames) = {ratio(screen.ours_idle_pct, screen.peer_idle_pct)}",
    )
    print(
        f"  info idle CPU with every age in view moving each second ({screen.ours_busy_rows} rows of pods under "
        f"four minutes old, the youngest's Status tab), {args.idle:g} s: {screen.ours_busy_idle_pct:.1f} % "
        f"({screen.ours_busy_idle_frames} frames; no goal of its own)"
    )

    run_id = uuid.uuid4().hex[:6]
    endpoint = client = None
    if not args.no_podman and shutil.which("podman"):
        from tui.config import Settings
        from tui.podman.client import connect
        from tui.podman.service import start_embedded, stop_embedded

        tmp = Path(tempfile.mkdtemp(prefix="podtui-bench-svc-"))
        settings = Settings.from_env(tmp / "manifests", env={}).with_changes(state_dir=tmp / "state", containers_conf=CONTAINERS_CONF)
        endpoint = start_embedded(settings)
        client = connect(endpoint)
    try:
        if client is not None:
            listing = measure_pod_ps(client, run_id)
            print(
                f"  peer `podman pod ps` listing {PODS} pods / {2 * PODS} containers (created, not started): "
                f"{listing['pod_ps_s'] * 1000:.0f} ms; ours / podman pod ps = {ratio(statistics.median(ours), listing['pod_ps_s'])} "
                f"(creating them took {listing['created_s']:.1f} s)"
            )

        print("== log pane (bench/logs.py, its own process)")
        lines, misses = run_logs_bench(args.no_podman or client is None)
        for line in lines:
            print(f"  | {line}")
        if misses:
            report.missed.append(f"bench/logs.py ({misses} missed)")

        if endpoint is not None:
            print("== startup: process start -> first frame, `python -m tui` on an empty folder, Podman reachable, 200x60 pty")
            start = measure_startup(endpoint.url)
            warm, peer_warm = statistics.median(start.ours_warm), statistics.median(start.peer_warm)
            connected = statistics.median(start.ours_warm_connected) if start.ours_warm_connected else float("nan")
            print(f"  cold = page cache of {start.evicted:,} files (stdlib, venv, tui/) evicted first; warm = median of {STARTUP_WARM_RUNS}")
            report.goal(
                "cold start -> first frame", start.ours_cold, STARTUP_GOAL_S, "s",
                f"peer bare Textual DataTable app cold {start.peer_cold * 1000:.0f} ms = {ratio(start.ours_cold, start.peer_cold)}; "
                f"header says connected after {(start.ours_cold_connected or float('nan')) * 1000:.0f} ms",
            )
            report.goal(
                "warm start -> first frame", warm, STARTUP_GOAL_S, "s",
                f"peer warm {peer_warm * 1000:.0f} ms = {ratio(warm, peer_warm)}; connected after {connected * 1000:.0f} ms",
            )

            print(f"== real engine: {REAL_PODS} pods / {2 * REAL_PODS} containers from manifests, then the app opened on them")
            real = asyncio.run(measure_real(endpoint.url, run_id, args.idle))
            print(f"  a session created them: all running (the crash-loopers restarted once) after {real.create_s:.1f} s")
            print(
                f"  app start -> first frame with {REAL_PODS} rows ({REAL_PODS - CRASHERS} Running 2/2, {CRASHERS} crash-looping): {real.frame_s * 1000:.0f} ms; "
                f"peer `podman pod ps` of them {real.pod_ps_s * 1000:.0f} ms = {ratio(real.frame_s, real.pod_ps_s)}"
            )
            print(
                f"  info idle CPU, real engine attached, {REAL_PODS} pods, {args.idle:g} s: {real.idle_pct:.1f} % "
                f"(no goal of its own; the 2 % goal is the 200-pod case's); {real.podman_events} podman events and "
                f"{real.engine_updates} engine updates in the window, {real.idle_frames} frames; peer `podman events` "
                f"following the same pods {real.events_cpu_pct:.2f} % = {ratio(real.idle_pct, real.events_cpu_pct)}"
            )
    finally:
        if client is not None:
            remove_labelled(client, f"{BENCH_LABEL}=ui-{run_id}")
            with contextlib.suppress(Exception):
                client.networks.get(f"podtui-bench-ui-{run_id}").remove(force=True)
            client.close()
        if endpoint is not None:
            stop_embedded(endpoint)

    print(f"== {len(report.missed)} goal(s) missed{': ' + '; '.join(report.missed) if report.missed else ''} ({time.perf_counter() - began:.0f} s)")
    return 1 if (args.check and report.missed) else 0


if __name__ == "__main__":
    sys.exit(main())
