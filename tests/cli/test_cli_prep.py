"""`loopcoach prep`, `stories` and `resume score`, run in-process against a temporary database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.prep.resumes import BROKEN, RESUMES

from loopcoach.cli.app import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str):  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_cli_prep_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "prep", "--history", str(RESUMES / "tpm.docx"), "--role", "tpm")
    assert set(d) >= {"stories", "questions", "coverage", "priorities", "resume"}
    s = d["stories"][0]
    assert set(s) >= {"id", "title", "source", "situation", "task", "action", "result", "themes"}
    q = d["questions"][0]
    assert set(q) >= {"id", "prompt", "matches", "scaffold"}
    assert all(set(m) >= {"story", "score", "why"} for q in d["questions"] for m in q["matches"])
    assert set(d["resume"]) >= {"score", "bullets"}
    assert set(d["resume"]["bullets"][0]) >= {"text", "score", "issues", "fix"}
    listed = run_json(capsys, "stories", "list")
    assert [x["id"] for x in listed] == [x["id"] for x in d["stories"]]


# rendering the PDF takes seconds; tests/prep/test_export.py checks it in the fast loop
@pytest.mark.parametrize(
    "name", ["pack.md", "pack.html", pytest.param("pack.pdf", marks=pytest.mark.slow)]
)
def test_cli_prep_human_report_and_exports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    out_file = tmp_path / name
    code, out, err = run(
        capsys,
        "prep",
        "--history",
        str(RESUMES / "tpo.md"),
        "--role",
        "tpo",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    assert out_file.exists() and f"Wrote {out_file}" in out
    assert "Story bank" in out and "45-second pitch" in out
    if name == "pack.pdf":
        assert out_file.read_bytes().startswith(b"%PDF")


def test_cli_prep_edit_survives_reimport(capsys: pytest.CaptureFixture[str]) -> None:
    history = str(RESUMES / "tpm.md")
    first = run_json(capsys, "prep", "--history", history, "--role", "tpm")
    sid = first["stories"][0]["id"]
    edited = run_json(
        capsys,
        "stories",
        "edit",
        str(sid),
        "--result",
        "Hosting costs fell 31% and the cutover had zero customer impact.",
        "--themes",
        "execution,technical-fluency",
    )
    assert edited["version"] == 2 and edited["draft"] is False
    added = run_json(
        capsys,
        "stories",
        "add",
        "--title",
        "Launch rescue at my first job",
        "--action",
        "I re-cut the scope with product into two releases.",
    )
    again = run_json(capsys, "prep", "--history", history, "--role", "tpm")
    by_id = {s["id"]: s for s in again["stories"]}
    assert by_id[sid]["result"].startswith("Hosting costs fell 31% and the cutover")
    assert by_id[sid]["themes"] == ["execution", "technical-fluency"]
    assert added["id"] in by_id and by_id[added["id"]]["origin"] == "user"
    shown = run_json(capsys, "stories", "show", str(sid))
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    code, out, _ = run(capsys, "stories", "show", str(sid))
    assert code == 0 and "30-second headline" in out and "Deep-dive outline" in out


def test_cli_prep_failed_import_stores_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "prep", "--history", str(RESUMES / "po.json"), "--role", "po")
    before = run_json(capsys, "stories", "list")
    code, out, err = run(capsys, "prep", "--history", str(BROKEN / "locked.pdf"), "--role", "po")
    assert code == 1 and out == ""
    assert err == (
        "error: locked.pdf: the PDF is password-protected; save an unprotected copy "
        "or paste the text instead\n"
    )
    assert run_json(capsys, "stories", "list") == before


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("scanned.pdf", "no text layer (scanned image); paste the text instead"),
        ("torn.pdf", "damaged"),
        ("empty.txt", "empty"),
        ("resume.exe", "not '.exe'"),
    ],
)
def test_cli_resume_score_broken_files(
    capsys: pytest.CaptureFixture[str], name: str, says: str
) -> None:
    code, _, err = run(capsys, "resume", "score", str(BROKEN / name), "--role", "tpm")
    assert code == 1 and says in err and "Traceback" not in err and err.count("\n") == 1


def test_cli_resume_score_oversize_and_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(11 * 1024 * 1024)  # sparse: nothing is written or read
    code, _, err = run(capsys, "resume", "score", str(big), "--role", "tpm")
    assert code == 1 and "over the 10 MB limit" in err
    code, _, err = run(capsys, "resume", "score", str(tmp_path / "nope.md"), "--role", "tpm")
    assert code == 1 and "no such file" in err


def test_cli_resume_score(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "resume", "score", str(RESUMES / "po.json"), "--role", "po")
    assert set(d) >= {"score", "bullets"} and 0 <= d["score"] <= 100
    assert all(set(b) >= {"text", "score", "issues", "fix"} for b in d["bullets"])
    code, out, _ = run(capsys, "resume", "score", str(RESUMES / "tpm.txt"), "--role", "tpm")
    assert code == 0 and "Fix first" in out


def test_cli_stories_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stories", "show", "999")
    assert code == 1 and "unknown story '999'" in err
    code, _, err = run(capsys, "stories", "add", "--title", "x", "--themes", "Bad Theme!")
    assert code == 1 and "not a theme id" in err
    code, _, err = run(capsys, "prep", "--history", str(RESUMES / "tpm.md"), "--role", "nope")
    assert code == 1 and "unknown role 'nope'" in err
    code, _, err = run(
        capsys, "prep", "--history", str(RESUMES / "tpm.md"), "--role", "tpm", "--out", "pack.docx"
    )
    assert code == 1 and "pack.md, pack.html or pack.pdf" in err


def test_cli_story_bank_is_the_users(capsys: pytest.CaptureFixture[str]) -> None:
    tpm, tpo = str(RESUMES / "tpm.md"), str(RESUMES / "tpo.md")
    first = run_json(capsys, "prep", "--history", tpm, "--role", "tpm")
    bank1 = run_json(capsys, "stories", "list")
    assert first["imported"]["added"] == len(bank1) == len(first["stories"])
    # re-importing the same résumé changes nothing
    again = run_json(capsys, "prep", "--history", tpm, "--role", "tpm")
    assert again["imported"]["added"] == again["imported"]["refreshed"] == 0
    assert run_json(capsys, "stories", "list") == bank1
    # a saved pack reopens identical
    assert run_json(capsys, "prep", "--open", str(first["pack_id"])) == first
    listed = run_json(capsys, "prep", "--list")
    assert [p["id"] for p in listed] == [again["pack_id"], first["pack_id"]]
    # a TPO pack of the same résumé leaves the TPM themes alone
    run_json(capsys, "prep", "--history", tpm, "--role", "tpo")
    bank2 = {s["id"]: s for s in run_json(capsys, "stories", "list")}
    for s in bank1:
        assert bank2[s["id"]]["themes_by_role"]["tpm"] == s["themes_by_role"]["tpm"]
        assert "tpo" in bank2[s["id"]]["themes_by_role"]
    # edit one, import a second résumé: every id and edit kept, no mixing into the other pack
    sid = bank1[0]["id"]
    run_json(capsys, "stories", "edit", str(sid), "--result", "Costs fell 31%.")
    other = run_json(capsys, "prep", "--history", tpo, "--role", "tpo")
    bank3 = {s["id"]: s for s in run_json(capsys, "stories", "list")}
    assert set(bank2) <= set(bank3)
    assert bank3[sid]["result"] == "Costs fell 31%." and bank3[sid]["version"] == 2
    assert sid not in {s["id"] for s in other["stories"]}
    code, out, _ = run(capsys, "stories", "show", str(sid))
    assert code == 0 and "Costs fell 31%." in out
    # rebuild a saved pack: the edit shows, the ids are the same
    rebuilt = run_json(capsys, "prep", "--rebuild", str(first["pack_id"]))
    assert [s["id"] for s in rebuilt["stories"]] == [s["id"] for s in first["stories"]]
    assert next(s for s in rebuilt["stories"] if s["id"] == sid)["result"] == "Costs fell 31%."


def test_cli_stories_match(capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "prep", "--history", str(RESUMES / "tpm.md"), "--role", "tpm")
    found = run_json(
        capsys,
        "stories",
        "match",
        "You're managing a platform migration "
        "involving six engineering teams across three time zones",
        "--role",
        "tpm",
    )
    assert found and set(found[0]) == {"story", "score", "why"}
    assert [m["score"] for m in found] == sorted((m["score"] for m in found), reverse=True)
    assert "move of 140 services" in found[0]["story"]["title"] and found[0]["why"]
    code, out, _ = run(capsys, "stories", "match", "Tell me about a conflict between teams")
    assert code == 0 and "score" in out


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (bytes(range(1, 256)) * 20, "binary, not text"),
        (
            "Senior TPM, Acme, 2020 - Present\n- Cut costs by 30% für 4 Teams".encode("cp1252"),
            "not valid UTF-8 (byte 0xfc at byte offset 53)",
        ),
    ],
)
def test_cli_prep_refuses_garbage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes, says: str
) -> None:
    run_json(capsys, "prep", "--history", str(RESUMES / "tpm.md"), "--role", "tpm")
    before = run_json(capsys, "stories", "list")
    path = tmp_path / "cv.txt"
    path.write_bytes(data)
    code, _, err = run(capsys, "prep", "--history", str(path), "--role", "tpm")
    assert code == 1 and says in err and err.count("\n") == 1, err
    assert run_json(capsys, "stories", "list") == before


def test_cli_prep_reworded_resume_updates_stories_in_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (RESUMES / "tpm.md").read_text(encoding="utf-8")
    first = run_json(capsys, "prep", "--history", str(RESUMES / "tpm.md"), "--role", "tpm")
    by_source = {s["source"]: s for s in first["stories"]}
    moved = next(s for s in first["stories"] if "AWS" in s["source"])
    rescued = next(s for s in first["stories"] if "Rescued" in s["source"])
    run_json(capsys, "stories", "edit", str(rescued["id"]), "--task", "Save the launch date.")
    edited = text.replace(
        "Led the move of 140 services from our own data centre to AWS (EKS) with nine "
        "engineering teams in nine months; hosting costs fell 31%",
        "Led the move of 150 services from our data centre to AWS (EKS) with nine "
        "engineering teams in eight months; hosting costs fell 33%",
    ).replace("that was five weeks late", "that was six weeks late")
    edited += "\n"  # and one new achievement under the first role
    edited = edited.replace(
        "- Persuaded the VP",
        "- Cut the on-call pager load from 40 to 12 pages a week by fixing alert routing.\n"
        "- Persuaded the VP",
    )
    assert edited.count("150 services") == 1 and "six weeks late" in edited
    path = tmp_path / "tpm-v2.md"
    path.write_text(edited, encoding="utf-8")
    again = run_json(capsys, "prep", "--history", str(path), "--role", "tpm")
    assert again["imported"]["added"] == 1
    assert again["imported"]["reworded"] == 1 and again["imported"]["reworded_kept_edits"] == 1
    ids = {s["id"] for s in again["stories"]}
    assert {s["id"] for s in first["stories"]} < ids and len(ids) == len(by_source) + 1
    new_move = next(s for s in again["stories"] if s["id"] == moved["id"])
    assert "150 services" in new_move["source"] and "33%" in new_move["result"]
    kept = next(s for s in again["stories"] if s["id"] == rescued["id"])
    assert kept["task"] == "Save the launch date." and "six weeks" in kept["source"]
    assert len(run_json(capsys, "stories", "list")) == len(ids)
    code, out, _ = run(capsys, "prep", "--history", str(path), "--role", "tpm")
    assert code == 0 and "Reworded lines" not in out  # the same file again: nothing reworded
