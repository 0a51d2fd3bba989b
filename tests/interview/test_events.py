"""Events survive the trip to JSON and back unchanged: the store keeps nothing else."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from loopcoach.interview import events as E

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

SAMPLES: list[E.Event] = [
    E.SessionStarted(
        at=T0,
        session_id="ab12cd34",
        role="tpm",
        plan=(("recruiter-screen", ("tpm-why-tpm", "tpm-most-complex-program")),),
        seed=7,
        mode="stage",
        feedback_until_end=True,
        avoided=("tpm-slip-three-weeks",),
    ),
    E.StageStarted(
        at=T0,
        stage="recruiter-screen",
        name="Recruiter screen",
        interviewer="Recruiter",
        persona="Hi there.",
        minutes=30,
    ),
    E.QuestionAsked(
        at=T0,
        key="q1",
        question_id="tpm-why-tpm",
        stage="recruiter-screen",
        prompt="Why?",
        kind="culture",
        competencies=("motivation",),
        time_box=90,
    ),
    E.FollowUpAsked(
        at=T0,
        key="q1.1",
        parent="q1",
        question_id="tpm-why-tpm",
        trigger="missed-point",
        target="defining-moment",
        prompt="When?",
        reason="missed: A concrete moment",
        time_box=45,
    ),
    E.TimeBoxExpired(at=T0, key="q1", time_box=90, elapsed_seconds=120.5),
    E.AnswerSubmitted(
        at=T0, key="q1", text="Because.", duration_seconds=120.5, overrun_seconds=30.5, timed=True
    ),
    E.AnalysisStored(
        at=T0,
        key="q1",
        question_id="tpm-why-tpm",
        score=61,
        summary="ok",
        gaps=(E.Gap("red-flag", "vague-we", "Vague we", "We did it."),),
        analysis={"score": 61, "dimensions": {}},
    ),
    E.Skipped(at=T0, key="q2"),
    E.DraftSaved(at=T0, key="q2", text="half an"),
    E.Ended(at=T0, reason="ended-early"),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.type)
def test_events_round_trip_through_json(event: E.Event) -> None:
    data = json.loads(json.dumps(event.to_dict()))
    assert data["type"] == event.type
    back = E.Event.from_dict(data)
    assert back == event and type(back) is type(event)


def test_events_every_type_has_a_sample() -> None:
    assert {e.type for e in SAMPLES} == set(E.EVENT_TYPES)


def test_events_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        E.Event.from_dict({"type": "nope", "at": T0.isoformat()})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "session_started", "mode": "lop"}, "mode: 'lop' is not one of stage, loop"),
        ({"type": "ended", "reason": "done"}, "reason: 'done' is not one of completed"),
    ],
)
def test_events_unknown_mode_or_end_reason_is_refused(data: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        E.Event.from_dict({**data, "at": T0.isoformat()})


def test_events_ended_without_a_reason_completed() -> None:
    ev = E.Event.from_dict({"type": "ended", "at": T0.isoformat()})
    assert ev == E.Ended(at=T0, reason="completed")


def test_events_naive_times_are_utc() -> None:
    ev = E.Event.from_dict({"type": "skipped", "at": "2026-03-02T09:00:00", "key": "q1"})
    assert ev.at == T0
