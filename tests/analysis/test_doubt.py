"""Sentences that may be heard as a flaw: below the flaw threshold a sentence is not flagged, but
from the doubt threshold up it costs points in proportion to how close it comes, after any cap, and
the summary says which sentence and how it may be heard."""

from __future__ import annotations

import dataclasses

import pytest

from loopcoach.analysis import judgement as J
from loopcoach.analysis.engine import Doubt, ScoreParts, final_score
from loopcoach.analysis.relevance import Relevance

JM = dataclasses.replace(
    J.load("minilm"), flaw_threshold=0.7, doubt_threshold=0.3, doubt_penalty=8.0
)
ON_TOPIC = Relevance(
    similarity=0.6, margin=0.2, nearest_other="", probability=0.9, off_topic=False, tangents=()
)


def test_the_shipped_judgements_switch_doubt_on_within_the_flaw_threshold() -> None:
    for kind in ("minilm", "lexical"):
        jm = J.load(kind)
        assert 0.0 < jm.doubt_threshold < jm.flaw_threshold
        assert jm.doubt_penalty > 0


@pytest.mark.parametrize(
    ("p", "share"),
    [(0.0, 0.0), (0.29, 0.0), (0.3, 0.0), (0.5, 0.5), (0.69, 0.975), (0.7, 0.0), (0.95, 0.0)],
)
def test_doubt_grows_from_the_doubt_threshold_to_the_flaw_threshold(p: float, share: float) -> None:
    # at and above the flaw threshold the sentence is a flaw, judged by the flaw rules instead
    assert JM.doubt(p) == pytest.approx(share)


def test_a_doubtful_sentence_costs_points_and_says_which_and_why() -> None:
    clean = ScoreParts(80, frozenset(), ON_TOPIC)
    doubt = Doubt(
        "I let the director pick which of the two designs we would build.", 0.6, "deferral"
    )
    score, limits = final_score(dataclasses.replace(clean, doubts=(doubt,)), JM)
    assert final_score(clean, JM) == (80, [])
    assert score == 80 - round(8 * 0.75)
    assert len(limits) == 1
    assert "I let the director pick" in limits[0]
    assert "hands the decision to someone else" in limits[0]


def test_more_doubt_never_scores_higher() -> None:
    parts = ScoreParts(80, frozenset(), ON_TOPIC)
    last = final_score(parts, JM)[0]
    for k, p in enumerate((0.35, 0.45, 0.55, 0.65)):
        parts = dataclasses.replace(
            parts, doubts=(*parts.doubts, Doubt(f"sentence {k}", p, "blame"))
        )
        now = final_score(parts, JM)[0]
        assert now <= last
        last = now
    assert last < 80


def test_doubt_lowers_a_capped_answer_below_its_cap() -> None:
    capped = ScoreParts(90, frozenset({"blame"}), ON_TOPIC)
    alone, limits = final_score(capped, JM)
    assert alone == JM.serious_cap
    assert limits[0].startswith("capped")
    worse = dataclasses.replace(capped, doubts=(Doubt("They never told us.", 0.65, "blame"),))
    assert final_score(worse, JM)[0] < alone


def test_a_sentence_at_or_below_the_doubt_threshold_costs_nothing() -> None:
    parts = ScoreParts(70, frozenset(), ON_TOPIC, (Doubt("We shipped in May.", 0.3, None),))
    assert final_score(parts, JM) == (70, [])


def test_an_answer_that_never_says_what_came_of_it_costs_points_and_says_so() -> None:
    jm = dataclasses.replace(JM, outcome_penalty=6.0)
    told = ScoreParts(80, frozenset(), ON_TOPIC, (), 1.0)
    half = dataclasses.replace(told, outcome=0.5)
    untold = dataclasses.replace(told, outcome=0.0)
    assert final_score(told, jm) == (80, [])
    assert final_score(half, jm)[0] == 77
    score, limits = final_score(untold, jm)
    assert score == 74
    assert limits == [
        "lowered 6: it never says what came of the work (a result, or how you would know it worked)"
    ]
    # 0 switches it off, and a missing outcome never lifts a capped answer above its cap
    assert final_score(untold, dataclasses.replace(jm, outcome_penalty=0.0))[0] == 80
    older = {k: v for k, v in jm.to_dict().items() if k != "outcome_penalty"}
    assert J.Judgement.from_dict(older).outcome_penalty == 0.0  # a file from before it: off
    capped = ScoreParts(90, frozenset({"blame"}), ON_TOPIC, (), 0.0)
    assert final_score(capped, jm)[0] == jm.serious_cap


def test_the_shipped_judgements_charge_for_a_missing_outcome_within_a_few_points() -> None:
    for kind in ("minilm", "minilm-tail", "lexical"):
        assert 0.0 <= J.load(kind).outcome_penalty <= 16.0
