"""The Status tab: phase, conditions, each container's state and probes, image pulls.

Everything is computed from the v1.Pod object (what ``kubectl get -o yaml`` would show),
laid out for reading rather than for copying; pulls show as progress bars while an image
of this pod is being fetched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label, ProgressBar

from tui.screen.age_clock import earliest, next_age_change
from tui.screen.pod_table import STATUS_STYLES, PodEntry
from tui.status.kubectl_columns import status_color
from tui.status.timestamps import as_utc, parse_rfc3339, since

LABEL_STYLE = "bold #8fb0d0"


def normalise_image(image: str) -> str:
    """``busybox`` -> ``busybox:latest`` (digests and explicit tags are kept)."""
    last = image.rsplit("/", 1)[-1]
    if "@" in image or ":" in last:
        return image
    return f"{image}:latest"


def image_matches(reference: str, image: str) -> bool:
    """Whether a pull of ``reference`` fetches the pod's ``image`` (short names match too)."""
    ref, wanted = normalise_image(reference), normalise_image(image)
    return ref == wanted or ref.endswith("/" + wanted)


def pod_images(pod: Mapping[str, Any]) -> list[str]:
    """Every image the pod's containers (init containers included) use."""
    spec = pod.get("spec") or {}
    found: list[str] = []
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        image = str(container.get("image") or "")
        if image and image not in found:
            found.append(image)
    return found


def _probe_text(kind: str, probe: Mapping[str, Any]) -> str:
    """``liveness http-get :http/healthz delay=0s timeout=1s period=5s #failure=3``."""
    if "httpGet" in probe:
        action = probe["httpGet"]
        how = f"http-get {action.get('scheme', 'HTTP').lower()}://:{action.get('port')}{action.get('path', '/')}"
    elif "tcpSocket" in probe:
        how = f"tcp-socket :{probe['tcpSocket'].get('port')}"
    elif "exec" in probe:
        how = "exec " + " ".join(str(part) for part in probe["exec"].get("command") or [])
    elif "grpc" in probe:
        how = f"grpc :{probe['grpc'].get('port')}"
    else:
        how = "?"
    return (
        f"{kind} {how} delay={probe.get('initialDelaySeconds', 0)}s "
        f"timeout={probe.get('timeoutSeconds', 1)}s period={probe.get('periodSeconds', 10)}s "
        f"#success={probe.get('successThreshold', 1)} #failure={probe.get('failureThreshold', 3)}"
    )


def _state_text(state: Mapping[str, Any] | None, now: datetime) -> Text:
    if not state:
        return Text("-", style="dim")
    if "running" in state:
        started = state["running"].get("startedAt")
        return Text.assemble(("Running", STATUS_STYLES["running"]), f" since {since(started, now)}")
    if "waiting" in state:
        waiting = state["waiting"]
        reason = str(waiting.get("reason") or "Waiting")
        text = Text(reason, style=STATUS_STYLES[status_color(reason)])
        if waiting.get("message"):
            text.append(f": {waiting['message']}", style="dim")
        return text
    if "terminated" in state:
        ended = state["terminated"]
        reason = str(ended.get("reason") or "Terminated")
        text = Text(f"Terminated: {reason}", style=STATUS_STYLES[status_color(reason)])
        text.append(f" (exit {ended.get('exitCode', '?')})")
        if ended.get("finishedAt"):
            text.append(f" {since(ended['finishedAt'], now)} ago", style="dim")
        if ended.get("message"):
            text.append(f": {ended['message']}", style="dim")
        return text
    return Text("-", style="dim")


def terminating(pod: Mapping[str, Any], now: datetime) -> tuple[Text | None, datetime | None]:
    """``Terminating: grace 30s, 12s left`` for a pod being deleted, and when it next reads
    differently (a process that ignores SIGTERM, like busybox's httpd or sleep as PID 1, is
    only killed when the grace period runs out: the wait is worth showing)."""
    metadata = pod.get("metadata") or {}
    deadline = parse_rfc3339(metadata.get("deletionTimestamp"))
    phase = (pod.get("status") or {}).get("phase")
    if deadline is None or phase in ("Succeeded", "Failed"):
        return None, None
    grace = metadata.get("deletionGracePeriodSeconds")
    text = Text("Terminating: ", style=STATUS_STYLES["pending"])
    text.append(f"grace {grace}s" if grace is not None else "grace period")
    left = math.ceil((deadline - as_utc(now)).total_seconds())
    if left >= 1:
        text.append(f", {left}s left", style="bold")
        text.append("  (then SIGKILL)", style="dim")
        return text, deadline - timedelta(seconds=left - 1)
    text.append(" over: the containers are being killed", style="bold")
    return text, None


def _pairs(rows: list[tuple[str, RenderableType]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style=LABEL_STYLE, no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(Text(label), Text(value) if isinstance(value, str) else value)
    return table


def status_renderable(entry: PodEntry, now: datetime) -> RenderableType:
    """The whole tab (minus pull bars) for one pod."""
    pod = entry.pod
    status = pod.get("status") or {}
    spec = pod.get("spec") or {}
    phase = "Unknown" if entry.offline else str(status.get("phase") or "Unknown")
    shown = "Unknown" if entry.offline else entry.status_text
    parts: list[RenderableType] = []
    summary = Text.assemble(
        (f"{entry.namespace}/{entry.name}", "bold"),
        "  ",
        (shown, STATUS_STYLES[status_color(shown)]),
        ("  (read-only: not created by podtui)" if entry.read_only else "", "dim italic"),
    )
    parts.append(summary)
    if entry.offline:
        parts.append(Text("Podman cannot be reached: last known state", style="#b080d0"))
    leaving, _ = terminating(pod, now)
    if leaving is not None and not entry.offline:
        parts.append(leaving)
    if entry.problem:
        parts.append(Text(f"⚠ manifest invalid (the pod keeps running): {entry.problem}", style="bold #e0c040"))
    parts.append(
        _pairs(
            [
                ("Phase", phase),
                ("Pod IP", str(status.get("podIP") or "<none>")),
                ("Started", f"{since(status.get('startTime'), now)} ago" if status.get("startTime") else "-"),
                ("QoS", str(status.get("qosClass") or "-")),
                ("Manifest", entry.manifest or "-"),
            ]
        )
    )
    conditions = Table(title="Conditions", title_justify="left", title_style=LABEL_STYLE, box=None, padding=(0, 2, 0, 0))
    for header in ("TYPE", "STATUS", "REASON", "LAST TRANSITION", "MESSAGE"):
        conditions.add_column(header, style="", header_style="bold", no_wrap=header != "MESSAGE")
    for condition in status.get("conditions") or []:
        value = str(condition.get("status") or "")
        conditions.add_row(
            Text(str(condition.get("type") or "")),
            Text(value, style=STATUS_STYLES["running"] if value == "True" else STATUS_STYLES["error"]),
            Text(str(condition.get("reason") or "")),
            Text(f"{since(condition.get('lastTransitionTime'), now)} ago" if condition.get("lastTransitionTime") else "-"),
            Text(str(condition.get("message") or "")),
        )
    parts.append(Text(""))
    parts.append(conditions)
    statuses = {
        str(item.get("name")): item
        for item in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]
    }
    init_names = {str(item.get("name")) for item in spec.get("initContainers") or []}
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        name = str(container.get("name"))
        item = statuses.get(name, {})
        kind = "init" if name in init_names else "container"
        if name in init_names and container.get("restartPolicy") == "Always":
            kind = "sidecar"
        rows: list[tuple[str, RenderableType]] = [
            ("Image", str(container.get("image") or "")),
            ("State", _state_text(item.get("state"), now)),
            ("Last State", _state_text(item.get("lastState"), now)),
            ("Ready", str(bool(item.get("ready"))).lower()),
            ("Restarts", str(item.get("restartCount", 0))),
        ]
        probes = [
            _probe_text(kind_name, container[field])
            for kind_name, field in (("startup", "startupProbe"), ("liveness", "livenessProbe"), ("readiness", "readinessProbe"))
            if isinstance(container.get(field), Mapping)
        ]
        rows.append(("Probes", "\n".join(probes) if probes else "-"))
        parts.append(Text(""))
        parts.append(Text.assemble((f"{name}", "bold"), (f"  ({kind})", "dim")))
        parts.append(_pairs(rows))
    return Group(*parts)


class PullBar(Vertical):
    """One image being pulled: its name and a progress bar (bytes, or layers)."""

    DEFAULT_CSS = """
    PullBar { height: auto; }
    PullBar Label { color: $text-muted; }
    """

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference

    def compose(self) -> ComposeResult:
        yield Label(f"pulling {self.reference}", markup=False)
        yield ProgressBar(show_eta=False)

    def show(self, done: int, total: int, layers: str) -> None:
        """Move the bar."""
        self.query_one(Label).update(f"pulling {self.reference}  {layers}")
        self.query_one(ProgressBar).update(total=total or None, progress=done)


class StatusBody(Widget):
    """The status text, rendered into lines once per change.

    A ``Static`` renders a new renderable twice (to measure, then to paint) and lays the
    whole screen out again on every update, even when the text came out the same (the age
    tick) or only a word changed. Here a change is rendered once, when it is painted (a
    burst of changes renders only the last), the screen is laid out again only when the
    number of lines changes, and the age tick repaints nothing when the text reads the same.
    """

    DEFAULT_CSS = """
    StatusBody { height: auto; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._renderable: RenderableType = ""
        self._stale = True  # the renderable is newer than the lines
        self._lines: list[list[Segment]] = []
        self._strips: list[Strip] = []
        self._width = -1

    @property
    def painted(self) -> bool:
        """The latest text has been rendered (for tests)."""
        return not self._stale

    @property
    def text(self) -> str:
        """What the body shows, as plain text (for tests)."""
        if self._stale and self._width >= 0:
            self._render_lines_at(self._width)
        return "\n".join(strip.text.rstrip() for strip in self._strips)

    def show(self, renderable: RenderableType, *, only_if_changed: bool = False) -> None:
        """Show a renderable, rendered when painted; ``only_if_changed`` renders it now and
        repaints nothing when it reads the same (the age tick)."""
        self._renderable = renderable
        self._stale = True
        if only_if_changed and self._width >= 0:
            self._render_lines_at(self._width, repaint=True)
        else:
            self.refresh()

    def _render_lines_at(self, width: int, *, repaint: bool = False) -> None:
        """Render at ``width``; a different number of lines needs a layout."""
        console = self.app.console
        options = self.app.console_options.update(highlight=False, width=width)
        renderable = self.post_render(self._renderable, self.visual_style.rich_style)
        lines = list(
            Segment.split_and_crop_lines(
                console.render(renderable, options), width, include_new_lines=False, pad=False
            )
        )
        self._width, self._stale = width, False
        if lines == self._lines:
            return
        count_changed = len(lines) != len(self._lines)
        self._lines = lines
        self._strips = [Strip(line) for line in lines]
        if count_changed:
            self.call_later(self.refresh, layout=True)  # never lay out from inside a paint
        elif repaint:
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as lines at this width."""
        if self._stale or width != self._width:
            self._render_lines_at(width)
        return len(self._strips)

    def notify_style_update(self) -> None:
        """A theme change: the lines carry the old colours."""
        super().notify_style_update()
        self._stale = True

    def render_line(self, y: int) -> Strip:
        """One rendered line (rendering first when the text changed or the width did)."""
        if self._stale or self.size.width != self._width:
            self._render_lines_at(self.size.width)
        if y < len(self._strips):
            return self._strips[y]  # Textual pads it to the width, as it does a Static's
        return Strip.blank(0)


class StatusTab(VerticalScroll):
    """The selected pod's status, re-rendered when it changes or when one of its ages does."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.due: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Vertical(id="pulls")
        yield StatusBody(id="status-body")

    @property
    def body(self) -> StatusBody:
        """The status text."""
        return self.query_one(StatusBody)

    def show(self, entry: PodEntry | None, now: datetime, *, only_if_changed: bool = False) -> None:
        """Show one pod (or the empty hint); ``due`` says when one of its ages moves on.

        ``only_if_changed`` (the age tick): repaint only if the text reads differently.
        """
        if entry is None:
            self.due = None
            self.body.show(Text("No pod selected.", style="dim"))
            return
        _, countdown = terminating(entry.pod, now)
        self.due = earliest([next_age_change(entry.moments, now), countdown])
        self.body.show(status_renderable(entry, now), only_if_changed=only_if_changed)

    def show_pulls(self, entry: PodEntry | None, pulls: Mapping[str, Any]) -> None:
        """Progress bars for this pod's images that are being pulled right now."""
        container = self.query_one("#pulls", Vertical)
        images = pod_images(entry.pod) if entry is not None else []
        active = {
            reference: progress
            for reference, progress in pulls.items()
            if not progress.done and any(image_matches(reference, image) for image in images)
        }
        for bar in list(container.query(PullBar)):
            if bar.reference not in active:
                bar.remove()
        existing = {bar.reference: bar for bar in container.query(PullBar)}
        for reference, progress in active.items():
            found = existing.get(reference)
            bar = found if found is not None else PullBar(reference)
            if found is None:
                container.mount(bar)
            layers = f"{progress.layers_done}/{progress.layers_total} layers"
            if progress.bytes_total:
                bar.call_after_refresh(bar.show, progress.bytes_done, progress.bytes_total, layers)
            else:
                bar.call_after_refresh(bar.show, progress.layers_done, progress.layers_total, layers)
