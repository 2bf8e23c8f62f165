"""What the pod keys do outside the screen: plans for delete, shell and open, no Textual.

The folder is the source of truth, so deleting a pod means deleting its declaration: the
whole file when it declares only this pod, just its document when the file declares
others, and the pod itself (through the engine) when no file declares it.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

DeleteKind = Literal["file", "document", "engine"]


@dataclass(frozen=True)
class DeletePlan:
    """How a delete will be done, and the sentence that tells the user."""

    kind: DeleteKind
    path: Path | None
    consequence: str


def _documents(text: str) -> list[str]:
    """The YAML documents of a file as text chunks (separators kept with what follows)."""
    return [chunk for chunk in re.split(r"(?m)^(?=---\s*$)", text) if chunk.strip()]


def _declares(chunk: str, namespace: str, name: str) -> bool:
    try:
        obj = yaml.safe_load(chunk.removeprefix("---"))
    except yaml.YAMLError:
        return False
    if not isinstance(obj, dict) or obj.get("kind") != "Pod":
        return False
    metadata = obj.get("metadata") or {}
    return metadata.get("name") == name and (metadata.get("namespace") or "default") == namespace


def _pods_in(text: str) -> int:
    count = 0
    for chunk in _documents(text):
        try:
            obj = yaml.safe_load(chunk.removeprefix("---"))
        except yaml.YAMLError:
            continue
        if isinstance(obj, dict) and obj.get("kind") == "Pod":
            count += 1
    return count


def delete_plan(namespace: str, name: str, manifest: str | None, manifests_dir: Path) -> DeletePlan:
    """Decide how to delete a pod (reads its manifest file; call it off the UI thread)."""
    if manifest:
        path = Path(manifest)
        inside = path.resolve().is_relative_to(manifests_dir.resolve())
        if inside and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            chunks = _documents(text)
            if any(_declares(chunk, namespace, name) for chunk in chunks):
                if _pods_in(text) <= 1:
                    return DeletePlan(
                        "file", path, f"The pod is stopped and its manifest {path.name} is deleted."
                    )
                return DeletePlan(
                    "document",
                    path,
                    f"The pod is stopped and its document is removed from {path.name} "
                    "(the file declares other pods too).",
                )
    return DeletePlan("engine", None, "The pod is stopped and removed (no manifest file declares it).")


def remove_pod_document(path: Path, namespace: str, name: str) -> None:
    """Rewrite a manifest file without the document that declares one pod."""
    text = path.read_text(encoding="utf-8")
    kept = [chunk for chunk in _documents(text) if not _declares(chunk, namespace, name)]
    body = "".join(kept)
    if body.startswith("---"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
    tmp = path.with_name(f".{path.name}.podtui-tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, path)


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
