"""configMap/secret/downwardAPI/projected volumes on the host, written like the kubelet's AtomicWriter.

Layout of ``host_dir`` (bind-mounted read-only into containers)::

    ..2024_05_01_10_00_00.123456789/   the current generation: the real files, with modes
    ..data -> ..2024_05_01_10_00_00.123456789
    key -> ..data/key                   one symlink per top-level name

An update writes a new generation and swaps ``..data`` with a rename, so a container reading
through the mount sees the old files or the new ones, never a mix; then stale top-level links
and the old generation go. ``write_file_volume`` is idempotent and says whether anything changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

from tui.reconciler.pod_plan import FileVolumePlan, ProjectedFile

DATA_LINK = "..data"
DIR_MODE = 0o755
PRIVATE_MODE = 0o700


def _generation_name() -> str:
    now = time.time_ns()
    stamp = time.strftime("%Y_%m_%d_%H_%M_%S", time.gmtime(now // 1_000_000_000))
    return f"..{stamp}.{now % 1_000_000_000:09d}"


def _owner(plan: FileVolumePlan) -> tuple[int, int]:
    return (
        -1 if plan.owner_uid is None else plan.owner_uid,
        -1 if plan.owner_gid is None else plan.owner_gid,
    )


def _current(root: Path) -> dict[str, tuple[bytes, int, int, int]] | None:
    """path -> (data, mode, uid, gid) of the current generation, or None when there is none."""
    link = root / DATA_LINK
    if not link.is_symlink():
        return None
    generation = root / os.readlink(link)
    found: dict[str, tuple[bytes, int, int, int]] = {}
    for dirpath, _, names in os.walk(generation):
        for name in names:
            full = Path(dirpath) / name
            info = full.lstat()
            found[str(full.relative_to(generation))] = (
                full.read_bytes(),
                info.st_mode & 0o7777,
                info.st_uid,
                info.st_gid,
            )
    return found


def _wanted(plan: FileVolumePlan) -> dict[str, tuple[bytes, int, int, int]]:
    uid, gid = _owner(plan)
    euid, egid = os.geteuid(), os.getegid()
    return {
        f.path: (f.data, f.mode, euid if uid < 0 else uid, egid if gid < 0 else gid)
        for f in plan.files
    }


def _links_ok(root: Path, files: tuple[ProjectedFile, ...]) -> bool:
    tops = {f.path.split("/", 1)[0] for f in files}
    return all((root / top).is_symlink() for top in tops)


def _make_root(plan: FileVolumePlan) -> Path:
    root = Path(plan.host_dir)
    if plan.on_tmpfs:
        # the podtui-<digest> directory and the pod directory: private to the service user
        for parent in (root.parent.parent, root.parent):
            parent.mkdir(mode=PRIVATE_MODE, parents=True, exist_ok=True)
            os.chmod(parent, PRIVATE_MODE)
    root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(root, DIR_MODE)
    os.chown(root, *_owner(plan))
    return root


def _write_generation(root: Path, plan: FileVolumePlan) -> str:
    name = _generation_name()
    generation = root / name
    generation.mkdir(mode=DIR_MODE)
    os.chmod(generation, DIR_MODE)
    os.chown(generation, *_owner(plan))
    for item in plan.files:
        target = generation / item.path
        for parent in reversed(target.relative_to(generation).parents[:-1]):
            directory = generation / parent
            if not directory.exists():
                directory.mkdir(mode=DIR_MODE)
                os.chmod(directory, DIR_MODE)
                os.chown(directory, *_owner(plan))
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, item.data)
            os.fchown(fd, *_owner(plan))
            os.fchmod(fd, item.mode)  # after chown: chown clears setuid/setgid bits
        finally:
            os.close(fd)
    return name


def write_file_volume(plan: FileVolumePlan) -> bool:
    """Bring ``plan.host_dir`` to the planned files; True when anything changed."""
    root = _make_root(plan)
    current = _current(root)
    if current is not None and current == _wanted(plan) and _links_ok(root, plan.files):
        return False
    old = os.readlink(root / DATA_LINK) if (root / DATA_LINK).is_symlink() else None
    name = _write_generation(root, plan)
    tmp_link = root / f"{DATA_LINK}_tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    os.symlink(name, tmp_link)
    os.replace(tmp_link, root / DATA_LINK)  # the atomic swap
    tops = {f.path.split("/", 1)[0] for f in plan.files}
    for top in tops:
        link = root / top
        if not link.is_symlink():
            os.symlink(f"{DATA_LINK}/{top}", link)
    for entry in root.iterdir():
        if entry.name.startswith(".."):
            continue
        if entry.is_symlink() and entry.name not in tops:
            entry.unlink()
    if old and old != name:
        shutil.rmtree(root / old, ignore_errors=True)
    return True


def remove_file_volume(plan: FileVolumePlan) -> None:
    """Remove a volume's directory, then its pod directory and the tmpfs root once empty."""
    root = Path(plan.host_dir)
    shutil.rmtree(root, ignore_errors=True)
    parents = [root.parent, root.parent.parent] if plan.on_tmpfs else [root.parent]
    for parent in parents:
        with contextlib.suppress(OSError):
            parent.rmdir()  # only when empty: other pods may still use it
