"""Face equivalence: for the same input, `loopcoach ... --json` (run in-process with Typer's
CliRunner) and the JSON API (FastAPI's TestClient) give the same result, because both call the
same service of `loopcoach.app`. Both faces run on one data directory and one database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

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


# --- exercises -------------------------------------------------------------------------------
def test_faces_exercise_list(api: TestClient) -> None:
    assert cli("exercise", "list") == get(api, "/api/v1/exercises")


@pytest.mark.parametrize(
    ("argv", "body"),
    [
        (
            ["backlog", str(EXERCISES / "backlog.csv"), "--my-order", "A,F,S,R,D"],
            {"text": text("backlog.csv"), "format": "csv", "my_order": list("AFSRD")},
        ),
        (
            ["backlog", str(EXERCISES / "backlog.yaml"), "--against", "rice"],
            {"text": text("backlog.yaml"), "format": "yaml", "against": "rice"},
        ),
        (["backlog", "--case", "exdrill-backlog"], {"case_id": "exdrill-backlog"}),
    ],
)
def test_faces_exercise_backlog(api: TestClient, argv: list[str], body: dict[str, Any]) -> None:
    from_cli = cli("exercise", *argv)
    assert from_cli == post(api, "/api/v1/exercises/backlog", body)
    assert from_cli["orders"]["wsjf"]  # a real result, not two empty ones


def test_faces_exercise_kano(api: TestClient) -> None:
    from_cli = cli("exercise", "kano", str(EXERCISES / "kano.csv"))
    assert from_cli["features"]
    assert from_cli == post(api, "/api/v1/exercises/kano", {"text": text("kano.csv")})


@pytest.mark.parametrize(
    ("argv", "body"),
    [
        (
            ["--velocities", "21,18,25,9,30", "--remaining", "200", "--seed", "7"],
            {"velocities": [21, 18, 25, 9, 30], "remaining": 200, "seed": 7},
        ),
        (
            ["--velocities", "20,22,24", "--remaining", "90", "--window", "3", "--trials", "500"],
            {"velocities": [20, 22, 24], "remaining": 90, "window": 3, "trials": 500},
        ),
    ],
)
def test_faces_exercise_forecast(api: TestClient, argv: list[str], body: dict[str, Any]) -> None:
    from_cli = cli("exercise", "forecast", *argv)
    assert from_cli == post(api, "/api/v1/exercises/forecast", body)
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


def test_faces_exercise_critical_path(api: TestClient) -> None:
    from_cli = cli("exercise", "critical-path", str(EXERCISES / "workstreams.csv"))
    from_api = post(api, "/api/v1/exercises/critical-path", {"text": text("workstreams.csv")})
    assert from_cli == {k: v for k, v in from_api.items() if k != "svg"}  # the page's diagram
    assert from_cli["critical_path"] and from_api["svg"].startswith("<svg")


def test_faces_exercise_acceptance_criteria(api: TestClient) -> None:
    from_cli = cli("exercise", "ac", str(EXERCISES / "bad.feature"))
    body = {"text": text("bad.feature"), "gherkin": True}
    assert from_cli == post(api, "/api/v1/exercises/ac", body)
    assert from_cli["findings"]


def test_faces_exercise_slices(api: TestClient) -> None:
    from_cli = cli("exercise", "slices", str(EXERCISES / "slices-good.yaml"))
    body = {"text": text("slices-good.yaml"), "format": "yaml"}
    from_api = post(api, "/api/v1/exercises/slices", body)
    assert from_cli == from_api and from_cli["stories"]


def test_faces_exercise_program_plan(api: TestClient) -> None:
    from_cli = cli("exercise", "plan", "exdrill-program", str(EXERCISES / "plan-thin.md"))
    body = {"case_id": "exdrill-program", "text": text("plan-thin.md")}
    from_api = post(api, "/api/v1/exercises/plan", body)
    web_only = {"title", "present", "summary", "svg"}
    assert from_cli == {k: v for k, v in from_api.items() if k not in web_only}
    assert from_cli["findings"]


# --- analysis --------------------------------------------------------------------------------
def test_faces_analysis(api: TestClient, tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    from_cli = cli(
        "analyze", "--question-id", QID, "--answer-file", str(answer), "--duration", "95"
    )
    body = {"question_id": QID, "answer": ANSWER, "duration_seconds": 95}
    from_api = post(api, "/api/v1/analyze", body)
    assert from_cli == from_api
    assert from_cli["question"]["id"] == QID and from_cli["score"] > 0
    # both kept the attempt (stored before it was analysed): progress counts two
    assert get(api, "/api/v1/progress", role="tpm")["attempts"] == 2


def test_faces_analysis_free_text_question(api: TestClient, tmp_path: Path) -> None:
    question = "How do you handle a dependency that slips?"
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    from_cli = cli("analyze", "-q", question, "--role", "tpm", "--answer-file", str(answer))
    body = {"question": question, "role": "tpm", "answer": ANSWER, "save": False}
    assert from_cli == post(api, "/api/v1/analyze", body)


# --- practice: plan, due, progress -------------------------------------------------------------
def test_faces_plan(api: TestClient) -> None:
    when = (date.today() + timedelta(days=20)).isoformat()
    from_cli = cli("plan", "--role", "tpm", "--interview-date", when)
    from_api = get(api, "/api/v1/plan", role="tpm", interview_date=when)
    assert from_cli == from_api
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


def test_faces_due_and_progress(api: TestClient, tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER, encoding="utf-8")
    cli("analyze", "--question-id", QID, "--answer-file", str(answer))
    assert cli("practice", "due", "--role", "tpm") == get(api, "/api/v1/due", role="tpm")
    from_cli = cli("progress", "--role", "tpm")
    assert from_cli == get(api, "/api/v1/progress", role="tpm")
    assert from_cli["attempts"] == 1


# --- prep and stories ----------------------------------------------------------------------------
def test_faces_prep_pack_and_stories(api: TestClient) -> None:
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
    assert cli("prep", "--list") == get(api, "/api/v1/prep/packs")
    assert cli("prep", "--open", "1") == get(api, "/api/v1/prep/packs/1") == from_api

    stories = cli("stories", "list")
    assert stories and stories == get(api, "/api/v1/stories")
    question = "Tell me about a program that slipped and how you recovered it"
    from_cli_match = cli("stories", "match", question, "--role", "tpm", "--limit", "3")
    body = {"question": question, "role": "tpm", "limit": 3}
    assert from_cli_match == post(api, "/api/v1/stories/match", body)
    assert 0 < len(from_cli_match) <= 3
