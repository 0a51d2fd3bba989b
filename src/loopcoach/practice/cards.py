"""Practice cards: FSRS state per question or story, scheduled by the maintained `fsrs` package.

Pure transitions in the style of py-fsrs: `review(card, score, now)` takes the clock as an
argument and returns a new card and a review log; nothing here reads the time or a global RNG.

How an answer's score becomes an FSRS rating (docs/practice.md):

    score  0-39  -> Again   (the answer missed the point; see it again tomorrow)
    score 40-59  -> Hard
    score 60-84  -> Good
    score 85-100 -> Easy

Stories are self-rated after telling them: 1 Again, 2 Hard, 3 Good, 4 Easy.

Scheduling is day-scale: no minute-long learning steps (answering the same interview question
again ten minutes later teaches little); a lapse (Again on a card in review) relearns after one
day; intervals are capped at `MAX_INTERVAL_DAYS`; fuzzing is off so the same history always gives
the same due dates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card, Rating, ReviewLog, Scheduler, State

from loopcoach.domain.clock import as_utc
from loopcoach.domain.kinds import CardKind, CardStatus
from loopcoach.errors import LoopcoachError

# Lower bound of each rating, best first: a score at or above the bound earns the rating.
RATING_BOUNDS: tuple[tuple[int, Rating], ...] = (
    (85, Rating.Easy),
    (60, Rating.Good),
    (40, Rating.Hard),
    (0, Rating.Again),
)
RATING_NAMES = {
    Rating.Again: "again",
    Rating.Hard: "hard",
    Rating.Good: "good",
    Rating.Easy: "easy",
}
MAX_INTERVAL_DAYS = 60

QUESTION = "q"
STORY = "s"


def rating_for_score(score: float) -> Rating:
    """The FSRS rating an analysis score (0-100) earns."""
    for bound, rating in RATING_BOUNDS:
        if score >= bound:
            return rating
    return Rating.Again


def parse_rating(value: str | int) -> Rating:
    """A self-rating: 1-4 or again/hard/good/easy."""
    text = str(value).strip().lower()
    for rating, name in RATING_NAMES.items():
        if text in (name, name[0], str(int(rating))):
            return rating
    raise LoopcoachError(
        "bad-rating", f"'{value}' is not a rating: use 1 again, 2 hard, 3 good or 4 easy"
    )


def scheduler() -> Scheduler:
    return Scheduler(
        learning_steps=(),
        relearning_steps=(timedelta(days=1),),
        maximum_interval=MAX_INTERVAL_DAYS,
        enable_fuzzing=False,
    )


def question_key(question_id: str) -> str:
    return f"{QUESTION}:{question_id}"


def story_key(story_id: str) -> str:
    return f"{STORY}:{story_id}"


def split_key(key: str) -> tuple[str, str]:
    """("q" or "s", id) of a card key."""
    kind, sep, ref = key.partition(":")
    if not sep or kind not in (QUESTION, STORY) or not ref:
        raise LoopcoachError("bad-card", f"'{key}' is not a card: use q:QUESTION_ID or s:STORY_ID")
    return kind, ref


def card_id_for(key: str) -> int:
    """A stable numeric id for a card key (FSRS and Anki want integers)."""
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:6], "big")


def new_card(key: str, now: datetime) -> Card:
    """A card never reviewed: due at once."""
    return Card(card_id=card_id_for(key), state=State.Learning, due=as_utc(now))


def review_rating(
    card: Card, rating: Rating, now: datetime, *, duration_ms: int | None = None
) -> tuple[Card, ReviewLog]:
    return scheduler().review_card(card, rating, as_utc(now), duration_ms)


def review(
    card: Card, score: float, now: datetime, *, duration_ms: int | None = None
) -> tuple[Card, ReviewLog]:
    """Reschedule a card after an answer that scored `score` (0-100)."""
    return review_rating(card, rating_for_score(score), now, duration_ms=duration_ms)


def replay(key: str, reviews: Iterable[tuple[datetime, Rating]]) -> Card:
    """The card that a history of reviews, oldest first, leads to."""
    items = sorted(reviews, key=lambda r: as_utc(r[0]))
    card = new_card(key, items[0][0]) if items else None
    for when, rating in items:
        assert card is not None
        card, _ = review_rating(card, rating, when)
    if card is None:
        raise ValueError("replay needs at least one review")
    return card


def card_to_dict(card: Card) -> dict[str, object]:
    return dict(card.to_dict())


def card_from_dict(data: Mapping[str, object]) -> Card:
    return Card.from_dict(data)  # type: ignore[arg-type]


def is_due(card: Card | None, now: datetime) -> bool:
    return card is None or as_utc(card.due) <= as_utc(now)


@dataclass(frozen=True)
class PracticeItem:
    """Something that can be practised: a pack question or one of the user's stories."""

    key: str
    kind: CardKind
    ref: str
    title: str
    role: str | None = None
    priority: float = 0.0  # higher first among new cards


@dataclass(frozen=True)
class QueueEntry:
    item: PracticeItem
    card: Card | None
    status: CardStatus  # "due" (reviewed before, due now), "new" (never practised) or "early"

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.item.key,
            "kind": self.item.kind,
            "id": self.item.ref,
            "title": self.item.title,
            "role": self.item.role,
            "status": self.status,
            "due": self.card.due.isoformat() if self.card else None,
            "state": self.card.state.name.lower() if self.card else "new",
        }


def due_queue(
    items: Sequence[PracticeItem],
    cards: Mapping[str, Card],
    now: datetime,
    *,
    limit: int = 10,
    new_limit: int | None = None,
) -> list[QueueEntry]:
    """What to practise now: reviewed cards that are due (most overdue first), then new ones.

    New items fill the rest of the limit by `priority` (highest first), then in pack order; at
    most `new_limit` of them when given. Reviews come first, so new cards never crowd them out.
    """
    now = as_utc(now)
    due = [
        QueueEntry(it, cards[it.key], "due")
        for it in items
        if it.key in cards and as_utc(cards[it.key].due) <= now
    ]
    due.sort(key=lambda e: (as_utc(e.card.due), e.item.key))  # type: ignore[union-attr]
    fresh = [it for it in items if it.key not in cards]
    order = {it.key: i for i, it in enumerate(fresh)}
    fresh.sort(key=lambda it: (-it.priority, order[it.key]))
    room = max(0, limit - len(due))
    if new_limit is not None:
        room = min(room, new_limit)
    news = [QueueEntry(it, None, "new") for it in fresh[:room]]
    return (due + news)[:limit]


def next_due(cards: Mapping[str, Card]) -> tuple[str, datetime] | None:
    """The key and time of the card due soonest, or None without cards."""
    if not cards:
        return None
    key = min(cards, key=lambda k: (as_utc(cards[k].due), k))
    return key, as_utc(cards[key].due)


def interval_days(card: Card, now: datetime) -> float:
    return (as_utc(card.due) - as_utc(now)) / timedelta(days=1)
