"""Two writers saving the same new practice card at once (two worker processes scoring answers
to one question): both succeed, and one card is kept. Before, the second INSERT failed on the
unique key and its request answered 500 (found by `serve --workers 2` on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from loopcoach.practice.cards import new_card
from loopcoach.store import make_engine, upgrade
from loopcoach.store import practice as S
from loopcoach.store.sessions import user_id


def test_two_writers_save_one_new_card(new_database: Callable[[str], str]) -> None:
    engine = make_engine(new_database("cards"))
    upgrade(engine)
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    key = "q:tpm-why-tpm"
    with engine.connect() as conn:
        user = user_id(conn)
    first = engine.connect()
    tx = first.begin()
    S.save_card(first, new_card(key, now), user=user, key=key, role="tpm", title="a", now=now)
    errors: list[BaseException] = []

    def second() -> None:  # waits on the first writer's row (PostgreSQL) or lock (SQLite)
        try:
            with engine.begin() as conn:
                later = now + timedelta(minutes=1)
                card = new_card(key, later)
                S.save_card(conn, card, user=user, key=key, role="tpm", title="b", now=later)
        except BaseException as exc:  # the test reports it
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)  # the second writer is now waiting for the first
    tx.commit()
    first.close()
    thread.join(30)
    assert not thread.is_alive() and not errors, errors
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(S.practice_cards)).scalar()
        title = conn.execute(select(S.practice_cards.c.title)).scalar()
    assert (n, title) == (1, "b")
    engine.dispose()
