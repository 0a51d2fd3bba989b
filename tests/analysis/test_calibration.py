"""Scores agree with our graded answers on the held-out questions (tests/fixtures/answers).

The benchmark (benchmarks/analysis_accuracy.py) prints the full figures; this test keeps a floor
under them so a change that makes the scores worse fails."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

import calibration as C

from loopcoach.analysis.engine import Analyzer


@pytest.fixture(scope="module")
def graded(analyzer: Analyzer) -> tuple[list[C.Graded], dict[str, float]]:
    items = C.load()
    scores = {i.id: float(analyzer.analyze(i.question, i.text, role=i.role).score) for i in items}
    return items, scores


def test_calibration_fixtures_are_big_enough() -> None:
    items = C.load()
    assert len(items) >= 150
    assert len({i.file for i in items}) >= 40
    assert {i.role for i in items} == {"tpm", "tpo", "po"}
    assert {i.kind for i in items} >= {"behavioural", "situational", "technical", "competency",
                                      "culture", "case"}
    for trait in ("rambling", "short-strong", "jargon", "we-voice", "no-result", "blames"):
        assert any(trait in i.traits for i in items), trait


def test_calibration_held_out_pairwise_accuracy(graded: tuple[list[C.Graded],
                                                              dict[str, float]]) -> None:
    items, scores = graded
    _, test = C.split(items)
    prs = C.pairs(test)
    acc = C.pairwise_accuracy(prs, scores)
    lengths = {i.id: float(C.words(i.text)) for i in test}
    assert acc >= 0.91, acc
    assert acc >= C.pairwise_accuracy(prs, lengths) + 0.15


def test_calibration_longer_worse_answers_are_caught(graded: tuple[list[C.Graded],
                                                                  dict[str, float]]) -> None:
    items, scores = graded
    _, test = C.split(items)
    prs = [(b, w) for b, w in C.pairs(test) if C.words(w.text) >= C.words(b.text)]
    assert C.pairwise_accuracy(prs, scores) >= 0.87


def test_calibration_correlates_with_grades(graded: tuple[list[C.Graded],
                                                         dict[str, float]]) -> None:
    items, scores = graded
    _, test = C.split(items)
    assert C.spearman([scores[i.id] for i in test], [i.overall for i in test]) >= 0.80
