"""Form values -> Pod object -> manifest YAML: what the app's new-pod form and ``podtui run`` write.

Pure (no Textual, no Podman). Values arrive as typed text; everything that can be put in
the Pod is, and the Pod is then judged by the same validator as any manifest
(``load_text``), so the form and the watcher never disagree. Problems are mapped back from
field paths (``spec.containers[0].ports[1].hostPort``) to the form field that produced them.
Only what cannot even be put in a Pod (an unbalanced quote in a command, a label without
``=``) is reported by the builder itself.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tui.config import DEMO_IMAGE
from tui.manifest.documents import load_text
from tui.manifest.problems import Problem, parse_path
from tui.manifest.references import ObjectIndex, check_references

PULL_POLICIES = ("IfNotPresent", "Always", "Never")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
#: Volume sources the form offers; "" means the row declares no volume.
VOLUME_KINDS = ("", "emptyDir", "hostPath", "persistentVolumeClaim", "configMap")
HOST_PATH_TYPES = (
    "",
    "DirectoryOrCreate",
    "Directory",
    "FileOrCreate",
    "File",
    "Socket",
    "CharDevice",
    "BlockDevice",
)
#: Form key of problems that belong to no single field.
FORM_KEY = "form"


@dataclass
class PortValues:
    """One row of ports: containerPort and an optional hostPort, as typed."""

    container_port: str = ""
    host_port: str = ""


@dataclass
class EnvValues:
    """One environment variable row, as typed."""

    name: str = ""
    value: str = ""


@dataclass
class VolumeValues:
    """One volume, mounted at ``mount_path`` in the main container and the sidecar.

    ``source`` is the hostPath path, the PVC's claim name or the ConfigMap's name.
    """

    kind: str = ""
    name: str = "data"
    mount_path: str = "/data"
    source: str = ""
    host_path_type: str = ""


@dataclass
class SidecarValues:
    """A second container sharing the pod (and its volumes)."""

    name: str = "sidecar"
    image: str = DEMO_IMAGE
    command: str = ""


#: What the new-pod form starts with: a shell that exits on TERM, so deleting the pod takes
#: a moment (a bare ``sleep`` as PID 1 ignores TERM and waits out the grace period).
FORM_COMMAND = "sh -c \"trap 'exit 0' TERM; sleep 3600 & wait\""


@dataclass
class PodFormValues:
    """Everything ``kubectl run`` style creation asks for, as the user typed it."""

    name: str = ""
    namespace: str = "default"
    image: str = DEMO_IMAGE
    image_pull_policy: str = "IfNotPresent"
    command: str = "sleep 3600"
    args: str = ""
    ports: list[PortValues] = field(default_factory=list)
    env: list[EnvValues] = field(default_factory=list)
    restart_policy: str = "Always"
    labels: str = ""
    sidecar: SidecarValues | None = None
    volumes: list[VolumeValues] = field(default_factory=list)


@dataclass(frozen=True)
class BuiltPod:
    """A Pod built from form values, its YAML, and what could not be built.

    ``rows`` maps each list in the Pod back to the form rows it came from (blank rows
    are skipped, so the n-th port need not be the n-th row).
    """

    obj: dict[str, Any]
    text: str
    input_errors: dict[str, str]
    rows: dict[str, list[int]]


@dataclass(frozen=True)
class FormCheck:
    """The verdict on a form: the YAML that would be written and messages per form field."""

    text: str
    errors: dict[str, list[str]]
    warnings: dict[str, list[str]]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """Nothing blocks writing the file (warnings allowed)."""
        return not self.errors


def split_words(text: str) -> list[str]:
    """Shell-like splitting of a command line (``sh -c 'echo hi'`` -> 3 words)."""
    return shlex.split(text, comments=False, posix=True)


def build_pod(values: PodFormValues) -> BuiltPod:
    """The Pod object for ``values`` with keys in manifest order, and its YAML text."""
    errors: dict[str, str] = {}
    rows: dict[str, list[int]] = {"ports": [], "env": [], "volumes": []}
    metadata: dict[str, Any] = {"name": values.name.strip(), "namespace": values.namespace.strip()}
    labels = _labels(values.labels, errors)
    if labels:
        metadata["labels"] = labels
    main = _container(values.name.strip(), values.image, values.image_pull_policy)
    _words_into(main, "command", values.command, "command", errors)
    _words_into(main, "args", values.args, "args", errors)
    ports = []
    for index, port in enumerate(values.ports):
        if not port.container_port.strip() and not port.host_port.strip():
            continue
        entry: dict[str, Any] = {"containerPort": _number(port.container_port)}
        if port.host_port.strip():
            entry["hostPort"] = _number(port.host_port)
        ports.append(entry)
        rows["ports"].append(index)
    if ports:
        main["ports"] = ports
    env = []
    for index, variable in enumerate(values.env):
        if not variable.name.strip() and not variable.value:
            continue
        env.append({"name": variable.name.strip(), "value": variable.value})
        rows["env"].append(index)
    if env:
        main["env"] = env
    containers = [main]
    if values.sidecar is not None:
        sidecar = _container(
            values.sidecar.name.strip(), values.sidecar.image, values.image_pull_policy
        )
        _words_into(sidecar, "command", values.sidecar.command, "sidecar.command", errors)
        containers.append(sidecar)
    volumes = []
    for index, volume in enumerate(values.volumes):
        if not volume.kind:
            continue
        volumes.append({"name": volume.name.strip(), **_volume_source(volume)})
        rows["volumes"].append(index)
        mount: dict[str, Any] = {
            "name": volume.name.strip(),
            "mountPath": volume.mount_path.strip(),
        }
        if volume.kind == "configMap":
            mount["readOnly"] = True  # the kubelet mounts ConfigMaps read-only anyway
        for container in containers:
            container.setdefault("volumeMounts", []).append(dict(mount))
    spec: dict[str, Any] = {"restartPolicy": values.restart_policy, "containers": containers}
    if volumes:
        spec["volumes"] = volumes
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}
    return BuiltPod(obj, pod_yaml(obj), errors, rows)


def pod_yaml(obj: dict[str, Any]) -> str:
    """YAML in the key order given (apiVersion, kind, metadata, spec), lists indented."""
    return yaml.dump(
        obj,
        Dumper=_ManifestDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1000,
    )


def check_form(values: PodFormValues, index: ObjectIndex | None = None) -> FormCheck:
    """Build the Pod, validate it like any manifest, and map every problem to a form field."""
    built = build_pod(values)
    parsed = load_text(built.text, "<form>")
    problems = list(parsed.problems)
    if index is not None:
        problems.extend(check_references(parsed.documents, index))
    errors: dict[str, list[str]] = {key: [text] for key, text in built.input_errors.items()}
    warnings: dict[str, list[str]] = {}
    for problem in problems:
        key = form_key(problem.field, built)
        if problem.field == "spec.containers[0].name" and errors.get("name"):
            continue  # the container is named after the pod: one complaint is enough
        message = problem.body() if key != FORM_KEY else f"{problem.field}: {problem.body()}"
        target = errors if problem.is_error else warnings
        if message not in target.setdefault(key, []):
            target[key].append(message)
    return FormCheck(built.text, errors, warnings, problems)


def form_key(field_path: str, built: BuiltPod) -> str:
    """The form field a problem's field path came from (``FORM_KEY`` when none)."""
    path = parse_path(field_path)
    head = path[:1]
    if head == ("metadata",):
        return _metadata_key(path[1:])
    if path[:2] == ("spec", "restartPolicy"):
        return "restart_policy"
    if path[:2] == ("spec", "volumes") and len(path) > 2:
        row = _row(built, "volumes", path[2])
        if row is None:
            return FORM_KEY
        rest = path[3:]
        if rest[:1] == ("name",):
            return f"volumes.{row}.name"
        if rest[-1:] == ("type",):
            return f"volumes.{row}.host_path_type"
        return f"volumes.{row}.source"
    if path[:2] == ("spec", "containers") and len(path) > 2:
        return _container_key(path[2], path[3:], built)
    return FORM_KEY


def _metadata_key(rest: tuple[Any, ...]) -> str:
    if rest[:1] == ("name",):
        return "name"
    if rest[:1] == ("namespace",):
        return "namespace"
    if rest[:1] == ("labels",):
        return "labels"
    return FORM_KEY


def _container_key(index: object, rest: tuple[Any, ...], built: BuiltPod) -> str:
    if index not in (0, 1):
        return FORM_KEY
    if index == 1:
        if rest[:1] == ("volumeMounts",) and len(rest) > 1:
            return _mount_key(built, rest[1])
        sidecar_keys = {
            "image": "sidecar.image",
            "command": "sidecar.command",
            "imagePullPolicy": "image_pull_policy",
        }
        return sidecar_keys.get(rest[0] if rest else "", "sidecar.name")
    first = rest[0] if rest else ""
    if first in ("ports", "env", "volumeMounts") and len(rest) > 1:
        if first == "volumeMounts":
            return _mount_key(built, rest[1])
        row = _row(built, first, rest[1])
        if row is None:
            return FORM_KEY
        if first == "ports":
            return (
                f"ports.{row}.host_port"
                if rest[2:3] == ("hostPort",)
                else f"ports.{row}.container_port"
            )
        return f"env.{row}.value" if rest[2:3] == ("value",) else f"env.{row}.name"
    simple = {
        "name": "name",
        "image": "image",
        "imagePullPolicy": "image_pull_policy",
        "command": "command",
        "args": "args",
    }
    return simple.get(first, FORM_KEY)


def _mount_key(built: BuiltPod, index: object) -> str:
    row = _row(built, "volumes", index)
    return FORM_KEY if row is None else f"volumes.{row}.mount_path"


def _row(built: BuiltPod, kind: str, index: object) -> int | None:
    rows = built.rows.get(kind, [])
    return rows[index] if isinstance(index, int) and 0 <= index < len(rows) else None


def _container(name: str, image: str, pull_policy: str) -> dict[str, Any]:
    return {"name": name, "image": image.strip(), "imagePullPolicy": pull_policy}


def _words_into(
    container: dict[str, Any], key: str, text: str, form_field: str, errors: dict[str, str]
) -> None:
    if not text.strip():
        return
    try:
        container[key] = split_words(text)
    except ValueError as exc:  # shlex: "No closing quotation", "No escaped character"
        errors[form_field] = f"cannot split into words: {exc}"


def _labels(text: str, errors: dict[str, str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    bad: list[str] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep:
            bad.append(item)
            continue
        labels[key.strip()] = value.strip()
    if bad:
        errors["labels"] = "expected key=value pairs separated by commas, got " + ", ".join(
            repr(b) for b in bad
        )
    return labels


def _number(text: str) -> int | str:
    """An int when the text is one; otherwise the text, which the validator then reports."""
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        return stripped


def _volume_source(volume: VolumeValues) -> dict[str, Any]:
    source = volume.source.strip()
    if volume.kind == "emptyDir":
        return {"emptyDir": {}}
    if volume.kind == "hostPath":
        host: dict[str, Any] = {"path": source}
        if volume.host_path_type:
            host["type"] = volume.host_path_type
        return {"hostPath": host}
    if volume.kind == "persistentVolumeClaim":
        return {"persistentVolumeClaim": {"claimName": source}}
    return {"configMap": {"name": source}}


class _ManifestDumper(yaml.SafeDumper):
    """SafeDumper that indents lists under their key, as kubectl and most manifests do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def write_manifest(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` atomically: a watcher sees the old file or the new, never half.

    The bytes go to a hidden temporary file in the same folder (ignored by the watcher),
    are flushed to disk, and then replace the file in one rename, keeping an existing
    file's mode. With ``overwrite=False`` an existing file is never replaced (a hard link
    is the atomic "create only if absent") and ``FileExistsError`` is raised.
    """
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    # 0o666 less the umask, as open(path, "w") would give a new file
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # FileExistsError when someone has the name already
            tmp.unlink()
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Persist the rename itself (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
