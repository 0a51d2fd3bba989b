"""JSON-ready views of a session for the faces (CLI `--json`, web, API): plain dicts, no logic."""

from __future__ import annotations

from typing import Any

from loopcoach.interview.session import SessionState, Turn, combined_text
from loopcoach.interview.transcript import clock, note


def turn_view(state: SessionState, turn: Turn) -> dict[str, Any]:
    """A question or follow-up as the candidate sees it."""
    out: dict[str, Any] = {
        "type": turn.kind,
        "key": turn.key,
        "question_id": turn.question_id,
        "stage": turn.stage,
        "prompt": turn.prompt,
        "kind": turn.question_kind,
        "time_box_seconds": turn.time_box,
        "asked_at": turn.asked_at.isoformat(),
    }
    if turn.kind == "question":
        mains = state.main_turns()
        out["number"] = mains.index(turn) + 1
        out["of"] = state.question_total
        stage = next((s for s in state.stages_started if s.stage == turn.stage), None)
        if stage is not None:
            out["stage_name"] = stage.name
            out["interviewer"] = stage.interviewer
            out["persona"] = stage.persona
            first = next(t for t in mains if t.stage == turn.stage)
            out["stage_opens"] = first.key == turn.key
    else:
        out["parent"] = turn.parent
        out["trigger"] = turn.trigger
        out["target"] = turn.target
        out["reason"] = turn.reason
    if turn.draft:
        out["draft"] = turn.draft
    return out


def analysis_short(turn: Turn) -> dict[str, Any] | None:
    """The short note after an answer: score, one-line summary, what a follow-up might probe."""
    a = turn.analysis
    if a is None:
        return None
    flags = [f.get("label") for f in a.analysis.get("red_flags") or []]
    return {
        "key": turn.key,
        "score": a.score,
        "summary": a.summary,
        "note": note(turn),
        "gaps": [g.to_dict() for g in a.gaps],
        "red_flags": flags,
        "duration_seconds": turn.duration_seconds,
        "time_box_seconds": turn.time_box,
        "overrun_seconds": turn.overrun_seconds,
        "timed": turn.timed,
        "clock": f"{clock(turn.duration_seconds or 0)} / {clock(turn.time_box)}",
    }


def turn_record(state: SessionState, turn: Turn) -> dict[str, Any]:
    """Everything about a turn, for `mock show`."""
    out = turn_view(state, turn)
    out.update(
        {
            "answer": turn.answer,
            "answered_at": turn.answered_at.isoformat() if turn.answered_at else None,
            "duration_seconds": turn.duration_seconds,
            "overrun_seconds": turn.overrun_seconds,
            "timed": turn.timed,
            "time_box_expired": turn.expired,
            "skipped": turn.skipped,
            "analysis": turn.analysis.analysis if turn.analysis else None,
            "score": turn.analysis.score if turn.analysis else None,
            "gaps": [g.to_dict() for g in turn.analysis.gaps] if turn.analysis else [],
        }
    )
    if turn.kind == "follow-up" and turn.answer is not None:
        out["analysed_text"] = combined_text(state, turn.main_key)
    return out


def session_summary(state: SessionState) -> dict[str, Any]:
    answered = [t for t in state.main_turns() if state.final_analysis(t.key) is not None]
    scores = [a.score for t in answered if (a := state.final_analysis(t.key)) is not None]
    return {
        "session": state.session_id,
        "role": state.role,
        "mode": state.mode,
        "stages": list(state.stages),
        "seed": state.seed,
        "status": state.status,
        "started_at": state.started_at.isoformat(),
        "updated_at": state.updated_at.isoformat() if state.updated_at else None,
        "questions_planned": state.question_total,
        "questions_asked": len(state.main_turns()),
        "questions_answered": len(answered),
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
        "feedback_until_end": state.feedback_until_end,
    }


def state_view(state: SessionState) -> dict[str, Any]:
    out = session_summary(state)
    current = state.current
    out["current"] = turn_view(state, current) if current else None
    out["turns"] = [turn_record(state, t) for t in state.turns]
    out["avoided"] = list(state.avoided)
    out["plan"] = [{"stage": s, "questions": list(q)} for s, q in state.plan]
    return out


__all__ = ["analysis_short", "session_summary", "state_view", "turn_record", "turn_view"]
