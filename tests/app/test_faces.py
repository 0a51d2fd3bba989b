"""Face equivalence: for the same input, `loopcoach ... --json` (run in-process with Typer's
CliRunner), the JSON API (FastAPI's TestClient) and the service of `loopcoach.app` both call
give the same result. Both faces and the service run on one data directory and one database;
each test compares the two faces with the service's own result (`service`: the web app's
Coach, called directly), for the exercises, practice (plan, due, progress), analysis and prep
services."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from loopcoach.app.uploads import Document
from loopcoach.domain.stories import Story
from loopcoach.prep.stories import story_dict

if TYPE_CHECKING:
    from loopcoach.app import Coach

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXERCISES = FIXTURES / "exercises"
RESUME = FIXTURES / "resumes" / "tpm.md"
ORIGIN = "http://127.0.0.1:8000"
QID = "tpm-slip-three-weeks"
ANSWER = (
    "In my last role a vendor slipped three weeks on the payments API. I owned the program, "
    "so I re-planned the critical path with the two team leads, moved the launch by one week "
    "instead of three and told the VP the same day with the options and the cost of each. We "
    "shipped on the new date and cut the vendor's next slip risk by adding a weekly checkpoint."
)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The web app in-process on this test's data directory (the CLI below uses the same)."""
    from loopcoach.app import Coach
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app

    monkeypatch.setenv("LOOPCOACH_PACKS", str(EXERCISES / "pack"))
    with TestClient(
        create_app(Coach(Settings.from_env())), base_url=ORIGIN, headers={"Origin": ORIGIN}
    ) as client:
        yield client


@pytest.fixture
def service(api: TestClient) -> Coach:
    """The Coach behind the web app: its services, called directly."""
    coach: Coach = api.app.state.coach  # type: ignore[attr-defined]
    return coach


def as_json(result: Any) -> Any:
    """A service's result as either face prints it (a `to_dict()` through JSON; a story's JSON
    is `prep.stories.story_dict`, since the one story type lives in the domain)."""
    if isinstance(result, Story):
        data = story_dict(result)
    else:
        data = result.to_dict() if hasattr(result, "to_dict") else result
    return json.loads(json.dumps(data, ensure_ascii=False))


def cli(*argv: str) -> Any:
    """`loopcoach ARGV --json` in-process: the printed JSON."""
    from loopcoach.cli.app import app

    result = CliRunner().invoke(app, [*argv, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_error(*argv: str) -> str:
    """The one-line error `loopcoach ARGV` ends with (as `main` prints it)."""
    from loopcoach.cli.app import app
    from loopcoach.errors import LoopcoachError

    result = CliRunner().invoke(app, list(argv))
    assert isinstance(result.exception, LoopcoachError), result.output
    return str(result.exception)


def post(api: TestClient, path: str, body: dict[str, Any]) -> Any:
    r = api.post(path, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def get(api: TestClient, path: str, **params: Any) -> Any:
    r = api.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def text(name: str) -> str:
    return (EXERCISES / name).read_text(encoding="utf-8")


def doc(name: str, fmt: str) -> Document:
    """A fixture file as the service takes it (the faces name it differently)."""
    return Document(text(name), fmt, name)


# --- exercises -------------------------------------------------------------------------------
def test_faces_exercise_list(api: TestClient, service: Coach) -> None:
    from_service = as_json(service.exercises.practice_list())
    assert cli("exercise", "list") == get(api, "/api/v1/exercises") == from_service
    assert from_service


Call = Callable[["Coach"], Any]


@pytest.mark.parametrize(
    ("argv", "body", "call"),
    [
        (
            ["backlog", str(EXERCISES / "backlog.csv"), "--my-order", "A,F,S,R,D"],
            {"text": text("backlog.csv"), "format": "csv", "my_order": list("AFSRD")},
            lambda c: c.exercises.backlog(table=doc("backlog.csv", "csv"), my_order=list("AFSRD")),
        ),
        (
            ["backlog", str(EXERCISES / "backlog.yaml"), "--against", "rice"],
            {"text": text("backlog.yaml"), "format": "yaml", "against": "rice"},
            lambda c: c.exercises.backlog(table=doc("backlog.yaml", "yaml"), against="rice"),
        ),
        (
            ["backlog", "--case", "exdrill-backlog"],
            {"case_id": "exdrill-backlog"},
            lambda c: c.exercises.backlog(case_id="exdrill-backlog"),
        ),
    ],
)
def test_faces_exercise_backlog(
    api: TestClient, service: Coach, argv: list[str], body: dict[str, Any], call: Call
) -> None:
    from_cli = cli("exercise", *argv)
    assert from_cli == post(api, "/api/v1/exercises/backlog", body) == as_json(call(service))
    assert from_cli["orders"]["wsjf"]  # a real result, not two empty ones


def test_faces_exercise_kano(api: TestClient, service: Coach) -> None:
    from_cli = cli("exercise", "kano", str(EXERCISES / "kano.csv"))
    assert from_cli["features"]
    assert from_cli == post(api, "/api/v1/exercises/kano", {"text": text("kano.csv")})
    found = service.exercises.kano(table=doc("kano.csv", "csv"))
    assert from_cli == {"features": [as_json(r) for r in found]}


@pytest.mark.parametrize(
    ("argv", "body", "call"),
    [
        (
            ["--velocities", "21,18,25,9,30", "--remaining", "200", "--seed", "7"],
            {"velocities": [21, 18, 25, 9, 30], "remaining": 200, "seed": 7},
            lambda c: c.exercises.forecast(velocities=[21, 18, 25, 9, 30], remaining=200, seed=7),
        ),
        (
            ["--velocities", "20,22,24", "--remaining", "90", "--window", "3", "--trials", "500"],
            {"velocities": [20, 22, 24], "remaining": 90, "window": 3, "trials": 500},
            lambda c: c.exercises.forecast(
                velocities=[20, 22, 24], remaining=90, window=3, trials=500
            ),
        ),
    ],
)
def test_faces_exercise_forecast(
    api: TestClient, service: Coach, argv: list[str], body: dict[str, Any], call: Call
) -> None:
    from_cli = cli("exercise", "forecast", *argv)
    assert from_cli == post(api, "/api/v1/exercises/forecast", body) == as_json(call(service))
    assert from_cli["monte_carlo"]["p85"] >= from_cli["monte_carlo"]["p50"] > 0


def test_faces_exercise_forecast_limits_are_the_same(api: TestClient) -> None:
    """One trial cap for both faces (the CLI used to allow ten times the web's)."""
    from loopcoach.app.exercises import MAX_TRIALS

    too_many = MAX_TRIALS + 1
    message = cli_error(
        "exercise", "forecast", "--velocities", "20,21,22", "--remaining", "90",
        "--trials", str(too_many),
    )  # fmt: skip
    assert f"trials: {too_many}; use 1 to {MAX_TRIALS}" in message
    r = api.post(
        "/api/v1/exercises/forecast",
        json={"velocities": [20, 21, 22], "remaining": 90, "trials": too_many},
    )
    assert r.status_code == 422 and "trials" in r.json()["error"]["message"]
    ok = {"velocities": [20, 21, 22], "remaining": 90, "trials": MAX_TRIALS}
    assert post(api, "/api/v1/exercises/forecast", ok) == cli(
        "exercise", "forecast", "--velocities", "20,21,22", "--remaining", "90",
        "--trials", str(MAX_TRIALS),
    )  # fmt: skip


def test_faces_exercise_critical_path(api: TestClient, service: Coach) -> None:
    from_cli = cli("exercise", "critical-path", str(EXERCISES / "workstreams.csv"))
    from_api = post(api, "/api/v1/exercises/critical-path", {"text": text("workstreams.csv")})
    found = service.exercises.critical_path(table=doc("workstreams.csv", "csv"))
    assert from_cli == as_json(found)
    # the web adds the page's diagram, titled with the name it gives a pasted table
    posted = service.exercises.critical_path(
        table=Document(text("workstreams.csv"), "csv", "input.csv")
    )
    assert from_api == as_json({**posted.to_dict(), **posted.extras()})
    assert from_cli["critical_path"] and from_api["svg"].startswith("<svg")


def test_faces_exercise_acceptance_criteria(api: TestClient, service: Coach) -> None:
    from_cli = cli("exercise", "ac", str(EXERCISES / "bad.feature"))
    body = {"text": text("bad.feature"), "gherkin": True}
    from_service = as_json(service.exercises.acceptance(text("bad.feature"), gherkin=True))
    assert from_cli == post(api, "/api/v1/exercises/ac", body) == from_service
    assert from_cli["findings"]


def test_faces_exercise_slices(api: TestClient, service: Coach) -> None:
    from_cli = cli("exercise", "slices", str(EXERCISES / "slices-good.yaml"))
    body = {"text": text("slices-good.yaml"), "format": "yaml"}
    from_api = post(api, "/api/v1/exercises/slices", body)
    from_service = as_json(service.exercises.slices(doc("slices-good.yaml", "yaml")))
    assert from_cli == from_api == from_service and from_cli["stories"]


def test_faces_exercise_program_plan(api: TestClient, service: Coach) -> None:
    from_cli = cli("exercise", "plan", "exdrill-program", str(EXERCISES / "plan-thin.md"))
    body = {"case_id": "exdrill-program", "text": text("plan-thin.md")}
    from_api = post(api, "/api/v1/exercises/plan", body)
    found = service.exercises.plan("exdrill-program", doc("plan-thin.md", "markdown"))
    assert from_cli == as_json(found)
    assert from_api == as_json({**found.to_dict(), **found.extras()})  # title, summary, svg
    assert from_cli["findings"]


# --- analysis --------------------------------------------------------------------------------
def test_faces_analysis(api: TestClient, service: Coach, tmp_path: Path) -> None:
    from loopcoach.domain.analysis import Timing

    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    from_cli = cli(
        "analyze", "--question-id", QID, "--answer-file", str(answer), "--duration", "95"
    )
    body = {"question_id": QID, "answer": ANSWER, "duration_seconds": 95}
    from_api = post(api, "/api/v1/analyze", body)
    from_service = service.analysis.analyze("", ANSWER, question_id=QID, timing=Timing(95))
    assert from_cli == from_api == as_json(from_service)
    assert from_cli["question"]["id"] == QID and from_cli["score"] > 0
    # both kept the attempt (stored before it was analysed): progress counts two
    assert get(api, "/api/v1/progress", role="tpm")["attempts"] == 2


def test_faces_analysis_free_text_question(api: TestClient, service: Coach, tmp_path: Path) -> None:
    question = "How do you handle a dependency that slips?"
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    from_cli = cli("analyze", "-q", question, "--role", "tpm", "--answer-file", str(answer))
    body = {"question": question, "role": "tpm", "answer": ANSWER, "save": False}
    from_service = as_json(service.analysis.analyze(question, ANSWER, role="tpm"))
    assert from_cli == post(api, "/api/v1/analyze", body) == from_service
    assert from_cli["score"] > 0


# --- practice: plan, due, progress -------------------------------------------------------------
def test_faces_plan(api: TestClient, service: Coach) -> None:
    today = date.today()
    when = today + timedelta(days=20)
    from_cli = cli("plan", "--role", "tpm", "--interview-date", when.isoformat())
    from_api = get(api, "/api/v1/plan", role="tpm", interview_date=when.isoformat())
    from_service = as_json(service.practice.plan("tpm", when, today=today))
    assert from_cli == from_api == from_service
    assert len(from_cli["days"]) == 20 and from_cli["hours_per_day"] == 2.0  # one default


def test_faces_plan_limit_is_one_year_in_both(api: TestClient) -> None:
    from loopcoach.app.practice import MAX_PLAN_AHEAD_DAYS

    today = date.today()
    latest = (today + timedelta(days=MAX_PLAN_AHEAD_DAYS)).isoformat()
    from_cli = cli("plan", "--role", "po", "--interview-date", latest)
    assert from_cli == get(api, "/api/v1/plan", role="po", interview_date=latest)
    assert from_cli["notes"] and "starts on" in from_cli["notes"][0]  # said, not silent
    for far in ((today + timedelta(days=MAX_PLAN_AHEAD_DAYS + 1)).isoformat(), "2099-01-01"):
        message = cli_error("plan", "--role", "po", "--interview-date", far)
        assert "\n" not in message and f"pick a date up to {latest}" in message
        r = api.get("/api/v1/plan", params={"role": "po", "interview_date": far})
        assert r.status_code == 400
        assert r.json()["error"] == {"code": "date-too-far", "message": message}


def test_faces_due_and_progress(api: TestClient, service: Coach, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    cli("analyze", "--question-id", QID, "--answer-file", str(answer))
    now = datetime.now(UTC)
    due = [as_json(e) for e in service.practice.queue(role="tpm", limit=20, now=now)]
    assert cli("practice", "due", "--role", "tpm") == get(api, "/api/v1/due", role="tpm") == due
    assert due
    from_cli = cli("progress", "--role", "tpm")
    from_service = as_json(service.practice.progress(role="tpm", now=now))
    assert from_cli == get(api, "/api/v1/progress", role="tpm") == from_service
    assert from_cli["attempts"] == 1


# --- prep and stories ----------------------------------------------------------------------------
def test_faces_prep_pack_and_stories(api: TestClient, service: Coach) -> None:
    resume = RESUME.read_text(encoding="utf-8")
    from_api = post(api, "/api/v1/prep", {"role": "tpm", "text": resume, "name": RESUME.name})
    from_cli = cli("prep", "--history", str(RESUME), "--role", "tpm")
    # the second build finds the first one's stories in the bank; it is saved as pack 2
    saved = {"pack_id", "saved_at", "imported"}
    assert {k: v for k, v in from_cli.items() if k not in saved} == {
        k: v for k, v in from_api.items() if k not in saved
    }
    assert (from_api["pack_id"], from_cli["pack_id"]) == (1, 2)
    assert from_cli["imported"]["added"] == 0 < from_api["imported"]["added"]
    packs = as_json(service.prep.packs())
    assert cli("prep", "--list") == get(api, "/api/v1/prep/packs") == packs and len(packs) == 2
    from_service = as_json(service.prep.saved_pack(1))
    assert cli("prep", "--open", "1") == get(api, "/api/v1/prep/packs/1") == from_service
    assert from_service == from_api

    stories = cli("stories", "list")
    assert stories and stories == get(api, "/api/v1/stories")
    assert stories == [as_json(s) for s in service.prep.stories()]
    question = "Tell me about a program that slipped and how you recovered it"
    from_cli_match = cli("stories", "match", question, "--role", "tpm", "--limit", "3")
    body = {"question": question, "role": "tpm", "limit": 3}
    from_service_match = as_json(service.prep.match(question, role="tpm", limit=3))
    assert from_cli_match == post(api, "/api/v1/stories/match", body) == from_service_match
    assert 0 < len(from_cli_match) <= 3


# --- mock interviews -------------------------------------------------------------------------
def untimed(data: Any) -> Any:
    """`data` without its timestamps (keys ending in `_at`): three sessions started one after
    another differ in those alone."""
    if isinstance(data, dict):
        return {k: untimed(v) for k, v in data.items() if not k.endswith("_at")}
    if isinstance(data, list):
        return [untimed(v) for v in data]
    return data


def test_faces_mock(api: TestClient, service: Coach, tmp_path: Path) -> None:
    """Three sessions on the same seed (repeats allowed, so none avoids the others' questions),
    one started and answered by each of the CLI, the API and the service: the same questions,
    notes and next turns; then both faces read a session as the service does."""
    from loopcoach.cli.app import app
    from loopcoach.interview.views import session_summary, state_view

    start = {"role": "tpm", "seed": 7, "allow_repeats": True}
    from_cli = cli("mock", "start", "--role", "tpm", "--seed", "7", "--allow-repeats")
    r = api.post("/api/v1/mock", json=start)
    assert r.status_code == 201, r.text
    from_api = r.json()
    from_service = as_json(service.mock.started(service.mock.start(**start)))
    ids = [from_cli["session"], from_api["session"], from_service["session"]]
    assert len(set(ids)) == 3
    questions = [untimed(out["question"]) for out in (from_cli, from_api, from_service)]
    assert questions[0] == questions[1] == questions[2] and questions[0]["prompt"]

    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    answered_cli = cli("mock", "answer", ids[0], "--answer-file", str(answer), "--duration", "80")
    body = {"answer": ANSWER, "duration_seconds": 80}
    answered_api = post(api, f"/api/v1/mock/{ids[1]}/answer", body)
    result = service.mock.answer(ids[2], ANSWER, duration=80)
    answered_service = as_json(service.mock.answered(result))
    for out, session in zip((answered_cli, answered_api, answered_service), ids, strict=True):
        assert out.pop("session") == session
    assert untimed(answered_cli) == untimed(answered_api) == untimed(answered_service)
    assert answered_cli["analysis"]["score"] > 0

    listed = [as_json(session_summary(s)) for s in service.mock.list()]
    assert cli("mock", "list") == get(api, "/api/v1/mock") == listed and len(listed) == 3
    shown = cli("mock", "show", ids[1])
    assert shown.pop("events")  # the CLI adds the event log
    from_service = as_json(state_view(service.mock.state(ids[1])))
    assert shown == get(api, f"/api/v1/mock/{ids[1]}") == from_service
    post(api, f"/api/v1/mock/{ids[1]}/end", {})
    printed = CliRunner().invoke(app, ["mock", "debrief", ids[1], "--format", "json"])
    assert printed.exit_code == 0, printed.output
    debrief = as_json(service.mock.debrief(ids[1]))
    assert json.loads(printed.stdout) == get(api, f"/api/v1/mock/{ids[1]}/debrief") == debrief
    assert debrief["session_id"] == ids[1] and debrief["status"] == "ended"
