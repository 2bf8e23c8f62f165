"""Property tests: mutated manifests never crash the validator and every problem is located."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_helpers import FIXTURES, base_pod, dump

from tui.manifest import load_text

_SCALARS = st.one_of(
    st.sampled_from(["", "x", "Always", "-1", "1Gi", "../x", "//etc/", "yes", "a" * 300]),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["name", "image", "path", "x"]), _SCALARS, max_size=3),
)
_KEYS = st.sampled_from(
    ["bogus", "name", "image", "ports", "hostPath", "secret", "optional", "restartPolicy", "items"]
)


def _paths(obj: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            found.extend(_paths(value, prefix + (key,)))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            found.extend(_paths(value, prefix + (index,)))
    return found


@st.composite
def mutated(draw: st.DrawFn, original: dict[str, Any]) -> dict[str, Any]:
    """Drop, replace, retype or add random fields of a valid object."""
    obj = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 5))):
        paths = [p for p in _paths(obj) if p]
        if not paths:
            break
        target = draw(st.sampled_from(paths))
        parent: Any = obj
        for part in target[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["drop", "replace", "add", "retype"]))
        last = target[-1]
        if action == "drop":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(_KEYS)] = draw(_VALUES)
        elif action == "retype":
            value = parent[last]
            parent[last] = [value] if not isinstance(value, list) else {"k": value}
        else:
            parent[last] = draw(_VALUES)
    return obj


def _check(obj: object) -> None:
    parsed = load_text(dump(obj), "m.yaml")  # must not raise
    for problem in parsed.problems:
        assert problem.field, problem
        assert problem.line is not None and problem.line >= 1, problem
        assert problem.col is not None and problem.col >= 1, problem
        str(problem)
    for document in parsed.documents:
        assert isinstance(document.obj, dict) and isinstance(document.raw, dict)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(base_pod()))
def test_mutated_pods_never_crash_and_problems_are_located(pod: dict[str, Any]) -> None:
    _check(pod)


def _fixture_objects() -> list[dict[str, Any]]:
    import yaml

    return list(yaml.safe_load_all((FIXTURES / "web-config.yaml").read_text())) + [
        yaml.safe_load((FIXTURES / "web.yaml").read_text())
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_fixture_objects()).flatmap(mutated))
def test_mutated_fixture_objects_never_crash(obj: dict[str, Any]) -> None:
    _check(obj)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" :-[]{}&*!|>'\"#\n\tab1.<~?,")), max_size=80))
def test_random_yaml_text_never_crashes(text: str) -> None:
    parsed = load_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n" + text, "r.yaml")
    assert all(p.field and p.line for p in parsed.problems)
