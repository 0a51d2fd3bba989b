"""Hosted mode's per-user rate limits on analyses and uploads, at the HTTP level: a 429 with
Retry-After and a one-line error once a user's minute is used up, counted in the database so
two apps (two workers) on one database share the count, per user, and none in local mode."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from tests.accounts.helpers import PASSWORD
from tests.web.hosted.conftest import (
    FIXTURES,
    HostedClient,
    hosted_client,
    make_app,
    sibling_coach,
)

from loopcoach.app import Coach
from loopcoach.config import Settings
from loopcoach.errors import LoopcoachError

T0 = datetime(2026, 12, 6, 12, 0, 10, tzinfo=UTC)  # 10 s into a minute
QUESTION = "Tell me about a conflict you resolved."
ANSWER = "I led the payments migration with three teams and we cut costs by 20%."
BACKLOG_CSV = "id,title,value,effort\nA,Login,8,3\nB,Search,5,5\n"
_users = count()


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def limited_coach(root: Coach, clock: Clock, analyses: int = 2, uploads: int = 1) -> Coach:
    """A coach (one worker) on the same database as `root`, with small limits and `clock`."""
    return sibling_coach(root, clock=clock, rate_analyses=analyses, rate_uploads=uploads)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def app(hosted_coach: Coach, clock: Clock) -> Any:
    return make_app(limited_coach(hosted_coach, clock))


def signed_in(app: Any, coach: Coach | None = None) -> Iterator[HostedClient]:
    coach = coach or app.state.coach
    email = f"limits{next(_users)}@example.org"
    coach.accounts.create_user(email, PASSWORD, role="learner")
    with hosted_client(app) as c:
        assert c.sign_in(email).status_code == 303
        yield c


@pytest.fixture()
def learner(app: Any) -> Iterator[HostedClient]:
    yield from signed_in(app)


def analyse(c: HostedClient) -> Any:
    return c.post("/api/v1/analyze", json={"question": QUESTION, "answer": ANSWER, "save": False})


def assert_limited(r: Any, what: str) -> None:
    assert r.status_code == 429, r.text
    retry = int(r.headers["retry-after"])
    assert 1 <= retry <= 60
    if r.headers["content-type"].startswith("application/json"):
        error = r.json()["error"]
        assert error["code"] == "rate-limited"
        assert f"too many {what}" in error["message"] and "\n" not in error["message"]
    else:
        assert f"too many {what}" in r.text


def test_analyses_are_limited_per_minute(learner: HostedClient, clock: Clock) -> None:
    assert analyse(learner).status_code == 200
    assert analyse(learner).status_code == 200
    r = analyse(learner)
    assert_limited(r, "analyses")
    assert int(r.headers["retry-after"]) == 50  # the minute started 10 s before T0
    page = learner.post("/analyze", data={"question": QUESTION, "answer": ANSWER})
    assert_limited(page, "analyses")
    assert "<html" in page.text.lower()
    clock.now += timedelta(seconds=50)  # the next minute
    assert analyse(learner).status_code == 200


def test_mock_answers_count_as_analyses(learner: HostedClient) -> None:
    r = learner.post("/api/v1/mock", json={"role": "tpm", "seed": 3})
    assert r.status_code == 201, r.text
    session = r.json()["session"]
    answer = {"answer": ANSWER}
    assert learner.post(f"/api/v1/mock/{session}/answer", json=answer).status_code == 200
    assert analyse(learner).status_code == 200
    assert_limited(learner.post(f"/api/v1/mock/{session}/answer", json=answer), "analyses")
    page = learner.post(f"/mock/{session}/answer", data={"answer": ANSWER})
    assert_limited(page, "analyses")
    state = learner.get(f"/api/v1/mock/{session}").json()
    assert sum(1 for t in state["turns"] if t["answer"] is not None) == 1  # nothing stored


def test_uploads_are_limited(learner: HostedClient) -> None:
    resume = (FIXTURES / "resumes" / "tpm.md").read_text(encoding="utf-8")
    r = learner.post("/api/v1/prep", json={"role": "tpm", "text": resume, "name": "resume.md"})
    assert r.status_code == 200, r.text
    files = {"file": ("resume.md", resume.encode(), "text/markdown")}
    assert_limited(
        learner.post("/api/v1/prep/upload", data={"role": "tpm"}, files=files), "uploads"
    )
    assert_limited(learner.post("/prep", data={"role": "tpm", "text": resume}), "uploads")
    table = {"file": ("backlog.csv", BACKLOG_CSV.encode(), "text/csv")}
    assert_limited(learner.post("/exercises/backlog", files=table), "uploads")
    # an exercise without a file is no upload, and analyses have their own allowance
    assert (
        learner.post("/exercises/ac", data={"text": "Given x\nWhen y\nThen z"}).status_code == 200
    )
    assert analyse(learner).status_code == 200


def test_limits_are_per_user(app: Any, learner: HostedClient) -> None:
    for _ in range(2):
        assert analyse(learner).status_code == 200
    assert analyse(learner).status_code == 429
    for other in signed_in(app):
        assert analyse(other).status_code == 200


def test_two_workers_share_the_count(hosted_coach: Coach, clock: Clock) -> None:
    """Two apps with their own engines on one database: the second sees the first's count."""
    one = make_app(limited_coach(hosted_coach, clock))
    two_coach = limited_coach(hosted_coach, clock)
    two = make_app(two_coach)
    for c in signed_in(one):
        assert analyse(c).status_code == 200
        assert analyse(c).status_code == 200
        with hosted_client(two, cookies=c.cookies) as same_user:
            same_user.csrf = c.csrf
            assert_limited(analyse(same_user), "analyses")
    two_coach.engine.dispose()


def test_local_mode_has_no_limits(hosted_coach: Coach, clock: Clock) -> None:
    from fastapi.testclient import TestClient

    from loopcoach.web.app import create_app

    local = create_app(limited_coach(hosted_coach, clock, analyses=1, uploads=1))
    with TestClient(local, base_url="http://127.0.0.1:8000") as c:
        for _ in range(3):
            assert analyse(c).status_code == 200  # type: ignore[arg-type]


def test_old_minutes_are_deleted(hosted_coach: Coach) -> None:
    from sqlalchemy import select

    from loopcoach.store.ratelimits import count_one, rate_counts

    uid = hosted_coach.accounts.create_user(
        f"limits{next(_users)}@example.org", PASSWORD, role="learner"
    ).id
    with hosted_coach.engine.begin() as conn:
        assert [count_one(conn, uid, "upload", 100) for _ in range(3)] == [1, 2, 3]
        assert count_one(conn, uid, "analysis", 100) == 1
        assert count_one(conn, uid, "upload", 101) == 1
        rows = conn.execute(
            select(rate_counts.c.kind, rate_counts.c.minute, rate_counts.c.used)
            .where(rate_counts.c.user_id == uid)
            .order_by(rate_counts.c.kind)
        ).all()
    assert [tuple(r) for r in rows] == [("analysis", 100, 1), ("upload", 101, 1)]


@pytest.mark.parametrize("raw", ["0", "-1", "ten", "100001", "1e3", "٣"])
def test_bad_limit_settings_are_refused(raw: str) -> None:
    with pytest.raises(LoopcoachError, match="LOOPCOACH_RATE_ANALYSES_PER_MINUTE"):
        Settings.from_env(
            {"LOOPCOACH_DATA_DIR": "/tmp/x", "LOOPCOACH_RATE_ANALYSES_PER_MINUTE": raw}
        )


def test_limit_settings() -> None:
    default = Settings.from_env({"LOOPCOACH_DATA_DIR": "/tmp/x"})
    assert (default.rate_analyses, default.rate_uploads) == (30, 10)
    env = {
        "LOOPCOACH_DATA_DIR": "/tmp/x",
        "LOOPCOACH_RATE_ANALYSES_PER_MINUTE": "120",
        "LOOPCOACH_RATE_UPLOADS_PER_MINUTE": " 5 ",
    }
    s = Settings.from_env(env)
    assert (s.rate_analyses, s.rate_uploads) == (120, 5)
