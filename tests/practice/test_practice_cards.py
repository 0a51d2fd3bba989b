"""FSRS cards: the score-to-rating mapping, deterministic scheduling, the due queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, State

from loopcoach.errors import LoopcoachError
from loopcoach.practice import cards as C

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (0, Rating.Again),
        (39, Rating.Again),
        (40, Rating.Hard),
        (59, Rating.Hard),
        (60, Rating.Good),
        (84, Rating.Good),
        (85, Rating.Easy),
        (100, Rating.Easy),
    ],
)
def test_practice_cards_score_maps_to_rating(score: int, rating: Rating) -> None:
    assert C.rating_for_score(score) == rating


@pytest.mark.parametrize(
    ("text", "rating"),
    [("1", Rating.Again), ("hard", Rating.Hard), ("G", Rating.Good), (" easy ", Rating.Easy)],
)
def test_practice_cards_parse_self_rating(text: str, rating: Rating) -> None:
    assert C.parse_rating(text) == rating


def test_practice_cards_bad_rating_and_key_are_clear() -> None:
    with pytest.raises(LoopcoachError, match="1 again, 2 hard"):
        C.parse_rating("5")
    with pytest.raises(LoopcoachError, match="q:QUESTION_ID"):
        C.split_key("tpm-slip-three-weeks")


def test_practice_cards_good_answers_push_the_card_further_out() -> None:
    card = C.new_card("q:x", T0)
    assert card.card_id == C.card_id_for("q:x") and card.due == T0
    now, gaps = T0, []
    for _ in range(4):
        card, log = C.review(card, 72, now)
        assert log.rating == Rating.Good and card.state == State.Review
        gaps.append(C.interval_days(card, now))
        now = card.due
    assert gaps == sorted(gaps) and gaps[0] >= 1 and gaps[-1] > 20
    assert gaps[-1] <= C.MAX_INTERVAL_DAYS


def test_practice_cards_a_poor_answer_brings_the_card_back_tomorrow() -> None:
    card, _ = C.review(C.new_card("q:x", T0), 90, T0)
    card, _ = C.review(card, 90, card.due)
    before = card.stability
    when = card.due
    card, log = C.review(card, 20, when)
    assert log.rating == Rating.Again
    assert C.interval_days(card, when) == pytest.approx(1)
    assert card.stability < before


def test_practice_cards_replay_is_deterministic() -> None:
    history = [
        (T0, Rating.Hard),
        (T0 + timedelta(days=1), Rating.Good),
        (T0 + timedelta(days=4), Rating.Easy),
    ]
    a = C.replay("s:story", reversed(history))
    b = C.replay("s:story", history)
    assert a.to_dict() == b.to_dict()
    step = C.new_card("s:story", T0)
    for when, r in history:
        step, _ = C.review_rating(step, r, when)
    assert step.to_dict() == a.to_dict()
    assert C.card_from_dict(C.card_to_dict(a)).to_dict() == a.to_dict()


def test_practice_cards_naive_and_non_utc_times_are_accepted() -> None:
    naive = datetime(2026, 3, 2, 9, 0)
    card, _ = C.review(C.new_card("q:x", naive), 70, naive)
    assert card.last_review == T0


def test_practice_cards_due_queue_reviews_first_then_new_by_priority() -> None:
    items = [
        C.PracticeItem(f"q:{n}", "question", n, n, "tpm", p)
        for n, p in [("a", 1.0), ("b", 2.0), ("c", 1.5), ("d", 1.0), ("e", 1.0)]
    ]
    late, _ = C.review(C.new_card("q:d", T0 - timedelta(days=9)), 30, T0 - timedelta(days=9))
    soon, _ = C.review(C.new_card("q:e", T0 - timedelta(days=1)), 30, T0 - timedelta(days=1))
    future, _ = C.review(C.new_card("q:a", T0), 95, T0)
    cards = {"q:d": late, "q:e": soon, "q:a": future}
    q = C.due_queue(items, cards, T0, limit=4)
    assert [(e.item.ref, e.status) for e in q] == [
        ("d", "due"),
        ("e", "due"),
        ("b", "new"),
        ("c", "new"),
    ]
    assert [e.item.ref for e in C.due_queue(items, cards, T0, limit=4, new_limit=1)] == [
        "d",
        "e",
        "b",
    ]
    assert C.next_due(cards) == ("q:d", late.due)
    assert C.next_due({}) is None
