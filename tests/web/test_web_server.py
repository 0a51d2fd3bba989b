"""The web app's pages and API, in-process through FastAPI's TestClient (one smoke test starts
a real `loopcoach serve` and fetches over HTTP)."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import start_server, stop_server


@pytest.mark.slow
def test_web_serve_smoke(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The one real `loopcoach serve`: it migrates the default SQLite file, serves the pages and
    the API over HTTP (everything else runs the app in-process)."""
    data = tmp_path_factory.mktemp("serve-data")
    proc, base = start_server(data)
    try:
        assert (data / "loopcoach.db").exists(), "serve migrates the default SQLite file"
        assert 'href="/roles/tpm"' in httpx.get(base + "/").text
        r = httpx.get(base + "/api/v1/questions", params={"role": "po"})
        assert r.status_code == 200 and r.json()
        assert httpx.get(base + "/api/v1/questions/nope").status_code == 404
    finally:
        stop_server(proc)


def test_web_home_lists_the_three_roles(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    for rid in ("tpm", "tpo", "po"):
        assert f'href="/roles/{rid}"' in r.text


def test_web_security_headers(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_web_role_page_shows_stages_and_questions(client: TestClient) -> None:
    r = client.get("/roles/tpm")
    assert r.status_code == 200
    assert "The loop" in r.text and 'href="/questions/tpm-' in r.text


def test_web_question_page(client: TestClient) -> None:
    questions = client.get("/api/v1/questions", params={"role": "tpo"}).json()
    qid = questions[0]["id"]
    r = client.get(f"/questions/{qid}")
    assert r.status_code == 200
    assert "What a strong answer covers" in r.text


def test_web_unknown_ids_are_404(client: TestClient) -> None:
    assert client.get("/roles/astronaut").status_code == 404
    r = client.get("/api/v1/questions/nope")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "question-not-found"


def test_web_search_escapes_the_query(client: TestClient) -> None:
    r = client.get("/search", params={"q": "<script>alert(1)</script> risk"})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;" in r.text


def test_web_openapi_schema(client: TestClient) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200 and "/api/v1/questions" in r.json()["paths"]


def test_web_api_analyze_matches_cli_shape(client: TestClient) -> None:
    body = {
        "question": "A platform API is used by 200 internal teams. How do you roll out a "
        "breaking change?",
        "answer": "I would version the API and give teams two quarters "
        "to move, tracking each consumer on a dashboard.",
        "role": "tpm",
    }
    r = client.post("/api/v1/analyze", json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    assert {
        "score",
        "dimensions",
        "points_made",
        "points_missed",
        "red_flags",
        "word_count",
        "estimated_seconds",
        "matched_question",
    } <= set(data)
    assert data["matched_question"]["id"] == "tpm-breaking-api-change"


@pytest.mark.parametrize(
    "body",
    [
        {"answer": "x"},
        {"question": "Why?", "answer": 5},
        {"question": "Why?"},
        {"question": "Why?", "answer": "x" * 100_001},
        {"question_id": "nope", "answer": "x"},
        {"question": "Why?", "answer": "x", "role": "astronaut"},
        [1, 2, 3],
    ],
)
def test_web_api_analyze_bad_input_is_4xx_json(client: TestClient, body: object) -> None:
    r = client.post("/api/v1/analyze", json=body)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error"]["message"]


def test_web_api_analyze_not_json(client: TestClient) -> None:
    r = client.post(
        "/api/v1/analyze", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-request"


def test_web_analyze_page_escapes_the_answer(client: TestClient) -> None:
    form = {
        "question": "Tell me about a time you drove alignment between teams.",
        "answer": "I wrote <script>alert('x')</script> in the doc and we cut time by 20%.",
    }
    r = client.post("/analyze", data=form)
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    assert "Score" in r.text and "annotated" in r.text
