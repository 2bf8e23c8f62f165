"""What ``apply``, ``create`` and ``run`` share: validate, install into the folder, wait.

Nothing is written unless every given file is valid (problems print as
``file:line:col: field: ...``) and every pod can be translated. Outcomes are kubectl's:
a pod is ``created`` when Podman has no such pod, ``unchanged`` when the running pod has
the same spec hash (the reconciler adopts it without a restart) and ``configured`` when
it will be replaced; other objects compare with what the folder declares. The command
returns once the reconciler (or this command, when none runs) has started the pods.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tui.cli.engine_access import FolderWriter, WaitTimeout
from tui.cli.folder_edits import (
    Declaration,
    ObjectKey,
    declarations,
    in_folder,
    install,
    object_key,
)
from tui.cli.printing import already_exists
from tui.config import Settings
from tui.engine import PodKey
from tui.errors import PodtuiError
from tui.manifest import (
    LIMITS,
    Document,
    ObjectIndex,
    ParsedFile,
    check_references,
    load_bytes,
    load_file,
    manifest_files,
    scan_folder,
)
from tui.reconciler.object_lookup import IndexLookup
from tui.reconciler.pod_plan import LABEL_SPEC_HASH
from tui.reconciler.translate import TranslationError, spec_hash, translate_pod
from tui.reconciler.translate import pod_uid as make_uid

RESOURCE_NAMES = {
    "Pod": "pods",
    "ConfigMap": "configmaps",
    "Secret": "secrets",
    "PersistentVolumeClaim": "persistentvolumeclaims",
}


class InvalidManifests(PodtuiError):
    """Problems were printed; nothing was written."""


@dataclass
class Source:
    """One manifest to install: where it came from, its bytes, and its parse."""

    shown: str  # as the user named it, for messages
    name: str  # the file name it gets in the folder
    data: bytes
    parsed: ParsedFile
    path: Path | None = None  # on disk (None for stdin or generated text)
    installed: Path | None = None
    outcomes: list[tuple[ObjectKey, str]] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        """The objects it declares."""
        return [d for d in self.parsed.documents if d.name]

    @property
    def keys(self) -> set[ObjectKey]:
        """(kind, namespace, name) of each object."""
        return {object_key(d) for d in self.documents}


def source_from_bytes(data: bytes, shown: str, name: str) -> Source:
    """A Source for text that is not a file (stdin, ``run``'s generated pod)."""
    return Source(shown, name, data, load_bytes(data, shown))


def read_sources(filenames: Iterable[str], recursive: bool) -> list[Source]:
    """Every manifest named by ``-f`` (files, folders, ``-`` for stdin)."""
    sources: list[Source] = []
    for given in filenames:
        if given == "-":
            data = sys.stdin.buffer.read()
            sources.append(source_from_bytes(data, "STDIN", "stdin.yaml"))
            continue
        if "://" in given:
            raise PodtuiError(f'podtui reads local files only, not "{given}"')
        path = Path(given)
        if not path.exists():
            raise PodtuiError(f'the path "{given}" does not exist')
        # sorted paths: the order kubectl walks a folder in
        files = sorted(manifest_files(path, recursive)) if path.is_dir() else [path]
        if path.is_dir() and not files:
            raise PodtuiError(
                f'error reading "{given}": recognized file extensions are [.yaml .yml]'
            )
        for file in files:
            sources.append(_read_file(file))
    return sources


def _read_file(path: Path) -> Source:
    try:
        too_big = path.stat().st_size > LIMITS.max_bytes
    except OSError:
        too_big = True
    if too_big or not path.is_file():
        parsed = load_file(path)  # reports the size or the read error as a problem
        return Source(str(path), path.name, b"", parsed, path)
    data = path.read_bytes()
    return Source(str(path), path.name, data, load_bytes(data, path), path)


def check_sources(sources: list[Source], settings: Settings) -> None:
    """Print every problem; raise InvalidManifests when any is an error (nothing written)."""
    errors: list[str] = []
    warnings: list[str] = []
    folder_index = scan_folder(settings.manifests_dir).index
    given = ObjectIndex.from_documents(d for s in sources for d in s.documents)
    available = given.merged(folder_index)
    seen: dict[ObjectKey, str] = {}
    for source in sources:
        for problem in source.parsed.problems:
            (errors if problem.is_error else warnings).append(str(problem))
        for problem in check_references(source.parsed.documents, available):
            (errors if problem.is_error else warnings).append(str(problem))
        for document in source.documents:
            key = object_key(document)
            where = f"{source.shown}:{document.line}"
            if key in seen:
                errors.append(
                    f"{where}: metadata.name: Duplicate value: {key[0]} {key[1]}/{key[2]} "
                    f"is already declared at {seen[key]}"
                )
            seen[key] = where
            if document.kind == "Pod" and document.ok:
                try:
                    translate_pod(document.obj, IndexLookup(available), settings, None)
                except TranslationError as exc:
                    errors.append(f"{where}: {exc}")
    if not errors and not seen and sources:
        errors.append("error: no objects passed to apply")
    for line in warnings:
        print(f"Warning: {line}", file=sys.stderr)
    for line in errors:
        print(line, file=sys.stderr)
    if errors:
        raise InvalidManifests(f"{len(errors)} problem(s); nothing was applied")


def _pod_key(key: ObjectKey) -> PodKey:
    return (key[1], key[2])


@dataclass
class ApplyRequest:
    """What to do with the sources."""

    create: bool = False  # kubectl create: an existing object is an error
    dry_run: bool = False
    timeout: float = 300.0
    exists_source: bool = True  # name the file in AlreadyExists errors (not for ``run``)


async def apply_sources(
    settings: Settings, sources: list[Source], request: ApplyRequest
) -> tuple[list[str], list[str]]:
    """Install and reconcile; returns (result lines for stdout, error lines for stderr)."""
    folder = settings.manifests_dir
    lines: list[str] = []
    failures: list[str] = []
    if request.dry_run:  # kubectl's client dry run: nothing is asked of anyone
        for source in sources:
            for document in source.documents:
                lines.append(f"{document.kind.lower()}/{document.name} created (dry run)")
        return lines, failures
    async with FolderWriter(settings) as writer:
        existing = await writer.managed_pods()
        declared = declarations(folder)
        chosen: list[Source] = []
        for source in sources:
            refused = _already_there(source, existing, declared, request) if request.create else []
            if refused:
                failures.extend(refused)
                continue
            chosen.append(source)
        # Folder edits first, so the reconciler sees one consistent change.
        before = {key: list(items) for key, items in declared.items()}
        for source in chosen:
            if source.path is not None and in_folder(source.path, folder):
                source.installed = source.path.resolve()
            else:
                source.installed = install(source.data, source.name, source.keys, folder, declared)
            declared = declarations(folder)
        index = scan_folder(folder).index
        lookup = IndexLookup(index)
        expected: dict[PodKey, str] = {}
        for source in chosen:
            for document in source.documents:
                key = object_key(document)
                outcome = _outcome(document, key, existing, before, lookup, expected)
                source.outcomes.append((key, outcome))
        if not chosen:
            return lines, failures
        try:
            await writer.reconcile(expected, request.timeout)
        except WaitTimeout as exc:
            failures.append(f"error: {exc}")
        for source in chosen:
            for key, outcome in source.outcomes:
                lines.append(f"{key[0].lower()}/{key[2]} {outcome}")
    return lines, failures


def _already_there(
    source: Source,
    existing: dict[PodKey, dict[str, str]],
    declared: dict[ObjectKey, list[Declaration]],
    request: ApplyRequest,
) -> list[str]:
    refused = []
    for document in source.documents:
        key = object_key(document)
        present = key in declared or (key[0] == "Pod" and _pod_key(key) in existing)
        if present:
            where = source.shown if request.exists_source else None
            refused.append(already_exists(RESOURCE_NAMES[key[0]], key[2], where))
    return refused


def _outcome(
    document: Document,
    key: ObjectKey,
    existing: dict[PodKey, dict[str, str]],
    before: dict[ObjectKey, list[Declaration]],
    lookup: IndexLookup,
    expected: dict[PodKey, str],
) -> str:
    if key[0] != "Pod":
        previous = before.get(key)
        if not previous:
            return "created"
        return "unchanged" if previous[0].obj == document.obj else "configured"
    metadata = {**(document.obj.get("metadata") or {}), "namespace": key[1]}
    digest = spec_hash({**document.obj, "metadata": metadata}, lookup)
    pod_key = _pod_key(key)
    expected[pod_key] = make_uid(key[1], key[2], digest)
    labels = existing.get(pod_key)
    if labels is None:
        return "created"
    return "unchanged" if labels.get(LABEL_SPEC_HASH) == digest else "configured"


def run_apply(settings: Settings, sources: list[Source], request: ApplyRequest) -> int:
    """Validate, apply and print like kubectl; the exit code."""
    try:
        check_sources(sources, settings)
    except InvalidManifests:
        return 1
    lines, failures = asyncio.run(apply_sources(settings, sources, request))
    for line in lines:
        print(line, flush=True)
    for line in failures:
        print(line, file=sys.stderr, flush=True)
    return 1 if failures else 0
