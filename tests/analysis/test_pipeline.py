"""The analysis pipeline: the scorer registry, the features found once, extra dimensions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import yaml

from loopcoach.analysis import pipeline
from loopcoach.analysis.embeddings import load_embedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.analysis.features import FEATURE_NAMES, Features
from loopcoach.analysis.registry import FunctionScorer, ScorerRegistry
from loopcoach.analysis.weights import DEFAULT, WEIGHTS, overall
from loopcoach.content.library import Library
from loopcoach.domain.analysis import DimensionScore
from loopcoach.domain.kinds import DIMENSIONS

FIXTURES = Path(__file__).parents[1] / "fixtures"
STORY = (FIXTURES / "analysis" / "alignment_story.txt").read_text(encoding="utf-8")
FLAWED = FIXTURES / "answers" / "tpm" / "most-complex-program.yaml"
QUESTION = "Tell me about a time you drove alignment between teams who disagreed."


def _constant(dimension: str, value: float, reads: tuple[str, ...] = ("answer",)) -> FunctionScorer:
    return FunctionScorer(
        dimension, reads, lambda f: DimensionScore(dimension, value, "constant", (), ())
    )


@pytest.fixture(scope="module")
def embedder():  # type: ignore[no-untyped-def]
    return load_embedder("lexical")


@pytest.fixture(scope="module")
def plain(library: Library, embedder) -> Analyzer:  # type: ignore[no-untyped-def]
    return Analyzer(library, embedder)


# --- the registry ------------------------------------------------------------------------------


def test_the_defaults_are_the_six_dimensions_in_report_order() -> None:
    reg = pipeline.default_scorers()
    assert tuple(reg) == DIMENSIONS
    for name, scorer in reg.items():
        assert scorer.dimension == name
        assert scorer.reads and set(scorer.reads) <= FEATURE_NAMES, name


def test_each_call_gives_a_new_registry() -> None:
    a = pipeline.default_scorers()
    a.register(_constant("story_arc", 2.0))
    assert "story_arc" not in pipeline.default_scorers()


def test_registering_refuses_clashes_and_unknown_features() -> None:
    reg = pipeline.default_scorers()
    with pytest.raises(ValueError, match="replace=True"):
        reg.register(_constant("coverage", 1.0))
    with pytest.raises(ValueError, match="not features"):
        reg.register(_constant("story_arc", 1.0, reads=("answer", "notes")))
    with pytest.raises(ValueError, match="story_arc"):
        reg.register(_constant("story arc", 1.0))
    assert tuple(reg) == DIMENSIONS


def test_replacing_a_scorer_keeps_its_place(plain: Analyzer, library: Library, embedder) -> None:  # type: ignore[no-untyped-def]
    reg = pipeline.default_scorers()
    reg.register(_constant("specificity", 0.0, reads=("clean",)), replace=True)
    assert tuple(reg) == DIMENSIONS
    base = plain.analyze(QUESTION, STORY, role="tpm")
    a = Analyzer(library, embedder, scorers=reg).analyze(QUESTION, STORY, role="tpm")
    assert a.dimensions["specificity"].score == 0.0
    assert a.dimensions["specificity"].reason == "constant"
    for name in DIMENSIONS:
        if name != "specificity":
            assert a.dimensions[name] == base.dimensions[name], name
    assert base.dimensions["specificity"].score > 0.0 and a.score < base.score


def test_an_analyzer_needs_every_weighted_dimension(library: Library, embedder) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="no scorer for coverage"):
        Analyzer(library, embedder, scorers=ScorerRegistry([_constant("structure", 1.0)]))


def test_a_score_must_be_named_after_its_dimension(library: Library, embedder) -> None:  # type: ignore[no-untyped-def]
    reg = pipeline.default_scorers()
    reg.register(
        FunctionScorer("story_arc", ("answer",), lambda f: DimensionScore("arc", 1.0, "", (), ()))
    )
    with pytest.raises(ValueError, match="named 'arc'"):
        Analyzer(library, embedder, scorers=reg).analyze(QUESTION, STORY, role="tpm")


def test_the_analyzer_keeps_its_own_copy(library: Library, embedder) -> None:  # type: ignore[no-untyped-def]
    reg = pipeline.default_scorers()
    analyzer = Analyzer(library, embedder, scorers=reg)
    reg.register(_constant("story_arc", 1.0))
    assert "story_arc" not in analyzer.analyze(QUESTION, STORY, role="tpm").dimensions


# --- an extra dimension ------------------------------------------------------------------------


def test_an_extra_dimension_is_reported_but_weighs_nothing_unless_named(
    plain: Analyzer, library: Library, embedder
) -> None:  # type: ignore[no-untyped-def]
    reg = pipeline.default_scorers()
    reg.register(_constant("story_arc", 0.0))
    base = plain.analyze(QUESTION, STORY, role="tpm")
    a = Analyzer(library, embedder, scorers=reg).analyze(QUESTION, STORY, role="tpm")
    assert tuple(a.dimensions) == (*DIMENSIONS, "story_arc")
    assert a.to_dict()["dimensions"]["story_arc"]["reason"] == "constant"
    assert a.score == base.score
    assert {k: a.dimensions[k] for k in DIMENSIONS} == base.dimensions

    named = {kind: {**w, "story_arc": 2.0} for kind, w in WEIGHTS.items()}
    weighed = Analyzer(library, embedder, scorers=reg, weights=named)
    b = weighed.analyze(QUESTION, STORY, role="tpm")
    assert b.score < base.score  # a 0 of 4 in a dimension with weight now counts


def test_overall_weighs_an_unnamed_dimension_zero() -> None:
    scores = dict.fromkeys(DIMENSIONS, 3.0)
    assert overall("behavioural", scores, 200) == 75
    assert overall("behavioural", {**scores, "story_arc": 0.0}, 200) == 75
    named = {"behavioural": {**DEFAULT, "story_arc": 8.0}}  # default weights sum to 8
    assert overall("behavioural", {**scores, "story_arc": 1.0}, 200, named) == 50


def test_overall_refuses_a_weighted_dimension_without_a_score() -> None:
    scores = dict.fromkeys(DIMENSIONS, 3.0)
    del scores["delivery"]
    with pytest.raises(ValueError, match="delivery"):
        overall("case", scores, 200)


# --- the features ------------------------------------------------------------------------------


def test_scorers_read_one_frozen_features_object(library: Library, embedder) -> None:  # type: ignore[no-untyped-def]
    seen: list[Features] = []

    def spy(f: Features) -> DimensionScore:
        seen.append(f)
        return DimensionScore("spy", 0.0, "", (), ())

    reg = pipeline.default_scorers()
    reg.register(FunctionScorer("spy", ("answer", "clean", "flag_hits", "points"), spy))
    doc = yaml.safe_load(FLAWED.read_text(encoding="utf-8"))
    flawed = next(a["text"] for a in doc["answers"] if a["id"] == "tpm-complex-program-4")
    a = Analyzer(library, embedder, scorers=reg).analyze(doc["question"], flawed, role="tpm")
    assert len(seen) == 1
    f = seen[0]
    assert f.flag_hits == a.red_flags
    assert tuple(p for p in f.points if p.made) == a.points_made
    assert set(f.point_credit) == {p.id for p in f.points}
    assert len(f.answer.sentences) == len(a.sentences)
    flawed_idx = [i for i, st in enumerate(f.answer.stances) if st.flaw is not None]
    assert flawed_idx, "this answer's sentences carry flaws (blame, hiding a slip)"
    assert len(f.clean.sentences) == len(f.answer.sentences) - len(flawed_idx)
    assert not set(flawed_idx) & set(f.clean.origin)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.flag_hits = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.answer.stances = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        f.point_credit["x"] = 1.0  # type: ignore[index]
    with pytest.raises(ValueError):
        f.answer.vectors[0, 0] = np.float32(1.0)
