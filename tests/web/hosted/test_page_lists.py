"""The pages' own lists are paged too: a learner's mock sessions on /mock, their stories and
saved packs on /prep, a coach's learners on /coach. Walked page by page through the pager's
"Next" links they give every item once, in the JSON API's order; the pager says where it is;
a page past the end says so and links back; a bad page number is a one-line 422."""

from __future__ import annotations

import html
import re
from itertools import count
from typing import Any

import pytest
from tests.accounts.helpers import PASSWORD
from tests.web.hosted.conftest import FIXTURES, HostedClient, World, hosted_client

import loopcoach.web.paging

SIZE = 2
_users = count()


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loopcoach.web.paging, "HTML_PAGE", SIZE)


def _section(text: str, start: str, end: str = "</ul>") -> str:
    at = text.find(start)
    return "" if at < 0 else text[at : text.index(end, at)]


def _next(text: str, pager_id: str) -> str | None:
    nav = _section(text, f'id="{pager_id}"', "</nav>")
    found = re.search(r'<a rel="next" href="([^"]+)"', nav)
    return html.unescape(found.group(1)) if found else None


def walk(
    c: HostedClient, url: str, list_start: str, item_rx: str, pager_id: str
) -> tuple[list[str], list[str]]:
    """Every item id of a page's list, following the pager; (ids, the pager texts)."""
    ids: list[str] = []
    texts: list[str] = []
    next_url: str | None = url
    while next_url is not None:
        r = c.get(next_url)
        assert r.status_code == 200, r.text[:300]
        found = re.findall(
            item_rx, _section(r.text, list_start, "</table>" if "table" in list_start else "</ul>")
        )
        assert len(found) <= SIZE
        ids += found
        nav = _section(r.text, f'id="{pager_id}"', "</nav>")
        texts.append(re.sub(r"<[^>]+>", "", nav))
        next_url = _next(r.text, pager_id)
        assert len(texts) <= 50
    return ids, texts


@pytest.fixture()
def fresh(world: World) -> Any:
    email = f"pagelists{next(_users)}@example.org"
    world.coach.accounts.create_user(email, PASSWORD, role="learner")
    with hosted_client(world.app) as c:
        assert c.sign_in(email).status_code == 303
        yield c


def test_mock_sessions_page_by_page(fresh: HostedClient) -> None:
    for seed in range(5):
        assert fresh.post("/api/v1/mock", json={"role": "tpm", "seed": seed}).status_code == 201
    expected = [s["session"] for s in fresh.get("/api/v1/mock").json()]
    ids, texts = walk(
        fresh, "/mock", '<table class="sessions">', r"<tr><td>([0-9a-f]+)</td>", "sessions-pager"
    )
    assert ids == expected and len(texts) == 3
    assert "1–2 of 5" in texts[0] and "5–5 of 5" in texts[2]
    assert "Previous" not in texts[0] and "Next" in texts[0] and "Next" not in texts[2]
    past = fresh.get("/mock?page=9")
    assert past.status_code == 200 and "No sessions on this page" in past.text
    back = re.search(r'<a rel="prev" href="([^"]+)"', past.text)
    assert back and html.unescape(back.group(1)) == "/mock?page=3"
    for bad in ("0", "-1", "two", "10001"):
        r = fresh.get(f"/mock?page={bad}")
        assert r.status_code == 422 and "page" in r.text, bad


def test_one_page_shows_no_pager(fresh: HostedClient) -> None:
    assert fresh.post("/api/v1/mock", json={"role": "tpm", "seed": 1}).status_code == 201
    r = fresh.get("/mock")
    assert "sessions-pager" not in r.text and "<tr><td>" in r.text


def test_prep_stories_and_packs_page_separately(fresh: HostedClient) -> None:
    resume = (FIXTURES / "resumes" / "tpm.md").read_text(encoding="utf-8")
    for _ in range(3):
        r = fresh.post("/api/v1/prep", json={"role": "tpm", "text": resume, "name": "cv.md"})
        assert r.status_code == 200, r.text
    stories = [str(s["id"]) for s in fresh.get("/api/v1/stories?limit=500").json()]
    packs = [str(p["id"]) for p in fresh.get("/api/v1/prep/packs").json()]
    assert len(stories) > SIZE and len(packs) == 3
    ids, _ = walk(
        fresh, "/prep", '<ul id="story-list">', r'href="/prep/stories/(\d+)"', "stories-pager"
    )
    assert ids == stories
    ids, texts = walk(
        fresh, "/prep", '<ul id="pack-list">', r'href="/prep/packs/(\d+)"', "packs-pager"
    )
    assert ids == packs and "1–2 of 3" in texts[0]
    # each list keeps the other's page in its links, on the saved pack's page too
    r = fresh.get(f"/prep/packs/{packs[0]}?stories_page=2")
    link = _next(r.text, "packs-pager")
    assert link is not None and "stories_page=2" in link and "packs_page=2" in link
    assert fresh.get("/prep?packs_page=0").status_code == 422


def test_coach_learners_page_by_page(world: World) -> None:
    acc = world.coach.accounts
    coach = "pager.coach@example.org"
    acc.create_user(coach, PASSWORD, role="coach")
    acc.create_cohort("paged cohort", coach)
    made = []
    for n in range(5):
        email = f"paged.learner{n}@example.org"
        made.append(str(acc.create_user(email, PASSWORD, role="learner").id))
        acc.invite(email, "paged cohort")
    with hosted_client(world.app) as c:
        assert c.sign_in(coach).status_code == 303
        expected = [str(a["id"]) for a in c.get("/api/v1/coach/learners").json()]
        ids, texts = walk(
            c, "/coach", '<ul id="learners">', r'href="/coach/learners/(\d+)"', "learners-pager"
        )
    assert ids == expected and sorted(ids) == sorted(made) and len(texts) == 3
