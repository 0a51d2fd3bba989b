"""Ended sessions are purged on a schedule: a hosted app deletes them when it starts and then
every `Hosted.purge_every` seconds, keeps sessions still in use, and a failing purge is tried
again instead of stopping the worker. Local mode runs no purge."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest
from sqlalchemy import func, select
from tests.web.hosted.conftest import EMAILS, World, hosted_client

from loopcoach.app.accounts import new_token, token_hash
from loopcoach.app.hosting import Hosted
from loopcoach.store import accounts as A
from loopcoach.web.app import create_app
from loopcoach.web.housekeeping import purge_sessions_forever


def _plant_ended_session(world: World, *, idle: bool) -> str:
    """A session row of learner A that ended a day ago (past its lifetime, or idle too long)."""
    hashed = token_hash(new_token())
    assert hashed is not None
    now = datetime.now(UTC)
    at = now - (timedelta(days=2) if idle else timedelta(days=8))
    expires = now + timedelta(days=5) if idle else now - timedelta(days=1)
    with world.coach.engine.begin() as conn:
        A.insert_session(conn, hashed, world.ids["a"], at=at, expires=expires)
    return hashed


def _present(world: World, hashed: str) -> bool:
    with world.coach.engine.connect() as conn:
        n = conn.execute(
            select(func.count()).select_from(A.auth_sessions).where(A.auth_sessions.c.id == hashed)
        ).scalar_one()
    return bool(n)


def _wait_for(condition: Any, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def test_a_hosted_worker_purges_ended_sessions_on_a_schedule(world: World) -> None:
    app = create_app(world.coach, hosted=Hosted(secure_cookies=False, purge_every=0.2))
    expired = _plant_ended_session(world, idle=False)
    idle = _plant_ended_session(world, idle=True)
    with hosted_client(app) as c:
        assert c.sign_in(EMAILS["b"]).status_code == 303  # a session in use
        assert _wait_for(lambda: not _present(world, expired) and not _present(world, idle))
        later = _plant_ended_session(world, idle=False)  # purged by a later round, not at start
        assert _wait_for(lambda: not _present(world, later))
        assert c.get("/api/v1/me").status_code == 200  # the live session was kept


def test_the_default_schedule_is_hourly() -> None:
    assert Hosted().purge_every == 3600.0


def test_local_mode_runs_no_purge(world: World) -> None:
    ended = _plant_ended_session(world, idle=False)
    app = create_app(world.coach)
    with hosted_client(app) as c:
        assert c.get("/api/v1/health").status_code == 200
        time.sleep(0.3)
    assert _present(world, ended)
    world.coach.accounts.purge_sessions()


class _Flaky:
    def __init__(self) -> None:
        self.calls = 0

    @property
    def accounts(self) -> _Flaky:
        return self

    def purge_sessions(self) -> int:
        self.calls += 1
        if self.calls == 1:
            raise OSError("database away for a moment")
        return 2


def test_a_failed_purge_is_tried_again(caplog: pytest.LogCaptureFixture) -> None:
    flaky = _Flaky()

    async def main() -> None:
        with anyio.move_on_after(0.5):
            await purge_sessions_forever(flaky, 0.05)

    anyio.run(main)
    assert flaky.calls >= 3
    assert "purging ended sessions failed" in caplog.text
