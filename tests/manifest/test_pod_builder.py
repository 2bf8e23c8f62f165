"""Form values -> Pod -> YAML, problems mapped back to form fields, atomic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from tui.config import DEMO_IMAGE
from tui.manifest import ObjectIndex, load_text
from tui.manifest.pod_builder import (
    FORM_KEY,
    EnvValues,
    PodFormValues,
    PortValues,
    SidecarValues,
    VolumeValues,
    build_pod,
    check_form,
    pod_yaml,
    split_words,
    write_manifest,
)


def test_defaults_with_a_name_make_a_valid_running_pod() -> None:
    built = build_pod(PodFormValues(name="web"))
    assert built.text == (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: default\n"
        "spec:\n"
        "  restartPolicy: Always\n"
        "  containers:\n"
        "    - name: web\n"
        f"      image: {DEMO_IMAGE}\n"
        "      imagePullPolicy: IfNotPresent\n"
        "      command:\n"
        "        - sleep\n"
        "        - '3600'\n"
    )
    parsed = load_text(built.text)
    assert parsed.ok and parsed.problems == []
    assert check_form(PodFormValues(name="web")).ok


def test_key_order_is_apiversion_kind_metadata_spec() -> None:
    built = build_pod(PodFormValues(name="web", labels="app=web"))
    assert list(built.obj) == ["apiVersion", "kind", "metadata", "spec"]
    assert list(yaml.safe_load(built.text)) == ["apiVersion", "kind", "metadata", "spec"]
    assert yaml.safe_load(built.text) == built.obj


def test_everything_the_form_offers() -> None:
    values = PodFormValues(
        name="shop",
        namespace="team-a",
        image="localhost/podtui/busybox:1.35",
        image_pull_policy="Never",
        command="sh -c 'echo \"hi there\"; sleep 5'",
        args="--verbose 'two words'",
        ports=[PortValues("80", "8080"), PortValues("", ""), PortValues("443")],
        env=[EnvValues("MODE", "prod"), EnvValues("", ""), EnvValues("EMPTY", "")],
        restart_policy="OnFailure",
        labels="app=shop, tier = web ,",
        sidecar=SidecarValues("tail", DEMO_IMAGE, "tail -F /data/log"),
        volumes=[
            VolumeValues("emptyDir", "data", "/data"),
            VolumeValues("", "ignored", "/x"),
            VolumeValues("hostPath", "host", "/host", "/srv/shop", "DirectoryOrCreate"),
            VolumeValues("persistentVolumeClaim", "store", "/store", "shop-store"),
            VolumeValues("configMap", "config", "/etc/shop", "shop-config"),
        ],
    )
    built = build_pod(values)
    pod = built.obj
    assert pod["metadata"] == {
        "name": "shop",
        "namespace": "team-a",
        "labels": {"app": "shop", "tier": "web"},
    }
    main, sidecar = pod["spec"]["containers"]
    assert main["command"] == ["sh", "-c", 'echo "hi there"; sleep 5']
    assert main["args"] == ["--verbose", "two words"]
    assert main["ports"] == [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 443}]
    assert main["env"] == [{"name": "MODE", "value": "prod"}, {"name": "EMPTY", "value": ""}]
    assert main["imagePullPolicy"] == sidecar["imagePullPolicy"] == "Never"
    assert sidecar["name"] == "tail" and sidecar["command"] == ["tail", "-F", "/data/log"]
    assert pod["spec"]["restartPolicy"] == "OnFailure"
    assert pod["spec"]["volumes"] == [
        {"name": "data", "emptyDir": {}},
        {"name": "host", "hostPath": {"path": "/srv/shop", "type": "DirectoryOrCreate"}},
        {"name": "store", "persistentVolumeClaim": {"claimName": "shop-store"}},
        {"name": "config", "configMap": {"name": "shop-config"}},
    ]
    mounts = [{"name": "data", "mountPath": "/data"}, {"name": "host", "mountPath": "/host"}]
    mounts += [{"name": "store", "mountPath": "/store"}]
    mounts += [{"name": "config", "mountPath": "/etc/shop", "readOnly": True}]
    assert main["volumeMounts"] == mounts and sidecar["volumeMounts"] == mounts
    assert built.rows == {"ports": [0, 2], "env": [0, 2], "volumes": [0, 2, 3, 4]}
    check = check_form(values)
    assert check.ok, check.errors
    assert yaml.safe_load(check.text) == pod


def test_an_invalid_name_is_reported_once_on_the_name() -> None:
    check = check_form(PodFormValues(name="Bad_Name"))
    assert not check.ok
    assert list(check.errors) == ["name"]
    [message] = check.errors["name"]
    assert message.startswith('Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain')


def test_a_missing_name_is_required() -> None:
    check = check_form(PodFormValues(name=""))
    assert check.errors["name"] == ["Required value: name or generateName is required"]


@pytest.mark.parametrize(
    ("values", "key", "fragment"),
    [
        (
            PodFormValues(name="a", ports=[PortValues(""), PortValues("70000")]),
            "ports.1.container_port",
            "between 1 and 65535",
        ),
        (PodFormValues(name="a", ports=[PortValues("80", "0x")]), "ports.0.host_port", "int32"),
        (PodFormValues(name="a", ports=[PortValues("http")]), "ports.0.container_port", "int32"),
        (
            PodFormValues(name="a", env=[EnvValues(""), EnvValues("1=x", "v")]),
            "env.1.name",
            "environment variable name",
        ),
        (PodFormValues(name="a", env=[EnvValues("", "orphan")]), "env.0.name", "Required value"),
        (PodFormValues(name="a", labels="app=ok,bad key=v"), "labels", "name part must consist"),
        (PodFormValues(name="a", labels="app"), "labels", "expected key=value"),
        (PodFormValues(name="a", command="sh -c 'unclosed"), "command", "No closing quotation"),
        (PodFormValues(name="a", args='"open'), "args", "No closing quotation"),
        (PodFormValues(name="a", image=""), "image", "Required value"),
        (PodFormValues(name="a", namespace="Not OK"), "namespace", "RFC 1123 label"),
        (
            PodFormValues(name="a", sidecar=SidecarValues(name="a")),
            "sidecar.name",
            "Duplicate value",
        ),
        (
            PodFormValues(name="a", sidecar=SidecarValues(image="")),
            "sidecar.image",
            "Required value",
        ),
        (
            PodFormValues(name="a", sidecar=SidecarValues(command="'x")),
            "sidecar.command",
            "No closing",
        ),
        (
            PodFormValues(name="a", volumes=[VolumeValues("emptyDir", "Bad_Vol")]),
            "volumes.0.name",
            "RFC 1123",
        ),
        (
            PodFormValues(name="a", volumes=[VolumeValues("emptyDir", "v", "")]),
            "volumes.0.mount_path",
            "Required value",
        ),
        (
            PodFormValues(
                name="a", volumes=[VolumeValues(), VolumeValues("hostPath", "h", "/h", "")]
            ),
            "volumes.1.source",
            "Required value",
        ),
        (
            PodFormValues(name="a", volumes=[VolumeValues("persistentVolumeClaim", "p", "/p", "")]),
            "volumes.0.source",
            "Required value",
        ),
    ],
)
def test_problems_land_on_the_field_that_caused_them(
    values: PodFormValues, key: str, fragment: str
) -> None:
    check = check_form(values)
    assert key in check.errors, check.errors
    assert any(fragment in message for message in check.errors[key]), check.errors[key]
    assert not check.ok


def test_missing_references_are_warnings_on_the_volume() -> None:
    values = PodFormValues(
        name="a",
        volumes=[VolumeValues(), VolumeValues("configMap", "c", "/c", "absent")],
    )
    check = check_form(values, ObjectIndex())
    assert check.ok
    assert list(check.warnings) == ["volumes.1.source"]
    assert 'no ConfigMap "absent"' in check.warnings["volumes.1.source"][0]


def test_unknown_paths_go_to_the_form() -> None:
    from tui.manifest.pod_builder import form_key

    built = build_pod(PodFormValues(name="a"))
    assert form_key("spec.dnsPolicy", built) == FORM_KEY
    assert form_key("spec.containers[5].image", built) == FORM_KEY
    assert form_key("spec.containers[0].ports[9].containerPort", built) == FORM_KEY


def test_split_words_is_shell_like() -> None:
    assert split_words("echo 'a b' \"c d\" e\\ f") == ["echo", "a b", "c d", "e f"]
    with pytest.raises(ValueError):
        split_words("echo 'open")


def test_yaml_quotes_what_would_change_type() -> None:
    text = pod_yaml({"a": "yes", "b": "80", "c": "null", "d": "x: y"})
    assert yaml.safe_load(text) == {"a": "yes", "b": "80", "c": "null", "d": "x: y"}


def test_write_manifest_replaces_atomically_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o600)
    inode = path.stat().st_ino
    write_manifest(path, "new ✓\n")
    assert path.read_text(encoding="utf-8") == "new ✓\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_ino != inode
    assert [p.name for p in tmp_path.iterdir()] == ["web.yaml"]


def test_write_manifest_never_overwrites_when_told(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text("theirs\n")
    with pytest.raises(FileExistsError):
        write_manifest(path, "mine\n", overwrite=False)
    assert path.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["web.yaml"]
    fresh = tmp_path / "new.yaml"
    write_manifest(fresh, "mine\n", overwrite=False)
    assert fresh.read_text() == "mine\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_write_manifest_cleans_up_when_the_folder_is_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_manifest(tmp_path / "absent" / "x.yaml", "x\n")


def test_builder_has_no_textual() -> None:
    import subprocess
    import sys

    code = "import sys, tui.manifest.pod_builder; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
