"""The per-address login limit: failed sign-ins counted per client address (an IPv6 address
by its /64) in 15-minute windows; past the limit every sign-in from that address is refused
with LoginThrottled before any hashing, whichever account it names, until the window ends."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.accounts.helpers import PASSWORD, Clock, cheap_hasher

from loopcoach.app.accounts import (
    ADDRESS_WINDOW,
    MAX_FAILURES,
    AccountsService,
    LoginFailed,
    LoginThrottled,
    address_key,
)
from loopcoach.store.login_throttle import login_failures

ADDR = "203.0.113.7"


@pytest.fixture
def throttled(engine: Engine, clock: Clock) -> AccountsService:
    """Accounts with a limit of 4 failed sign-ins per address and window, and 8 learners."""
    acc = AccountsService(lambda: engine, clock=clock, hasher=cheap_hasher, address_limit=4)
    for n in range(8):
        acc.create_user(f"l{n}@example.org", PASSWORD, role="learner")
    return acc


def fail(acc: AccountsService, email: str, address: str | None = ADDR) -> None:
    with pytest.raises(LoginFailed):
        acc.authenticate(email, "wrong password!", address=address)


def test_spraying_many_accounts_from_one_address_is_refused(throttled: AccountsService) -> None:
    for n in range(4):  # one guess per account: no account reaches its own lockout
        fail(throttled, f"l{n}@example.org")
    with pytest.raises(LoginThrottled) as refused:
        throttled.authenticate("l5@example.org", PASSWORD, address=ADDR)  # right password too
    assert refused.value.http_status == 429
    assert refused.value.retry_after == ADDRESS_WINDOW  # the clock stands at a window's start
    message = refused.value.message
    assert "too many failed sign-ins" in message and "15 minutes" in message
    # other addresses, and sign-ins that name no address (the CLI), are not affected
    assert throttled.authenticate("l5@example.org", PASSWORD, address="203.0.113.8").token
    assert throttled.authenticate("l5@example.org", PASSWORD).token
    # and no account was locked by it
    assert all(a.locked_until is None for a in throttled.list_users())


def test_a_throttled_sign_in_hashes_nothing_and_counts_nothing(
    throttled: AccountsService, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):
        fail(throttled, f"l{n}@example.org")
    calls: list[Any] = []
    monkeypatch.setattr(throttled, "_verify", lambda *a: calls.append(a) or False)
    for _ in range(3):
        with pytest.raises(LoginThrottled):
            throttled.authenticate("l0@example.org", "guess", address=ADDR)
    assert calls == []
    with engine.connect() as conn:
        used = conn.execute(select(login_failures.c.used)).scalars().all()
    assert used == [4]


def test_the_limit_ends_with_its_window(throttled: AccountsService, clock: Clock) -> None:
    for n in range(4):
        fail(throttled, f"l{n}@example.org")
    clock.advance(seconds=ADDRESS_WINDOW - 60)
    with pytest.raises(LoginThrottled) as refused:
        throttled.authenticate("l0@example.org", PASSWORD, address=ADDR)
    assert refused.value.retry_after == 60 and "1 minute" in refused.value.message
    clock.advance(seconds=60)  # a new window
    assert throttled.authenticate("l0@example.org", PASSWORD, address=ADDR).token


def test_success_does_not_clear_an_address_count(throttled: AccountsService) -> None:
    """An attacker signing in to their own account between guesses gains nothing."""
    for n in range(3):
        fail(throttled, f"l{n}@example.org")
        assert throttled.authenticate("l7@example.org", PASSWORD, address=ADDR).token
    fail(throttled, "l3@example.org")
    with pytest.raises(LoginThrottled):
        throttled.authenticate("l7@example.org", PASSWORD, address=ADDR)


def test_every_kind_of_failure_counts(throttled: AccountsService) -> None:
    """Unknown addresses, a malformed one, wrong passwords and a locked account's right
    password all count."""
    for _ in range(MAX_FAILURES):
        fail(throttled, "l0@example.org", address=None)  # l0 is locked (counted nowhere)
    fail(throttled, "nobody@example.org")
    fail(throttled, "not an email")
    fail(throttled, "l1@example.org")
    with pytest.raises(LoginFailed):
        throttled.authenticate("l0@example.org", PASSWORD, address=ADDR)
    with pytest.raises(LoginThrottled):
        throttled.authenticate("l2@example.org", PASSWORD, address=ADDR)


def test_reaching_the_limit_is_audited_once(throttled: AccountsService) -> None:
    for n in range(4):
        fail(throttled, f"l{n}@example.org")
    for _ in range(2):
        with pytest.raises(LoginThrottled):
            throttled.authenticate("l4@example.org", PASSWORD, address=ADDR)
    found = [(e.action, e.target) for e in throttled.audit_log(limit=50)]
    assert found.count(("address-throttled", ADDR)) == 1


def test_old_windows_are_deleted(throttled: AccountsService, engine: Engine, clock: Clock) -> None:
    fail(throttled, "l0@example.org", address="198.51.100.2")
    clock.advance(seconds=ADDRESS_WINDOW)
    fail(throttled, "l0@example.org", address="198.51.100.3")
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(login_failures)).scalar_one()
    assert rows == 1


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("::1", "::/64"),
        ("testclient", "testclient"),
        (None, "unknown"),
        ("", "unknown"),
        ("x" * 500, "x" * 64),
    ],
)
def test_address_keys(host: str | None, key: str) -> None:
    assert address_key(host) == key


def test_one_ipv6_network_is_one_address(throttled: AccountsService) -> None:
    for n in range(4):
        fail(throttled, f"l{n}@example.org", address=address_key(f"2001:db8:7:7::{n + 1}"))
    with pytest.raises(LoginThrottled):
        throttled.authenticate(
            "l5@example.org", PASSWORD, address=address_key("2001:db8:7:7:abcd::9")
        )
    other = address_key("2001:db8:7:8::1")
    assert throttled.authenticate("l5@example.org", PASSWORD, address=other).token


def test_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from loopcoach.config import DEFAULT_LOGIN_FAILURES, LOGIN_FAILURES_ENV, Settings
    from loopcoach.errors import LoopcoachError

    base = {"LOOPCOACH_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).login_failures_per_address == DEFAULT_LOGIN_FAILURES == 20
    assert Settings.from_env({**base, LOGIN_FAILURES_ENV: "7"}).login_failures_per_address == 7
    for bad in ("0", "-1", "10001", "many", "1e3", "9" * 50):
        with pytest.raises(LoopcoachError, match=LOGIN_FAILURES_ENV):
            Settings.from_env({**base, LOGIN_FAILURES_ENV: bad})
