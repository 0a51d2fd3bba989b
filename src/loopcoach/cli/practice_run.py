"""`loopcoach practice --answer-file F` / `--rate R`: one card, no prompts (scripts, tests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from loopcoach.app import Coach
from loopcoach.cli.analyze import read_answer
from loopcoach.cli.render import line, print_json
from loopcoach.errors import LoopcoachError
from loopcoach.practice.cards import RATING_NAMES, QueueEntry, parse_rating


def _pick(
    coach: Coach,
    *,
    role: str | None,
    card: str | None,
    kind: str,
    now: datetime,
    stages: Sequence[str],
) -> QueueEntry:
    if card:
        entry = coach.practice.entry_for(card, now=now)
        if entry.item.kind != kind:
            what = (
                "--answer-file answers a question card (q:ID)"
                if kind == "question"
                else "--rate rates a story card (s:ID)"
            )
            raise LoopcoachError("wrong-card", f"{card} is a {entry.item.kind}: {what}")
        return entry
    for entry in coach.practice.queue(role=role, limit=500, now=now, stages=stages):
        if entry.item.kind == kind:
            return entry
    raise LoopcoachError("nothing-due", f"no {kind} card is due; pick one with --card")


def run_once(
    coach: Coach,
    *,
    role: str | None,
    card: str | None,
    answer_file: Path | None,
    rate: str | None,
    length: str,
    now: datetime,
    as_json: bool,
    stages: Sequence[str],
) -> None:
    if answer_file is not None and rate is not None:
        raise LoopcoachError(
            "bad-options", "give --answer-file (a question) or --rate (a story), not both"
        )
    if answer_file is not None:
        entry = _pick(coach, role=role, card=card, kind="question", now=now, stages=stages)
        text = read_answer(answer_file)
        analysis, rec = coach.practice.answer(entry, text, now=now)
        result = {
            "card": entry.item.key,
            "status": entry.status,
            **rec.to_dict(),
            "dimensions": {k: d.score for k, d in analysis.dimensions.items()},
        }
        if as_json:
            print_json(result)
        else:
            line(
                f"{entry.item.key}: score {analysis.score}/100 → {result['rating']}; "
                f"next due {result['next_due'] or '-'}"
            )
        return
    assert rate is not None
    rating = parse_rating(rate)
    entry = _pick(coach, role=role, card=card, kind="story", now=now, stages=stages)
    new = coach.practice.tell_story(entry, rating, length=length, now=now)
    result = {
        "card": entry.item.key,
        "status": entry.status,
        "rating": RATING_NAMES[rating],
        "length": length,
        "next_due": new.due.isoformat() if new else None,
    }
    if as_json:
        print_json(result)
    else:
        line(f"{entry.item.key}: {result['rating']} → next due {result['next_due'] or '-'}")
