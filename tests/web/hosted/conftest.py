"""Hosted mode in-process: one app for this directory on a fresh database (SQLite, or
PostgreSQL when LOOPCOACH_TEST_DATABASE_URL is set), with accounts hashed at a cheap argon2id
cost, and a signed-in client per actor.

The actors: learners A and B (each with data of their own: a story, a prep pack, a mock
session, an analysed answer), coach C who coaches A's cohort only, coach D with a cohort of
nobody else's learners, and an admin. `HostedClient` is a same-origin browser: it signs in
through the login form and sends the session's CSRF token with every form post (field) and
API request that changes state (header), as the app's own pages and `/api/v1/me` give it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from tests.accounts.helpers import PASSWORD, cheap_hasher
from tests.web.conftest import app_environment, share_models
from tests.web.signin import post_login, session_csrf

if TYPE_CHECKING:
    from datetime import datetime

    from tests.conftest import PostgresServer, Shared

    from loopcoach.app import Coach

ORIGIN = "http://127.0.0.1:8000"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EMAILS = {
    "a": "a@example.org",
    "b": "b@example.org",
    "c": "coach.c@example.org",
    "d": "coach.d@example.org",
    "admin": "admin@example.org",
}


class HostedClient(TestClient):
    """A browser on the app's own origin; `csrf` is the token its pages carry."""

    csrf: str = ""

    def request(self, method: str, url: Any, **kw: Any) -> Any:  # type: ignore[override]
        if method.upper() not in ("GET", "HEAD", "OPTIONS") and self.csrf:
            if str(url).startswith("/api/"):
                kw["headers"] = {"X-CSRF-Token": self.csrf, **(kw.get("headers") or {})}
            elif kw.get("json") is None and kw.get("content") is None:
                data = kw.get("data")
                if data is None or (isinstance(data, dict) and "csrf_token" not in data):
                    kw["data"] = {**(data or {}), "csrf_token": self.csrf}
        return super().request(method, url, **kw)

    def sign_in(self, email: str, password: str = PASSWORD) -> Any:
        """Sign in through the login form (with the page's token); the response."""
        self.csrf = ""
        r = post_login(self, email, password)
        if r.status_code == 303:
            self.csrf = session_csrf(self)
        return r


def hosted_client(app: Any, **kw: Any) -> HostedClient:
    return HostedClient(
        app, base_url=ORIGIN, headers={"Origin": ORIGIN}, follow_redirects=False, **kw
    )


@dataclass
class World:
    """The app, its coach, the actors' account ids and learner B's (and A's) object ids."""

    app: Any
    coach: Coach
    ids: dict[str, int] = field(default_factory=dict)
    objects: dict[str, dict[str, str]] = field(default_factory=dict)


def make_app(
    coach: Coach,
    *,
    secure: bool = False,
    address_limit: int = 10_000,
    extra_hosts: tuple[str, ...] = (),
) -> Any:
    """The hosted app on `coach`. Every test client signs in from one address ("testclient"),
    so the per-address login limit is out of the way unless a test sets `address_limit`
    (test_hosted_login_throttle.py)."""
    from loopcoach.app.accounts import AccountsService
    from loopcoach.app.hosting import Hosted
    from loopcoach.web.app import create_app

    root = coach
    coach.__dict__["accounts"] = AccountsService(
        lambda: root.engine, clock=root.clock, hasher=cheap_hasher, address_limit=address_limit
    )
    return create_app(coach, extra_hosts=extra_hosts, hosted=Hosted(secure_cookies=secure))


def sibling_coach(
    root: Coach, *, clock: Callable[[], datetime] | None = None, **settings: Any
) -> Coach:
    """Another worker's coach on `root`'s database, with its models, its clock unless given
    one, and `settings` changed (rate limits)."""
    from loopcoach.app import Coach

    changed = dataclasses.replace(root.settings, **settings)
    return share_models(Coach(changed, clock=clock or root.clock), root)


@pytest.fixture(scope="package")
def hosted_coach(
    shared: Shared, postgres: PostgresServer | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Coach]:
    from loopcoach.app import Coach
    from loopcoach.config import Settings

    with app_environment(shared, postgres, tmp_path_factory.mktemp("hosted-data")) as env:
        coach = share_models(Coach(Settings.from_env(env)), shared)
        yield coach
        coach.engine.dispose()


def seed_accounts(coach: Coach) -> dict[str, int]:
    acc = coach.accounts
    ids = {
        "a": acc.create_user(EMAILS["a"], PASSWORD, role="learner", name="Ada").id,
        "b": acc.create_user(EMAILS["b"], PASSWORD, role="learner", name="Bo").id,
        "c": acc.create_user(EMAILS["c"], PASSWORD, role="coach", name="Cy").id,
        "d": acc.create_user(EMAILS["d"], PASSWORD, role="coach", name="Di").id,
        "admin": acc.create_user(EMAILS["admin"], PASSWORD, role="admin").id,
    }
    acc.create_cohort("spring", EMAILS["c"])
    acc.invite(EMAILS["a"], "spring")
    acc.create_cohort("autumn", EMAILS["d"])  # no learners of A's or B's
    return ids


def seed_learner(client: HostedClient, tag: str) -> dict[str, str]:
    """Data of the signed-in learner, made through the API: a story, a prep pack, a mock
    session and an analysed answer. Their ids, by kind."""
    resume = (FIXTURES / "resumes" / "tpm.md").read_text(encoding="utf-8")
    r = client.post("/api/v1/prep", json={"role": "tpm", "text": resume, "name": "resume.md"})
    assert r.status_code == 200, r.text
    pack_id = str(r.json()["pack_id"])
    stories = client.get("/api/v1/stories").json()
    story_id = str(stories[0]["id"])
    r = client.post(f"/prep/stories/{story_id}", data={"title": f"Secret story of {tag}"})
    assert r.status_code == 303, r.text
    r = client.post("/api/v1/mock", json={"role": "tpm", "seed": 7})
    assert r.status_code == 201, r.text
    session_id = r.json()["session"]
    r = client.post(
        "/api/v1/analyze",
        json={
            "question": "Tell me about a conflict you resolved.",
            "answer": f"Secret answer of {tag}: I led the payments migration with three teams.",
        },
    )
    assert r.status_code == 200, r.text
    return {"pack_id": pack_id, "story_id": story_id, "session_id": session_id}


@pytest.fixture(scope="package")
def world(hosted_coach: Coach) -> Iterator[World]:
    app = make_app(hosted_coach)
    w = World(app, hosted_coach, seed_accounts(hosted_coach))
    for tag in ("a", "b"):
        with hosted_client(app) as c:
            assert c.sign_in(EMAILS[tag]).status_code == 303
            w.objects[tag] = seed_learner(c, tag)
    yield w


@pytest.fixture()
def actor(world: World) -> Iterator[Any]:
    """`actor(name)`: a client signed in as that actor ("anon" for none)."""
    opened: list[HostedClient] = []

    def make(name: str) -> HostedClient:
        c = hosted_client(world.app)
        c.__enter__()
        opened.append(c)
        if name != "anon":
            assert c.sign_in(EMAILS[name]).status_code == 303
        return c

    yield make
    for c in opened:
        c.__exit__(None, None, None)
