"""Hostile input to every parser: alias bombs, zip bombs, deep nesting, huge dependency chains,
megabyte lines, NUL bytes and invalid UTF-8. Each is refused with a 4xx and a one-line message,
and the app still answers afterwards."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.prep import hostile_pdf as H
from tests.web.security.conftest import assert_alive, form_token

# The 482-byte "billion laughs": nine levels of nine aliases each.
ALIAS_BOMB = (
    "\n".join(
        ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        + [
            f"{c}: &{c} [{','.join(['*' + p] * 9)}]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ]
    )
    + "\n"
)
TABLE_EXERCISES = ["kano", "backlog", "critical-path"]
BUDGET = 30.0  # seconds: generous, only a runaway (minutes, or forever) fails it


def assert_4xx(r: object, *words: str) -> None:
    status = r.status_code  # type: ignore[attr-defined]
    assert 400 <= status < 500, (status, r.text[:300])  # type: ignore[attr-defined]
    text = r.text  # type: ignore[attr-defined]
    assert len(text) < 20_000, "the message must not quote the input whole"
    for word in words:
        assert word in text.lower(), (word, text[:300])
    if r.headers["content-type"].startswith("application/json"):  # type: ignore[attr-defined]
        assert r.json()["error"]["message"]  # type: ignore[attr-defined]


# --- YAML ------------------------------------------------------------------------------------
@pytest.mark.parametrize("exercise", TABLE_EXERCISES)
def test_alias_bomb_is_refused_by_the_table_exercises(client: TestClient, exercise: str) -> None:
    start = time.monotonic()
    r = client.post(f"/api/v1/exercises/{exercise}", json={"text": ALIAS_BOMB, "format": "yaml"})
    assert_4xx(r, "alias")
    assert time.monotonic() - start < BUDGET
    assert_alive(client)


def test_alias_bomb_is_refused_by_slices_and_plan(client: TestClient) -> None:
    r = client.post("/api/v1/exercises/slices", json={"text": ALIAS_BOMB, "format": "yaml"})
    assert_4xx(r, "alias")
    r = client.post(
        "/api/v1/exercises/plan",
        json={"text": ALIAS_BOMB, "format": "yaml", "case_id": "tpm-case-passkeys"},
    )
    assert_4xx(r, "alias")
    assert_alive(client)


def test_alias_bomb_upload_is_refused(client: TestClient) -> None:
    token = form_token(client, "/exercises")
    r = client.post(
        "/exercises/kano",
        data={"csrf_token": token},
        files={"file": ("bomb.yaml", ALIAS_BOMB.encode(), "application/yaml")},
    )
    assert_4xx(r, "alias")
    assert r.headers["content-type"].startswith("text/html")
    assert_alive(client)


@pytest.mark.parametrize("exercise", ["kano", "slices"])
def test_deeply_nested_yaml_is_refused(client: TestClient, exercise: str) -> None:
    deep = "[\n" * 50_000 + "]\n" * 50_000  # one bracket a line: the line limit holds
    r = client.post(f"/api/v1/exercises/{exercise}", json={"text": deep, "format": "yaml"})
    assert_4xx(r, "nested")
    deep_block = "".join("  " * n + f"k{n}:\n" for n in range(200)) + "  " * 200 + "x: 1\n"
    r = client.post(f"/api/v1/exercises/{exercise}", json={"text": deep_block, "format": "yaml"})
    assert_4xx(r, "nested")
    assert_alive(client)


# --- JSON ------------------------------------------------------------------------------------
def test_deeply_nested_json_body_is_refused(client: TestClient) -> None:
    deep = b"[" * 50_000 + b"]" * 50_000
    r = client.post(
        "/api/v1/exercises/backlog", content=deep, headers={"content-type": "application/json"}
    )
    assert_4xx(r)
    r = client.post(
        "/api/v1/mock",
        content=b'{"role": ' + b"{" * 50_000 + b"}" * 50_000 + b"}",
        headers={"content-type": "application/json"},
    )
    assert_4xx(r)
    assert_alive(client)


def test_deeply_nested_json_resume_is_refused(client: TestClient) -> None:
    deep = '{"basics": {"name": "A"}, "work": ' + "[" * 50_000 + "]" * 50_000 + "}"
    r = client.post(
        "/api/v1/prep/upload",
        data={"role": "tpm"},
        files={"file": ("cv.json", deep.encode(), "application/json")},
    )
    assert_4xx(r, "nested")
    r = client.post(
        "/api/v1/prep", json={"role": "tpm", "name": "cv.json", "text": deep[:150_000] + "]" * 10}
    )
    assert_4xx(r)
    assert_alive(client)


# --- ZIP -------------------------------------------------------------------------------------
def docx_bomb(expanded_mb: int = 80) -> bytes:
    """A small .docx whose document part expands to `expanded_mb` MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(expanded_mb):
                part.write(chunk)
    return buf.getvalue()


def test_docx_zip_bomb_is_refused_before_expanding(client: TestClient) -> None:
    bomb = docx_bomb()
    assert len(bomb) < 1024 * 1024
    start = time.monotonic()
    r = client.post(
        "/api/v1/prep/upload",
        data={"role": "tpm"},
        files={"file": ("cv.docx", bomb, "application/octet-stream")},
    )
    assert_4xx(r, "mb")
    assert r.status_code == 413
    assert time.monotonic() - start < BUDGET
    token = form_token(client, "/prep")
    r = client.post(
        "/prep",
        data={"role": "tpm", "csrf_token": token},
        files={"file": ("cv.docx", bomb, "application/octet-stream")},
    )
    assert_4xx(r)
    assert_alive(client)


def test_docx_with_thousands_of_members_is_refused(client: TestClient) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in range(5_000):
            z.writestr(f"word/m{n}.xml", "")
    r = client.post(
        "/api/v1/prep/upload",
        data={"role": "tpm"},
        files={"file": ("cv.docx", buf.getvalue(), "application/octet-stream")},
    )
    assert_4xx(r, "files")
    assert_alive(client)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: H.flate_bomb(), ("expands past",)),
        (lambda: H.pages(5_000), ("50 pages",)),
        (lambda: H.deep_page_tree(5_000), ("nested",)),
        # on a slow or busy machine the reading's time limit may stop it first: also a refusal
        (lambda: H.text_flood(40_000), ("operations", "time limit")),
    ],
    ids=["flate-bomb", "thousands-of-pages", "deep-page-tree", "operations-flood"],
)
def test_pdf_bombs_are_refused(client: TestClient, make: Any, words: tuple[str, ...]) -> None:
    """Each bomb is refused with a one-line reason (one of `words`), quickly."""
    bomb = make()
    start = time.monotonic()
    r = client.post(
        "/api/v1/prep/upload",
        data={"role": "tpm"},
        files={"file": ("cv.pdf", bomb, "application/pdf")},
    )
    assert_4xx(r)
    assert any(w in r.text.lower() for w in words), (words, r.text[:300])
    assert r.status_code == 413
    assert time.monotonic() - start < BUDGET
    token = form_token(client, "/prep")
    r = client.post(
        "/prep",
        data={"role": "tpm", "csrf_token": token},
        files={"file": ("cv.pdf", bomb, "application/pdf")},
    )
    assert_4xx(r)
    assert any(w in r.text.lower() for w in words), (words, r.text[:300])
    assert_alive(client)


# --- dependency chains -----------------------------------------------------------------------
def chain_csv(rows: int) -> str:
    lines = ["id,name,duration,depends_on", "w0,Start,1,"]
    lines += [f"w{n},Step {n},1,w{n - 1}" for n in range(1, rows)]
    return "\n".join(lines) + "\n"


def test_huge_dependency_chain_is_refused_quickly(client: TestClient) -> None:
    start = time.monotonic()
    r = client.post("/api/v1/exercises/critical-path", json={"text": chain_csv(4_000)})
    assert_4xx(r, "1,000")
    r = client.post(
        "/api/v1/exercises/backlog",
        json={
            "text": "id,title,business_value,"
            "time_criticality,risk_reduction,job_size,depends_on\n"
            + "\n".join(f"b{n},B{n},1,1,1,1,{'b' + str(n - 1) if n else ''}" for n in range(4_000))
        },
    )
    assert_4xx(r, "1,000")
    assert time.monotonic() - start < BUDGET
    assert_alive(client)


def test_longest_allowed_chain_answers_within_budget(client: TestClient) -> None:
    start = time.monotonic()
    r = client.post("/api/v1/exercises/critical-path", json={"text": chain_csv(1_000)})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["duration"] == 1_000 and len(r.json()["critical_path"]) == 1_000
    assert time.monotonic() - start < BUDGET


def test_a_long_cycle_is_named_without_recursion_or_quadratic_time() -> None:
    from loopcoach.errors import LoopcoachError
    from loopcoach.exercises.critical_path import check_graph

    n = 50_000
    nodes = [(f"w{i}", (f"w{(i + 1) % n}",)) for i in range(n)]
    start = time.monotonic()
    with pytest.raises(LoopcoachError) as err:
        check_graph(nodes, what="workstream")
    assert err.value.code == "dependency-cycle" and len(str(err.value)) < 2_000
    order = check_graph(
        [(f"w{i}", (f"w{i - 1}",) if i else ()) for i in range(n)], what="workstream"
    )
    assert order[:2] == ["w0", "w1"] and len(order) == n
    assert time.monotonic() - start < BUDGET


# --- long lines, NUL bytes, invalid UTF-8 ----------------------------------------------------
MEGA_LINE = "As a buyer I want " + "x" * 999_000


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/v1/exercises/ac", {"text": MEGA_LINE}),
        ("/api/v1/exercises/slices", {"text": "# Epic: E\n## Slices\n- " + MEGA_LINE}),
        ("/api/v1/exercises/kano", {"text": "feature,functional,dysfunctional\n" + MEGA_LINE}),
        (
            "/api/v1/exercises/critical-path",
            {"text": "id,duration\n" + MEGA_LINE, "format": "yaml"},
        ),
        ("/api/v1/exercises/plan", {"text": MEGA_LINE, "case_id": "tpm-case-passkeys"}),
    ],
)
def test_megabyte_lines_are_refused(client: TestClient, path: str, body: dict) -> None:
    start = time.monotonic()
    r = client.post(path, json=body)
    assert_4xx(r, "line")
    assert time.monotonic() - start < BUDGET
    assert_alive(client)


def test_megabyte_line_upload_is_refused(client: TestClient) -> None:
    token = form_token(client, "/exercises")
    data = ("id,name,duration\n" + MEGA_LINE + "\n").encode()
    r = client.post(
        "/exercises/critical-path",
        data={"csrf_token": token},
        files={"file": ("w.csv", data, "text/csv")},
    )
    assert_4xx(r, "line")
    assert_alive(client)


def test_nul_in_a_mock_answer_is_refused_before_it_is_stored(client: TestClient) -> None:
    started = client.post("/api/v1/mock", json={"role": "tpm", "seed": 2}).json()
    sid = started["session"]
    r = client.post(f"/api/v1/mock/{sid}/answer", json={"answer": "I led it.\u0000 Then more."})
    assert_4xx(r, "nul")
    shown = client.get(f"/api/v1/mock/{sid}").json()
    assert all(t["answer"] is None for t in shown["turns"]), "nothing was stored"
    token = form_token(client, f"/mock/{sid}")
    r = client.post(f"/mock/{sid}/answer", data={"answer": "I led\x00 it.", "csrf_token": token})
    assert_4xx(r, "nul")
    assert r.headers["content-type"].startswith("text/html")
    r = client.post(f"/api/v1/mock/{sid}/answer", json={"answer": "a \\u0000 literal is fine"})
    assert r.status_code == 200, r.text
    assert_alive(client)


def test_nul_in_uploads_and_pasted_text_is_refused(client: TestClient) -> None:
    token = form_token(client, "/exercises")
    r = client.post(
        "/exercises/backlog",
        data={"csrf_token": token},
        files={"file": ("b.csv", b"id,title\nA,\0B\n", "text/csv")},
    )
    assert_4xx(r, "nul")
    r = client.post("/api/v1/exercises/ac", json={"text": "Given\u0000 a user"})
    assert_4xx(r, "nul")
    r = client.post("/api/v1/prep", json={"role": "tpm", "text": "- Led\u0000 it"})
    assert_4xx(r, "nul")
    assert_alive(client)


def test_invalid_utf8_is_refused(client: TestClient) -> None:
    token = form_token(client, "/exercises")
    r = client.post(
        "/exercises/kano",
        data={"csrf_token": token},
        files={"file": ("k.csv", b"feature,functional\n\xff\xfe\xfa,like\n", "text/csv")},
    )
    assert_4xx(r, "utf-8")
    r = client.post(
        "/api/v1/exercises/ac",
        content=b'{"text": "Given \xff\xfe"}',
        headers={"content-type": "application/json"},
    )
    assert_4xx(r)
    r = client.post(
        "/api/v1/mock",
        content=b'{"role": "\xc3\x28"}',
        headers={"content-type": "application/json"},
    )
    assert_4xx(r)
    assert_alive(client)


# --- speaking time ---------------------------------------------------------------------------
@pytest.mark.parametrize("seconds", [5e-324, 0.5, 0, -1, 1e308])
def test_impossible_speaking_times_are_refused(client: TestClient, seconds: float) -> None:
    r = client.post(
        "/api/v1/analyze",
        json={
            "question": "Why?",
            "answer": "Because I led it.",
            "duration_seconds": seconds,
            "save": False,
        },
    )
    assert_4xx(r)
    sid = client.post("/api/v1/mock", json={"role": "po", "seed": 1}).json()["session"]
    r = client.post(
        f"/api/v1/mock/{sid}/answer", json={"answer": "I led it.", "duration_seconds": seconds}
    )
    assert_4xx(r)
    assert_alive(client)


@pytest.mark.parametrize("raw", ["5e-324", "nan", "inf", "0.2", "99999"])
def test_impossible_speaking_times_in_forms_are_refused(client: TestClient, raw: str) -> None:
    token = form_token(client, "/analyze")
    r = client.post(
        "/analyze",
        data={
            "question": "Why?",
            "answer": "I led it.",
            "duration_seconds": raw,
            "csrf_token": token,
        },
    )
    assert_4xx(r, "seconds")
    assert_alive(client)


def test_plain_json_stays_valid_json(client: TestClient) -> None:
    r = client.post("/api/v1/exercises/ac", json={"text": json.dumps({"a": "Given a user"})})
    assert r.status_code == 200


def test_json_body_deeper_than_the_limit_is_refused(client: TestClient) -> None:
    r = client.post(
        "/api/v1/mock",
        content=b'{"role": "tpm", "stages": ' + b"[" * 200 + b"]" * 200 + b"}",
        headers={"content-type": "application/json"},
    )
    assert_4xx(r, "nested")
    assert_alive(client)
