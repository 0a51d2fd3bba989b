"""Fixtures for the security suite: the app in-process (FastAPI's TestClient), reached the way a
browser reaches it: at http://127.0.0.1:8000, same-origin, with the CSRF cookie and token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.signin import TOKEN_RX

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("security-data")


@pytest.fixture(scope="module")
def app(app_data: Path) -> Any:
    from loopcoach.app import Coach
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app

    settings = Settings.from_env({"LOOPCOACH_DATA_DIR": str(app_data)})
    return create_app(Coach(settings))


@pytest.fixture()
def client(app: Any) -> Iterator[TestClient]:
    """A same-origin browser: every request carries Origin, the cookie jar keeps the token."""
    with TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}) as c:
        yield c


def form_token(client: TestClient, page: str = "/mock") -> str:
    """The hidden csrf_token of a page's form (getting the page also sets the cookie)."""
    r = client.get(page)
    assert r.status_code == 200, r.text
    found = TOKEN_RX.search(r.text)
    assert found, f"no csrf_token field on {page}"
    return found.group(1)


def assert_alive(client: TestClient) -> None:
    """The server still answers after the attack."""
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    assert client.get("/").status_code == 200
