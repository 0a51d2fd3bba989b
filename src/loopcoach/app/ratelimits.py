"""Hosted mode's per-user rate limits on analyses (analyse, mock answers) and uploads (résumés,
exercise files). The counts live in the database (`store/ratelimits.py`), one row per user,
kind and minute, so they hold across worker processes; local mode (no signed-in owner) has no
limits."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from loopcoach.errors import LoopcoachError

if TYPE_CHECKING:
    from sqlalchemy import Engine

Kind = Literal["analysis", "upload"]
WHAT = {"analysis": "analyses", "upload": "uploads"}


class RateLimited(LoopcoachError):
    """Too many requests of one kind this minute: HTTP 429 with `Retry-After` seconds."""

    http_status = 429

    def __init__(self, kind: Kind, limit: int, retry_after: int) -> None:
        super().__init__(
            "rate-limited",
            f"too many {WHAT[kind]}: at most {limit} a minute; try again in {retry_after} s",
        )
        self.retry_after = retry_after


class RateLimits:
    """`take(kind)` counts one request for the owner, or raises RateLimited when the owner has
    used up this minute's allowance. With no owner (local mode) it does nothing."""

    def __init__(
        self,
        engine: Callable[[], Engine],
        owner_id: int | None,
        *,
        clock: Callable[[], datetime],
        limits: dict[Kind, int],
    ) -> None:
        self._engine = engine
        self._owner_id = owner_id
        self._clock = clock
        self.limits = limits

    def take(self, kind: Kind) -> None:
        if self._owner_id is None:
            return
        from loopcoach.store.ratelimits import count_one

        now = self._clock().timestamp()
        minute = math.floor(now / 60)
        with self._engine().begin() as conn:
            used = count_one(conn, self._owner_id, kind, minute)
        limit = self.limits[kind]
        if used > limit:
            retry_after = max(1, math.ceil((minute + 1) * 60 - now))
            raise RateLimited(kind, limit, retry_after)
