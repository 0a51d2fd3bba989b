"""Every list of the JSON API is paged: `limit` (1 to 500, default 100) and `offset`, the body
still a JSON array, the total in X-Total-Count and the next page in a Link header, cut in the
store (SQL LIMIT/OFFSET) for a user's own lists."""

from __future__ import annotations

import re
from itertools import count
from typing import Any

import pytest
from tests.accounts.helpers import PASSWORD
from tests.web.hosted.conftest import HostedClient, World, hosted_client

from loopcoach.app.paging import MAX_PAGE, Page, page_of

LISTS = [
    "/api/v1/roles",
    "/api/v1/questions",
    "/api/v1/exercises",
    "/api/v1/mock",
    "/api/v1/stories",
    "/api/v1/prep/packs",
    "/api/v1/coach/learners",
]
LINK_RX = re.compile(r'^<(/[^>]+)>; rel="next"$')
_users = count()


def walk(c: HostedClient, path: str, limit: int) -> tuple[list[Any], int]:
    """Every item of a list, page by page through the Link headers; (items, pages)."""
    items: list[Any] = []
    url: str | None = f"{path}?limit={limit}"
    pages = 0
    while url is not None:
        r = c.get(url)
        assert r.status_code == 200, r.text
        assert isinstance(r.json(), list) and len(r.json()) <= limit
        total = int(r.headers["x-total-count"])
        items += r.json()
        pages += 1
        link = r.headers.get("link")
        if link is None:
            url = None
        else:
            found = LINK_RX.match(link)
            assert found is not None, link
            url = found.group(1)
        assert pages <= 200
    assert len(items) == total
    return items, pages


@pytest.fixture()
def fresh(world: World) -> Any:
    email = f"paging{next(_users)}@example.org"
    world.coach.accounts.create_user(email, PASSWORD, role="learner")
    with hosted_client(world.app) as c:
        assert c.sign_in(email).status_code == 303
        yield c


def test_mock_sessions_page_by_page(fresh: HostedClient) -> None:
    made = []
    for seed in range(5):
        r = fresh.post("/api/v1/mock", json={"role": "tpm", "seed": seed})
        assert r.status_code == 201, r.text
        made.append(r.json()["session"])
    everything = fresh.get("/api/v1/mock")
    assert everything.headers["x-total-count"] == "5" and "link" not in everything.headers
    listed, pages = walk(fresh, "/api/v1/mock", 2)
    assert pages == 3
    assert [s["session"] for s in listed] == [s["session"] for s in everything.json()]
    assert sorted(s["session"] for s in listed) == sorted(made)
    r = fresh.get("/api/v1/mock?limit=2&offset=4&role=tpm")
    assert len(r.json()) == 1 and "link" not in r.headers
    first = fresh.get("/api/v1/mock?role=tpm&limit=2").headers["link"]
    assert "role=tpm" in first and "offset=2" in first  # the filter is kept
    r = fresh.get("/api/v1/mock?offset=50")
    assert r.json() == [] and r.headers["x-total-count"] == "5" and "link" not in r.headers


@pytest.mark.parametrize("path", LISTS)
def test_every_list_pages(actor: Any, path: str) -> None:
    c = actor("c" if "coach" in path else "a")
    whole = c.get(path)
    assert whole.status_code == 200, whole.text
    total = int(whole.headers["x-total-count"])
    assert total == len(whole.json()) >= 1  # each list has something for these actors
    listed, pages = walk(c, path, 1)
    assert listed == whole.json() and pages == total


@pytest.mark.parametrize(
    "query", ["limit=0", f"limit={MAX_PAGE + 1}", "offset=-1", "limit=ten", "offset=1000001"]
)
@pytest.mark.parametrize("path", LISTS)
def test_bad_windows_are_one_line_422s(actor: Any, path: str, query: str) -> None:
    r = actor("c").get(f"{path}?{query}")
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    field = query.split("=")[0]
    assert error["code"] == "invalid-request" and error["message"].startswith(f"query.{field}")


def test_store_cuts_the_page(world: World) -> None:
    """The coach's learners, counted and windowed in SQL."""
    from loopcoach.store import accounts as A

    # other tests of this package invite more learners into the coach's cohorts: count them
    with world.coach.engine.connect() as conn:
        coach = world.ids["c"]
        everyone = [u.id for u in A.cohort_learners(conn, coach, limit=500)]
        total = A.count_cohort_learners(conn, coach)
        assert total == len(everyone) >= 1 and world.ids["a"] in everyone
        assert world.ids["b"] not in everyone  # B is in none of C's cohorts
        pages = [
            [u.id for u in A.cohort_learners(conn, coach, limit=1, offset=k)] for k in range(total)
        ]
        assert pages == [[i] for i in everyone]
        assert A.cohort_learners(conn, coach, limit=1, offset=total) == []


def test_page_of() -> None:
    page = page_of(list(range(7)), limit=3, offset=3)
    assert page == Page([3, 4, 5], 7, 3, 3) and page.next_offset == 6
    assert page_of(list(range(7)), limit=3, offset=6).next_offset is None
    assert page_of([], limit=3).next_offset is None
