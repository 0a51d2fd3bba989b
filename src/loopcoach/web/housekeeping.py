"""Hosted mode's housekeeping: each worker deletes ended sessions (expired, or idle too long)
when it starts and then every `Hosted.purge_every` seconds. Ended sessions are refused anyway
(`AccountsService.session` checks both limits); this only keeps `auth_sessions` from growing.
Several workers purging at once is harmless: it is one DELETE of rows no one can use."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

import anyio
import anyio.to_thread

log = logging.getLogger("loopcoach.web")


class _Purges(Protocol):
    def purge_sessions(self) -> int: ...


class _HasAccounts(Protocol):
    @property
    def accounts(self) -> _Purges: ...


async def purge_sessions_forever(coach: _HasAccounts, every: float) -> None:
    """Purge now, then every `every` seconds, until cancelled; a failure (the database away for
    a moment) is logged and tried again next time, never fatal to the worker."""
    while True:
        try:
            gone = await anyio.to_thread.run_sync(coach.accounts.purge_sessions)
        except Exception:
            log.warning("purging ended sessions failed; trying again later", exc_info=True)
        else:
            if gone:
                log.info("purged %d ended sessions", gone)
        await anyio.sleep(every)


@asynccontextmanager
async def purging_sessions(coach: _HasAccounts, every: float) -> AsyncIterator[None]:
    """Runs `purge_sessions_forever` for as long as the block (the app's lifespan) lasts."""
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(purge_sessions_forever, coach, every)
        try:
            yield
        finally:
            tasks.cancel_scope.cancel()
