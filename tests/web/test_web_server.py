"""The web app served by a real uvicorn process (`loopcoach serve`), fetched over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("web-data")
    port = free_port()
    env = {**os.environ, "LOOPCOACH_DATA_DIR": str(data)}
    env.pop("LOOPCOACH_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "loopcoach", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server died")
    else:
        proc.kill()
        raise AssertionError("server did not start in 30 s")
    assert (Path(data) / "loopcoach.db").exists(), "serve migrates the default SQLite file"
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_web_home_lists_the_three_roles(server: str) -> None:
    r = httpx.get(server + "/")
    assert r.status_code == 200
    for rid in ("tpm", "tpo", "po"):
        assert f'href="/roles/{rid}"' in r.text


def test_web_security_headers(server: str) -> None:
    r = httpx.get(server + "/")
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_web_role_page_shows_stages_and_questions(server: str) -> None:
    r = httpx.get(server + "/roles/tpm")
    assert r.status_code == 200
    assert "The loop" in r.text and 'href="/questions/tpm-' in r.text


def test_web_question_page(server: str) -> None:
    questions = httpx.get(server + "/api/v1/questions", params={"role": "tpo"}).json()
    qid = questions[0]["id"]
    r = httpx.get(server + f"/questions/{qid}")
    assert r.status_code == 200
    assert "What a strong answer covers" in r.text


def test_web_unknown_ids_are_404(server: str) -> None:
    assert httpx.get(server + "/roles/astronaut").status_code == 404
    r = httpx.get(server + "/api/v1/questions/nope")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "question-not-found"


def test_web_search_escapes_the_query(server: str) -> None:
    r = httpx.get(server + "/search", params={"q": "<script>alert(1)</script> risk"})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;" in r.text


def test_web_openapi_schema(server: str) -> None:
    r = httpx.get(server + "/openapi.json")
    assert r.status_code == 200 and "/api/v1/questions" in r.json()["paths"]


def test_web_api_analyze_matches_cli_shape(server: str) -> None:
    body = {"question": "A platform API is used by 200 internal teams. How do you roll out a "
            "breaking change?", "answer": "I would version the API and give teams two quarters "
            "to move, tracking each consumer on a dashboard.", "role": "tpm"}
    r = httpx.post(server + "/api/v1/analyze", json=body, timeout=60)
    assert r.status_code == 200, r.text
    data = r.json()
    assert {"score", "dimensions", "points_made", "points_missed", "red_flags", "word_count",
            "estimated_seconds", "matched_question"} <= set(data)
    assert data["matched_question"]["id"] == "tpm-breaking-api-change"


@pytest.mark.parametrize("body", [
    {"answer": "x"},
    {"question": "Why?", "answer": 5},
    {"question": "Why?"},
    {"question": "Why?", "answer": "x" * 100_001},
    {"question_id": "nope", "answer": "x"},
    {"question": "Why?", "answer": "x", "role": "astronaut"},
    [1, 2, 3],
])
def test_web_api_analyze_bad_input_is_4xx_json(server: str, body: object) -> None:
    r = httpx.post(server + "/api/v1/analyze", json=body, timeout=60)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error"]["message"]


def test_web_api_analyze_not_json(server: str) -> None:
    r = httpx.post(server + "/api/v1/analyze", content=b"{not json",
                   headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-request"


def test_web_analyze_page_escapes_the_answer(server: str) -> None:
    form = {"question": "Tell me about a time you drove alignment between teams.",
            "answer": "I wrote <script>alert('x')</script> in the doc and we cut time by 20%."}
    with httpx.Client(base_url=server, timeout=60, headers={"Origin": server}) as browser:
        page = browser.get("/analyze").text  # sets the CSRF cookie; the form holds the token
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "the analyse form has no csrf_token field"
        r = browser.post("/analyze", data={**form, "csrf_token": token.group(1)})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    assert "Score" in r.text and "annotated" in r.text
