"""`loopcoach mock`: a scripted whole loop, the errors users can cause, nothing lost on SIGKILL,
and the interactive terminal session.

Most calls run in-process (`loopcoach.cli.app.main`) with one library and analyzer shared by the
session; real processes are used where the process is the point (kills, races, a terminal).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml

from loopcoach.app import Coach
from loopcoach.cli.app import main
from loopcoach.content.library import Library
from loopcoach.interview.debrief import level_for, recommend

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mock" / "tpm-loop.yaml"
LOOP = yaml.safe_load(FIXTURE.read_text("utf-8"))


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


@pytest.fixture
def lc(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """`loopcoach ARGS` in-process; its Coach uses the session's library and analyzer."""

    def run(*args: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def words_seconds(text: str) -> str:
    return str(round(len(text.split()) / 2.5, 1))  # 150 words a minute


# --- the whole loop ------------------------------------------------------------------------------


# Slow (CI): 26 questions and their follow-ups, each a command that reloads the session (6 s of
# CPU). The fast loop plays the same scripted loop through the interview layer
# (tests/interview/test_mock_judgement.py) and the commands one by one below.
@pytest.mark.slow
def test_cli_mock_scripted_tpm_loop(lc, library: Library, tmp_path: Path) -> None:  # type: ignore
    started = lc(
        "mock", "start", "--role", "tpm", "--loop", "--seed", str(LOOP["seed"]), "--json"
    ).json()
    sid = started["session"]
    assert started["question"]["stage_opens"] and started["question"]["persona"]
    show = lc("mock", "show", sid, "--json").json()
    planned = [q for s in show["plan"] for q in s["questions"]]
    assert planned == list(LOOP["questions"]), "the seed-7 plan changed: update the fixture"

    turn = started["question"]
    first_follow_up: dict[str, str | None] = {}
    follow_ups: dict[str, int] = {}
    while True:
        q = LOOP["questions"][turn["question_id"]]
        if turn["type"] == "question":
            text, secs = q["answer"], str(q.get("seconds") or words_seconds(q["answer"]))
        else:
            text = (q.get("follow_ups") or {}).get(turn["trigger"]) or LOOP["follow_up_answers"][
                turn["trigger"]
            ]
            secs = words_seconds(text)
        res = lc("mock", "answer", sid, "--duration", secs, "--json", stdin=text).json()
        assert res["answered"] == turn["key"] and res["analysis"]["score"] >= 0
        nxt = res.get("next")
        if turn["type"] == "question":
            is_fu = bool(nxt and nxt["type"] == "follow-up")
            first_follow_up[turn["question_id"]] = (
                f"{nxt['trigger']}:{nxt['target']}" if is_fu else "none"
            )
        else:
            follow_ups[turn["question_id"]] = follow_ups.get(turn["question_id"], 0) + 1
        if nxt is None:
            debrief = res["debrief"]
            break
        turn = nxt

    # the follow-ups chosen for the gaps written into the answers
    checked = 0
    for qid, q in LOOP["questions"].items():
        if "expect" not in q:
            continue
        want = "none" if q["expect"] == "none" else f"{q['expect']}:{q.get('target')}"
        assert first_follow_up[qid] == want, qid
        checked += 1
    assert checked == 8
    assert max(follow_ups.values()) <= 2 and sum(follow_ups.values()) > 10

    # the debrief's figures, recomputed from the stored session
    show = lc("mock", "show", sid, "--json").json()
    turns = show["turns"]
    final: dict[str, dict[str, Any]] = {}
    for t in turns:
        if t["analysis"] is not None:
            final[t.get("parent") or t["key"]] = t
    mains = [t for t in turns if t["type"] == "question"]
    assert len(mains) == 26 and all(t["key"] in final for t in mains)
    scores = {t["key"]: final[t["key"]]["score"] for t in mains}
    role = library.role("tpm")
    rows = {r["id"]: r for r in debrief["scorecard"]}
    levels = []
    for dim in role.dimensions:
        keys = [
            t["key"]
            for t in mains
            if set(library.question(t["question_id"])[1].competencies) & set(dim.competencies)
        ]
        mean = sum(scores[k] for k in keys) / len(keys)
        assert rows[dim.id]["mean_score"] == round(mean, 1)
        assert rows[dim.id]["level"] == level_for(mean)
        assert rows[dim.id]["questions"] == keys
        levels.append(level_for(mean))
    flagged = sum(1 for t in mains if final[t["key"]]["analysis"]["red_flags"])
    mean = sum(scores.values()) / len(scores)
    rec = recommend(mean, levels, flagged, answers=len(scores))
    assert debrief["recommendation"] == {
        "label": rec.label,
        "reason": rec.reason,
        "mean_score": round(mean, 1),
    }
    assert debrief["recommendation"]["label"] in ("lean hire", "hire")
    # manager-solves-it was written in as a flaw: at least that answer is flagged
    assert flagged >= 1
    assert len(debrief["changes"]) == 3
    assert debrief["counts"]["questions_answered"] == 26
    assert debrief["counts"]["follow_ups_asked"] == sum(follow_ups.values())
    for row in debrief["scorecard"]:
        assert row["evidence"] and row["level_text"]

    # the answer that ran over its time box
    over = next(t for t in mains if t["question_id"] == "tpm-platform-migration-six-teams")
    assert over["overrun_seconds"] == 80 and over["time_box_expired"]
    assert "260 s against a 180 s target" in over["analysis"]["dimensions"]["delivery"]["reason"]
    assert any(
        e["type"] == "time_box_expired" and e["data"]["key"] == over["key"] for e in show["events"]
    )
    assert debrief["counts"]["overruns"] == 1

    # exports and listing
    md = tmp_path / "debrief.md"
    r = lc("mock", "debrief", sid, "-o", str(md))
    assert r.code == 0 and "wrote" in r.err
    text = md.read_text("utf-8")
    label = debrief["recommendation"]["label"].title()
    assert "## Scorecard" in text and f"**{label}**" in text and "## Transcript" in text
    assert text.count("**You**:") == 26 + sum(follow_ups.values())
    as_json = lc("mock", "debrief", sid, "--format", "json").json()
    assert as_json["recommendation"] == debrief["recommendation"]
    (listed,) = lc("mock", "list", "--json").json()
    assert listed["session"] == sid and listed["status"] == "ended"
    assert listed["questions_answered"] == 26

    r = lc("mock", "answer", sid, stdin="One more thing.")
    assert r.code == 1 and "has ended" in r.err and f"mock debrief {sid}" in r.err


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("answer", "nope"),
        ("show", "nope"),
        ("debrief", "nope"),
        ("skip", "nope"),
        ("end", "nope"),
        ("resume", "nope", "--json"),
    ],
)
def test_cli_mock_unknown_session(lc, args: tuple[str, ...]) -> None:  # type: ignore
    r = lc("mock", *args, stdin="an answer")
    assert r.code == 1
    assert "unknown session 'nope'" in r.err and "loopcoach mock list" in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give the role"),
        (("--role", "nope"), "unknown role 'nope'"),
        (("--role", "tpm", "--stage", "nope"), "stages of tpm"),
        (("--role", "tpm", "--stage", "execution", "--loop"), "not both"),
    ],
)
def test_cli_mock_start_errors(lc, args: tuple[str, ...], message: str) -> None:  # type: ignore
    r = lc("mock", "start", *args, "--json")
    assert r.code == 1 and message in r.err


def test_cli_mock_empty_answer_and_skip(lc) -> None:  # type: ignore[no-untyped-def]
    sid = lc(
        "mock", "start", "--role", "tpm", "--stage", "recruiter-screen", "--seed", "5", "--json"
    ).json()["session"]
    r = lc("mock", "answer", sid, stdin="  \n")
    assert r.code == 1 and "empty" in r.err and f"mock skip {sid}" in r.err
    skipped = lc("mock", "skip", sid, "--json").json()
    assert skipped["skipped"] == "q1" and skipped["next"]["key"] == "q2"
    r = lc("mock", "end", sid)
    assert r.code == 0 and "ended" in r.out
    d = lc("mock", "debrief", sid, "--format", "json").json()
    assert d["counts"]["questions_skipped"] == 1 and d["questions"][0]["counted_score"] is None


def test_cli_mock_no_feedback_until_end(lc) -> None:  # type: ignore[no-untyped-def]
    sid = lc(
        "mock",
        "start",
        "--role",
        "tpm",
        "--stage",
        "bar-raiser",
        "--seed",
        "2",
        "--no-feedback-until-end",
        "--json",
    ).json()["session"]
    res = lc("mock", "answer", sid, "--json", stdin=LOOP["follow_up_answers"]["deep-dive"])
    out = res.json()
    assert out["analysis"] is None and ("next" in out or "debrief" in out)
    human = lc("mock", "answer", sid, stdin=LOOP["follow_up_answers"]["no-metrics"])
    assert human.code == 0 and "Note:" not in human.out and "⏱" in human.out


def test_cli_mock_recent_questions_are_not_repeated(lc) -> None:  # type: ignore
    def plan(*extra: str) -> list[str]:
        sid = lc(
            "mock",
            "start",
            "--role",
            "tpm",
            "--stage",
            "hiring-manager",
            "--seed",
            "4",
            *extra,
            "--json",
        ).json()["session"]
        while "next" in lc("mock", "skip", sid, "--json").json():
            pass  # every question is asked (and skipped)
        return lc("mock", "show", sid, "--json").json()["plan"][0]["questions"]

    first = plan()
    second = plan()
    assert len(first) == len(second) == 5 and not set(first) & set(second)
    again = plan("--allow-repeats")
    assert again == first  # same seed, nothing avoided


# --- real processes ------------------------------------------------------------------------------


def spawn_answer(
    sid: str, answer: Path, pause: str = "", seconds: float = 60, to: str = ""
) -> subprocess.Popen:
    env = dict(os.environ, LOOPCOACH_TEST_PAUSE_AT=pause, LOOPCOACH_TEST_PAUSE_SECONDS=str(seconds))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "loopcoach",
            "mock",
            "answer",
            sid,
            "--answer-file",
            str(answer),
            "--json",
            *(["--to", to] if to else []),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_pause(p: subprocess.Popen, point: str) -> None:
    assert p.stderr is not None
    while True:
        line = p.stderr.readline()
        if not line:
            raise AssertionError(f"exited before pausing at {point}: rc={p.wait()}")
        if line.strip() == f"paused at {point}":
            return


def answers_stored(lc, sid: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    show = lc("mock", "show", sid, "--json").json()
    return [(t["key"], t["answer"]) for t in show["turns"] if t["answer"] is not None]


def integrity_ok(data_dir: Path) -> None:
    con = sqlite3.connect(data_dir / "loopcoach.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT session_id, seq FROM mock_events "
            "GROUP BY session_id, seq HAVING count(*) > 1)"
        ).fetchone()[0]
        assert dupes == 0
    finally:
        con.close()


@pytest.mark.slow  # a real process held mid-answer for seconds
def test_cli_mock_concurrent_answer_is_refused(lc, tmp_path: Path) -> None:  # type: ignore
    sid = lc(
        "mock", "start", "--role", "tpm", "--stage", "execution", "--seed", "1", "--json"
    ).json()["session"]
    mine = tmp_path / "a.txt"
    mine.write_text("First process: " + LOOP["follow_up_answers"]["no-metrics"])
    slow = spawn_answer(sid, mine, pause="before-answer-stored", seconds=4)
    try:
        wait_for_pause(slow, "before-answer-stored")
        other = lc("mock", "answer", sid, "--json", stdin=LOOP["follow_up_answers"]["deep-dive"])
        assert other.code == 0, other.err
        _, err = slow.communicate(timeout=60)
    finally:
        slow.kill()
    assert slow.returncode == 1
    assert f"session {sid} changed while this was being stored" in err
    assert "Traceback" not in err
    stored = answers_stored(lc, sid)
    assert stored == [("q1", LOOP["follow_up_answers"]["deep-dive"].strip())]


@pytest.mark.slow  # real processes, killed
def test_cli_mock_survives_sigkill(lc, tmp_path: Path, isolated_env: Path) -> None:  # type: ignore
    sid = lc(
        "mock", "start", "--role", "tpm", "--stage", "behavioural-panel", "--seed", "3", "--json"
    ).json()["session"]
    texts = [LOOP["questions"][q]["answer"].strip() for q in list(LOOP["questions"])[:12]]

    def current_key() -> str:
        return lc("mock", "show", sid, "--json").json()["current"]["key"]

    # killed at named points: the answer is stored intact, and sending it again resumes
    for i, point in enumerate(["after-answer-stored", "after-analysis-stored", "after-next-asked"]):
        f = tmp_path / f"answer{i}.txt"
        f.write_text(texts[i])
        key = current_key()
        p = spawn_answer(sid, f, pause=point, to=key)
        try:
            wait_for_pause(p, point)
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=30)
        assert p.returncode == -signal.SIGKILL
        assert (key, texts[i]) in answers_stored(lc, sid)
        if point == "after-answer-stored":
            human = lc("mock", "show", sid)
            assert "its analysis runs on the next" in human.out
            # a retry without --to is recognised too while the answer waits for its analysis
            again = lc("mock", "answer", sid, "--answer-file", str(f), "--json").json()
        else:
            again = lc("mock", "answer", sid, "--answer-file", str(f), "--to", key, "--json").json()
        assert again["replayed"] is True and again["answered"] == key
        assert again["analysis"]["score"] > 0 and ("next" in again or "debrief" in again)
        assert [a for _, a in answers_stored(lc, sid)].count(texts[i]) == 1

    # killed after a random short delay: what was stored is intact, and the retry resumes
    rng = random.Random(20)
    for i in range(3, 6):
        f = tmp_path / f"answer{i}.txt"
        f.write_text(texts[i])
        key = current_key()
        before = answers_stored(lc, sid)
        p = spawn_answer(sid, f, to=key)
        time.sleep(rng.uniform(0.5, 3.0))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        after = answers_stored(lc, sid)
        assert after[: len(before)] == before  # nothing earlier changed
        assert after[len(before) :] in ([], [(key, texts[i])])
        resumed = lc("mock", "resume", sid, "--json").json()
        assert "next" in resumed or "debrief" in resumed
        again = lc("mock", "answer", sid, "--answer-file", str(f), "--to", key, "--json")
        assert again.code == 0, again.err
        assert answers_stored(lc, sid).count((key, texts[i])) == 1
    stored = answers_stored(lc, sid)
    assert [a for _, a in stored if a in texts] == texts[:6]
    integrity_ok(isolated_env)


# --- the terminal --------------------------------------------------------------------------------

STEP = re.compile(r"Question \d+ of \d+|Follow-up · |Debrief")


def play(child: pexpect.spawn, answers: list[str], stop_after: int | None = None) -> int:
    """Answer whatever is asked until the debrief (or until `stop_after` answers)."""
    n = 0
    while True:
        i = child.expect([STEP, pexpect.EOF])
        if i == 1 or "Debrief" in child.after:
            return n
        if stop_after is not None and n >= stop_after:
            return n
        child.expect("⏱")
        child.sendline(answers[n % len(answers)])
        child.sendline("")
        child.expect(r"⏱ \d+:\d\d / \d+:\d\d")
        n += 1


def _interruptible() -> None:
    """In the child, before exec: Ctrl-C interrupts, as at a user's shell, even when this test
    run inherited SIGINT ignored (a command started in the background by a shell without job
    control, e.g. `(make test &)`, ignores it, and Python then never raises KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow  # real terminal processes
@pytest.mark.serial  # a real terminal: run apart from the parallel tests
def test_cli_mock_interactive_terminal(isolated_env: Path) -> None:
    env = dict(os.environ, COLUMNS="110")
    answers = [
        LOOP["questions"]["tpm-why-tpm"]["answer"],
        LOOP["follow_up_answers"]["deep-dive"],
        LOOP["questions"]["tpm-most-complex-program"]["answer"],
    ]
    child = pexpect.spawn(
        sys.executable,
        ["-m", "loopcoach", "mock", "--role", "tpm", "--stage", "recruiter-screen", "--seed", "5"],
        env=env,
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 110),
        preexec_fn=_interruptible,
    )
    child.expect("Recruiter screen")
    child.expect("Interviewer: Hi, thanks for making the time")
    child.expect("Question 1 of 3")
    child.expect("⏱")
    child.sendline(answers[0])
    child.sendline("")
    child.expect(r"⏱ \d+:\d\d / 1:30")
    child.expect("Note: \\d+/100")
    # the next prompt: start typing, then Ctrl-C pauses
    child.expect(STEP)
    child.expect("⏱")
    child.sendline("Half of an answer")
    time.sleep(0.3)
    child.sendintr()
    child.expect(
        r"Paused\. Everything you answered is saved\. Resume with: loopcoach mock "
        r"resume ([0-9a-f]+)"
    )
    sid = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = pexpect.spawn(
        sys.executable,
        ["-m", "loopcoach", "mock", "resume", sid],
        env=env,
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 110),
        preexec_fn=_interruptible,
    )
    child.expect("Resuming")
    child.expect("your unfinished answer was kept: “Half of an answer”")
    child.expect("⏱")
    child.sendline("and the rest of it, with a result: it shipped in nine months.")
    child.sendline("")
    child.expect(r"⏱ \d+:\d\d")
    n = play(child, answers)
    assert n >= 1
    child.expect("Recommendation")
    child.expect("Save it with: loopcoach mock debrief")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    out = subprocess.run(
        [sys.executable, "-m", "loopcoach", "mock", "show", sid, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    show = json.loads(out.stdout)
    assert show["status"] == "ended"
    resumed = [t for t in show["turns"] if (t["answer"] or "").startswith("Half of an answer")]
    assert len(resumed) == 1 and resumed[0]["answer"].endswith("nine months.")
    assert show["turns"][0]["answer"] == " ".join(answers[0].split())


def test_cli_mock_first_answers_count_as_practice_attempts(lc) -> None:  # type: ignore
    from loopcoach.config import Settings

    start = lc(
        "mock", "start", "--role", "tpm", "--stage", "execution", "--seed", "1", "--json"
    ).json()
    sid, qid = start["session"], start["question"]["question_id"]
    res = lc(
        "mock",
        "answer",
        sid,
        "--duration",
        "60",
        "--json",
        stdin=LOOP["questions"]["tpm-key-dependency-delayed"]["answer"],
    ).json()
    if res.get("next", {}).get("type") == "follow-up":
        lc("mock", "answer", sid, "--json", stdin=LOOP["follow_up_answers"]["deep-dive"])
    attempts = Coach(Settings.from_env()).practice.history().attempts
    assert [(a.source, a.session_id, a.question_id) for a in attempts] == [("mock", sid, qid)]
    assert attempts[0].score == res["analysis"]["score"] and attempts[0].duration_seconds == 60
