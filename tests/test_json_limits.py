"""The JSON depth limit of files read from disk or uploads (`limits.json_load`): the decoded
value is walked, so brackets inside strings never count and nothing recurses."""

from __future__ import annotations

import json
import time

import pytest

from loopcoach.limits import MAX_DEPTH, LimitError, check_value_depth, json_load


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_up_to_the_limit_loads() -> None:
    assert json_load(nested(MAX_DEPTH), source="f.json") is not None
    assert json_load('{"a": ' * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1), source="f") == (
        json.loads('{"a": ' * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1))
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 50_000, 1_000_000])
def test_deeper_nesting_is_a_one_line_error_naming_the_file(depth: int) -> None:
    started = time.perf_counter()
    with pytest.raises(LimitError) as err:
        json_load(nested(depth), source="resume.json")
    assert (
        str(err.value) == f"resume.json: JSON nested more than {MAX_DEPTH} levels deep; flatten it"
    )
    assert "\n" not in str(err.value)
    assert time.perf_counter() - started < 5


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"work": [{"highlights": ["[" * 10_000 + "{" * 10_000]}]})
    assert json_load(text, source="r.json")["work"][0]["highlights"][0].startswith("[[[")


def test_mixed_objects_and_arrays_are_counted_together() -> None:
    value: object = 1
    for k in range(MAX_DEPTH + 1):
        value = {"k": value} if k % 2 else [value]
    with pytest.raises(LimitError):
        check_value_depth(value, source="x")
    with pytest.raises(LimitError):
        json_load(json.dumps(value), source="x")


def test_syntax_errors_are_left_to_the_caller() -> None:
    with pytest.raises(json.JSONDecodeError):
        json_load('{"work": [', source="r.json")


def test_a_wide_flat_document_is_fine() -> None:
    doc = {"work": [{"highlights": [f"line {i}" for i in range(50)]} for i in range(2000)]}
    assert len(json_load(json.dumps(doc), source="r.json")["work"]) == 2000
