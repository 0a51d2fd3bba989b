"""What a new user runs into, in real Chromium against a real `loopcoach serve`: speech input is
opt-in and honest about the cloud, results and questions come into view, forms survive errors,
the API docs work offline, and pages speak the web app's language."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from tests.web.chart_ticks import day_ticks, tick_date
from tests.web.test_browser import (
    BREAKING_CHANGE,
    GOOD_ANSWER,
    RESUME,
    csp_errors,
    expect,
    screenshot,
    start_mock_stage,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A stand-in for the browser's speech recognition: `window.__speech` says how it behaves.
FAKE_SPEECH = """
window.__speechStarts = 0;
window.webkitSpeechRecognition = function () {
  var self = this;
  this.start = function () {
    window.__speechStarts += 1;
    var how = window.__speech || "fail";
    if (how === "fail") {
      setTimeout(function () { self.onerror({ error: "network" }); self.onend(); }, 100);
    } else {
      setTimeout(function () {
        var said = Object.assign([{ transcript: " I led the rollout." }], { isFinal: true });
        self.onresult({ resultIndex: 0, results: [said] });
      }, 200);
      setTimeout(function () { self.onend(); }, 1300);
    }
  };
  this.stop = function () {};
  this.abort = function () {};
};
window.SpeechRecognition = window.webkitSpeechRecognition;
"""


def in_view(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
            " return r.top >= -2 && r.top < window.innerHeight; }",
            selector,
        )
    )


def active_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


# --- speech -----------------------------------------------------------------------------------
def test_browser_speech_is_opt_in_and_says_audio_goes_to_the_cloud(
    page: Any, live_server: str
) -> None:
    page.add_init_script(FAKE_SPEECH)
    page.goto(live_server + "/analyze")
    expect(page.locator("#speech")).to_be_visible()
    note = page.inner_text("#speech-note")
    assert "cloud" in note and "leaves this machine" in note
    assert not page.is_checked("#speech-consent"), "speech input is off until switched on"
    expect(page.locator("#speak")).to_be_hidden()
    page.check("#speech-consent")
    expect(page.locator("#speak")).to_be_visible()
    page.reload()  # the choice is remembered in this browser
    assert page.is_checked("#speech-consent")
    page.uncheck("#speech-consent")
    expect(page.locator("#speak")).to_be_hidden()


def test_browser_failed_speech_never_sets_the_timing(page: Any, live_server: str) -> None:
    page.add_init_script(FAKE_SPEECH)
    page.goto(live_server + "/analyze")
    page.check("#speech-consent")
    page.click("#speak")
    expect(page.locator("#speak-status")).to_contain_text("did not work")
    assert "could not reach its speech service" in page.inner_text("#speak-status")
    assert "Recorded" not in page.inner_text("#speak-status")
    assert page.input_value("#duration_seconds") == ""
    page.fill("#question", BREAKING_CHANGE)
    page.fill("#answer", GOOD_ANSWER)
    page.click("#analyze-form button[type=submit]")
    page.wait_for_selector("#report")
    meta = page.inner_text("#report .meta")
    words = int(re.search(r"(\d+) words", meta).group(1))  # type: ignore[union-attr]
    seconds = int(re.search(r"about (\d+) s of", meta).group(1))  # type: ignore[union-attr]
    assert seconds >= words * 60 / 250, f"judged as far too fast: {meta}"


def test_browser_successful_speech_is_timed(page: Any, live_server: str) -> None:
    page.add_init_script(FAKE_SPEECH + "window.__speech = 'ok';")
    page.goto(live_server + "/analyze")
    page.check("#speech-consent")
    page.click("#speak")
    expect(page.locator("#speak-status")).to_contain_text("Recorded")
    assert float(page.input_value("#duration_seconds")) >= 1
    assert "I led the rollout." in page.input_value("#answer")


# --- results and questions come into view -----------------------------------------------------
def test_browser_exercise_result_is_scrolled_to_and_focused(page: Any, live_server: str) -> None:
    page.goto(live_server + "/exercises")
    page.fill("#ac-text", "Given a shopper\nWhen they pay\nThen it should be fast")
    page.click("#ac-form button[type=submit]")
    page.wait_for_selector("#ac-lines")
    assert active_id(page) == "ac-result"
    assert in_view(page, "#ac-result"), "the result is on screen, not below the fold"
    page.select_option("#cp-case", "tpm-case-passkeys")
    page.click("#cp-form button[type=submit]")
    page.wait_for_selector("#cp-diagram")
    assert active_id(page) == "cp-result" and in_view(page, "#cp-result")


def test_browser_analysis_report_is_scrolled_to(phone: Any, live_server: str) -> None:
    phone.goto(live_server + "/analyze")
    phone.fill("#question", BREAKING_CHANGE)
    phone.fill("#answer", GOOD_ANSWER)
    phone.click("#analyze-form button[type=submit]")
    phone.wait_for_selector("#report")
    assert active_id(phone) == "report" and in_view(phone, "#report")


def test_browser_mock_current_question_is_in_view_with_focus(page: Any, live_server: str) -> None:
    start_mock_stage(page, live_server)
    expect(page.locator("#answer")).to_be_focused()
    for turn in range(2):  # thin answers: the transcript grows above the question
        page.fill("#answer", "I like building things with people. " * 12)
        with page.expect_navigation():
            page.click("#mock-answer-form button[type=submit]")
        page.wait_for_load_state()
        expect(page.locator("ol.transcript li")).to_have_count(turn + 1)
        expect(page.locator("#answer")).to_be_focused()
        assert in_view(page, "#current-title"), "the current question is on screen"


def test_browser_mock_offers_only_the_roles_stages(page: Any, live_server: str) -> None:
    roles = {r["id"]: r for r in httpx.get(live_server + "/api/v1/roles").json()}
    page.goto(live_server + "/mock")
    for role in ("po", "tpm"):
        page.select_option("#mock-role", role)
        offered = page.eval_on_selector_all("#mock-stage option", "os => os.map(o => o.value)")
        assert offered[0] == "" and len(offered) - 1 == roles[role]["stages"], (role, offered)


def test_browser_mock_mismatched_stage_keeps_the_form(page: Any, live_server: str) -> None:
    page.goto(live_server + "/mock")
    page.select_option("#mock-role", "po")
    page.fill("#mock-seed", "11")
    # A stale page or a crafted post: a TPM stage sent with the PO role.
    page.evaluate(
        "const o = document.createElement('option'); o.value = 'technical-depth';"
        "o.textContent = 'x'; document.getElementById('mock-stage').appendChild(o);"
        "document.getElementById('mock-stage').value = 'technical-depth';"
    )
    page.click("#mock-start-form button[type=submit]")
    page.wait_for_selector("#mock-start-error")
    message = page.inner_text("#mock-start-error")
    assert "not a stage of the Product Owner loop" in message
    assert "Technical Program Manager" in message
    assert page.input_value("#mock-role") == "po"
    assert page.input_value("#mock-seed") == "11"
    assert page.locator("#mock-start-form").is_visible()


# --- forms survive errors ---------------------------------------------------------------------
def test_browser_error_page_keeps_the_answer_and_goes_back_to_it(
    page: Any, live_server: str
) -> None:
    answer = "word " * 5001 + "the end"  # over the 5,000-word limit
    page.goto(live_server + "/analyze")
    page.fill("#question", BREAKING_CHANGE)
    page.fill("#answer", answer)
    page.click("#analyze-form button[type=submit]")
    page.wait_for_selector("#error-message")
    assert "5,000 words" in page.inner_text("#error-message")
    kept = page.locator(".kept textarea")
    assert any(t.endswith("the end") for t in kept.evaluate_all("ts => ts.map(t => t.value)"))
    page.click("#back-to-form")
    page.wait_for_selector("#analyze-form")
    assert page.input_value("#answer").strip().endswith("the end")
    assert page.input_value("#question") == BREAKING_CHANGE


# --- offline API docs, titles, words ----------------------------------------------------------
def test_browser_api_docs_are_offline(page: Any, live_server: str) -> None:
    hosts: list[str] = []
    page.on("request", lambda r: hosts.append(urlsplit(r.url).hostname or ""))
    page.goto(live_server + "/api/docs")
    page.wait_for_load_state("networkidle")
    assert set(hosts) <= {"127.0.0.1"}, hosts
    text = page.inner_text("#endpoints")
    for endpoint in (
        "POST /api/v1/analyze",
        "POST /api/v1/mock",
        "GET /api/v1/plan",
        "POST /api/v1/exercises/backlog",
    ):
        assert endpoint in text
    assert page.locator("#model-AnalyzeRequest").is_visible()
    assert "Acceptance-criteria findings" in text, "titles from the docstrings"
    assert not re.findall(r"\b[A-Z][a-z]+ Api\b", text), "no titles made of function names"
    assert not re.findall(r"\b[\w/]+\.py\b", text), "no source file names in the docs"
    assert not csp_errors(page)
    screenshot(page, "api-docs")


def test_browser_home_title_is_only_the_title(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    assert page.title() == "Home · loopcoach"
    assert page.locator("main h2", has_text="What to do next").count() == 1


CLI_ADVICE = re.compile(
    r"loopcoach (practice|analyze|calibration|checklist|role|roles|stories|"
    r"exercise|questions|question|mock|prep|plan|resume|search)\b"
)


def test_browser_pages_give_no_command_line_advice(page: Any, live_server: str) -> None:
    soon = (date.today() + timedelta(days=9)).isoformat()
    for path in (
        "/",
        "/analyze",
        "/mock",
        "/exercises",
        f"/plan?role=tpm&interview_date={soon}",
        "/roles/tpm",
        "/questions/nope",
        "/search?q=risk",
    ):
        page.goto(live_server + path)
        found = CLI_ADVICE.findall(page.inner_text("main"))
        assert not found, (path, found)


def test_browser_plan_words_limits_and_charts(page: Any, live_server: str) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page.goto(f"{live_server}/plan?role=po&interview_date={tomorrow}")
    assert ", 1 day to " in page.inner_text("#plan-title")
    assert not re.search(r"\b1 days\b", page.inner_text("main"))
    limit = page.get_attribute("#plan-date", "max")
    assert limit == (date.today() + timedelta(days=365)).isoformat()  # one year, as the CLI
    later = (date.today() + timedelta(days=100)).isoformat()  # a 60-day plan that says so
    response = page.goto(f"{live_server}/plan?role=po&interview_date={later}")
    assert response is not None and response.status == 200
    assert "starts on" in page.inner_text("main")
    far = (date.today() + timedelta(days=366)).isoformat()
    response = page.goto(f"{live_server}/plan?role=po&interview_date={far}")
    assert response is not None and response.status == 400
    assert f"pick a date up to {limit}" in page.inner_text("#error-message")
    # Charts after one day of practice: day ticks, no hours.
    same_origin = {"Origin": live_server}
    httpx.post(
        live_server + "/api/v1/analyze",
        timeout=60,
        headers=same_origin,
        json={"question": BREAKING_CHANGE, "answer": GOOD_ANSWER},
    ).raise_for_status()
    page.goto(live_server + "/plan/charts/score.svg")
    svg = page.content()
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert not [t for t in labels if re.fullmatch(r"\s*\d\d:\d\d\s*", t)], labels
    assert date.today().strftime("%-d %b") in [t.strip() for t in labels], labels
    # ... and a few days around today, not an axis over years.
    assert not [t for t in labels if re.fullmatch(r"\s*(19|20)\d\d\s*", t)], labels
    ticks = day_ticks(svg)
    assert 1 <= len(ticks) <= 10, ticks
    for tick in ticks:  # any day of the year, Feb 29 and New Year included (test_chart_dates)
        assert abs((tick_date(tick, date.today()) - date.today()).days) <= 7, ticks


# --- busy indicators --------------------------------------------------------------------------
def test_browser_analyse_mock_and_prep_show_they_are_working(page: Any, live_server: str) -> None:
    hold = (
        "document.getElementById('{0}').addEventListener('submit', "
        "function (e) {{ e.preventDefault(); }}, {{once: true}})"
    )
    page.goto(live_server + "/analyze")
    page.fill("#question", BREAKING_CHANGE)
    page.fill("#answer", GOOD_ANSWER)
    page.evaluate(hold.format("analyze-form"))
    page.click("#analyze-form button[type=submit]")
    expect(page.locator("#analyze-form .busy")).to_be_visible()
    page.goto(live_server + "/mock")
    page.select_option("#mock-role", "po")
    page.click("#mock-start-form button[type=submit]")
    page.wait_for_selector("#mock-answer-form")
    page.fill("#answer", GOOD_ANSWER)
    page.evaluate(hold.format("mock-answer-form"))
    page.click("#mock-answer-form button[type=submit]")
    expect(page.locator("#mock-answer-form .busy")).to_be_visible()
    # The first prep pack embeds every question of the role: it says it is being built.
    page.goto(live_server + "/prep")
    assert page.locator("#prep-form .busy").is_hidden()
    page.select_option("#prep-role", "tpm")
    page.set_input_files("#prep-file", str(RESUME))
    page.evaluate(hold.format("prep-form"))
    page.click("#prep-form button[type=submit]")
    expect(page.locator("#prep-form .busy")).to_be_visible()
    expect(page.locator("#prep-form")).to_have_attribute("aria-busy", "true")
