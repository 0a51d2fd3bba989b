"""Kano: the standard evaluation table and classification by the most frequent category."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.errors import LoopcoachError
from loopcoach.exercises import files, kano

FIX = Path(__file__).parents[1] / "fixtures" / "exercises"


@pytest.mark.parametrize(
    "functional,dysfunctional,category",
    [
        ("like", "dislike", "O"),
        ("like", "neutral", "A"),
        ("expect", "dislike", "M"),
        ("neutral", "neutral", "I"),
        ("dislike", "like", "R"),
        ("like", "like", "Q"),
        ("dislike", "dislike", "Q"),
        ("tolerate", "dislike", "M"),
        ("like", "expect", "A"),
    ],
)
def test_kano_evaluation_table(functional: str, dysfunctional: str, category: str) -> None:
    assert kano.categorise(functional, dysfunctional) == category


def test_kano_classifies_by_most_frequent_with_counts() -> None:
    # Saved cards: M, M, O -> M. Chef videos: A, A, I -> A.
    # Social feed: I, R, Q -> a three-way tie, broken M > O > A > I > R > Q -> I.
    records = files.load_records(
        FIX / "kano.csv", what="Kano survey", list_keys=kano.LIST_KEYS, aliases=kano.ALIASES
    )
    got = {r.feature: r for r in kano.classify(records)}
    assert got["Saved cards"].category == "M"
    assert got["Saved cards"].counts == {"M": 2, "O": 1}
    assert got["Saved cards"].better == pytest.approx(1 / 3)
    assert got["Saved cards"].worse == pytest.approx(-1.0)
    assert got["Chef videos"].category == "A"
    assert got["Social feed"].category == "I"
    assert got["Social feed"].to_dict()["counts"] == {
        "A": 0,
        "O": 0,
        "M": 0,
        "I": 1,
        "R": 1,
        "Q": 1,
    }


def test_kano_accepts_long_answer_wording() -> None:
    records = files.records_from_data(
        [{"feature": "x", "functional": "I like it", "dysfunctional": "I can live with it"}],
        source="test",
    )
    assert kano.classify(records)[0].category == "A"


def test_kano_unknown_answer_names_row_and_column() -> None:
    records = files.records_from_data(
        [{"feature": "x", "functional": "love", "dysfunctional": "dislike"}], source="s.yaml"
    )
    with pytest.raises(LoopcoachError, match=r"s.yaml item 1, column 'functional': 'love'"):
        kano.classify(records)
