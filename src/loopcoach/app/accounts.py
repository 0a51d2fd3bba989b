"""Accounts for hosted mode: users, sign-in with lockout, server-side sessions, one-time
password resets, cohorts, who may read whose data, and the audit log.

Local mode never calls this service: it has no sign-in. Nothing here serves data yet; the web
face will use it once every store query is scoped to its owner (docs/hosting.md).

Passwords are hashed with argon2id (the `hosted` extra, argon2-cffi). Session and reset tokens
are 32 random bytes handed out once, URL-safe base64; the database keeps only their SHA-256, so
a copy of the database opens no session. A failed sign-in says the same thing and costs one
password hash whatever went wrong (no such user, wrong password, account locked or disabled),
so the answer and its timing do not tell whether an address has an account.

Besides the lockout of one account, a sign-in may name the client's address (`address_key`):
past `address_limit` failed sign-ins from one address in a 15-minute window, every sign-in from
it is refused with `LoginThrottled` (HTTP 429) before any password is hashed, whatever account
it names, until the window ends. That stops one client from guessing one password across many
accounts (which the per-account lockout cannot see) and from burning the server's CPU on
hashes. A successful sign-in does not clear an address's count.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from loopcoach.app.paging import DEFAULT_PAGE, Page, check_window
from loopcoach.errors import LoopcoachError
from loopcoach.limits import shown
from loopcoach.store import accounts as A

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy import Connection, Engine

ROLES = ("learner", "coach", "admin")
MAX_FAILURES = 5  # failed sign-ins in a row that lock an account
LOCK_FOR = timedelta(minutes=15)
ADDRESS_WINDOW = 15 * 60  # seconds: failed sign-ins per client address are counted this long
DEFAULT_ADDRESS_LIMIT = 20  # failed sign-ins per address and window (config.py's default)
SESSION_LIFETIME = timedelta(days=7)  # absolute: a session ends this long after sign-in
SESSION_IDLE = timedelta(hours=12)  # unused this long, a session ends
SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
RESET_LIFETIME = timedelta(hours=24)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # characters; longer is refused before hashing (hashing cost)
MAX_EMAIL = 254
MAX_NAME = 200
MAX_COHORT = 120
TOKEN_BYTES = 32
TOKEN_CHARS = 43  # URL-safe base64 of 32 bytes, no padding
CLI_ACTOR = "admin-cli"
LOGIN_FAILED = "email or password is wrong, or the account is locked after too many failed tries"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class LoginThrottled(LoopcoachError):
    """Too many failed sign-ins from one client address in this window: HTTP 429, with
    `retry_after` seconds to the window's end."""

    http_status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            "login-throttled",
            "too many failed sign-ins from your network: try again in "
            f"{minutes} minute{'s' if minutes > 1 else ''}",
        )
        self.retry_after = retry_after


def address_key(host: str | None) -> str:
    """The key failed sign-ins are counted under: an IPv4 address as it is, an IPv6 address's
    /64 network (one subscriber's usual allocation, so a client cannot step through its own
    addresses), and anything else (no address, a test client's name) cut to 64 characters."""
    raw = (host or "").strip()
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else ip)


class LoginFailed(LoopcoachError):
    """A sign-in that did not succeed; the one message whatever the reason."""

    http_status = 401

    def __init__(self) -> None:
        super().__init__("login-failed", LOGIN_FAILED)


@dataclass(frozen=True)
class Account:
    """A user who signs in (never the password hash)."""

    id: int
    email: str
    display_name: str
    role: str
    disabled: bool
    locked_until: datetime | None
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.display_name,
            "role": self.role,
            "disabled": self.disabled,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class SignedIn:
    """A new session: the token to hand to the client (shown once) and whose it is."""

    token: str
    account: Account
    expires_at: datetime


@dataclass(frozen=True)
class ResetToken:
    token: str
    email: str
    expires_at: datetime


def _account(row: A.UserRow) -> Account:
    return Account(
        row.id,
        row.email,
        row.display_name,
        row.role,
        row.disabled,
        row.locked_until,
        row.created_at,
    )


def normalize_email(email: str) -> str:
    """The address as stored: trimmed, lower case; LoopcoachError when it is not one."""
    value = email.strip().lower()
    if len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value) or _CONTROL.search(value):
        raise LoopcoachError(
            "bad-email", f"email {shown(email)} is not an address like name@example.org"
        )
    return value


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise LoopcoachError("weak-password", f"password: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise LoopcoachError("bad-password", f"password: use at most {MAX_PASSWORD} characters")
    if "\x00" in password:
        raise LoopcoachError("bad-password", "password: must not contain a NUL character")


def new_token() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(TOKEN_BYTES)).rstrip(b"=").decode()


def token_hash(token: str) -> str | None:
    """The stored form of a token, or None when `token` is not one we could have made (so
    garbage never reaches the database)."""
    if len(token) != TOKEN_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=")
    except (binascii.Error, ValueError):
        return None
    if len(raw) != TOKEN_BYTES:
        return None
    return hashlib.sha256(raw).hexdigest()


def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile)."""
    try:
        from argon2 import PasswordHasher
    except ImportError:
        raise LoopcoachError(
            "hosted-extra",
            "accounts need argon2-cffi: pip install 'loopcoach[hosted]' "
            "(or `make install`, which installs it from requirements.lock)",
        ) from None
    return PasswordHasher()


class AccountsService:
    def __init__(
        self,
        engine: Callable[[], Engine],
        *,
        clock: Callable[[], datetime],
        hasher: Callable[[], PasswordHasher] | None = None,
        address_limit: int = DEFAULT_ADDRESS_LIMIT,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._make_hasher = hasher
        self.address_limit = address_limit

    @cached_property
    def _hasher(self) -> PasswordHasher:
        return (self._make_hasher or default_hasher)()

    @cached_property
    def _dummy_hash(self) -> str:
        """A hash of nothing anyone knows: verified against when there is no account, so a
        failed sign-in costs the same either way."""
        return self._hasher.hash(new_token())

    def hash_password(self, password: str) -> str:
        check_password(password)
        return self._hasher.hash(password)

    def _verify(self, stored: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return bool(self._hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False

    # --- users -------------------------------------------------------------------------------
    def create_user(
        self, email: str, password: str, *, role: str = "learner", name: str = ""
    ) -> Account:
        key = normalize_email(email)
        if role not in ROLES:
            raise LoopcoachError("bad-role", f"role {shown(role)}: use one of {', '.join(ROLES)}")
        name = name.strip()
        if len(name) > MAX_NAME or _CONTROL.search(name):
            raise LoopcoachError(
                "bad-name", f"name: at most {MAX_NAME} characters, no control characters"
            )
        hashed = self.hash_password(password)
        at = self._clock()
        with self._engine().begin() as conn:
            uid = A.insert_user(
                conn, email=key, display_name=name, role=role, password_hash=hashed, at=at
            )
            self._audit(conn, None, "user-created", f"{key} ({role})")
            row = A.user_by_id(conn, uid)
        assert row is not None
        return _account(row)

    def user(self, email: str) -> Account:
        key = normalize_email(email)
        with self._engine().connect() as conn:
            return _account(self._require(conn, key))

    def list_users(self) -> list[Account]:
        with self._engine().connect() as conn:
            return [_account(r) for r in A.list_users(conn)]

    def cohorts_of(self, account: Account) -> list[tuple[str, str]]:
        with self._engine().connect() as conn:
            return A.cohort_names(conn, account.id)

    def _require(self, conn: Connection, key: str) -> A.UserRow:
        row = A.user_by_email(conn, key)
        if row is None:
            raise LoopcoachError(
                "user-not-found",
                f"no user with email {key}: create one with `loopcoach admin create-user`",
            )
        return row

    # --- signing in --------------------------------------------------------------------------
    def authenticate(self, email: str, password: str, *, address: str | None = None) -> SignedIn:
        """Check the password and open a session; LoginFailed (one message) otherwise. With the
        client's `address` (an `address_key`), LoginThrottled once that address has failed
        `address_limit` times in this window, before any hashing."""
        at = self._clock()
        dummy = self._dummy_hash  # made before any lookup, so no first failure costs more
        window = math.floor(at.timestamp() / ADDRESS_WINDOW)
        if address is not None:
            self._check_address(address, window, at)
        try:
            key = normalize_email(email)
        except LoopcoachError:
            key = ""
        too_long = len(password) > MAX_PASSWORD
        if too_long:  # hashed at the usual cost (not the input's), and never accepted
            password = password[:MAX_PASSWORD]
        with self._engine().begin() as conn:
            row = A.user_by_email(conn, key) if key else None
            stored = row.password_hash if row is not None and row.password_hash else ""
            good = self._verify(stored or dummy, password) and not too_long
            if row is None:
                self._audit(conn, None, "login-failed", key or shown(email), actor=key or "?")
                raise_after = True
            elif row.disabled or (row.locked_until is not None and row.locked_until > at):
                self._audit(conn, row.id, "login-refused", row.email, actor=row.email)
                raise_after = True
            elif not good:
                locked = A.record_failure(
                    conn, row.id, at=at, max_failures=MAX_FAILURES, lock_for=LOCK_FOR
                )
                self._audit(conn, row.id, "login-failed", row.email, actor=row.email)
                if locked:
                    self._audit(conn, row.id, "account-locked", row.email, actor=row.email)
                raise_after = True
            else:
                raise_after = False
            if raise_after and address is not None:
                self._count_address_failure(conn, address, window, actor=key or "?")
        if raise_after or row is None:
            raise LoginFailed()
        with self._engine().begin() as conn:
            A.clear_failures(conn, row.id)
            if self._hasher.check_needs_rehash(stored):
                A.set_password_hash(conn, row.id, self._hasher.hash(password))
            token, expires = self._open_session(conn, row.id, at)
            self._audit(conn, row.id, "login", row.email, actor=row.email)
            fresh = A.user_by_id(conn, row.id)
        assert fresh is not None
        return SignedIn(token, _account(fresh), expires)

    def _check_address(self, address: str, window: int, at: datetime) -> None:
        from loopcoach.store.login_throttle import failures

        with self._engine().connect() as conn:
            used = failures(conn, address, window)
        if used >= self.address_limit:
            retry_after = max(1, math.ceil((window + 1) * ADDRESS_WINDOW - at.timestamp()))
            raise LoginThrottled(retry_after)

    def _count_address_failure(
        self, conn: Connection, address: str, window: int, *, actor: str
    ) -> None:
        from loopcoach.store.login_throttle import count_failure

        if count_failure(conn, address, window) == self.address_limit:  # audited once a window
            self._audit(conn, None, "address-throttled", address, actor=actor)

    def _open_session(self, conn: Connection, uid: int, at: datetime) -> tuple[str, datetime]:
        token = new_token()
        hashed = token_hash(token)
        assert hashed is not None
        expires = at + SESSION_LIFETIME
        A.insert_session(conn, hashed, uid, at=at, expires=expires)
        return token, expires

    def session(self, token: str) -> Account | None:
        """The account a session token belongs to, or None: unknown, expired (absolute or
        idle), or its user disabled. An ended session is deleted."""
        hashed = token_hash(token)
        if hashed is None:
            return None
        at = self._clock()
        with self._engine().begin() as conn:
            found = A.session_by_hash(conn, hashed)
            if found is None:
                return None
            if found.expires_at <= at or found.last_seen_at + SESSION_IDLE <= at:
                A.delete_session(conn, hashed)
                return None
            row = A.user_by_id(conn, found.user_id)
            if row is None or row.disabled:
                A.delete_session(conn, hashed)
                return None
            if at - found.last_seen_at >= SEEN_EVERY:
                A.touch_session(conn, hashed, at)
            return _account(row)

    def logout(self, token: str) -> bool:
        """End one session; False when there was none."""
        hashed = token_hash(token)
        if hashed is None:
            return False
        with self._engine().begin() as conn:
            return A.delete_session(conn, hashed)

    def revoke_sessions(self, email: str) -> int:
        """End every session of a user (after a reset, or when an admin disables them)."""
        key = normalize_email(email)
        with self._engine().begin() as conn:
            row = self._require(conn, key)
            gone = A.delete_user_sessions(conn, row.id)
            self._audit(conn, None, "sessions-revoked", row.email)
            return gone

    def purge_sessions(self) -> int:
        """Delete every expired or idle session (a worker may run this now and then)."""
        at = self._clock()
        with self._engine().begin() as conn:
            return A.delete_expired_sessions(conn, at, at - SESSION_IDLE)

    # --- password resets ---------------------------------------------------------------------
    def set_disabled(self, email: str, disabled: bool) -> tuple[Account, int]:
        """Disable an account (sign-in refused, every session of it ended) or enable it again;
        audited when it changes. The account and how many sessions ended."""
        key = normalize_email(email)
        with self._engine().begin() as conn:
            row = self._require(conn, key)
            changed = A.set_disabled(conn, row.id, disabled)
            ended = A.delete_user_sessions(conn, row.id) if disabled else 0
            if changed:
                action = "account-disabled" if disabled else "account-enabled"
                self._audit(conn, None, action, row.email)
            row = A.user_by_id(conn, row.id) or row
        return _account(row), ended

    def issue_reset(self, email: str) -> ResetToken:
        """A one-time token that sets a new password; an earlier unused one stops working."""
        key = normalize_email(email)
        at = self._clock()
        token = new_token()
        hashed = token_hash(token)
        assert hashed is not None
        with self._engine().begin() as conn:
            row = self._require(conn, key)
            A.insert_reset(conn, hashed, row.id, at=at, expires=at + RESET_LIFETIME)
            self._audit(conn, None, "reset-issued", row.email)
        return ResetToken(token, row.email, at + RESET_LIFETIME)

    def complete_reset(
        self, token: str, new_password: str, *, address: str | None = None
    ) -> Account:
        """Spend a reset token: set the new password, clear the lockout and end every session
        of the user. LoopcoachError `bad-reset-token` for an unknown, spent or expired one.
        With the client's `address` (the web page), a refused token counts as a failed sign-in
        of that address, and LoginThrottled comes before any hashing once it has too many."""
        at = self._clock()
        window = math.floor(at.timestamp() / ADDRESS_WINDOW)
        if address is not None:
            self._check_address(address, window, at)
        check_password(new_password)
        hashed = token_hash(token.strip())
        # hashed before the transaction (it takes a while); only for a well-formed token
        new_hash = self._hasher.hash(new_password) if hashed is not None else ""
        row: A.UserRow | None = None
        with self._engine().begin() as conn:
            uid = A.use_reset(conn, hashed, at) if hashed is not None else None
            if uid is not None:  # spent and applied in one transaction, or neither
                A.set_password_hash(conn, uid, new_hash)
                A.clear_failures(conn, uid)
                A.delete_user_sessions(conn, uid)
                row = A.user_by_id(conn, uid)
                who = row.email if row is not None else "?"
                self._audit(conn, uid, "reset-used", who, actor=who)
            else:
                self._audit(conn, None, "reset-refused", "", actor="?")
                if address is not None:
                    self._count_address_failure(conn, address, window, actor="?")
        if row is None:
            raise LoopcoachError(
                "bad-reset-token",
                "this reset token is unknown, already used or expired: ask an admin for a new "
                "one (`loopcoach admin reset-password EMAIL`)",
            )
        return _account(row)

    # --- cohorts and who reads what ----------------------------------------------------------
    def create_cohort(self, name: str, coach_email: str) -> int:
        name = name.strip()
        if not name or len(name) > MAX_COHORT or _CONTROL.search(name):
            raise LoopcoachError(
                "bad-cohort", f"cohort name: 1 to {MAX_COHORT} characters, no control characters"
            )
        key = normalize_email(coach_email)
        at = self._clock()
        with self._engine().begin() as conn:
            coach = self._require(conn, key)
            if coach.role not in ("coach", "admin"):
                raise LoopcoachError(
                    "not-a-coach",
                    f"{coach.email} is a {coach.role}: a cohort's coach must have the coach role",
                )
            cid = A.insert_cohort(conn, name, at)
            A.add_member(conn, cid, coach.id, "coach", at)
            self._audit(conn, None, "cohort-created", f"{name} (coach {coach.email})")
        return cid

    def invite(self, email: str, cohort: str) -> bool:
        """Add a learner to a cohort; False when they are already in it."""
        key = normalize_email(email)
        at = self._clock()
        with self._engine().begin() as conn:
            row = self._require(conn, key)
            if row.role != "learner":
                raise LoopcoachError(
                    "not-a-learner",
                    f"{row.email} is a {row.role}: only learners join a cohort as learners",
                )
            cid = A.cohort_id(conn, cohort.strip())
            if cid is None:
                raise LoopcoachError(
                    "cohort-not-found",
                    f"no cohort named {shown(cohort)}: create it with "
                    "`loopcoach admin create-cohort NAME --coach EMAIL`",
                )
            added = A.add_member(conn, cid, row.id, "learner", at)
            if added:
                self._audit(conn, None, "cohort-joined", f"{row.email} -> {cohort.strip()}")
        return added

    def can_read(self, actor: Account, learner_id: int) -> bool:
        """Whether `actor` may read the data of user `learner_id`: an admin anyone's, a coach
        their own and their cohorts' learners', a learner only their own. A disabled actor
        nobody's."""
        if actor.disabled:
            return False
        if actor.role == "admin" or actor.id == learner_id:
            return True
        if actor.role != "coach":
            return False
        with self._engine().connect() as conn:
            return A.coaches_learner(conn, actor.id, learner_id)

    def learners_of(self, actor: Account) -> list[Account]:
        """The learners whose progress `actor` may read: a coach's cohorts' learners (an
        admin's too, when the admin coaches a cohort); none for a learner."""
        if actor.disabled or actor.role not in ("coach", "admin"):
            return []
        with self._engine().connect() as conn:
            return [_account(r) for r in A.cohort_learners(conn, actor.id)]

    def learners_page(
        self, actor: Account, *, limit: int = DEFAULT_PAGE, offset: int = 0
    ) -> Page[Account]:
        """A page of `learners_of`, by email, and the total."""
        check_window(limit, offset)
        if actor.disabled or actor.role not in ("coach", "admin"):
            return Page([], 0, limit, offset)
        with self._engine().connect() as conn:
            rows = A.cohort_learners(conn, actor.id, limit=limit, offset=offset)
            return Page(
                [_account(r) for r in rows], A.count_cohort_learners(conn, actor.id), limit, offset
            )

    def learner(self, actor: Account, learner_id: int) -> Account:
        """The account of a learner `actor` may read (can_read); NotFound otherwise, the same
        answer as for an id that does not exist."""
        from loopcoach.errors import NotFound

        row = None
        if self.can_read(actor, learner_id):
            with self._engine().connect() as conn:
                row = A.user_by_id(conn, learner_id)
        if row is None:
            raise NotFound("learner", str(learner_id)[:20], "see your learners on the coach page")
        return _account(row)

    # --- a user's own data -------------------------------------------------------------------
    def delete_account(self, account: Account) -> None:
        """Delete the account and every row it owns (a cascaded delete), audited."""
        with self._engine().begin() as conn:
            A.delete_user(conn, account.id)
            self._audit(conn, None, "account-deleted", account.email, actor=account.email)

    def record(self, account: Account, action: str, target: str = "") -> None:
        """An audit entry for something a signed-in user did (e.g. `data-exported`)."""
        with self._engine().begin() as conn:
            self._audit(conn, account.id, action, target or account.email, actor=account.email)

    # --- audit log ---------------------------------------------------------------------------
    def audit_log(self, *, limit: int = 100) -> list[A.AuditRow]:
        with self._engine().connect() as conn:
            return A.audit_entries(conn, limit=max(1, min(limit, 1000)))

    def _audit(
        self,
        conn: Connection,
        actor_id: int | None,
        action: str,
        target: str,
        *,
        actor: str = CLI_ACTOR,
    ) -> None:
        A.audit(
            conn, at=self._clock(), actor_id=actor_id, actor=actor, action=action, target=target
        )
