"""One error path: whatever fails, the answer is JSON `{"error": {"code", "message"}}` under /api/
and the HTML error page elsewhere, with the security headers and a sentence a user understands."""

from __future__ import annotations

import errno
import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from tests.web.security.conftest import assert_alive


def assert_secured(r: Any) -> None:
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def broken(exc: BaseException) -> Any:
    def fail(*_a: object, **_k: object) -> None:
        raise exc

    return fail


@pytest.mark.parametrize(
    "exc,status,code,words",
    [
        (RuntimeError("boom"), 500, "internal", "unexpected problem"),
        (OSError(errno.ENOSPC, "No space left on device"), 507, "disk-full", "disk is full"),
        (
            OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")),
            507,
            "disk-full",
            "disk is full",
        ),
        (
            OperationalError(
                "INSERT", {}, sqlite3.OperationalError("attempt to write a readonly database")
            ),
            503,
            "read-only",
            "read-only",
        ),
        (RecursionError("maximum recursion depth exceeded"), 400, "too-deep", "nested"),
    ],
)
def test_unexpected_errors_end_as_json_or_the_error_page(
    client: TestClient,
    app: Any,
    monkeypatch: pytest.MonkeyPatch,
    exc: BaseException,
    status: int,
    code: str,
    words: str,
) -> None:
    monkeypatch.setattr(app.state.coach, "search", broken(exc))
    r = client.get("/api/v1/search", params={"q": "risk"})
    assert r.status_code == status
    assert r.json()["error"]["code"] == code and words in r.json()["error"]["message"]
    assert "Traceback" not in r.text and "boom" not in r.text
    assert_secured(r)
    r = client.get("/search", params={"q": "risk"})
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert words in r.text and "Traceback" not in r.text
    assert_secured(r)
    monkeypatch.undo()
    assert_alive(client)


def test_user_errors_and_limits_carry_the_headers(client: TestClient) -> None:
    r = client.get("/api/v1/nope")
    assert r.status_code == 404 and r.json()["error"]["message"]
    assert_secured(r)
    r = client.get("/questions/nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert_secured(r)
    r = client.post(
        "/api/v1/exercises/ac",
        content=b"{" + b" " * (10 * 2**20 + 1),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too-large"
    assert_secured(r)
    r = client.post("/api/v1/mock", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-request"
    assert_secured(r)


@pytest.mark.parametrize(
    "path", ["/api/v1/prep/packs/¹", "/api/v1/prep/packs/٣", "/prep/packs/²", "/prep/stories/¹"]
)
def test_non_ascii_digits_in_ids_are_404_not_500(client: TestClient, path: str) -> None:
    # found by schemathesis: str.isdigit() accepts superscripts, int() does not
    r = client.get(path)
    assert r.status_code == 404, r.text[:300]


def test_the_api_documents_its_error_answers(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "ErrorBody" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "404", "409", "413", "422"):
                documented = operation["responses"].get(status)
                assert documented, f"{method.upper()} {path} does not document {status}"
                body = documented["content"]["application/json"]["schema"]
                assert body["$ref"].endswith("/ErrorBody")


def test_answering_a_session_that_moved_on_is_a_409(client: TestClient) -> None:
    from tests.web.security.conftest import form_token

    started = client.post("/api/v1/mock", json={"role": "tpm", "seed": 1})
    assert started.status_code == 201, started.text[:300]
    sid = started.json()["session"]
    token = form_token(client, f"/mock/{sid}")
    ended = client.post(f"/mock/{sid}/end", data={"csrf_token": token}, follow_redirects=False)
    assert ended.status_code in (200, 303), ended.text[:300]
    r = client.post(f"/api/v1/mock/{sid}/answer", json={"answer": "I set up a risk review."})
    assert r.status_code == 409, r.text[:300]
    assert r.json()["error"]["code"] == "session-ended"


def test_an_answer_to_a_question_already_passed_is_a_409_naming_the_request(
    client: TestClient,
) -> None:
    started = client.post("/api/v1/mock", json={"role": "tpm", "seed": 2})
    assert started.status_code == 201, started.text[:300]
    sid = started.json()["session"]
    first = started.json()["question"]["key"]
    r = client.post(f"/api/v1/mock/{sid}/answer", json={"answer": "I ran a risk review."})
    assert r.status_code == 200, r.text[:300]
    # the client retries the first question with other words: it has moved on
    r = client.post(f"/api/v1/mock/{sid}/answer", json={"answer": "Something else.", "key": first})
    assert r.status_code == 409, r.text[:300]
    error = r.json()["error"]
    assert error["code"] == "session-moved-on"
    assert f"GET /api/v1/mock/{sid}" in error["message"] and "loopcoach" not in error["message"]
    # skip and end are API calls too
    r = client.post(f"/api/v1/mock/{sid}/skip")
    assert r.status_code == 200 and r.json()["session"] == sid
    r = client.post(f"/api/v1/mock/{sid}/end")
    assert r.status_code == 200 and r.json()["status"] == "ended"
    assert client.post(f"/api/v1/mock/{sid}/skip").status_code == 409


@pytest.mark.parametrize(
    "body,content_type",
    [(b'{"role": "tpm"}', "text/plain"), (b"[1, 2]", "application/json"), (b'"tpm"', "")],
)
def test_a_body_that_is_not_a_json_object_is_named(
    client: TestClient, body: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    r = client.post("/api/v1/mock", content=body, headers=headers)
    assert r.status_code == 422, r.text[:300]
    message = r.json()["error"]["message"]
    assert message.startswith("the request body: ") and "JSON object" in message
