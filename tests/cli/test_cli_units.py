"""The CLI's pure parts: selectors, folder edits, tables, run's manifest, progress text."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
import yaml

from tui.cli.engine_access import pod_started
from tui.cli.folder_edits import declarations, install, remove_object
from tui.cli.label_selector import SelectorError, parse_selector
from tui.cli.main import build_parser, parse
from tui.cli.pod_names import UsageError, pod_names
from tui.cli.printing import Table, to_yaml
from tui.cli.pull_progress import PullProgressPrinter
from tui.cli.run import pod_manifest
from tui.reconciler.updates import PullProgressed

LABELS = {"app": "web", "tier": "front", "env": "prod", "count": "3"}


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ("", True),
        ("app=web", True),
        ("app==web", True),
        ("app=db", False),
        ("app!=db", True),
        ("missing!=x", True),
        ("app=web,tier!=front", False),
        ("env in (prod,staging)", True),
        ("env in (dev, staging)", False),
        ("env notin (dev,staging)", True),
        ("missing notin (a)", True),
        ("tier", True),
        ("missing", False),
        ("!missing", True),
        ("!app", False),
        ("app=web, env in (prod), !missing", True),
        ("count>2", True),
        ("count<3", False),
    ],
)
def test_selector_matches_like_kubectl(selector: str, matches: bool) -> None:
    assert parse_selector(selector).matches(LABELS) is matches


@pytest.mark.parametrize("bad", ["app=web,(", "env in (a,b", "a b c", "env in ()", "count>x"])
def test_selector_errors_are_one_line(bad: str) -> None:
    with pytest.raises(SelectorError, match="unable to parse requirement"):
        parse_selector(bad)


def test_pod_words() -> None:
    assert pod_names(["pods"], "get") == []
    assert pod_names(["po", "a", "b"], "get") == ["a", "b"]
    assert pod_names(["pod/a", "pods/b"], "get") == ["a", "b"]
    with pytest.raises(UsageError, match='doesn\'t have a resource type "deployments"'):
        pod_names(["deployments"], "get")
    with pytest.raises(UsageError, match="specify the type"):
        pod_names([], "get")


def test_table_is_aligned_like_kubectl_and_remembers_widths() -> None:
    out = io.StringIO()
    table = Table(out)
    table.write([["NAME", "READY", "STATUS"], ["web", "1/1", "Running"]])
    table.write([["a-much-longer-name", "0/1", "Pending"]])
    lines = out.getvalue().splitlines()
    assert lines[0] == "NAME   READY   STATUS"
    assert lines[1] == "web    1/1     Running"
    assert lines[2].startswith("a-much-longer-name   0/1")


def test_dashdash_words_go_to_the_command() -> None:
    parser = build_parser()
    args = parse(parser, ["exec", "web", "-c", "a", "--", "ls", "-l", "--x"])
    assert (args.pod, args.container, args.trailing) == ("web", "a", ["ls", "-l", "--x"])
    args = parse(parser, ["validate", "--", "x.yaml"])
    assert [str(p) for p in args.paths] == ["x.yaml"]


def test_usage_errors_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse(build_parser(), ["get", "pods", "--bogus"])
    assert exit_info.value.code == 1
    assert "error: unrecognized arguments: --bogus" in capsys.readouterr().err


def _run_args(*argv: str) -> argparse.Namespace:
    return parse(build_parser(), ["run", *argv])


def test_run_generates_kubectls_pod() -> None:
    pod = pod_manifest(_run_args("nginx-pod", "--image", "nginx", "--port", "80"))
    assert yaml.safe_load(to_yaml(pod)) == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "creationTimestamp": None,
            "labels": {"run": "nginx-pod"},
            "name": "nginx-pod",
        },
        "spec": {
            "containers": [
                {
                    "image": "nginx",
                    "name": "nginx-pod",
                    "ports": [{"containerPort": 80}],
                    "resources": {},
                }
            ],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
        },
        "status": {},
    }


def test_run_args_command_env_labels() -> None:
    args = _run_args(
        "x", "--image", "i", "--env", "A=1", "--labels", "a=b,c=d", "--restart", "Never",
        "--", "echo", "-n", "hi",
    )  # fmt: skip
    pod = pod_manifest(args)
    spec = pod["spec"]["containers"][0]
    assert spec["args"] == ["echo", "-n", "hi"] and "command" not in spec
    assert spec["env"] == [{"name": "A", "value": "1"}]
    assert pod["metadata"]["labels"] == {"a": "b", "c": "d"}
    assert pod["spec"]["restartPolicy"] == "Never"
    command = pod_manifest(_run_args("x", "--image", "i", "--command", "--", "sleep", "1"))
    assert command["spec"]["containers"][0]["command"] == ["sleep", "1"]


POD_A = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c, image: i}]\n"
)
CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {k: v}\n"


def test_install_replaces_a_file_declaring_the_same_objects(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "old-name.yaml").write_text(POD_A)
    data = (POD_A + "# edited\n").encode()
    target = install(data, "a.yaml", {("Pod", "default", "a")}, folder, declarations(folder))
    assert target == (folder / "old-name.yaml").resolve() and target.read_bytes() == data
    assert sorted(p.name for p in folder.iterdir()) == ["old-name.yaml"]


def test_install_picks_a_free_name_and_refuses_shared_files(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "a.yaml").write_text(CONFIG)
    target = install(POD_A.encode(), "a.yaml", {("Pod", "default", "a")}, folder, {})
    assert target.name == "a-2.yaml"
    (folder / "both.yaml").write_text(CONFIG.replace("cfg", "other") + "---\n" + POD_A)
    (folder / "a-2.yaml").unlink()
    with pytest.raises(Exception, match="together with configmap/other"):
        install(POD_A.encode(), "a.yaml", {("Pod", "default", "a")}, folder, declarations(folder))


def test_remove_object_cuts_one_document(tmp_path: Path) -> None:
    path = tmp_path / "all.yaml"
    path.write_text("# keep me\n" + CONFIG + "---\n" + POD_A)
    assert remove_object(path, ("Pod", "default", "a"))
    assert yaml.safe_load(path.read_text())["kind"] == "ConfigMap"
    assert path.read_text().startswith("# keep me")
    assert remove_object(path, ("ConfigMap", "default", "cfg"))
    assert not path.exists()


def test_remove_object_leaves_lists_alone(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
        "  metadata: {name: cfg}\n"
    )
    assert not remove_object(path, ("ConfigMap", "default", "cfg"))
    assert path.exists()


def _status(**state: object) -> dict[str, object]:
    return {"status": {"phase": "Pending", "containerStatuses": [{"name": "a", "state": state}]}}


def test_pod_started() -> None:
    assert not pod_started(_status(waiting={"reason": "ContainerCreating"}))
    assert pod_started(_status(waiting={"reason": "ErrImagePull"}))
    assert pod_started(_status(running={}))
    init = {
        "status": {
            "phase": "Pending",
            "initContainerStatuses": [
                {"name": "i", "state": {"terminated": {"exitCode": 0}}},
                {"name": "j", "state": {"running": {}}},
            ],
            "containerStatuses": [
                {"name": "a", "state": {"waiting": {"reason": "PodInitializing"}}}
            ],
        }
    }
    assert pod_started(init)


def test_pull_progress_plain_lines() -> None:
    out = io.StringIO()
    printer = PullProgressPrinter(out)
    printer.update(PullProgressed("img", 0, 2, 0, 2000))
    printer.update(PullProgressed("img", 0, 2, 500, 2000))  # same layer count: no new line
    printer.update(PullProgressed("img", 1, 2, 1500, 2000))
    printer.update(PullProgressed("img", 2, 2, 2000, 2000, done=True))
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("Pulling img [") and "1/2 layers" in lines[1]
    assert lines[2] == "Pulled img (2/2 layers, 2.0kB/2.0kB)"
