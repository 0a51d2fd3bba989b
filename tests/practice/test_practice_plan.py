"""Study plans: lengths for several date ranges, concrete content, weighting from history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loopcoach.content.library import Library, RolePack, load_library
from loopcoach.domain.practice import Attempt
from loopcoach.domain.stories import Story
from loopcoach.errors import LoopcoachError
from loopcoach.practice.history import History
from loopcoach.practice.plan import MAX_PLAN_DAYS, build_plan, pick_template
from loopcoach.practice.render import plan_markdown

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("days_out", "length", "mode", "template"),
    [
        (20, 20, "stretched", "tpm-two-week"),
        (14, 14, "template", "tpm-two-week"),
        (12, 12, "compressed", "tpm-two-week"),
        (10, 10, "template", "tpm-ten-day"),
        (5, 5, "compressed", "tpm-ten-day"),
        (1, 1, "tomorrow", None),
        (0, 1, "tomorrow", None),
        (-3, 1, "tomorrow", None),
    ],
)
def test_practice_plan_length_fits_the_days_left(
    tpm: RolePack, days_out: int, length: int, mode: str, template: str | None
) -> None:
    plan = build_plan(tpm, TODAY + timedelta(days=days_out), today=TODAY)
    assert len(plan.days) == length
    assert plan.mode == mode and plan.template == template
    assert plan.days[0].date == TODAY
    dates = [d.date for d in plan.days]
    assert dates == [TODAY + timedelta(days=i) for i in range(length)]
    if days_out >= 1:
        assert dates[-1] == TODAY + timedelta(days=days_out - 1)  # the day before the interview
    for d in plan.days:
        assert d.tasks, f"day {d.number} has no tasks"


@pytest.mark.parametrize("days_out", [0, -3])
def test_practice_plan_past_or_today_is_a_plan_for_tomorrow(tpm: RolePack, days_out: int) -> None:
    plan = build_plan(tpm, TODAY + timedelta(days=days_out), today=TODAY)
    assert plan.interview_date == TODAY + timedelta(days=1)
    assert "today or past" in plan.notes[0]
    (day,) = plan.days
    assert day.title.startswith("Interview tomorrow")
    assert day.questions and any("calibration" in t for t in day.tasks)


@pytest.mark.parametrize("days_out", [20, 14, 10, 5])
def test_practice_plan_days_name_real_questions_cases_and_stages(
    tpm: RolePack, days_out: int
) -> None:
    plan = build_plan(tpm, TODAY + timedelta(days=days_out), today=TODAY)
    qids = {q.id for q in tpm.questions}
    cases = {c.id for c in tpm.cases}
    stages = {s.id for s in tpm.stages}
    for d in plan.days:
        assert {q.id for q in d.questions} <= qids
        if d.kind == "rest":
            assert not d.questions and d.minutes == 0
        if d.kind == "practice" and d.template_days:
            assert d.case is not None and d.case.id in cases
        if d.kind == "mock":
            assert d.mock is not None and d.mock.id in stages
    assert any(d.kind == "mock" for d in plan.days)
    assert any(d.case for d in plan.days)
    asked = [q.id for d in plan.days for q in d.questions]
    assert len(asked) == len(set(asked)) or len(asked) > len(qids)  # no repeats until all used
    last = plan.days[-1]
    assert any("loopcoach calibration --role tpm" in t for t in last.tasks)


def test_practice_plan_stretch_keeps_last_day_and_rests_weekly(tpm: RolePack) -> None:
    plan = build_plan(tpm, TODAY + timedelta(days=30), today=TODAY)
    assert plan.days[-1].template_days == (14,)
    assert sum(1 for d in plan.days if d.title.startswith("Reinforce")) > 0
    kinds = [d.kind for d in plan.days]
    for i in range(len(kinds) - 8):
        assert "rest" in kinds[i : i + 9], f"no rest in days {i + 1}-{i + 9}"


def test_practice_plan_compression_drops_rest_first(tpm: RolePack) -> None:
    plan = build_plan(tpm, TODAY + timedelta(days=12), today=TODAY)
    assert all(d.kind != "rest" for d in plan.days)
    covered = sorted(n for d in plan.days for n in d.template_days)
    assert covered == [n for n in range(1, 15) if n != 7]


def test_practice_plan_far_interview_starts_later(tpm: RolePack) -> None:
    interview = TODAY + timedelta(days=100)
    plan = build_plan(tpm, interview, today=TODAY)
    assert len(plan.days) == MAX_PLAN_DAYS
    assert plan.start == interview - timedelta(days=MAX_PLAN_DAYS)
    assert "starts on" in plan.notes[0]


def test_practice_plan_hours_per_day_sizes_the_work(tpm: RolePack) -> None:
    short = build_plan(tpm, TODAY + timedelta(days=14), today=TODAY, hours_per_day=0.5)
    long = build_plan(tpm, TODAY + timedelta(days=14), today=TODAY, hours_per_day=4)
    n_short = sum(len(d.questions) for d in short.days)
    n_long = sum(len(d.questions) for d in long.days)
    assert n_long > 2 * n_short
    assert sum(d.minutes for d in long.days) > sum(d.minutes for d in short.days)


@pytest.mark.parametrize("hours", [0, 0.1, 17])
def test_practice_plan_refuses_silly_hours(tpm: RolePack, hours: float) -> None:
    with pytest.raises(LoopcoachError, match="hours-per-day"):
        build_plan(tpm, TODAY + timedelta(days=5), today=TODAY, hours_per_day=hours)


def test_practice_plan_stages_focus_questions_and_mocks(tpm: RolePack) -> None:
    plan = build_plan(tpm, TODAY + timedelta(days=14), today=TODAY, stages=["technical-depth"])
    qs = {q.id: q for q in tpm.questions}
    for d in plan.days:
        for q in d.questions:
            assert "technical-depth" in qs[q.id].stages
        if d.mock:
            assert d.mock.id == "technical-depth"
    with pytest.raises(LoopcoachError, match="unknown stage 'nope'"):
        build_plan(tpm, TODAY + timedelta(days=14), today=TODAY, stages=["nope"])


def test_practice_plan_weighted_toward_weakest_competency(
    tpm: RolePack, attempts: list[Attempt]
) -> None:
    plain = build_plan(tpm, TODAY + timedelta(days=10), today=TODAY)
    weighted = build_plan(
        tpm, TODAY + timedelta(days=10), today=TODAY, history=History(attempts=tuple(attempts))
    )
    assert weighted.weakest_competencies[0] == "ambiguity"
    assert weighted.weakest_dimensions[0] == "specificity"
    qs = {q.id: q for q in tpm.questions}

    def ambiguity_rank(plan) -> int:  # type: ignore[no-untyped-def]
        order = [q.id for d in plan.days for q in d.questions]
        return next(i for i, qid in enumerate(order) if "ambiguity" in qs[qid].competencies)

    assert ambiguity_rank(weighted) < ambiguity_rank(plain)
    assert any("specificity" in f for d in weighted.days for f in d.focus)
    assert not any(d.focus for d in plain.days)
    reinforce = build_plan(
        tpm, TODAY + timedelta(days=20), today=TODAY, history=History(attempts=tuple(attempts))
    )
    titles = [d.title for d in reinforce.days if d.title.startswith("Reinforce")]
    assert titles[0] == "Reinforce: Handling ambiguity"


def test_practice_plan_story_days_name_stories_and_uncovered_themes(
    tpm: RolePack, stories: list[Story]
) -> None:
    plan = build_plan(
        tpm, TODAY + timedelta(days=14), today=TODAY, history=History(stories=tuple(stories[:2]))
    )
    tasks = [s for d in plan.days for s in d.stories]
    assert {"ambiguity", "learning-from-failure"} <= set(plan.uncovered_themes)
    assert [t.theme for t in tasks if t.theme] == list(plan.uncovered_themes[:2])
    assert any("none of your stories covers it" in t.text for t in tasks)
    assert any(t.story_id == "1" for t in tasks)
    assert "influence" not in plan.uncovered_themes  # the ledger story covers it
    assert any("do not cover yet" in n for n in plan.notes)
    full = build_plan(
        tpm, TODAY + timedelta(days=14), today=TODAY, history=History(stories=tuple(stories))
    )
    named = {t.story_id for d in full.days for t in d.stories if t.story_id}
    assert named == {"1", "2"}


def test_practice_plan_without_templates_uses_a_generic_shape(mini_pack) -> None:  # type: ignore[no-untyped-def]
    lib: Library = load_library([mini_pack])
    mini = lib.role("mini")
    assert pick_template(mini.plans, 10) is None
    plan = build_plan(mini, TODAY + timedelta(days=7), today=TODAY)
    assert len(plan.days) == 7 and plan.template == "mini-generic"


def test_practice_plan_is_deterministic_and_renders_markdown(tpm: RolePack) -> None:
    a = build_plan(tpm, TODAY + timedelta(days=9), today=TODAY, hours_per_day=1.5)
    b = build_plan(tpm, TODAY + timedelta(days=9), today=TODAY, hours_per_day=1.5)
    assert a.to_dict() == b.to_dict()
    md = plan_markdown(a)
    assert md.startswith("# Study plan: Technical Program Manager")
    assert md.count("\n## Day ") == 9
    first_q = a.days[0].questions[0]
    assert f"Answer {first_q.id}: {first_q.prompt}" in md
