"""Folders of manifests: which files count, and validating a folder as a whole.

A folder means its top-level ``*.yaml``/``*.yml`` files; subfolders (such as
``manifests/examples/``) are only included when asked to recurse. A file's references are
resolved against the other top-level files of its own folder, and two objects of the same
kind, namespace and name in one folder are an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.manifest.documents import Document, ParsedFile, load_file
from tui.manifest.problems import DUPLICATE, Problem, sort_key
from tui.manifest.references import ObjectIndex, check_references

MANIFEST_SUFFIXES = (".yaml", ".yml")
_EDITOR_NAMES = frozenset({"4913"})  # vim's probe file


def is_manifest_file(path: Path | str) -> bool:
    """True for names that are manifests: ``*.yaml``/``*.yml``, not hidden, not editor droppings.

    Looks at the name only (so a watcher can ask about a file that was just deleted).
    """
    name = Path(path).name
    if not name or name.startswith((".", "#")) or name in _EDITOR_NAMES:
        return False
    if name.endswith(("~", ".tmp", ".swp", ".swx")):
        return False
    return name.lower().endswith(MANIFEST_SUFFIXES)


def manifest_files(folder: Path, recursive: bool = False) -> list[Path]:
    """The manifest files of ``folder`` (sorted); with ``recursive``, of its subfolders too.

    Hidden folders are skipped and symbolic links to folders are not followed.
    """
    found: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return found
    subfolders: list[Path] = []
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if recursive and not entry.name.startswith("."):
                    subfolders.append(Path(entry.path))
            elif is_manifest_file(entry.name) and entry.is_file():
                found.append(Path(entry.path))
        except OSError:
            continue
    for subfolder in subfolders:
        found.extend(manifest_files(subfolder, recursive=True))
    return found


@dataclass
class FolderScan:
    """Every manifest file of a folder, parsed, with the folder-level checks on demand."""

    folder: Path
    files: dict[Path, ParsedFile]
    recursive: bool = False
    _indexes: dict[Path, ObjectIndex] = field(default_factory=dict, repr=False)

    @property
    def index(self) -> ObjectIndex:
        """The ConfigMaps, Secrets and PVCs of the folder's top-level files."""
        return self.index_for(self.folder)

    def index_for(self, directory: Path) -> ObjectIndex:
        """The objects defined by the files directly in ``directory``."""
        found = self._indexes.get(directory)
        if found is None:
            found = ObjectIndex.from_documents(
                d
                for path, parsed in self.files.items()
                if path.parent == directory
                for d in parsed.documents
            )
            self._indexes[directory] = found
        return found

    def documents(self) -> list[Document]:
        """All documents of all files, in file order."""
        return [d for parsed in self.files.values() for d in parsed.documents]

    def problems(self, strict: bool = False) -> list[Problem]:
        """All problems: parsing and validation, references, duplicates; sorted by file."""
        result: list[Problem] = []
        duplicates = _duplicates(self.files)
        for path, parsed in self.files.items():
            own = list(parsed.problems)
            own.extend(check_references(parsed.documents, self.index_for(path.parent)))
            own.extend(duplicates.get(path, []))
            own.sort(key=sort_key)
            result.extend(own)
        return _apply_strict(result, strict)


def scan_folder(folder: Path, recursive: bool = False) -> FolderScan:
    """Parse every manifest file of ``folder`` (see ``manifest_files``)."""
    files = {path: load_file(path) for path in manifest_files(folder, recursive)}
    return FolderScan(folder, files, recursive)


def _duplicates(files: dict[Path, ParsedFile]) -> dict[Path, list[Problem]]:
    """An error on each object that repeats an earlier one of its folder."""
    seen: dict[tuple[Path, str, str, str], Document] = {}
    result: dict[Path, list[Problem]] = {}
    for path, parsed in files.items():
        for document in parsed.documents:
            if not document.name:
                continue
            key = (path.parent, document.kind, document.namespace, document.name)
            first = seen.get(key)
            if first is None:
                seen[key] = document
                continue
            position = document.position("metadata.name") or (document.line, 1)
            result.setdefault(path, []).append(
                Problem(
                    document.file,
                    position[0],
                    position[1],
                    "metadata.name",
                    DUPLICATE,
                    document.name,
                    f"{document.kind} {document.namespace}/{document.name} is already defined "
                    f"at {first.file}:{first.line}",
                )
            )
    return result


def _apply_strict(problems: Iterable[Problem], strict: bool) -> list[Problem]:
    return [p.as_error() for p in problems] if strict else list(problems)


def validate_paths(
    paths: Sequence[Path], strict: bool = False, recursive: bool = False
) -> list[Problem]:
    """Every problem of the given files and folders (the CLI's ``podtui validate``).

    A folder stands for its manifest files; a file is checked against the other top-level
    files of its folder. Each file is reported once however often it is named.
    """
    problems: list[Problem] = []
    reported: set[Path] = set()
    scans: dict[Path, FolderScan] = {}

    def scan(folder: Path, deep: bool) -> FolderScan:
        key = folder.resolve()
        known = scans.get(key)
        if known is None or (deep and not known.recursive):
            known = scans[key] = scan_folder(folder, deep)
        return known

    for given in paths:
        path = Path(given)
        if path.is_dir():
            folder_scan = scan(path, recursive)
            for problem in folder_scan.problems():
                if Path(problem.file or "") not in reported:
                    problems.append(problem)
            reported.update(folder_scan.files)
            continue
        if path in reported:
            continue
        reported.add(path)
        problems.extend(_file_problems(path, scan(path.parent, False)))
    return _apply_strict(problems, strict)


def _file_problems(path: Path, siblings: FolderScan) -> list[Problem]:
    parsed = siblings.files.get(path)
    if parsed is None:
        parsed = load_file(path)
    available = ObjectIndex.from_documents(parsed.documents).merged(siblings.index_for(path.parent))
    own = list(parsed.problems)
    own.extend(check_references(parsed.documents, available))
    own.extend(_duplicates({path: parsed}).get(path, []))
    own.sort(key=sort_key)
    return own
