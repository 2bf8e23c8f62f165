"""Record real ``podman inspect`` JSON for the status unit tests (run by hand, not by pytest).

    .venv/bin/python tests/status/record_fixtures.py

Creates one pod and a handful of containers in every state the status code must read
(running, exit 0, exit 1, memory-limit kill, start failure, created, SIGKILL, a foreign
container without podtui labels), writes one inspect object per file to
``tests/status/fixtures/``, and removes everything it created, by label, at the end.
Only the offline busybox image is used (``--pull=never``): no registry is ever contacted.

The files are data: commit them. Re-recording changes ids and times, not structure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IMAGE = "localhost/podtui/busybox:latest"
TEST_LABEL = "io.podtui.test=status-fixtures"
POD = "podtui-status-fixtures"


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the podman CLI with the repo's containers.conf (runc, lowered rlimits)."""
    env = dict(os.environ)
    conf = REPO / ".podtui" / "containers.conf"
    if conf.is_file():
        env.setdefault("CONTAINERS_CONF", str(conf))
    return subprocess.run(
        ["podman", *args], env=env, check=check, capture_output=True, text=True, timeout=120
    )


def inspect(name: str) -> dict:
    """One container's inspect object (the CLI prints a list of one)."""
    return json.loads(podman("container", "inspect", name).stdout)[0]


def save(fixture: str, name: str) -> None:
    """Write ``name``'s inspect JSON to ``fixtures/<fixture>.json``."""
    path = FIXTURES / f"{fixture}.json"
    path.write_text(json.dumps(inspect(name), indent=2, sort_keys=True) + "\n")
    print(f"wrote {path.relative_to(REPO)}")


def k8s_labels(container: str, attempt: int, kind: str = "app") -> list[str]:
    """The labels the supervisor puts on one attempt of a spec container."""
    labels = [
        TEST_LABEL,
        "io.podtui.managed=true",
        "io.podtui.namespace=default",
        f"io.podtui.name={POD}",
        f"io.podtui.container={container}",
        f"io.podtui.kind={kind}",
        f"io.podtui.attempt={attempt}",
    ]
    return [part for label in labels for part in ("--label", label)]


def run_to_exit(name: str, labels: list[str], *command: str, extra: tuple[str, ...] = ()) -> None:
    """Run a container in the pod and wait until it has exited."""
    podman(
        "run", "-d", "--pull=never", "--pod", POD, "--name", name, *labels, *extra, IMAGE, *command
    )
    podman("wait", name, check=False)


def record() -> None:
    """Create every object, save its inspect JSON, and leave nothing behind."""
    FIXTURES.mkdir(exist_ok=True)
    podman("pod", "create", "--label", TEST_LABEL, "--name", POD)
    podman("pod", "start", POD)
    infra = json.loads(podman("pod", "inspect", POD).stdout)
    infra = infra[0] if isinstance(infra, list) else infra
    save("infra", infra["InfraContainerID"])

    podman(
        "run",
        "-d",
        "--pull=never",
        "--pod",
        POD,
        "--name",
        "sf-running",
        *k8s_labels("web", 2),
        IMAGE,
        "sleep",
        "3600",
    )
    save("running", "sf-running")

    run_to_exit("sf-exit0", k8s_labels("job", 0), "sh", "-c", "echo done")
    save("exited_0", "sf-exit0")

    run_to_exit("sf-exit1", k8s_labels("web", 1), "sh", "-c", "echo boom >&2; exit 1")
    save("exited_1", "sf-exit1")

    run_to_exit(
        "sf-oom",
        k8s_labels("hog", 0),
        "sh",
        "-c",
        "x=$(head -c 100000000 /dev/zero | tr '\\0' a)",
        extra=("--memory", "8m", "--memory-swap", "8m"),
    )
    save("oom_killed", "sf-oom")

    # `podman run` fails here: the runtime cannot exec the command.
    podman(
        "run",
        "-d",
        "--pull=never",
        "--pod",
        POD,
        "--name",
        "sf-startfail",
        *k8s_labels("broken", 0),
        IMAGE,
        "no-such-command",
        check=False,
    )
    save("start_failed", "sf-startfail")

    podman(
        "create",
        "--pull=never",
        "--pod",
        POD,
        "--name",
        "sf-created",
        *k8s_labels("web", 3),
        IMAGE,
        "sleep",
        "3600",
    )
    save("created", "sf-created")

    podman(
        "run",
        "-d",
        "--pull=never",
        "--pod",
        POD,
        "--name",
        "sf-killed",
        *k8s_labels("sidecar", 0, "sidecar"),
        IMAGE,
        "sleep",
        "3600",
    )
    podman("kill", "--signal", "KILL", "sf-killed")
    podman("wait", "sf-killed", check=False)
    save("killed", "sf-killed")

    podman(
        "run",
        "-d",
        "--pull=never",
        "--name",
        "sf-foreign",
        "--label",
        TEST_LABEL,
        IMAGE,
        "sh",
        "-c",
        "exit 0",
    )
    podman("wait", "sf-foreign", check=False)
    save("foreign_exited", "sf-foreign")


def clean_up() -> None:
    """Remove every pod and container carrying the fixtures label."""
    podman("pod", "rm", "--force", "--ignore", POD, check=False)
    ids = podman("ps", "--all", "--quiet", "--filter", f"label={TEST_LABEL}", check=False)
    for container_id in ids.stdout.split():
        podman("rm", "--force", "--ignore", container_id, check=False)


def main() -> int:
    """Record the fixtures; always clean up."""
    try:
        record()
    except subprocess.CalledProcessError as exc:
        print(f"podman {' '.join(exc.cmd[1:])} failed:\n{exc.stderr}", file=sys.stderr)
        return 1
    finally:
        clean_up()
    return 0


if __name__ == "__main__":
    sys.exit(main())
