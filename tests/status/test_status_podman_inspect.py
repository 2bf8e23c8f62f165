"""Parsing recorded ``podman inspect`` JSON into ContainerInstance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from status_builders import inspect_json

from tui.reconciler import pod_plan
from tui.status import podman_inspect
from tui.status.podman_inspect import (
    fold_state,
    image_reference,
    instance_from_inspect,
    parse_podman_time,
    pod_ip_from_inspect,
    pod_ips_from_inspect,
)


def test_label_names_match_the_reconciler() -> None:
    assert podman_inspect.LABEL_CONTAINER == pod_plan.LABEL_CONTAINER
    assert podman_inspect.LABEL_ATTEMPT == pod_plan.LABEL_ATTEMPT


def test_running_fixture() -> None:
    raw = inspect_json("running")
    instance = instance_from_inspect(raw)
    assert instance.id == raw["Id"]
    assert instance.name == "web"  # from io.podtui.container, not the Podman name
    assert instance.attempt == 2
    assert instance.state == "running"
    assert instance.exit_code is None
    assert instance.started_at is not None and instance.started_at.tzinfo is not None
    assert instance.finished_at is None  # Podman's zero time
    assert instance.image == "localhost/podtui/busybox:latest"
    assert instance.image_id == f"localhost/podtui/busybox@{raw['ImageDigest']}"
    assert not instance.oom_killed and instance.error == ""


@pytest.mark.parametrize(
    ("fixture", "name", "code"),
    [
        ("exited_0", "job", 0),
        ("exited_1", "web", 1),
        ("killed", "sidecar", 137),
        ("oom_killed", "hog", 137),
    ],
)
def test_exited_fixtures(fixture: str, name: str, code: int) -> None:
    instance = instance_from_inspect(inspect_json(fixture))
    assert (instance.name, instance.state, instance.exit_code) == (name, "exited", code)
    assert instance.started_at is not None and instance.finished_at is not None


def test_oom_flag_is_read() -> None:
    raw = inspect_json("oom_killed")
    # This host's conmon does not see the cgroup v1 OOM event; hosts that do set the flag.
    raw["State"]["OOMKilled"] = True
    assert instance_from_inspect(raw).oom_killed is True


def test_created_fixture_has_no_exit_code_or_times() -> None:
    instance = instance_from_inspect(inspect_json("created"))
    assert instance.state == "created"
    assert instance.exit_code is None
    assert instance.started_at is None and instance.finished_at is None
    assert instance.attempt == 3
    assert instance.created_at is not None


def test_start_failure_error_is_kept() -> None:
    # Podman 4.3 leaves a failed start in "created" without State.Error (as recorded);
    # newer Podman records the runtime's error, which is what marks a StartError.
    recorded = instance_from_inspect(inspect_json("start_failed"))
    assert recorded.state == "created" and recorded.error == ""
    raw = inspect_json("start_failed")
    raw["State"]["Error"] = 'runc create failed: exec: "no-such-command": executable file not found'
    raw["State"]["ExitCode"] = 127
    instance = instance_from_inspect(raw)
    assert instance.error.startswith("runc create failed")
    assert instance.exit_code == 127


def test_foreign_container_keeps_its_podman_name() -> None:
    instance = instance_from_inspect(inspect_json("foreign_exited"))
    assert instance.name == "sf-foreign"
    assert instance.attempt == 0


def test_bad_attempt_label_falls_back_to_zero() -> None:
    raw = inspect_json("running")
    raw["Config"]["Labels"]["io.podtui.attempt"] = "x"
    assert instance_from_inspect(raw).attempt == 0


@pytest.mark.parametrize(
    ("status", "folded"),
    [
        ("configured", "created"),
        ("created", "created"),
        ("initialized", "created"),
        ("running", "running"),
        ("paused", "paused"),
        ("stopped", "exited"),
        ("exited", "exited"),
        ("removing", "exited"),
        ("Exited", "exited"),
        ("mystery", "unknown"),
    ],
)
def test_fold_state(status: str, folded: str) -> None:
    assert fold_state(status) == folded


def test_fold_state_without_status_uses_running_flag() -> None:
    assert fold_state(None, True) == "running"
    assert fold_state(None, False) == "unknown"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T12:06:22.105207682Z", datetime(2026, 11, 25, 12, 6, 22, 105207, tzinfo=UTC)),
        ("2026-11-25T12:06:22Z", datetime(2026, 11, 25, 12, 6, 22, tzinfo=UTC)),
        (
            "2026-11-25T13:06:22.5+01:00",
            datetime(2026, 11, 25, 13, 6, 22, 500000, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("0001-01-01T00:00:00Z", None),
        ("", None),
        (None, None),
        ("yesterday", None),
    ],
)
def test_parse_podman_time(text: object, expected: datetime | None) -> None:
    parsed = parse_podman_time(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)


def test_image_reference_without_digest_uses_image_id() -> None:
    assert image_reference({"Image": "abc"}) == "sha256:abc"
    assert image_reference({"ImageName": "host:5000/app:1.2", "ImageDigest": "sha256:d"}) == (
        "host:5000/app@sha256:d"
    )
    assert image_reference({"ImageName": "host:5000/app", "ImageDigest": "sha256:d"}) == (
        "host:5000/app@sha256:d"
    )


def test_pod_ip_from_infra_fixture() -> None:
    raw = inspect_json("infra")
    expected = raw["NetworkSettings"]["Networks"]["podman"]["IPAddress"]
    assert expected
    assert pod_ip_from_inspect(raw) == expected


def test_pod_ip_falls_back_to_top_level_address() -> None:
    assert (
        pod_ip_from_inspect({"NetworkSettings": {"IPAddress": "10.0.0.9", "Networks": {}}})
        == "10.0.0.9"
    )
    assert pod_ip_from_inspect({"NetworkSettings": {"IPAddress": ""}}) is None
    assert pod_ip_from_inspect({}) is None


def test_pod_ips_lists_ipv4_then_ipv6() -> None:
    attrs = {
        "NetworkSettings": {
            "Networks": {"a": {"IPAddress": "10.0.0.2", "GlobalIPv6Address": "fd00::2"}},
            "IPAddress": "10.0.0.2",
        }
    }
    assert pod_ips_from_inspect(attrs) == ["10.0.0.2", "fd00::2"]
