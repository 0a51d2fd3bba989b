"""Settings, read from the environment when asked; nothing happens at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

APP_NAME = "loopcoach"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# PostgreSQL connections each process keeps open, and how many more it may open at busy moments
# (docs/hosting.md: workers x (size + overflow) must stay under the server's max_connections)
POOL_SIZE_ENV = "LOOPCOACH_DB_POOL_SIZE"
MAX_OVERFLOW_ENV = "LOOPCOACH_DB_MAX_OVERFLOW"
DEFAULT_POOL_SIZE = 8
DEFAULT_MAX_OVERFLOW = 4
MAX_POOL = 200
# Hosted mode's per-user rate limits, per minute (docs/hosting.md); local mode has none
RATE_ANALYSES_ENV = "LOOPCOACH_RATE_ANALYSES_PER_MINUTE"
RATE_UPLOADS_ENV = "LOOPCOACH_RATE_UPLOADS_PER_MINUTE"
DEFAULT_RATE_ANALYSES = 30
DEFAULT_RATE_UPLOADS = 10
MAX_RATE = 10_000
# Hosted mode's failed sign-ins per client address per 15 minutes, before that address gets 429s
LOGIN_FAILURES_ENV = "LOOPCOACH_LOGIN_FAILURES_PER_ADDRESS"
DEFAULT_LOGIN_FAILURES = 20


def _pool_number(
    env: Mapping[str, str], name: str, default: int, least: int, most: int = MAX_POOL
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if len(raw) > 5 or not raw.isascii() or not raw.isdigit() or not least <= int(raw) <= most:
        from loopcoach.errors import LoopcoachError

        raise LoopcoachError(
            "bad-setting",
            f"{name} must be a whole number from {least} to {most}, not {raw[:40]!r}",
        )
    return int(raw)


def default_data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'loopcoach.db'}"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    pack_dirs: tuple[Path, ...] = field(default_factory=tuple)
    cache_dir: Path = field(default_factory=lambda: Path(user_cache_dir(APP_NAME, appauthor=False)))
    db_pool_size: int = DEFAULT_POOL_SIZE
    db_max_overflow: int = DEFAULT_MAX_OVERFLOW
    rate_analyses: int = DEFAULT_RATE_ANALYSES  # per user per minute, hosted mode only
    rate_uploads: int = DEFAULT_RATE_UPLOADS
    login_failures_per_address: int = DEFAULT_LOGIN_FAILURES  # per 15 minutes, hosted mode

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, extra_packs: tuple[Path, ...] = ()
    ) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("LOOPCOACH_DATA_DIR") or default_data_dir())
        url = env.get("LOOPCOACH_DATABASE_URL") or default_database_url(data_dir)
        packs = tuple(Path(p) for p in env.get("LOOPCOACH_PACKS", "").split(os.pathsep) if p)
        cache = Path(env.get("LOOPCOACH_CACHE_DIR") or data_dir / "cache")
        return cls(
            data_dir=data_dir,
            database_url=url,
            pack_dirs=(*packs, *extra_packs),
            cache_dir=cache,
            db_pool_size=_pool_number(env, POOL_SIZE_ENV, DEFAULT_POOL_SIZE, 1),
            db_max_overflow=_pool_number(env, MAX_OVERFLOW_ENV, DEFAULT_MAX_OVERFLOW, 0),
            rate_analyses=_pool_number(env, RATE_ANALYSES_ENV, DEFAULT_RATE_ANALYSES, 1, MAX_RATE),
            rate_uploads=_pool_number(env, RATE_UPLOADS_ENV, DEFAULT_RATE_UPLOADS, 1, MAX_RATE),
            login_failures_per_address=_pool_number(
                env, LOGIN_FAILURES_ENV, DEFAULT_LOGIN_FAILURES, 1, MAX_RATE
            ),
        )
