"""Full JSON backup of the user's data, built from sections that each feature registers.

A feature's store module defines a hook and is listed in `FEATURE_MODULES`:

    def register_backup(register):
        register("stories", dump=dump_stories, load=load_stories)

`dump(conn, user) -> list[dict]` returns the section's rows (user: a users.id, None for the local
user) as JSON-ready dicts; `load(conn, rows, user) -> int` merges them into the rows of `user`
(a users.id) and returns how many rows it added or changed. Loading must be idempotent (match
rows on stable natural keys or uuids, always together with the owner), so importing a file twice
adds nothing; a loader never matches, changes or deletes a row of another user, and gives an
imported row a fresh uuid or id where the file's one is already another user's.
Missing modules, and modules without the hook, are skipped.

The file is `{"format": "loopcoach-backup", "version": 1, "exported_at", "app_version",
"sections": {name: [rows]}}`. An import runs in one transaction: a damaged file, a newer
version or a section this install does not know changes nothing. `load_upload` is the hosted
import of an upload: size, nesting depth and row limits are checked before anything is stored.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from loopcoach import __version__
from loopcoach.errors import LoopcoachError

FORMAT = "loopcoach-backup"
VERSION = 1
MAX_BYTES = 500_000_000
FEATURE_MODULES = (
    "loopcoach.store.practice",
    "loopcoach.store.stories",
    "loopcoach.store.sessions",
)

Dump = Callable[[Connection, int | None], list[dict[str, Any]]]
Load = Callable[[Connection, list[Any], int], int]
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the web's request limit
MAX_UPLOAD_ROWS = 20_000  # rows of all sections of an uploaded backup together


@dataclass(frozen=True)
class Section:
    name: str
    dump: Dump
    load: Load


class Registry:
    def __init__(self) -> None:
        self.sections: dict[str, Section] = {}

    def register(self, name: str, *, dump: Dump, load: Load) -> None:
        assert name not in self.sections, f"backup section {name!r} registered twice"
        self.sections[name] = Section(name, dump, load)


def registry(modules: tuple[str, ...] = FEATURE_MODULES) -> Registry:
    """The sections of every installed feature, in the order of `modules`."""
    reg = Registry()
    for name in modules:
        if importlib.util.find_spec(name) is None:
            continue
        hook = getattr(importlib.import_module(name), "register_backup", None)
        if hook is not None:
            hook(reg.register)
    return reg


def dump(
    engine: Engine, *, now: datetime, reg: Registry | None = None, user: int | None = None
) -> dict[str, Any]:
    """Every section's rows of one user (`user`: a users.id; None: the local user)."""
    reg = reg or registry()
    with engine.connect() as conn:
        sections = {name: s.dump(conn, user) for name, s in reg.sections.items()}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.astimezone(UTC).isoformat(),
        "app_version": __version__,
        "sections": sections,
    }


def export_file(engine: Engine, path: Path, *, now: datetime) -> dict[str, int]:
    data = dump(engine, now=now)
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
    try:
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise LoopcoachError("write-failed", f"cannot write {path}: {exc.strerror}") from None
    return {name: len(rows) for name, rows in data["sections"].items()}


CLI_ADVICE = "make one with `loopcoach export json -o FILE`"
WEB_ADVICE = "download one with Download everything on your account page"


def _check(data: Any, reg: Registry, where: str, advice: str = CLI_ADVICE) -> dict[str, list[Any]]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LoopcoachError("backup-invalid", f"{where} is not a loopcoach backup ({advice})")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise LoopcoachError("backup-invalid", f"{where}: the backup has no valid version")
    if version > VERSION:
        raise LoopcoachError(
            "backup-newer",
            f"{where} was written by a newer loopcoach (backup format {version}, this one "
            f"reads {VERSION}); upgrade loopcoach and import again",
        )
    sections = data.get("sections")
    if not isinstance(sections, dict):
        raise LoopcoachError("backup-invalid", f"{where}: the backup has no sections")
    unknown = sorted(set(sections) - set(reg.sections))
    if unknown:
        raise LoopcoachError(
            "backup-unknown-section",
            f"{where} holds data this install cannot read ({', '.join(unknown)}); upgrade "
            "loopcoach or install the feature, then import again; nothing was imported",
        )
    for name, rows in sections.items():
        if not isinstance(rows, list):
            raise LoopcoachError("backup-invalid", f"{where}: section '{name}' is not a list")
    return sections


def load(
    engine: Engine,
    data: Any,
    *,
    where: str = "the file",
    reg: Registry | None = None,
    user: int | None = None,
) -> dict[str, int]:
    """Merge a backup into the rows of `user` (a users.id; None: the local user) in one
    transaction; rows added or changed per section."""
    reg = reg or registry()
    sections = _check(data, reg, where)
    counts: dict[str, int] = {}
    current = ""
    try:
        with engine.begin() as conn:
            owner = user if user is not None else _local_user(conn)
            for name, section in reg.sections.items():
                if name in sections:
                    current = name
                    counts[name] = section.load(conn, sections[name], owner)
    except SQLAlchemyError as exc:
        raise LoopcoachError(
            "backup-invalid",
            f"{where}: section '{current}' could not be stored "
            f"({type(getattr(exc, 'orig', exc)).__name__}); nothing was imported",
        ) from None
    except LoopcoachError as exc:
        if exc.code.startswith("backup-"):
            raise
        # a domain check inside a section (a card key, a kind): said with the section's name
        raise LoopcoachError(
            "backup-invalid", f"{where}: section '{current}': {exc.message}; nothing was imported"
        ) from None
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as exc:
        # a value of the wrong type that a section's own checks let through (an edited file)
        raise LoopcoachError(
            "backup-invalid",
            f"{where}: section '{current}' has a value of the wrong type "
            f"({type(exc).__name__}); the file is damaged or was edited; nothing was imported",
        ) from None
    return counts


def _local_user(conn: Connection) -> int:
    from loopcoach.store.practice import user_id

    return user_id(conn)


def load_upload(
    engine: Engine,
    raw: bytes,
    *,
    user: int,
    where: str = "file",
    reg: Registry | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_rows: int = MAX_UPLOAD_ROWS,
) -> dict[str, int]:
    """An uploaded backup (the bytes of `/account/export.json`) merged into `user`'s rows,
    within limits: at most `max_bytes`, JSON at most MAX_DEPTH deep, at most `max_rows` rows."""
    from loopcoach.limits import LimitError, json_load

    if len(raw) > max_bytes:
        raise LimitError(
            f"{where}: the backup is over {max_bytes // 2**20} MB, the limit for an upload; "
            "split it or import it on the machine that runs loopcoach"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LoopcoachError(
            "backup-invalid", f"{where}: not UTF-8 text; upload the file /account/export.json gave"
        ) from None
    try:
        data = json_load(text, source=where)
    except json.JSONDecodeError:
        raise LoopcoachError(
            "backup-invalid", f"{where}: damaged or not JSON; nothing was imported"
        ) from None
    return load_data(engine, data, user=user, where=where, reg=reg, max_rows=max_rows)


def load_data(
    engine: Engine,
    data: Any,
    *,
    user: int,
    where: str = "the backup",
    reg: Registry | None = None,
    max_rows: int = MAX_UPLOAD_ROWS,
) -> dict[str, int]:
    """A parsed upload (the JSON body of an API request) merged into `user`'s rows, once its
    sections hold at most `max_rows` rows together."""
    from loopcoach.limits import LimitError

    reg = reg or registry()
    sections = _check(data, reg, where, WEB_ADVICE)
    rows = sum(len(r) for r in sections.values())
    if rows > max_rows:
        raise LimitError(
            f"{where}: {rows:,} rows, over the limit of {max_rows:,} for an upload; "
            "nothing was imported"
        )
    return load(engine, data, where=where, reg=reg, user=user)


def import_file(engine: Engine, path: Path) -> dict[str, int]:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise LoopcoachError("backup-too-big", f"{path}: over 500 MB; is it a backup?")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoopcoachError("file-not-found", f"{path}: no such file") from None
    except IsADirectoryError:
        raise LoopcoachError("file-not-found", f"{path}: is a directory, not a file") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise LoopcoachError(
            "backup-invalid", f"{path} is damaged or not JSON; nothing was imported"
        ) from None
    return load(engine, data, where=str(path))
