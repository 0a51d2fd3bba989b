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
            data_dir=data_dir, database_url=url, pack_dirs=(*packs, *extra_packs), cache_dir=cache
        )
