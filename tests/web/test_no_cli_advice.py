"""Web pages never tell the user to run a command: every page a user reaches (browsing,
analysis, the mock, exercises, the plan, the prep pack and its stories, error pages) is crawled
and its visible text searched for `loopcoach <command>`; the web action is linked instead."""

from __future__ import annotations

import re
from html import unescape

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
