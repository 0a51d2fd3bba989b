"""Accounts' rows: users who sign in, cohorts and their members, sessions, password resets and
the audit log (migration 0007, the "accounts" branch).

Functions take a `Connection` so the caller decides the transaction. Tokens arrive here already
hashed: this module never sees a session or reset token as handed out. Counters that several
workers may change at once (failed sign-ins, a reset's single use) change in one UPDATE each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from loopcoach.errors import LoopcoachError
from loopcoach.store.tables import metadata, users

cohorts = Table(
    "cohorts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

cohort_members = Table(
    "cohort_members",
    metadata,
    Column("cohort_id", Integer, ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("member_role", String(16), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("member_role IN ('coach', 'learner')", name="ck_cohort_members_role"),
    Index("ix_cohort_members_user", "user_id"),
)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the token, hex
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_auth_sessions_user", "user_id"),
)

password_resets = Table(
    "password_resets",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the token, hex
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Index("ix_password_resets_user", "user_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("actor", String(254), nullable=False),  # the email then, or "admin-cli"
    Column("action", String(40), nullable=False),
    Column("target", String(254), nullable=False, server_default=""),
    Index("ix_audit_log_at", "at"),
)


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    display_name: str
    role: str
    password_hash: str
    disabled: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime


def _user(row: Any) -> UserRow | None:
    if row is None or row.email is None:
        return None  # the local user is not an account
    created = utc(row.created_at)
    assert created is not None
    return UserRow(
        id=int(row.id),
        email=str(row.email),
        display_name=str(row.display_name or ""),
        role=str(row.role),
        password_hash=str(row.password_hash or ""),
        disabled=bool(row.disabled),
        failed_logins=int(row.failed_logins or 0),
        locked_until=utc(row.locked_until),
        created_at=created,
    )


# --- users -----------------------------------------------------------------------------------
def user_by_email(conn: Connection, email: str) -> UserRow | None:
    return _user(conn.execute(select(users).where(users.c.email == email)).first())


def user_by_id(conn: Connection, uid: int) -> UserRow | None:
    return _user(conn.execute(select(users).where(users.c.id == uid)).first())


def list_users(conn: Connection) -> list[UserRow]:
    rows = conn.execute(select(users).where(users.c.email.is_not(None)).order_by(users.c.email))
    return [u for u in (_user(r) for r in rows) if u is not None]


def insert_user(
    conn: Connection, *, email: str, display_name: str, role: str, password_hash: str, at: datetime
) -> int:
    """A new account; LoopcoachError `user-exists` when the address is taken."""
    if user_by_email(conn, email) is not None:
        raise LoopcoachError("user-exists", f"a user with email {email} already exists")
    try:
        with conn.begin_nested():
            uid = conn.execute(
                insert(users).values(
                    name=f"account:{email}",
                    email=email,
                    display_name=display_name,
                    role=role,
                    password_hash=password_hash,
                    created_at=at,
                )
            ).inserted_primary_key
    except IntegrityError:  # another process made it between the check and the insert
        raise LoopcoachError("user-exists", f"a user with email {email} already exists") from None
    assert uid is not None
    return int(uid[0])


def set_password_hash(conn: Connection, uid: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == uid).values(password_hash=password_hash))


def record_failure(
    conn: Connection, uid: int, *, at: datetime, max_failures: int, lock_for: timedelta
) -> bool:
    """Count a failed sign-in; at `max_failures` the account locks for `lock_for` and the count
    starts again. True when this failure locked it."""
    conn.execute(
        update(users).where(users.c.id == uid).values(failed_logins=users.c.failed_logins + 1)
    )
    locked = conn.execute(
        update(users)
        .where(users.c.id == uid, users.c.failed_logins >= max_failures)
        .values(failed_logins=0, locked_until=at + lock_for)
    )
    return bool(locked.rowcount)


def set_disabled(conn: Connection, uid: int, disabled: bool) -> bool:
    """Set the account's `disabled` flag; True when it changed."""
    done = conn.execute(
        update(users)
        .where(users.c.id == uid, users.c.disabled != disabled)
        .values(disabled=disabled)
    )
    return bool(done.rowcount)


def clear_failures(conn: Connection, uid: int) -> None:
    conn.execute(update(users).where(users.c.id == uid).values(failed_logins=0, locked_until=None))


# --- sessions --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionRow:
    id: str
    user_id: int
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime


def insert_session(
    conn: Connection, token_hash: str, uid: int, *, at: datetime, expires: datetime
) -> None:
    conn.execute(
        insert(auth_sessions).values(
            id=token_hash, user_id=uid, created_at=at, expires_at=expires, last_seen_at=at
        )
    )


def session_by_hash(conn: Connection, token_hash: str) -> SessionRow | None:
    row = conn.execute(select(auth_sessions).where(auth_sessions.c.id == token_hash)).first()
    if row is None:
        return None
    created, expires, seen = utc(row.created_at), utc(row.expires_at), utc(row.last_seen_at)
    assert created is not None and expires is not None and seen is not None
    return SessionRow(str(row.id), int(row.user_id), created, expires, seen)


def touch_session(conn: Connection, token_hash: str, at: datetime) -> None:
    conn.execute(
        update(auth_sessions).where(auth_sessions.c.id == token_hash).values(last_seen_at=at)
    )


def delete_session(conn: Connection, token_hash: str) -> bool:
    return bool(
        conn.execute(delete(auth_sessions).where(auth_sessions.c.id == token_hash)).rowcount
    )


def delete_user_sessions(conn: Connection, uid: int) -> int:
    return int(conn.execute(delete(auth_sessions).where(auth_sessions.c.user_id == uid)).rowcount)


def delete_expired_sessions(conn: Connection, at: datetime, idle_before: datetime) -> int:
    gone = delete(auth_sessions).where(
        (auth_sessions.c.expires_at <= at) | (auth_sessions.c.last_seen_at <= idle_before)
    )
    return int(conn.execute(gone).rowcount)


# --- password resets -------------------------------------------------------------------------
def insert_reset(
    conn: Connection, token_hash: str, uid: int, *, at: datetime, expires: datetime
) -> None:
    """A new reset token for the user; any earlier unused one stops working."""
    conn.execute(
        delete(password_resets).where(
            password_resets.c.user_id == uid, password_resets.c.used_at.is_(None)
        )
    )
    conn.execute(
        insert(password_resets).values(
            id=token_hash, user_id=uid, created_at=at, expires_at=expires
        )
    )


def use_reset(conn: Connection, token_hash: str, at: datetime) -> int | None:
    """Spend a reset token: the user's id, or None when it is unknown, spent or expired. One
    UPDATE, so two concurrent uses cannot both succeed."""
    row = conn.execute(
        select(password_resets.c.user_id).where(password_resets.c.id == token_hash)
    ).first()
    if row is None:
        return None
    spent = conn.execute(
        update(password_resets)
        .where(
            password_resets.c.id == token_hash,
            password_resets.c.used_at.is_(None),
            password_resets.c.expires_at > at,
        )
        .values(used_at=at)
    )
    return int(row.user_id) if spent.rowcount == 1 else None


# --- cohorts ---------------------------------------------------------------------------------
def cohort_id(conn: Connection, name: str) -> int | None:
    found = conn.execute(select(cohorts.c.id).where(cohorts.c.name == name)).scalar()
    return None if found is None else int(found)


def insert_cohort(conn: Connection, name: str, at: datetime) -> int:
    if cohort_id(conn, name) is not None:
        raise LoopcoachError("cohort-exists", f"a cohort named {name!r} already exists")
    try:
        with conn.begin_nested():
            made = conn.execute(insert(cohorts).values(name=name, created_at=at))
    except IntegrityError:
        raise LoopcoachError("cohort-exists", f"a cohort named {name!r} already exists") from None
    assert made.inserted_primary_key is not None
    return int(made.inserted_primary_key[0])


def add_member(conn: Connection, cid: int, uid: int, member_role: str, at: datetime) -> bool:
    """Add the user to the cohort; False when they are already in it (in any role)."""
    exists = conn.execute(
        select(cohort_members.c.member_role).where(
            cohort_members.c.cohort_id == cid, cohort_members.c.user_id == uid
        )
    ).first()
    if exists is not None:
        return False
    conn.execute(
        insert(cohort_members).values(
            cohort_id=cid, user_id=uid, member_role=member_role, added_at=at
        )
    )
    return True


def cohort_names(conn: Connection, uid: int) -> list[tuple[str, str]]:
    """(cohort name, member role) for every cohort the user is in."""
    rows = conn.execute(
        select(cohorts.c.name, cohort_members.c.member_role)
        .join(cohort_members, cohort_members.c.cohort_id == cohorts.c.id)
        .where(cohort_members.c.user_id == uid)
        .order_by(cohorts.c.name)
    )
    return [(str(r.name), str(r.member_role)) for r in rows]


def coaches_learner(conn: Connection, coach_id: int, learner_id: int) -> bool:
    """Whether some cohort has `coach_id` as a coach and `learner_id` as a learner."""
    coach = cohort_members.alias("coach")
    learner = cohort_members.alias("learner")
    found = conn.execute(
        select(func.count())
        .select_from(coach)
        .join(
            learner,
            and_(learner.c.cohort_id == coach.c.cohort_id, learner.c.member_role == "learner"),
        )
        .where(
            coach.c.user_id == coach_id,
            coach.c.member_role == "coach",
            learner.c.user_id == learner_id,
        )
    ).scalar()
    return bool(found)


# --- audit log -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    target: str


def audit(
    conn: Connection, *, at: datetime, actor_id: int | None, actor: str, action: str, target: str
) -> None:
    conn.execute(
        insert(audit_log).values(
            at=at, actor_id=actor_id, actor=actor[:254], action=action[:40], target=target[:254]
        )
    )


def audit_entries(conn: Connection, *, limit: int = 100) -> list[AuditRow]:
    rows = conn.execute(
        select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    )
    out = []
    for r in rows:
        at = utc(r.at)
        assert at is not None
        out.append(AuditRow(at, str(r.actor), str(r.action), str(r.target)))
    return out


# --- a user's own data -----------------------------------------------------------------------
def delete_user(conn: Connection, uid: int) -> bool:
    """Delete an account and, by the foreign keys' ON DELETE CASCADE, every row it owns:
    attempts, cards, reviews, held answers, mock sessions and their events, stories and their
    versions, prep packs, imports, sessions, resets, cohort memberships. Audit entries stay,
    their actor_id set to NULL."""
    return bool(conn.execute(delete(users).where(users.c.id == uid)).rowcount)


def _learner_ids(coach_id: int) -> Any:
    """The ids of the learners of every cohort `coach_id` coaches (a subquery)."""
    coach = cohort_members.alias("coach")
    learner = cohort_members.alias("learner")
    ids = (
        select(learner.c.user_id)
        .join(coach, coach.c.cohort_id == learner.c.cohort_id)
        .where(
            coach.c.user_id == coach_id,
            coach.c.member_role == "coach",
            learner.c.member_role == "learner",
        )
    )
    return ids


def count_cohort_learners(conn: Connection, coach_id: int) -> int:
    from loopcoach.store.paging import total

    return total(conn, select(users.c.id).where(users.c.id.in_(_learner_ids(coach_id))))


def cohort_learners(
    conn: Connection, coach_id: int, *, limit: int | None = None, offset: int = 0
) -> list[UserRow]:
    """The learners of every cohort `coach_id` coaches, by email (then id); `limit` and
    `offset` cut a page from that order."""
    from loopcoach.store.paging import window

    ids = _learner_ids(coach_id)
    q = select(users).where(users.c.id.in_(ids)).order_by(users.c.email, users.c.id)
    rows = conn.execute(window(q, limit=limit, offset=offset))
    return [u for u in (_user(r) for r in rows) if u is not None]
