"""Choosing what to practise: questions ranked by weakness, cases and mock stages in rotation.

Deterministic: ties break on pack order, never on chance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from loopcoach.content.library import RolePack
from loopcoach.content.schema import Case, Question, Stage
from loopcoach.practice.cards import is_due, question_key
from loopcoach.practice.history import History, competency_weakness

# One line of advice per analysis dimension, shown on plan days when it is among the weakest.
DIMENSION_TIPS = {
    "structure": "Lead with the frame: situation, your task, what you did, the result.",
    "coverage": "Before answering, list the two or three points the question is really after.",
    "specificity": "Give every result a number, a date, a team count or a named system.",
    "ownership": "Say what you decided and did ('I'), and credit the team separately.",
    "red_flags": "Re-read the red flags of today's questions and say what you would do instead.",
    "delivery": "Time yourself: aim for the target length and cut the setup first.",
}


def stage_filter(role: RolePack, stages: Sequence[str]) -> tuple[str, ...]:
    """Validated stage ids (unknown ones raise a NotFound naming the role's stages)."""
    for s in stages:
        role.stage(s)
    return tuple(stages)


def questions_for(role: RolePack, stages: Sequence[str] = ()) -> list[Question]:
    """The role's questions, restricted to the given stages when any question is in them."""
    if stages:
        chosen = [q for q in role.questions if set(q.stages) & set(stages)]
        if chosen:
            return chosen
    return list(role.questions)


def question_rank(
    role: RolePack,
    history: History,
    now: datetime | None,
    stages: Sequence[str] = (),
) -> list[tuple[float, Question]]:
    """Questions best first: core before practice, weak competencies first, unpractised and
    due ones before recently practised ones."""
    weakness = competency_weakness(history.attempts, role)
    tried = {a.question_id for a in history.attempts}
    ranked = []
    for i, q in enumerate(questions_for(role, stages)):
        w = [weakness.get(c, 0.5) for c in q.competencies] or [0.5]
        score = (1.0 if q.priority == "core" else 0.5) + sum(w) / len(w)
        if q.id not in tried:
            score += 0.3
        card = history.cards.get(question_key(q.id))
        if card is not None and now is not None and is_due(card, now):
            score += 0.3
        ranked.append((round(score, 6), -i, q))
    ranked.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [(s, q) for s, _, q in ranked]


class Rotation:
    """Hand out items best-match first without repeats until every item has been used."""

    def __init__(self, items: Iterable[object]) -> None:
        self.items = list(items)
        self.used: set[int] = set()

    def take(self, wanted: Iterable[str] = (), key: str = "competencies") -> object | None:
        if not self.items:
            return None
        if len(self.used) == len(self.items):
            self.used.clear()
        wanted = set(wanted)
        best, best_i, best_score = None, -1, -1
        for i, item in enumerate(self.items):
            if i in self.used:
                continue
            overlap = len(wanted & set(getattr(item, key, ()) or ()))
            if overlap > best_score:
                best, best_i, best_score = item, i, overlap
        self.used.add(best_i)
        return best


@dataclass
class QuestionPicker:
    """Questions for plan days: by the day's competencies, then by rank; no repeats until the
    whole pool is used."""

    ranked: list[Question]
    used: set[str]

    @classmethod
    def build(
        cls, role: RolePack, history: History, now: datetime | None, stages: Sequence[str] = ()
    ) -> QuestionPicker:
        return cls([q for _, q in question_rank(role, history, now, stages)], set())

    def take(self, n: int, competencies: Sequence[str] = ()) -> list[Question]:
        out: list[Question] = []
        wanted = set(competencies)
        for _ in range(n):
            if len(self.used) >= len(self.ranked):
                self.used.clear()
            pool = [q for q in self.ranked if q.id not in self.used and q not in out]
            if not pool:
                break
            match = [q for q in pool if wanted & set(q.competencies)]
            q = (match or pool)[0]
            out.append(q)
            self.used.add(q.id)
        return out


def cases_for(role: RolePack, stages: Sequence[str] = ()) -> list[Case]:
    if stages:
        chosen = [c for c in role.cases if set(c.stages) & set(stages)]
        if chosen:
            return chosen
    return list(role.cases)


def mock_stages(role: RolePack, stages: Sequence[str] = ()) -> list[Stage]:
    """Stages to rehearse, the selected ones or the whole loop, screens last."""
    chosen = [role.stage(s) for s in stages] if stages else list(role.stages)
    screens = [s for s in chosen if "screen" in s.id]
    return [s for s in chosen if s not in screens] + screens


def ambiguity_question(role: RolePack) -> Question | None:
    """The question a candidate's ambiguity story should answer, if the pack has one."""
    words = ("ambigu", "unclear", "incomplete information", "vague", "uncertain")
    for q in role.questions:
        if "ambiguity" in q.competencies or any(w in q.prompt.lower() for w in words):
            return q
    return None
