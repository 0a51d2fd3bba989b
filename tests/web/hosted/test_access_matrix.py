"""The access-control matrix, generated from the hosted app's route table.

Every route and method of the app must have a rule in RULES (a new route without one fails
`test_every_route_has_a_rule`), and each rule is checked against every kind of caller:

- an anonymous client gets 401 (API) or a redirect to /login (pages), except on PUBLIC routes;
- on a route with an object id in its path (OWN), learner A, coaches C and D and the admin
  acting on learner B's ids get 404, never B's data, and B gets their own object (a positive
  control, so the 404s are not just bad ids);
- on a learner's progress (LEARNER), learner A and coach C (not B's coach) get 404 for B and
  coach D 404 for A, while coach C reads A (their cohort's learner) and the admin reads B;
- on every other route (SELF: the caller's own data, or pack content), no signed-in caller
  but B ever sees B's markers (B's answer, story title, session id, email).

Runs on SQLite, and on PostgreSQL when LOOPCOACH_TEST_DATABASE_URL is set (tests/conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.web.hosted.conftest import EMAILS, HostedClient, World, hosted_client

PUBLIC = "public"  # anyone: the login and reset pages, the health check, static files
SELF = "self"  # the caller's own data, or content; signed-in only
OWN = "own"  # an object of the caller's, named in the path; signed-in only
LEARNER = "learner"  # a learner's data read by their coach (can_read); signed-in only
SESSION = "session"  # signing out

RULES: dict[tuple[str, str], str] = {
    ("*", "/static"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("GET", "/reset"): PUBLIC,
    ("POST", "/reset"): PUBLIC,
    ("GET", "/api/v1/health"): PUBLIC,
    ("POST", "/logout"): SESSION,
    ("GET", "/openapi.json"): SELF,
    ("HEAD", "/openapi.json"): SELF,
    ("GET", "/api/v1/roles"): SELF,
    ("GET", "/api/v1/questions"): SELF,
    ("GET", "/api/v1/questions/{question_id}"): SELF,
    ("GET", "/api/v1/search"): SELF,
    ("POST", "/api/v1/analyze"): SELF,
    ("GET", "/api/v1/mock"): SELF,
    ("POST", "/api/v1/mock"): SELF,
    ("POST", "/api/v1/mock/{session_id}/answer"): OWN,
    ("GET", "/api/v1/mock/{session_id}"): OWN,
    ("GET", "/api/v1/mock/{session_id}/debrief"): OWN,
    ("POST", "/api/v1/mock/{session_id}/skip"): OWN,
    ("POST", "/api/v1/mock/{session_id}/end"): OWN,
    ("GET", "/api/v1/exercises"): SELF,
    ("POST", "/api/v1/exercises/backlog"): SELF,
    ("POST", "/api/v1/exercises/critical-path"): SELF,
    ("POST", "/api/v1/exercises/ac"): SELF,
    ("POST", "/api/v1/exercises/forecast"): SELF,
    ("POST", "/api/v1/exercises/kano"): SELF,
    ("POST", "/api/v1/exercises/slices"): SELF,
    ("POST", "/api/v1/exercises/plan"): SELF,
    ("GET", "/api/v1/plan"): SELF,
    ("GET", "/api/v1/due"): SELF,
    ("GET", "/api/v1/progress"): SELF,
    ("POST", "/api/v1/prep"): SELF,
    ("POST", "/api/v1/prep/upload"): SELF,
    ("GET", "/api/v1/stories"): SELF,
    ("POST", "/api/v1/stories/match"): SELF,
    ("GET", "/api/v1/prep/packs"): SELF,
    ("GET", "/api/v1/prep/packs/{pack_id}"): OWN,
    ("GET", "/api/v1/me"): SELF,
    ("GET", "/api/v1/coach/learners"): SELF,
    ("GET", "/api/v1/coach/learners/{learner_id}/progress"): LEARNER,
    ("GET", "/account"): SELF,
    ("GET", "/account/export.json"): SELF,
    ("POST", "/account/delete"): SELF,
    ("POST", "/account/import"): SELF,
    ("POST", "/api/v1/account/import"): SELF,
    ("GET", "/coach"): SELF,
    ("GET", "/coach/learners/{learner_id}"): LEARNER,
    ("GET", "/"): SELF,
    ("GET", "/api/docs"): SELF,
    ("GET", "/roles/{role_id}"): SELF,
    ("GET", "/questions/{question_id}"): SELF,
    ("GET", "/search"): SELF,
    ("GET", "/analyze"): SELF,
    ("POST", "/analyze"): SELF,
    ("GET", "/mock"): SELF,
    ("POST", "/mock"): SELF,
    ("GET", "/mock/{session_id}"): OWN,
    ("POST", "/mock/{session_id}/answer"): OWN,
    ("POST", "/mock/{session_id}/skip"): OWN,
    ("POST", "/mock/{session_id}/end"): OWN,
    ("GET", "/mock/{session_id}/debrief"): OWN,
    ("GET", "/exercises"): SELF,
    ("POST", "/exercises/backlog"): SELF,
    ("POST", "/exercises/critical-path"): SELF,
    ("POST", "/exercises/ac"): SELF,
    ("POST", "/exercises/forecast"): SELF,
    ("POST", "/exercises/kano"): SELF,
    ("POST", "/exercises/slices"): SELF,
    ("POST", "/exercises/plan"): SELF,
    ("GET", "/plan/plan.ics"): SELF,
    ("GET", "/plan/deck.apkg"): SELF,
    ("GET", "/plan/charts/{name}.{ext}"): SELF,
    ("GET", "/plan"): SELF,
    ("GET", "/prep"): SELF,
    ("GET", "/prep/match"): SELF,
    ("GET", "/prep/packs/{pack_id}"): OWN,
    ("POST", "/prep/packs/{pack_id}/rebuild"): OWN,
    ("POST", "/prep"): SELF,
    ("GET", "/prep/{token}/pack.{ext}"): OWN,
    ("GET", "/prep/stories/{story_id}"): OWN,
    ("POST", "/prep/stories/{story_id}"): OWN,
}

# What a request sends besides its path: query parameters, a JSON body or form fields.
EXTRAS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/mock/{session_id}/answer"): {"json": {"answer": "an attacker's answer"}},
    ("POST", "/mock/{session_id}/answer"): {"data": {"answer": "an attacker's answer"}},
    ("POST", "/prep/stories/{story_id}"): {"data": {"title": "hijacked by someone else"}},
    ("GET", "/api/v1/plan"): {"params": {"role": "tpm", "interview_date": "2027-03-01"}},
    ("GET", "/plan/plan.ics"): {"params": {"role": "tpm", "interview_date": "2027-03-01"}},
    ("GET", "/plan/deck.apkg"): {"params": {"role": "tpm"}},
    ("GET", "/api/v1/search"): {"params": {"q": "conflict"}},
    ("GET", "/search"): {"params": {"q": "conflict"}},
    ("GET", "/prep/match"): {"params": {"q": "a conflict with a stakeholder"}},
    ("POST", "/api/v1/stories/match"): {"json": {"question": "a conflict with a stakeholder"}},
    ("POST", "/account/delete"): {"data": {"confirm": "not-my-address@example.org"}},
    ("POST", "/account/import"): {"files": {"file": ("b.json", b'{"format": "x"}')}},
    ("POST", "/api/v1/account/import"): {"json": {"format": "loopcoach-backup", "version": 1}},
}


def route_table(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route of the app; ("*", path) for a mount (static files)."""
    import fastapi.routing

    flat = getattr(fastapi.routing, "iter_route_contexts", None)
    routes = list(flat(app.routes)) if flat is not None else list(app.routes)
    out: list[tuple[str, str]] = []
    for route in routes:
        methods = getattr(route, "methods", None)
        path = str(route.path)
        if not methods:
            out.append(("*", path))
            continue
        out.extend((m, path) for m in sorted(methods))
    return sorted(set(out))


def _app_for_table() -> Any:
    """The hosted app's routes, built without touching a database (create_app is lazy)."""
    from loopcoach.app import Coach
    from loopcoach.app.hosting import Hosted
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app

    settings = Settings.from_env({"LOOPCOACH_DATA_DIR": "/nonexistent-never-opened"})
    return create_app(Coach(settings), hosted=Hosted(secure_cookies=False))


ROUTES = route_table(_app_for_table())
CHECKED = [r for r in ROUTES if r[0] != "*"]


def test_every_route_has_a_rule() -> None:
    missing = [r for r in ROUTES if r not in RULES]
    assert not missing, f"routes with no access rule (classify them in RULES): {missing}"
    stale = [r for r in RULES if r not in ROUTES]
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_the_table_is_the_whole_app() -> None:
    """A sanity check of the generator: it sees routes of every router, not only the first."""
    paths = {p for _, p in ROUTES}
    for expected in ("/api/v1/mock/{session_id}", "/prep/stories/{story_id}", "/login", "/"):
        assert expected in paths
    assert len(CHECKED) >= 70


def _url(world: World, path: str, owner: str) -> str:
    """The path with the ids of `owner`'s objects (and fixed values for the rest)."""
    objs = world.objects[owner]
    question = next(iter(world.coach.library.role("tpm").questions))
    values = {
        "session_id": objs["session_id"],
        "pack_id": objs["pack_id"],
        "token": objs["pack_id"],
        "story_id": objs["story_id"],
        "learner_id": str(world.ids[owner]),
        "role_id": "tpm",
        "question_id": question.id,
        "name": "score",
        "ext": "md" if path.startswith("/prep/") else "svg",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def _send(client: HostedClient, method: str, url: str, key: tuple[str, str]) -> Any:
    return client.request(method, url, **EXTRAS.get(key, {}))


def _leaks(world: World, response: Any, url: str) -> list[str]:
    """B's markers in a response (an id the caller put in the URL itself, echoed by a 404
    message, is not a leak)."""
    b = world.objects["b"]
    markers = ["Secret answer of b", "Secret story of b", b["session_id"], EMAILS["b"]]
    return [m for m in markers if m in response.text and m not in url]


def _refused_anonymously(response: Any, path: str) -> bool:
    if path.startswith("/api/") or path == "/openapi.json":
        return bool(response.status_code == 401)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.fixture(scope="module")
def signed_in(world: World) -> Any:
    clients: dict[str, HostedClient] = {}
    for name in ("a", "b", "c", "d", "admin"):
        c = hosted_client(world.app)
        c.__enter__()
        assert c.sign_in(EMAILS[name]).status_code == 303
        clients[name] = c
    yield clients
    for c in clients.values():
        c.__exit__(None, None, None)


@pytest.mark.parametrize(("method", "path"), CHECKED, ids=[f"{m} {p}" for m, p in CHECKED])
def test_route(method: str, path: str, world: World, signed_in: dict[str, HostedClient]) -> None:
    key = (method, path)
    rule = RULES.get(key)
    assert rule is not None, f"{method} {path} has no access rule: add one to RULES"
    url_b = _url(world, path, "b")

    with hosted_client(world.app) as anon:
        r = _send(anon, method, url_b, key)
        if rule == PUBLIC:
            assert r.status_code < 500
        else:
            assert _refused_anonymously(r, path), (r.status_code, r.text[:200])
        assert not _leaks(world, r, url_b)

    if rule == SESSION:
        with hosted_client(world.app) as someone:
            assert someone.sign_in(EMAILS["a"]).status_code == 303
            assert _send(someone, method, url_b, key).status_code == 303
            assert someone.get("/api/v1/me").status_code == 401  # signed out for real
        return

    if rule == OWN:
        for name in ("a", "c", "d", "admin"):
            r = _send(signed_in[name], method, url_b, key)
            assert r.status_code == 404, (name, r.status_code, r.text[:300])
            assert not _leaks(world, r, url_b), name
        if method == "GET":  # the positive control: the owner reaches it
            r = signed_in["b"].get(url_b, **EXTRAS.get(key, {}))
            assert r.status_code == 200, r.text[:300]
        return

    if rule == LEARNER:
        for name, whose in (("a", "b"), ("c", "b"), ("d", "a"), ("d", "b")):
            r = _send(signed_in[name], method, _url(world, path, whose), key)
            assert r.status_code == 404, (name, whose, r.status_code, r.text[:300])
            assert EMAILS[whose] not in r.text
        assert _send(signed_in["c"], method, _url(world, path, "a"), key).status_code == 200
        assert _send(signed_in["admin"], method, url_b, key).status_code == 200
        return

    assert rule in (SELF, PUBLIC), rule
    for name in ("a", "c", "d", "admin"):
        r = _send(signed_in[name], method, url_b, key)
        assert r.status_code < 500, (name, r.status_code, r.text[:300])
        assert not _leaks(world, r, url_b), (name, r.text[:300])


def test_b_objects_unchanged_by_the_others(
    world: World, signed_in: dict[str, HostedClient]
) -> None:
    """After every attempt above, B's story and mock session are as B left them."""
    b = signed_in["b"]
    objs = world.objects["b"]
    story = b.get(f"/prep/stories/{objs['story_id']}")
    assert "Secret story of b" in story.text and "hijacked" not in story.text
    session = b.get(f"/api/v1/mock/{objs['session_id']}").json()
    assert session["status"] not in ("ended",)
    assert all("attacker" not in str(t) for t in session.get("turns", []))
    answers = [a["answer"] for a in b.get("/account/export.json").json()["sections"]["attempts"]]
    assert any("Secret answer of b" in (x or "") for x in answers)


def test_local_mode_has_no_sign_in() -> None:
    """Local mode mounts none of hosted mode's routes and no sign-in gate."""
    from loopcoach.app import Coach
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app
    from loopcoach.web.auth import SignInGate

    local = create_app(Coach(Settings.from_env({"LOOPCOACH_DATA_DIR": "/nonexistent"})))
    paths = {p for _, p in route_table(local)}
    hosted_only = {"/login", "/reset", "/logout", "/account", "/coach", "/api/v1/me"}
    assert not paths & hosted_only
    assert paths == {p for _, p in ROUTES} - hosted_only - {
        p
        for p in (q for _, q in ROUTES)
        if p.startswith(("/account", "/coach", "/api/v1/coach", "/api/v1/account"))
    }
    assert all(m.cls is not SignInGate for m in local.user_middleware)


UNSAFE = [r for r in CHECKED if r[0] not in ("GET", "HEAD", "OPTIONS")]


def test_every_unsafe_route_is_listed() -> None:
    assert len(UNSAFE) >= 25 and ("POST", "/logout") in UNSAFE and ("POST", "/reset") in UNSAFE


@pytest.mark.parametrize(("method", "path"), UNSAFE, ids=[f"{m} {p}" for m, p in UNSAFE])
def test_every_state_changing_route_needs_the_csrf_token(
    method: str, path: str, world: World, signed_in: dict[str, HostedClient]
) -> None:
    """Generated from the route table like the matrix: B, signed in and on B's own objects,
    sending everything a real request sends except the session's CSRF token (no form field, no
    X-CSRF-Token header), is refused with 403 on every route that changes state."""
    b = signed_in["b"]
    saved, b.csrf = b.csrf, ""  # the client adds no token of its own
    try:
        r = _send(b, method, _url(world, path, "b"), (method, path))
    finally:
        b.csrf = saved
    assert r.status_code == 403, (r.status_code, r.text[:300])
    assert b.get("/api/v1/me").status_code == 200  # still signed in (logout refused too)
