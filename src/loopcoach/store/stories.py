"""The story bank's rows: stories with their edit history, and the last prep import.

Tables live on the shared `metadata`; their migration is the "stories" branch (0003). Every
query is scoped to a user id (local mode has one user, `local`). Functions take a `Connection`
so the caller decides the transaction: a prep import stores its drafts in one transaction, after
the file has been parsed, so a failed import stores nothing.

The bank belongs to the user: a story's id never changes. An import adds the achievements it
has not seen (by content key), refreshes the untouched drafts it has, and never deletes or
replaces anything (stories of an older résumé stay until the user deletes them). Themes are
kept per role in `story_themes`, so a TPO pack never re-tags a story's TPM themes. Each prep
pack is saved in `prep_packs` with the résumé it was built from, to reopen or rebuild later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
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
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    text,
    update,
)

from loopcoach.domain.kinds import STORY_ORIGINS, one_of
from loopcoach.domain.stories import Story
from loopcoach.errors import LoopcoachError, NotFound
from loopcoach.prep.reconcile import pair_reworded
from loopcoach.prep.stories import FIELDS, story_dict
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
    Column("position", String(300), nullable=False, default=""),
    Column("employer", String(300), nullable=False, default=""),
    Column("dates", String(80), nullable=False, default=""),
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


story_themes = Table(
    "story_themes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(80), nullable=False),
    Column("themes", Text, nullable=False, default="[]"),
    Column("by_user", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("story_id", "role", name="uq_story_themes_role"),
)

prep_packs = Table(
    "prep_packs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(80), nullable=False),
    Column("source", String(300), nullable=False),
    Column("format", String(20), nullable=False),
    Column("input", LargeBinary, nullable=False),
    Column("input_sha", String(64), nullable=False),
    Column("story_keys", Text, nullable=False, default="[]"),
    Column("pack", Text, nullable=False),
    Column("rebuilt_from", Integer, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_prep_packs_user", "user_id"),
)


def user_id(conn: Connection, name: str = LOCAL_USER) -> int:
    uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
    if uid is None:
        raise LoopcoachError("no-user", f"no user '{name}' in the database")
    return int(uid)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _story(row: Any, by_role: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> Story:
    return Story(
        position=row.position,
        employer=row.employer,
        dates=row.dates,
        themes_by_role=by_role,
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
        "position": s.position[:300],
        "employer": s.employer[:300],
        "dates": s.dates[:80],
    }


def _role_themes(
    conn: Connection, ids: Sequence[int]
) -> dict[int, tuple[tuple[str, tuple[str, ...]], ...]]:
    if not ids:
        return {}
    rows = conn.execute(
        select(story_themes)
        .where(story_themes.c.story_id.in_(list(ids)))
        .order_by(story_themes.c.role)
    ).all()
    out: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for r in rows:
        out.setdefault(r.story_id, []).append((r.role, tuple(json.loads(r.themes or "[]"))))
    return {k: tuple(v) for k, v in out.items()}


def all_stories(
    conn: Connection, *, user: int | None = None, limit: int | None = None, offset: int = 0
) -> list[Story]:
    """Oldest first; `limit` and `offset` cut a page from that order."""
    from loopcoach.store.paging import window

    uid = user if user is not None else user_id(conn)
    q = select(stories).where(stories.c.user_id == uid).order_by(stories.c.id)
    rows = conn.execute(window(q, limit=limit, offset=offset)).all()
    themes = _role_themes(conn, [r.id for r in rows])
    return [_story(r, themes.get(r.id, ())) for r in rows]


def count_stories(conn: Connection, *, user: int) -> int:
    from loopcoach.store.paging import total

    return total(conn, select(stories.c.id).where(stories.c.user_id == user))


def list_stories(conn: Connection, *, user: int | None = None) -> list[dict[str, Any]]:
    """The user's stories as the pack's story dicts (read by the practice feature)."""
    return [story_dict(s) for s in all_stories(conn, user=user)]


def get_story(conn: Connection, story_id: int, *, user: int | None = None) -> Story:
    uid = user if user is not None else user_id(conn)
    row = conn.execute(
        select(stories).where(stories.c.user_id == uid, stories.c.id == story_id)
    ).first()
    if row is None:
        raise NotFound("story", str(story_id), "list your stories with `loopcoach stories list`")
    return _story(row, _role_themes(conn, [row.id]).get(row.id, ()))


def versions(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(story_versions)
        .where(story_versions.c.story_id == story_id)
        .order_by(story_versions.c.version)
    ).all()
    return [
        {
            "version": r.version,
            "at": _utc(r.created_at).isoformat(timespec="seconds"),
            **json.loads(r.fields),
        }
        for r in rows
    ]


def _snapshot(conn: Connection, s: Story, *, now: datetime) -> None:
    fields = {name: getattr(s, name) for name in FIELDS}
    fields["themes"] = list(s.themes)
    conn.execute(
        insert(story_versions).values(
            story_id=s.id,
            version=s.version,
            fields=json.dumps(fields, ensure_ascii=False),
            created_at=now,
        )
    )


def import_drafts(
    conn: Connection, drafts: Sequence[Story], *, now: datetime, user: int | None = None
) -> tuple[list[Story], dict[str, int]]:
    """Store an import's drafts in the bank by content key, never deleting anything.

    A draft seen for the first time is added (its id is then fixed for good); one the bank has
    as an untouched draft is refreshed in place (same id); one the user edited is left as the
    user wrote it. A draft whose line was reworded since the last import (same job, mostly the
    same words: `prep.reconcile`) is that story, not a new one: an untouched draft takes the
    new wording, an edited story keeps the user's words and only learns its new résumé line.
    Returns the bank's stories for these drafts, in the drafts' order, and the counts
    {"added", "refreshed", "unchanged", "kept_edits", "reworded", "reworded_kept_edits"}."""
    uid = user if user is not None else user_id(conn)
    rows = conn.execute(
        select(stories).where(stories.c.user_id == uid, stories.c.draft_key.is_not(None))
    ).all()
    existing = {r.draft_key: r for r in rows}
    counts = {
        "added": 0,
        "refreshed": 0,
        "unchanged": 0,
        "kept_edits": 0,
        "reworded": 0,
        "reworded_kept_edits": 0,
    }
    keys = {d.key for d in drafts}
    unseen = [d for d in dict((d.key, d) for d in drafts).values() if d.key not in existing]
    spare = [r for r in rows if r.draft_key not in keys and r.origin == "drafted"]
    reworded = {
        unseen[i].key: spare[j]
        for i, j in pair_reworded(unseen, [_story(r) for r in spare]).items()
    }
    ids: list[int] = []
    for d in drafts:
        row = existing.get(d.key)
        if row is None and d.key in reworded:
            row = reworded.pop(d.key)
            existing[d.key] = row
            ids.append(row.id)
            if row.edited:
                values: dict[str, Any] = {"source": d.source}
                counts["reworded_kept_edits"] += 1
            else:
                values = {k: v for k, v in _fields(d).items() if k != "themes"}
                counts["reworded"] += 1
            conn.execute(
                update(stories)
                .where(stories.c.id == row.id)
                .values(**values, draft_key=d.key, updated_at=now)
            )
            continue
        if row is None:
            new_id = conn.execute(
                insert(stories)
                .returning(stories.c.id)
                .values(
                    uuid=str(uuid.uuid4()),
                    user_id=uid,
                    draft_key=d.key,
                    origin="drafted",
                    edited=False,
                    version=1,
                    created_at=now,
                    updated_at=now,
                    **{**_fields(d), "themes": "[]"},
                )
            ).scalar_one()
            existing[d.key] = conn.execute(select(stories).where(stories.c.id == new_id)).one()
            ids.append(int(new_id))
            counts["added"] += 1
            continue
        ids.append(row.id)
        if row.edited or row.origin != "drafted":
            counts["kept_edits"] += 1
            continue
        fresh = {k: v for k, v in _fields(d).items() if k != "themes"}
        if all(getattr(row, k) == v for k, v in fresh.items()):
            counts["unchanged"] += 1
            continue
        conn.execute(update(stories).where(stories.c.id == row.id).values(**fresh, updated_at=now))
        counts["refreshed"] += 1
    bank = {s.id: s for s in all_stories(conn, user=uid)}
    return [bank[i] for i in dict.fromkeys(ids)], counts


def set_role_themes(
    conn: Connection,
    story_id: int,
    role: str,
    themes: Sequence[str],
    *,
    by_user: bool,
    now: datetime,
) -> bool:
    """Keep a story's themes for one role. Tags of the user are never overwritten by tagging;
    returns whether anything was stored."""
    row = conn.execute(
        select(story_themes).where(story_themes.c.story_id == story_id, story_themes.c.role == role)
    ).first()
    value = json.dumps(list(themes))
    if row is None:
        conn.execute(
            insert(story_themes).values(
                story_id=story_id, role=role, themes=value, by_user=by_user, updated_at=now
            )
        )
        return True
    if row.by_user and not by_user:
        return False
    if row.themes == value and bool(row.by_user) == by_user:
        return False
    conn.execute(
        update(story_themes)
        .where(story_themes.c.id == row.id)
        .values(themes=value, by_user=by_user, updated_at=now)
    )
    return True


def clear_tagged_themes(conn: Connection, story_id: int) -> None:
    """Forget the themes tagging gave a story for each role (the user gave themes for all)."""
    conn.execute(
        delete(story_themes).where(
            story_themes.c.story_id == story_id, story_themes.c.by_user.is_(False)
        )
    )


def delete_story(conn: Connection, story_id: int, *, user: int | None = None) -> Story:
    """Delete one story (the faces ask first); its id is never given to another story."""
    story = get_story(conn, story_id, user=user)
    conn.execute(delete(stories).where(stories.c.id == story.id))
    return story


# --- saved prep packs ---------------------------------------------------------------------------


def save_pack(
    conn: Connection,
    *,
    role: str,
    source: str,
    fmt: str,
    data: bytes,
    story_keys: Sequence[str],
    pack: dict[str, Any],
    now: datetime,
    rebuilt_from: int | None = None,
    user: int | None = None,
) -> int:
    """Store a built pack with its inputs; returns its id. `pack` is stored with its id."""
    uid = user if user is not None else user_id(conn)
    pid = conn.execute(
        insert(prep_packs)
        .returning(prep_packs.c.id)
        .values(
            user_id=uid,
            role=role,
            source=source[:300],
            format=fmt,
            input=data,
            input_sha=hashlib.sha256(data).hexdigest(),
            story_keys=json.dumps(list(story_keys)),
            pack="{}",
            rebuilt_from=rebuilt_from,
            created_at=now,
        )
    ).scalar_one()
    pack["pack_id"] = int(pid)
    pack["saved_at"] = _utc(now).isoformat(timespec="seconds")
    conn.execute(
        update(prep_packs)
        .where(prep_packs.c.id == pid)
        .values(pack=json.dumps(pack, ensure_ascii=False))
    )
    return int(pid)


def count_packs(conn: Connection, *, user: int) -> int:
    from loopcoach.store.paging import total

    return total(conn, select(prep_packs.c.id).where(prep_packs.c.user_id == user))


def list_packs(
    conn: Connection, *, user: int | None = None, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Newest first; `limit` and `offset` cut a page from that order."""
    from loopcoach.store.paging import window

    uid = user if user is not None else user_id(conn)
    rows = conn.execute(
        window(
            select(
                prep_packs.c.id,
                prep_packs.c.role,
                prep_packs.c.source,
                prep_packs.c.format,
                prep_packs.c.created_at,
                prep_packs.c.rebuilt_from,
                prep_packs.c.input_sha,
            )
            .where(prep_packs.c.user_id == uid)
            .order_by(prep_packs.c.id.desc()),
            limit=limit,
            offset=offset,
        )
    ).all()
    return [
        {
            "id": r.id,
            "role": r.role,
            "source": r.source,
            "format": r.format,
            "created_at": _utc(r.created_at).isoformat(timespec="seconds"),
            "rebuilt_from": r.rebuilt_from,
            "input_sha256": r.input_sha,
        }
        for r in rows
    ]


def get_pack(conn: Connection, pack_id: int, *, user: int | None = None) -> dict[str, Any]:
    """A saved pack as it was built, with its inputs: {"pack", "input", "source", "role"...}."""
    uid = user if user is not None else user_id(conn)
    row = conn.execute(
        select(prep_packs).where(prep_packs.c.user_id == uid, prep_packs.c.id == pack_id)
    ).first()
    if row is None:
        raise NotFound(
            "prep pack", str(pack_id), "list your saved packs with `loopcoach prep --list`"
        )
    return {
        "id": row.id,
        "role": row.role,
        "source": row.source,
        "format": row.format,
        "input": bytes(row.input),
        "story_keys": json.loads(row.story_keys or "[]"),
        "pack": json.loads(row.pack),
        "rebuilt_from": row.rebuilt_from,
    }


def add_story(conn: Connection, story: Story, *, now: datetime, user: int | None = None) -> Story:
    uid = user if user is not None else user_id(conn)
    new_id = conn.execute(
        insert(stories)
        .returning(stories.c.id)
        .values(
            uuid=str(uuid.uuid4()),
            user_id=uid,
            draft_key=None,
            origin="user",
            edited=True,
            version=1,
            created_at=now,
            updated_at=now,
            **_fields(story),
        )
    ).scalar_one()
    saved = get_story(conn, int(new_id), user=uid)
    _snapshot(conn, saved, now=now)
    return saved


def save_edit(
    conn: Connection, before: Story, after: Story, *, now: datetime, user: int | None = None
) -> Story:
    """Store an edited story as a new version, keeping the previous text in its history."""
    uid = user if user is not None else user_id(conn)
    has_first = conn.execute(
        select(story_versions.c.id).where(story_versions.c.story_id == before.id)
    ).first()
    if has_first is None:
        _snapshot(conn, before, now=now)
    conn.execute(
        update(stories)
        .where(stories.c.id == before.id, stories.c.user_id == uid)
        .values(**_fields(after), edited=True, version=after.version, updated_at=now)
    )
    saved = get_story(conn, before.id, user=uid)
    _snapshot(conn, saved, now=now)
    return saved


def record_import(
    conn: Connection,
    *,
    source: str,
    fmt: str,
    role: str,
    count: int,
    pitch: str,
    now: datetime,
    user: int | None = None,
) -> None:
    uid = user if user is not None else user_id(conn)
    conn.execute(
        insert(prep_imports).values(
            user_id=uid,
            source=source[:300],
            format=fmt,
            role=role,
            stories=count,
            pitch=pitch,
            created_at=now,
        )
    )


def get_pitch(conn: Connection, *, user: int | None = None) -> str | None:
    """The 45-second pitch drafted by the last import (read by the practice feature)."""
    uid = user if user is not None else user_id(conn)
    row = conn.execute(
        select(prep_imports.c.pitch)
        .where(prep_imports.c.user_id == uid)
        .order_by(prep_imports.c.id.desc())
        .limit(1)
    ).first()
    return row.pitch if row is not None and row.pitch else None


# --- backup -----------------------------------------------------------------------------------
#
# Three sections: "stories" (with their edit history and themes per role), "prep_packs" (each
# saved pack with the résumé it was built from, base64) and "prep_imports" (the pitch the
# practice feature reads). Loading is idempotent: stories match on uuid, packs and imports on
# what they were built from and when. A story or pack keeps its id when the target database
# does not use it yet (a fresh machine), so `stories show 3` and `/prep/packs/2` still work.

_STORY_TEXT = (*FIELDS, "source", "context", "position", "employer", "dates")
MAX_PACK_INPUT = 10 * 1024 * 1024  # a résumé import's own limit


def dump_stories(conn: Connection, user: int | None = None) -> list[dict[str, Any]]:
    uid = user if user is not None else user_id(conn)
    rows = conn.execute(
        select(stories).where(stories.c.user_id == uid).order_by(stories.c.id)
    ).all()
    ids = [r.id for r in rows]
    by_role = _role_themes(conn, ids)
    mine = {
        (r.story_id, r.role)
        for r in conn.execute(
            select(story_themes.c.story_id, story_themes.c.role).where(
                story_themes.c.story_id.in_(ids), story_themes.c.by_user.is_(True)
            )
        ).all()
    }
    out = []
    for r in rows:
        d = {k: getattr(r, k) for k in ("id", "uuid", "draft_key", "origin", "edited", "version")}
        d.update({k: getattr(r, k) for k in _STORY_TEXT})
        d["themes"] = json.loads(r.themes or "[]")
        d["themes_by_role"] = {role: list(t) for role, t in by_role.get(r.id, ())}
        d["themes_by_user"] = sorted(role for sid, role in mine if sid == r.id)
        d["created_at"] = _utc(r.created_at).isoformat()
        d["updated_at"] = _utc(r.updated_at).isoformat()
        d["versions"] = versions(conn, r.id)
        out.append(d)
    return out


def _free_id(conn: Connection, table: Table, wanted: object) -> int | None:
    """`wanted` when it is a positive id no row of `table` has, else None (a new id is given)."""
    if not isinstance(wanted, int) or isinstance(wanted, bool) or wanted < 1:
        return None
    taken = conn.execute(select(table.c.id).where(table.c.id == wanted)).first()
    return None if taken is not None else wanted


def _bump_sequence(conn: Connection, table: Table) -> None:
    """PostgreSQL hands out serial ids from a sequence that explicit ids do not advance."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
            )
        )


def _uuid_taken(conn: Connection, key: str) -> bool:
    return conn.execute(select(stories.c.id).where(stories.c.uuid == key)).first() is not None


def _load_versions(conn: Connection, story_id: int, rows: object) -> None:
    if not isinstance(rows, list):
        raise ValueError("'versions' is not a list")
    have = set(
        conn.execute(
            select(story_versions.c.version).where(story_versions.c.story_id == story_id)
        ).scalars()
    )
    for v in rows:
        if not isinstance(v, dict):
            raise ValueError("a version is not an object")
        number = int(v["version"])
        if number in have:
            continue
        fields = {k: v.get(k, "") for k in FIELDS}
        fields["themes"] = [str(t) for t in v.get("themes") or []]
        conn.execute(
            insert(story_versions).values(
                story_id=story_id,
                version=number,
                fields=json.dumps(fields, ensure_ascii=False),
                created_at=_utc(datetime.fromisoformat(str(v["at"]))),
            )
        )
        have.add(number)


def load_stories(conn: Connection, rows: list[Any], uid: int) -> int:
    """Merge backed-up stories into `uid`'s by uuid: new ones are added (with their id when it
    is free), newer versions replace older; edit history and themes per role come along. A
    story of another user's with the same uuid is never matched: the imported one gets a new
    uuid (uuids are unique across users)."""
    changed = 0
    explicit = False
    for i, d in enumerate(rows):
        try:
            if not isinstance(d, dict):
                raise ValueError("not an object")
            values = {k: str(d.get(k) or "") for k in _STORY_TEXT}
            origin = one_of(STORY_ORIGINS, d.get("origin") or "user", "origin")
            role_themes = {
                str(k): [str(t) for t in v] for k, v in (d.get("themes_by_role") or {}).items()
            }
            by_user = {str(r) for r in d.get("themes_by_user") or []}
            if not values["title"]:
                raise ValueError("a story needs a title")
            values["themes"] = json.dumps([str(t) for t in d.get("themes") or []])
            version = int(d.get("version") or 1)
            created = _utc(datetime.fromisoformat(str(d["created_at"])))
            updated = _utc(datetime.fromisoformat(str(d["updated_at"])))
            key = str(d["uuid"])[:36]
            row = conn.execute(
                select(stories).where(stories.c.uuid == key, stories.c.user_id == uid)
            ).first()
            if row is None and _uuid_taken(conn, key):
                key = str(uuid.uuid4())  # another user's story has it
            draft_key = d.get("draft_key")
            twin = (
                conn.execute(
                    select(stories).where(
                        stories.c.user_id == uid, stories.c.draft_key == str(draft_key)
                    )
                ).first()
                if row is None and draft_key
                else None
            )
            if twin is not None:
                # the same résumé line drafted on both sides: one story, the user's words win
                theirs = {k: getattr(twin, k) for k in values}
                if theirs == values or (twin.edited and not d.get("edited")):
                    continue
                if twin.edited:  # edited on both sides, differently: keep both
                    draft_key = None
                else:
                    row = twin
            if row is None:
                keep = _free_id(conn, stories, d.get("id"))
                explicit = explicit or keep is not None
                sid = conn.execute(
                    insert(stories)
                    .returning(stories.c.id)
                    .values(
                        **({"id": keep} if keep is not None else {}),
                        uuid=key,
                        user_id=uid,
                        draft_key=str(draft_key) if draft_key else None,
                        origin=origin,
                        edited=bool(d.get("edited")),
                        version=version,
                        created_at=created,
                        updated_at=updated,
                        **values,
                    )
                ).scalar_one()
                for role, themes in role_themes.items():
                    set_role_themes(
                        conn, int(sid), role, themes, by_user=role in by_user, now=updated
                    )
                _load_versions(conn, int(sid), d.get("versions") or [])
                changed += 1
            elif version > row.version or row.uuid != key:
                conn.execute(
                    update(stories)
                    .where(stories.c.id == row.id)
                    .values(
                        version=version, edited=bool(d.get("edited")), updated_at=updated, **values
                    )
                )
                _load_versions(conn, row.id, d.get("versions") or [])
                changed += 1
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise LoopcoachError(
                "backup-invalid", f"backup section 'stories', row {i + 1}: {exc}"
            ) from None
    if explicit:
        _bump_sequence(conn, stories)
    return changed


def dump_packs(conn: Connection, user: int | None = None) -> list[dict[str, Any]]:
    uid = user if user is not None else user_id(conn)
    rows = conn.execute(
        select(prep_packs).where(prep_packs.c.user_id == uid).order_by(prep_packs.c.id)
    ).all()
    return [
        {
            "id": r.id,
            "role": r.role,
            "source": r.source,
            "format": r.format,
            "input_base64": base64.b64encode(bytes(r.input)).decode("ascii"),
            "input_sha256": r.input_sha,
            "story_keys": json.loads(r.story_keys or "[]"),
            "pack": json.loads(r.pack),
            "rebuilt_from": r.rebuilt_from,
            "created_at": _utc(r.created_at).isoformat(),
        }
        for r in rows
    ]


def load_packs(conn: Connection, rows: list[Any], uid: int) -> int:
    """Merge backed-up prep packs into `uid`'s: a pack of theirs already here (same role,
    résumé and time) is left alone; others are added, keeping their id when it is free. A pack
    is only ever marked as rebuilt from a pack of the same user."""
    changed = 0
    explicit = False
    new_ids: dict[int, int] = {}
    for i, d in enumerate(rows):
        try:
            if not isinstance(d, dict):
                raise ValueError("not an object")
            role, source, fmt = str(d["role"]), str(d["source"]), str(d["format"])
            encoded = str(d["input_base64"])
            if len(encoded) > MAX_PACK_INPUT * 4 // 3 + 4:
                raise ValueError("the résumé is over 10 MB")
            data = base64.b64decode(encoded, validate=True)
            sha = hashlib.sha256(data).hexdigest()
            if sha != str(d.get("input_sha256") or sha):
                raise ValueError("the résumé does not match its checksum")
            pack = d["pack"]
            if not isinstance(pack, dict):
                raise ValueError("'pack' is not an object")
            keys = [str(k) for k in d.get("story_keys") or []]
            created = _utc(datetime.fromisoformat(str(d["created_at"])))
            old_id = d.get("id")
            same = conn.execute(
                select(prep_packs.c.id, prep_packs.c.created_at).where(
                    prep_packs.c.user_id == uid,
                    prep_packs.c.role == role,
                    prep_packs.c.input_sha == sha,
                )
            ).all()
            here = next((r.id for r in same if _utc(r.created_at) == created), None)
            if here is not None:
                if isinstance(old_id, int):
                    new_ids[old_id] = here
                continue
            keep = _free_id(conn, prep_packs, old_id)
            explicit = explicit or keep is not None
            wanted = d.get("rebuilt_from")
            if isinstance(wanted, int):
                wanted = new_ids.get(wanted, wanted)
            parent = _own_pack(conn, uid, wanted)
            pid = conn.execute(
                insert(prep_packs)
                .returning(prep_packs.c.id)
                .values(
                    **({"id": keep} if keep is not None else {}),
                    user_id=uid,
                    role=role[:80],
                    source=source[:300],
                    format=fmt[:20],
                    input=data,
                    input_sha=sha,
                    story_keys=json.dumps(keys),
                    pack="{}",
                    rebuilt_from=parent,
                    created_at=created,
                )
            ).scalar_one()
            if pid != old_id and "pack_id" in pack:
                pack = {**pack, "pack_id": int(pid)}
            conn.execute(
                update(prep_packs)
                .where(prep_packs.c.id == pid)
                .values(pack=json.dumps(pack, ensure_ascii=False))
            )
            if isinstance(old_id, int):
                new_ids[old_id] = int(pid)
            changed += 1
        except (KeyError, ValueError, TypeError, binascii.Error) as exc:
            raise LoopcoachError(
                "backup-invalid", f"backup section 'prep_packs', row {i + 1}: {exc}"
            ) from None
    if explicit:
        _bump_sequence(conn, prep_packs)
    return changed


def _own_pack(conn: Connection, uid: int, pack_id: object) -> int | None:
    """`pack_id` when it is a pack of `uid`'s, else None."""
    if not isinstance(pack_id, int) or isinstance(pack_id, bool):
        return None
    mine = conn.execute(
        select(prep_packs.c.id).where(prep_packs.c.id == pack_id, prep_packs.c.user_id == uid)
    ).first()
    return pack_id if mine is not None else None


def dump_imports(conn: Connection, user: int | None = None) -> list[dict[str, Any]]:
    uid = user if user is not None else user_id(conn)
    rows = conn.execute(
        select(prep_imports).where(prep_imports.c.user_id == uid).order_by(prep_imports.c.id)
    ).all()
    return [
        {
            "source": r.source,
            "format": r.format,
            "role": r.role,
            "stories": r.stories,
            "pitch": r.pitch,
            "created_at": _utc(r.created_at).isoformat(),
        }
        for r in rows
    ]


def load_imports(conn: Connection, rows: list[Any], uid: int) -> int:
    """Merge the record of past imports (what `get_pitch` reads) into `uid`'s, by source, role
    and time."""
    changed = 0
    for i, d in enumerate(rows):
        try:
            if not isinstance(d, dict):
                raise ValueError("not an object")
            created = _utc(datetime.fromisoformat(str(d["created_at"])))
            source, role = str(d["source"])[:300], str(d["role"])[:80]
            same = conn.execute(
                select(prep_imports.c.created_at).where(
                    prep_imports.c.user_id == uid,
                    prep_imports.c.source == source,
                    prep_imports.c.role == role,
                )
            ).scalars()
            if any(_utc(t) == created for t in same):
                continue
            record_import(
                conn,
                source=source,
                fmt=str(d["format"])[:20],
                role=role,
                count=int(d.get("stories") or 0),
                pitch=str(d.get("pitch") or ""),
                now=created,
                user=uid,
            )
            changed += 1
        except (KeyError, ValueError, TypeError) as exc:
            raise LoopcoachError(
                "backup-invalid", f"backup section 'prep_imports', row {i + 1}: {exc}"
            ) from None
    return changed


def register_backup(register: Callable[..., None]) -> None:
    register("stories", dump=dump_stories, load=load_stories)
    register("prep_packs", dump=dump_packs, load=load_packs)
    register("prep_imports", dump=dump_imports, load=load_imports)
