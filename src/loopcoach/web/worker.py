"""One worker process of `loopcoach serve --workers N`.

uvicorn starts N processes that accept on the same socket; each calls `create_worker_app` (named
by an import string, so nothing is pickled) and builds its own `Coach` - its own pack library,
embedding model (loaded once per worker, in the background) and database connection pool - from
the environment the serving process passed on (`SERVE_ENV`, plus the usual LOOPCOACH_*).

Nothing one worker holds is needed by another: every write (answers, mock events, held answers,
stories, packs) is committed to the database before it is acknowledged; the CSRF check is a
double-submit cookie compared within the request; the caches (library, embeddings, memoised
text) are rebuilt or re-read by each process and shared on disk through atomic renames.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from fastapi import FastAPI

from loopcoach.app import Coach
from loopcoach.app.hosting import Hosted
from loopcoach.config import Settings
from loopcoach.web.app import create_app
from loopcoach.web.heap import settle

SERVE_ENV = "LOOPCOACH_SERVE"
FACTORY = "loopcoach.web.worker:create_worker_app"


@dataclass(frozen=True)
class ServeOptions:
    """What every worker needs from the `loopcoach serve` command line."""

    host: str
    allow_hosts: tuple[str, ...] = ()
    pack_dirs: tuple[str, ...] = ()
    warm: bool = True
    hosted: bool = False  # hosted mode: sign-in required (loopcoach.app.hosting)
    secure_cookies: bool = True

    def to_env(self) -> str:
        return json.dumps(
            {
                "host": self.host,
                "allow_hosts": list(self.allow_hosts),
                "pack_dirs": list(self.pack_dirs),
                "warm": self.warm,
                "hosted": self.hosted,
                "secure_cookies": self.secure_cookies,
            }
        )

    @classmethod
    def from_env(cls, raw: str) -> ServeOptions:
        data = json.loads(raw)
        return cls(
            host=str(data["host"]),
            allow_hosts=tuple(str(h) for h in data["allow_hosts"]),
            pack_dirs=tuple(str(p) for p in data["pack_dirs"]),
            warm=bool(data["warm"]),
            hosted=bool(data.get("hosted", False)),
            secure_cookies=bool(data.get("secure_cookies", True)),
        )


def create_worker_app() -> FastAPI:
    """The app of one worker process (uvicorn's factory)."""
    raw = os.environ.get(SERVE_ENV)
    if not raw:
        raise RuntimeError(f"{SERVE_ENV} is not set: start workers with `loopcoach serve`")
    options = ServeOptions.from_env(raw)
    settings = replace(Settings.from_env(), pack_dirs=tuple(Path(p) for p in options.pack_dirs))
    coach = Coach(settings)
    hosted = Hosted(secure_cookies=options.secure_cookies) if options.hosted else None
    app = create_app(coach, host=options.host, extra_hosts=options.allow_hosts, hosted=hosted)
    if options.warm:  # then garbage collection leaves the model and the library alone
        coach.warm_up_in_background(then=settle)
    return app
