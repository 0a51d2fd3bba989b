"""The prep pack: a work history and a role in, stories, matches, scaffolds and priorities out.

Pure: the caller hands over the parsed history, the role and a `Matcher` (the embedder), and
stores or prints the result. `PrepPack.to_dict()` is the JSON contract `prep --json` prints:

    {"stories": [{"id", "title", "source", "situation", "task", "action", "result", "themes",
                  ...}],
     "questions": [{"id", "prompt", "matches": [{"story", "score", "why"}], "scaffold"}],
     "coverage", "priorities", "resume", ...}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from loopcoach.content.library import RolePack
from loopcoach.prep.history import WorkHistory
from loopcoach.prep.matching import (
    GOOD,
    STORY_KINDS,
    Matcher,
    MatchTable,
    StoryFeatures,
    coverage,
    match_stories,
    priorities,
    story_features,
    tag_themes,
)
from loopcoach.prep.resume_score import ResumeScore, score_resume
from loopcoach.prep.scaffold import pitch, scaffolds
from loopcoach.prep.stories import (
    FALLBACK,
    MAX_STORIES,
    MIN_STORIES,
    STRONG,
    Story,
    candidate_stories,
    draft_stories,
)

STRONG_FIRST = 4  # the strongest bullets always get a story
PROMISING = 35  # when choosing drafts: a one-line draft this close is worth drafting
NOTICE = (
    "Stories marked draft were assembled from your own résumé lines: edit them in your words "
    "(loopcoach stories edit ID) and fill every [add: ...] prompt before you rehearse."
)


@dataclass(frozen=True)
class PrepPack:
    role: RolePack
    history: WorkHistory
    stories: tuple[Story, ...]
    table: MatchTable
    scaffolds: tuple[dict[str, Any], ...]
    coverage: dict[str, Any]
    priorities: dict[str, Any]
    resume: ResumeScore
    pitch: dict[str, Any]
    embedder: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        questions = []
        for qm, sc in zip(self.table.per_question, self.scaffolds, strict=True):
            q = qm.question
            questions.append({
                "id": q.id,
                "prompt": q.prompt,
                "kind": q.kind,
                "priority": q.priority,
                "competencies": list(q.competencies),
                "matches": [m.to_dict() for m in qm.matches],
                "covered": qm.good,
                "scaffold": sc,
            })
        return {
            "role": {"id": self.role.id, "name": self.role.info.name},
            "history": {
                "source": self.history.source,
                "format": self.history.fmt,
                "name": self.history.name,
                "headline": self.history.headline,
                "pages": self.history.pages,
                "entries": [
                    {"title": e.title, "company": e.company, "dates": e.dates, "kind": e.kind,
                     "bullets": len(e.bullets)}
                    for e in self.history.entries
                ],
            },
            "notice": NOTICE,
            "stories": [s.to_dict() for s in self.stories],
            "questions": questions,
            "coverage": self.coverage,
            "priorities": self.priorities,
            "resume": self.resume.to_dict(),
            "pitch": self.pitch,
            "embedder": self.embedder,
            "good_match": GOOD,
        }


def draft_for(
    history: WorkHistory, role: RolePack, matcher: Matcher
) -> tuple[ResumeScore, list[Story]]:
    """Score the résumé and draft its story bank: the strongest bullets first, then the
    bullets that answer likely questions no chosen story answers yet (at most MAX_STORIES)."""
    resume = score_resume(history, role)
    pool = candidate_stories(history, resume)
    if not pool:
        return resume, []
    drafts = [s for s, _ in pool]
    strength = [score for _, score in pool]
    features = story_features(matcher, drafts)
    table = match_stories(matcher, role, drafts, features=features)
    chosen = choose(table, strength)
    stories = [replace(drafts[i], id=n + 1) for n, i in enumerate(chosen)]
    return resume, with_themes(matcher, role, stories, [features[i] for i in chosen])


def choose(table: MatchTable, strength: Sequence[int]) -> list[int]:
    """Indices of the stories to keep, in résumé order."""
    weights = [
        (1.5 if q.kind == "behavioural" else 1.0) * (1.0 if q.priority == "core" else 0.5)
        if q.kind in STORY_KINDS else 0.0
        for q in table.role.questions
    ]
    good = table.scores >= PROMISING  # (questions, stories)
    by_strength = sorted(range(len(strength)), key=lambda i: (-strength[i], i))
    chosen = [i for i in by_strength if strength[i] >= STRONG][:STRONG_FIRST]
    covered = good[:, chosen].any(axis=1) if chosen else np.zeros(len(weights), dtype=bool)
    while len(chosen) < MAX_STORIES:
        best, gain = -1, 0.0
        for i in by_strength:
            if i in chosen:
                continue
            fresh = good[:, i] & ~covered
            g = float(sum(w for w, f in zip(weights, fresh.tolist(), strict=True) if f))
            if g > gain:
                best, gain = i, g
        if best < 0:
            break
        chosen.append(best)
        covered |= good[:, best]
    for i in by_strength:  # top up with strong bullets if the questions are all covered
        if len(chosen) >= MIN_STORIES:
            break
        if i not in chosen and strength[i] >= FALLBACK:
            chosen.append(i)
    return sorted(chosen)


def with_themes(
    matcher: Matcher,
    role: RolePack,
    stories: Sequence[Story],
    features: Sequence[StoryFeatures] | None = None,
) -> list[Story]:
    """Stories without themes get the role's competencies they show; others keep theirs."""
    stories = list(stories)
    todo = [i for i, s in enumerate(stories) if not s.themes]
    if todo:
        feats = [features[i] for i in todo] if features is not None else None
        tags = tag_themes(matcher, role, [stories[i] for i in todo], features=feats)
        for i, t in zip(todo, tags, strict=True):
            stories[i] = replace(stories[i], themes=t)
    return stories


def build_pack(
    history: WorkHistory,
    role: RolePack,
    *,
    matcher: Matcher,
    stories: Sequence[Story] | None = None,
    resume: ResumeScore | None = None,
    today: date | None = None,
) -> PrepPack:
    """The whole pack. `stories` defaults to drafts from the history (then nothing is stored)."""
    resume = resume or score_resume(history, role)
    if stories is None:
        stories = draft_stories(history, resume)
    features = story_features(matcher, stories) if stories else []
    stories = with_themes(matcher, role, stories, features)
    table = match_stories(matcher, role, stories, features=features)
    cov = coverage(table)
    emb = matcher.embedder
    return PrepPack(
        role=role,
        history=history,
        stories=tuple(stories),
        table=table,
        scaffolds=tuple(scaffolds(matcher, table, features)),
        coverage=cov,
        priorities=priorities(table, cov, history, resume),
        resume=resume,
        pitch=pitch(history, role, stories, today=today),
        embedder={"name": emb.name, "degraded": emb.degraded, "reason": emb.reason},
    )
