"""Host-side files without Podman: the kubelet-style atomic writer and hostPath checks."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from tui.reconciler.file_volumes import remove_file_volume, write_file_volume
from tui.reconciler.host_paths import check_host_path
from tui.reconciler.materialize import check_host_paths
from tui.reconciler.pod_plan import FileVolumePlan, HostPathCheck, PodPlan, ProjectedFile


def volume(tmp: Path, files: dict[str, tuple[bytes, int]], **fields: object) -> FileVolumePlan:
    items = tuple(ProjectedFile(path=p, data=d, mode=m) for p, (d, m) in sorted(files.items()))
    return FileVolumePlan(
        volume="cfg",
        source="configMap",
        object_name="app",
        host_dir=str(tmp / "pod" / "cfg"),
        files=items,
        **fields,
    )  # type: ignore[arg-type]


def test_layout_modes_and_idempotence(tmp_path: Path) -> None:
    plan = volume(tmp_path, {"a.txt": (b"one", 0o644), "dir/b.sh": (b"two", 0o755)})
    assert write_file_volume(plan) is True
    root = Path(plan.host_dir)
    data = root / "..data"
    assert data.is_symlink() and os.readlink(data).startswith("..")
    assert (
        os.readlink(root / "a.txt") == "..data/a.txt" and os.readlink(root / "dir") == "..data/dir"
    )
    assert (root / "a.txt").read_bytes() == b"one" and (
        root / "dir" / "b.sh"
    ).read_bytes() == b"two"
    assert stat.S_IMODE((root / "a.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((root / "dir" / "b.sh").stat().st_mode) == 0o755
    generation = os.readlink(data)
    assert write_file_volume(plan) is False  # nothing changed: nothing rewritten
    assert os.readlink(data) == generation


def test_update_swaps_generation_and_drops_stale_keys(tmp_path: Path) -> None:
    write_file_volume(volume(tmp_path, {"a": (b"1", 0o644), "old": (b"x", 0o644)}))
    root = tmp_path / "pod" / "cfg"
    first = os.readlink(root / "..data")
    assert write_file_volume(volume(tmp_path, {"a": (b"2", 0o644), "new": (b"y", 0o600)})) is True
    second = os.readlink(root / "..data")
    assert second != first and not (root / first).exists()
    assert (root / "a").read_bytes() == b"2" and (root / "new").read_bytes() == b"y"
    assert not (root / "old").is_symlink()
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith("..")) == ["a", "new"]
    assert (
        write_file_volume(volume(tmp_path, {"a": (b"2", 0o640), "new": (b"y", 0o600)})) is True
    )  # mode only


def test_ownership_and_empty_volumes(tmp_path: Path) -> None:
    plan = volume(tmp_path, {"k": (b"v", 0o400)}, owner_uid=1234, owner_gid=4321)
    write_file_volume(plan)
    info = (Path(plan.host_dir) / "k").stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 4321, 0o400)
    empty = volume(tmp_path / "e", {}, optional_missing=True)
    assert write_file_volume(empty) is True
    assert [p.name for p in Path(empty.host_dir).iterdir() if not p.name.startswith("..")] == []
    remove_file_volume(plan)
    assert not Path(plan.host_dir).exists()


def test_tmpfs_parents_are_private(tmp_path: Path) -> None:
    plan = volume(tmp_path / "shm" / "podtui-x", {"k": (b"v", 0o400)}, on_tmpfs=True)
    write_file_volume(plan)
    for parent in (Path(plan.host_dir).parent, Path(plan.host_dir).parent.parent):
        assert stat.S_IMODE(parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("kind", "make", "failure"),
    [
        ("Directory", "dir", None),
        ("Directory", "file", "is not a directory"),
        ("Directory", None, "is not a directory"),
        ("File", "file", None),
        ("File", "dir", "is not a file"),
        ("Socket", "socket", None),
        ("Socket", "file", "is not a socket file"),
        ("CharDevice", "file", "is not a character device"),
        ("BlockDevice", "file", "is not a block device"),
        ("DirectoryOrCreate", "file", "is not a directory"),
        ("FileOrCreate", "dir", "is not a file"),
    ],
)
def test_host_path_type_checks(
    tmp_path: Path, kind: str, make: str | None, failure: str | None
) -> None:
    path = tmp_path / "target"
    if make == "dir":
        path.mkdir()
    elif make == "file":
        path.write_text("x")
    elif make == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    message = check_host_path(HostPathCheck(volume="v", path=str(path), type=kind))
    if failure is None:
        assert message is None
    else:
        assert (
            message
            == f'MountVolume.SetUp failed for volume "v" : hostPath type check failed: {path} {failure}'
        )


def test_host_path_creation(tmp_path: Path) -> None:
    directory = tmp_path / "made" / "deep"
    assert check_host_path(HostPathCheck("v", str(directory), "DirectoryOrCreate")) is None
    assert directory.is_dir() and stat.S_IMODE(directory.stat().st_mode) == 0o755 & ~_umask()
    file = tmp_path / "made" / "f.log"
    assert check_host_path(HostPathCheck("v", str(file), "FileOrCreate")) is None
    assert file.is_file() and stat.S_IMODE(file.stat().st_mode) == 0o644 & ~_umask()
    untyped = tmp_path / "untyped"
    assert check_host_path(HostPathCheck("v", str(untyped), "")) is None and untyped.is_dir()
    orphan = tmp_path / "no-parent" / "f"
    message = check_host_path(HostPathCheck("v", str(orphan), "FileOrCreate"))
    assert (
        message == f'MountVolume.SetUp failed for volume "v" : No such file or directory: {orphan}'
    )


def test_check_host_paths_reports_file_volume_failures(tmp_path: Path) -> None:
    bad = volume(
        tmp_path,
        {},
        mount_error='MountVolume.SetUp failed for volume "cfg" : configmap "x" not found',
    )
    plan = PodPlan(
        namespace="d", name="n", uid="u", podman_name="d_n", spec_hash="h", pod_body={}, labels={},
        file_volumes=[bad], host_paths=[HostPathCheck("h", str(tmp_path / "missing"), "Directory")],
    )  # fmt: skip
    assert check_host_paths(plan) == [
        'MountVolume.SetUp failed for volume "cfg" : configmap "x" not found',
        f'MountVolume.SetUp failed for volume "h" : hostPath type check failed: {tmp_path / "missing"} is not a directory',
    ]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
