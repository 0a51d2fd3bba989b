"""What the user has done so far, and the figures plans, progress and checklists read from it.

Pure: `History` is handed in by the facade (which reads the store); nothing here does I/O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fsrs import Card

from loopcoach.content.library import RolePack
from loopcoach.content.schema import Question
from loopcoach.domain.kinds import DIMENSIONS
from loopcoach.domain.practice import Attempt, ReviewRecord
from loopcoach.domain.stories import Story

UNKNOWN_SCORE = 50.0  # a competency never practised counts as middling: worth a look, not first
STORY_THEMES = 8  # the seeds' advice: six to eight stories that cover the likely themes


@dataclass(frozen=True)
class History:
    attempts: tuple[Attempt, ...] = ()
    stories: tuple[Story, ...] = ()
    reviews: tuple[ReviewRecord, ...] = ()
    cards: Mapping[str, Card] = field(default_factory=dict)
    pitch: str | None = None

    def for_role(self, role: str | None) -> History:
        if role is None:
            return self
        return History(
            attempts=tuple(a for a in self.attempts if a.role in (role, None)),
            stories=self.stories,
            reviews=self.reviews,
            cards=self.cards,
            pitch=self.pitch,
        )

    @property
    def empty(self) -> bool:
        return not self.attempts and not self.stories and not self.reviews


@dataclass(frozen=True)
class Figure:
    """A mean over `n` observations."""

    id: str
    name: str
    mean: float
    n: int

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "mean": round(self.mean, 2), "n": self.n}


def question_map(role: RolePack) -> dict[str, Question]:
    return {q.id: q for q in role.questions}


def competency_figures(attempts: Iterable[Attempt], role: RolePack) -> list[Figure]:
    """Mean overall score (0-100) per competency of the role, over attempts at its questions."""
    qmap = question_map(role)
    scores: dict[str, list[int]] = defaultdict(list)
    for a in attempts:
        q = qmap.get(a.question_id)
        if q is None:
            continue
        for c in q.competencies:
            scores[c].append(a.score)
    return [
        Figure(c.id, c.name, sum(scores[c.id]) / len(scores[c.id]), len(scores[c.id]))
        for c in role.competencies
        if scores.get(c.id)
    ]


def dimension_figures(attempts: Iterable[Attempt]) -> list[Figure]:
    """Mean score (0-4) per analysis dimension, in the analysis' order."""
    scores: dict[str, list[float]] = defaultdict(list)
    for a in attempts:
        for name, value in a.dimensions.items():
            scores[name].append(value)
    names = [d for d in DIMENSIONS if d in scores] + sorted(set(scores) - set(DIMENSIONS))
    return [
        Figure(d, d.replace("_", " "), sum(scores[d]) / len(scores[d]), len(scores[d]))
        for d in names
    ]


def competency_weakness(attempts: Sequence[Attempt], role: RolePack) -> dict[str, float]:
    """0 (strong) to 1 (weak) per competency; never-practised competencies sit at 0.5."""
    known = {f.id: f.mean for f in competency_figures(attempts, role)}
    return {c.id: 1 - known.get(c.id, UNKNOWN_SCORE) / 100 for c in role.competencies}


def weakest_competencies(attempts: Sequence[Attempt], role: RolePack, n: int = 3) -> list[Figure]:
    figs = competency_figures(attempts, role)
    return sorted(figs, key=lambda f: (f.mean, -f.n, f.id))[:n]


def weakest_dimensions(attempts: Sequence[Attempt], n: int = 2) -> list[Figure]:
    figs = dimension_figures(attempts)
    return sorted(figs, key=lambda f: (f.mean, f.id))[:n]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def story_themes(role: RolePack, stages: Sequence[str] = ()) -> list[str]:
    """The competencies a story bank should cover: those the behavioural questions test most,
    a question's first-named competency counting most (1, then 1/2, 1/3...)."""

    def pick(kinds: set[str]) -> dict[str, float]:
        weights: dict[str, float] = defaultdict(float)
        for q in role.questions:
            if q.kind in kinds and (not stages or set(q.stages) & set(stages)):
                for i, c in enumerate(q.competencies):
                    weights[c] += 1 / (i + 1)
        return weights

    order = {c.id: i for i, c in enumerate(role.competencies)}
    counts = pick({"behavioural"})
    ranked = sorted(counts, key=lambda c: (-counts[c], order.get(c, 99)))
    if len(ranked) < STORY_THEMES:
        more = pick({"situational", "competency"})
        ranked += sorted(
            (c for c in more if c not in counts), key=lambda c: (-more[c], order.get(c, 99))
        )
    return ranked[:STORY_THEMES]


def story_covers(story: Story, theme: str, role: RolePack) -> bool:
    """Does a story's theme list name a competency (by id or name, loosely)?"""
    names = {_slug(theme), _slug(role.competency_name(theme))}
    for t in story.themes:
        s = _slug(t)
        if not s:
            continue
        if s in names or any(s in n or n in s for n in names if len(s) >= 4 and len(n) >= 4):
            return True
    return False


def theme_coverage(
    role: RolePack, stories: Sequence[Story], stages: Sequence[str] = ()
) -> dict[str, list[str]]:
    """Theme -> ids of the stories that cover it (empty list: uncovered)."""
    return {
        t: [s.ref for s in stories if story_covers(s, t, role)] for t in story_themes(role, stages)
    }


def uncovered_themes(
    role: RolePack, stories: Sequence[Story], stages: Sequence[str] = ()
) -> list[str]:
    return [t for t, ids in theme_coverage(role, stories, stages).items() if not ids]
