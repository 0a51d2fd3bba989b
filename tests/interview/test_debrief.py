"""The debrief's figures: scorecard levels, the recommendation thresholds, the three changes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from mock_driver import T0

from loopcoach.content.library import Library
from loopcoach.interview import events as E
from loopcoach.interview.debrief import build_debrief, level_for, recommend
from loopcoach.interview.report import debrief_markdown
from loopcoach.interview.session import replay


def dims(**scores: tuple[float, str]) -> dict[str, Any]:
    names = ("structure", "coverage", "specificity", "ownership", "red_flags", "delivery")
    out = {}
    for n in names:
        score, advice = scores.get(n, (4.0, ""))
        out[n] = {
            "name": n,
            "score": score,
            "reason": "",
            "evidence": [],
            "advice": [advice] if advice else [],
        }
    return out


def analysis(
    score: int,
    kind: str,
    flags: list[dict[str, Any]] | None = None,
    point: str = "",
    **d: tuple[float, str],
) -> dict[str, Any]:
    made = [
        {
            "id": "p",
            "label": "A point",
            "made": True,
            "how": "cue",
            "similarity": 0.9,
            "evidence": {"sentence": point, "index": 0, "note": ""},
            "description": "",
        }
    ]
    return {
        "score": score,
        "question": {"kind": kind},
        "dimensions": dims(**d),
        "red_flags": flags or [],
        "points_made": made if point else [],
    }


FLAG = {
    "id": "hides-slip",
    "label": "Hides or sits on a slip",
    "source": "role",
    "advice": "Say when you would raise the risk.",
    "evidence": {"sentence": "I hoped we could recover.", "index": 1, "note": ""},
}


def session_log() -> list[E.Event]:
    t = iter(T0 + timedelta(minutes=i) for i in range(100))
    plan = (("behavioural-panel", ("qa", "qb", "qc", "qd")),)
    log: list[E.Event] = [
        E.SessionStarted(at=next(t), session_id="s1", role="tpm", plan=plan, seed=1),
        E.StageStarted(
            at=next(t),
            stage="behavioural-panel",
            name="Panel",
            interviewer="Panel",
            persona="Hi, I partner with our TPMs.",
            minutes=120,
        ),
    ]

    def ask(key: str, comps: tuple[str, ...], kind: str) -> None:
        log.append(
            E.QuestionAsked(
                at=next(t),
                key=key,
                question_id=f"id-{key}",
                stage="behavioural-panel",
                prompt=f"Prompt {key}?",
                kind=kind,
                competencies=comps,
                time_box=150,
            )
        )

    def answer(key: str, text: str, secs: float, a: dict[str, Any], over: float = 0) -> None:
        log.append(
            E.AnswerSubmitted(
                at=next(t), key=key, text=text, duration_seconds=secs, overrun_seconds=over
            )
        )
        log.append(
            E.AnalysisStored(
                at=next(t), key=key, question_id="x", score=a["score"], summary="s", analysis=a
            )
        )

    ask("q1", ("influence", "conflict-resolution"), "behavioural")
    answer("q1", "First answer.", 100, analysis(70, "behavioural", point="I set criteria."))
    log.append(
        E.FollowUpAsked(
            at=next(t),
            key="q1.1",
            parent="q1",
            question_id="id-q1",
            trigger="missing-result",
            prompt="How did it end?",
            time_box=75,
        )
    )
    answer(
        "q1.1",
        "It shipped.",
        40,
        analysis(90, "behavioural", point="I set criteria.", coverage=(3.0, "Say who agreed.")),
    )
    ask("q2", ("execution", "risk-management"), "situational")
    answer(
        "q2",
        "I would wait.",
        200,
        analysis(
            55,
            "situational",
            [FLAG],
            coverage=(1.0, "Cover the critical path."),
            red_flags=(1.0, "Say when you would raise the risk."),
            specificity=(2.0, "Add numbers."),
        ),
        over=50,
    )
    ask("q3", ("technical-fluency",), "technical")
    log.append(E.Skipped(at=next(t), key="q3"))
    ask("q4", ("communication",), "competency")
    answer(
        "q4",
        "I tailor the message.",
        90,
        analysis(
            65,
            "competency",
            structure=(2.0, "Signpost the steps."),
            specificity=(1.5, "Name the systems."),
        ),
    )
    log.append(E.Ended(at=next(t), reason="completed"))
    return log


@pytest.fixture
def debrief(library: Library):  # type: ignore[no-untyped-def]
    return build_debrief(replay(session_log()), library.role("tpm"))


def test_debrief_scorecard_levels_and_means(debrief) -> None:  # type: ignore[no-untyped-def]
    rows = {r.id: r for r in debrief.scorecard}
    assert [r.id for r in debrief.scorecard] == [
        "program-structuring",
        "technical-fluency",
        "stakeholder-management",
        "influence",
        "execution",
    ]
    assert rows["program-structuring"].level is None  # no question tested it
    assert (rows["influence"].level, rows["influence"].mean_score) == (4, 90.0)  # after follow-up
    assert (rows["execution"].level, rows["execution"].mean_score) == (2, 55.0)
    # its only question was skipped: not assessed, so the skip alone decides nothing
    assert (rows["technical-fluency"].level, rows["technical-fluency"].mean_score) == (None, None)
    assert (rows["stakeholder-management"].level, rows["stakeholder-management"].mean_score) == (
        3,
        65.0,
    )
    assert rows["influence"].questions == ("q1",)
    assert rows["influence"].level_text.startswith("Changes the direction")


def test_debrief_evidence_quotes(debrief) -> None:  # type: ignore[no-untyped-def]
    rows = {r.id: r for r in debrief.scorecard}
    assert [q.text for q in rows["influence"].evidence] == ["I set criteria."]
    quotes = rows["execution"].evidence
    assert [(q.text, q.note) for q in quotes] == [
        ("I hoped we could recover.", "red flag: Hides or sits on a slip")
    ]


def test_debrief_recommendation_and_counts(debrief) -> None:  # type: ignore[no-untyped-def]
    rec = debrief.recommendation
    assert rec.mean_score == round((90 + 55 + 65) / 3, 1)  # the skipped question counts in no mean
    assert rec.label == "hire"
    assert rec.reason.startswith("mean question score 70")
    assert debrief.counts == {
        "questions_planned": 4,
        "questions_asked": 4,
        "questions_answered": 3,
        "questions_skipped": 1,
        "follow_ups_asked": 1,
        "answers": 4,
        "overruns": 1,
        "red_flag_answers": 1,
    }
    q1 = debrief.questions[0]
    assert (q1.first_score, q1.final_score, q1.duration_seconds, q1.time_box) == (
        70,
        90,
        140.0,
        225,
    )


def test_debrief_three_changes_from_the_weakest_dimensions(debrief) -> None:  # type: ignore
    changes = debrief.changes
    assert len(changes) == 3 and len({c.text for c in changes}) == 3
    # weakest first: technical fluency was skipped (nothing to advise), then execution...
    assert [c.dimension for c in changes] == [
        "Execution and accountability",
        "Stakeholder management",
        "Influence without authority",
    ]
    assert changes[0].text == "Cover the critical path." and changes[0].questions == ("q2",)
    assert changes[1].text == "Name the systems."  # specificity 1.5 costs more than structure 2


def test_debrief_transcript_and_renderers(debrief) -> None:  # type: ignore[no-untyped-def]
    lines = [(x.speaker, x.text) for x in debrief.transcript]
    assert lines[0] == ("interviewer", "Hi, I partner with our TPMs.")
    assert ("candidate", "(skipped)") in lines
    assert ("interviewer", "[follow-up: missing-result] How did it end?") in lines
    md = debrief_markdown(debrief)
    for heading in (
        "## Recommendation",
        "## Scorecard",
        "## Three changes",
        "## Questions",
        "## Transcript",
        "**Hire**",
    ):
        assert heading in md
    assert "| q1 | behavioural-panel | Prompt q1? | 70 → 90 | missing-result |" in md
    data = json.loads(json.dumps(debrief.to_dict()))
    assert data["recommendation"]["label"] == "hire"
    assert data["scorecard"][3]["evidence"][0]["text"] == "I set criteria."


@pytest.mark.parametrize(
    ("mean", "levels", "flags", "answers", "label"),
    [
        (85, [4, 4], 0, 5, "strong hire"),
        (85, [4, 2], 0, 5, "hire"),
        (85, [4, 4], 1, 10, "hire"),
        (75, [3, 3], 0, 5, "hire"),
        (65, [3], 0, 5, "lean hire"),
        (55, [2], 0, 5, "lean no hire"),
        (40, [2], 0, 5, "no hire"),
        (20, [1], 0, 5, "strong no hire"),
        (75, [3, 1], 0, 5, "lean no hire"),
        (75, [3], 2, 20, "lean hire"),
        (75, [3], 2, 5, "lean no hire"),
    ],
)
def test_debrief_recommendation_thresholds(
    mean: float, levels: list[int], flags: int, answers: int, label: str
) -> None:
    assert recommend(mean, levels, flags, answers=answers).label == label


def test_debrief_no_answers_no_recommendation() -> None:
    assert recommend(None, [], 0).label is None


@pytest.mark.parametrize(
    ("score", "level"), [(100, 4), (80, 4), (79.9, 3), (60, 3), (40, 2), (39, 1), (0, 1)]
)
def test_debrief_level_bands(score: float, level: int) -> None:
    assert level_for(score) == level


def test_a_skip_never_decides_the_call_on_its_own() -> None:
    one = recommend(85, [4, 4], 0, answers=4, skipped=1)
    assert one.label == "hire" and "skipped" in one.reason and one.mean_score == 85
    half = recommend(85, [4], 0, answers=2, skipped=2)
    assert half.label == "lean no hire" and "2 of 4 questions skipped" in half.reason
    none = recommend(None, [], 0, answers=0, skipped=3)
    assert none.label is None and "3 question(s) skipped" in none.reason
