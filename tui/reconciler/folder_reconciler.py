"""The static-pod folder: manifests/ is the source of truth, reconciled on every change.

Like the kubelet's staticPodPath, but safer: a file that turns invalid keeps its last good
pods running (with a warning condition naming ``file:line``) instead of killing them; two
files declaring one pod are reported on both without flapping; a removed file deletes its
pods, and a renamed file with the same content keeps them. Changes arrive from watchfiles
as settled batches; a full resync runs at start and periodically so a missed event does no
harm. Resyncs are serialised: the last one always sees the folder's final content.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.engine import Engine, PodKey
from tui.errors import PodmanUnavailable, PodtuiError
from tui.manifest import Document, ObjectIndex, ParsedFile, Problem, load_file, manifest_files
from tui.reconciler.folder_watch import watch_manifests
from tui.reconciler.object_lookup import IndexLookup
from tui.reconciler.pod_plan import LABEL_MANIFEST
from tui.reconciler.updates import FileProblems

MAX_PROBLEMS_SHOWN = 3
log = logging.getLogger(__name__)


@dataclass
class FileState:
    """What we know about one manifest file: its parse, and its last good documents."""

    signature: tuple[int, int, int]
    parsed: ParsedFile
    last_good: list[Document] = field(default_factory=list)


def signature(path: Path) -> tuple[int, int, int] | None:
    """(mtime_ns, size, inode): a change in any means the file must be read again."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def is_blank(path: Path) -> bool:
    """True for a file with nothing but white space in it."""
    try:
        return not path.read_bytes().strip()
    except OSError:
        return False


def empty_file_problem(path: Path) -> ParsedFile:
    """A parse result that keeps the last good pods of a file that became empty."""
    problem = Problem(
        str(path),
        1,
        1,
        "<file>",
        "Invalid value",
        None,
        "the file is empty; its pods keep running (delete the file to delete them)",
    )
    return ParsedFile(path=path, documents=[], problems=[problem], text_hash="")


def pod_key(document: Document) -> PodKey:
    """(namespace, name) of a Pod document."""
    return (document.namespace or "default", document.name or "")


class FolderReconciler:
    """Keep the engine's pods equal to what the manifests folder declares."""

    def __init__(self, engine: Engine, folder: Path | None = None) -> None:
        self.engine = engine
        self.folder = (folder or engine.settings.manifests_dir).resolve()
        self.files: dict[Path, FileState] = {}
        self.owners: dict[PodKey, Path] = {}
        self.file_problems: dict[Path, list[str]] = {}
        self._first_problems_save = True  # a stale file from an earlier reconciler is replaced
        self._lock = asyncio.Lock()
        self._again = False
        self._tasks: list[asyncio.Task[Any]] = []
        self._stop = asyncio.Event()
        self._first = True

    async def start(self) -> None:
        """Resync once, then follow changes and resync periodically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        await self.resync()
        self._tasks.append(asyncio.create_task(self._watch(), name="manifest-watch"))
        self._tasks.append(asyncio.create_task(self._periodic(), name="manifest-resync"))

    async def stop(self) -> None:
        """Stop watching (pods keep running)."""
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    async def _watch(self) -> None:
        async for changed in watch_manifests(self.folder, self._stop):
            await self._resync_safely(changed)

    async def _resync_safely(self, changed: set[Path] | None) -> None:
        """A failed pass is logged and the next event or resync tries again; the watcher
        and the periodic resync must outlive any one failure."""
        try:
            await self.resync(changed)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            log.warning("resync of %s failed", self.folder, exc_info=True)
            self.engine.log(f"resync failed: {exc}; retrying on the next change", "warning")

    async def _periodic(self) -> None:
        period = self.engine.settings.resync_seconds
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), period)
            if not self._stop.is_set():
                await self._resync_safely(None)

    async def resync(self, changed: set[Path] | None = None) -> None:
        """Bring pods in line with the folder; concurrent calls collapse into one more run."""
        if self._lock.locked():
            self._again = True
        async with self._lock:
            self._again = False
            # Podman gone: the engine shows Unknown and reconnects; the next resync catches up
            with contextlib.suppress(PodmanUnavailable):
                await self._resync_once(changed)
            if self._again:
                self._again = False
                await self._resync_once(None)

    def _read_files(self, changed: set[Path] | None) -> None:
        present = {path.resolve() for path in manifest_files(self.folder)}
        for path in list(self.files):
            if path not in present:
                del self.files[path]
        for path in present:
            sig = signature(path)
            if sig is None:
                self.files.pop(path, None)
                continue
            state = self.files.get(path)
            if (
                state is not None
                and state.signature == sig
                and (changed is None or path not in changed)
            ):
                continue
            parsed = load_file(path)
            if state is None:
                state = FileState(sig, parsed)
                self.files[path] = state
            state.signature, state.parsed = sig, parsed
            if parsed.ok and not parsed.documents and state.last_good and is_blank(path):
                # An editor that truncates before writing shows an empty file for a moment;
                # emptiness must not delete pods (deleting the file does).
                state.parsed = empty_file_problem(path)
            elif parsed.ok:
                state.last_good = [d for d in parsed.documents if d.ok]
            elif not state.last_good and self._first:
                state.last_good = self._saved_documents(path)

    def _saved_documents(self, path: Path) -> list[Document]:
        """At start, an invalid file's last good pods come from the state directory."""
        found: list[Document] = []
        for pod in self.engine.supervisors.values():
            if pod.record.manifest == str(path):
                found.append(_document_from_obj(pod.record.spec, path))
        specs_dir = self.engine.store.specs_dir
        if specs_dir.is_dir():
            for spec_file in specs_dir.glob("*.json"):
                data = self.engine.store.load_spec(*spec_file.stem.split("_", 1))
                if data and data.get("manifest") == str(path) and isinstance(data.get("pod"), dict):
                    found.append(_document_from_obj(data["pod"], path))
        return found

    async def _resync_once(self, changed: set[Path] | None) -> None:
        self._read_files(changed)
        index = ObjectIndex()
        for path in sorted(self.files):
            for document in self.files[path].last_good:
                if document.kind in ("ConfigMap", "Secret", "PersistentVolumeClaim"):
                    index.add(document)
        lookup = IndexLookup(index)
        desired: dict[PodKey, tuple[Document, Path]] = {}
        declared: dict[PodKey, list[Path]] = {}
        problems_by_file: dict[Path, list[str]] = {}
        for path in sorted(self.files):
            state = self.files[path]
            # ParsedFile.problems already holds every document's own problems
            errors = [str(p) for p in state.parsed.problems if p.is_error]
            problems_by_file[path] = errors
            for document in state.last_good:
                if document.kind != "Pod":
                    continue
                declared.setdefault(pod_key(document), []).append(path)
        for key, paths in declared.items():
            owner = self.owners.get(key)
            if owner not in paths:
                owner = paths[0]
            self.owners[key] = owner
            document = next(
                d for d in self.files[owner].last_good if d.kind == "Pod" and pod_key(d) == key
            )
            desired[key] = (document, owner)
            for other in paths:
                if other != owner:
                    message = f"{other}: pod {key[0]}/{key[1]} is also declared in {owner.name}; this declaration is ignored"
                    problems_by_file.setdefault(other, []).append(message)
                    problems_by_file.setdefault(owner, []).append(
                        f"{owner}: pod {key[0]}/{key[1]} is also declared in {other.name}"
                    )
        for key in list(self.owners):
            if key not in desired:
                del self.owners[key]
        self._publish_file_problems(problems_by_file)
        # After the first pass every pod of this folder is supervised (or was deleted): a
        # change only needs the listing again on a full resync, which also catches strays.
        existing = await self.engine.managed_podman_pods() if self._first or changed is None else {}
        results = await asyncio.gather(
            *(
                self._apply(key, document, path, lookup, problems_by_file.get(path, []), existing)
                for key, (document, path) in desired.items()
            ),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, PodmanUnavailable):
                raise result
        await self._remove_undesired(set(desired), existing)
        self._first = False

    async def _apply(
        self,
        key: PodKey,
        document: Document,
        path: Path,
        lookup: IndexLookup,
        problems: list[str],
        existing: dict[PodKey, dict[str, Any]] | None,
    ) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        try:
            outcome = await self.engine.apply(
                document.obj, lookup, str(path), existing=existing, problems=shown
            )
        except PodmanUnavailable:
            raise
        except PodtuiError as exc:
            line = f"{path}:{document.line}: {exc}"
            self.file_problems.setdefault(path, []).append(line)
            self.engine._publish(FileProblems(str(path), self.file_problems[path]))
            self.engine.set_problems(key[0], key[1], [line])
            self.engine.log(f"pod {key[0]}/{key[1]}: refused: {exc}", "warning")
            return
        if outcome != "unchanged":
            self.engine.log(f"pod {key[0]}/{key[1]}: {outcome} from {os.path.basename(path)}")

    async def _remove_undesired(
        self, desired: set[PodKey], existing: dict[PodKey, dict[str, Any]] | None
    ) -> None:
        candidates = set(self.engine.supervisors)
        if existing is not None:
            # Only pods made from this folder's files: another folder's pods (a second
            # project on the same Podman) are not ours to delete.
            candidates |= {key for key, found in existing.items() if self._from_here(found)}
        for key in sorted(candidates - desired):
            self.engine.log(f"pod {key[0]}/{key[1]}: its manifest is gone, deleting")
            with contextlib.suppress(PodtuiError):
                await self.engine.delete(*key)

    def _from_here(self, found: dict[str, Any]) -> bool:
        """Whether a Podman pod was made from a manifest at the top of this folder."""
        manifest = (found.get("labels") or {}).get(LABEL_MANIFEST)
        return isinstance(manifest, str) and Path(manifest).parent == self.folder

    def _publish_file_problems(self, problems_by_file: dict[Path, list[str]]) -> None:
        before_all = {path: list(found) for path, found in self.file_problems.items() if found}
        for path in set(self.file_problems) | set(problems_by_file):
            now = problems_by_file.get(path, [])
            before = self.file_problems.get(path)
            if before != now:
                self.file_problems[path] = list(now)
                self.engine._publish(FileProblems(str(path), list(now)))
                if now:
                    # `name.yaml:7:3: field: message (+6 more)`: the first problem, whole,
                    # with the file named as in the folder, so a short log line still says it
                    first = now[0].removeprefix(f"{path}:")
                    more = f" (+{len(now) - 1} more)" if len(now) > 1 else ""
                    self.engine.log(f"{path.name}:{first}{more}", "warning")
                elif before and path.exists():
                    self.engine.log(f"{path.name}: valid again")
        for path in list(self.file_problems):
            if path not in problems_by_file:
                del self.file_problems[path]
        after_all = {path: list(found) for path, found in self.file_problems.items() if found}
        if after_all != before_all or self._first_problems_save:
            # a viewer of this folder shows the same invalid files (see ViewerFeed)
            self._first_problems_save = False
            with contextlib.suppress(OSError):
                self.engine.store.save_file_problems(
                    {str(path): found for path, found in sorted(after_all.items())}
                )


def _document_from_obj(obj: dict[str, Any], path: Path) -> Document:
    """A Document for a spec recovered from the state directory (already validated once)."""
    metadata = obj.get("metadata") or {}
    return Document(
        kind=str(obj.get("kind") or "Pod"),
        api_version=str(obj.get("apiVersion") or "v1"),
        name=str(metadata.get("name") or ""),
        namespace=metadata.get("namespace") or "default",
        obj=obj,
        raw=obj,
        file=str(path),
        index=0,
        line=1,
        problems=[],
    )
