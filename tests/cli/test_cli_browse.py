"""The browse commands and their JSON contracts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from loopcoach.cli.app import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_cli_roles_json_lists_three_roles(capsys: pytest.CaptureFixture[str]) -> None:
    roles = run_json(capsys, "roles")
    assert isinstance(roles, list)
    assert {r["id"] for r in roles} >= {"tpm", "tpo", "po"}


def test_cli_questions_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    qs = run_json(capsys, "questions")
    assert isinstance(qs, list) and len(qs) > 60
    for q in qs:
        for key in (
            "id",
            "role",
            "prompt",
            "kind",
            "stages",
            "competencies",
            "talking_points",
            "follow_ups",
        ):
            assert key in q, (q["id"], key)


@pytest.mark.parametrize("flag,value", [("--role", "tpo"), ("--kind", "behavioural")])
def test_cli_questions_filters(capsys: pytest.CaptureFixture[str], flag: str, value: str) -> None:
    qs = run_json(capsys, "questions", flag, value)
    assert qs and all(q[flag[2:]] == value for q in qs)  # type: ignore[index]


def test_cli_questions_stage_and_competency_filters(capsys: pytest.CaptureFixture[str]) -> None:
    role = run_json(capsys, "role", "tpm")
    stage = role["stages"][0]["id"]  # type: ignore[index]
    qs = run_json(capsys, "questions", "--role", "tpm", "--stage", stage)
    assert all(stage in q["stages"] for q in qs)  # type: ignore[union-attr]
    comp = role["competencies"][0]["id"]  # type: ignore[index]
    qs = run_json(capsys, "questions", "--role", "tpm", "--competency", comp)
    assert all(comp in q["competencies"] for q in qs)  # type: ignore[union-attr]


def test_cli_bad_kind_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "questions", "--kind", "riddle")
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0 and "not a question kind" in err


def test_cli_role_shows_stages(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "role", "tpm")
    assert code == 0
    assert "Stages" in out and "Red flags" in out and "Scorecard dimensions" in out


def test_cli_unknown_role_is_clear(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "role", "astronaut")
    assert code == 1
    assert err.startswith("error: unknown role 'astronaut'") and "tpm" in err
    assert "Traceback" not in err


def test_cli_question_detail(capsys: pytest.CaptureFixture[str]) -> None:
    qid = run_json(capsys, "questions", "--role", "po")[0]["id"]  # type: ignore[index]
    code, out, _ = run(capsys, "question", qid)
    assert code == 0 and "Talking points" in out and "Follow-ups" in out
    detail = run_json(capsys, "question", qid)
    assert detail["id"] == qid  # type: ignore[index]


def test_cli_search_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    hits = run_json(capsys, "search", "risk register")
    assert isinstance(hits, list) and hits
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    for h in hits:
        assert set(h) >= {"type", "id", "role", "text", "score"}
        assert h["type"] in {"question", "follow-up", "case", "ask-interviewer", "guidance"}


def test_cli_packs_validate_builtin_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "packs", "validate")
    assert code == 0 and out.startswith("ok:")


def test_cli_packs_validate_bad_pack_exits_1(
    capsys: pytest.CaptureFixture[str], mini_pack: Path
) -> None:
    q = mini_pack / "questions.yaml"
    q.write_text(q.read_text().replace("stages: [screen]", "stages: [nowhere]"))
    code, _, err = run(capsys, "packs", "validate", str(mini_pack))
    assert code == 1
    assert "mini/questions.yaml:5: unknown stage 'nowhere'" in err


def test_cli_user_pack_adds_a_role(capsys: pytest.CaptureFixture[str], mini_pack: Path) -> None:
    roles = run_json(capsys, "--packs", str(mini_pack), "roles")
    assert "mini" in {r["id"] for r in roles}  # type: ignore[union-attr]
    listed = run_json(capsys, "--packs", str(mini_pack), "packs", "list")
    assert any(p["id"] == "mini" and not p["builtin"] for p in listed)  # type: ignore[union-attr]


def test_cli_env_packs(
    capsys: pytest.CaptureFixture[str], mini_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOPCOACH_PACKS", str(mini_pack))
    qs = run_json(capsys, "questions", "--role", "mini")
    assert [q["id"] for q in qs] == ["mini-plan"]  # type: ignore[index]


def test_cli_plain_output_when_not_a_tty(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "loopcoach", "roles"], capture_output=True, text=True, check=True
    ).stdout
    first = out.splitlines()[0]
    assert first.split("\t") == ["id", "name", "stages", "questions", "cases"]
    assert "\x1b[" not in out
