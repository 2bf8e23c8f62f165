"""A viewer's view: pod status read from the reconciler's state directory as it changes.

When another podtui reconciles the folder, this one must not touch the pods; it shows what
the reconciler publishes instead (the same v1.Pod objects and events), following the
state directory with watchfiles.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from watchfiles import awatch

from tui.engine import Engine
from tui.reconciler.state_store import read_json
from tui.reconciler.updates import EventRecorded, FileProblems, PodChanged, PodRemoved
from tui.status.events import event_from_dict


class ViewerFeed:
    """Mirror the reconciler's pod snapshots into an engine that does not supervise."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pods_dir = engine.store.pods_dir
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._seen_events: dict[tuple[str, str], set[tuple[str, str, str, int]]] = {}
        self._file_problems: dict[str, list[str]] = {}

    async def start(self) -> None:
        """Load every snapshot, then follow changes."""
        self.pods_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(self.pods_dir.glob("*.json")):
            self._load(path)
        self._load_file_problems()
        self._task = asyncio.create_task(self._follow(), name="viewer-feed")

    async def stop(self) -> None:
        """Stop following."""
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _follow(self) -> None:
        problems_file = self.engine.store.file_problems_path
        def wanted(_change: object, raw: str) -> bool:
            path = Path(raw)
            return path == problems_file or path.parent == self.pods_dir

        async for changes in awatch(
            self.pods_dir,
            problems_file.parent,
            watch_filter=wanted,
            step=30,
            stop_event=self._stop,
            recursive=False,
        ):
            for _, raw in changes:
                path = Path(raw)
                if path == problems_file:
                    self._load_file_problems()
                elif (
                    path.parent == self.pods_dir
                    and path.suffix == ".json"
                    and not path.name.startswith(".")
                ):
                    self._load(path)

    def _load_file_problems(self) -> None:
        """Publish the reconciler's invalid files as it does (an empty list: valid again)."""
        now = self.engine.store.load_file_problems()
        for path in sorted(set(self._file_problems) | set(now)):
            found = now.get(path, [])
            if self._file_problems.get(path, []) != found:
                self.engine._publish(FileProblems(path, list(found)))
        self._file_problems = now

    def _load(self, path: Path) -> None:
        namespace, _, name = path.stem.partition("_")
        data = read_json(path)
        key = (namespace, name)
        if not isinstance(data, dict) or not isinstance(data.get("pod"), dict):
            if not path.exists() and key in self.engine.pods:
                del self.engine.pods[key]
                self.engine._publish(PodRemoved(namespace, name))
            return
        pod: dict[str, Any] = data["pod"]
        self.engine.pods[key] = pod
        self.engine._publish(PodChanged(namespace, name, pod))
        seen = self._seen_events.setdefault(key, set())
        for raw in data.get("events") or []:
            try:
                event = event_from_dict(raw)
            except Exception:  # noqa: BLE001 - a malformed event is skipped
                continue
            fingerprint = (event.reason, event.message, str(event.last_timestamp), event.count)
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            self.engine.recorder.load_json([raw])
            self.engine._publish(EventRecorded(event))
