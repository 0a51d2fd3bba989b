"""`loopcoach analyze`: the CLI contract other tools rely on.

Commands run in-process (`loopcoach.cli.app.main`, with the session's analyzer); one test runs
the real `python -m loopcoach` process (marked slow)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from loopcoach.cli.app import main

STORY = Path(__file__).parents[1] / "fixtures" / "analysis" / "alignment_story.txt"
FIELDS = {
    "score",
    "dimensions",
    "points_made",
    "points_missed",
    "red_flags",
    "word_count",
    "estimated_seconds",
    "matched_question",
    "question",
}


def lc(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`loopcoach ARGS` in-process, as if run with `stdin` piped in."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO((stdin or "").encode()))
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin = saved
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def lc_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m loopcoach ARGS`, a real process."""
    return subprocess.run(
        [sys.executable, "-m", "loopcoach", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "run", [lc, pytest.param(lc_process, marks=pytest.mark.slow)], ids=["in-process", "process"]
)
def test_cli_analyze_json_from_file(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "analyze",
        "--question-id",
        "tpm-alignment-technical-disagreement",
        "--answer-file",
        str(STORY),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) >= FIELDS
    assert set(data["dimensions"]) == {
        "structure",
        "coverage",
        "specificity",
        "ownership",
        "red_flags",
        "delivery",
    }
    for d in data["dimensions"].values():
        assert {"score", "evidence", "advice"} <= set(d)
    assert 0 <= data["score"] <= 100


def test_cli_analyze_free_text_from_stdin_matches_question() -> None:
    r = lc(
        "analyze",
        "--question",
        "A platform API is used by 200 internal teams. How do you roll out a breaking change?",
        "--role",
        "tpm",
        "--json",
        stdin="I would version the API, publish a deprecation window of two quarters, and "
        "track every consumer on a migration dashboard.",
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["matched_question"]["id"] == "tpm-breaking-api-change"
    assert data["matched_question"]["similarity"] > 0.78


def test_cli_analyze_human_report() -> None:
    r = lc(
        "analyze",
        "-q",
        "Tell me about a time you drove alignment between teams that "
        "disagreed on a technical approach.",
        "--answer-file",
        str(STORY),
    )
    assert r.returncode == 0, r.stderr
    assert "Score" in r.stdout and "structure" in r.stdout and "←" in r.stdout


def test_cli_analyze_needs_a_question() -> None:
    r = lc("analyze", stdin="an answer")
    assert r.returncode == 1 and "--question" in r.stderr and "Traceback" not in r.stderr


def test_cli_analyze_empty_answer_scores_zero() -> None:
    r = lc("analyze", "--question-id", "tpm-slip-three-weeks", "--json", stdin="")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["score"] == 0


def test_cli_analyze_refuses_huge_answers(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 6000)
    r = lc("analyze", "--question-id", "tpm-slip-three-weeks", "--answer-file", str(big))
    assert r.returncode == 1 and "5,000 words" in r.stderr
    huge = tmp_path / "huge.txt"
    huge.write_text("x" * 150_000)
    r = lc("analyze", "--question-id", "tpm-slip-three-weeks", "--answer-file", str(huge))
    assert r.returncode == 1 and "100 KB" in r.stderr


def test_cli_analyze_missing_file_is_clear(tmp_path: Path) -> None:
    r = lc(
        "analyze",
        "--question-id",
        "tpm-slip-three-weeks",
        "--answer-file",
        str(tmp_path / "nope.txt"),
    )
    assert r.returncode == 1 and "no such file" in r.stderr


def test_cli_analyze_unknown_question_id() -> None:
    r = lc("analyze", "--question-id", "nope", stdin="x")
    assert r.returncode == 1 and "unknown question 'nope'" in r.stderr


def test_cli_analyze_batch_goes_on_after_bad_lines(tmp_path: Path) -> None:
    story = STORY.read_text()
    lines = [
        json.dumps(
            {
                "id": "a",
                "question": "How do you escalate without surprising people or damaging trust?",
                "answer": "I warn people before I escalate.",
                "role": "tpm",
            }
        ),
        "{not json",
        json.dumps(
            {"id": "b", "question_id": "tpm-alignment-technical-disagreement", "answer": story}
        ),
        json.dumps({"id": "c", "question": "Why?"}),
        json.dumps({"id": "d", "question_id": "nope", "answer": "x"}),
        json.dumps(["a list"]),
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n")
    r = lc("analyze", "--batch", str(f), "--json")
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 6
    assert [o.get("id") for o in out] == ["a", None, "b", "c", "d", None]
    assert "score" in out[0] and "score" in out[2]
    assert out[1]["error"]["code"] == "bad-json"
    assert out[3]["error"]["code"] == "bad-line"
    assert out[4]["error"]["code"] == "question-not-found"
    assert out[5]["error"]["code"] == "bad-line"
    assert out[2]["score"] > out[0]["score"]


@pytest.mark.parametrize("env", [{"LOOPCOACH_EMBEDDER": "lexical"}])
def test_cli_analyze_lexical_fallback_says_degraded(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    r = lc(
        "analyze",
        "--question-id",
        "tpm-alignment-technical-disagreement",
        "--answer-file",
        str(STORY),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["embedder"]["degraded"] is True and data["embedder"]["reason"]
    assert data["score"] > 50
