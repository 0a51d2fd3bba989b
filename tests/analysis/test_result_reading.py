"""Reading the result: a change the work caused, not an earlier sentence that only sounds like one
(a condition, a scale figure), and a plan's closing success check wherever it falls late."""

from __future__ import annotations

import pytest

from loopcoach.analysis.context import AnswerContext
from loopcoach.analysis.engine import Analyzer
from loopcoach.analysis.scorers import structure as S
from loopcoach.domain.analysis import DimensionScore

STORY_Q = "tpm-alignment-technical-disagreement"  # behavioural, STAR
HOW_Q = "tpm-post-incident-review"  # walk me through how you would

OPENING = (
    "At a payments company, our checkout service handled about two million transactions a day, "
    "and revenue had grown 40% that year."
)
CONDITION = "The sponsor agreed to it with one condition: we had to load-test it first."
RESULT = "Checkout errors dropped from 1.2% to 0.3% within a month, and the pager went quiet."
STORY = [
    OPENING,
    "The error rate had crept up for months and I owned the reliability work for the quarter.",
    "I proposed retries with backoff on the two flakiest calls and took it to the sponsor.",
    CONDITION,
    "I pulled the last ninety days of incidents and grouped them by cause with the on-call leads.",
    "I wrote the load-test plan with our SRE and ran it against a copy of production traffic.",
    "I fixed the two timeouts it found and reran it until it was clean.",
    "I briefed support and the on-call rota before each step of the rollout.",
    RESULT,
    "What I learned is to group incidents by cause before picking fixes.",
]
CHECK = (
    "I'd know it worked if the same cause never pages us twice and time to detect drops on the "
    "next incident."
)
PLAN = [
    "I'd schedule the review within three days and pick a facilitator who was not in the incident.",
    "Beforehand I'd build a timeline from alerts, chat logs and deploy history, not memory.",
    "In the room I'd set the blameless rule and hold it: we ask why the system allowed it.",
    "We'd walk through detection, response and recovery separately and note what went well.",
    "Every action gets one owner and a date, and I track them weekly until they close.",
    CHECK,
    "Reviews are a team habit more than a meeting.",
    "People should leave them feeling safer, not blamed.",
]


def _structure(analyzer: Analyzer, qid: str, sents: list[str]) -> DimensionScore:
    return analyzer.analyze("", "\n".join(sents), question_id=qid).dimensions["structure"]


def test_the_result_evidence_is_the_real_result_not_an_earlier_condition(
    analyzer: Analyzer,
) -> None:
    s = _structure(analyzer, STORY_Q, STORY)
    results = [e.sentence for e in s.evidence if e.note == "RESULT"]
    assert results == [RESULT]
    assert "missing" not in s.reason


def test_a_story_without_its_result_is_missing_one(analyzer: Analyzer) -> None:
    full = _structure(analyzer, STORY_Q, STORY)
    cut = _structure(analyzer, STORY_Q, [x for x in STORY if x != RESULT])
    assert "result" in cut.reason.split("missing:")[-1]
    assert not any(e.note == "RESULT" for e in cut.evidence)
    assert cut.score < full.score - 0.5
    # neither the condition nor the opening's scale figure stands in for the result
    assert all(e.sentence not in (OPENING, CONDITION) or e.note != "RESULT" for e in cut.evidence)


def test_a_scale_figure_in_the_opening_is_not_a_result(analyzer: Analyzer) -> None:
    opening_only = [OPENING, *[x for x in STORY[1:] if x not in (RESULT, CONDITION)]]
    s = _structure(analyzer, STORY_Q, opening_only)
    assert "result" in s.reason.split("missing:")[-1]


def test_a_plans_closing_success_check_is_read_as_the_close(analyzer: Analyzer) -> None:
    s = _structure(analyzer, HOW_Q, PLAN)
    assert [e.sentence for e in s.evidence if e.note == "how you judge success"] == [CHECK]
    assert not any("how you would know it worked" in tip for tip in s.advice)
    without = _structure(analyzer, HOW_Q, [x for x in PLAN if x != CHECK])
    assert not any(e.note == "how you judge success" for e in without.evidence)
    assert without.score < s.score


def _read(analyzer: Analyzer, qid: str, sents: list[str]) -> AnswerContext:
    rubric, _ = analyzer.rubric_for("", question_id=qid)
    return analyzer.read(rubric, "\n".join(sents))[1]


def test_a_missing_result_costs_structure_as_surely_as_it_is_missing(analyzer: Analyzer) -> None:
    """A story in which no result is read loses MISSING_RESULT times how far the surest reading
    of a result falls short; one with its result loses nothing."""
    cut = _read(analyzer, STORY_Q, [x for x in STORY if x != RESULT])
    star = S.star_parts(cut)
    assert not star["result"]
    short = S.unread_outcome(cut)
    assert 0.5 < short <= 1.0
    free = S.score(cut, star, 0.0, 0.0).score
    assert S.score(cut, star, 1.0, 0.0).score == pytest.approx(max(0.0, free - short), abs=0.011)
    assert S.score(cut, star, 0.0, 1.0).score == free  # the plans' cost is not the stories'
    full = _read(analyzer, STORY_Q, STORY)
    whole = S.star_parts(full)
    assert S.score(full, whole, 2.0, 2.0).score == S.score(full, whole, 0.0, 0.0).score


def test_a_plan_without_its_close_costs_structure(analyzer: Analyzer) -> None:
    without = _read(analyzer, HOW_Q, [x for x in PLAN if x != CHECK])
    assert S.closing(without) is None
    free = S.score(without, {}, 0.0, 0.0).score
    short = S.unread_outcome(without)
    assert S.score(without, {}, 0.0, 1.0).score == pytest.approx(free - short, abs=0.011)
    plan = _read(analyzer, HOW_Q, PLAN)
    assert S.score(plan, {}, 2.0, 2.0).score == S.score(plan, {}, 0.0, 0.0).score
