"""`loopcoach exercise ...`: JSON contracts on user files and on bundled cases, and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loopcoach.cli.app import main

FIX = Path(__file__).parents[1] / "fixtures" / "exercises"
PACK = str(FIX / "pack")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(["--packs", PACK, *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, "exercise", *argv, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict | list)
    return data  # type: ignore[return-value]


def fx(name: str) -> str:
    return str(FIX / name)


def test_cli_exercise_backlog_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "backlog", fx("backlog.csv"), "--my-order", "A,F,S,R,D")
    assert data["orders"] == {"wsjf": ["F", "S", "A", "R", "D"], "rice": ["F", "A", "R", "S", "D"]}
    first = data["items"][0]
    assert {"id", "wsjf", "rice"} <= set(first) and first["wsjf"] == 2
    comp = data["comparison"]
    assert comp["kendall_tau"] == 0.6
    assert comp["inversions"][0]["message"] == (
        "You put 'Audit log' (WSJF 2.0) before 'Fraud check' (WSJF 8.5)"
    )


def test_cli_exercise_backlog_without_my_order_has_no_comparison(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_json(capsys, "backlog", fx("backlog.yaml"))["comparison"] is None


def test_cli_exercise_backlog_case(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "backlog", "--case", "exdrill-backlog")
    assert data["orders"]["wsjf"] == ["F", "S", "A", "R", "D"]


def test_cli_exercise_forecast_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "forecast",
        "--velocities",
        "21,18,25",
        "--remaining",
        "100",
        "--seed",
        "5",
        "--current-sprint",
        "10",
    ]
    data = run_json(capsys, *argv)
    assert data["range"] == {"optimistic": 4, "likely": 5, "pessimistic": 6}
    assert data["finish_sprint"]["optimistic"] == 13
    assert "between sprint 13 and 15" in data["explanation"]
    assert run_json(capsys, *argv)["monte_carlo"] == data["monte_carlo"]  # seeded


def test_cli_exercise_forecast_case(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "forecast", "--case", "exdrill-forecast")
    assert data["current_sprint"] == 10 and data["range"]["likely"] == 5


def test_cli_exercise_critical_path_json_and_svg(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    svg = tmp_path / "cp.svg"
    data = run_json(capsys, "critical-path", fx("workstreams.csv"), "--svg", str(svg))
    assert data["critical_path"] == ["design", "api", "integrate", "test"]
    assert data["duration"] == 22
    assert data["slack"]["data"] == 6
    assert svg.read_text(encoding="utf-8").startswith("<svg")


def test_cli_exercise_critical_path_case(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "critical-path", "--case", "exdrill-program")
    assert data["critical_path"] == ["design", "api", "integrate", "test"]


def test_cli_exercise_ac_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "ac", fx("good.feature"))["findings"] == []
    found = run_json(capsys, "ac", fx("broken.feature"))["findings"]
    assert found[0]["code"] == "parse-error" and found[0]["line"] == 7
    plain = run_json(capsys, "ac", fx("criteria.txt"), "--case", "exdrill-ac")
    assert {f["code"] for f in plain["findings"]} == {"vague-term", "untestable-then"}
    assert set(plain["findings"][0]) == {"code", "line", "message"}


def test_cli_exercise_slices_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "slices", fx("slices-bad.md"), "--case", "exdrill-slicing")
    assert "horizontal-slice" in {f["code"] for f in data["findings"]}
    assert data["suggested_patterns"] == ["By box size", "By delivery channel"]
    good = run_json(capsys, "slices", fx("slices-good.yaml"))
    assert good["findings"] == []
    assert {p["pattern"] for p in good["patterns"]} == {
        "data-variations",
        "interfaces",
        "happy-unhappy-path",
    }


def test_cli_exercise_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "plan", "exdrill-program", fx("plan-good.md"))
    assert data["findings"] == [] and data["critical_path"] == [
        "design",
        "api",
        "integrate",
        "test",
    ]
    thin = run_json(capsys, "plan", "exdrill-program", fx("plan-thin.md"))
    codes = {f["code"] for f in thin["findings"]}
    assert {"missing-rollback", "no-raci", "wrong-critical-path"} <= codes


def test_cli_exercise_kano_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "kano", fx("kano.csv"))
    assert [(f["feature"], f["category"]) for f in data["features"]] == [
        ("Saved cards", "M"),
        ("Chef videos", "A"),
        ("Social feed", "I"),
    ]
    case = run_json(capsys, "kano", "--case", "exdrill-kano")
    assert case["features"][0]["counts"]["M"] == 1 and case["features"][0]["counts"]["O"] == 1


def test_cli_exercise_list(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "list", "--role", "exdrill")
    assert [p["id"] for p in data] == [
        "exdrill-backlog",
        "exdrill-kano",
        "exdrill-forecast",
        "exdrill-program",
        "exdrill-slicing",
        "exdrill-ac",
    ]
    assert data[3]["commands"] == [
        "loopcoach exercise plan exdrill-program my-plan.md",
        "loopcoach exercise critical-path --case exdrill-program",
    ]
    code, out, _ = run(capsys, "exercise", "list")
    assert code == 0 and "exdrill-kano" in out


def test_cli_exercise_bundled_cases_all_run(capsys: pytest.CaptureFixture[str]) -> None:
    """Every case `exercise list` offers (built-in and the test pack) runs with --case."""
    ran = 0
    for practice in run_json(capsys, "list"):
        for command in practice["commands"]:
            argv = command.split()[2:]
            if "--my-order" in argv:
                argv = argv[: argv.index("--my-order")]
            if any(a.startswith("my-") for a in argv):
                continue  # needs the candidate's own file
            run_json(capsys, *argv)
            ran += 1
    assert ran >= 5


@pytest.mark.parametrize(
    "argv,words",
    [
        (["backlog", fx("backlog-missing-column.csv")], "missing column 'job_size'"),
        (["backlog", fx("backlog.txt")], "not '.txt'"),
        (["backlog"], "give a FILE or --case"),
        (["backlog", fx("backlog.csv"), "--my-order", "A,F"], "leaves out"),
        (["critical-path", fx("workstreams-cycle.yaml")], "dependency cycle"),
        (["critical-path", fx("workstreams-unknown.csv")], "unknown 'ghost'"),
        (["forecast", "--velocities", "21,x,25", "--remaining", "10"], "'x' is not a number"),
        (["forecast"], "--velocities"),
        (["plan", "exdrill-backlog", fx("plan-good.md")], "backlog case"),
        (["plan", "no-such-case", fx("plan-good.md")], "unknown case 'no-such-case'"),
        (["forecast", "--case", "exdrill-backlog"], "exercise forecast"),
        (["ac", fx("backlog.csv")], "not '.csv'"),
    ],
)
def test_cli_exercise_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, out, err = run(capsys, "exercise", *argv)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert words in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv,words",
    [
        (["backlog", fx("backlog.csv"), "--my-order", "A,F,S,R,D"], "Kendall tau 0.60"),
        (
            [
                "forecast",
                "--velocities",
                "21,18,25",
                "--remaining",
                "100",
                "--current-sprint",
                "10",
            ],
            "between sprint 13 and 15",
        ),
        (["critical-path", fx("workstreams.csv")], "Critical path (22 days)"),
        (["ac", fx("bad.feature")], "untestable-then"),
        (["slices", fx("slices-bad.md")], "horizontal"),
        (["plan", "exdrill-program", fx("plan-thin.md")], "Plan elements"),
        (["kano", fx("kano.csv")], "must-be"),
    ],
)
def test_cli_exercise_human_output(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, out, err = run(capsys, "exercise", *argv)
    assert code == 0, err
    assert words in out
