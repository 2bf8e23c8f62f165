"""Edits to the manifests folder: where an object is declared, installing and removing files.

The folder is what the reconciler reads, so every mutating command is a folder edit. Files
are written atomically (a hidden temporary file renamed into place) so the reconciler never
reads half a manifest. An object is declared once: installing a file that redeclares
objects of an existing file replaces that file when it declares nothing else, and is
refused otherwise (rewriting someone's multi-object file is not a thing to do silently).
Removing one object from a multi-document file cuts out just its YAML document.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tui.errors import PodtuiError
from tui.manifest import Document, is_manifest_file, load_file, manifest_files

ObjectKey = tuple[str, str, str]  # (kind, namespace, name)


@dataclass(frozen=True)
class Declaration:
    """One object declared by one file of the folder."""

    key: ObjectKey
    path: Path
    obj: dict[str, Any]


def object_key(document: Document) -> ObjectKey:
    """(kind, namespace, name) of a document."""
    return (document.kind, document.namespace or "default", document.name)


def declarations(folder: Path) -> dict[ObjectKey, list[Declaration]]:
    """Every valid object of the folder's top-level files, by key (a key may repeat)."""
    found: dict[ObjectKey, list[Declaration]] = {}
    for path in manifest_files(folder):
        for document in load_file(path).documents:
            if document.name:
                key = object_key(document)
                found.setdefault(key, []).append(Declaration(key, path.resolve(), document.obj))
    return found


def atomic_write(path: Path, data: bytes) -> None:
    """Write through a hidden temporary file in the same folder and a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def in_folder(path: Path, folder: Path) -> bool:
    """True when ``path`` is one of the files the reconciler reads (top level of the folder)."""
    return path.resolve().parent == folder.resolve() and is_manifest_file(path)


def _file_keys(path: Path, declared: dict[ObjectKey, list[Declaration]]) -> set[ObjectKey]:
    return {key for key, items in declared.items() if any(d.path == path for d in items)}


def _free_name(folder: Path, wanted: str) -> Path:
    target = folder / wanted
    stem, suffix = target.stem, target.suffix or ".yaml"
    number = 2
    while target.exists():
        target = folder / f"{stem}-{number}{suffix}"
        number += 1
    return target


def install(
    data: bytes,
    name: str,
    keys: set[ObjectKey],
    folder: Path,
    declared: dict[ObjectKey, list[Declaration]],
) -> Path:
    """Put manifest ``data`` (declaring ``keys``) into the folder; returns the file it is in.

    A file that declares only objects among ``keys`` is replaced in place (its name stays,
    so the reconciler sees an edit, not a new owner); several such files collapse into one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    owners: set[Path] = set()
    for key in keys:
        for declaration in declared.get(key, []):
            owners.add(declaration.path)
    for owner in sorted(owners):
        others = _file_keys(owner, declared) - keys
        if others:
            kind, namespace, other = sorted(others)[0]
            raise PodtuiError(
                f"{owner} declares {', '.join(_kind_names(keys & _file_keys(owner, declared)))} "
                f"together with {kind.lower()}/{other}: edit that file instead"
            )
    if owners:
        target, *rest = sorted(owners)
        if target.read_bytes() != data:
            atomic_write(target, data)
        for extra in rest:
            extra.unlink(missing_ok=True)
        return target
    wanted = name if is_manifest_file(name) else f"{Path(name).stem or 'manifest'}.yaml"
    existing = folder / wanted
    if existing.exists() and existing.read_bytes() == data:
        return existing
    target = _free_name(folder, wanted)
    atomic_write(target, data)
    return target


def _kind_names(keys: Iterable[ObjectKey]) -> list[str]:
    return [f"{kind.lower()}/{name}" for kind, _, name in sorted(keys)]


def _document_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) character offsets of each YAML document of ``text``."""
    starts: list[int] = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.DocumentStartEvent) and event.start_mark is not None:
            starts.append(event.start_mark.index)
    return [
        (start, starts[i + 1] if i + 1 < len(starts) else len(text))
        for i, start in enumerate(starts)
    ]


def _describes(node: Any, key: ObjectKey) -> bool:
    if not isinstance(node, dict):
        return False
    found = node.get("metadata")
    metadata: dict[str, Any] = found if isinstance(found, dict) else {}
    return (
        node.get("kind") == key[0]
        and (metadata.get("namespace") or "default") == key[1]
        and metadata.get("name") == key[2]
    )


def remove_object(path: Path, key: ObjectKey) -> bool:
    """Remove ``key``'s document from ``path`` (the file itself when nothing else is left).

    Returns False when the object sits inside a ``kind: List`` (that file must be edited
    by hand); raises PodtuiError when the file cannot be parsed.
    """
    text = path.read_text(encoding="utf-8")
    try:
        spans = _document_spans(text)
        values = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise PodtuiError(f"{path}: cannot edit: {exc}") from exc
    if len(spans) != len(values):
        raise PodtuiError(f"{path}: cannot edit: unexpected document layout")
    keep: list[tuple[int, int]] = []
    removed = False
    for span, value in zip(spans, values, strict=True):
        if _describes(value, key):
            removed = True
            continue
        if isinstance(value, dict) and value.get("kind") == "List":
            items = value.get("items")
            if isinstance(items, list) and any(_describes(item, key) for item in items):
                return False
        keep.append(span)
    if not removed:
        return False
    remaining = [values[i] for i, span in enumerate(spans) if span in keep]
    if not any(value is not None for value in remaining):
        path.unlink(missing_ok=True)
        return True
    head = text[: spans[0][0]] if spans else ""
    body = "".join(_as_document(text[start:end], i > 0) for i, (start, end) in enumerate(keep))
    atomic_write(path, (head + body).encode("utf-8"))
    return True


def _as_document(chunk: str, needs_marker: bool) -> str:
    """A document's text, starting with ``---`` when another document precedes it."""
    if not chunk.endswith("\n"):
        chunk += "\n"
    if needs_marker and not chunk.lstrip().startswith("---"):
        return "---\n" + chunk
    return chunk
