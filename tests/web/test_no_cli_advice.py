"""Web pages never tell the user to run a command: every page a user reaches (browsing,
analysis, the mock, exercises, the plan, the prep pack and its stories, error pages) is crawled
and its visible text searched for `loopcoach <command>`; the web action is linked instead."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.prep.resumes import RESUMES

COMMAND = re.compile(
    r"loopcoach\s+(?:stories|prep|practice|mock|exercise|analy[sz]e|roles?|questions?|search|"
    r"packs|progress|serve|plan|export|backup)\b|`loopcoach",  # lower case: not the menu
)
TAG = re.compile(r"<(script|style|title)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


def visible(html: str) -> str:
    return unescape(TAG.sub(" ", html))


def assert_no_commands(where: str, html: str) -> None:
    found = [m.group(0) for m in COMMAND.finditer(visible(html))]
    assert not found, f"{where} tells the user to run {found[:3]}"


def _pages(client: TestClient) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def get(path: str) -> None:
        r = client.get(path)
        out.append((f"GET {path} ({r.status_code})", r.text))

    def post(path: str, **kw: object) -> None:
        r = client.post(path, **kw)  # type: ignore[arg-type]
        if r.status_code in (302, 303):
            get(r.headers["location"])
        else:
            out.append((f"POST {path} ({r.status_code})", r.text))

    for path in ("/", "/roles/tpm", "/roles/po", "/search?q=risk", "/analyze", "/mock"):
        get(path)
    # (not /api/docs: it is for programmers, and names each route's command-line twin)
    for path in ("/exercises", "/plan?role=tpm", "/prep"):
        get(path)
    question = client.get("/api/v1/questions", params={"role": "tpm"}).json()[0]["id"]
    get(f"/questions/{question}")
    post("/analyze", data={"question_id": question, "answer": "I led it. We shipped."})
    # the prep pack from a résumé, its stories, a saved pack
    resume = (RESUMES / "tpm.md").read_bytes()
    post("/prep", data={"role": "tpm"}, files={"file": ("tpm.md", resume, "text/markdown")})
    for sid in re.findall(r'href="/prep/stories/(\d+)"', out[-1][1])[:2]:
        get(f"/prep/stories/{sid}")
    german = (
        "Erfahrung\n\nTechnischer Programmmanager, Beispiel GmbH, Jan 2020 – Heute\n"
        "- Leitete die Migration von vierzig Diensten auf eine neue Plattform\n"
        "- Senkte die Ausfallzeit um 30 Prozent durch wöchentliche Risikoprüfungen\n"
    )
    post("/prep", data={"role": "tpm", "text": german})
    get("/prep/match?q=Tell+me+about+a+risk")
    # the exercises with bundled cases
    cases = client.get("/api/v1/exercises").json()
    by_kind: dict[str, str] = {}
    for case in cases:
        for command in case["commands"]:
            kind = command.split()[2]
            by_kind.setdefault(kind, case["id"])
    for kind in ("backlog", "kano", "forecast", "critical-path", "slices"):
        if kind in by_kind:
            post(f"/exercises/{kind}", data={"case_id": by_kind[kind]})
    if "ac" in by_kind:
        post("/exercises/ac", data={"case_id": by_kind["ac"], "text": "Then it is fast"})
    if "plan" in by_kind:
        post("/exercises/plan", data={"case_id": by_kind["plan"], "text": "# Plan\nship it"})
    # a mock session: start, answer, end, debrief
    post("/mock", data={"role": "tpm"})
    session = re.search(r"/mock/([\w-]+)/answer", out[-1][1])
    if session:
        sid = session.group(1)
        post(f"/mock/{sid}/answer", data={"answer": "I set up a weekly risk review."})
        post(f"/mock/{sid}/end")
        get(f"/mock/{sid}/debrief")
        post(f"/mock/{sid}/answer", data={"answer": "Too late."})  # an ended session: an error
    # error pages a user can reach
    for path in ("/mock/99999", "/prep/packs/99999", "/prep/stories/99999", "/roles/astronaut"):
        get(path)
    return out


@pytest.fixture(scope="module")
def pages(client: TestClient) -> list[tuple[str, str]]:
    return _pages(client)


def test_the_crawl_reaches_the_pages(pages: list[tuple[str, str]]) -> None:
    seen = " ".join(where for where, _ in pages)
    for part in ("/prep/stories/", "/mock/", "debrief", "/exercises/backlog"):
        assert part in seen, part
    assert any('id="language-notice"' in html for _, html in pages), "a non-English pack"
    assert any('id="pack"' in html for _, html in pages)


def test_no_page_tells_the_user_to_run_a_command(pages: list[tuple[str, str]]) -> None:
    for where, html in pages:
        assert_no_commands(where, html)


def test_the_prep_page_links_to_editing_the_stories(pages: list[tuple[str, str]]) -> None:
    pack = next(html for where, html in pages if 'id="pack"' in html)
    assert re.search(r'<a [^>]*href="#story-list"[^>]*>edit them', pack)


# --- the JSON API: its errors name the request to make, never a command ----------------------
FLAG = re.compile(r"(?<![\w-])--[a-z][\w-]*|standard input")
REQUEST = re.compile(r"\b(GET|POST) (/api/v1/[^\s?;,]*)")


def _api_errors(client: TestClient) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []

    def call(method: str, path: str, **kw: object) -> None:
        r = client.request(method, path, **kw)  # type: ignore[arg-type]
        assert r.status_code >= 400, f"{method} {path} did not fail: {r.text[:200]}"
        out.append((f"{method} {path} ({r.status_code})", r.json()["error"]))

    for path in (
        "/api/v1/questions/nope",
        "/api/v1/mock/nope",
        "/api/v1/mock/nope/debrief",
        "/api/v1/prep/packs/99999",
    ):
        call("GET", path)
    call("POST", "/api/v1/analyze", json={"question_id": "nope", "answer": "I led it."})
    call("POST", "/api/v1/mock/nope/answer", json={"answer": "I led it."})
    call("POST", "/api/v1/mock/nope/skip")
    call("POST", "/api/v1/exercises/backlog", json={"case_id": "nope"})
    backlog = next(c["id"] for c in client.get("/api/v1/exercises").json() if c["id"])
    call("POST", "/api/v1/exercises/kano", json={"case_id": backlog})  # the wrong kind
    call("POST", "/api/v1/exercises/kano", json={"text": "just: a mapping", "format": "yaml"})
    # a mock session: an unknown turn, an empty answer, then answers after it ended
    started = client.post("/api/v1/mock", json={"role": "tpm", "seed": 3})
    assert started.status_code == 201, started.text[:300]
    sid = started.json()["session"]
    call("POST", f"/api/v1/mock/{sid}/answer", json={"answer": "I led it.", "key": "q99"})
    call("POST", f"/api/v1/mock/{sid}/answer", json={"answer": "   "})
    assert client.post(f"/api/v1/mock/{sid}/end").status_code == 200
    call("POST", f"/api/v1/mock/{sid}/answer", json={"answer": "Too late."})
    call("POST", f"/api/v1/mock/{sid}/skip")
    return out


@pytest.fixture(scope="module")
def api_errors(client: TestClient) -> list[tuple[str, dict[str, str]]]:
    return _api_errors(client)


def test_no_api_error_tells_the_client_to_run_a_command(
    api_errors: list[tuple[str, dict[str, str]]],
) -> None:
    for where, error in api_errors:
        message = error["message"]
        assert "loopcoach " not in message, f"{where}: {message}"
        assert not COMMAND.search(message), f"{where}: {message}"
        assert not FLAG.search(message), f"{where} names a command-line option: {message}"
        assert " " not in error["code"], f"{where}: code {error['code']!r}"


def test_the_requests_api_errors_name_exist(
    client: TestClient, api_errors: list[tuple[str, dict[str, str]]]
) -> None:
    schema = client.get("/openapi.json").json()["paths"]
    routes = [
        (method.upper(), re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", path) + "$"))
        for path, operations in schema.items()
        for method in operations
    ]
    named = 0
    for where, error in api_errors:
        for method, path in REQUEST.findall(error["message"]):
            named += 1
            assert any(m == method and rx.match(path) for m, rx in routes), (
                f"{where} names {method} {path}, which is not an API route"
            )
    assert named >= 8, "the errors should name the request to make instead"


# --- every error message in the code, in both faces' words -------------------------------------
SRC = Path(__file__).resolve().parents[2] / "src" / "loopcoach"
CLI_ONLY = {"store/backup.py"}  # `loopcoach import`: no web page or API route reads a backup


def _literal(node: ast.expr) -> str | None:
    """The text of a string expression, with `X` for each value formatted into it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        if left is None and right is None:
            return None
        return (left or "X") + (right or "X")
    return None


def _error_messages() -> list[tuple[str, str]]:
    """(where, message) of every error raised outside the command line that mentions it."""
    out: list[tuple[str, str]] = []
    for path in sorted(SRC.rglob("*.py")):
        if "cli" in path.relative_to(SRC).parts or path.relative_to(SRC).as_posix() in CLI_ONLY:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if not (name.endswith("Error") or name in ("NotFound", "__init__")):
                continue
            for arg in node.args:
                text = _literal(arg)
                if text and re.search(r"loopcoach |--[a-z]|standard input", text):
                    out.append((f"{path.relative_to(SRC)}:{node.lineno}", text))
    return out


MESSAGES = _error_messages()


def test_the_scan_finds_the_error_messages() -> None:
    assert len(MESSAGES) >= 20
    assert any("mock show" in text for _, text in MESSAGES)


@pytest.mark.parametrize("where,text", MESSAGES, ids=[where for where, _ in MESSAGES])
def test_error_messages_read_right_on_the_web_and_in_the_api(where: str, text: str) -> None:
    from loopcoach.web.text import api_advice, web_advice

    for face, shown in (("web", web_advice(text)), ("api", api_advice(text))):
        assert not COMMAND.search(shown), f"{face}: {shown}"
        assert not re.search(r"loopcoach (?:admin|[a-z]+ --)", shown), f"{face}: {shown}"
        assert not FLAG.search(shown), f"{face} names a command-line option: {shown}"
        assert not re.search(r"(?:e\.g\.|with|run|see)$", shown.strip()), f"{face}: {shown}"
