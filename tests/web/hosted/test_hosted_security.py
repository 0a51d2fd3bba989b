"""Hosted mode at the HTTP level: session cookies and fixation, CSRF, stored XSS, brute-force
lockout, and signing out for real."""

from __future__ import annotations

import re
from typing import Any

from tests.accounts.helpers import PASSWORD
from tests.web.hosted.conftest import (
    EMAILS,
    FIXTURES,
    HostedClient,
    World,
    hosted_client,
    make_app,
)
from tests.web.signin import TOKEN_RX, login_token

from loopcoach.web.auth import SECURE_SESSION_COOKIE, SESSION_COOKIE

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def _session_cookie(response: Any) -> str:
    """The session token a response hands out ('' when it sets none)."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name in (SESSION_COOKIE, SECURE_SESSION_COOKIE):
            return rest.split(";", 1)[0]
    return ""


# --- cookies and session fixation ------------------------------------------------------------
def test_session_cookie_attributes(world: World, actor: Any) -> None:
    c = actor("anon")
    r = c.post(
        "/login",
        data={"email": EMAILS["a"], "password": PASSWORD, "csrf_token": login_token(c)},
    )
    assert r.status_code == 303
    header = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    parts = {p.strip().split("=")[0].lower() for p in header.split(";")}
    assert {"httponly", "path", "max-age", "samesite"} <= parts
    assert "samesite=lax" in header.lower()
    assert "secure" not in parts  # this app was made for loopback http (Hosted(False))


def test_secure_cookie_outside_loopback_tests(hosted_coach: Any) -> None:
    """The default: Secure and the __Host- prefix (a browser sends it over https only)."""
    from loopcoach.app.hosting import Hosted
    from loopcoach.web.auth import session_cookie

    header = session_cookie(Hosted(), "t" * 43, 60)
    assert header.startswith(SECURE_SESSION_COOKIE + "=")
    assert "; Secure" in header and "; HttpOnly" in header and "SameSite=Lax" in header
    assert "Domain=" not in header and "Path=/" in header
    app = make_app(hosted_coach, secure=True)
    https = "https://127.0.0.1:8000"
    with HostedClient(app, base_url=https, headers={"Origin": https}, follow_redirects=False) as c:
        token = login_token(c)
        r = c.post("/login", data={"email": EMAILS["a"], "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 303
        assert any(
            h.startswith(SECURE_SESSION_COOKIE) and "Secure" in h
            for h in r.headers.get_list("set-cookie")
        )
        assert c.get("/api/v1/me").json()["account"]["email"] == EMAILS["a"]


def test_a_planted_session_is_never_promoted(world: World, actor: Any) -> None:
    """Session fixation: the attacker plants their own (valid) session token in the victim's
    browser; the victim signs in. The victim gets a new token, the planted one ends, and the
    attacker's token never becomes the victim's session."""
    attacker = actor("d")
    planted = attacker.cookies.get(SESSION_COOKIE)
    assert planted

    victim = hosted_client(world.app)
    with victim:
        victim.cookies.set(SESSION_COOKIE, planted, domain="127.0.0.1")
        token = TOKEN_RX.search(victim.get("/login").text)
        assert token is not None
        r = victim.post(
            "/login",
            data={"email": EMAILS["a"], "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert r.status_code == 303
        fresh = _session_cookie(r)
        assert fresh and fresh != planted
        me = victim.get("/api/v1/me").json()["account"]
        assert me["email"] == EMAILS["a"]
    # the planted token is dead, and was never the victim's
    r = attacker.get("/api/v1/me")
    assert r.status_code == 401


def test_unknown_token_in_the_cookie_is_not_adopted(world: World) -> None:
    with hosted_client(world.app) as c:
        made_up = "A" * 43
        c.cookies.set(SESSION_COOKIE, made_up, domain="127.0.0.1")
        assert c.get("/api/v1/me").status_code == 401
        assert c.get("/plan").status_code == 303
        form = {"email": EMAILS["a"], "password": PASSWORD, "csrf_token": login_token(c)}
        r = c.post("/login", data=form)
        assert r.status_code == 303 and _session_cookie(r) not in ("", made_up)


def test_each_sign_in_rotates_the_session_and_its_csrf_token(actor: Any) -> None:
    c = actor("a")
    first, first_csrf = c.cookies.get(SESSION_COOKIE), c.csrf
    assert c.sign_in(EMAILS["a"]).status_code == 303
    second, second_csrf = c.cookies.get(SESSION_COOKIE), c.csrf
    assert second != first and second_csrf != first_csrf
    with hosted_client(c.app) as old:
        old.cookies.set(SESSION_COOKIE, first or "", domain="127.0.0.1")
        assert old.get("/api/v1/me").status_code == 401  # the earlier session ended


def test_sign_out_ends_the_session_on_the_server(world: World, actor: Any) -> None:
    c = actor("a")
    token = c.cookies.get(SESSION_COOKIE)
    r = c.post("/logout")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert "max-age=0" in " ".join(r.headers.get_list("set-cookie")).lower()
    with hosted_client(world.app) as replay:  # the old cookie, kept by someone
        replay.cookies.set(SESSION_COOKIE, token or "", domain="127.0.0.1")
        assert replay.get("/api/v1/me").status_code == 401


def test_after_sign_in_only_a_local_path_is_followed(world: World) -> None:
    with hosted_client(world.app) as c:
        for target, expected in (
            ("/plan?role=tpm", "/plan?role=tpm"),
            ("https://evil.example/", "/"),
            ("//evil.example/", "/"),
            ("/\\evil.example", "/"),
        ):
            r = c.post(
                "/login",
                data={
                    "email": EMAILS["a"],
                    "password": PASSWORD,
                    "next": target,
                    "csrf_token": login_token(c),
                },
            )
            assert r.status_code == 303 and r.headers["location"] == expected


# --- CSRF ------------------------------------------------------------------------------------
def test_forms_need_the_session_token(world: World, actor: Any) -> None:
    a, b = actor("a"), actor("b")
    story = world.objects["a"]["story_id"]
    url = f"/prep/stories/{story}"
    double_submit = a.cookies.get("loopcoach_csrf")  # local mode's token: not enough here
    for sent in (None, "", "x" * 43, double_submit, b.csrf):
        data: dict[str, str] = {"title": "changed by a forged form"}
        if sent is not None:
            data["csrf_token"] = sent
        saved, a.csrf = a.csrf, ""  # the client adds no token of its own
        try:
            r = a.post(url, data=data)
        finally:
            a.csrf = saved
        assert r.status_code == 403, (sent, r.status_code)
    assert "changed by a forged form" not in a.get(url).text
    r = a.post(url, data={"title": "Secret story of a"})  # the page's own token
    assert r.status_code == 303


def test_api_writes_need_the_csrf_header(world: World, actor: Any) -> None:
    a, b = actor("a"), actor("b")
    body = {"role": "tpm", "seed": 3}
    for headers in ({}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": b.csrf}, {"X-CSRF-Token": "x"}):
        saved, a.csrf = a.csrf, ""
        r = a.post("/api/v1/mock", json=body, headers=headers)
        a.csrf = saved
        assert r.status_code == 403, headers
        assert r.json()["error"]["code"] == "csrf"
    assert a.post("/api/v1/mock", json=body).status_code == 201  # with the session's token


def test_cross_site_posts_are_refused_even_with_the_token(actor: Any) -> None:
    a = actor("a")
    r = a.post("/api/v1/mock", json={"role": "tpm"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = a.post("/logout", headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert a.get("/api/v1/me").status_code == 200  # still signed in


def test_the_login_form_needs_its_token(world: World) -> None:
    """Login CSRF: another site cannot sign the browser in to the attacker's account."""
    with hosted_client(world.app) as c:
        c.get("/login")
        r = c.post("/login", data={"email": EMAILS["d"], "password": PASSWORD})
        assert r.status_code == 403
        assert _session_cookie(r) == ""
        r = c.post(
            "/login",
            data={"email": EMAILS["d"], "password": PASSWORD, "csrf_token": "y" * 43},
        )
        assert r.status_code == 403


# --- stored XSS ------------------------------------------------------------------------------
def _escaped(page: str) -> None:
    assert "<script>alert(" not in page
    assert "<img src=x onerror" not in page
    assert "&lt;script&gt;" in page


def test_names_stories_and_answers_are_escaped(world: World, actor: Any) -> None:
    coach = world.coach
    email = "xss.learner@example.org"
    coach.accounts.create_user(email, PASSWORD, role="learner", name=XSS[:190])
    coach.accounts.create_cohort("xss cohort", EMAILS["c"])
    coach.accounts.invite(email, "xss cohort")
    x = hosted_client(world.app)
    with x:
        assert x.sign_in(email).status_code == 303
        _escaped(x.get("/account").text)  # the name, in the header and the page
        stories = x.get("/api/v1/stories").json()
        assert stories == []  # a new learner sees no one else's stories
        r = x.post("/api/v1/mock", json={"role": "tpm", "seed": 5})
        sid = r.json()["session"]
        r = x.post(f"/mock/{sid}/answer", data={"answer": XSS + " I led the rollout."})
        assert r.status_code in (200, 303), r.text[:300]
        _escaped(x.get(f"/mock/{sid}").text)
        resume = (FIXTURES / "resumes" / "tpo.md").read_text(encoding="utf-8")
        r = x.post("/api/v1/prep", json={"role": "tpm", "text": resume, "name": "r.md"})
        assert r.status_code == 200, r.text
        story = x.get("/api/v1/stories").json()[0]["id"]
        assert x.post(f"/prep/stories/{story}", data={"title": XSS}).status_code == 303
        _escaped(x.get(f"/prep/stories/{story}").text)
        _escaped(x.get("/prep").text)
    c = actor("c")
    page = c.get("/coach").text
    _escaped(page)
    uid = re.search(r'href="/coach/learners/(\d+)">&lt;script', page)
    assert uid is not None
    _escaped(c.get(f"/coach/learners/{uid.group(1)}").text)


# --- brute force -----------------------------------------------------------------------------
def test_repeated_wrong_passwords_lock_the_account(world: World) -> None:
    coach = world.coach
    email = "brute@example.org"
    coach.accounts.create_user(email, PASSWORD, role="learner")
    with hosted_client(world.app) as c:
        for _ in range(5):
            r = c.post(
                "/login",
                data={"email": email, "password": "wrong password!", "csrf_token": login_token(c)},
            )
            assert r.status_code == 401 and _session_cookie(r) == ""
        # now the right password is refused too, with the same message
        r = c.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": login_token(c)}
        )
        assert r.status_code == 401 and _session_cookie(r) == ""
        form = {"email": "nobody@example.org", "password": PASSWORD, "csrf_token": login_token(c)}
        unknown = c.post("/login", data=form)
        assert unknown.status_code == 401
        message = re.search(r'id="error-message"[^>]*>([^<]+)<', r.text)
        other = re.search(r'id="error-message"[^>]*>([^<]+)<', unknown.text)
        assert message and other and message.group(1) == other.group(1)
        assert PASSWORD not in r.text  # the password is never echoed back
        # another account is not affected
        assert c.sign_in(EMAILS["b"]).status_code == 303
    actions = [(e.action, e.target) for e in coach.accounts.audit_log(limit=50)]
    assert ("account-locked", email) in actions
    assert ("login-refused", email) in actions


def test_health_and_static_stay_open_everything_else_asks_to_sign_in(world: World) -> None:
    with hosted_client(world.app) as c:
        assert c.get("/api/v1/health").status_code == 200
        assert c.get("/static/style.css").status_code == 200
        r = c.get("/prep/packs/1")
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/prep/packs/1"
        assert c.get("/openapi.json").status_code == 401
        assert c.get("/api/v1/roles").json()["error"]["code"] == "sign-in"


def test_hostile_sign_in_input_gets_a_clean_refusal(world: World) -> None:
    long_password = "p" * 5000
    with hosted_client(world.app) as c:
        for form in (
            {"email": EMAILS["a"], "password": long_password},
            {"email": "x" * 2000 + "@example.org", "password": PASSWORD},
            {"email": "a\x00@example.org", "password": PASSWORD},
            {"email": EMAILS["a"], "password": PASSWORD[:-1] + "\x00"},
            {"email": EMAILS["a"], "password": "wrong", "next": "/" + "n" * 5000},
        ):
            r = c.post("/login", data={**form, "csrf_token": login_token(c)})
            assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
            assert _session_cookie(r) == ""
            assert long_password not in r.text and "Traceback" not in r.text
    world.coach.accounts.authenticate(EMAILS["a"], PASSWORD)  # not locked by any of this
