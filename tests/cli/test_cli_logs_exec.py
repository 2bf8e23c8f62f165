"""logs and exec on a two-container pod, with no reconciler running."""

from __future__ import annotations

import re
from typing import Any

import pytest
from cli_helpers import SLEEPER, container, pod_doc, podtui, unique, wait_logged, write_manifest
from conftest import CliFolder

from tui.reconciler.pod_plan import podman_pod_name

pytestmark = pytest.mark.podman

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ")


@pytest.fixture(scope="module")
def chatty(module_folder: CliFolder, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A pod whose containers a and b each print three lines, then wait."""
    name = unique("chatty")
    source = tmp_path_factory.mktemp("src") / "chatty.yaml"
    write_manifest(
        source,
        pod_doc(
            name,
            [
                container("a", "echo a1; echo a2; echo a3; " + SLEEPER),
                container("b", "echo b1; echo b2 >&2; " + SLEEPER),
            ],
        ),
    )
    with pytest.MonkeyPatch.context() as patch:
        for key, value in module_folder.env.items():
            patch.setenv(key, value)
        from tui.cli.main import main

        assert main(["apply", "-f", str(source)]) == 0
    wait_logged(
        module_folder.url, podman_pod_name("default", name, module_folder.manifests), "a", "a3"
    )
    wait_logged(
        module_folder.url, podman_pod_name("default", name, module_folder.manifests), "b", "b2"
    )
    return name


def test_logs_default_to_the_first_container_and_say_so(
    chatty: str, shared_cli: CliFolder, capsys: Any
) -> None:
    result = podtui(capsys, "logs", chatty)  # kubectl >= 1.21: no error, a note on stderr
    assert result.code == 0 and result.out == "a1\na2\na3\n"
    assert result.err.strip() == 'Defaulted container "a" out of: a, b'
    unknown = podtui(capsys, "logs", chatty, "-c", "zzz")
    assert unknown.code == 1 and "container zzz is not valid" in unknown.err


def test_logs_plain_tail_timestamps_since(chatty: str, shared_cli: CliFolder, capsys: Any) -> None:
    assert podtui(capsys, "logs", chatty, "-c", "a").out == "a1\na2\na3\n"
    assert podtui(capsys, "logs", f"pod/{chatty}", "-c", "a", "--tail", "1").out == "a3\n"
    assert podtui(capsys, "logs", chatty, "-c", "b").out == "b1\nb2\n"  # stderr too
    stamped = podtui(capsys, "logs", chatty, "-c", "a", "--timestamps", "--tail=2").out
    lines = stamped.splitlines()
    assert len(lines) == 2 and all(STAMP.match(line) for line in lines), lines
    assert lines[1].endswith(" a3")
    assert podtui(capsys, "logs", chatty, "-c", "a", "--since", "1h").out == "a1\na2\na3\n"
    everything = podtui(capsys, "logs", chatty, "--all-containers", "--prefix").out
    assert everything.splitlines() == [
        f"[pod/{chatty}/a] a1",
        f"[pod/{chatty}/a] a2",
        f"[pod/{chatty}/a] a3",
        f"[pod/{chatty}/b] b1",
        f"[pod/{chatty}/b] b2",
    ]


def test_logs_previous_without_a_restart(chatty: str, shared_cli: CliFolder, capsys: Any) -> None:
    result = podtui(capsys, "logs", chatty, "-c", "a", "--previous")
    assert result.code == 1
    assert result.err.strip() == (
        f'Error from server (BadRequest): previous terminated container "a" in pod "{chatty}" '
        "not found"
    )


def test_exec_output_and_exit_code(chatty: str, shared_cli: CliFolder, capfd: Any) -> None:
    result = podtui(
        capfd, "exec", chatty, "-c", "b", "--", "sh", "-c", "echo out; echo err >&2; exit 3"
    )
    assert result.code == 3
    assert result.out == "out\n"
    assert "err\n" in result.err and "command terminated with exit code 3" in result.err
    defaulted = podtui(capfd, "exec", chatty, "--", "sh", "-c", "echo $HOSTNAME")
    assert defaulted.code == 0 and defaulted.out.strip() == chatty
    assert 'Defaulted container "a" out of: a, b' in defaulted.err
    missing = podtui(capfd, "exec", chatty, "-c", "b", "--", "no-such-binary")
    assert missing.code != 0


def test_exec_interactive_uses_stdin(chatty: str, shared_cli: CliFolder) -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tui.cli.main", "exec", "-i", chatty, "-c", "a", "--", "sh", "-c", "read x; echo got $x; exit 4"],
        input="hello\n",
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 4, done.stderr
    assert done.stdout == "got hello\n"
