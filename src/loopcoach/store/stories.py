"""The story bank's rows: stories with their edit history, and the last prep import.

Tables live on the shared `metadata`; their migration is the "stories" branch (0003). Every
query is scoped to a user id (local mode has one user, `local`). Functions take a `Connection`
so the caller decides the transaction: a prep import stores its drafts in one transaction, after
the file has been parsed, so a failed import stores nothing.

Re-importing a résumé replaces the untouched drafts of the previous import; stories the user
edited or added are never replaced or deleted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)

from loopcoach.errors import LoopcoachError, NotFound
from loopcoach.prep.stories import FIELDS, Story
from loopcoach.store.tables import LOCAL_USER, metadata, users

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("draft_key", String(40), nullable=True),
    Column("origin", String(16), nullable=False),
    Column("edited", Boolean, nullable=False, default=False),
    Column("title", String(300), nullable=False),
    Column("situation", Text, nullable=False, default=""),
    Column("task", Text, nullable=False, default=""),
    Column("action", Text, nullable=False, default=""),
    Column("result", Text, nullable=False, default=""),
    Column("themes", Text, nullable=False, default="[]"),
    Column("source", Text, nullable=False, default=""),
    Column("context", String(400), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "draft_key", name="uq_stories_user_draft_key"),
    Index("ix_stories_user", "user_id"),
)

story_versions = Table(
    "story_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("fields", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("story_id", "version", name="uq_story_versions"),
)

prep_imports = Table(
    "prep_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(300), nullable=False),
    Column("format", String(20), nullable=False),
    Column("role", String(80), nullable=False),
    Column("stories", Integer, nullable=False),
    Column("pitch", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def user_id(conn: Connection, name: str = LOCAL_USER) -> int:
    uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
    if uid is None:
        raise LoopcoachError("no-user", f"no user '{name}' in the database")
    return int(uid)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _story(row: Any) -> Story:
    return Story(
        id=row.id,
        title=row.title,
        situation=row.situation,
        task=row.task,
        action=row.action,
        result=row.result,
        themes=tuple(json.loads(row.themes or "[]")),
        source=row.source,
        origin=row.origin,
        edited=bool(row.edited),
        key=row.draft_key or "",
        context=row.context,
        version=row.version,
        updated_at=_utc(row.updated_at).isoformat(timespec="seconds"),
    )


def _fields(s: Story) -> dict[str, Any]:
    return {
        "title": s.title[:300],
        "situation": s.situation,
        "task": s.task,
        "action": s.action,
        "result": s.result,
        "themes": json.dumps(list(s.themes)),
        "source": s.source,
        "context": s.context[:400],
    }


def all_stories(conn: Connection, *, user: int | None = None) -> list[Story]:
    uid = user if user is not None else user_id(conn)
    rows = conn.execute(
        select(stories).where(stories.c.user_id == uid).order_by(stories.c.id)
    ).all()
    return [_story(r) for r in rows]


def list_stories(conn: Connection) -> list[dict[str, Any]]:
    """The local user's stories as the pack's story dicts (read by the practice feature)."""
    return [s.to_dict() for s in all_stories(conn)]


def get_story(conn: Connection, story_id: int, *, user: int | None = None) -> Story:
    uid = user if user is not None else user_id(conn)
    row = conn.execute(
        select(stories).where(stories.c.user_id == uid, stories.c.id == story_id)
    ).first()
    if row is None:
        raise NotFound("story", str(story_id), "list your stories with `loopcoach stories list`")
    return _story(row)


def versions(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(story_versions)
        .where(story_versions.c.story_id == story_id)
        .order_by(story_versions.c.version)
    ).all()
    return [
        {"version": r.version, "at": _utc(r.created_at).isoformat(timespec="seconds"),
         **json.loads(r.fields)}
        for r in rows
    ]


def _snapshot(conn: Connection, s: Story, *, now: datetime) -> None:
    fields = {name: getattr(s, name) for name in FIELDS}
    fields["themes"] = list(s.themes)
    conn.execute(insert(story_versions).values(
        story_id=s.id, version=s.version, fields=json.dumps(fields, ensure_ascii=False),
        created_at=now,
    ))


def replace_drafts(
    conn: Connection, drafts: Sequence[Story], *, now: datetime, user: int | None = None
) -> list[Story]:
    """Store an import's drafts: untouched drafts of earlier imports go, edited and added
    stories stay, a draft whose bullet the user already edited is skipped. Returns the bank."""
    uid = user if user is not None else user_id(conn)
    existing = {
        r.draft_key: r
        for r in conn.execute(
            select(stories).where(stories.c.user_id == uid, stories.c.draft_key.is_not(None))
        ).all()
    }
    keys = {d.key for d in drafts}
    for d in drafts:
        row = existing.get(d.key)
        if row is not None and (row.edited or row.origin != "drafted"):
            continue  # the user's version wins
        if row is not None:
            conn.execute(update(stories).where(stories.c.id == row.id).values(
                **_fields(d), updated_at=now))
        else:
            conn.execute(insert(stories).values(
                uuid=str(uuid.uuid4()), user_id=uid, draft_key=d.key, origin="drafted",
                edited=False, version=1, created_at=now, updated_at=now, **_fields(d),
            ))
    stale = [r.id for k, r in existing.items() if k not in keys
             and r.origin == "drafted" and not r.edited]
    if stale:
        conn.execute(delete(stories).where(stories.c.id.in_(stale)))
    return all_stories(conn, user=uid)


def add_story(conn: Connection, story: Story, *, now: datetime,
              user: int | None = None) -> Story:
    uid = user if user is not None else user_id(conn)
    new_id = conn.execute(insert(stories).returning(stories.c.id).values(
        uuid=str(uuid.uuid4()), user_id=uid, draft_key=None, origin="user", edited=True,
        version=1, created_at=now, updated_at=now, **_fields(story),
    )).scalar_one()
    saved = get_story(conn, int(new_id), user=uid)
    _snapshot(conn, saved, now=now)
    return saved


def save_edit(conn: Connection, before: Story, after: Story, *, now: datetime,
              user: int | None = None) -> Story:
    """Store an edited story as a new version, keeping the previous text in its history."""
    uid = user if user is not None else user_id(conn)
    has_first = conn.execute(
        select(story_versions.c.id).where(story_versions.c.story_id == before.id)
    ).first()
    if has_first is None:
        _snapshot(conn, before, now=now)
    conn.execute(update(stories).where(stories.c.id == before.id, stories.c.user_id == uid)
                 .values(**_fields(after), edited=True, version=after.version, updated_at=now))
    saved = get_story(conn, before.id, user=uid)
    _snapshot(conn, saved, now=now)
    return saved


def record_import(conn: Connection, *, source: str, fmt: str, role: str, count: int,
                  pitch: str, now: datetime, user: int | None = None) -> None:
    uid = user if user is not None else user_id(conn)
    conn.execute(insert(prep_imports).values(
        user_id=uid, source=source[:300], format=fmt, role=role, stories=count, pitch=pitch,
        created_at=now,
    ))


def get_pitch(conn: Connection) -> str | None:
    """The 45-second pitch drafted by the last import (read by the practice feature)."""
    row = conn.execute(
        select(prep_imports.c.pitch)
        .where(prep_imports.c.user_id == user_id(conn))
        .order_by(prep_imports.c.id.desc())
        .limit(1)
    ).first()
    return row.pitch if row is not None and row.pitch else None


# --- backup -----------------------------------------------------------------------------------


def dump_stories(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(stories).where(stories.c.user_id == user_id(conn)).order_by(stories.c.id)
    ).all()
    out = []
    for r in rows:
        d = {k: getattr(r, k) for k in ("uuid", "draft_key", "origin", "edited", "version")}
        d.update({k: getattr(r, k) for k in (*FIELDS, "source", "context")})
        d["themes"] = json.loads(r.themes or "[]")
        d["created_at"] = _utc(r.created_at).isoformat()
        d["updated_at"] = _utc(r.updated_at).isoformat()
        out.append(d)
    return out


def load_stories(conn: Connection, rows: list[Any]) -> int:
    """Merge backed-up stories by uuid: new ones are added, newer versions replace older."""
    uid = user_id(conn)
    changed = 0
    for i, d in enumerate(rows):
        try:
            values = {k: str(d.get(k) or "") for k in (*FIELDS, "source", "context")}
            if not values["title"]:
                raise ValueError("a story needs a title")
            values["themes"] = json.dumps([str(t) for t in d.get("themes") or []])
            version = int(d.get("version") or 1)
            created = _utc(datetime.fromisoformat(str(d["created_at"])))
            updated = _utc(datetime.fromisoformat(str(d["updated_at"])))
            key = str(d["uuid"])
        except (KeyError, ValueError, TypeError) as exc:
            raise LoopcoachError(
                "backup-invalid", f"backup section 'stories', row {i + 1}: {exc}"
            ) from None
        row = conn.execute(select(stories).where(stories.c.uuid == key)).first()
        if row is None:
            conn.execute(insert(stories).values(
                uuid=key, user_id=uid, draft_key=d.get("draft_key"),
                origin=str(d.get("origin") or "user"), edited=bool(d.get("edited")),
                version=version, created_at=created, updated_at=updated, **values,
            ))
            changed += 1
        elif version > row.version:
            conn.execute(update(stories).where(stories.c.id == row.id).values(
                version=version, edited=bool(d.get("edited")), updated_at=updated, **values))
            changed += 1
    return changed


def register_backup(register: Callable[..., None]) -> None:
    register("stories", dump=dump_stories, load=load_stories)
