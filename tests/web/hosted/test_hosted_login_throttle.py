"""The per-address login limit at the HTTP level: past the limit, the login form answers 429
with Retry-After and the form again, for any account (the right password included), from that
client address only; the app keeps no count of its own (two apps share the database's)."""

from __future__ import annotations

import re
from typing import Any

from tests.accounts.helpers import PASSWORD
from tests.web.hosted.conftest import (
    EMAILS,
    ORIGIN,
    HostedClient,
    World,
    make_app,
    sibling_coach,
)
from tests.web.signin import post_login

from loopcoach.app import Coach
from loopcoach.web.auth import SESSION_COOKIE

LIMIT = 3


def _app(root: Coach) -> Any:
    """Another app (a second worker) on the package's database, with a limit of 3."""
    return make_app(sibling_coach(root), address_limit=LIMIT)


def _client(app: Any, address: str) -> HostedClient:
    return HostedClient(
        app,
        base_url=ORIGIN,
        headers={"Origin": ORIGIN},
        follow_redirects=False,
        client=(address, 40000),
    )


def test_past_the_limit_an_address_gets_429_for_every_account(world: World) -> None:
    hosted_coach = world.coach
    one, two = _app(hosted_coach), _app(hosted_coach)
    with _client(one, "198.51.100.20") as c, _client(two, "198.51.100.20") as same_place:
        for n in range(LIMIT):  # spread over two workers: the count is in the database
            r = post_login(c if n % 2 else same_place, f"spray{n}@example.org", "a guess at it")
            assert r.status_code == 401
        r = post_login(c, EMAILS["b"], PASSWORD)
        assert r.status_code == 429
        assert 0 < int(r.headers["retry-after"]) <= 15 * 60
        assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
        message = re.search(r'id="error-message"[^>]*>([^<]+)<', r.text)
        assert message and "too many failed sign-ins" in message.group(1)
        assert 'name="email"' in r.text and PASSWORD not in r.text  # the form, no password
        assert post_login(same_place, EMAILS["b"], PASSWORD).status_code == 429
    with _client(one, "198.51.100.21") as elsewhere:  # another address signs in as usual
        assert post_login(elsewhere, EMAILS["b"], PASSWORD).status_code == 303
    # the accounts named were not locked by it
    hosted_coach.accounts.authenticate(EMAILS["b"], PASSWORD)


def test_the_api_and_pages_of_a_signed_in_user_are_not_throttled(world: World) -> None:
    """The limit is on signing in only: a session from a throttled address keeps working."""
    app = _app(world.coach)
    with _client(app, "198.51.100.30") as c:
        assert post_login(c, EMAILS["a"], PASSWORD).status_code == 303
        for n in range(LIMIT):
            with _client(app, "198.51.100.30") as guesser:
                assert post_login(guesser, f"g{n}@example.org", "a guess at it").status_code == 401
        assert c.get("/api/v1/me").status_code == 200
        assert c.get("/account").status_code == 200
