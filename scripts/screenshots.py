"""Screenshots of the real app with real pods: ``make screenshots``.

Starts a private Podman service, writes a few demo pods into a temporary manifests folder
(a web server with a hostPort, a pod with a sidecar, a crash loop, a pod stuck in its init
container, a pod reading a ConfigMap and a Secret, and a new file with a mistake), waits on the engine's updates until
the screen shows each intended state, then drives the app headless (160x45, Pilot) and
saves SVG screenshots with ``save_screenshot``; each SVG is converted to PNG with
``rsvg-convert`` (Debian: ``apt-get install -y librsvg2-bin``). The pods are removed at
the end, through the app (their manifests are deleted and the reconciler deletes them).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from tui.config import DEMO_IMAGE, Settings  # noqa: E402
from tui.podman.service import Endpoint, start_embedded, stop_embedded  # noqa: E402
from tui.screen.app import PodtuiApp, make_app  # noqa: E402
from tui.screen.describe_screen import DescribeScreen  # noqa: E402
from tui.screen.events_tab import EventsTable  # noqa: E402
from tui.screen.help_screen import HelpScreen  # noqa: E402
from tui.screen.invalid_files import InvalidFilesScreen  # noqa: E402
from tui.screen.log_view import LogView  # noqa: E402
from tui.screen.manifest_editor import ManifestEditorScreen  # noqa: E402
from tui.screen.pod_form import NewPodScreen  # noqa: E402

OUT = REPO / "screenshots"
SIZE = (160, 45)
TIMEOUT = 120.0
INSTALL_HINT = "apt-get install -y librsvg2-bin"


def manifests(port: int) -> dict[str, str]:
    """The demo pods, by file name."""
    return {
        "web.yaml": f"""\
# busybox httpd serving a page from a ConfigMap, published on 127.0.0.1:{port}
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-content
data:
  index.html: |
    <h1>Hello from podtui</h1>
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
    tier: frontend
spec:
  terminationGracePeriodSeconds: 2
  containers:
    - name: httpd
      image: {DEMO_IMAGE}
      imagePullPolicy: IfNotPresent
      command: ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"]
      ports:
        - name: http
          containerPort: 8080
          hostPort: {port}
      readinessProbe:
        httpGet:
          path: /index.html
          port: http
        periodSeconds: 5
      volumeMounts:
        - name: content
          mountPath: /www
          readOnly: true
  volumes:
    - name: content
      configMap:
        name: web-content
""",
        "logger.yaml": f"""\
# An app writing a log file and a native sidecar (restartPolicy: Always) tailing it.
apiVersion: v1
kind: Pod
metadata:
  name: logger
  labels:
    app: logger
spec:
  terminationGracePeriodSeconds: 2
  volumes:
    - name: logs
      emptyDir: {{}}
  initContainers:
    - name: tailer
      image: {DEMO_IMAGE}
      imagePullPolicy: IfNotPresent
      restartPolicy: Always
      command: ["sh", "-c", "trap 'exit 0' TERM; touch /logs/app.log; tail -f /logs/app.log & wait"]
      volumeMounts:
        - name: logs
          mountPath: /logs
  containers:
    - name: app
      image: {DEMO_IMAGE}
      imagePullPolicy: IfNotPresent
      command:
        - sh
        - -c
        - trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo "$(date -Iseconds) GET /api/items/$i 200 $((i % 7 + 3))ms" >> /logs/app.log; echo "served request $i"; sleep 1; done
      volumeMounts:
        - name: logs
          mountPath: /logs
""",
        "flaky.yaml": f"""\
# Fails right after starting: CrashLoopBackOff, restarts and the back-off, as on a cluster.
apiVersion: v1
kind: Pod
metadata:
  name: flaky
  labels:
    app: flaky
spec:
  restartPolicy: Always
  containers:
    - name: worker
      image: {DEMO_IMAGE}
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "echo starting; echo 'cannot reach the queue' >&2; exit 1"]
""",
        "migrate.yaml": f"""\
# An init container waiting for a database that is not there: the pod stays Init:0/1.
apiVersion: v1
kind: Pod
metadata:
  name: migrate
  labels:
    app: migrate
spec:
  terminationGracePeriodSeconds: 2
  initContainers:
    - name: wait-for-db
      image: {DEMO_IMAGE}
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "trap 'exit 0' TERM; until nc -z -w 1 db 5432; do echo waiting for db; sleep 2; done"]
  containers:
    - name: migrate
      image: {DEMO_IMAGE}
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "echo migrated; sleep 3600"]
""",
        "greeter.yaml": f"""\
# Environment from a ConfigMap and a Secret (the value is masked on screen).
apiVersion: v1
kind: Secret
metadata:
  name: greeter-token
type: Opaque
stringData:
  token: not-a-real-secret
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: greeter-settings
data:
  GREETING: hello
---
apiVersion: v1
kind: Pod
metadata:
  name: greeter
  labels:
    app: greeter
spec:
  terminationGracePeriodSeconds: 2
  containers:
    - name: greeter
      image: {DEMO_IMAGE}
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "trap 'exit 0' TERM; while true; do echo \\"$GREETING (token is ${{#TOKEN}} bytes)\\"; sleep 5; done"]
      envFrom:
        - configMapRef:
            name: greeter-settings
      env:
        - name: TOKEN
          valueFrom:
            secretKeyRef:
              name: greeter-token
              key: token
""",
        "worker.yaml": """\
# a new file with a mistake: no pod is created, the list's title counts it (:problems)
apiVersion: v1
kind: Pod
metadata:
  name: worker
spec:
  containers:
    - name: worker
      command: ["sh", "-c", "sleep 3600"]
""",
    }


def say(text: str) -> None:
    """Progress, on stderr."""
    print(f"==> {text}", file=sys.stderr, flush=True)


def converter() -> str:
    """``rsvg-convert``, or exit saying how to install it."""
    found = shutil.which("rsvg-convert")
    if found is None:
        print(f"rsvg-convert is missing (SVG -> PNG); install it with:  {INSTALL_HINT}", file=sys.stderr)
        sys.exit(1)
    return found


def to_png(rsvg: str, svg: Path, png: Path) -> None:
    """Convert with rsvg-convert; librsvg needs ``xml:space="preserve"`` to keep the
    leading spaces of Textual's text runs (the SVG file itself is left as Textual wrote it)."""
    text = svg.read_text(encoding="utf-8").replace("<svg ", '<svg xml:space="preserve" ', 1)
    subprocess.run([rsvg, "--background-color", "#000000", "-o", str(png)], input=text.encode(), check=True)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for the web pod's hostPort)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Let the app run until ``predicate()`` holds, woken by each engine update."""
    say(f"waiting for {what}")
    app = pilot.app
    assert isinstance(app, PodtuiApp)
    changed = asyncio.Event()
    remove: Callable[[], None] | None = None
    listening: object = None
    deadline = time.monotonic() + timeout
    try:
        while True:
            await pilot.pause()
            if predicate():
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
            engine = app.engine
            if engine is not None and engine is not listening:
                if remove is not None:
                    remove()
                remove, listening = engine.add_listener(lambda _update: changed.set()), engine
            changed.clear()
            with contextlib.suppress(TimeoutError):  # a bound on each wait, not a sleep
                await asyncio.wait_for(changed.wait(), 0.5)
    finally:
        if remove is not None:
            remove()


def cell(app: PodtuiApp, name: str, column: str) -> str | None:
    """What a pod's row shows in a column (None while it has no row)."""
    table = app.pods_screen.table
    key = f"default/{name}"
    return table.cell_text(key, column) if key in table.rows else None


def restarts(app: PodtuiApp, name: str) -> int:
    """The pod's restart count, from its RESTARTS cell."""
    text = cell(app, name, "restarts") or "0"
    return int(text.split()[0])


def intended_states(app: PodtuiApp) -> bool:
    """Every demo pod shows the state its screenshot is about."""
    return (
        cell(app, "web", "ready") == "1/1"
        and cell(app, "logger", "ready") == "2/2"
        and cell(app, "greeter", "status") == "Running"
        and cell(app, "migrate", "status") == "Init:0/1"
        and cell(app, "flaky", "status") == "CrashLoopBackOff"
        and restarts(app, "flaky") >= 2
        and len(app.invalid_files()) == 1
    )


class Shooter:
    """Saves screenshots of one app, numbered in the order they are taken."""

    def __init__(self, app: PodtuiApp, pilot: Pilot[int], out: Path) -> None:
        self.app, self.pilot, self.out = app, pilot, out
        self.saved: list[tuple[Path, str]] = []

    async def shoot(self, name: str, what: str) -> None:
        """Settle the screen (no blinking cursors), then save ``NN-name.svg``."""
        for widget in self.app.screen.query(Input):
            widget.cursor_blink = False
        for area in self.app.screen.query(TextArea):
            area.cursor_blink = False
        await self.pilot.pause()
        filename = f"{len(self.saved) + 1:02d}-{name}.svg"
        self.app.save_screenshot(filename, str(self.out))
        self.saved.append((self.out / filename, what))
        say(f"saved {filename}")


async def select(pilot: Pilot[int], app: PodtuiApp, name: str) -> None:
    """Put the cursor on a pod."""
    assert app.pods_screen.table.select(f"default/{name}"), name
    await pilot.pause()


async def drive(app: PodtuiApp, pilot: Pilot[int], out: Path, folder: Path) -> list[tuple[Path, str]]:
    """Walk through the screens and take the pictures."""
    shooter = Shooter(app, pilot, out)
    await wait_until(pilot, lambda: intended_states(app), "the demo pods' states")

    await select(pilot, app, "web")
    await shooter.shoot("pods", "the pod list (all five demo pods) with the web pod's Status tab")

    await select(pilot, app, "logger")
    await pilot.press("l")

    def log_lines() -> int:
        views = list(app.query(LogView))
        return views[0].line_count if views else 0

    await wait_until(pilot, lambda: log_lines() >= 12, "a dozen log lines from the logger pod")
    await shooter.shoot("logs", "the Logs tab of the logger pod: the app and its sidecar, interleaved")
    await pilot.press("escape")  # back to the pod list
    await wait_until(pilot, lambda: app.focused is app.pods_screen.table, "the pod list's focus")

    await select(pilot, app, "web")
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(app.screen, ManifestEditorScreen), "the editor")
    editor = app.screen
    assert isinstance(editor, ManifestEditorScreen)
    area = editor.text_area
    row = next(n for n, line in enumerate(area.text.splitlines()) if "hostPort:" in line)
    area.move_cursor((row, len(area.document.get_line(row))))
    await pilot.press(*["backspace"] * len(str(area.document.get_line(row)).split(":")[1].strip()))
    await pilot.press(*"70000")
    await wait_until(
        pilot,
        lambda: editor.checked_version == editor.version and any(p.is_error for p in editor.problems),
        "the editor's validation",
    )
    await shooter.shoot("editor", "the manifest editor on web.yaml with a validation error (hostPort 70000)")
    await pilot.press("escape")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmLeave", "the leave question")
    await pilot.press("d")  # discard: nothing is written
    await wait_until(pilot, lambda: app.screen is app.pods_screen, "the pod list")

    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, NewPodScreen), "the new-pod screen")
    form = app.screen
    assert isinstance(form, NewPodScreen)
    form.show_form()
    await pilot.press(*"api")
    await wait_until(pilot, lambda: form.check is not None and "name: api" in form.preview_text, "the form's preview")
    await shooter.shoot("new-pod", "the new-pod form with its live YAML preview")
    await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is app.pods_screen, "the pod list")

    await select(pilot, app, "flaky")
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, DescribeScreen), "describe")
    await shooter.shoot("describe", "describe of the crash-looping pod (kubectl describe layout)")
    await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is app.pods_screen, "the pod list")

    await pilot.press("4")
    await wait_until(
        pilot,
        lambda: any(table.row_count >= 3 for table in app.query(EventsTable)),
        "the crash loop's events",
    )
    await shooter.shoot("events", "the Events tab of the crash-looping pod (BackOff warnings)")

    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
    await shooter.shoot("help", "help: every key, by panel")
    await pilot.press("escape")

    app.run_jump("problems")
    await wait_until(pilot, lambda: isinstance(app.screen, InvalidFilesScreen), ":problems")
    await shooter.shoot("problems", ":problems: the invalid new file worker.yaml and its first problem")
    await pilot.press("escape")
    return shooter.saved


async def remove_pods(app: PodtuiApp, pilot: Pilot[int], folder: Path) -> None:
    """Delete the manifests; the app's reconciler deletes the pods and their objects."""
    for path in folder.glob("*.yaml"):
        path.unlink()
    engine = app.engine
    if engine is not None:
        await wait_until(pilot, lambda: not engine.pods, "the demo pods to be deleted")


def kill_leftovers(endpoint: Endpoint, settings: Settings) -> None:
    """Whatever the reconciler did not remove (a failed run): everything carrying this
    folder's label, then the network."""
    from tui.podman.client import connect
    from tui.reconciler.pod_plan import LABEL_FOLDER, folder_id

    folder = folder_id(settings.manifests_dir)
    selector = {"label": f"{LABEL_FOLDER}={folder}"}
    client = connect(endpoint)
    try:
        for pod in client.pods.list(filters=selector):
            with contextlib.suppress(Exception):  # gone meanwhile
                pod.remove(force=True)
        for container in client.containers.list(all=True, filters=selector):
            with contextlib.suppress(Exception):
                container.remove(force=True)
        for listed in client.secrets.list():  # no filters, no labels in a listing: inspect
            with contextlib.suppress(Exception):
                secret = client.secrets.get(listed.id)
                if ((secret.attrs.get("Spec") or {}).get("Labels") or {}).get(LABEL_FOLDER) == folder:
                    secret.remove()
        with contextlib.suppress(Exception):  # the engine may not have created it
            client.networks.get(settings.network).remove(force=True)
    finally:
        client.close()


async def run(settings: Settings, out: Path, endpoint: Endpoint) -> list[tuple[Path, str]]:
    """The app on the demo folder, until every picture is taken and the pods are gone."""
    app = make_app(settings)
    saved: list[tuple[Path, str]] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            try:
                saved = await drive(app, pilot, out, settings.manifests_dir)
            finally:
                await remove_pods(app, pilot, settings.manifests_dir)
    finally:
        kill_leftovers(endpoint, settings)
    return saved


def main() -> int:
    """Write screenshots/*.svg and *.png; print what was written."""
    started = time.monotonic()
    rsvg = converter()
    # a stop request must still run the clean-up below (pods, the private service)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="podtui-shots-") as tmp:
        root = Path(tmp)
        folder = root / "manifests"
        folder.mkdir()
        for name, text in manifests(free_port()).items():
            (folder / name).write_text(text)
        base = Settings.from_env(folder, env={}).with_changes(
            state_dir=root / "state",
            containers_conf=REPO / ".podtui" / "containers.conf",
            network=f"podtui-shots-{root.name[-8:].lower()}",
        )
        say("starting a private Podman service")
        endpoint = start_embedded(base)
        try:
            settings = base.with_changes(container_host=endpoint.url)
            saved = asyncio.run(run(settings, OUT, endpoint))
        finally:
            stop_embedded(endpoint)
    written: list[Path] = []
    for svg, what in saved:
        png = svg.with_suffix(".png")
        to_png(rsvg, svg, png)
        written += [svg, png]
        print(f"{svg.relative_to(REPO)}  {png.name}  - {what}")
    print(f"{len(written)} files written in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
