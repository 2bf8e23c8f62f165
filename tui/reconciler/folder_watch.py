"""Which file changes in the manifests folder matter, and when they have settled.

watchfiles (inotify underneath) reports changes in batches; a batch is yielded once the
folder has been quiet for ``SETTLE_MS``, so an editor's truncate-then-write, a save in
several writes, or a rename-over arrive as one batch and a half-written file is not read.
Subfolders are ignored (manifests/examples/ never auto-runs), as are dotfiles and editor
droppings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from watchfiles import Change, DefaultFilter, awatch

from tui.manifest import is_manifest_file

SETTLE_MS = 25  # quiet time that ends a batch (a half-written file fails validation anyway)
MAX_BATCH_MS = 1600  # never hold a batch longer than this, even under constant writes


class ManifestFilter(DefaultFilter):
    """Accept top-level ``*.yaml``/``*.yml`` files of the folder, nothing else."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder.resolve()

    def __call__(self, change: Change, path: str) -> bool:
        candidate = Path(path)
        if candidate.parent.resolve() != self.folder:
            return False
        return is_manifest_file(candidate)


async def watch_manifests(
    folder: Path, stop_event: object | None = None
) -> AsyncIterator[set[Path]]:
    """Yield the set of manifest paths touched, one settled batch at a time."""
    async for changes in awatch(
        folder,
        watch_filter=ManifestFilter(folder),
        step=SETTLE_MS,
        debounce=MAX_BATCH_MS,
        recursive=False,
        stop_event=stop_event,
        ignore_permission_denied=True,
    ):
        yield {Path(path) for _, path in changes}
