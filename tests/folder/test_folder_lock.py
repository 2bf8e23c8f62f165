"""One reconciler per folder: the lock, its holder, and a crashed holder's lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tui.reconciler.folder_lock import FolderLock

HOLD = """
import sys, time
from pathlib import Path
from tui.reconciler.folder_lock import FolderLock
lock = FolderLock(Path(sys.argv[1]))
assert lock.try_acquire()
print("held", flush=True)
sys.stdin.readline()  # hold until killed
"""


def test_second_process_cannot_take_a_held_lock_and_sees_the_holder(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        lock = FolderLock(tmp_path)
        assert not lock.try_acquire()
        assert lock.holder() == holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_a_crashed_holders_lock_is_taken_over(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    os.kill(holder.pid, signal.SIGKILL)  # a crash: no clean-up, the lock file stays behind
    holder.wait()
    assert (tmp_path / "reconciler.lock").exists()
    lock = FolderLock(tmp_path)
    assert lock.try_acquire()
    assert lock.holder() == os.getpid()
    lock.release()
