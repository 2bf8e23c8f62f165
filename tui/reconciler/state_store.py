"""The state directory: what status needs beyond Podman, shared by reconciler and viewers.

The reconciler writes each pod's latest v1.Pod object and events here (debounced, atomic
renames), plus the restart back-offs and the last good spec of every pod. A viewer — a second
podtui on the same folder, or a CLI command while ``serve`` runs — reads the same files, so
both show the same status.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path
from typing import Any

WRITE_DELAY = 0.05  # coalesce bursts of changes into one write per pod


FILE_PROBLEMS = "file-problems.json"  # what a viewer shows as invalid files


def pod_file_name(namespace: str, name: str) -> str:
    """One file per pod; ``_`` cannot occur in namespaces or pod names, so this is unique."""
    return f"{namespace}_{name}.json"


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON through a temporary file and a rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":"), default=str))
    tmp.replace(path)


def read_json(path: Path) -> Any | None:
    """A JSON file's content, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class StateStore:
    """Reads and writes the state directory of one manifests folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pods_dir = root / "pods"
        self.specs_dir = root / "specs"
        self._pending: dict[str, Any] = {}
        self._handle: asyncio.TimerHandle | None = None

    def ensure(self) -> None:
        """Create the directory tree (private to the user)."""
        for folder in (self.root, self.pods_dir, self.specs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            self.root.chmod(0o700)

    # -- pod snapshots ------------------------------------------------------------------------

    def schedule_pod(self, namespace: str, name: str, data: dict[str, Any] | None) -> None:
        """Write (or with None, delete) a pod's snapshot soon; bursts collapse into one write."""
        self._pending[pod_file_name(namespace, name)] = data
        if self._handle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self.flush()
                return
            self._handle = loop.call_later(WRITE_DELAY, self.flush)

    def flush(self) -> None:
        """Write every pending snapshot now."""
        self._handle = None
        pending, self._pending = self._pending, {}
        for file_name, data in pending.items():
            path = self.pods_dir / file_name
            if data is None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            else:
                atomic_write_json(path, data)

    def load_pods(self) -> dict[str, dict[str, Any]]:
        """Every pod snapshot, by file name."""
        found: dict[str, dict[str, Any]] = {}
        if not self.pods_dir.is_dir():
            return found
        for path in self.pods_dir.glob("*.json"):
            data = read_json(path)
            if isinstance(data, dict):
                found[path.name] = data
        return found

    # -- last good specs --------------------------------------------------------------------------

    def save_spec(self, namespace: str, name: str, data: dict[str, Any]) -> None:
        """Remember the spec a pod runs (used when its file later turns invalid)."""
        atomic_write_json(self.specs_dir / pod_file_name(namespace, name), data)

    def load_spec(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The last good spec of a pod, if recorded."""
        data = read_json(self.specs_dir / pod_file_name(namespace, name))
        return data if isinstance(data, dict) else None

    def drop_spec(self, namespace: str, name: str) -> None:
        """Forget a deleted pod's spec."""
        with contextlib.suppress(FileNotFoundError):
            (self.specs_dir / pod_file_name(namespace, name)).unlink()

    # -- back-offs ------------------------------------------------------------------------------------

    def save_backoff(self, data: dict[str, Any]) -> None:
        """Persist the restart back-off entries."""
        atomic_write_json(self.root / "backoff.json", data)

    def load_backoff(self) -> dict[str, Any]:
        """The persisted back-off entries (empty when none)."""
        data = read_json(self.root / "backoff.json")
        return data if isinstance(data, dict) else {}

    # -- invalid files ----------------------------------------------------------------------------------

    @property
    def file_problems_path(self) -> Path:
        """Where the reconciler keeps the problems of the folder's invalid files."""
        return self.root / FILE_PROBLEMS

    def save_file_problems(self, data: dict[str, list[str]]) -> None:
        """Persist ``{manifest path: problems}`` (only files that have problems)."""
        atomic_write_json(self.file_problems_path, data)

    def load_file_problems(self) -> dict[str, list[str]]:
        """The persisted problems by file (empty when none)."""
        data = read_json(self.file_problems_path)
        if not isinstance(data, dict):
            return {}
        return {str(k): [str(p) for p in v] for k, v in data.items() if isinstance(v, list)}

