"""The accounts service: argon2id hashes, sign-in with lockout and no user enumeration,
sessions that expire and can be revoked, one-time resets, cohorts and who reads whose data."""

from __future__ import annotations

import base64
import hashlib

import pytest
from sqlalchemy import Engine, select, text
from tests.accounts.helpers import PASSWORD, Clock

from loopcoach.app.accounts import (
    LOCK_FOR,
    LOGIN_FAILED,
    MAX_FAILURES,
    RESET_LIFETIME,
    SESSION_IDLE,
    SESSION_LIFETIME,
    AccountsService,
    LoginFailed,
    default_hasher,
    new_token,
    token_hash,
)
from loopcoach.errors import LoopcoachError
from loopcoach.store.accounts import auth_sessions, password_resets
from loopcoach.store.tables import users


def actions(accounts: AccountsService) -> list[str]:
    return [e.action for e in reversed(accounts.audit_log())]


# --- hashing ---------------------------------------------------------------------------------
def test_accounts_password_stored_as_argon2id_never_plain(
    accounts: AccountsService, engine: Engine
) -> None:
    accounts.create_user("Ann@Example.org", PASSWORD, role="learner", name="Ann")
    with engine.connect() as conn:
        stored = conn.execute(
            select(users.c.password_hash).where(users.c.email == "ann@example.org")
        ).scalar()
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_accounts_default_hasher_is_argon2id_with_real_cost() -> None:
    hasher = default_hasher()
    hashed = hasher.hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$")
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2  # OWASP's floor
    assert hasher.verify(hashed, PASSWORD)


def test_accounts_weak_or_bad_passwords_and_emails_refused(accounts: AccountsService) -> None:
    for email, password, code in [
        ("a@example.org", "short", "weak-password"),
        ("a@example.org", "x" * 1025, "bad-password"),
        ("a@example.org", "twelve chars\x00!", "bad-password"),
        ("not-an-email", PASSWORD, "bad-email"),
        ("a@b@example.org", PASSWORD, "bad-email"),
        ("a\n@example.org", PASSWORD, "bad-email"),
        ("x" * 300 + "@example.org", PASSWORD, "bad-email"),
    ]:
        with pytest.raises(LoopcoachError) as err:
            accounts.create_user(email, password)
        assert err.value.code == code, (email, password)
        assert "\n" not in str(err.value)
    with pytest.raises(LoopcoachError, match="role") as err:
        accounts.create_user("a@example.org", PASSWORD, role="root")
    assert accounts.list_users() == []


def test_accounts_email_unique_regardless_of_case(accounts: AccountsService) -> None:
    accounts.create_user("Ann@Example.org", PASSWORD)
    with pytest.raises(LoopcoachError) as err:
        accounts.create_user("  ANN@example.ORG ", PASSWORD)
    assert err.value.code == "user-exists"
    assert [u.email for u in accounts.list_users()] == ["ann@example.org"]


def test_accounts_email_unique_in_the_database_too(
    accounts: AccountsService, engine: Engine
) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    with pytest.raises(Exception), engine.begin() as conn:  # noqa: B017 - driver's own error
        conn.execute(users.insert().values(name="other", email="ann@example.org", display_name=""))


# --- signing in ------------------------------------------------------------------------------
def test_accounts_login_opens_a_session_stored_hashed(
    accounts: AccountsService, engine: Engine
) -> None:
    accounts.create_user("ann@example.org", PASSWORD, name="Ann")
    signed = accounts.authenticate("ANN@example.org", PASSWORD)
    assert signed.account.email == "ann@example.org"
    assert len(signed.token) == 43
    with engine.connect() as conn:
        ids = conn.execute(select(auth_sessions.c.id)).scalars().all()
    assert ids == [token_hash(signed.token)]
    assert signed.token not in ids
    assert accounts.session(signed.token) == signed.account
    assert actions(accounts)[-1] == "login"


def test_accounts_failed_login_says_the_same_whatever_the_reason(
    accounts: AccountsService, clock: Clock
) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    messages = set()
    for email, password in [
        ("ann@example.org", "wrong password!"),
        ("nobody@example.org", PASSWORD),
        ("not an email", PASSWORD),
        ("ann@example.org", "x" * 5000),
    ]:
        with pytest.raises(LoginFailed) as err:
            accounts.authenticate(email, password)
        messages.add((err.value.code, str(err.value)))
    assert messages == {("login-failed", LOGIN_FAILED)}


def test_accounts_unknown_user_still_costs_a_hash(accounts: AccountsService) -> None:
    calls: list[str] = []
    real = accounts._verify

    def counting(stored: str, password: str) -> bool:
        calls.append(stored)
        return real(stored, password)

    accounts._verify = counting  # type: ignore[method-assign]
    with pytest.raises(LoginFailed):
        accounts.authenticate("nobody@example.org", PASSWORD)
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_accounts_lockout_after_failures_then_unlocks(
    accounts: AccountsService, clock: Clock
) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginFailed):
            accounts.authenticate("ann@example.org", "wrong password!")
    assert accounts.user("ann@example.org").locked_until is None
    with pytest.raises(LoginFailed):
        accounts.authenticate("ann@example.org", "wrong password!")
    assert accounts.user("ann@example.org").locked_until == clock.now + LOCK_FOR
    # locked: even the right password fails, with the same message
    with pytest.raises(LoginFailed) as err:
        accounts.authenticate("ann@example.org", PASSWORD)
    assert str(err.value) == LOGIN_FAILED
    clock.advance(seconds=LOCK_FOR.total_seconds() - 1)
    with pytest.raises(LoginFailed):
        accounts.authenticate("ann@example.org", PASSWORD)
    clock.advance(seconds=2)
    assert accounts.authenticate("ann@example.org", PASSWORD).account.locked_until is None
    log = actions(accounts)
    assert log.count("login-failed") == MAX_FAILURES and "account-locked" in log
    assert log.count("login-refused") == 2 and log[-1] == "login"


def test_accounts_success_resets_the_failure_count(accounts: AccountsService) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginFailed):
            accounts.authenticate("ann@example.org", "wrong password!")
    accounts.authenticate("ann@example.org", PASSWORD)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginFailed):
            accounts.authenticate("ann@example.org", "wrong password!")
    assert accounts.user("ann@example.org").locked_until is None


def test_accounts_disabled_user_cannot_sign_in_and_loses_sessions(
    accounts: AccountsService, engine: Engine
) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    token = accounts.authenticate("ann@example.org", PASSWORD).token
    with engine.begin() as conn:
        conn.execute(users.update().where(users.c.email == "ann@example.org").values(disabled=True))
    assert accounts.session(token) is None
    with pytest.raises(LoginFailed):
        accounts.authenticate("ann@example.org", PASSWORD)


def test_accounts_local_user_is_no_account(accounts: AccountsService, engine: Engine) -> None:
    with engine.connect() as conn:
        names = conn.execute(text("SELECT name FROM users")).scalars().all()
    assert names == ["local"]
    assert accounts.list_users() == []
    with pytest.raises(LoginFailed):
        accounts.authenticate("local", "")


# --- sessions --------------------------------------------------------------------------------
def test_accounts_session_expires_when_idle(accounts: AccountsService, clock: Clock) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    token = accounts.authenticate("ann@example.org", PASSWORD).token
    clock.advance(seconds=SESSION_IDLE.total_seconds() - 60)
    assert accounts.session(token) is not None  # use keeps it alive
    clock.advance(seconds=SESSION_IDLE.total_seconds() - 60)
    assert accounts.session(token) is not None
    clock.advance(seconds=SESSION_IDLE.total_seconds())
    assert accounts.session(token) is None
    assert accounts.session(token) is None  # and it is gone


def test_accounts_session_ends_at_its_absolute_lifetime(
    accounts: AccountsService, clock: Clock, engine: Engine
) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    token = accounts.authenticate("ann@example.org", PASSWORD).token
    step = SESSION_IDLE.total_seconds() / 2
    elapsed = 0.0
    while elapsed + step < SESSION_LIFETIME.total_seconds():
        clock.advance(seconds=step)
        elapsed += step
        assert accounts.session(token) is not None
    clock.advance(seconds=step)
    assert accounts.session(token) is None
    with engine.connect() as conn:
        assert conn.execute(select(auth_sessions)).all() == []


def test_accounts_logout_and_revoke(accounts: AccountsService) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    one = accounts.authenticate("ann@example.org", PASSWORD).token
    two = accounts.authenticate("ann@example.org", PASSWORD).token
    assert one != two
    assert accounts.logout(one) is True
    assert accounts.logout(one) is False
    assert accounts.session(one) is None and accounts.session(two) is not None
    assert accounts.revoke_sessions("ann@example.org") == 1
    assert accounts.session(two) is None


def test_accounts_garbage_tokens_are_no_session(accounts: AccountsService) -> None:
    for token in ["", "x", "a" * 43, "a" * 44, new_token() + "A", "é" * 43, "\x00" * 43]:
        assert accounts.session(token) is None
        assert accounts.logout(token) is False
    assert accounts.session(new_token()) is None  # well formed, never issued


def test_accounts_purge_removes_only_ended_sessions(
    accounts: AccountsService, clock: Clock
) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    old = accounts.authenticate("ann@example.org", PASSWORD).token
    clock.advance(seconds=SESSION_IDLE.total_seconds() - 1)
    new = accounts.authenticate("ann@example.org", PASSWORD).token
    clock.advance(seconds=2)
    assert accounts.purge_sessions() == 1
    assert accounts.session(new) is not None and accounts.session(old) is None


# --- password resets -------------------------------------------------------------------------
def test_accounts_reset_token_is_single_use(accounts: AccountsService, engine: Engine) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    session = accounts.authenticate("ann@example.org", PASSWORD).token
    reset = accounts.issue_reset("ANN@example.org")
    with engine.connect() as conn:
        stored = conn.execute(select(password_resets.c.id)).scalars().all()
    raw = base64.urlsafe_b64decode(reset.token + "=")
    assert stored == [hashlib.sha256(raw).hexdigest()]
    accounts.complete_reset(reset.token, "a brand new passphrase")
    assert accounts.session(session) is None  # every session ended
    with pytest.raises(LoginFailed):
        accounts.authenticate("ann@example.org", PASSWORD)
    accounts.authenticate("ann@example.org", "a brand new passphrase")
    with pytest.raises(LoopcoachError) as err:
        accounts.complete_reset(reset.token, "another new passphrase")
    assert err.value.code == "bad-reset-token"
    accounts.authenticate("ann@example.org", "a brand new passphrase")
    log = actions(accounts)
    assert "reset-issued" in log and "reset-used" in log and "reset-refused" in log


def test_accounts_reset_token_expires(accounts: AccountsService, clock: Clock) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    reset = accounts.issue_reset("ann@example.org")
    clock.advance(seconds=RESET_LIFETIME.total_seconds())
    with pytest.raises(LoopcoachError, match="expired"):
        accounts.complete_reset(reset.token, "a brand new passphrase")
    accounts.authenticate("ann@example.org", PASSWORD)


def test_accounts_new_reset_replaces_the_old_and_unlocks(accounts: AccountsService) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginFailed):
            accounts.authenticate("ann@example.org", "wrong password!")
    first = accounts.issue_reset("ann@example.org")
    second = accounts.issue_reset("ann@example.org")
    with pytest.raises(LoopcoachError):
        accounts.complete_reset(first.token, "a brand new passphrase")
    accounts.complete_reset(second.token, "a brand new passphrase")
    assert accounts.authenticate("ann@example.org", "a brand new passphrase")


def test_accounts_reset_refuses_weak_password_without_spending_token(
    accounts: AccountsService,
) -> None:
    accounts.create_user("ann@example.org", PASSWORD)
    reset = accounts.issue_reset("ann@example.org")
    with pytest.raises(LoopcoachError) as err:
        accounts.complete_reset(reset.token, "short")
    assert err.value.code == "weak-password"
    accounts.complete_reset(reset.token, "a brand new passphrase")


def test_accounts_reset_for_unknown_user_is_a_clear_error(accounts: AccountsService) -> None:
    with pytest.raises(LoopcoachError) as err:
        accounts.issue_reset("nobody@example.org")
    assert err.value.code == "user-not-found"


# --- cohorts and who reads whose data --------------------------------------------------------
def test_accounts_can_read_matrix(accounts: AccountsService) -> None:
    admin = accounts.create_user("root@example.org", PASSWORD, role="admin")
    coach = accounts.create_user("coach@example.org", PASSWORD, role="coach")
    other_coach = accounts.create_user("coach2@example.org", PASSWORD, role="coach")
    a = accounts.create_user("a@example.org", PASSWORD)
    b = accounts.create_user("b@example.org", PASSWORD)
    c = accounts.create_user("c@example.org", PASSWORD)
    accounts.create_cohort("Spring", "coach@example.org")
    accounts.create_cohort("Autumn", "coach2@example.org")
    assert accounts.invite("a@example.org", "Spring") is True
    assert accounts.invite("a@example.org", "Spring") is False
    accounts.invite("b@example.org", "Spring")
    accounts.invite("c@example.org", "Autumn")
    expected = {
        (admin, a): True,
        (admin, c): True,
        (admin, coach): True,
        (coach, a): True,
        (coach, b): True,
        (coach, c): False,  # outside their cohorts
        (coach, other_coach): False,  # a fellow coach is not their learner
        (coach, coach): True,
        (other_coach, a): False,
        (other_coach, c): True,
        (a, a): True,
        (a, b): False,  # same cohort, still not theirs
        (a, c): False,
        (a, coach): False,
        (c, admin): False,
    }
    got = {(actor, learner): accounts.can_read(actor, learner.id) for actor, learner in expected}
    assert got == expected


def test_accounts_disabled_actor_reads_nothing(accounts: AccountsService, engine: Engine) -> None:
    admin = accounts.create_user("root@example.org", PASSWORD, role="admin")
    with engine.begin() as conn:
        conn.execute(users.update().where(users.c.id == admin.id).values(disabled=True))
    disabled = accounts.user("root@example.org")
    assert accounts.can_read(disabled, disabled.id) is False


def test_accounts_cohort_rules(accounts: AccountsService) -> None:
    accounts.create_user("coach@example.org", PASSWORD, role="coach")
    accounts.create_user("a@example.org", PASSWORD)
    cases = [
        (lambda: accounts.create_cohort("Spring", "a@example.org"), "not-a-coach"),
        (lambda: accounts.create_cohort("Spring", "nobody@example.org"), "user-not-found"),
        (lambda: accounts.create_cohort("", "coach@example.org"), "bad-cohort"),
        (lambda: accounts.create_cohort("x" * 121, "coach@example.org"), "bad-cohort"),
        (lambda: accounts.invite("a@example.org", "Nope"), "cohort-not-found"),
        (lambda: accounts.invite("coach@example.org", "Nope"), "not-a-learner"),
    ]
    for call, code in cases:
        with pytest.raises(LoopcoachError) as err:
            call()
        assert err.value.code == code
    accounts.create_cohort("Spring", "coach@example.org")
    with pytest.raises(LoopcoachError) as err:
        accounts.create_cohort("Spring", "coach@example.org")
    assert err.value.code == "cohort-exists"
    accounts.invite("a@example.org", "Spring")
    assert accounts.cohorts_of(accounts.user("a@example.org")) == [("Spring", "learner")]


def test_accounts_longest_password_works_and_longer_never_matches(
    accounts: AccountsService,
) -> None:
    longest = "p" * 1024
    accounts.create_user("ann@example.org", longest)
    assert accounts.authenticate("ann@example.org", longest)
    with pytest.raises(LoginFailed):
        accounts.authenticate("ann@example.org", longest + "extra")


def test_accounts_reset_token_used_twice_at_once_works_once(accounts: AccountsService) -> None:
    from concurrent.futures import ThreadPoolExecutor

    accounts.create_user("ann@example.org", PASSWORD)
    reset = accounts.issue_reset("ann@example.org")
    passwords = [f"racing passphrase {i}" for i in range(4)]

    def use(password: str) -> str | None:
        try:
            accounts.complete_reset(reset.token, password)
        except LoopcoachError as exc:
            assert exc.code == "bad-reset-token"
            return None
        return password

    with ThreadPoolExecutor(4) as pool:
        won = [p for p in pool.map(use, passwords) if p is not None]
    assert len(won) == 1
    accounts.authenticate("ann@example.org", won[0])
