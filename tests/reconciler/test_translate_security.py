"""securityContext: pod and container level (container wins), runAsNonRoot, sysctls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from translate_helpers import container, pod, translate

from tui.reconciler.translate import TranslationError
from tui.reconciler.translate_security import non_root_violation


def body_of(
    tmp: Path, ctx: dict[str, Any] | None = None, pod_ctx: dict[str, Any] | None = None, **spec: Any
) -> dict[str, Any]:
    main = container(securityContext=ctx) if ctx is not None else container()
    manifest = pod(containers=[main], **spec)
    if pod_ctx is not None:
        manifest["spec"]["securityContext"] = pod_ctx
    return translate(manifest, tmp).containers[0].body


def test_defaults_add_nothing(tmp_path: Path) -> None:
    body = body_of(tmp_path)
    for key in (
        "user",
        "groups",
        "cap_add",
        "cap_drop",
        "privileged",
        "read_only_filesystem",
        "no_new_privileges",
    ):
        assert key not in body


def test_users_and_groups_container_wins(tmp_path: Path) -> None:
    body = body_of(
        tmp_path,
        {"runAsUser": 1001},
        {
            "runAsUser": 1000,
            "runAsGroup": 3000,
            "supplementalGroups": [4000, 5000],
            "fsGroup": 2000,
        },
    )
    assert body["user"] == "1001:3000"
    assert body["groups"] == ["4000", "5000", "2000"]  # fsGroup joins the process groups


def test_capabilities_privilege_and_filesystem(tmp_path: Path) -> None:
    body = body_of(
        tmp_path,
        {
            "capabilities": {"add": ["NET_ADMIN", "cap_sys_time"], "drop": ["ALL"]},
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "procMount": "Default",
        },
    )
    assert body["cap_add"] == ["CAP_NET_ADMIN", "CAP_SYS_TIME"]
    assert body["cap_drop"] == ["ALL"]
    assert body["read_only_filesystem"] is True and body["read_only_tmpfs"] is False
    assert body["no_new_privileges"] is True
    assert body_of(tmp_path, {"privileged": True})["privileged"] is True
    assert body_of(tmp_path, {"procMount": "Unmasked"})["unmask"] == ["ALL"]


def test_seccomp_apparmor_selinux(tmp_path: Path) -> None:
    assert "seccomp_profile_path" not in body_of(
        tmp_path, {"seccompProfile": {"type": "RuntimeDefault"}}
    )
    assert (
        body_of(tmp_path, None, {"seccompProfile": {"type": "Unconfined"}})["seccomp_profile_path"]
        == "unconfined"
    )
    assert (
        body_of(tmp_path, {"appArmorProfile": {"type": "Unconfined"}})["apparmor_profile"]
        == "unconfined"
    )
    profile = {"type": "Localhost", "localhostProfile": "my-profile"}
    assert body_of(tmp_path, {"appArmorProfile": profile})["apparmor_profile"] == "my-profile"
    labels = body_of(tmp_path, {"seLinuxOptions": {"type": "spc_t", "level": "s0:c1"}})[
        "selinux_opts"
    ]
    assert labels == ["type:spc_t", "level:s0:c1"]
    with pytest.raises(TranslationError) as info:
        body_of(tmp_path, {"seccompProfile": {"type": "Localhost", "localhostProfile": "x.json"}})
    assert info.value.field_path == "spec.containers[0].securityContext.seccompProfile.type"


def test_apparmor_annotation(tmp_path: Path) -> None:
    manifest = pod()
    manifest["metadata"]["annotations"] = {
        "container.apparmor.security.beta.kubernetes.io/main": "localhost/k8s-nginx"
    }
    assert translate(manifest, tmp_path).containers[0].body["apparmor_profile"] == "k8s-nginx"


def test_run_as_non_root_with_uid_zero_is_a_config_error(tmp_path: Path) -> None:
    plan = translate(
        pod(containers=[container(securityContext={"runAsNonRoot": True, "runAsUser": 0})]),
        tmp_path,
    )
    main = plan.containers[0]
    assert (
        main.config_error
        == f'container\'s runAsUser breaks non-root policy (pod: "web_default({plan.uid})", container: main)'
    )


def test_run_as_non_root_is_checked_at_create_time(tmp_path: Path) -> None:
    main = translate(
        pod(containers=[container(securityContext={"runAsNonRoot": True})]), tmp_path
    ).containers[0]
    assert main.config_error is None and main.run_as_non_root and main.run_as_user is None


@pytest.mark.parametrize(
    ("uid", "image_user", "expected"),
    [
        (None, "", "container has runAsNonRoot and image will run as root"),
        (None, "0", "container has runAsNonRoot and image will run as root"),
        (None, "0:0", "container has runAsNonRoot and image will run as root"),
        (None, "00", "container has runAsNonRoot and image will run as root"),
        (
            None,
            "nobody",
            "container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root",
        ),
        (None, "1000", None),
        (None, "1000:1000", None),
        (1000, "", None),
        (0, "1000", "container's runAsUser breaks non-root policy"),
    ],
)
def test_non_root_violation(uid: int | None, image_user: str, expected: str | None) -> None:
    message = non_root_violation(uid, image_user, "web_default(u)", "main")
    if expected is None:
        assert message is None
    else:
        assert message == f'{expected} (pod: "web_default(u)", container: main)'


def test_safe_sysctls_go_to_the_pod(tmp_path: Path) -> None:
    manifest = pod()
    manifest["spec"]["securityContext"] = {
        "sysctls": [
            {"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"},
            {"name": "kernel/shm_rmid_forced", "value": "1"},
        ]
    }
    plan = translate(manifest, tmp_path)
    assert plan.pod_body["sysctl"] == {
        "net.ipv4.ip_unprivileged_port_start": "0",
        "kernel.shm_rmid_forced": "1",
    }
    assert "sysctl" not in plan.containers[0].body


@pytest.mark.parametrize(
    ("sysctl", "spec", "message"),
    [
        ("kernel.msgmax", {}, 'forbidden sysctl: "kernel.msgmax" not allowlisted'),
        ("net.core.somaxconn", {}, 'forbidden sysctl: "net.core.somaxconn" not allowlisted'),
        ("net.ipv4.tcp_syncookies", {"hostNetwork": True}, "not allowed with host net enabled"),
        ("kernel.shm_rmid_forced", {"hostIPC": True}, "not allowed with host ipc enabled"),
    ],
)
def test_unsafe_sysctls_are_refused(
    tmp_path: Path, sysctl: str, spec: dict[str, Any], message: str
) -> None:
    manifest = pod(**spec)
    manifest["spec"]["securityContext"] = {"sysctls": [{"name": sysctl, "value": "1"}]}
    with pytest.raises(TranslationError, match=message) as info:
        translate(manifest, tmp_path)
    assert info.value.field_path == "spec.securityContext.sysctls[0].name"


def test_host_namespaces(tmp_path: Path) -> None:
    plan = translate(pod(hostNetwork=True, hostPID=True, hostIPC=True), tmp_path)
    assert plan.pod_body["netns"] == {"nsmode": "host"} and plan.pod_body["utsns"] == {
        "nsmode": "host"
    }
    assert "Networks" not in plan.pod_body and "hostname" not in plan.pod_body
    body = plan.containers[0].body
    assert body["pidns"] == {"nsmode": "host"} and body["ipcns"] == {"nsmode": "host"}


@pytest.mark.parametrize(
    ("pod_ctx", "path"),
    [
        ({"supplementalGroupsPolicy": "Strict"}, "spec.securityContext.supplementalGroupsPolicy"),
        ({"unknownField": 1}, "spec.securityContext.unknownField"),
    ],
)
def test_pod_security_refusals(tmp_path: Path, pod_ctx: dict[str, Any], path: str) -> None:
    with pytest.raises(TranslationError) as info:
        body_of(tmp_path, None, pod_ctx)
    assert info.value.field_path == path


def test_windows_options_are_ignored_with_a_warning(tmp_path: Path) -> None:
    manifest = pod(
        containers=[container(securityContext={"windowsOptions": {"runAsUserName": "x"}})]
    )
    assert any("windowsOptions: ignored" in w for w in translate(manifest, tmp_path).warnings)
