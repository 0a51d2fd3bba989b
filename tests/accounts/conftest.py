"""Accounts on a fresh database per backend, a clock the test moves, and cheap argon2id
parameters (the same algorithm and code path; the production cost is checked once)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from tests.accounts.helpers import Clock, cheap_hasher

from loopcoach import store
from loopcoach.app.accounts import AccountsService
from loopcoach.store import make_engine


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(database_url: str) -> Engine:
    e = make_engine(database_url)
    store.upgrade(e)  # on SQLite a copy of one migrated file (tests/conftest.py)
    return e


@pytest.fixture
def accounts(engine: Engine, clock: Clock) -> AccountsService:
    return AccountsService(lambda: engine, clock=clock, hasher=cheap_hasher)
