"""Signing in through the hosted app's login form, as a same-origin browser does: the page's
CSRF token with the form, then the session's token from `/api/v1/me`. For any httpx-style
client (FastAPI's TestClient in-process, httpx.Client against a real server)."""

from __future__ import annotations

import re
from typing import Any

from tests.accounts.helpers import PASSWORD

TOKEN_RX = re.compile(r'name="csrf_token" value="([^"]+)"')


def login_token(client: Any) -> str:
    """The CSRF token of a freshly fetched login page."""
    page = client.get("/login")
    token = TOKEN_RX.search(page.text)
    assert token is not None, page.text[:300]
    return token.group(1)


def post_login(client: Any, email: str, password: str = PASSWORD) -> Any:
    """Post the login form with the token of a freshly fetched login page; the response
    (303 when signed in, 401 or 429 when refused)."""
    form = {"email": email, "password": password, "csrf_token": login_token(client)}
    return client.post("/login", data=form, follow_redirects=False)


def session_csrf(client: Any) -> str:
    """The CSRF token of the client's session (to send as X-CSRF-Token)."""
    me = client.get("/api/v1/me")
    assert me.status_code == 200, me.text[:300]
    return str(me.json()["csrf_token"])


def sign_in(client: Any, email: str, password: str = PASSWORD) -> str:
    """Sign in (asserting it worked); the session's CSRF token."""
    r = post_login(client, email, password)
    assert r.status_code == 303, r.text[:300]
    return session_csrf(client)
