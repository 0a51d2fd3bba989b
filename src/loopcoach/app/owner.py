"""Whose data a service reads and writes: an `Owner` maps a connection to a `users.id`.

Local mode has one user, the implicit `local` row; hosted mode builds a `Coach` per signed-in
user (`Coach.for_owner`), whose services pass that user's id to every store query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

Owner = Callable[["Connection"], int]


def local_owner(conn: Connection) -> int:
    """The implicit local user (local mode, and the CLI on any database)."""
    from loopcoach.store.practice import user_id

    return user_id(conn)


def fixed_owner(uid: int) -> Owner:
    """A signed-in user: their id, whatever the connection."""

    def owner(_conn: Connection) -> int:
        return uid

    return owner
