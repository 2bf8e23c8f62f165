"""Run every benchmark in turn: ``make bench`` (add ``--check`` to fail on a missed goal).

Each benchmark prints absolute figures and a ratio against a peer measured in the same
run (kubernetes-validate, ``podman kube play``, ``podman logs``, a plain Textual table).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHES = ("validate.py", "apply.py", "watch.py", "events.py", "logs.py", "ui.py")


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = []
    for name in BENCHES:
        print(f"\n=== bench/{name}", flush=True)
        done = subprocess.run([sys.executable, str(here / name), *sys.argv[1:]])
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nmissed goals or failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
