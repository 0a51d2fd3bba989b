"""Cross-site request forgery and DNS rebinding: a page on another origin cannot change data,
and a foreign Host header is refused, while the app's own pages keep working."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.web.security.conftest import ORIGIN, assert_alive, form_token

EVIL = "http://evil.example"


def test_same_origin_form_post_with_token_works(client: TestClient) -> None:
    token = form_token(client)
    r = client.post(
        "/mock", data={"role": "tpm", "seed": "1", "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    assert client.get(r.headers["location"]).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "", "Referer": EVIL + "/attack.html"},
        {"Origin": "http://127.0.0.1:9999"},
    ],
)
def test_cross_origin_form_post_is_refused(client: TestClient, headers: dict[str, str]) -> None:
    token = form_token(client)
    if headers.get("Origin") == "":
        client.headers.pop("Origin")
        headers = {"Referer": headers["Referer"]}
    r = client.post(
        "/mock", data={"role": "tpm", "csrf_token": token}, headers=headers, follow_redirects=False
    )
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "another" in r.text and r.headers["x-frame-options"] == "DENY"
    assert_alive(client)


def test_form_post_without_the_token_is_refused(client: TestClient) -> None:
    form_token(client)
    r = client.post("/mock", data={"role": "tpm"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post("/mock", data={"role": "tpm", "csrf_token": "x" * 43}, follow_redirects=False)
    assert r.status_code == 403


def test_form_post_without_origin_still_needs_the_token(app: object) -> None:
    with TestClient(app, base_url=ORIGIN) as c:  # type: ignore[arg-type]
        r = c.post("/mock", data={"role": "tpm"}, follow_redirects=False)
        assert r.status_code == 403
        token = form_token(c)
        r = c.post("/mock", data={"role": "tpm", "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303


def test_cross_origin_upload_is_refused(client: TestClient) -> None:
    token = form_token(client, "/exercises")
    files = {"file": ("w.csv", b"id,name,duration\na,A,1\n", "text/csv")}
    r = client.post(
        "/exercises/critical-path",
        data={"csrf_token": token},
        files=files,
        headers={"Origin": EVIL},
    )
    assert r.status_code == 403
    r = client.post(
        "/api/v1/prep/upload",
        data={"role": "tpm"},
        files={"file": ("cv.txt", b"I led things.", "text/plain")},
        headers={"Origin": EVIL},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "cross-site"
    r = client.post("/exercises/critical-path", data={"csrf_token": token}, files=files)
    assert r.status_code == 200, r.text
    assert_alive(client)


def test_cross_origin_json_api_is_refused(client: TestClient) -> None:
    r = client.post("/api/v1/mock", json={"role": "tpm"}, headers={"Origin": EVIL})
    assert r.status_code == 403 and r.json()["error"]["code"] == "cross-site"
    r = client.post("/api/v1/mock", json={"role": "tpm"})
    assert r.status_code == 201, r.text


def test_cross_origin_story_edit_is_refused(client: TestClient) -> None:
    r = client.post("/prep/stories/1", data={"title": "pwned"}, headers={"Origin": EVIL})
    assert r.status_code == 403


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "127.0.0.1.evil.example",
        "localhost.evil.example:8000",
        "",
    ],
)
def test_foreign_host_is_refused(client: TestClient, host: str) -> None:
    r = client.get("/", headers={"Host": host})
    assert r.status_code == 400
    assert r.headers["content-security-policy"]
    r = client.get("/api/v1/health", headers={"Host": host})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad-host"
    assert_alive(client)


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000", "localhost"])
def test_loopback_hosts_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200


def test_configured_and_allowed_hosts_are_served(app_data: object) -> None:
    from loopcoach.app import Coach
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app

    coach = Coach(Settings.from_env({"LOOPCOACH_DATA_DIR": str(app_data)}))
    app = create_app(coach, host="0.0.0.0", extra_hosts=["coach.lan"])
    with TestClient(app, base_url="http://coach.lan:8000") as c:
        assert c.get("/api/v1/health").status_code == 200
        assert c.get("/api/v1/health", headers={"Host": "0.0.0.0:8000"}).status_code == 400
    app = create_app(coach, host="192.168.1.20")
    with TestClient(app, base_url="http://192.168.1.20:8000") as c:
        assert c.get("/api/v1/health").status_code == 200


def test_pages_set_a_strict_cookie_and_keep_the_referrer_same_origin(client: TestClient) -> None:
    r = client.get("/mock")
    cookie = r.headers["set-cookie"]
    assert "loopcoach_csrf=" in cookie and "SameSite=Strict" in cookie and "HttpOnly" in cookie
    assert r.headers["referrer-policy"] == "same-origin"
