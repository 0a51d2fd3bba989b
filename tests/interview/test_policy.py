"""The interviewer's policy: which questions, which follow-up, when to move on."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import Library
from loopcoach.content.schema import Question
from loopcoach.interview import policy
from loopcoach.interview.events import Gap

LOOP = yaml.safe_load(
    (Path(__file__).parents[1] / "fixtures" / "mock" / "tpm-loop.yaml").read_text("utf-8")
)


def answer_for(qid: str) -> str:
    return str(LOOP["questions"][qid]["answer"])


def pack_prompt(q: Question, trigger: str, target: str | None = None) -> str:
    for fu in q.follow_ups:
        if fu.trigger == trigger and target in (None, fu.point, fu.flag):
            return fu.prompt
    raise AssertionError(f"{q.id} has no {trigger} follow-up")


def first_follow_up(library: Library, analyzer: Analyzer, qid: str, text: str):
    _, q = library.question(qid)
    a = analyzer.analyze(q, text, role="tpm")
    gaps = policy.find_gaps(a, q)
    choice = policy.choose_follow_up(
        q,
        score=a.score,
        gaps=gaps,
        asked=[],
        rng=random.Random(1),
        generic=library.generic_rubric(q.kind),
    )
    return q, a, gaps, choice


# --- follow-ups from real analyses -------------------------------------------------------------


def test_policy_missing_result_gets_the_missing_result_follow_up(
    library: Library, analyzer: Analyzer
) -> None:
    q, _, gaps, choice = first_follow_up(
        library, analyzer, "tpm-unrealistic-date", answer_for("tpm-unrealistic-date")
    )
    assert "missing-result" in [g.trigger for g in gaps]
    assert choice is not None and choice.trigger == "missing-result"
    assert choice.prompt == pack_prompt(q, "missing-result")
    assert choice.source == "question"


def test_policy_red_flag_gets_its_own_follow_up_first(library: Library, analyzer: Analyzer) -> None:
    qid = "tpm-alignment-technical-disagreement"
    q, _, gaps, choice = first_follow_up(library, analyzer, qid, answer_for(qid))
    assert gaps[0].trigger == "red-flag" and gaps[0].target == "manager-solves-it"
    assert "my manager stepped in" in gaps[0].evidence
    assert choice is not None
    assert (choice.trigger, choice.target) == ("red-flag", "manager-solves-it")
    assert choice.prompt == pack_prompt(q, "red-flag", "manager-solves-it")
    assert choice.reason.startswith("red flag:")


def test_policy_we_voice_gets_the_ownership_follow_up(library: Library, analyzer: Analyzer) -> None:
    qid = "tpm-ambiguous-idea-to-launch"
    q, _, _, choice = first_follow_up(library, analyzer, qid, answer_for(qid))
    assert choice is not None and choice.trigger == "weak-ownership"
    assert choice.prompt == pack_prompt(q, "weak-ownership")


def test_policy_hypothetical_answer_is_asked_for_a_real_example(
    library: Library, analyzer: Analyzer
) -> None:
    qid = "tpm-engineering-teams-disagree"
    q, _, _, choice = first_follow_up(library, analyzer, qid, answer_for(qid))
    assert choice is not None and choice.trigger == "missing-situation"
    assert choice.prompt == pack_prompt(q, "missing-situation")


@pytest.mark.parametrize("qid", ["tpm-slip-three-weeks", "tpm-decision-incomplete-information"])
def test_policy_strong_answer_gets_no_follow_up(
    library: Library, analyzer: Analyzer, qid: str
) -> None:
    _, a, gaps, choice = first_follow_up(library, analyzer, qid, answer_for(qid))
    assert a.score >= policy.STRONG_SCORE and policy.is_strong(a.score, gaps)
    assert choice is None


# --- follow-up mechanics on given gaps ---------------------------------------------------------


def question(library: Library, qid: str) -> Question:
    return library.question(qid)[1]


def test_policy_at_most_two_follow_ups(library: Library) -> None:
    q = question(library, "tpm-unrealistic-date")
    gaps = [Gap("missing-result"), Gap("weak-ownership"), Gap("missed-point", "options")]
    asked: list[tuple[str, str | None, str]] = []
    for _ in range(4):
        choice = policy.choose_follow_up(q, score=50, gaps=gaps, asked=asked, rng=random.Random(0))
        if choice is None:
            break
        asked.append((choice.trigger, choice.target, choice.prompt))
    assert [a[0] for a in asked] == ["missing-result", "weak-ownership"]
    assert len(asked) == policy.MAX_FOLLOW_UPS


def test_policy_does_not_repeat_a_follow_up(library: Library) -> None:
    q = question(library, "tpm-unrealistic-date")
    gaps = [Gap("missing-result")]
    first = policy.choose_follow_up(q, score=50, gaps=gaps, asked=[], rng=random.Random(0))
    assert first is not None
    again = policy.choose_follow_up(
        q,
        score=50,
        gaps=gaps,
        asked=[(first.trigger, first.target, first.prompt)],
        rng=random.Random(0),
    )
    assert again is None or again.prompt != first.prompt


def test_policy_red_flag_outranks_a_missing_result(library: Library) -> None:
    q = question(library, "tpm-alignment-technical-disagreement")
    gaps = policy.order_gaps([Gap("missing-result"), Gap("red-flag", "manager-solves-it")])
    choice = policy.choose_follow_up(q, score=40, gaps=gaps, asked=[], rng=random.Random(0))
    assert choice is not None and choice.trigger == "red-flag"


def test_policy_strong_score_with_a_red_flag_still_probes(library: Library) -> None:
    q = question(library, "tpm-alignment-technical-disagreement")
    gaps = [Gap("red-flag", "manager-solves-it", "Someone else resolves it")]
    choice = policy.choose_follow_up(q, score=92, gaps=gaps, asked=[], rng=random.Random(0))
    assert choice is not None and choice.trigger == "red-flag"
    assert policy.choose_follow_up(q, score=92, gaps=[], asked=[], rng=random.Random(0)) is None


def test_policy_good_answer_without_gaps_gets_a_deep_dive(library: Library) -> None:
    q = question(library, "tpm-slip-three-weeks")
    choice = policy.choose_follow_up(q, score=70, gaps=[], asked=[], rng=random.Random(0))
    assert choice is not None and choice.trigger == "deep-dive"
    assert choice.prompt == pack_prompt(q, "deep-dive")
    weak = policy.choose_follow_up(q, score=45, gaps=[], asked=[], rng=random.Random(0))
    assert weak is None  # nothing to probe in a weak answer: move on


def test_policy_falls_back_to_the_generic_rubric(library: Library) -> None:
    q = question(library, "tpm-program-failed")  # has no missing-result follow-up of its own
    assert not [fu for fu in q.follow_ups if fu.trigger == "missing-result"]
    generic = library.generic_rubric("behavioural")
    choice = policy.choose_follow_up(
        q,
        score=50,
        gaps=[Gap("missing-result")],
        asked=[],
        rng=random.Random(0),
        generic=generic,
    )
    assert choice is not None and choice.source == "generic"
    assert choice.prompt == pack_prompt(generic, "missing-result")


def test_policy_missed_point_takes_the_heaviest_point(library: Library) -> None:
    q = question(library, "tpm-slip-three-weeks")  # root-cause and critical-path weigh 1.5
    weights = {tp.id: tp.weight for tp in q.talking_points}
    gaps = [Gap("missed-point", p) for p in ("root-cause", "critical-path")]
    picks = set()
    for seed in range(12):
        c = policy.choose_follow_up(q, score=50, gaps=gaps, asked=[], rng=random.Random(seed))
        assert c is not None
        picks.add(c.target)
    assert picks == {"root-cause", "critical-path"}  # equal weights: the seed breaks the tie
    assert weights["root-cause"] == weights["critical-path"] == 1.5


# --- the plan ----------------------------------------------------------------------------------


def test_policy_plan_follows_the_stage(library: Library) -> None:
    role = library.role("tpm")
    stage = role.stage("hiring-manager")
    plan = policy.plan_questions(role, [stage], rng=random.Random(3))
    ((sid, qids),) = plan
    assert sid == "hiring-manager" and len(qids) == stage.question_count
    qs = [library.question(q)[1] for q in qids]
    assert all(stage.id in q.stages for q in qs)
    assert [q.kind for q in qs][:3] == list(stage.kinds)  # the mix, in turn


def test_policy_plan_spreads_competencies(library: Library) -> None:
    role = library.role("tpm")
    stage = role.stage("behavioural-panel")
    for seed in range(5):
        ((_, qids),) = policy.plan_questions(role, [stage], rng=random.Random(seed))
        comps = [c for q in qids for c in library.question(q)[1].competencies]
        assert len(set(comps)) >= 6  # six questions do not all test the same thing


def test_policy_loop_never_asks_a_question_twice(library: Library) -> None:
    role = library.role("tpm")
    plan = policy.plan_questions(role, list(role.stages), rng=random.Random(11))
    ids = [q for _, qs in plan for q in qs]
    assert len(ids) == len(set(ids))
    assert [s for s, _ in plan] == [s.id for s in role.stages]


def test_policy_same_seed_same_plan(library: Library) -> None:
    role = library.role("tpm")
    a = policy.plan_questions(role, list(role.stages), rng=random.Random(5))
    b = policy.plan_questions(role, list(role.stages), rng=random.Random(5))
    others = {
        str(policy.plan_questions(role, list(role.stages), rng=random.Random(s)))
        for s in range(6, 12)
    }
    assert a == b and len(others) > 1


def test_policy_plan_avoids_recent_questions(library: Library) -> None:
    role = library.role("tpm")
    stage = role.stage("hiring-manager")
    ((_, first),) = policy.plan_questions(role, [stage], rng=random.Random(1))
    ((_, second),) = policy.plan_questions(role, [stage], rng=random.Random(1), avoid=set(first))
    assert not set(first) & set(second)


def test_policy_plan_repeats_only_when_the_stage_would_run_short(library: Library) -> None:
    role = library.role("tpm")
    stage = role.stage("recruiter-screen")  # three questions are tagged for it
    ((_, first),) = policy.plan_questions(role, [stage], rng=random.Random(1))
    ((_, again),) = policy.plan_questions(role, [stage], rng=random.Random(1), avoid=set(first))
    assert sorted(again) == sorted(first)


def test_policy_time_box_from_question_or_stage_format(library: Library) -> None:
    role = library.role("tpm")
    q = question(library, "tpm-slip-three-weeks")
    assert policy.time_box(q, role, role.stage("execution")) == q.target_seconds
    unset = Question.model_validate(
        {k: v for k, v in q.model_dump().items() if k != "target_seconds"}
    )
    stage = role.stage("program-design-case")  # program-design-case format: 1800 s
    assert policy.time_box(unset, role, stage) == 1800
    assert policy.follow_up_box(150) == 75 and policy.follow_up_box(1800) == 120
    assert policy.follow_up_box(60) == 45
