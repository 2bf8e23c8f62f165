"""One pod's logs: every attempt of every container, read straight from conmon's files.

Each container attempt is its own Podman container with its own k8s-file log. ``PodLogs``
opens a :class:`~tui.podman.log_index.LineIndex` per attempt, chains a container's
attempts with boundary rows, interleaves containers by timestamp, follows growth through
file notifications, and offers the views the CLI (``podtui logs``) and the screen use.
Consumers learn about new rows through ``LineSequence.subscribe`` (or ``changes()``) and
about new attempts through ``PodLogs.subscribe``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.errors import PodtuiError
from tui.podman.log_api import ApiSpool
from tui.podman.log_format import LogLine, format_timestamp
from tui.podman.log_index import LineIndex
from tui.podman.log_merge import ContainerLines, MergedLines
from tui.podman.log_sequence import LineSequence, LogChange
from tui.podman.log_watch import LogWatcher

InstanceListener = Callable[["LogInstance"], None]


class LogsUnavailable(PodtuiError):
    """The requested log does not exist (no such container, no previous attempt)."""


@dataclass(frozen=True)
class LogInstance:
    """One attempt of one container: the Podman container that ran it and its log file."""

    container: str
    attempt: int
    container_id: str
    log_path: Path | None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def running(self) -> bool:
        """True until the attempt is known to have ended."""
        return self.finished_at is None


class PodLogs:
    """The log model of one pod; thread-safe, no Textual.

    ``client`` (podman-py) is only needed for attempts whose log file cannot be read here:
    those are spooled from the API into ``spool_dir``.
    """

    def __init__(
        self,
        pod: str,
        instances: Iterable[LogInstance] = (),
        *,
        client: Any = None,
        spool_dir: Path | None = None,
        background: bool = True,
        force_polling: bool = False,
    ) -> None:
        self.pod = pod
        self.lock = threading.RLock()
        self._client = client
        self._spool_dir = spool_dir
        self._background = background
        self._force_polling = force_polling
        self._instances: dict[str, list[LogInstance]] = {}
        self._lines: dict[str, ContainerLines] = {}
        self._indexes: dict[tuple[str, int], LineIndex] = {}
        self._spools: list[ApiSpool] = []
        self._views: dict[tuple[str | None, bool], LineSequence] = {}
        self._listeners: list[InstanceListener] = []
        self._watcher: LogWatcher | None = None
        self._closed = False
        for instance in sorted(instances, key=lambda item: item.attempt):
            self.add_instance(instance)

    # -- what the pod has ---------------------------------------------------------------
    @property
    def containers(self) -> list[str]:
        """Container names in the order their first attempt was added."""
        with self.lock:
            return list(self._instances)

    def instances(self, container: str) -> list[LogInstance]:
        """The container's attempts in attempt order."""
        with self.lock:
            return list(self._instances.get(container, ()))

    def previous_instance(self, container: str) -> LogInstance | None:
        """The last terminated attempt, as ``kubectl logs --previous`` means it."""
        attempts = self.instances(container)
        candidates = attempts if attempts and not attempts[-1].running else attempts[:-1]
        return candidates[-1] if candidates else None

    def index_of(self, instance: LogInstance) -> LineIndex:
        """The line index of one attempt."""
        with self.lock:
            return self._indexes[(instance.container, instance.attempt)]

    # -- changes ------------------------------------------------------------------------
    def add_instance(self, instance: LogInstance) -> bool:
        """Add an attempt (a restart); returns False if it was already known.

        A known attempt is updated instead (e.g. it finished). The attempt before a new
        one is finished first: its container has exited, and its open partial line ends.
        """
        with self.lock:
            if self._closed:
                return False
            known = self._instances.get(instance.container, [])
            old = next((item for item in known if item.attempt == instance.attempt), None)
            before = known[-1] if known and known[-1].running else None
        if old is not None:
            if old.running and instance.finished_at is not None:
                self.mark_finished(instance.container, instance.attempt, instance.finished_at)
            return False
        if before is not None and before.attempt < instance.attempt:
            self.mark_finished(
                before.container, before.attempt, instance.started_at or datetime.now(UTC)
            )
        index = self._open(instance)
        with self.lock:
            name = instance.container
            known = self._instances.setdefault(name, [])
            rebuild = bool(known) and instance.attempt < known[-1].attempt
            new_container = name not in self._lines
            known.append(instance)
            known.sort(key=lambda item: item.attempt)
            self._indexes[(name, instance.attempt)] = index
            started_key = format_timestamp(instance.started_at) if instance.started_at else b""
            if rebuild or new_container:
                self._rebuild_container(name)
            else:
                self._lines[name].add(index, started_key)
            # Previous views follow the set of attempts; a rebuilt container drops its views.
            for key in list(self._views):
                if key[1] or (rebuild and key[0] in (name, None)):
                    del self._views[key]
            merged = self._views.get((None, False))
            listeners = list(self._listeners)
            watching = self._watcher is not None
        if new_container and isinstance(merged, MergedLines):
            merged.add_source(self._lines[name])
        if watching:
            self._watch_all()
        for listener in listeners:
            listener(instance)
        return True

    def mark_finished(self, container: str, attempt: int, finished_at: datetime) -> None:
        """Record that an attempt ended (read its last bytes, close its partial line)."""
        with self.lock:
            for position, old in enumerate(self._instances.get(container, [])):
                if old.attempt == attempt and old.running:
                    self._instances[container][position] = replace(old, finished_at=finished_at)
                    index = self._indexes[(container, attempt)]
                    break
            else:
                return
            listeners = list(self._listeners)
        index.finish()
        for listener in listeners:
            listener(self._instances[container][position])

    def subscribe(self, listener: InstanceListener) -> Callable[[], None]:
        """Call ``listener(instance)`` when an attempt is added or finishes.

        Views handed out earlier may be replaced when the set of containers changes, so
        a consumer showing the interleaved view asks :meth:`view` again on this signal.
        """
        with self.lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self.lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def refresh(self) -> None:
        """Read what every file gained (what the watcher does on a notification)."""
        with self.lock:
            indexes = list(self._indexes.values())
        for index in indexes:
            index.refresh()

    # -- views --------------------------------------------------------------------------
    def view(self, container: str | None = None, previous: bool = False) -> LineSequence:
        """Rows to show: one container's attempts, or all containers interleaved.

        ``previous`` narrows to the last terminated attempt (of each container, when
        interleaved). Raises LogsUnavailable when there is nothing of that kind.
        """
        with self.lock:
            key = (container, previous)
            cached = self._views.get(key)
            if cached is not None:
                return cached
            if container is not None and container not in self._lines:
                raise LogsUnavailable(f"container {container!r} not found in pod {self.pod!r}")
            names = [container] if container is not None else list(self._lines)
            sources: list[LineSequence] = []
            for name in names:
                if previous:
                    instance = self.previous_instance(name)
                    if instance is not None:
                        sources.append(self.index_of(instance))
                else:
                    sources.append(self._lines[name])
            if not sources and not (container is None and not previous):
                what = "previous terminated container" if previous else "container"
                raise LogsUnavailable(f"no {what} in pod {self.pod!r}")
            # The all-containers view is one object for the pod's life: containers that
            # appear later are added to it, so a consumer never has to swap views.
            if container is None and not previous:
                view: LineSequence = MergedLines(sources, self.lock)
            else:
                view = sources[0] if len(sources) == 1 else MergedLines(sources, self.lock)
            self._views[key] = view
            return view

    async def changes(self, view: LineSequence) -> AsyncIterator[LogChange]:
        """The view's changes as an async iterator; bursts are coalesced into one change."""
        queue, unsubscribe = _change_queue(view)
        try:
            while True:
                yield _drain(await queue.get(), queue)
        finally:
            unsubscribe()

    # -- following ----------------------------------------------------------------------
    def follow(self) -> None:
        """Start watching every attempt's file; growth arrives through the views' listeners."""
        with self.lock:
            if self._watcher is None and not self._closed:
                self._watcher = LogWatcher(self._on_file_changed, force_polling=self._force_polling)
        self._watch_all()

    @property
    def watch_mode(self) -> str:
        """``inotify``, ``polling``, ``stat`` or ``idle`` (shown by the app's status line)."""
        return self._watcher.mode if self._watcher else "idle"

    def close(self) -> None:
        """Stop watching, stop background scans and spools, release files."""
        with self.lock:
            self._closed = True
            watcher, self._watcher = self._watcher, None
            indexes = list(self._indexes.values())
            spools = list(self._spools)
        if watcher is not None:
            watcher.close()
        for spool in spools:
            spool.stop()
        for index in indexes:
            index.close()

    def __enter__(self) -> PodLogs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------
    def _open(self, instance: LogInstance) -> LineIndex:
        path = instance.log_path
        if path is None or (path.exists() and not os.access(path, os.R_OK)):
            path = self._spool(instance)
        return LineIndex(
            path,
            container=instance.container,
            attempt=instance.attempt,
            finished=not instance.running,
            lock=self.lock,
            background=self._background,
        ).open()

    def _spool(self, instance: LogInstance) -> Path:
        if self._client is None:
            raise LogsUnavailable(
                f"log of {instance.container} (attempt {instance.attempt}) is not readable here "
                "and no Podman client was given to fetch it"
            )
        folder = self._spool_dir or Path(tempfile.mkdtemp(prefix="podtui-logs-"))
        target = folder / f"{instance.container_id}.log"
        container = self._client.containers.get(instance.container_id)
        self._spools.append(ApiSpool(container, target, follow=instance.running).start())
        return target

    def _rebuild_container(self, name: str) -> None:
        lines = ContainerLines(name, self.lock)
        for instance in self._instances[name]:
            started = format_timestamp(instance.started_at) if instance.started_at else b""
            lines.add(self._indexes[(name, instance.attempt)], started)
        self._lines[name] = lines

    def _watch_all(self) -> None:
        with self.lock:
            watcher = self._watcher
            paths = [index.path for index in self._indexes.values()]
        if watcher is not None:
            watcher.watch(paths)

    def _on_file_changed(self, path: Path) -> None:
        with self.lock:
            indexes = [index for index in self._indexes.values() if index.path == path]
        for index in indexes:
            index.refresh()


# -- for the command line ---------------------------------------------------------------
def format_line(line: LogLine, *, timestamps: bool = False, prefix: bool = False) -> str:
    """A row as ``podtui logs`` prints it: ``[container] timestamp text`` as asked."""
    from tui.podman.log_format import utc_rfc3339nano

    head = f"[{line.container}] " if prefix and line.container else ""
    if timestamps and line.timestamp:
        head += utc_rfc3339nano(line.timestamp) + " "
    return head + line.text


CHUNK = 1000  # rows read under the lock at a time, so a writer is never held up long


def rows_to_print(view: LineSequence, since: datetime | None, tail: int | None) -> tuple[int, int]:
    """Anchored ``[first, end)`` of the rows ``--since``/``--tail`` select, waiting if needed.

    Anchors are ``row - prepended_total``, so history still being indexed at the front cannot
    shift them. A negative ``tail`` means all rows, as kubectl's ``--tail=-1``.
    """
    if tail is not None and tail < 0:
        tail = None
    if since is not None or tail is None:
        view.wait_complete()
    elif tail > 0:
        view.wait_for(lambda: view.count >= tail or view.complete)
    with view.lock:
        count, pre = view.count, view.prepended_total
        first = view.first_row_at(since) if since is not None else 0
        if tail is not None:
            first = max(first, count - tail)
        return first - pre, count - pre


def rows_between(view: LineSequence, first: int, end: int) -> Iterator[LogLine]:
    """The rows between two anchors, read a chunk at a time under the lock."""
    anchor = first
    while anchor < end:
        with view.lock:
            pre = view.prepended_total
            stop = min(end, anchor + CHUNK)
            batch = view.lines(anchor + pre, stop + pre)
        anchor = stop
        yield from batch


def _lines_between(
    view: LineSequence, first: int, end: int, *, timestamps: bool, prefix: bool, markers: bool
) -> Iterator[str]:
    """Formatted rows between two anchors."""
    for line in rows_between(view, first, end):
        if line.is_marker and not markers:
            continue
        yield format_line(line, timestamps=timestamps, prefix=prefix)


def iter_lines(
    pod_logs: PodLogs,
    timestamps: bool = False,
    since: datetime | None = None,
    tail: int | None = None,
    *,
    container: str | None = None,
    previous: bool = False,
    markers: bool = True,
) -> Iterator[str]:
    """The lines ``podtui logs`` prints (without trailing newlines), like ``kubectl logs``.

    ``tail`` counts rows from the end (only the end is indexed when that is enough);
    ``since`` is an aware datetime (see ``log_format.since_from_duration``); several
    containers interleave with a ``[name]`` prefix; restart boundaries show unless
    ``markers=False``.
    """
    view = pod_logs.view(container, previous)
    first, end = rows_to_print(view, since, tail)
    yield from _lines_between(
        view, first, end, timestamps=timestamps, prefix=view.interleaved, markers=markers
    )


async def follow_lines(
    pod_logs: PodLogs,
    timestamps: bool = False,
    since: datetime | None = None,
    tail: int | None = None,
    *,
    container: str | None = None,
    previous: bool = False,
    markers: bool = True,
    stop: asyncio.Event | None = None,
) -> AsyncIterator[str]:
    """``podtui logs -f``: what ``iter_lines`` prints, then new lines as they are written.

    Runs until ``stop`` is set or the caller stops iterating. New attempts of a container
    appear with their boundary row; ``previous`` ends after the history (it is finished).
    """
    view = pod_logs.view(container, previous)
    pod_logs.follow()
    queue, unsubscribe = _change_queue(view)
    waiter = asyncio.ensure_future(stop.wait()) if stop is not None else None
    try:
        first, end = await asyncio.to_thread(rows_to_print, view, since, tail)
        prefix = view.interleaved
        for text in _lines_between(
            view, first, end, timestamps=timestamps, prefix=prefix, markers=markers
        ):
            yield text
        while not previous:
            getter = asyncio.ensure_future(queue.get())
            waiting = {getter} | ({waiter} if waiter is not None else set())
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                return
            _drain(getter.result(), queue)
            with view.lock:
                new_end = view.count - view.prepended_total
            for text in _lines_between(
                view, end, new_end, timestamps=timestamps, prefix=prefix, markers=markers
            ):
                yield text
            end = max(end, new_end)
    finally:
        if waiter is not None:
            waiter.cancel()
        unsubscribe()


def _change_queue(view: LineSequence) -> tuple[asyncio.Queue[LogChange], Callable[[], None]]:
    """An asyncio queue fed by the view's listener (which runs in engine threads)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[LogChange] = asyncio.Queue()

    def listener(change: LogChange) -> None:
        # The loop may have closed under us: then nobody is listening any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(queue.put_nowait, change)

    return queue, view.subscribe(listener)


def _drain(change: LogChange, queue: asyncio.Queue[LogChange]) -> LogChange:
    """Fold every queued change into one."""
    while not queue.empty():
        more = queue.get_nowait()
        change = LogChange(
            change.prepended + more.prepended,
            change.appended + more.appended,
            change.reset or more.reset,
        )
    return change


def save_lines(
    view: LineSequence,
    path: str | Path,
    *,
    timestamps: bool = False,
    cancel: threading.Event | None = None,
) -> int:
    """Stream every row of ``view`` to ``path`` (never all in memory); returns rows written."""
    with view.lock:
        count, pre = view.count, view.prepended_total
    written = 0
    with open(path, "w", encoding="utf-8", errors="replace") as out:
        for text in _lines_between(
            view, -pre, count - pre, timestamps=timestamps, prefix=view.interleaved, markers=True
        ):
            if cancel is not None and cancel.is_set():
                break
            out.write(text)
            out.write("\n")
            written += 1
    return written


def instances_from_inspect(attrs: dict[str, Any]) -> LogInstance | None:
    """A LogInstance from one ``podman container inspect`` document (None for infra)."""
    from tui.podman.log_format import parse_timestamp
    from tui.reconciler.pod_plan import LABEL_ATTEMPT, LABEL_CONTAINER

    if attrs.get("IsInfra"):
        return None
    labels = (attrs.get("Config") or {}).get("Labels") or {}
    name = labels.get(LABEL_CONTAINER) or str(attrs.get("Name", "")).lstrip("/")
    try:
        attempt = int(labels.get(LABEL_ATTEMPT, 0))
    except ValueError:
        attempt = 0
    log_config = (attrs.get("HostConfig") or {}).get("LogConfig") or {}
    path = log_config.get("Path") or None
    state = attrs.get("State") or {}
    started = parse_timestamp(str(state.get("StartedAt", "")))
    finished = None
    if state.get("Status") in ("exited", "stopped", "dead"):
        finished = parse_timestamp(str(state.get("FinishedAt", "")))
    if started is not None and started.year < 2:
        started = None
    return LogInstance(
        container=name,
        attempt=attempt,
        container_id=str(attrs.get("Id", "")),
        log_path=Path(path) if path else None,
        started_at=started,
        finished_at=finished,
    )


def discover_instances(client: Any, pod: str) -> list[LogInstance]:
    """Every attempt of every container of ``pod`` (name or id), through podman-py."""
    found: list[LogInstance] = []
    for container in client.containers.list(all=True, filters={"pod": pod}):
        instance = instances_from_inspect(container.inspect())
        if instance is not None:
            found.append(instance)
    found.sort(
        key=lambda item: (item.started_at is None, item.started_at or datetime.min, item.attempt)
    )
    return found


def open_pod_logs(client: Any, pod: str, **options: Any) -> PodLogs:
    """A PodLogs with every attempt Podman knows for ``pod`` (the CLI's entry point)."""
    return PodLogs(pod, discover_instances(client, pod), client=client, **options)
