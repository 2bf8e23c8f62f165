"""Hostile input: each case gets a clear problem and nothing raises.

Timings and memory of these cases are measured in bench/validate.py, not here.
"""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

import pytest
from manifest_helpers import one, parse

from tui.manifest import LIMITS, load_bytes, load_file, load_text


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def test_file_over_3_mib_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(LIMITS.max_bytes + 1)  # sparse: no 3 MiB written
    opened: list[object] = []
    real_open = builtins.open

    def spy(*args: Any, **kwargs: Any) -> Any:
        opened.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    problem = one(load_file(big).problems, "<file>", "Too long")
    assert str(problem).startswith(
        f"{big}:1:1: <file>: Too long: may not be more than 3145728 bytes"
    )
    assert opened == []


def test_text_over_3_mib_is_refused() -> None:
    one(load_text("#" * (LIMITS.max_bytes + 1)).problems, "<file>", "Too long")


def test_billion_laughs_is_refused() -> None:
    problem = one(parse(billion_laughs()).problems, "<file>")
    assert "aliases expand to more than" in problem.detail
    assert problem.line is not None and problem.line > 1


def test_too_many_aliases_are_refused() -> None:
    text = "a: &a [x]\nb: [" + ",".join(["*a"] * (LIMITS.max_aliases + 1)) + "]\n"
    problem = one(parse(text).problems, "<file>")
    assert "too many YAML aliases" in problem.detail


def test_modest_aliases_are_fine() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n"
        "  - name: a\n    image: b\n    env: &env [{name: A, value: x}]\n"
        "  - name: c\n    image: b\n    env: *env\n"
    )
    parsed = parse(text)
    assert parsed.ok, parsed.problems
    assert parsed.documents[0].raw["spec"]["containers"][1]["env"] == [{"name": "A", "value": "x"}]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000,
        "".join(" " * i + "k:\n" for i in range(200)) + " " * 200 + "v\n",
        "- " * 5000 + "x\n",
        "a: " + "{b: " * 3000 + "c" + "}" * 3000,
    ],
    ids=["flow", "block-mapping", "block-sequence", "flow-mapping"],
)
def test_deep_nesting_is_refused_with_a_clear_message(text: str) -> None:
    problem = one(parse(text).problems, "<file>")
    assert "nesting" in problem.detail


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"a: b\nc: \x00\x01\x02")
    problem = one(load_file(path).problems, "<file>")
    assert (problem.line, problem.col) == (2, 4) and "binary file" in problem.detail
    one(load_text("a: \x00").problems, "<file>")


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: café\n".encode("latin-1"))
    problem = one(load_file(path).problems, "<file>")
    assert problem.line == 1 and "not UTF-8" in problem.detail


def test_utf8_bom_is_accepted() -> None:
    parsed = load_bytes("\ufeffapiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n".encode())
    assert parsed.ok and parsed.documents[0].name == "c"


def test_too_many_documents_are_refused() -> None:
    problem = one(parse("---\n{}\n" * (LIMITS.max_documents + 1)).problems, "<file>")
    assert "too many YAML documents" in problem.detail


def test_directories_and_special_files_are_not_read(tmp_path: Path) -> None:
    one(load_file(tmp_path).problems, "<file>", "Invalid value")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    problem = one(load_file(fifo).problems, "<file>", "Invalid value")
    assert "not a regular file" in problem.detail
    one(load_file(tmp_path / "missing.yaml").problems, "<file>", "Not found")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "---",
        "\t\tbad indentation: [",
        "*undefined",
        "!!python/object:os.system {}",
        "apiVersion: v1\nkind: Pod\nspec: [1, 2]\n",
        "apiVersion: v1\nkind: Pod\nmetadata: 7\nspec: {containers: 3}\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: [a]\nstringData: x\n",
        "kind: [Pod]\napiVersion: {}\n",
        "? - a\n: b\n",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    parsed = load_text(text)
    assert all(p.field and p.line for p in parsed.problems)
