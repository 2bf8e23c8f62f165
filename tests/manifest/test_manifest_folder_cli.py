"""Folders of manifests and the ``podtui validate`` command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from manifest_helpers import FIXTURES, base_pod, dump

from tui.cli.main import main
from tui.manifest import is_manifest_file, manifest_files, scan_folder, validate_paths


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the fixture manifests, plus the droppings editors leave behind."""
    target = tmp_path / "manifests"
    shutil.copytree(FIXTURES, target)
    for name in (".web.yaml.swp", "web.yaml~", "4913", "notes.txt", ".hidden.yaml", "x.yaml.tmp"):
        (target / name).write_text("junk: [")
    return target


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("web.yaml", True),
        ("web.yml", True),
        ("WEB.YAML", True),
        (".web.yaml", False),
        (".web.yaml.swp", False),
        ("web.yaml~", False),
        ("4913", False),
        ("web.tmp", False),
        ("web.yaml.tmp", False),
        ("#web.yaml#", False),
        ("web.json", False),
        ("notes.txt", False),
    ],
)
def test_is_manifest_file(name: str, wanted: bool) -> None:
    assert is_manifest_file(Path("/somewhere") / name) is wanted


def test_manifest_files_are_top_level_unless_recursive(folder: Path) -> None:
    assert [p.name for p in manifest_files(folder)] == ["web-config.yaml", "web.yaml"]
    deep = manifest_files(folder, recursive=True)
    assert folder / "examples" / "hello.yaml" in deep and len(deep) == 3


def test_scan_folder_indexes_and_reports(folder: Path) -> None:
    scan = scan_folder(folder)
    assert sorted(p.name for p in scan.files) == ["web-config.yaml", "web.yaml"]
    assert ("default", "web-config") in scan.index.config_maps
    assert ("default", "web-state") in scan.index.claims
    assert scan.problems() == []
    assert [d.name for d in scan.documents()] == ["web-config", "web-secret", "web-state", "web"]


def test_duplicate_objects_in_a_folder_are_errors(folder: Path) -> None:
    (folder / "zz-copy.yaml").write_text((folder / "web.yaml").read_text())
    problems = scan_folder(folder).problems()
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == str(folder / "zz-copy.yaml") and problem.field == "metadata.name"
    assert problem.kind == "Duplicate value" and "already defined at" in problem.detail


def test_validate_paths_reports_each_file_once(folder: Path) -> None:
    (folder / "bad.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: Bad}\n")
    problems = validate_paths([folder, folder / "bad.yaml", folder])
    assert len([p for p in problems if p.field == "metadata.name"]) == 1


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_ok_folder(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([str(folder)], capsys)
    assert (code, out) == (0, "")
    assert err.strip() == "ok: 2 files checked, no problems"


def test_cli_reports_errors_one_per_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pod = base_pod()
    pod["metadata"]["name"] = "broken"
    pod["spec"]["containers"][0]["volumeMounts"][0]["name"] = "cache"
    text = dump(pod)
    line = text.splitlines().index("    - name: cache") + 1
    (folder / "broken.yaml").write_text(text)
    code, out, err = run_cli([str(folder)], capsys)
    assert code == 1
    assert out.splitlines() == [
        f'{folder / "broken.yaml"}:{line}:13: spec.containers[0].volumeMounts[0].name: Not found: "cache"'
    ]
    assert err.strip() == "failed: 1 error, 0 warnings in 3 files"


def test_cli_warnings_and_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pod = base_pod()
    pod["spec"]["hostNetwork"] = True
    path = tmp_path / "pod.yaml"
    path.write_text(dump(pod))
    code, out, err = run_cli([str(path)], capsys)
    assert code == 0 and out.rstrip().endswith(" [warning]") and "1 warning" in err
    code, out, err = run_cli(["--strict", str(path)], capsys)
    assert code == 1 and "[warning]" not in out and "1 error" in err


def test_cli_recursive_includes_subfolders(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "examples" / "bad.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
    )
    code, _, _ = run_cli([str(folder)], capsys)
    assert code == 0
    code, out, err = run_cli(["-R", str(folder)], capsys)
    assert code == 1 and "examples" in out and "4 files" in err


def test_cli_defaults_to_the_manifests_folder(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--manifests", str(folder), "validate"])
    assert code == 0 and "2 files checked" in capsys.readouterr().err


def test_cli_never_shows_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01")
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 3000)
    result = subprocess.run(
        [sys.executable, "-m", "tui", "validate", str(tmp_path), str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stdout.splitlines()) == 3


def test_engine_does_not_import_textual() -> None:
    code = (
        "import sys, tui.manifest, tui.cli.validate; "
        "from tui.manifest import load_text; load_text('a: b'); "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_recursive_scan_resolves_each_file_in_its_own_folder(folder: Path) -> None:
    pod = base_pod()
    pod["metadata"]["name"] = "uses-config"
    pod["spec"]["volumes"].append({"name": "c", "configMap": {"name": "web-config"}})
    (folder / "examples" / "uses-config.yaml").write_text(dump(pod))
    (folder / "uses-config.yaml").write_text(dump(pod))
    scan = scan_folder(folder, recursive=True)
    assert ("default", "web-config") not in scan.index_for(folder / "examples").config_maps
    warnings = scan.problems()
    assert [(Path(w.file or "").parent.name, w.field) for w in warnings] == [
        ("examples", "spec.volumes[1].configMap.name")
    ]
    assert not warnings[0].is_error
