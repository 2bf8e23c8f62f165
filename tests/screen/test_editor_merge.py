"""The editor's text comparison: unified diff and three-way merge (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.screen.diff_view import (
    CONFLICT_OURS,
    CONFLICT_SEPARATOR,
    CONFLICT_THEIRS,
    merge3,
    styled_diff,
    unified_diff,
)

BASE = "a\nb\nc\nd\ne\n"


def test_changes_on_different_lines_both_survive() -> None:
    result = merge3(BASE, "a\nB\nc\nd\ne\n", "a\nb\nc\nd\nE\n")
    assert result.text == "a\nB\nc\nd\nE\n"
    assert result.conflicts == 0


def test_the_same_change_on_both_sides_is_taken_once() -> None:
    result = merge3(BASE, "a\nX\nc\nd\ne\n", "a\nX\nc\nd\ne\n")
    assert result.text == "a\nX\nc\nd\ne\n"
    assert result.conflicts == 0


def test_different_changes_to_one_line_are_marked() -> None:
    result = merge3(BASE, "a\nmine\nc\nd\ne\n", "a\ntheirs\nc\nd\ne\n")
    assert result.conflicts == 1
    assert result.text == (
        f"a\n{CONFLICT_OURS}\nmine\n{CONFLICT_SEPARATOR}\ntheirs\n{CONFLICT_THEIRS}\nc\nd\ne\n"
    )


def test_additions_at_the_end_without_newline_do_not_join_markers() -> None:
    result = merge3(BASE, BASE + "mine", BASE + "theirs")
    assert result.conflicts == 1
    assert f"mine\n{CONFLICT_SEPARATOR}\ntheirs\n{CONFLICT_THEIRS}\n" in result.text


def test_deletion_on_one_side_and_nothing_on_the_other() -> None:
    assert merge3(BASE, "a\nc\nd\ne\n", BASE).text == "a\nc\nd\ne\n"
    assert merge3(BASE, BASE, "a\nb\nc\n").text == "a\nb\nc\n"


def test_empty_base_with_equal_sides() -> None:
    assert merge3("", "x\n", "x\n").text == "x\n"


@given(
    st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n"]), max_size=8),
    st.lists(st.sampled_from(["a\n", "b\n", "x\n"]), max_size=8),
)
def test_one_side_unchanged_means_the_other_side_wins(base: list[str], other: list[str]) -> None:
    base_text, other_text = "".join(base), "".join(other)
    assert merge3(base_text, base_text, other_text).text == other_text
    assert merge3(base_text, other_text, base_text).text == other_text


def test_unified_diff_names_disk_and_editor() -> None:
    diff = unified_diff("a\nb\n", "a\nc\n", "manifests/web.yaml")
    assert diff.splitlines() == [
        "--- manifests/web.yaml (on disk)",
        "+++ manifests/web.yaml (editor)",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "+c",
    ]
    assert unified_diff("same\n", "same\n", "x") == ""


def test_styled_diff_colours_lines() -> None:
    text = styled_diff(unified_diff("a\nb\n", "a\nc\n", "w.yaml"))
    styles = {span.style for span in text.spans}
    assert {"green", "red", "cyan", "bold"} <= styles
