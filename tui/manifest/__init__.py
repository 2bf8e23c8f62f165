"""Manifest file -> spec: reading, validating and defaulting Kubernetes objects.

Pure and fast: nothing here talks to Podman or imports Textual. The public API:

- ``load_file(path)`` / ``load_text(text, path)`` -> ``ParsedFile`` (documents + problems)
- ``Document``: one object, defaulted (``obj``) and as written (``raw``), with positions
- ``Problem``: ``path:line:col: field.path: Kind: value: detail``, error or warning
- ``scan_folder(folder)`` -> ``FolderScan``; ``manifest_files`` and ``is_manifest_file``
- ``check_references(pods, ObjectIndex)``: missing ConfigMaps, Secrets, PVCs and keys
- ``validate_paths(paths, strict, recursive)``: what ``podtui validate`` prints
"""

from __future__ import annotations

from tui.manifest.documents import (
    SUPPORTED_KINDS,
    Document,
    ParsedFile,
    load_bytes,
    load_file,
    load_text,
)
from tui.manifest.folder import (
    FolderScan,
    is_manifest_file,
    manifest_files,
    scan_folder,
    validate_paths,
)
from tui.manifest.problems import Problem, Severity
from tui.manifest.references import ObjectIndex, check_references
from tui.manifest.yaml_nodes import LIMITS, Limits

__all__ = [
    "LIMITS",
    "SUPPORTED_KINDS",
    "Document",
    "FolderScan",
    "Limits",
    "ObjectIndex",
    "ParsedFile",
    "Problem",
    "Severity",
    "check_references",
    "is_manifest_file",
    "load_bytes",
    "load_file",
    "load_text",
    "manifest_files",
    "scan_folder",
    "validate_paths",
]
