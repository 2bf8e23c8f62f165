"""The Stats tab: CPU and memory per container as sparklines, sampled every 2 s.

A worker samples ``podman pod stats`` for the selected pod only and only while this tab is
shown; each sample arrives as a message and the handler extends the lines.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Sparkline, Static
from textual.worker import Worker

SAMPLE_SECONDS = 2.0
HISTORY = 90
_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}


@dataclass(frozen=True)
class ContainerSample:
    """One container's usage at one moment."""

    container: str
    cpu_percent: float
    memory_bytes: float


def parse_percent(text: object) -> float:
    """``12.5%`` -> 12.5 (``--`` and garbage -> 0)."""
    try:
        return float(str(text).strip().rstrip("%"))
    except ValueError:
        return 0.0


def parse_size(text: object) -> float:
    """``532.5kB`` or ``520KiB`` -> bytes (``--`` -> 0)."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", str(text))
    if match is None:
        return 0.0
    return float(match.group(1)) * _UNITS.get(match.group(2).lower(), 1)


def human_bytes(value: float) -> str:
    """Bytes for people: ``5.2 MiB``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def samples_from_pod_stats(rows: list[dict[str, Any]], podman_pod: str) -> list[ContainerSample]:
    """``podman pod stats`` rows -> per-container samples (the infra container left out).

    Managed containers are named ``{namespace}_{pod}_{container}_{attempt}``; the
    Kubernetes container name is the part in between.
    """
    found: list[ContainerSample] = []
    for row in rows:
        name = str(row.get("Name") or row.get("name") or "")
        if name.endswith("-infra") or name == f"{podman_pod}_infra":
            continue  # the pod's sandbox, not one of its containers
        if name.startswith(f"{podman_pod}_"):
            name = name[len(podman_pod) + 1 :].rsplit("_", 1)[0]
        memory = str(row.get("MemUsageBytes") or row.get("MemUsage") or "").split("/")[0]
        found.append(ContainerSample(name, parse_percent(row.get("CPU")), parse_size(memory)))
    return found


def exited_containers(pod: dict[str, Any]) -> dict[str, str]:
    """Containers whose current state is terminated (a finished init container, a completed
    one): name -> ``Completed, exit code 0``. Their stats would only be flat zeros."""
    status = pod.get("status") or {}
    found: dict[str, str] = {}
    for item in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        terminated = (item.get("state") or {}).get("terminated")
        if isinstance(terminated, dict):
            reason = str(terminated.get("reason") or "Terminated")
            found[str(item.get("name"))] = f"{reason}, exit code {terminated.get('exitCode', '?')}"
    return found


class ContainerStats(Vertical):
    """One container: a caption and its two sparklines."""

    DEFAULT_CSS = """
    ContainerStats { height: auto; margin-bottom: 1; }
    ContainerStats Horizontal { height: 2; }
    ContainerStats .spark-label { width: 6; color: $text-muted; }
    ContainerStats Sparkline { width: 1fr; height: 2; }
    """

    def __init__(self, container: str) -> None:
        super().__init__()
        self.container = container
        self.cpu: deque[float] = deque(maxlen=HISTORY)
        self.memory: deque[float] = deque(maxlen=HISTORY)
        self.exited = ""

    def compose(self) -> ComposeResult:
        yield Label(self.container, classes="caption")
        with Horizontal():
            yield Label("CPU", classes="spark-label")
            yield Sparkline([], summary_function=max, classes="cpu")
        with Horizontal():
            yield Label("MEM", classes="spark-label")
            yield Sparkline([], summary_function=max, classes="mem")

    def show_exited(self, detail: str) -> None:
        """The container has exited: say so instead of drawing zeros."""
        self.exited = detail
        for row in self.query(Horizontal):
            row.display = False
        self.query_one(".caption", Label).update(
            Text.assemble((self.container, "bold"), (f"   exited ({detail})", "dim"))
        )

    def add(self, sample: ContainerSample) -> None:
        """Extend both lines."""
        if self.exited:
            self.exited = ""
            for row in self.query(Horizontal):
                row.display = True
        self.cpu.append(sample.cpu_percent)
        self.memory.append(sample.memory_bytes)
        self.query_one(".caption", Label).update(
            Text.assemble(
                (self.container, "bold"),
                f"   CPU {sample.cpu_percent:.1f}% (max {max(self.cpu):.1f}%)",
                f"   MEM {human_bytes(sample.memory_bytes)} (max {human_bytes(max(self.memory))})",
            )
        )
        self.query_one(".cpu", Sparkline).data = list(self.cpu)
        self.query_one(".mem", Sparkline).data = list(self.memory)


Sampler = Callable[[], list[ContainerSample]]


class StatsTab(VerticalScroll):
    """Sparklines for the selected pod, fed by one sampling worker while shown."""

    @dataclass
    class Sampled(Message):
        """One sample of every container (posted by the sampling worker)."""

        stats_tab: StatsTab
        key: str
        samples: list[ContainerSample]

        @property
        def control(self) -> StatsTab:
            """The tab."""
            return self.stats_tab

        def can_replace(self, message: Message) -> bool:
            """Samples are only ever appended, never replaced: keep them all."""
            return False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key: str | None = None
        self._worker: Worker[None] | None = None
        #: Containers of the pod that have exited (shown as text, never sampled as zeros).
        self.exited: dict[str, str] = {}

    def set_exited(self, exited: dict[str, str]) -> None:
        """The pod's exited containers now (from its status)."""
        if exited == self.exited:
            return
        self.exited = dict(exited)
        for widget in self.query(ContainerStats):
            if widget.container in self.exited:
                widget.show_exited(self.exited[widget.container])

    def compose(self) -> ComposeResult:
        yield Static("", id="stats-hint")

    @property
    def sampling(self) -> bool:
        """Whether a sampling worker runs."""
        return self._worker is not None and self._worker.is_running

    def start(self, key: str, sampler: Sampler) -> None:
        """Sample one pod every 2 s until ``stop`` (a new pod starts over)."""
        if self._key == key and self.sampling:
            return
        self.stop()
        if self._key != key:
            self.query(ContainerStats).remove()
        self._key = key
        self.query_one("#stats-hint", Static).update(
            Text(f"sampling every {SAMPLE_SECONDS:.0f} s", style="dim")
        )

        async def sample_forever() -> None:
            while True:
                samples = await asyncio.to_thread(sampler)
                self.post_message(self.Sampled(self, key, samples))
                await asyncio.sleep(SAMPLE_SECONDS)

        self._worker = self.app.run_worker(
            sample_forever(), group="stats", exclusive=True, exit_on_error=False, name="stats"
        )

    def stop(self) -> None:
        """Stop sampling (the tab was hidden or the pod changed)."""
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None

    def clear(self, hint: str = "") -> None:
        """Forget the lines (another pod)."""
        self.stop()
        self._key = None
        self.query(ContainerStats).remove()
        self.query_one("#stats-hint", Static).update(Text(hint, style="dim"))

    def on_stats_tab_sampled(self, message: Sampled) -> None:
        """Extend each container's lines."""
        message.stop()
        if message.key != self._key:
            return
        existing = {widget.container: widget for widget in self.query(ContainerStats)}
        if not message.samples:
            self.query_one("#stats-hint", Static).update(
                Text("no running containers to sample", style="dim")
            )
        for sample in message.samples:
            widget = existing.get(sample.container)
            exited = self.exited.get(sample.container)
            if widget is None:
                widget = ContainerStats(sample.container)
                self.mount(widget)
                if exited:
                    widget.call_after_refresh(widget.show_exited, exited)
                else:
                    widget.call_after_refresh(widget.add, sample)
            elif exited:
                if widget.exited != exited:
                    widget.show_exited(exited)
            else:
                widget.add(sample)
