"""command/args over the image's ENTRYPOINT/CMD, as libpod entrypoint/command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from translate_helpers import container, pod, translate, web_pod_name


@pytest.mark.parametrize(
    ("fields", "entrypoint", "command"),
    [
        ({}, None, None),  # image ENTRYPOINT + CMD
        ({"command": ["run"]}, ["run"], None),  # image CMD ignored (libpod: entrypoint set)
        ({"args": ["a1"]}, None, ["a1"]),  # image ENTRYPOINT + args
        ({"command": ["run"], "args": ["a1"]}, ["run"], ["a1"]),
        ({"command": [], "args": []}, None, None),  # empty lists mean "unset"
    ],
)
def test_command_args_matrix(
    tmp_path: Path, fields: dict[str, Any], entrypoint: list[str] | None, command: list[str] | None
) -> None:
    body = translate(pod(containers=[container(**fields)]), tmp_path).containers[0].body
    assert body.get("entrypoint") == entrypoint
    assert body.get("command") == command


def test_command_and_args_are_expanded_with_the_final_environment(tmp_path: Path) -> None:
    main = container(
        command=["sh", "-c", "echo $(GREETING) $$(GREETING) $(MISSING) $HOME"],
        args=["$(NAME)", "$(POD_IP)"],
        env=[
            {"name": "NAME", "value": "world"},
            {"name": "GREETING", "value": "hello $(NAME)"},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
        ],
    )
    plan = translate(pod(containers=[main]), tmp_path)
    body = plan.containers[0].create_body(plan.podman_name, "n", 0, "10.0.0.9", {})
    assert body["entrypoint"] == ["sh", "-c", "echo hello world $(GREETING) $(MISSING) $HOME"]
    assert body["command"] == ["world", "10.0.0.9"]


def test_working_dir_tty_stdin(tmp_path: Path) -> None:
    body = (
        translate(pod(containers=[container(workingDir="/srv", tty=True, stdin=True)]), tmp_path)
        .containers[0]
        .body
    )
    assert (body["work_dir"], body["terminal"], body["stdin"]) == ("/srv", True, True)


def test_every_attempt_has_restart_policy_no_and_attempt_labels(tmp_path: Path) -> None:
    plan = translate(pod(), tmp_path)
    body = plan.containers[0].create_body(
        plan.podman_name, plan.podman_container_name("main", 3), 3, None, {"x": "y"}
    )
    assert body["restart_policy"] == "no"
    assert body["name"] == (web_pod_name(tmp_path) + "_main_3")
    assert body["pod"] == web_pod_name(tmp_path)
    assert body["labels"]["io.podtui.attempt"] == "3"
    assert body["labels"]["io.podtui.container"] == "main"
    assert body["labels"]["x"] == "y"
    assert body["stop_timeout"] == 30
