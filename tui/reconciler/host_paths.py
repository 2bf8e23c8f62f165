"""hostPath type checks and creation, with the kubelet's FailedMount wording.

``DirectoryOrCreate`` makes the directory (0755), ``FileOrCreate`` an empty file (0644) whose
parent must exist (as documented for Kubernetes); an untyped hostPath that does not exist is
created as a directory, which is what containerd does for the kubelet.
"""

from __future__ import annotations

import os
import stat

from tui.reconciler.pod_plan import HostPathCheck

FAILED_MOUNT = 'MountVolume.SetUp failed for volume "{volume}" : {detail}'
CHECKS = {
    "Directory": (stat.S_ISDIR, "is not a directory"),
    "DirectoryOrCreate": (stat.S_ISDIR, "is not a directory"),
    "File": (stat.S_ISREG, "is not a file"),
    "FileOrCreate": (stat.S_ISREG, "is not a file"),
    "Socket": (stat.S_ISSOCK, "is not a socket file"),
    "CharDevice": (stat.S_ISCHR, "is not a character device"),
    "BlockDevice": (stat.S_ISBLK, "is not a block device"),
}


def check_host_path(check: HostPathCheck) -> str | None:
    """Create what the type asks for, then check it; the FailedMount message, or None."""
    path = check.path
    try:
        exists = os.path.lexists(path)
        if not exists and check.type in ("", "DirectoryOrCreate"):
            os.makedirs(path, mode=0o755, exist_ok=True)
        elif not exists and check.type == "FileOrCreate":
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o644)
            os.close(fd)
        if check.type == "":
            return None
        if check.type not in CHECKS:
            return FAILED_MOUNT.format(
                volume=check.volume, detail=f"invalid hostPath type {check.type!r}"
            )
        test, failure = CHECKS[check.type]
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            mode = 0
        if not test(mode):
            return FAILED_MOUNT.format(
                volume=check.volume, detail=f"hostPath type check failed: {path} {failure}"
            )
    except OSError as exc:
        return FAILED_MOUNT.format(volume=check.volume, detail=f"{exc.strerror}: {path}")
    return None
