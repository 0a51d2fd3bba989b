"""The reset page: a user spends a one-time token from `loopcoach admin reset-password` in the
browser (no shell on the server needed). The new password works and the old one does not, every
session of the user ends, the token works once, and neither the token nor a password is ever
echoed back. A refused token counts against the client's address like a failed sign-in."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from tests.accounts.helpers import PASSWORD, cheap_hasher
from tests.web.hosted.conftest import ORIGIN, HostedClient, World, hosted_client
from tests.web.signin import TOKEN_RX

from loopcoach.app import Coach
from loopcoach.app.accounts import new_token

NEW = "a freshly chosen passphrase"
ERROR_RX = re.compile(r'id="error-message"[^>]*>([^<]+)<')


def _form_token(c: HostedClient) -> str:
    page = c.get("/reset")
    assert page.status_code == 200, page.text[:300]
    found = TOKEN_RX.search(page.text)
    assert found is not None
    return found.group(1)


def _reset(c: HostedClient, token: str, password: str = NEW, confirm: str | None = None) -> Any:
    form = {
        "token": token,
        "password": password,
        "confirm": password if confirm is None else confirm,
        "csrf_token": _form_token(c),
    }
    return c.post("/reset", data=form)


def _user(world: World, email: str) -> None:
    world.coach.accounts.create_user(email, PASSWORD, role="learner")


def test_a_reset_token_sets_a_new_password_in_the_browser(world: World) -> None:
    email = "forgetful@example.org"
    _user(world, email)
    with hosted_client(world.app) as elsewhere:  # a session open somewhere else
        assert elsewhere.sign_in(email).status_code == 303
        token = world.coach.accounts.issue_reset(email).token
        with hosted_client(world.app) as c:
            login = c.get("/login")
            assert 'href="/reset"' in login.text  # the sign-in page links to it
            r = _reset(c, token)
            assert r.status_code == 303 and r.headers["location"] == "/login?reset=done"
            assert "Your new password is set" in c.get("/login?reset=done").text
            assert c.sign_in(email, NEW).status_code == 303
        with hosted_client(world.app) as c:
            assert c.sign_in(email, PASSWORD).status_code == 401  # the old one is gone
        assert elsewhere.get("/api/v1/me").status_code == 401  # every session ended
    with hosted_client(world.app) as c:  # the token works once
        r = _reset(c, token, "yet another passphrase")
        assert r.status_code == 400
        message = ERROR_RX.search(r.text)
        assert message and "unknown, already used or expired" in message.group(1)
        assert token not in r.text and "yet another passphrase" not in r.text
        assert c.sign_in(email, "yet another passphrase").status_code == 401


def test_refusals_name_the_problem_and_echo_nothing(world: World) -> None:
    email = "careful@example.org"
    _user(world, email)
    token = world.coach.accounts.issue_reset(email).token
    with hosted_client(world.app) as c:
        cases = [
            (token, NEW, "not the same", "the two passwords are not the same"),
            (token, "short", None, "at least 12 characters"),
            ("not-a-token", NEW, None, "unknown, already used or expired"),
            (new_token(), NEW, None, "unknown, already used or expired"),
            ("", NEW, None, "unknown, already used or expired"),
        ]
        for sent, password, confirm, expected in cases:
            r = _reset(c, sent, password, confirm)
            assert r.status_code == 400, (sent, r.status_code)
            message = ERROR_RX.search(r.text)
            assert message and expected in message.group(1), (sent, r.text[:500])
            assert 'name="token"' in r.text  # the form again
            for secret in {sent, password, confirm} - {None, ""}:
                assert str(secret) not in r.text.replace("not the same", ""), secret
        # a field past its limit is a one-line error that shows neither token nor password
        long_token = "t" * 5000
        r = c.post(
            "/reset",
            data={
                "token": long_token,
                "password": NEW,
                "confirm": NEW,
                "csrf_token": _form_token(c),
            },
        )
        assert r.status_code == 422 and long_token not in r.text and NEW not in r.text
    # none of that spent the token
    assert world.coach.accounts.complete_reset(token, NEW).email == email


def test_the_reset_form_needs_its_cross_site_token(world: World) -> None:
    email = "targeted@example.org"
    _user(world, email)
    token = world.coach.accounts.issue_reset(email).token
    with hosted_client(world.app) as c:
        r = c.post("/reset", data={"token": token, "password": NEW, "confirm": NEW})
        assert r.status_code == 403
        other = HostedClient(
            world.app,
            base_url=ORIGIN,
            headers={"Origin": "https://evil.example"},
            follow_redirects=False,
        )
        with other:
            form = {"token": token, "password": NEW, "confirm": NEW, "csrf_token": _form_token(c)}
            assert other.post("/reset", data=form).status_code == 403
    assert world.coach.accounts.complete_reset(token, NEW).email == email  # still unspent


def test_refused_tokens_count_against_the_address(world: World) -> None:
    """Guessing tokens costs the guesser their address's sign-in budget, before any hashing."""
    from loopcoach.app.accounts import AccountsService
    from loopcoach.app.hosting import Hosted
    from loopcoach.web.app import create_app

    limit = 3
    root = world.coach
    coach = Coach(dataclasses.replace(root.settings), clock=root.clock)
    for shared in ("library", "analyzer", "matcher"):
        coach.__dict__[shared] = getattr(root, shared)
    coach.__dict__["accounts"] = AccountsService(
        lambda: coach.engine, clock=coach.clock, hasher=cheap_hasher, address_limit=limit
    )
    app = create_app(coach, hosted=Hosted(secure_cookies=False))
    email = "guessed@example.org"
    _user(world, email)
    real = world.coach.accounts.issue_reset(email).token

    def client(address: str) -> HostedClient:
        return HostedClient(
            app,
            base_url=ORIGIN,
            headers={"Origin": ORIGIN},
            follow_redirects=False,
            client=(address, 40000),
        )

    with client("198.51.100.60") as guesser:
        for _ in range(limit):
            assert _reset(guesser, new_token()).status_code == 400
        r = _reset(guesser, real)  # even the real token, from there, now
        assert r.status_code == 429 and 0 < int(r.headers["retry-after"]) <= 15 * 60
        message = ERROR_RX.search(r.text)
        assert message and "too many failed sign-ins" in message.group(1)
    with client("198.51.100.61") as owner:  # the owner, elsewhere, is not held up
        assert _reset(owner, real).status_code == 303
