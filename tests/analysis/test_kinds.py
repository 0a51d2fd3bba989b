"""The closed word sets of `domain/kinds.py`: the stored analyses use only their words, and
`one_of` lets a known word through and names the field of an unknown one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest

from loopcoach.domain.kinds import (
    DIMENSIONS,
    RUBRIC_SOURCES,
    FlagHow,
    FlagSource,
    PointHow,
    RubricSource,
    one_of,
)

GOLDEN = Path(__file__).parents[1] / "fixtures" / "analysis" / "golden-lexical.json"


def test_kinds_golden_analyses_use_only_known_words() -> None:
    seen: dict[str, set[str]] = {"dim": set(), "rubric": set(), "how": set(), "flag": set()}
    for report in json.loads(GOLDEN.read_text(encoding="utf-8")).values():
        seen["dim"] |= set(report["dimensions"])
        seen["rubric"].add(report["question"]["rubric"])
        seen["how"] |= {p["how"] for p in report["points_made"] + report["points_missed"]}
        seen["flag"] |= {f"{f['source']}/{f['how']}" for f in report["red_flags"]}
    assert seen["dim"] == set(DIMENSIONS)
    assert seen["rubric"] <= set(get_args(RubricSource)) and len(seen["rubric"]) >= 2
    assert seen["how"] <= set(get_args(PointHow)) and {"cue", ""} <= seen["how"]
    flags = {f"{s}/{h}" for s in get_args(FlagSource) for h in get_args(FlagHow)}
    assert seen["flag"] and seen["flag"] <= flags


def test_kinds_one_of_keeps_a_known_word() -> None:
    assert one_of(RUBRIC_SOURCES, "matched", "rubric") == "matched"


@pytest.mark.parametrize("value", ["Matched", "", None, 3])
def test_kinds_one_of_names_the_field_and_the_choices(value: object) -> None:
    with pytest.raises(ValueError, match=r"^rubric: .* is not one of pack, matched, generic$"):
        one_of(RUBRIC_SOURCES, value, "rubric")
