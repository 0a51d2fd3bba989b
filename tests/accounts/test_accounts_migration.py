"""Migration 0007 (accounts) on a fresh database and on one that already holds a user's data:
the local user and everything they own stay as they were, and it goes down again cleanly."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import inspect, text
from tests.accounts.helpers import T0

from loopcoach.store import make_engine, upgrade
from loopcoach.store.migrate import alembic_config, current_revisions, head_revisions

ACCOUNT_TABLES = {"cohorts", "cohort_members", "auth_sessions", "password_resets", "audit_log"}
ACCOUNT_COLUMNS = {
    "email",
    "display_name",
    "role",
    "password_hash",
    "disabled",
    "failed_logins",
    "locked_until",
}


def test_accounts_migration_on_a_fresh_database(new_database: Callable[[str], str]) -> None:
    engine = make_engine(new_database("fresh"))
    upgrade(engine)
    assert "0007_accounts" in current_revisions(engine)
    found = inspect(engine)
    assert set(found.get_table_names()) >= ACCOUNT_TABLES
    assert {c["name"] for c in found.get_columns("users")} >= ACCOUNT_COLUMNS
    unique = [i for i in found.get_indexes("users") if i["name"] == "uq_users_email"]
    assert unique and unique[0]["unique"] and unique[0]["column_names"] == ["email"]
    engine.dispose()


def test_accounts_migration_keeps_an_existing_database(
    new_database: Callable[[str], str],
) -> None:
    engine = make_engine(new_database("old"))
    cfg = alembic_config(engine)
    for head in sorted(head_revisions(engine) - {"0007_accounts"}):
        command.upgrade(cfg, head)  # every feature's schema, as before accounts
    assert "0007_accounts" not in current_revisions(engine)
    with engine.begin() as conn:
        local = conn.execute(text("SELECT id FROM users WHERE name = 'local'")).scalar()
        conn.execute(
            text(
                "INSERT INTO stories (uuid, user_id, draft_key, origin, edited, title, situation, "
                "task, action, result, themes, source, context, version, created_at, updated_at) "
                "VALUES ('u-1', :u, 'k1', 'drafted', false, 'Cut costs', '', '', 'I cut costs.', "
                "'Costs fell 30%.', '[]', '', '', 1, :t, :t)"
            ),
            {"u": local, "t": T0},
        )
    upgrade(engine)
    assert current_revisions(engine) == head_revisions(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, name, email, role, password_hash, disabled, failed_logins FROM users")
        ).all()
        assert [tuple(r) for r in rows] == [(local, "local", None, None, None, False, 0)]
        owner = conn.execute(text("SELECT user_id FROM stories WHERE uuid = 'u-1'")).scalar()
        assert owner == local
    # and back down: the accounts' tables and columns go, the data stays
    command.downgrade(cfg, "accounts@-1")
    assert current_revisions(engine) == head_revisions(engine) - {"0007_accounts"}
    found = inspect(engine)
    assert not ACCOUNT_TABLES & set(found.get_table_names())
    assert not ACCOUNT_COLUMNS & {c["name"] for c in found.get_columns("users")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM stories")).scalar() == 1
    upgrade(engine)
    assert current_revisions(engine) == head_revisions(engine)
    engine.dispose()
