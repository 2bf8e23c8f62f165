"""Image references normalised like the kubelet/containerd, and InvalidImageName."""

from __future__ import annotations

from pathlib import Path

import pytest
from translate_helpers import container, pod, translate

from tui.reconciler import image_ref
from tui.reconciler.materialize import create_container

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.25", "docker.io/library/nginx:1.25"),
        ("foo/bar:1", "docker.io/foo/bar:1"),
        ("library/nginx", "docker.io/library/nginx:latest"),
        ("docker.io/nginx", "docker.io/library/nginx:latest"),
        ("index.docker.io/foo/bar", "docker.io/foo/bar:latest"),
        ("quay.io/org/app:v2", "quay.io/org/app:v2"),
        ("localhost/x", "localhost/x:latest"),
        ("localhost/podtui/busybox:1.35", "localhost/podtui/busybox:1.35"),
        ("localhost:5000/x", "localhost:5000/x:latest"),
        ("127.0.0.1:5000/x", "127.0.0.1:5000/x:latest"),
        ("127.0.0.1:5000/team/x:tag", "127.0.0.1:5000/team/x:tag"),
        (f"nginx@{DIGEST}", f"docker.io/library/nginx@{DIGEST}"),
        (f"nginx:1.25@{DIGEST}", f"docker.io/library/nginx:1.25@{DIGEST}"),
        ("a_b/c-d__e.f:T1", "docker.io/a_b/c-d__e.f:T1"),
        ("Registry.Example/app", "Registry.Example/app:latest"),  # upper case only in a domain
    ],
)
def test_normalise(ref: str, expected: str) -> None:
    assert image_ref.normalise(ref) == expected


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "NGINX",
        "nginx:",
        "nginx::1",
        ":tag",
        "/nginx",
        "nginx/",
        "ngi nx",
        "nginx@sha256:abc",
        "a" * 64,
        "foo//bar",
        "x:" + "t" * 129,
    ],
)
def test_invalid_references(ref: str) -> None:
    with pytest.raises(image_ref.InvalidImageName) as info:
        image_ref.parse(ref)
    assert "Failed to apply default image tag" in str(info.value)
    assert info.value.reason == "InvalidImageName"


def test_uppercase_repository_message() -> None:
    with pytest.raises(image_ref.InvalidImageName, match="repository name must be lowercase"):
        image_ref.parse("Docker.io/Library/Nginx")


@pytest.mark.parametrize(
    ("ref", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1", "IfNotPresent"),
        (f"nginx@{DIGEST}", "IfNotPresent"),
        ("localhost:5000/x", "Always"),
    ],
)
def test_default_pull_policy(ref: str, policy: str) -> None:
    assert image_ref.default_pull_policy(ref) == policy


def test_plan_carries_normalised_image_and_policy(tmp_path: Path) -> None:
    plan = translate(
        pod(containers=[container(image="nginx:1.25", imagePullPolicy="Never")]), tmp_path
    )
    main = plan.containers[0]
    assert main.image == main.body["image"] == "docker.io/library/nginx:1.25"
    assert main.image_pull_policy == "Never"
    assert main.image_error is None


def test_invalid_image_is_a_waiting_reason_not_a_refusal(tmp_path: Path) -> None:
    plan = translate(pod(containers=[container(image="Bad Image")]), tmp_path)
    main = plan.containers[0]
    assert main.image == "Bad Image"
    assert main.image_error and "couldn't parse image name" in main.image_error
    with pytest.raises(image_ref.InvalidImageName):
        create_container(None, plan, main, 0, None)  # refused before any Podman call
