"""What the pod keys do outside the screen: plans for delete, shell and open, no Textual.

The folder is the source of truth, so deleting a pod means deleting its declaration: the
whole file when it declares only this pod, just its document when the file declares
other objects (cut by the CLI's own folder edit), and the pod itself (through the engine)
when no file declares it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from tui.cli.folder_edits import ObjectKey, in_folder, remove_object

DeleteKind = Literal["file", "document", "engine"]
POD = "Pod"


@dataclass(frozen=True)
class DeletePlan:
    """How a delete will be done, and the sentence that tells the user."""

    kind: DeleteKind
    path: Path | None
    consequence: str


def _objects_in(path: Path) -> list[ObjectKey] | None:
    """(kind, namespace, name) of every object a file declares (None when it cannot be parsed)."""
    try:
        values = list(yaml.safe_load_all(path.read_text(encoding="utf-8", errors="replace")))
    except yaml.YAMLError:
        return None
    found: list[ObjectKey] = []
    for value in values:
        if not isinstance(value, dict):
            continue
        items = value.get("items") if value.get("kind") == "List" else [value]
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                found_metadata = item.get("metadata")
                metadata = found_metadata if isinstance(found_metadata, dict) else {}
                found.append(
                    (str(item.get("kind")), str(metadata.get("namespace") or "default"), str(metadata.get("name")))
                )
    return found


def delete_plan(namespace: str, name: str, manifest: str | None, manifests_dir: Path) -> DeletePlan:
    """Decide how to delete a pod (reads its manifest file; call it off the UI thread).

    The pod's own document goes, as ``podtui delete pod`` does it: the whole file only when
    the pod is all it declares; a ConfigMap or Secret beside it stays.
    """
    if manifest:
        path = Path(manifest)
        key: ObjectKey = (POD, namespace, name)
        objects = _objects_in(path) if in_folder(path, manifests_dir) and path.is_file() else None
        if objects and key in objects:
            others = [item for item in objects if item != key]
            if not others:
                return DeletePlan(
                    "file", path, f"The pod is stopped and its manifest {path.name} is deleted."
                )
            kept = ", ".join(f"{kind.lower()}/{other}" for kind, _, other in others[:3])
            kept += f" and {len(others) - 3} more" if len(others) > 3 else ""
            return DeletePlan(
                "document",
                path,
                f"The pod is stopped and its document is removed from {path.name}; "
                f"the rest of the file stays ({kept}).",
            )
    return DeletePlan("engine", None, "The pod is stopped and removed (no manifest file declares it).")


def remove_pod_document(path: Path, namespace: str, name: str) -> bool:
    """Remove the pod's document from its file (the file when nothing else is left).

    The CLI's folder edit, so ``ctrl+d`` and ``podtui delete pod`` cut the same text; False
    when the pod sits inside a ``kind: List`` (that file is edited by hand).
    """
    return remove_object(path, (POD, namespace, name))


def running_containers(pod: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, Podman container id) of every running container, sidecars included."""
    status = pod.get("status") or {}
    found = []
    for item in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        state = item.get("state") or {}
        container_id = str(item.get("containerID") or "")
        if "running" in state and container_id:
            found.append((str(item.get("name")), container_id.split("://", 1)[-1]))
    return found


def shell_command(container_id: str) -> list[str]:
    """The command ``s`` runs: an interactive shell in one container."""
    return ["podman", "exec", "-it", container_id, "sh"]


def first_port_url(pod: dict[str, Any], default_host: str) -> str | None:
    """``http://127.0.0.1:8080/`` for the first published port (hostPort), if any."""
    spec = pod.get("spec") or {}
    containers = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    containers += list(spec.get("containers") or [])
    for container in containers:
        for port in container.get("ports") or []:
            if port.get("hostPort"):
                host = str(port.get("hostIP") or default_host)
                if host in ("0.0.0.0", "::", ""):
                    host = "127.0.0.1"
                if ":" in host:
                    host = f"[{host}]"
                return f"http://{host}:{port['hostPort']}/"
    return None


def can_open_browser(environ: dict[str, str] | None = None) -> bool:
    """A graphical browser can be started (a console one would fight us for the terminal)."""
    env = os.environ if environ is None else environ
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("BROWSER"))
