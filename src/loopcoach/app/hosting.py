"""What `loopcoach serve --hosted` checks before it binds a port: a database named on purpose
(PostgreSQL, or a SQLite file), argon2 installed, and whether session cookies may go without
`Secure` (only on loopback http, asked for explicitly)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from loopcoach.errors import LoopcoachError

MODE_ENV = "LOOPCOACH_MODE"
INSECURE_ENV = "LOOPCOACH_INSECURE_COOKIES"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Hosted:
    """How hosted mode serves (`create_app(..., hosted=Hosted())`): `secure_cookies` False only
    for loopback http (tests); each worker deletes ended sessions at start and then every
    `purge_every` seconds (web/housekeeping.py)."""

    secure_cookies: bool = True
    purge_every: float = 3600.0


def hosted_mode(flag: bool, env: Mapping[str, str]) -> bool:
    """`--hosted`, or LOOPCOACH_MODE=hosted; LoopcoachError for any other mode name."""
    mode = env.get(MODE_ENV, "").strip().lower()
    if mode not in ("", "local", "hosted"):
        raise LoopcoachError(
            "bad-mode", f"{MODE_ENV}={mode[:20]!r}: use 'local' (the default) or 'hosted'"
        )
    return flag or mode == "hosted"


def check_hosted_database(env: Mapping[str, str]) -> str:
    """The database URL hosted mode will use: LOOPCOACH_DATABASE_URL, which must be set and
    name PostgreSQL or a SQLite file. LoopcoachError (one line) otherwise."""
    from sqlalchemy.engine import make_url

    url = env.get("LOOPCOACH_DATABASE_URL", "").strip()
    hint = (
        "set LOOPCOACH_DATABASE_URL to postgresql+psycopg://USER@HOST/DB "
        "or sqlite:////path/to/loopcoach.db"
    )
    if not url:
        raise LoopcoachError("hosted-database", f"hosted mode needs a database: {hint}")
    try:
        parsed = make_url(url)
    except Exception:
        raise LoopcoachError(
            "hosted-database", f"LOOPCOACH_DATABASE_URL is not a database URL: {hint}"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        return url
    if backend == "postgresql":
        return url
    what = "SQLite in memory" if backend == "sqlite" else backend
    raise LoopcoachError(
        "hosted-database",
        f"hosted mode stores accounts in PostgreSQL or a SQLite file, not {what}: {hint}",
    )


def secure_cookies(host: str, env: Mapping[str, str]) -> bool:
    """Session cookies are `Secure` unless LOOPCOACH_INSECURE_COOKIES=1 and the server binds
    a loopback address (plain-http tests on one machine)."""
    if env.get(INSECURE_ENV, "").strip() not in ("1", "true", "yes"):
        return True
    if host.strip("[]").lower() not in LOOPBACK:
        raise LoopcoachError(
            "insecure-cookies",
            f"{INSECURE_ENV} is for loopback tests only; serve on 127.0.0.1, or unset it and "
            "put a TLS proxy in front",
        )
    return False


def check_hasher() -> None:
    """argon2-cffi is installed (the `hosted` extra)."""
    from loopcoach.app.accounts import default_hasher

    default_hasher()
