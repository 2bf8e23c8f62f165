"""The app's pure pieces: secret masking, the filter, delete plans, stats parsing, ports."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from textual.message import Message

from tui.reconciler.updates import ConnectionChanged, PodChanged, PullProgressed, RoleChanged
from tui.screen.engine_bridge import EngineBridge, translate
from tui.screen.manifest_tab import MASK, mask_secrets
from tui.screen.pod_actions import (
    can_open_browser,
    delete_plan,
    first_port_url,
    remove_pod_document,
    running_containers,
)
from tui.screen.pod_detail import attempts_signature
from tui.screen.pod_table import PodEntry, manifest_problem, matches
from tui.screen.stats_tab import exited_containers, parse_size, samples_from_pod_stats
from tui.screen.status_tab import image_matches

SECRET_FILE = """\
apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  password: aHVudGVyMg==
stringData:
  token: |
    line one
    line two
  inline: {a: b}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: production
"""


def test_mask_hides_secret_values_and_keeps_the_rest() -> None:
    masked, changed = mask_secrets(SECRET_FILE)
    assert changed
    assert (
        "aHVudGVyMg==" not in masked and "line one" not in masked and "inline: {a: b}" not in masked
    )
    assert masked.count(MASK) == 3
    assert "mode: production" in masked  # a ConfigMap is not secret
    docs = list(yaml.safe_load_all(masked))
    assert docs[0]["data"]["password"] == MASK and docs[1]["data"]["mode"] == "production"


def test_mask_falls_back_to_indentation_when_yaml_is_broken() -> None:
    broken = SECRET_FILE.replace("  name: creds", "  name: [creds")
    masked, changed = mask_secrets(broken)
    assert changed
    assert "aHVudGVyMg==" not in masked and "line one" not in masked
    assert "mode: production" in masked


def test_mask_leaves_files_without_secrets_alone() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"
    assert mask_secrets(text) == (text, False)


def entry(
    name: str = "web",
    namespace: str = "default",
    labels: dict[str, str] | None = None,
    waiting: str | None = None,
) -> PodEntry:
    state = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    pod = {
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
        "spec": {"containers": [{"name": "c"}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [{"name": "c", "state": state, "ready": not waiting}],
        },
    }
    return PodEntry(namespace, name, pod)


@pytest.mark.parametrize(
    ("query", "namespace", "expected"),
    [
        ("", None, True),
        ("we", None, True),
        ("WEB", None, True),
        ("db", None, False),
        ("app=web", None, True),
        ("app=web,tier=db", None, False),
        ("app!=db", None, True),
        ("crashloop", None, True),
        ("!Running", None, True),
        ("!crash", None, False),
        ("", "default", True),
        ("", "staging", False),
    ],
)
def test_filter_by_name_label_status_and_namespace(
    query: str, namespace: str | None, expected: bool
) -> None:
    assert (
        matches(entry(labels={"app": "web"}, waiting="CrashLoopBackOff"), query, namespace)
        is expected
    )


def test_manifest_problem_is_the_first_error() -> None:
    pod = {
        "status": {
            "conditions": [
                {
                    "type": "podtui.io/ManifestValid",
                    "status": "False",
                    "message": "a.yaml:3: bad; a.yaml:9: worse",
                }
            ]
        }
    }
    assert manifest_problem(pod) == "a.yaml:3: bad"
    assert manifest_problem({"status": {}}) is None


def test_delete_plan_file_document_or_engine(tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    folder.mkdir()
    with_secret = folder / "web.yaml"
    with_secret.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"
    )
    alone = folder / "solo.yaml"
    alone.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\n")
    shared = folder / "two.yaml"
    shared.write_text(
        "# two pods\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  namespace: team\n"
    )
    (folder / "sub").mkdir()
    nested = folder / "sub" / "solo.yaml"
    nested.write_text(alone.read_text())
    assert delete_plan("default", "solo", str(alone), folder).kind == "file"
    plan = delete_plan("default", "web", str(with_secret), folder)
    assert plan.kind == "document" and "secret/s" in plan.consequence  # the Secret stays
    assert delete_plan("team", "b", str(shared), folder).kind == "document"
    assert delete_plan("default", "gone", str(shared), folder).kind == "engine"
    assert delete_plan("default", "solo", str(nested), folder).kind == "engine"  # never applied
    assert delete_plan("default", "web", str(tmp_path / "elsewhere.yaml"), folder).kind == "engine"
    assert delete_plan("default", "web", None, folder).kind == "engine"
    assert remove_pod_document(shared, "team", "b")
    left = list(yaml.safe_load_all(shared.read_text()))
    assert [d["metadata"]["name"] for d in left] == ["a"]
    assert shared.read_text().startswith("# two pods")
    assert remove_pod_document(with_secret, "default", "web")
    assert [d["kind"] for d in yaml.safe_load_all(with_secret.read_text())] == ["Secret"]
    assert remove_pod_document(alone, "default", "solo") and not alone.exists()


def test_stats_rows_become_samples() -> None:
    rows = [
        {"Name": "abc-infra", "CPU": "1.1%", "MemUsageBytes": "436KiB / 23GiB"},
        {"Name": "default_web_infra", "CPU": "1.1%", "MemUsageBytes": "436KiB / 23GiB"},
        {"Name": "default_web_nginx_2", "CPU": "12.5%", "MemUsageBytes": "2MiB / 23GiB"},
        {"Name": "other", "CPU": "--", "MemUsage": "-- / --"},
    ]
    samples = samples_from_pod_stats(rows, "default_web")
    assert [(s.container, s.cpu_percent, s.memory_bytes) for s in samples] == [
        ("nginx", 12.5, 2 * 1024**2),
        ("other", 0.0, 0.0),
    ]
    assert parse_size("532.5kB") == 532500


def test_first_published_port_url() -> None:
    pod = {
        "spec": {
            "containers": [
                {"name": "a", "ports": [{"containerPort": 80}]},
                {"name": "b", "ports": [{"containerPort": 80, "hostPort": 8080}]},
            ]
        }
    }
    assert first_port_url(pod, "127.0.0.1") == "http://127.0.0.1:8080/"
    assert first_port_url({"spec": {"containers": [{"name": "a"}]}}, "127.0.0.1") is None
    assert can_open_browser({"DISPLAY": ":0"})


def test_running_containers_and_attempt_signature() -> None:
    pod = {
        "status": {
            "containerStatuses": [
                {"name": "a", "state": {"running": {}}, "containerID": "podman://123"},
                {
                    "name": "b",
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"containerID": "podman://456"}},
                },
            ]
        }
    }
    assert running_containers(pod) == [("a", "123")]
    before = attempts_signature(pod)
    pod["status"]["containerStatuses"][1]["state"] = {"running": {"containerID": "podman://789"}}
    assert attempts_signature(pod) != before


def test_image_matching_for_pull_bars() -> None:
    assert image_matches("registry.example.test/library/busybox:latest", "busybox")
    assert image_matches("localhost/podtui/busybox:latest", "localhost/podtui/busybox")
    assert not image_matches("localhost/podtui/busybox:1.35", "localhost/podtui/busybox")


def test_bridge_translates_and_collapses() -> None:
    first = translate(PodChanged("default", "web", {"a": 1}))
    second = translate(PodChanged("default", "web", {"a": 2}))
    other = translate(PodChanged("default", "db", {}))
    assert isinstance(first, EngineBridge.PodUpdated) and isinstance(second, Message)
    assert second.can_replace(first) and not second.can_replace(other)  # type: ignore[arg-type]
    pull = translate(PullProgressed("img", 1, 2, 3, 4))
    assert isinstance(pull, EngineBridge.PullUpdated)
    assert pull.can_replace(translate(PullProgressed("img", 0, 2, 0, 4)))  # type: ignore[arg-type]
    assert isinstance(
        translate(ConnectionChanged(False, detail="x")), EngineBridge.ConnectionUpdated
    )
    assert isinstance(translate(RoleChanged("viewer")), EngineBridge.RoleUpdated)


def test_exited_containers_are_named_with_reason_and_code() -> None:
    pod = {
        "status": {
            "initContainerStatuses": [
                {"name": "migrate", "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
                {"name": "seed", "state": {"running": {}}},
            ],
            "containerStatuses": [{"name": "main", "state": {"waiting": {"reason": "PodInitializing"}}}],
        }
    }
    assert exited_containers(pod) == {"migrate": "Completed, exit code 0"}
    assert exited_containers({}) == {}
