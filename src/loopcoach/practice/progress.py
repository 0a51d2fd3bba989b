"""Progress over time: attempts per day, score trends, competencies, story coverage, streak, due.

`progress(history, roles=..., now=...)` is pure; the facade hands in the history and the clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from loopcoach.content.library import RolePack
from loopcoach.domain.clock import as_utc
from loopcoach.domain.kinds import DIMENSIONS
from loopcoach.domain.practice import Attempt
from loopcoach.practice.cards import STORY, next_due, split_key
from loopcoach.practice.history import Figure, History, competency_figures, theme_coverage

TREND_WINDOW = 5  # compare the mean of the first and the last few days


@dataclass(frozen=True)
class DayPoint:
    date: date
    attempts: int
    score: float  # mean overall score that day
    dimensions: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "attempts": self.attempts,
            "score": round(self.score, 1),
            "dimensions": {k: round(v, 2) for k, v in self.dimensions.items()},
        }


@dataclass(frozen=True)
class Trend:
    id: str
    first: float
    last: float
    series: tuple[float, ...]  # one value per practised day

    @property
    def delta(self) -> float:
        return self.last - self.first

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "first": round(self.first, 2),
            "last": round(self.last, 2),
            "delta": round(self.delta, 2),
            "series": [round(v, 2) for v in self.series],
        }


@dataclass(frozen=True)
class Progress:
    role: str | None
    today: date
    attempts: int
    days: tuple[DayPoint, ...]
    score: Trend | None
    dimensions: tuple[Trend, ...]
    best_competencies: tuple[Figure, ...]
    weakest_competencies: tuple[Figure, ...]
    streak: int
    longest_streak: int
    reviews: int
    cards: int
    due_now: int
    next_due: tuple[str, datetime] | None
    stories: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "today": self.today.isoformat(),
            "attempts": self.attempts,
            "days_practised": len(self.days),
            "by_day": [d.to_dict() for d in self.days],
            "score": self.score.to_dict() if self.score else None,
            "dimensions": {t.id: t.to_dict() for t in self.dimensions},
            "best_competencies": [f.to_dict() for f in self.best_competencies],
            "weakest_competencies": [f.to_dict() for f in self.weakest_competencies],
            "streak": self.streak,
            "longest_streak": self.longest_streak,
            "reviews": self.reviews,
            "cards": self.cards,
            "due_now": self.due_now,
            "next_due": (
                {"key": self.next_due[0], "due": self.next_due[1].isoformat()}
                if self.next_due
                else None
            ),
            "stories": self.stories,
        }


def local_date(when: datetime, tz: tzinfo) -> date:
    return as_utc(when).astimezone(tz).date()


def by_day(attempts: Sequence[Attempt], tz: tzinfo = UTC) -> list[DayPoint]:
    groups: dict[date, list[Attempt]] = defaultdict(list)
    for a in attempts:
        groups[local_date(a.created_at, tz)].append(a)
    out = []
    for d in sorted(groups):
        items = groups[d]
        dims: dict[str, list[float]] = defaultdict(list)
        for a in items:
            for k, v in a.dimensions.items():
                dims[k].append(v)
        out.append(
            DayPoint(
                d,
                len(items),
                sum(a.score for a in items) / len(items),
                {
                    k: sum(v) / len(v)
                    for k, v in sorted(dims.items(), key=lambda kv: _dim_order(kv[0]))
                },
            )
        )
    return out


def _dim_order(name: str) -> tuple[int, str]:
    return (DIMENSIONS.index(name) if name in DIMENSIONS else len(DIMENSIONS), name)


def trend(ident: str, series: Sequence[float]) -> Trend | None:
    if not series:
        return None
    k = max(1, min(TREND_WINDOW, len(series) // 2))
    return Trend(ident, sum(series[:k]) / k, sum(series[-k:]) / k, tuple(series))


def streaks(active: set[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive active days. A run that ended yesterday is still
    current: today is not over yet."""
    longest = run = 0
    prev: date | None = None
    for d in sorted(active):
        run = run + 1 if prev is not None and d - prev == timedelta(days=1) else 1
        longest = max(longest, run)
        prev = d
    start = today if today in active else today - timedelta(days=1)
    current = 0
    while start in active:
        current += 1
        start -= timedelta(days=1)
    return current, longest


def merged_competencies(attempts: Sequence[Attempt], roles: Sequence[RolePack]) -> list[Figure]:
    """Competency figures over several roles; a competency shared by roles is pooled."""
    pooled: dict[str, tuple[str, float, int]] = {}
    for role in roles:
        for f in competency_figures([a for a in attempts if a.role in (role.id, None)], role):
            name, total, n = pooled.get(f.id, (f.name, 0.0, 0))
            pooled[f.id] = (name, total + f.mean * f.n, n + f.n)
    return [Figure(k, name, total / n, n) for k, (name, total, n) in pooled.items()]


def progress(
    history: History,
    *,
    roles: Sequence[RolePack],
    now: datetime,
    role: str | None = None,
    tz: tzinfo = UTC,
    top: int = 3,
) -> Progress:
    attempts = sorted(history.attempts, key=lambda a: as_utc(a.created_at))
    days = by_day(attempts, tz)
    today = local_date(now, tz)
    score = trend("score", [d.score for d in days])
    dims = [
        t
        for name in DIMENSIONS
        if (t := trend(name, [d.dimensions[name] for d in days if name in d.dimensions]))
    ]
    comps = merged_competencies(attempts, roles)
    best = sorted(comps, key=lambda f: (-f.mean, -f.n, f.id))[:top]
    weakest = [f for f in sorted(comps, key=lambda f: (f.mean, -f.n, f.id)) if f not in best][:top]
    active = {local_date(a.created_at, tz) for a in attempts}
    active |= {local_date(r.reviewed_at, tz) for r in history.reviews}
    current, longest = streaks(active, today)
    cards = dict(history.cards)
    due_now = sum(1 for c in cards.values() if as_utc(c.due) <= as_utc(now))
    return Progress(
        role=role,
        today=today,
        attempts=len(attempts),
        days=tuple(days),
        score=score,
        dimensions=tuple(dims),
        best_competencies=tuple(best),
        weakest_competencies=tuple(weakest),
        streak=current,
        longest_streak=longest,
        reviews=len(history.reviews),
        cards=len(cards),
        due_now=due_now,
        next_due=next_due(cards),
        stories=story_figures(history, roles if role else ()),
    )


def story_figures(history: History, roles: Sequence[RolePack]) -> dict[str, Any]:
    told = {split_key(r.card_key)[1] for r in history.reviews if r.card_key.startswith(STORY + ":")}
    out: dict[str, Any] = {
        "total": len(history.stories),
        "practised": sorted(s.ref for s in history.stories if s.ref in told),
        "never_practised": sorted(s.ref for s in history.stories if s.ref not in told),
    }
    if len(roles) == 1:
        coverage = theme_coverage(roles[0], history.stories)
        out["themes"] = {t: ids for t, ids in coverage.items()}
        out["uncovered_themes"] = [t for t, ids in coverage.items() if not ids]
    return out
