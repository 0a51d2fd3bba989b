"""A window on a list query: `limit`/`offset` applied in SQL, and the total the window is cut
from (JSON API pagination, app/paging.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, select


def window(q: Select[Any], *, limit: int | None, offset: int = 0) -> Select[Any]:
    if offset:
        q = q.offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return q


def total(conn: Connection, q: Select[Any]) -> int:
    """How many rows `q` (unwindowed) returns."""
    counted = select(func.count()).select_from(q.order_by(None).subquery())
    return int(conn.execute(counted).scalar_one())
