"""The session state machine: a pure fold over its log, resumable from any point."""

from __future__ import annotations

from typing import Any

import pytest
from mock_driver import Clock, Driver

from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import Library
from loopcoach.errors import LoopcoachError
from loopcoach.interview import session as S
from loopcoach.interview.events import (
    AnswerSubmitted,
    DraftSaved,
    Event,
    StageStarted,
    TimeBoxExpired,
)

STORY = (
    "At my last company two teams disagreed about a shared queue versus direct API calls for "
    "fulfilment. I got both leads to agree on criteria first: latency under 200 ms, replay cost "
    "and on-call load. I ran a one-week spike on both designs and we scored them together. We "
    "chose the queue, and I wrote the decision record. We shipped in ten weeks and incidents "
    "dropped by 40 percent."
)
SHORT = "I would talk to both teams and find a way forward."


def payload(ev: Event) -> dict[str, Any]:
    d = ev.to_dict()
    d.pop("at")
    return d


MEMO: dict[tuple[object, ...], Any] = {}


def CachedDriver(library: Library, analyzer: Analyzer, clock: Clock | None = None) -> Driver:
    return Driver(library, analyzer, clock, memo=MEMO)


def play(d: Driver, answers: dict[str, str]) -> S.SessionState:
    """Answer every turn until the session ends: by trigger for follow-ups, else `main`."""
    state = d.settle()
    while state.status == "awaiting-answer":
        turn = state.current
        assert turn is not None
        text = answers.get(turn.trigger or "main", answers["default"])
        state = d.answer(text, duration=len(text.split()) / 2.5)
    return state


ANSWERS = {"main": SHORT, "default": STORY}


def test_session_start_asks_the_first_question(driver: Driver) -> None:
    state = driver.start(stages=["recruiter-screen"], seed=5)
    assert [e.type for e in driver.log] == ["session_started", "stage_started", "question_asked"]
    assert state.status == "awaiting-answer"
    assert state.current is not None and state.current.key == "q1"
    assert state.current.prompt.endswith("?")
    assert state.seq == 3 and state.question_total == 3


def test_session_answer_is_stored_before_it_is_analysed(driver: Driver, library: Library) -> None:
    state = driver.start(stages=["hiring-manager"], seed=1)
    new = S.submit_answer(state, STORY, now=driver.clock(), duration=60)
    assert [e.type for e in new] == ["answer_submitted"]
    driver.log += new
    state = driver.state
    assert state.status == "awaiting-analysis"
    assert state.last is not None and state.last.answer == STORY
    with pytest.raises(ValueError, match="needs its analysis"):
        S.next_step(state, library, {}, S.session_rng(state), now=driver.clock())
    state = driver.settle()
    kinds = [e.type for e in driver.log[-3:]]
    assert "analysis_stored" in kinds


def test_session_replay_is_a_pure_fold(driver: Driver) -> None:
    driver.start(stages=["program-design-case"], seed=2)
    play(driver, ANSWERS)
    log = list(driver.log)
    assert S.replay(log) == S.replay(list(log))
    for k in range(1, len(log) + 1):
        assert S.replay(log[:k]).seq == k
    assert S.replay(log).status == "ended"


@pytest.mark.parametrize("stage", ["program-design-case"])
def test_session_killed_at_any_point_resumes_to_the_same_log(
    library: Library, analyzer: Analyzer, stage: str
) -> None:
    whole = CachedDriver(library, analyzer)
    whole.start(stages=[stage], seed=4)
    play(whole, ANSWERS)
    expected = [payload(e) for e in whole.log]
    assert len(expected) >= 8
    for k in range(1, len(expected)):
        resumed = CachedDriver(library, analyzer, Clock(step=7))
        resumed.log = list(whole.log[:k])  # what was committed when the process died
        play(resumed, ANSWERS)
        assert [payload(e) for e in resumed.log] == expected, f"killed after event {k}"


def test_session_same_seed_same_session(library: Library, analyzer: Analyzer) -> None:
    logs = []
    for step in (30, 11):
        d = CachedDriver(library, analyzer, Clock(step=step))
        d.start(stages=["execution"], seed=9)
        play(d, ANSWERS)
        logs.append([payload(e) for e in d.log])
    assert logs[0] == logs[1]


def test_session_time_box_overrun_is_recorded(driver: Driver) -> None:
    state = driver.start(stages=["recruiter-screen"], seed=5)
    turn = state.current
    assert turn is not None
    over = turn.time_box + 40
    new = S.submit_answer(state, STORY, now=driver.clock(), duration=over)
    assert isinstance(new[0], TimeBoxExpired) and new[0].time_box == turn.time_box
    ans = new[1]
    assert isinstance(ans, AnswerSubmitted)
    assert ans.overrun_seconds == 40 and ans.timed
    driver.log += new
    state = driver.settle()
    t = state.turn(turn.key)
    assert t.expired and t.overrun_seconds == 40


def test_session_duration_defaults_to_time_since_asked(driver: Driver) -> None:
    state = driver.start(stages=["recruiter-screen"], seed=5)
    turn = state.current
    assert turn is not None
    later = turn.asked_at.replace() + (driver.clock() - turn.asked_at) * 3
    (ans, *_rest) = [
        e for e in S.submit_answer(state, STORY, now=later) if isinstance(e, AnswerSubmitted)
    ]
    assert ans.duration_seconds == round((later - turn.asked_at).total_seconds(), 1)


def test_session_pasted_answer_is_not_timed(driver: Driver) -> None:
    state = driver.start(stages=["recruiter-screen"], seed=5)
    (ans,) = S.submit_answer(state, STORY, now=driver.clock(), duration=2)
    assert isinstance(ans, AnswerSubmitted)
    assert not ans.timed and ans.overrun_seconds == 0  # 70 words in 2 s were not spoken


def test_session_overrun_counts_in_delivery(
    driver: Driver, library: Library, analyzer: Analyzer
) -> None:
    scores = []
    for duration in (60.0, 400.0):
        d = Driver(library, analyzer)
        d.start(stages=["behavioural-panel"], seed=3)
        d.log += S.submit_answer(d.state, STORY, now=d.clock(), duration=duration)
        req = S.analysis_request(d.state, library)
        assert req.timing is not None and req.timing.duration_seconds == duration
        a = analyzer.analyze(req.question, req.text, role=req.role, timing=req.timing)
        scores.append(a.dimensions["delivery"])
    inside, over = scores
    assert over.score < inside.score
    assert "400 s" in over.reason


def test_session_follow_up_is_analysed_with_the_answer_before_it(
    driver: Driver, library: Library
) -> None:
    driver.start(stages=["recruiter-screen"], seed=5)
    state = driver.answer(SHORT, duration=8)
    cur = state.current
    assert cur is not None and cur.kind == "follow-up" and cur.parent == "q1"
    driver.log += S.submit_answer(state, STORY, now=driver.clock(), duration=30)
    req = S.analysis_request(driver.state, library)
    assert req.text == SHORT + "\n\n" + STORY
    main = driver.state.turn("q1")
    assert req.question.target_seconds == main.time_box + cur.time_box


def test_session_skip_end_and_errors(driver: Driver) -> None:
    state = driver.start(stages=["recruiter-screen"], seed=5)
    driver.log += S.skip(state, now=driver.clock())
    state = driver.settle()
    assert state.turn("q1").skipped and state.current is not None
    assert state.current.key == "q2"
    driver.log += S.end(state, now=driver.clock())
    state = driver.state
    assert state.status == "ended" and state.ended is not None
    assert state.ended.reason == "ended-early"
    with pytest.raises(LoopcoachError) as err:
        S.submit_answer(state, STORY, now=driver.clock())
    assert err.value.code == "session-ended" and "mock debrief" in str(err.value)
    assert S.end(state, now=driver.clock()) == []


def test_session_empty_answer_is_refused(driver: Driver) -> None:
    state = driver.start(stages=["recruiter-screen"], seed=5)
    with pytest.raises(LoopcoachError) as err:
        S.submit_answer(state, "  \n ", now=driver.clock())
    assert err.value.code == "empty-answer" and "mock skip" in str(err.value)


def test_session_draft_is_kept_until_answered(driver: Driver) -> None:
    state = driver.start(stages=["recruiter-screen"], seed=5)
    new = S.save_draft(state, "I want to be a TPM because", now=driver.clock())
    assert isinstance(new[0], DraftSaved)
    driver.log += new
    assert driver.state.current is not None
    assert driver.state.current.draft == "I want to be a TPM because"
    state = driver.answer(STORY, duration=30)
    assert state.turn("q1").draft == ""


def test_session_loop_opens_each_stage_once(driver: Driver) -> None:
    driver.start(stages=["program-design-case", "bar-raiser"], seed=8)
    state = driver.state
    while state.status == "awaiting-answer":
        driver.log += S.skip(state, now=driver.clock())
        state = driver.settle()
    stages = [e.stage for e in driver.log if isinstance(e, StageStarted)]
    assert stages == ["program-design-case", "bar-raiser"]
    assert state.status == "ended" and state.ended is not None
    assert state.ended.reason == "completed"
    assert len(state.main_turns()) == state.question_total == 1 + 3


def test_session_stage_and_loop_are_exclusive(library: Library) -> None:
    with pytest.raises(LoopcoachError, match="not both"):
        S.start_session(
            "x", library.role("tpm"), stages=["execution"], loop=True, seed=1, now=Clock()()
        )


def test_session_unknown_stage_names_the_stages(library: Library) -> None:
    with pytest.raises(LoopcoachError, match="stages of tpm: recruiter-screen"):
        S.start_session("x", library.role("tpm"), stages=["nope"], seed=1, now=Clock()())
