"""Every backup section's loader, fed rows whose values have random wrong types (a file edited
by hand or crafted): the import is refused with a one-line `backup-invalid` error naming the
section, and nothing is stored. Fixed seed, so a failure can be replayed; SQLite, and
PostgreSQL under `.ci/with-postgres`."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from loopcoach.errors import LoopcoachError
from loopcoach.store.backup import load_data, registry
from loopcoach.store.engine import make_engine
from loopcoach.store.migrate import upgrade
from loopcoach.store.practice import user_id
from loopcoach.store.tables import metadata

VALUES: list[Any] = [None, 0, -1, 10**30, "", "x", [], {}, [1], {"a": 1}, True, 1.5, "2026-01-01"]
FIELDS = {
    "attempts": ["uuid", "question_id", "score", "dimensions", "source", "created_at", "answer"],
    "practice_cards": ["key", "fsrs", "updated_at", "role", "title"],
    "review_logs": ["uuid", "card_key", "rating", "reviewed_at", "detail", "duration_ms"],
    "stories": [
        "uuid",
        "title",
        "created_at",
        "updated_at",
        "version",
        "themes_by_role",
        "themes_by_user",
        "versions",
        "origin",
        "id",
    ],
    "prep_packs": [
        "role",
        "source",
        "format",
        "input_base64",
        "pack",
        "created_at",
        "id",
        "rebuilt_from",
    ],
    "prep_imports": ["source", "format", "role", "created_at", "stories", "pitch"],
    "mock_sessions": ["id", "events"],
}
EVENT_TYPES = ["session_started", "question_asked", "ended", "nonsense"]


def _row(rng: random.Random, section: str) -> dict[str, Any]:
    row = {k: rng.choice(VALUES) for k in FIELDS[section] if rng.random() < 0.85}
    if section == "mock_sessions" and rng.random() < 0.5:
        row["events"] = [
            {k: rng.choice(VALUES) for k in ("at", "session_id", "plan", "role", "seed")}
            | {"type": rng.choice(EVENT_TYPES)}
        ]
    return row


def _stored(engine: Any) -> int:
    with engine.connect() as conn:
        return sum(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for name, t in metadata.tables.items()
            if name not in ("users", "alembic_version")
        )


def test_the_sections_are_the_ones_probed() -> None:
    assert set(registry().sections) == set(FIELDS)


@pytest.mark.parametrize("section", sorted(FIELDS))
def test_wrong_types_are_refused_and_store_nothing(
    section: str, new_database: Callable[[str], str]
) -> None:
    engine = make_engine(new_database("hostile"))
    upgrade(engine)
    with engine.connect() as conn:
        uid = user_id(conn)
    rng = random.Random(f"{section}-16")
    refused = 0
    for _ in range(60):
        data = {
            "format": "loopcoach-backup",
            "version": 1,
            "sections": {section: [_row(rng, section)]},
        }
        try:
            load_data(engine, data, user=uid)
        except LoopcoachError as exc:
            assert exc.code == "backup-invalid", exc.message
            assert f"'{section}'" in exc.message and "\n" not in exc.message
            refused += 1
            continue
        with engine.begin() as conn:  # an accepted row is fine; start clean for the next
            for t in reversed(metadata.sorted_tables):
                if t.name not in ("users", "alembic_version"):
                    conn.execute(t.delete())
    assert refused >= 50  # wrong types, nearly always
    assert _stored(engine) == 0
