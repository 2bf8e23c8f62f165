"""Each volume kind, volumeMounts, subPath, and refusals with field paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from translate_helpers import config_map, container, pod, pvc, secret, translate, web_pod_name

from tui.reconciler.translate import TranslationError


def with_volume(
    volume: dict[str, Any], mount: dict[str, Any] | None = None, **spec: Any
) -> dict[str, Any]:
    mounts = [{"name": volume["name"], "mountPath": "/data", **(mount or {})}]
    return pod(containers=[container(volumeMounts=mounts)], volumes=[volume], **spec)


def test_empty_dir_is_a_named_volume_per_pod(tmp_path: Path) -> None:
    plan = translate(with_volume({"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}}), tmp_path)
    (volume,) = plan.volumes
    assert volume.name == (web_pod_name(tmp_path) + "_cache")
    assert volume.kind == "emptyDir" and not volume.keep_on_delete and not volume.tmpfs
    assert volume.size_limit_bytes == 2**30
    assert volume.mode == 0o777 and volume.fs_group is None
    assert volume.driver_options == {"o": "uid=0,gid=0"}  # owned: Podman skips its chown
    assert (
        volume.labels["io.podtui.volume"] == "emptyDir"
        and volume.labels["io.podtui.uid"] == plan.uid
    )
    assert plan.containers[0].body["volumes"] == [
        {"Name": (web_pod_name(tmp_path) + "_cache"), "Dest": "/data", "Options": ["nocopy", "rw"]}
    ]
    assert "volumes" not in plan.pod_body


def test_empty_dir_with_fs_group(tmp_path: Path) -> None:
    manifest = with_volume({"name": "cache", "emptyDir": {}})
    manifest["spec"]["securityContext"] = {"fsGroup": 2000}
    (volume,) = translate(manifest, tmp_path).volumes
    assert volume.mode == 0o2777 and volume.fs_group == 2000
    assert volume.driver_options == {"o": "uid=0,gid=2000"}


def test_memory_empty_dir_is_tmpfs_kept_mounted_by_the_infra(tmp_path: Path) -> None:
    plan = translate(
        with_volume({"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "2Mi"}}),
        tmp_path,
    )
    (volume,) = plan.volumes
    assert volume.tmpfs and volume.size_limit_bytes == 2 * 2**20
    assert volume.driver_options == {
        "type": "tmpfs",
        "device": "tmpfs",
        "o": "nr_blocks=512,mode=777,uid=0,gid=0",
    }
    assert plan.pod_body["volumes"] == [
        {
            "Name": (web_pod_name(tmp_path) + "_scratch"),
            "Dest": "/.podtui/keep/scratch",
            "Options": ["nocopy"],
        }
    ]


def test_memory_empty_dir_defaults_to_the_pod_memory_limit(tmp_path: Path) -> None:
    manifest = with_volume({"name": "scratch", "emptyDir": {"medium": "Memory"}})
    manifest["spec"]["containers"][0]["resources"] = {"limits": {"memory": "4Mi"}}
    assert (
        translate(manifest, tmp_path).volumes[0].driver_options["o"].startswith("nr_blocks=1024,")
    )
    manifest["spec"]["volumes"][0]["emptyDir"]["sizeLimit"] = "1Mi"  # the smaller one wins
    assert translate(manifest, tmp_path).volumes[0].driver_options["o"].startswith("nr_blocks=256,")


def test_host_path(tmp_path: Path) -> None:
    volume = {"name": "logs", "hostPath": {"path": "/var/log/app/", "type": "DirectoryOrCreate"}}
    plan = translate(
        with_volume(volume, {"readOnly": True, "mountPropagation": "HostToContainer"}), tmp_path
    )
    (check,) = plan.host_paths
    assert (check.volume, check.path, check.type) == ("logs", "/var/log/app", "DirectoryOrCreate")
    assert plan.containers[0].body["mounts"] == [
        {
            "destination": "/data",
            "type": "bind",
            "source": "/var/log/app",
            "options": ["rbind", "rslave", "ro"],
        }
    ]


def test_pvc(tmp_path: Path) -> None:
    volume = {"name": "data", "persistentVolumeClaim": {"claimName": "db-data", "readOnly": True}}
    plan = translate(with_volume(volume), tmp_path, pvc("db-data"))
    (planned,) = plan.volumes
    assert (
        planned.name == "podtui-pvc-default_db-data"
        and planned.kind == "pvc"
        and planned.keep_on_delete
    )
    assert (
        "io.podtui.uid" not in planned.labels
        and planned.labels["io.podtui.volume-name"] == "db-data"
    )
    assert plan.containers[0].body["volumes"] == [
        {"Name": "podtui-pvc-default_db-data", "Dest": "/data", "Options": ["nocopy", "ro"]}
    ]
    assert plan.pending_reason is None


def test_pvcs_never_clash_across_namespaces(tmp_path: Path) -> None:
    volume = {"name": "data", "persistentVolumeClaim": {"claimName": "c"}}
    a = translate(with_volume(volume), tmp_path, pvc("c")).volumes[0].name
    manifest = with_volume(volume)
    manifest["metadata"]["namespace"] = "other"
    b = translate(manifest, tmp_path, pvc("c", namespace="other")).volumes[0].name
    assert a != b


def test_missing_pvc_keeps_the_pod_pending(tmp_path: Path) -> None:
    plan = translate(
        with_volume({"name": "data", "persistentVolumeClaim": {"claimName": "gone"}}), tmp_path
    )
    assert plan.pending_reason == 'persistentvolumeclaim "gone" not found'


def test_block_pvc_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TranslationError) as info:
        translate(
            with_volume({"name": "d", "persistentVolumeClaim": {"claimName": "b"}}),
            tmp_path,
            pvc("b", volumeMode="Block"),
        )
    assert info.value.field_path == "spec.volumes[0].persistentVolumeClaim.claimName"


def test_config_map_volume_items_and_modes(tmp_path: Path) -> None:
    volume = {
        "name": "cfg",
        "configMap": {
            "name": "app",
            "defaultMode": 0o640,
            "items": [
                {"key": "a", "path": "conf/a.txt"},
                {"key": "b", "path": "b.sh", "mode": 0o755},
            ],
        },
    }
    plan = translate(
        with_volume(volume),
        tmp_path,
        config_map("app", {"a": "1", "b": "2", "c": "3"}, binaryData={"bin": "AAE="}),
    )
    (files,) = plan.file_volumes
    assert [(f.path, f.data, f.mode) for f in files.files] == [
        ("b.sh", b"2", 0o755),
        ("conf/a.txt", b"1", 0o640),
    ]
    assert files.source == "configMap" and files.object_name == "app" and not files.on_tmpfs
    assert files.host_dir == str(tmp_path / "state" / "volumes" / web_pod_name(tmp_path) / "cfg")
    assert plan.containers[0].body["mounts"] == [
        {
            "destination": "/data",
            "type": "bind",
            "source": files.host_dir,
            "options": ["rbind", "rprivate", "ro"],
        }
    ]


def test_config_map_volume_all_keys_default_mode(tmp_path: Path) -> None:
    plan = translate(
        with_volume({"name": "cfg", "configMap": {"name": "app"}}),
        tmp_path,
        config_map("app", {"b": "2"}, binaryData={"bin": "AAE="}),
    )
    assert [(f.path, f.data, f.mode) for f in plan.file_volumes[0].files] == [
        ("b", b"2", 0o644),
        ("bin", b"\x00\x01", 0o644),
    ]


def test_secret_volume_is_0400_on_tmpfs_owned_by_run_as_user(tmp_path: Path) -> None:
    manifest = with_volume({"name": "creds", "secret": {"secretName": "db"}})
    manifest["spec"]["securityContext"] = {"runAsUser": 1000}
    plan = translate(manifest, tmp_path, secret("db", {"password": b"pw"}))
    (files,) = plan.file_volumes
    assert files.on_tmpfs and files.owner_uid == 1000 and files.owner_gid is None
    assert [(f.path, f.mode) for f in files.files] == [("password", 0o400)]
    assert "/podtui-" in files.host_dir and files.host_dir.endswith(
        f"/{web_pod_name(tmp_path)}/creds"
    )
    assert "pw" not in repr(files)


def test_secret_volume_with_fs_group_adds_group_read(tmp_path: Path) -> None:
    manifest = with_volume(
        {
            "name": "creds",
            "secret": {"secretName": "db", "items": [{"key": "k", "path": "k", "mode": 0o600}]},
        }
    )
    manifest["spec"]["securityContext"] = {"fsGroup": 3000}
    plan = translate(manifest, tmp_path, secret("db", {"k": b"v"}))
    (files,) = plan.file_volumes
    assert files.owner_gid == 3000 and files.files[0].mode == 0o640


@pytest.mark.parametrize(
    ("volume", "message"),
    [
        ({"name": "v", "configMap": {"name": "gone"}}, 'configmap "gone" not found'),
        ({"name": "v", "secret": {"secretName": "gone"}}, 'secret "gone" not found'),
        (
            {"name": "v", "configMap": {"name": "app", "items": [{"key": "x", "path": "x"}]}},
            "configmap references non-existent config key: x",
        ),
        (
            {"name": "v", "secret": {"secretName": "db", "items": [{"key": "x", "path": "x"}]}},
            "secret references non-existent secret key: x",
        ),
    ],
)
def test_missing_objects_are_mount_failures(
    tmp_path: Path, volume: dict[str, Any], message: str
) -> None:
    plan = translate(
        with_volume(volume), tmp_path, config_map("app", {"a": "1"}), secret("db", {"a": b"1"})
    )
    assert (
        plan.file_volumes[0].mount_error == f'MountVolume.SetUp failed for volume "v" : {message}'
    )


def test_optional_missing_objects_give_empty_volumes(tmp_path: Path) -> None:
    plan = translate(
        with_volume({"name": "v", "configMap": {"name": "gone", "optional": True}}), tmp_path
    )
    (files,) = plan.file_volumes
    assert files.optional_missing and files.files == () and files.mount_error is None


def test_downward_api_volume(tmp_path: Path) -> None:
    volume = {
        "name": "info",
        "downwardAPI": {
            "items": [
                {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}},
                {
                    "path": "mem",
                    "resourceFieldRef": {
                        "containerName": "main",
                        "resource": "limits.memory",
                        "divisor": "1Mi",
                    },
                },
            ]
        },
    }
    manifest = with_volume(volume)
    manifest["spec"]["containers"][0]["resources"] = {"limits": {"memory": "32Mi"}}
    manifest["metadata"]["labels"] = {"app": "web", "tier": 'fr"ont'}
    files = {f.path: f.data for f in translate(manifest, tmp_path).file_volumes[0].files}
    assert files == {"labels": b'app="web"\ntier="fr\\"ont"', "name": b"web", "mem": b"32"}


def test_projected_volume(tmp_path: Path) -> None:
    volume = {
        "name": "all",
        "projected": {
            "sources": [
                {"configMap": {"name": "app", "items": [{"key": "a", "path": "cfg/a"}]}},
                {"secret": {"name": "db", "items": [{"key": "pw", "path": "sec/pw"}]}},
                {
                    "downwardAPI": {
                        "items": [{"path": "ns", "fieldRef": {"fieldPath": "metadata.namespace"}}]
                    }
                },
            ]
        },
    }
    plan = translate(
        with_volume(volume), tmp_path, config_map("app", {"a": "1"}), secret("db", {"pw": b"x"})
    )
    (files,) = plan.file_volumes
    assert files.on_tmpfs and files.source == "projected"
    assert [(f.path, f.mode) for f in files.files] == [
        ("cfg/a", 0o644),
        ("ns", 0o644),
        ("sec/pw", 0o400),
    ]


def test_projected_service_account_token_is_refused(tmp_path: Path) -> None:
    volume = {"name": "tok", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}
    with pytest.raises(TranslationError) as info:
        translate(with_volume(volume), tmp_path)
    assert info.value.field_path == "spec.volumes[0].projected.sources[0].serviceAccountToken"


@pytest.mark.parametrize("kind", ["nfs", "csi", "ephemeral", "iscsi", "gitRepo", "image"])
def test_unsupported_volume_types_are_refused(tmp_path: Path, kind: str) -> None:
    with pytest.raises(TranslationError) as info:
        translate(with_volume({"name": "v", kind: {"x": "y"}}), tmp_path)
    assert info.value.field_path == f"spec.volumes[0].{kind}"
    assert "not supported" in info.value.message


def test_sub_paths_are_resolved_at_create_time(tmp_path: Path) -> None:
    manifest = pod(
        containers=[
            container(
                env=[{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                volumeMounts=[
                    {"name": "cache", "mountPath": "/a", "subPath": "x/y"},
                    {"name": "cache", "mountPath": "/b", "subPathExpr": "logs/$(POD)"},
                    {"name": "cfg", "mountPath": "/etc/app.conf", "subPath": "app.conf"},
                ],
            )
        ],
        volumes=[{"name": "cache", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "app"}}],
    )
    plan = translate(manifest, tmp_path, config_map("app", {"app.conf": "x"}))
    mounts = plan.containers[0].subpath_mounts
    assert [
        (m.base_kind, m.base, m.sub_path, m.destination, m.read_only, m.create) for m in mounts
    ] == [
        ("volume", (web_pod_name(tmp_path) + "_cache"), "x/y", "/a", False, True),
        ("volume", (web_pod_name(tmp_path) + "_cache"), "logs/web", "/b", False, True),
        ("host", plan.file_volumes[0].host_dir, "app.conf", "/etc/app.conf", True, False),
    ]
    assert "volumes" not in plan.containers[0].body and "mounts" not in plan.containers[0].body


def test_sub_path_expr_with_missing_variable_is_a_config_error(tmp_path: Path) -> None:
    manifest = with_volume({"name": "cache", "emptyDir": {}}, {"subPathExpr": "$(NOPE)"})
    assert translate(manifest, tmp_path).containers[0].config_error == "missing value for NOPE"


@pytest.mark.parametrize(
    ("mount", "path"),
    [
        ({"subPath": "../escape"}, "spec.containers[0].volumeMounts[0].subPath"),
        ({"subPath": "/abs"}, "spec.containers[0].volumeMounts[0].subPath"),
        (
            {"mountPropagation": "HostToContainer"},
            "spec.containers[0].volumeMounts[0].mountPropagation",
        ),
        ({"recursiveReadOnly": "Enabled"}, "spec.containers[0].volumeMounts[0].recursiveReadOnly"),
        ({"name": "nope"}, "spec.containers[0].volumeMounts[0].name"),
        ({"bogus": 1}, "spec.containers[0].volumeMounts[0].bogus"),
    ],
)
def test_mount_refusals(tmp_path: Path, mount: dict[str, Any], path: str) -> None:
    with pytest.raises(TranslationError) as info:
        translate(with_volume({"name": "cache", "emptyDir": {}}, mount), tmp_path)
    assert info.value.field_path == path


def test_medium_hugepages_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TranslationError) as info:
        translate(with_volume({"name": "h", "emptyDir": {"medium": "HugePages"}}), tmp_path)
    assert info.value.field_path == "spec.volumes[0].emptyDir.medium"


def test_file_owner_conflicts_warn_without_fs_group(tmp_path: Path) -> None:
    mounts = [{"name": "creds", "mountPath": "/s"}]
    manifest = pod(
        containers=[
            container("a", volumeMounts=mounts, securityContext={"runAsUser": 1000}),
            container("b", volumeMounts=mounts, securityContext={"runAsUser": 2000}),
        ],
        volumes=[{"name": "creds", "secret": {"secretName": "db"}}],
    )
    plan = translate(manifest, tmp_path, secret("db", {"k": b"v"}))
    assert plan.file_volumes[0].owner_uid == 1000
    assert any("need spec.securityContext.fsGroup" in w for w in plan.warnings)
