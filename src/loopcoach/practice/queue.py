"""What can be practised: every pack question of the chosen roles and every story the user has."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from loopcoach.content.library import RolePack
from loopcoach.domain.stories import Story
from loopcoach.practice.cards import PracticeItem, question_key, story_key
from loopcoach.practice.history import History
from loopcoach.practice.picks import question_rank

STORY_PRIORITY = 1.9  # a story never told comes before most new questions

# Lengths a story is told at: id -> (label, target seconds, what to put in).
STORY_LENGTHS: dict[str, tuple[str, int, str]] = {
    "30s": ("30-second headline", 30, "The problem and the outcome, in two sentences."),
    "2min": (
        "2-minute story",
        120,
        "A line of context, your task, what you did and the trade-offs you weighed, the result "
        "with a number.",
    ),
    "deep": (
        "deep dive",
        300,
        "Everything in the 2-minute version plus what went wrong, the options you turned down "
        "and how you measured success.",
    ),
}


def practice_items(
    roles: Sequence[RolePack],
    history: History,
    now: datetime,
    *,
    stages: Sequence[str] = (),
    story_titles: Mapping[str, str] | None = None,
) -> list[PracticeItem]:
    """Questions ranked as in plans, then the stories; `story_titles` adds story cards whose
    story is not readable any more (a backup moved to a machine without the prep pack)."""
    items = []
    for role in roles:
        ranked = question_rank(role, history.for_role(role.id), now, stages)
        items += [
            PracticeItem(question_key(q.id), "question", q.id, q.prompt, role.id, score)
            for score, q in ranked
        ]
    known = set()
    for s in history.stories:
        known.add(s.ref)
        items.append(PracticeItem(story_key(s.ref), "story", s.ref, s.title, None, STORY_PRIORITY))
    for sid, title in (story_titles or {}).items():
        if sid not in known:
            items.append(PracticeItem(story_key(sid), "story", sid, title, None, STORY_PRIORITY))
    return items


def story_notes(story: Story, length: str) -> list[str]:
    """What to compare a telling with: the prep pack's version at that length, else S/T/A/R."""
    told = story.lengths
    if length == "30s" and told.headline:
        return [told.headline]
    if length == "2min" and told.two_minute:
        return list(told.two_minute)
    if length == "deep" and told.deep_dive:
        return list(told.deep_dive)
    star = [
        ("Situation", story.situation),
        ("Task", story.task),
        ("Action", story.action),
        ("Result", story.result),
    ]
    return [f"{k}: {v}" for k, v in star if v]
