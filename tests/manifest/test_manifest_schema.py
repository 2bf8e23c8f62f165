"""Structural validation against Kubernetes' OpenAPI schema, and its fidelity to jsonschema."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_helpers import base_pod, errors_of, one
from referencing import Registry, Resource

from tui.manifest import schema
from tui.manifest.problems import render_path


def test_unknown_field_is_reported_at_its_key_with_a_suggestion(pod: dict[str, Any]) -> None:
    pod["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    problem = one(errors_of(pod), "spec.containers[0].imagePullPolicyy")
    assert problem.kind == "Invalid value" and problem.value == "Always"
    assert problem.detail == 'unknown field "imagePullPolicyy", did you mean "imagePullPolicy"?'


def test_all_errors_are_reported_not_only_the_first(pod: dict[str, Any]) -> None:
    container = pod["spec"]["containers"][0]
    container["ports"][0]["containerPort"] = "80"
    container["stdin"] = "yes please"
    container["bogus"] = 1
    del container["image"]
    assert {
        "spec.containers[0].ports[0].containerPort",
        "spec.containers[0].stdin",
        "spec.containers[0].bogus",
        "spec.containers[0].image",
    } <= {p.field for p in errors_of(pod)}


def test_type_errors_name_the_expected_type(pod: dict[str, Any]) -> None:
    pod["spec"]["containers"][0]["ports"][0]["containerPort"] = "80"
    problem = one(errors_of(pod), "spec.containers[0].ports[0].containerPort")
    assert problem.value == "80" and problem.detail == "must be of type int32, not string"
    pod = base_pod()
    pod["spec"]["containers"] = {"name": "a"}
    problem = one(errors_of(pod), "spec.containers")
    assert problem.value is None and problem.detail == "must be of type array, not object"


def test_int32_range_is_checked(pod: dict[str, Any]) -> None:
    pod["spec"]["containers"][0]["ports"][0]["hostPort"] = 2**40
    details = [
        p.detail for p in errors_of(pod) if p.field == "spec.containers[0].ports[0].hostPort"
    ]
    assert "must be of type int32 (out of range)" in details


def test_quantities_follow_the_kubernetes_grammar(pod: dict[str, Any]) -> None:
    limits = pod["spec"]["containers"][0]["resources"]["limits"]
    limits["memory"] = "128 Mi"
    limits["cpu"] = "1ki"
    problems = errors_of(pod)
    problem = one(problems, "spec.containers[0].resources.limits[memory]")
    assert problem.detail.startswith("quantities must match the regular expression")
    problem = one(problems, "spec.containers[0].resources.limits[cpu]")
    assert problem.detail == "unable to parse quantity's suffix"


@pytest.mark.parametrize("value", ["500m", "128Mi", "1e3", "1.5", ".5", "1E", 2, 0.25, "+1", "1.G"])
def test_valid_quantities(pod: dict[str, Any], value: object) -> None:
    resources = pod["spec"]["containers"][0]["resources"]
    resources["limits"] = {"memory": value}
    resources["requests"] = {"memory": value}
    assert errors_of(pod) == []


def test_int_or_string_ports(pod: dict[str, Any]) -> None:
    probe = pod["spec"]["containers"][0]["livenessProbe"]
    probe["httpGet"]["port"] = "http"
    assert errors_of(pod) == []
    probe["httpGet"]["port"] = [80]
    problem = one(errors_of(pod), "spec.containers[0].livenessProbe.httpGet.port")
    assert problem.detail == "must be of type integer or string, not array"


def test_null_decodes_to_the_zero_value(pod: dict[str, Any]) -> None:
    pod["spec"]["containers"][0]["stdin"] = None
    pod["spec"]["nodeSelector"] = None
    assert errors_of(pod) == []


def test_validator_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = schema.validator_for("Pod")
    assert schema.validator_for("Pod") is checker

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the schema was read again")

    monkeypatch.setattr(json, "load", refuse)
    monkeypatch.setattr(json, "loads", refuse)
    for kind in schema.KIND_DEFINITIONS:
        schema.validate_structure(kind, {})


# --- fidelity: the compiled checker agrees with the jsonschema package on the same schema ---

_REFERENCE: list[jsonschema.Draft202012Validator] = []


def _reference() -> jsonschema.Draft202012Validator:
    if not _REFERENCE:
        directory = schema.schema_directory()
        definitions = json.loads((directory / "_definitions.json").read_text())
        pod_schema = json.loads((directory / "pod-v1.json").read_text())
        registry = Registry().with_resources(
            [
                (definitions["$id"], Resource.from_contents(definitions)),
                (pod_schema["$id"], Resource.from_contents(pod_schema)),
            ]
        )
        _REFERENCE.append(jsonschema.Draft202012Validator(pod_schema, registry=registry))
    return _REFERENCE[0]


def _reference_paths(obj: dict[str, Any]) -> set[str]:
    paths: set[str] = set()
    for error in _reference().iter_errors(obj):
        base = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            extra = [k for k in error.instance if k not in error.schema.get("properties", {})]
            paths.update(render_path(base + (k,)) for k in extra)
        elif error.validator == "required":
            paths.update(
                render_path(base + (k,)) for k in error.validator_value if k not in error.instance
            )
        else:
            paths.add(render_path(base))
    return paths


def _our_paths(obj: dict[str, Any]) -> set[str]:
    paths = set()
    for link, _kind, _value, detail, _on_key in schema.validate_structure("Pod", obj):
        if detail.startswith(("quantities", "unable to parse")) or "out of range" in detail:
            continue  # checks jsonschema does not make (formats)
        parts = schema.link_path(link)
        paths.add(render_path(tuple(str(p) if not isinstance(p, int) else p for p in parts)))
    return paths


_VALUES = st.sampled_from(["x", 7, True, 1.5, {}, [], {"k": "v"}, ["a"], {"name": "n"}])


def _walk(obj: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            found.extend(_walk(value, prefix + (key,)))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            found.extend(_walk(value, prefix + (index,)))
    return found


@st.composite
def mutated_pods(draw: st.DrawFn) -> dict[str, Any]:
    pod = base_pod()
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _walk(pod) if p]
        target = draw(st.sampled_from(paths))
        parent: Any = pod
        for part in target[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["drop", "replace", "add"]))
        last = target[-1]
        if action == "drop" and isinstance(parent, dict):
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["bogus", "nmae", "image", "spec"]))] = copy.deepcopy(
                draw(_VALUES)
            )
        else:
            parent[last] = copy.deepcopy(draw(_VALUES))
    return pod


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pods())
def test_compiled_schema_agrees_with_jsonschema(pod: dict[str, Any]) -> None:
    # Both sides must find the same offending paths (the wording is ours).
    assert _our_paths(pod) == _reference_paths(pod)
