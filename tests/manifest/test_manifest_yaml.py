"""YAML reading: scalars as the API server reads them, keys, duplicates, positions, documents."""

from __future__ import annotations

from manifest_helpers import errors_of, one, parse

from tui.manifest.problems import Key, Problem, parse_path, render_path
from tui.manifest.yaml_scalars import resolve_plain

POD_HEAD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"


def test_problem_renders_like_kubernetes_field_errors() -> None:
    invalid = Problem("m/web.yaml", 14, 17, "spec.x", "Invalid value", 'a"b', "bad")
    assert str(invalid) == 'm/web.yaml:14:17: spec.x: Invalid value: "a\\"b": bad'
    assert str(Problem("f", 1, 2, "spec.n", "Invalid value", 70000, "too big")) == (
        "f:1:2: spec.n: Invalid value: 70000: too big"
    )
    # Required never shows the value; an empty detail is left out.
    assert (
        str(Problem("f", 3, 1, "spec.c", "Required value", "", ""))
        == "f:3:1: spec.c: Required value"
    )
    assert (
        str(Problem("f", 3, 1, "spec.v", "Not found", "cache", ""))
        == 'f:3:1: spec.v: Not found: "cache"'
    )
    assert (
        str(Problem("f", 3, 1, "spec.v", "Invalid value", None, "x"))
        == "f:3:1: spec.v: Invalid value: x"
    )
    assert (
        str(Problem("f", 3, 1, "a", "Invalid value", True, "")) == "f:3:1: a: Invalid value: true"
    )
    assert (
        str(Problem("f", 3, 1, "a", "Invalid value", {"b": [1]}, ""))
        == 'f:3:1: a: Invalid value: {"b":[1]}'
    )
    warning = Problem("f", 1, 1, "a", "Forbidden", None, "no", "warning")
    assert not warning.is_error and warning.as_error().is_error


def test_field_paths_render_and_parse_like_field_path() -> None:
    path = ("spec", "containers", 0, "resources", "limits", Key("cpu"))
    assert render_path(path) == "spec.containers[0].resources.limits[cpu]"
    assert parse_path("spec.containers[0].resources.limits[cpu]") == path
    assert parse_path("metadata.labels[app.kubernetes.io/name]")[-1] == "app.kubernetes.io/name"


def test_plain_scalars_resolve_like_go_yaml() -> None:
    assert resolve_plain("yes") is True and resolve_plain("off") is False
    assert resolve_plain("0644") == 0o644 and resolve_plain("0x1F") == 31
    assert resolve_plain("1_000") == 1000 and resolve_plain("1.5") == 1.5
    assert resolve_plain("22:22") == "22:22"  # not base 60
    assert resolve_plain("2024-01-01") == "2024-01-01"  # timestamps stay text
    assert resolve_plain("08") == "08" and resolve_plain("~") is None


def test_keys_stay_the_strings_written_even_yaml11_booleans() -> None:
    text = POD_HEAD + "  labels:\n    on: 'x'\n    yes: y\n    1: z\n"
    document = parse(text).documents[0]
    assert document.raw["metadata"]["labels"] == {"on": "x", "yes": "y", "1": "z"}


def test_boolean_where_a_string_is_expected_says_to_quote_it() -> None:
    text = (
        POD_HEAD
        + "spec:\n  containers:\n  - name: a\n    image: b\n    env:\n    - name: X\n      value: yes\n"
    )
    problem = one(errors_of(text), "spec.containers[0].env[0].value")
    assert (problem.line, problem.col) == (11, 14)
    assert problem.value is True and "quote it" in problem.detail and "read yes" in problem.detail


def test_duplicate_keys_are_an_error_at_the_second_key() -> None:
    text = POD_HEAD + "spec:\n  containers:\n  - name: a\n    image: b\n    image: c\n"
    problem = one(errors_of(text), "spec.containers[0].image", "Duplicate value")
    assert (problem.line, problem.col) == (9, 5)
    assert problem.value == "image" and "line 8" in problem.detail
    document = parse(text).documents[0]
    assert not document.ok and problem in document.problems


def test_non_string_keys_are_an_error() -> None:
    text = POD_HEAD + "spec:\n  ? [a, b]\n  : c\n  containers: [{name: a, image: b}]\n"
    problem = one(errors_of(text), "spec", "Invalid value")
    assert problem.detail == "mapping keys must be strings" and problem.line == 6


def test_merge_keys_are_applied_and_explicit_keys_win() -> None:
    text = (
        POD_HEAD
        + "spec:\n  containers:\n  - &base {name: a, image: b}\n  - <<: *base\n    name: c\n"
    )
    parsed = parse(text)
    assert parsed.ok, parsed.problems
    assert parsed.documents[0].raw["spec"]["containers"][1] == {"name": "c", "image": "b"}
    assert parsed.documents[0].position("spec.containers[1].image") == (7, 28)


def test_empty_documents_are_skipped_and_indexes_kept() -> None:
    text = (
        "---\n---\n# only a comment\n---\n"
        + POD_HEAD
        + "spec:\n  containers: [{name: a, image: b}]\n"
    )
    parsed = parse(text)
    assert parsed.ok
    assert [(d.index, d.line) for d in parsed.documents] == [(2, 5)]


def test_positions_point_at_the_offending_node() -> None:
    text = (
        POD_HEAD
        + "spec:\n"
        + "  containers:\n"
        + "  - name: a\n"
        + "    image: b\n"
        + "    ports:\n"
        + "    - containerPort: 99999\n"
    )
    problem = one(errors_of(text), "spec.containers[0].ports[0].containerPort")
    assert (problem.line, problem.col) == (10, 22)
    document = parse(text).documents[0]
    assert document.position("spec.containers[0].image") == (8, 12)
    # A missing field points at its parent mapping.
    assert document.position("spec.containers[0].nope") == (7, 5)


def test_missing_required_field_points_at_parent_mapping() -> None:
    text = POD_HEAD + "spec:\n  containers:\n  - name: a\n"
    problem = one(errors_of(text), "spec.containers[0].image", "Required value")
    assert (problem.line, problem.col) == (7, 5)


def test_second_document_lines_are_absolute() -> None:
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  ok: x\n"
    text = config + "---\n" + config.replace("ok: x", "'bad key': x")
    problem = one(errors_of(text), "data[bad key]")
    assert (problem.line, problem.col) == (13, 3)


def test_yaml_syntax_error_has_its_mark() -> None:
    problem = one(parse("a: [1, 2\nb: c\n").problems, "<file>")
    assert problem.line == 2 and "YAML syntax error" in problem.detail


def test_list_kind_yields_its_items() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: B}\n"
    )
    parsed = parse(text)
    assert [d.name for d in parsed.documents] == ["a", "B"]
    problem = one(parsed.problems, "metadata.name")
    assert problem.line == 9 and problem.value == "B"
    assert parsed.documents[1].position("metadata.name") == (9, 20)
    assert parsed.documents[0].ok and not parsed.documents[1].ok


def test_unknown_kinds_and_api_versions_name_what_is_supported() -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
    problem = one(errors_of(text), "kind", "Unsupported value")
    assert problem.value == "Deployment"
    assert '"ConfigMap", "PersistentVolumeClaim", "Pod", "Secret"' in problem.detail
    problem = one(errors_of("apiVersion: v2\nkind: Pod\n"), "apiVersion", "Unsupported value")
    assert 'supported values: "v1"' in problem.detail
    one(errors_of("apiVersion: v1\nmetadata: {}\n"), "kind", "Required value")
    one(errors_of("- a\n- b\n"), "<document>", "Invalid value")
