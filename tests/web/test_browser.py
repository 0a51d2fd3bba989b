"""Real Chromium (Debian's, through Playwright) against a real `loopcoach serve`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest


def screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot NAME.png: into docs/screenshots (shown in the README) under
    `make screenshots`, else into a temporary directory (tests/web/conftest.py)."""
    page.screenshot(path=str(page.screenshots_dir / f"{name}.png"), full_page=True)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as pw_expect  # only once a browser exists

    return pw_expect(locator)


pytestmark = [pytest.mark.browser, pytest.mark.slow]

BREAKING_CHANGE = (
    "A platform API is used by 200 internal teams. How do you roll out a breaking change?"
)
GOOD_ANSWER = (
    "I would first clarify why the change is needed and who depends on the API. "
    "I would version the API so the old and new versions run side by side for two quarters. "
    "I would publish a migration guide and track each of the 200 consumer teams on a dashboard. "
    "I would set a deprecation date with the platform director and send reminders every month. "
    "If adoption stalled, I would offer office hours and pair with the slowest teams."
)


def csp_errors(page: Any) -> list[str]:
    return [e for e in page.console_errors if "Content Security Policy" in e]


def test_browser_home(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    assert page.locator("a[href='/roles/tpm']").first.is_visible()
    screenshot(page, "home")


def test_browser_analyze_shows_highlights(page: Any, live_server: str) -> None:
    page.goto(live_server + "/analyze")
    page.fill("#question", BREAKING_CHANGE)
    page.select_option("#role", "tpm")
    page.fill("#answer", GOOD_ANSWER)
    page.click("#analyze-form button[type=submit]")
    page.wait_for_selector("#report")
    assert re.search(r"Score \d+/100", page.inner_text("#report-title"))
    assert page.locator(".annotated .sent.point").count() >= 1
    assert page.locator(".annotated mark.note.point").count() >= 1
    assert page.locator("ul.missed li").count() >= 1
    assert not csp_errors(page)
    screenshot(page, "analyze")


def test_browser_xss_in_an_answer_renders_as_text(page: Any, live_server: str) -> None:
    attack = (
        "I led it. <script>window.__pwned = 1</script> "
        '<img src=x onerror="window.__pwned = 2"> We cut latency by 20%.'
    )
    page.goto(live_server + "/analyze")
    page.fill("#question", "Tell me about a time you drove alignment between teams.")
    page.fill("#answer", attack)
    page.click("#analyze-form button[type=submit]")
    page.wait_for_selector("#report")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#report img").count() == 0
    text = page.inner_text(".annotated")
    assert "<script>window.__pwned = 1</script>" in text
    assert "<img src=x onerror=" in text


@pytest.mark.parametrize(
    "path",
    [
        "/analyze",
        "/mock",
        "/prep",
        "/exercises",
        "/plan?role=tpm&interview_date=2099-01-01",
        "/roles/tpm",
    ],
)
def test_browser_pages_are_readable_on_a_phone(phone: Any, live_server: str, path: str) -> None:
    if "2099" in path:
        from datetime import date, timedelta

        path = path.replace("2099-01-01", (date.today() + timedelta(days=12)).isoformat())
    phone.goto(live_server + path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"{path} scrolls sideways at 375 px ({width} px)"
    if path == "/analyze":
        screenshot(phone, "analyze-phone")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Skip to content"
    phone.keyboard.press("Enter")
    assert phone.evaluate("location.hash") == "#main"


def test_browser_every_input_has_a_label(page: Any, live_server: str) -> None:
    for path in ("/analyze", "/mock", "/prep", "/exercises", "/plan"):
        page.goto(live_server + path)
        unlabelled = page.evaluate(
            "Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
            ".filter(function (el) { return !(el.labels && el.labels.length) &&"
            " !el.getAttribute('aria-label'); }).map(function (el) { return el.id || el.name; })"
        )
        assert unlabelled == [], (path, unlabelled)


def start_mock_stage(page: Any, base: str) -> None:
    """Start the TPM recruiter screen (seed 3) from /mock; on its first question."""
    page.goto(base + "/mock")
    page.select_option("#mock-role", "tpm")
    page.select_option("#mock-stage", "recruiter-screen")
    page.fill("#mock-seed", "3")
    page.click("#mock-start-form button[type=submit]")
    page.wait_for_selector("#mock-answer-form")


def test_browser_mock_stage_with_follow_up_and_debrief(page: Any, live_server: str) -> None:
    start_mock_stage(page, live_server)
    assert "question 1 of 3" in page.inner_text(".asking")
    assert page.locator(".persona").is_visible()
    expect(page.locator("#mock-clock")).to_have_text(re.compile(r"^0:0[1-9] / 1:30$"))
    screenshot(page, "mock")
    follow_ups = 0
    for _ in range(15):
        if page.locator("#mock-answer-form").count() == 0:
            break
        if "Follow-up to" in page.inner_text(".asking .meta"):
            follow_ups += 1
            if follow_ups == 1:
                assert page.locator("ol.transcript .note-line").count() >= 1
                screenshot(page, "mock-follow-up")
        page.fill("#answer", "I like building things with <b>people</b>.")
        page.click("#mock-answer-form button[type=submit]")
        page.wait_for_load_state()
    assert follow_ups >= 1, "a thin answer gets a follow-up"
    page.wait_for_selector("#transcript")
    assert "/debrief" in page.url
    assert page.locator("table.scorecard tbody tr").count() >= 1
    assert page.locator("#debrief-questions tbody tr").count() == 3
    assert "Recommendation" in page.inner_text("main")
    assert "<b>people</b>" in page.inner_text("#transcript")
    screenshot(page, "debrief")
    page.goto(live_server + "/mock")
    assert page.locator("table.sessions tbody tr").count() >= 1


def test_browser_mock_resume_a_paused_session(page: Any, live_server: str) -> None:
    page.goto(live_server + "/mock")
    page.select_option("#mock-role", "po")
    page.click("#mock-start-form button[type=submit]")
    page.wait_for_selector("#mock-answer-form")
    session = page.url.rstrip("/").rsplit("/", 1)[-1]
    prompt = page.inner_text("#current-title")
    page.goto(live_server + "/mock")  # walk away: the session waits
    page.click(f"a[href='/mock/{session}']")
    page.wait_for_selector("#mock-answer-form")
    assert page.inner_text("#current-title") == prompt


def test_browser_exercises_backlog_ac_and_critical_path(page: Any, live_server: str) -> None:
    page.goto(live_server + "/exercises")
    page.select_option("#backlog-case", "po-case-mealkit-backlog")
    page.click("#backlog-form button[type=submit]")
    page.wait_for_selector("#backlog-table")
    assert page.locator("#backlog-table tbody tr").count() >= 5
    assert "WSJF order:" in page.inner_text("main")

    page.fill("#ac-text", "Given a shopper\nWhen they pay\nThen it should be fast")
    page.click("#ac-form button[type=submit]")
    page.wait_for_selector("#ac-lines")
    assert page.locator("#ac-lines li.has-finding .finding").count() >= 1

    page.select_option("#cp-case", "tpm-case-passkeys")
    page.click("#cp-form button[type=submit]")
    page.wait_for_selector("#cp-diagram")
    assert page.evaluate("document.getElementById('cp-diagram').naturalWidth") > 0
    assert "critical" in page.inner_text("#cp-summary").lower()
    assert not csp_errors(page)
    screenshot(page, "exercises")


def test_browser_exercises_forecast_form(page: Any, live_server: str) -> None:
    page.goto(live_server + "/exercises")
    page.fill("#forecast-velocities", "21, 18, 25, 22, 19")
    page.fill("#forecast-remaining", "80")
    page.fill("#forecast-current", "7")
    page.fill("#forecast-seed", "3")
    page.click("#forecast-form button[type=submit]")
    page.wait_for_selector("#forecast-table")
    assert page.locator("#forecast-table tbody tr").count() == 5
    assert re.search(r"p50 \(seed 3\)\s+\d+\s+\d+", page.inner_text("#forecast-p50"))
    assert re.search(r"p85 \(seed 3\)\s+\d+\s+\d+", page.inner_text("#forecast-p85"))
    explanation = page.inner_text("#forecast-explanation")
    assert "80 points take about 4 sprints" in explanation
    assert "Starting in sprint 7" in explanation
    # The form keeps what was typed; a bundled case fills in the rest.
    assert page.input_value("#forecast-velocities") == "21, 18, 25, 22, 19"
    page.fill("#forecast-velocities", "")
    page.fill("#forecast-remaining", "")
    page.fill("#forecast-current", "")
    page.select_option("#forecast-case", "po-case-launch-forecast")
    page.click("#forecast-form button[type=submit]")
    page.wait_for_selector("#forecast-table")
    assert "180 points" in page.inner_text("#forecast-explanation")
    assert not csp_errors(page)
    screenshot(page, "exercises-forecast")


def test_browser_exercise_upload_shows_progress(page: Any, live_server: str, tmp_path: Any) -> None:
    csv = tmp_path / "backlog.csv"
    csv.write_text(
        "id,title,business_value,time_criticality,risk_reduction,job_size\n"
        "A,Alpha,8,5,3,3\nB,Beta,13,8,8,5\nC,Gamma,3,2,1,1\n",
        encoding="utf-8",
    )
    page.goto(live_server + "/exercises")
    assert page.locator("#backlog-form .busy").is_hidden()
    page.set_input_files("#backlog-file", str(csv))
    # Hold the first submit in the page, to see the indicator before the page is replaced.
    page.evaluate(
        "document.getElementById('backlog-form').addEventListener('submit', "
        "function (e) { e.preventDefault(); }, {once: true})"
    )
    page.click("#backlog-form button[type=submit]")
    expect(page.locator("#backlog-form .busy")).to_be_visible()
    expect(page.locator("#backlog-form")).to_have_attribute("aria-busy", "true")
    screenshot(page, "upload-progress")
    with page.expect_navigation():
        page.evaluate("document.getElementById('backlog-form').submit()")
    page.wait_for_selector("#backlog-table")
    rows = page.locator("#backlog-table tbody tr td:first-child").all_inner_texts()
    assert sorted(rows) == ["A", "B", "C"]


RESUME = Path(__file__).resolve().parents[1] / "fixtures" / "resumes" / "tpm.md"


def test_browser_prep_upload_resume_and_download_pack(page: Any, live_server: str) -> None:
    page.goto(live_server + "/prep")
    page.select_option("#prep-role", "tpm")
    page.set_input_files("#prep-file", str(RESUME))
    # The first pack embeds every question of the role: on a busy machine that can take longer
    # than Playwright's 30 s navigation wait, so wait for the result instead.
    page.click("#prep-form button[type=submit]", no_wait_after=True)
    page.wait_for_selector("#coverage", timeout=180_000)
    assert page.locator("#coverage tbody tr").count() >= 3
    assert page.locator("#priorities li").count() >= 1
    screenshot(page, "prep")
    with page.expect_download() as info:
        page.click("#pack-md")
    assert info.value.suggested_filename == "prep-pack.md"
    with open(info.value.path(), encoding="utf-8") as fh:
        assert "Marisol" in fh.read()
    with page.expect_download() as info:
        page.click("#pack-pdf")
        expect(page.locator(".download-busy")).to_be_visible()  # the PDF takes a while
    with open(info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert info.value.suggested_filename.endswith(".pdf")
    expect(page.locator(".download-busy")).to_contain_text("Downloaded")
    page.click("#coverage tbody tr th a")
    page.fill("#s-result", "Hosting costs fell 31%, saving $2.1M a year.")
    page.click("#story-form button[type=submit]")
    expect(page.locator("#s-result")).to_have_value("Hosting costs fell 31%, saving $2.1M a year.")
    expect(page.locator("#story-saved")).to_contain_text("Saved as version")
    expect(page.locator("#story-saved")).to_be_focused()  # the save never looks like nothing
    page.fill("#s-situation", "")  # an emptied field is cleared, not kept
    page.click("#story-form button[type=submit]")
    expect(page.locator("#story-saved")).to_be_visible()
    expect(page.locator("#s-situation")).to_have_value("")
    expect(page.locator("#s-result")).to_have_value("Hosting costs fell 31%, saving $2.1M a year.")


def test_browser_plan_progress_and_downloads(page: Any, live_server: str) -> None:
    same_origin = {"Origin": live_server}
    started = httpx.post(
        live_server + "/api/v1/mock",
        timeout=60,
        headers=same_origin,
        json={"role": "tpm", "seed": 5, "allow_repeats": True},
    ).json()
    httpx.post(
        f"{live_server}/api/v1/mock/{started['session']}/answer",
        timeout=60,
        headers=same_origin,
        json={"answer": GOOD_ANSWER},
    ).raise_for_status()
    page.goto(live_server + "/plan")
    page.select_option("#plan-role", "tpm")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("#plan-days")
    assert page.locator("#today-tasks li").count() >= 1
    assert page.locator("#due-cards li").count() >= 1
    expect(page.locator("#score-chart")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.getElementById('score-chart').naturalWidth") > 0
    with page.expect_download() as info:
        page.click("#ics-link")
    assert info.value.suggested_filename.endswith(".ics")
    with page.expect_download() as info:
        page.click("#anki-link")
    assert info.value.suggested_filename.endswith(".apkg")
    assert not csp_errors(page)
    screenshot(page, "plan")
