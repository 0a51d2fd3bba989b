"""Scores agree with our graded answers on the held-out questions (tests/fixtures/answers).

The benchmark (benchmarks/analysis_accuracy.py) prints the full figures; this test holds the
issue's targets (held-out pairwise >= 0.90, >= 0.85 where the worse answer is at least as long)
on both embedding paths: int8 answers (the default where the CPU allows) and exact float32
answers (CPUs without VNNI, or no onnxruntime). Scoring every graded answer twice is slow: those
tests are marked `slow` and run under CI=true (`make test` in .ci/run) or `make test-all`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

import calibration as C

from loopcoach.analysis.embeddings import MiniLMEmbedder
from loopcoach.analysis.engine import Analyzer


@pytest.fixture(scope="module", params=["default", "exact"])
def graded(
    request: pytest.FixtureRequest, analyzer: Analyzer
) -> tuple[list[C.Graded], dict[str, float]]:
    if request.param == "exact":
        if not isinstance(analyzer.embedder, MiniLMEmbedder):
            pytest.skip("the exact path needs the MiniLM model")
        # rubric text is embedded exactly on both paths: share the session's cached vectors
        analyzer = Analyzer(analyzer.library, MiniLMEmbedder(fast=False), cache=analyzer.cache)
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


@pytest.mark.slow
def test_calibration_held_out_pairwise_accuracy(graded: tuple[list[C.Graded],
                                                              dict[str, float]]) -> None:
    items, scores = graded
    _, test = C.split(items)
    prs = C.pairs(test)
    acc = C.pairwise_accuracy(prs, scores)
    lengths = {i.id: float(C.words(i.text)) for i in test}
    assert acc >= 0.90, acc
    assert acc >= C.pairwise_accuracy(prs, lengths) + 0.15


@pytest.mark.slow
def test_calibration_longer_worse_answers_are_caught(graded: tuple[list[C.Graded],
                                                                  dict[str, float]]) -> None:
    items, scores = graded
    _, test = C.split(items)
    prs = [(b, w) for b, w in C.pairs(test) if C.words(w.text) >= C.words(b.text)]
    assert C.pairwise_accuracy(prs, scores) >= 0.85


@pytest.mark.slow
def test_calibration_correlates_with_grades(graded: tuple[list[C.Graded],
                                                         dict[str, float]]) -> None:
    items, scores = graded
    _, test = C.split(items)
    assert C.spearman([scores[i.id] for i in test], [i.overall for i in test]) >= 0.78
