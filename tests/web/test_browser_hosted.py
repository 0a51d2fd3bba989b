"""Hosted mode in real Chromium (Debian's, through Playwright) against one real
`loopcoach serve --hosted` per module: signing in and out, session fixation, stored XSS seen by
the learner and by their coach, a form posted from another origin, and brute force at the login
form (the account lockout, then the per-address limit's 429).

The accounts are made in the database before the server starts, at a cheap argon2id cost (the
hash carries its parameters, so the server verifies it cheaply too). The data the XSS test needs
is made over HTTP by a signed-in client, as the app's own pages would; the browser only reads
and submits. Every XSS payload would set a flag on `window` if it ran.

It lives beside test_browser.py, not in hosted/: the session's Chromium keeps Playwright's event
loop in the main thread, so browser tests run after the tests that call `anyio.run` there
(web/security/test_request_budget.py).
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest
from tests.accounts.helpers import PASSWORD, cheap_hasher
from tests.web.conftest import app_environment, start_server, stop_server
from tests.web.signin import sign_in as sign_in_over_http

if TYPE_CHECKING:
    from tests.conftest import PostgresServer, Shared

    from loopcoach.app.accounts import AccountsService

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COOKIE = "loopcoach_session"  # LOOPCOACH_INSECURE_COOKIES=1: loopback http, no __Host- prefix
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEARNER = "ann@example.org"
COACH = "coach.cat@example.org"
ATTACKER = "mallory@example.org"


def payload(flag: str) -> str:
    """Markup that, if the page ran it, sets window.FLAG (1 from the script, 2 from the img)."""
    return f'<script>window.{flag} = 1</script><img src=x onerror="window.{flag} = 2">'


XSS_NAME, XSS_STORY, XSS_ANSWER = payload("__xssName"), payload("__xssStory"), payload("__xssAns")
FLAGS = ("__xssName", "__xssStory", "__xssAns")


@dataclass
class HostedServer:
    base: str
    accounts: AccountsService
    proc: subprocess.Popen[bytes]

    def client(self, email: str) -> httpx.Client:
        """An HTTP client signed in as `email` through the login form; it sends the session's
        CSRF token on API writes (header) and form posts (field)."""
        c = httpx.Client(base_url=self.base, headers={"Origin": self.base}, timeout=120)
        c.headers["X-CSRF-Token"] = sign_in_over_http(c, email)
        return c


@pytest.fixture(scope="module")
def hosted(
    shared: Shared, postgres: PostgresServer | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HostedServer]:
    from loopcoach.app.accounts import AccountsService
    from loopcoach.store import make_engine, upgrade

    data = tmp_path_factory.mktemp("hosted-browser")
    with app_environment(shared, postgres, data) as env:
        engine = make_engine(env["LOOPCOACH_DATABASE_URL"])
        upgrade(engine)
        accounts = AccountsService(
            lambda: engine, clock=lambda: datetime.now(UTC), hasher=cheap_hasher
        )
        accounts.create_user(LEARNER, PASSWORD, role="learner", name="Ann Learner")
        accounts.create_user(COACH, PASSWORD, role="coach", name="Cat Coach")
        accounts.create_user(ATTACKER, PASSWORD, role="learner", name="Mallory")
        accounts.create_cohort("browser cohort", COACH)
        accounts.invite(LEARNER, "browser cohort")
        env["LOOPCOACH_INSECURE_COOKIES"] = "1"
        env["LOOPCOACH_LOGIN_FAILURES_PER_ADDRESS"] = "12"  # the last test reaches it
        proc, base = start_server(data, hosted=True, env=env, timeout=60)
        try:
            yield HostedServer(base, accounts, proc)
        finally:
            stop_server(proc)
            engine.dispose()


# --- helpers ---------------------------------------------------------------------------------
def path_of(page: Any) -> str:
    return urlsplit(page.url).path


def session_cookie(page: Any) -> dict[str, Any] | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE), None)


def fill_login(page: Any, email: str, password: str) -> Any:
    """Fill the login form on the current page and submit it; the navigation's response."""
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation() as nav:
        page.click("form[action='/login'] button[type=submit]")
    return nav.value


def sign_in(page: Any, base: str, email: str, password: str = PASSWORD) -> Any:
    page.goto(base + "/login")
    return fill_login(page, email, password)


def sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.click("#logout")
    assert path_of(page) == "/login"


def no_payload_ran(page: Any) -> None:
    """None of the payloads ran, and none became markup (CSP aside: escaping is checked too)."""
    for flag in FLAGS:
        assert page.evaluate(f"window.{flag}") is None, (page.url, flag)
    assert page.locator("img[src='x']").count() == 0, page.url
    assert not page.evaluate("[...document.scripts].some(s => s.textContent.includes('__xss'))"), (
        page.url
    )


# --- signing in and out ----------------------------------------------------------------------
def test_sign_in_and_out(page: Any, hosted: HostedServer) -> None:
    base = hosted.base
    page.goto(base + "/mock")  # a page that needs a session: to the login form, and back after
    assert path_of(page) == "/login" and "next=/mock" in page.url
    r = fill_login(page, LEARNER, "not the password")
    assert r.status == 401 and path_of(page) == "/login"
    assert "email or password is wrong" in page.inner_text("#error-message")
    assert session_cookie(page) is None
    assert page.input_value("#email") == LEARNER and page.input_value("#password") == ""

    r = fill_login(page, LEARNER, PASSWORD)
    assert r.status == 200 and path_of(page) == "/mock"
    assert page.inner_text("#account-link") == "Ann Learner"
    cookie = session_cookie(page)
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert COOKIE not in page.evaluate("document.cookie")  # scripts cannot read the session
    token = cookie["value"]

    sign_out(page)
    assert session_cookie(page) is None
    page.goto(base + "/account")
    assert path_of(page) == "/login"
    # the token the browser had is dead on the server too, not only forgotten by the browser
    replay = httpx.get(base + "/api/v1/me", cookies={COOKIE: token})
    assert replay.status_code == 401


def test_a_reset_token_sets_a_new_password_from_the_sign_in_page(
    page: Any, hosted: HostedServer
) -> None:
    """The admin's one-time token, spent in the browser: from the sign-in page's link to the
    reset form, a mismatched confirmation shown back without the secrets, then the new password
    set and used. (No refused token here: the brute-force test below counts this address's
    failures.)"""
    email, new = "reset.rey@example.org", "a passphrase chosen in the browser"
    hosted.accounts.create_user(email, PASSWORD, role="learner", name="Rey Reset")
    token = hosted.accounts.issue_reset(email).token
    page.goto(hosted.base + "/login")
    with page.expect_navigation():
        page.click("a[href='/reset']")
    assert path_of(page) == "/reset"
    page.fill("#token", token)
    page.fill("#password", new)
    page.fill("#confirm", new + " but different")
    with page.expect_navigation() as nav:
        page.click("form[action='/reset'] button[type=submit]")
    assert nav.value.status == 400
    assert "not the same" in page.inner_text("#error-message")
    assert page.input_value("#token") == "" and page.input_value("#password") == ""
    assert token not in page.content()
    page.fill("#token", token)
    page.fill("#password", new)
    page.fill("#confirm", new)
    with page.expect_navigation():
        page.click("form[action='/reset'] button[type=submit]")
    assert path_of(page) == "/login"
    assert "new password is set" in page.inner_text("#reset-done")
    r = fill_login(page, email, new)
    assert r.status == 200 and path_of(page) == "/"
    assert page.inner_text("#account-link") == "Rey Reset"


def test_a_session_cookie_planted_before_sign_in_is_not_the_one_after(
    page: Any, hosted: HostedServer
) -> None:
    """Session fixation: the attacker's own valid session (and a made-up token) planted in the
    victim's browser. Signing in hands out a new token; the planted session ends."""
    attacker = hosted.client(ATTACKER)
    planted = attacker.cookies[COOKIE]
    for token in (planted, "F" * 43):
        page.context.add_cookies([{"name": COOKIE, "value": token, "url": hosted.base}])
        r = sign_in(page, hosted.base, LEARNER)
        assert r.status == 200 and path_of(page) == "/"
        after = session_cookie(page)
        assert after is not None and after["value"] not in (planted, "F" * 43)
        assert page.inner_text("#account-link") == "Ann Learner"
        me = page.request.get(hosted.base + "/api/v1/me").json()["account"]
        assert me["email"] == LEARNER
        sign_out(page)
    assert attacker.get("/api/v1/me").status_code == 401  # the planted session was ended
    attacker.close()


# --- stored XSS ------------------------------------------------------------------------------
def test_stored_xss_runs_neither_for_the_learner_nor_for_their_coach(
    page: Any, hosted: HostedServer
) -> None:
    email = "xss@example.org"
    hosted.accounts.create_user(email, PASSWORD, role="learner", name=XSS_NAME)
    hosted.accounts.invite(email, "browser cohort")
    with closing(hosted.client(email)) as x:
        resume = (FIXTURES / "resumes" / "tpm.md").read_text(encoding="utf-8")
        r = x.post("/api/v1/prep", json={"role": "tpm", "text": resume, "name": "resume.md"})
        assert r.status_code == 200, r.text[:300]
        story = x.get("/api/v1/stories").json()[0]["id"]
        form = {"title": XSS_STORY, "csrf_token": x.headers["X-CSRF-Token"]}
        assert x.post(f"/prep/stories/{story}", data=form).status_code == 303
        r = x.post("/api/v1/mock", json={"role": "tpm", "seed": 5})
        assert r.status_code == 201, r.text[:300]
        sid, key = r.json()["session"], r.json()["question"]["key"]
        answer = f"I led the rollout. {XSS_ANSWER} Incidents fell by a third."
        r = x.post(f"/api/v1/mock/{sid}/answer", json={"answer": answer, "key": key})
        assert r.status_code == 200, r.text[:300]

    sign_in(page, hosted.base, email)
    shown = {  # page -> the payload it must show as text
        "/account": XSS_NAME,
        f"/prep/stories/{story}": XSS_STORY,
        "/prep": XSS_STORY,
        f"/mock/{sid}": XSS_ANSWER,
    }
    for path, text in shown.items():
        page.goto(hosted.base + path)
        no_payload_ran(page)
        assert text in page.inner_text("body"), path
        assert page.inner_text("#account-link") == XSS_NAME  # the header's name, as text
        if path.startswith("/prep/stories/"):
            assert page.input_value("#s-title") == XSS_STORY  # in an attribute, too
    sign_out(page)

    sign_in(page, hosted.base, COACH)
    page.goto(hosted.base + "/coach")
    no_payload_ran(page)
    link = page.get_by_role("link", name=XSS_NAME)
    assert link.count() == 1
    with page.expect_navigation():
        link.click()
    assert re.fullmatch(r"/coach/learners/\d+", path_of(page))
    no_payload_ran(page)
    assert page.inner_text("h1") == XSS_NAME
    sign_out(page)


# --- cross-site ------------------------------------------------------------------------------
class _Attacker(BaseHTTPRequestHandler):
    """Serves the page at `self.server.html` (another origin: same host, another port)."""

    def do_GET(self) -> None:
        body = self.server.html.encode("utf-8")  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture()
def attacker_site() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Attacker)
    server.html = ""  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_form_posted_from_another_origin_is_refused(
    page: Any, hosted: HostedServer, attacker_site: ThreadingHTTPServer
) -> None:
    """The page of another origin (same host, another port: the same site, so the SameSite=Lax
    cookie is sent) posts forms to the app, even with the victim's real CSRF token: refused by
    the Origin check, and nothing changes."""
    base = hosted.base
    sign_in(page, base, LEARNER)
    token = page.get_attribute("form[action='/logout'] input[name=csrf_token]", "value")
    assert token
    before = page.request.get(base + "/api/v1/mock").headers["x-total-count"]
    evil = f"http://127.0.0.1:{attacker_site.server_address[1]}"
    forms = {
        "/mock": {"role": "tpm", "csrf_token": token},
        "/logout": {"csrf_token": token},
    }
    for action, fields in forms.items():
        inputs = "".join(f'<input name="{k}" value="{v}">' for k, v in fields.items())
        attacker_site.html = (  # type: ignore[attr-defined]
            f'<form id="f" method="post" action="{base}{action}">{inputs}</form>'
            "<button id=go onclick=\"document.getElementById('f').submit()\">win a prize</button>"
        )
        page.goto(evil + "/")
        with page.expect_navigation() as nav:
            page.click("#go")
        assert nav.value.status == 403, action
        assert path_of(page) == action
    # still signed in (the logout was refused), and no mock session was started
    me = page.request.get(base + "/api/v1/me")
    assert me.status == 200 and me.json()["account"]["email"] == LEARNER
    assert page.request.get(base + "/api/v1/mock").headers["x-total-count"] == before
    page.goto(base + "/")
    sign_out(page)


# --- brute force -----------------------------------------------------------------------------
def test_brute_force_at_the_login_form_is_locked_then_refused_per_address(
    page: Any, hosted: HostedServer
) -> None:
    """Five wrong passwords lock the account: the right one is refused with the same words.
    Then other accounts from the same address: past the per-address limit (12 failures here)
    every sign-in from it gets a 429 with Retry-After, the right password included."""
    victim = "victim@example.org"
    hosted.accounts.create_user(victim, PASSWORD, role="learner")
    page.goto(hosted.base + "/login")
    for _ in range(5):
        r = fill_login(page, victim, "guess-" + str(time.monotonic()))
        assert r.status == 401
    refused = page.inner_text("#error-message")
    r = fill_login(page, victim, PASSWORD)
    assert r.status == 401 and page.inner_text("#error-message") == refused
    assert session_cookie(page) is None
    # spraying other accounts from the same address (the module's earlier tests failed a
    # sign-in or two from it as well): refused one by one, then all at once
    statuses = []
    for n in range(12):
        statuses.append(fill_login(page, f"user{n}@example.org", "password guess").status)
        if statuses[-1] != 401:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401} and len(statuses) <= 7, statuses
    r = fill_login(page, LEARNER, PASSWORD)  # a real account with its right password
    assert r.status == 429
    assert r.headers["retry-after"].isdigit() and int(r.headers["retry-after"]) > 0
    assert "too many failed sign-ins" in page.inner_text("#error-message")
    assert session_cookie(page) is None
    assert page.locator("#email").is_visible()  # the form stays, for after the wait
