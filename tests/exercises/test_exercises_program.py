"""Program-plan checker: missing elements, RACI, gates, risk register, critical path."""

from __future__ import annotations

from pathlib import Path

from loopcoach.exercises import critical_path as cpm
from loopcoach.exercises import program

FIX = Path(__file__).parents[1] / "fixtures" / "exercises"
CASE_WS = [
    cpm.Workstream("design", "Design", 5),
    cpm.Workstream("api", "Build API", 10, ("design",)),
    cpm.Workstream("ui", "Build UI", 6, ("design",)),
    cpm.Workstream("data", "Data migration", 8, ("design",)),
    cpm.Workstream("integrate", "Integrate", 4, ("api", "ui")),
    cpm.Workstream("test", "Test", 3, ("integrate", "data")),
]


def check(name: str, **kw: object) -> program.PlanResult:
    path = FIX / name
    return program.check_plan(
        path.read_text(encoding="utf-8"), is_yaml=path.suffix == ".yaml", source=name, **kw
    )  # type: ignore[arg-type]


def test_program_good_plan_has_no_findings() -> None:
    result = check(
        "plan-good.md",
        expected=["Phase gates with go/no-go criteria", "A rollback path behind a feature flag"],
    )
    assert result.findings == ()
    assert all(line is not None for line in result.present.values())
    # the Markdown table of workstreams gives the schedule
    assert result.workstreams_from == "plan"
    assert result.schedule is not None
    assert result.schedule.critical_path == ("design", "api", "integrate", "test")


def test_program_thin_plan_findings() -> None:
    result = check(
        "plan-thin.md", case_workstreams=CASE_WS, expected=["A rollback path behind a feature flag"]
    )
    found = {f.code: f for f in result.findings}
    for element in (
        "non-goals",
        "assumptions",
        "workstreams",
        "milestones",
        "dependencies",
        "metrics",
        "cadence",
        "rollback",
        "communication",
    ):
        assert f"missing-{element}" in found, element
    assert "missing-goals" not in found
    assert found["no-raci"].line == 6
    assert found["gate-without-criteria"].line == 9
    assert found["risk-register-incomplete"].line == 12
    assert "probability, impact, owner, mitigation" in found["risk-register-incomplete"].message
    wrong = found["wrong-critical-path"]
    assert wrong.line == 16
    assert "leaves out api" in wrong.message and "includes ui" in wrong.message
    assert "missing-expected" in found
    assert result.workstreams_from == "case"


def test_program_missing_critical_path_names_the_computed_one() -> None:
    result = program.check_plan("# Goals\nShip it.\n", case_workstreams=CASE_WS)
    found = {f.code: f for f in result.findings}
    assert "Design → Build API → Integrate → Test (22 days)" in (
        found["missing-critical-path"].message
    )


def test_program_yaml_plan_checks_each_risk() -> None:
    result = check("plan.yaml")
    # YAML keys such as non_goals and phase_gates count as headings
    assert [(f.code, f.line) for f in result.findings] == [("risk-register-incomplete", 18)]
    assert "'Data migration slips' has no probability, owner, mitigation" in (
        result.findings[0].message
    )
    assert result.schedule is not None and result.schedule.critical_path == ("design", "build")


def test_program_every_element_missing_from_an_unrelated_text() -> None:
    result = program.check_plan("Hello there.\n")
    assert {f.code for f in result.findings} == {f"missing-{e.key}" for e in program.ELEMENTS}
    assert all(f.message for f in result.findings)
