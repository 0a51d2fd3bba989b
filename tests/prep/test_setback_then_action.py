"""A bullet that opens with what happened (to a program, a team, a stakeholder) and then says
what the candidate did ("The rollout slipped 8 weeks; I re-planned ..."): the first clause is
the story's situation and the candidate's clause its action, so the story is matched on what
was done in that situation (issue 15). The lines are written for these tests."""

from __future__ import annotations

import time

from loopcoach.prep.history import Entry
from loopcoach.prep.stories import _THEN_I, draft_story

JOB = Entry(title="Senior TPM", company="Larchwood Rail", start="2019", end="2023")


def test_what_happened_first_is_the_situation_and_my_clause_the_action() -> None:
    s = draft_story(
        1,
        "The ticketing rollout slipped 8 weeks after the vendor's API failed load tests; I "
        "re-planned the cutover around a read-only fallback, cutting station queues by 40%",
        JOB,
    )
    assert "The ticketing rollout slipped 8 weeks" in s.situation
    assert s.action.startswith("I re-planned the cutover around a read-only fallback")
    assert s.result.startswith("That cut station queues by 40%")
    assert "slipped" not in s.action


def test_when_my_clause_says_no_result_apart_the_bullet_is_drafted_as_before() -> None:
    # control: the candidate's clause would be both the action and the result
    s = draft_story(
        1,
        "Two depots wanted opposite shift patterns; I ran a four-week trial of both and the "
        "depots agreed on the early pattern",
        JOB,
    )
    assert "Two depots" not in s.situation
    assert s.result.startswith("I ran a four-week trial of both")


def test_a_so_clause_and_its_comma() -> None:
    s = draft_story(
        1,
        "Usage data showed riders skipping the seat map, so I replaced it with a quick-pick "
        "button; bookings completed on mobile rose from 58% to 74%",
        JOB,
    )
    assert "Usage data showed riders skipping the seat map." in s.situation
    assert s.action.startswith("I replaced it with a quick-pick button")
    assert s.result.startswith("Bookings completed on mobile rose from 58% to 74%")


def test_a_line_that_opens_with_my_action_is_drafted_as_before() -> None:
    s = draft_story(
        1, "Moved the fare engine to a managed queue; we shipped 3 releases a week after", JOB
    )
    assert s.action.startswith("I moved the fare engine to a managed queue")
    assert "Moved the fare engine" not in s.situation


def test_the_clause_test_is_bounded_on_hostile_input() -> None:
    start = time.perf_counter()
    assert _THEN_I.match("The rollout slipped; " * 50_000 + "I re-planned it") is not None
    assert _THEN_I.match("a b c ; so : — " * 50_000) is None
    s = draft_story(
        1, "The rollout slipped; " * 300 + "I re-planned it, cutting queues by 40%", JOB
    )
    assert s.action.startswith("I re-planned it")
    assert time.perf_counter() - start < 20
