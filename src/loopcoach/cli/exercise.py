"""`loopcoach exercise ...`: the loop's hands-on formats, on your files or on bundled cases.

Each command reads its input (a file, through `coach.uploads`, or `--case CASE_ID` from the
packs), calls `coach.exercises` (the same service the web app calls) and prints a table, or its
result's JSON with `--json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from loopcoach.app import Coach
from loopcoach.cli.render import bullets, heading, line, print_json, table
from loopcoach.errors import LoopcoachError

if TYPE_CHECKING:  # the exercise modules load when their command runs, not for --help
    from collections.abc import Mapping

    from loopcoach.app.uploads import Document
    from loopcoach.exercises.findings import Finding

app = typer.Typer(
    help="Practise the loop's hands-on formats: backlog prioritisation, Kano, forecasts, story "
    "slicing, acceptance criteria, program plans and the critical path. Every command takes "
    "--json; `loopcoach exercise list` shows the bundled practice cases.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
CaseOpt = Annotated[
    str | None,
    typer.Option("--case", metavar="CASE_ID", help="Use a bundled case's data instead of FILE."),
]
FileArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="[FILE]",
        help="Your input file (see the command's help for its format).",
        show_default=False,
    ),
]


def _read(ctx: typer.Context, file: Path, formats: Mapping[str, str], what: str) -> Document:
    coach: Coach = ctx.obj
    return coach.uploads.exercise_file(file, formats, what=what)


def _table(ctx: typer.Context, file: Path | None, what: str) -> Document | None:
    from loopcoach.app.uploads import TABLE_FORMATS

    return None if file is None else _read(ctx, file, TABLE_FORMATS, what)


def _one_input(file: Path | None, case_id: str | None, command: str) -> None:
    if file is None and case_id is None:
        raise LoopcoachError(
            "missing-input",
            f"give a FILE or --case CASE_ID; `loopcoach "
            f"exercise {command} --help` shows the file format",
        )
    if file is not None and case_id is not None:
        raise LoopcoachError("missing-input", "give a FILE or --case CASE_ID, not both")


def _findings(findings: tuple[Finding, ...] | list[Finding], title: str = "Findings") -> None:
    if not findings:
        line("No findings: nothing missing that loopcoach checks for.")
        return
    table(
        f"{title} ({len(findings)})",
        ["line", "code", "message"],
        [[f.line if f.line is not None else "-", f.code, f.message] for f in findings],
    )


@app.command("list")
def list_cases(
    ctx: typer.Context,
    role: Annotated[str | None, typer.Option(help="Only this role (tpm, tpo, po, ...).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the bundled practice cases and the command that practises each."""
    coach: Coach = ctx.obj
    found = coach.exercises.practice_list(role)
    if as_json:
        print_json(found)
        return
    if not found:
        line("no practice cases in these packs")
        return
    table(
        f"{len(found)} practice cases",
        ["id", "role", "kind", "title", "try"],
        [[p["id"], p["role"], p["kind"], p["title"], "\n".join(p["commands"])] for p in found],
    )
    line("`loopcoach search CASE_ID` or `loopcoach role ROLE` shows a case's prompt.")


@app.command("backlog")
def backlog_cmd(
    ctx: typer.Context,
    file: FileArg = None,
    case_id: CaseOpt = None,
    my_order: Annotated[
        str | None,
        typer.Option(
            "--my-order", metavar="ID,ID,...", help="Your own order, every id once, best first."
        ),
    ] = None,
    against: Annotated[str, typer.Option(help="Compare your order with: wsjf or rice.")] = "wsjf",
    as_json: JsonOpt = False,
) -> None:
    """Order a backlog by WSJF and RICE (dependencies first) and compare your own order.

    FILE is CSV or YAML with id, title, business_value, time_criticality, risk_reduction,
    job_size; optional reach, impact, confidence, effort, moscow, depends_on (ids separated by
    ';'). YAML: a list of items, or 'items:' holding one.
    """
    from loopcoach.exercises import backlog

    coach: Coach = ctx.obj
    _one_input(file, case_id, "backlog")
    order = my_order.split(",") if my_order is not None else None
    result = coach.exercises.backlog(
        table=_table(ctx, file, "backlog"), case_id=case_id, my_order=order, against=against
    )
    if as_json:
        print_json(result.to_dict())
        return
    data = result.to_dict()
    table(
        "Backlog",
        ["id", "title", "WSJF", "RICE", "rank WSJF", "rank RICE", "depends on"],
        [
            [
                i["id"],
                i["title"],
                i["wsjf"],
                "-" if i["rice"] is None else i["rice"],
                i["rank_wsjf"],
                i["rank_rice"] or "-",
                ", ".join(i["depends_on"]) or "-",
            ]
            for i in data["items"]
        ],
    )
    line(f"WSJF order: {' > '.join(result.orders['wsjf'] or [])}")
    if result.orders["rice"]:
        line(f"RICE order: {' > '.join(result.orders['rice'])}")
    for note in result.notes:
        line(note)
    if result.comparison:
        heading("Your order")
        line(result.comparison.summary())
        bullets(
            [
                f"{i.message}: costs {backlog.fmt_score(i.cost)}"
                for i in result.comparison.inversions
            ]
        )
        bullets(list(result.comparison.dependency_violations))


@app.command("kano")
def kano_cmd(
    ctx: typer.Context, file: FileArg = None, case_id: CaseOpt = None, as_json: JsonOpt = False
) -> None:
    """Classify features from Kano survey answers (the standard evaluation table).

    FILE is CSV or YAML with one row per respondent and feature: feature, functional,
    dysfunctional; answers are like, expect, neutral, tolerate or dislike.
    """
    coach: Coach = ctx.obj
    _one_input(file, case_id, "kano")
    results = coach.exercises.kano(table=_table(ctx, file, "Kano survey"), case_id=case_id)
    if as_json:
        print_json({"features": [r.to_dict() for r in results]})
        return
    rows = [r.to_dict() for r in results]
    table(
        "Kano classification",
        ["feature", "category", "A", "O", "M", "I", "R", "Q", "better", "worse", "advice"],
        [
            [
                r["feature"],
                f"{r['category']} ({r['category_name']})",
                *(r["counts"][c] for c in "AOMIRQ"),
                r["better"],
                r["worse"],
                r["advice"],
            ]
            for r in rows
        ],
    )


@app.command("forecast")
def forecast_cmd(
    ctx: typer.Context,
    velocities: Annotated[
        str | None,
        typer.Option(metavar="N,N,...", help="Completed points per sprint, oldest first."),
    ] = None,
    remaining: Annotated[float | None, typer.Option(help="Points left to do.")] = None,
    seed: Annotated[
        int, typer.Option(help="Seed for the Monte Carlo (same seed, same answer).")
    ] = 42,
    current_sprint: Annotated[
        int | None,
        typer.Option(help="Number of the first sprint that works on the remaining points."),
    ] = None,
    window: Annotated[int, typer.Option(help="Recent sprints for the mean: 3, 4 or 5.")] = 5,
    trials: Annotated[int, typer.Option(help="Monte Carlo trials, 1 to 20000.")] = 10_000,
    case_id: CaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Forecast how many sprints the remaining points take: a range and a Monte Carlo."""
    from loopcoach.app.exercises import parse_points

    coach: Coach = ctx.obj
    if case_id is None and (velocities is None or remaining is None):
        raise LoopcoachError(
            "missing-input", "give --velocities 21,18,25 and --remaining N (or --case CASE_ID)"
        )
    result = coach.exercises.forecast(
        case_id=case_id,
        velocities=None if velocities is None else parse_points(velocities, "--velocities"),
        remaining=remaining,
        current_sprint=current_sprint,
        seed=seed,
        window=window,
        trials=trials,
    )
    if as_json:
        print_json(result.to_dict())
        return
    data = result.to_dict()
    finish = data["finish_sprint"] or {}
    rows = [
        ["optimistic (best sprint)", data["range"]["optimistic"], finish.get("optimistic")],
        ["likely (mean)", data["range"]["likely"], finish.get("likely")],
        [
            "pessimistic (worst sprint)",
            data["range"]["pessimistic"] or "no bound",
            finish.get("pessimistic"),
        ],
        [f"Monte Carlo p50 (seed {seed})", data["monte_carlo"]["p50"], finish.get("p50")],
        [f"Monte Carlo p85 (seed {seed})", data["monte_carlo"]["p85"], finish.get("p85")],
    ]
    table(
        "Forecast",
        ["estimate", "sprints", "finishes in sprint"],
        [[r[0], r[1], "-" if r[2] is None else r[2]] for r in rows],
    )
    line(result.explanation())


@app.command("critical-path")
def critical_path_cmd(
    ctx: typer.Context,
    file: FileArg = None,
    case_id: CaseOpt = None,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", metavar="OUT.svg", help="Also write a diagram of the schedule."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Critical path, earliest/latest start and finish, and slack of workstreams (CPM).

    FILE is CSV or YAML with id, name, duration (days), depends_on (ids separated by ';').
    YAML: a list, or 'workstreams:' holding one.
    """
    coach: Coach = ctx.obj
    _one_input(file, case_id, "critical-path")
    found = coach.exercises.critical_path(
        table=_table(ctx, file, "workstream list"), case_id=case_id
    )
    sched = found.schedule
    if svg is not None:
        _write_svg(svg, found.svg())
    if as_json:
        data = found.to_dict()
        if svg is not None:
            data["svg"] = str(svg)
        print_json(data)
        return
    table(
        "Workstreams",
        ["id", "name", "days", "ES", "EF", "LS", "LF", "slack", "critical"],
        [
            [
                d["id"],
                d["name"],
                d["duration"],
                d["earliest_start"],
                d["earliest_finish"],
                d["latest_start"],
                d["latest_finish"],
                d["slack"],
                "yes" if d["critical"] else "",
            ]
            for d in (s.to_dict() for s in sched.items)
        ],
    )
    line(sched.summary())
    if svg is not None:
        line(f"Diagram written to {svg}")


def _write_svg(path: Path, content: str) -> None:
    if path.suffix.lower() != ".svg":
        raise LoopcoachError("file-type", f"--svg {path}: the diagram file must end in .svg")
    try:
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise LoopcoachError(
            "file-write", f"--svg {path}: cannot write ({exc.strerror}); choose a writable path"
        ) from None


@app.command("ac")
def ac_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help=".feature (Gherkin) or .txt/.md (one criterion per line)."
        ),
    ],
    case_id: CaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Lint acceptance criteria: unhappy paths, timeouts, retries, NFRs, vague words.

    FILE is Gherkin (a .feature file, or scenarios pasted into a .txt/.md) or a plain list with
    one criterion per line or bullet. With --case, the case's story decides which checks apply
    (a payment makes retries and idempotency matter).
    """
    from loopcoach.app.uploads import CRITERIA_FORMATS

    coach: Coach = ctx.obj
    doc = _read(ctx, file, CRITERIA_FORMATS, "acceptance criteria file")
    gherkin = True if doc.fmt == "gherkin" else None
    result = coach.exercises.acceptance(doc.text, case_id=case_id, gherkin=gherkin)
    if as_json:
        print_json(result.to_dict())
        return
    what = "scenario" if result.format == "gherkin" else "criteri"
    what += (
        ("" if result.scenarios == 1 else "s")
        if result.format == "gherkin"
        else ("on" if result.scenarios == 1 else "a")
    )
    line(f"{file.name}: {result.format}, {result.scenarios} {what}")
    _findings(result.findings)


@app.command("slices")
def slices_cmd(
    ctx: typer.Context,
    epic_file: Annotated[Path, typer.Argument(metavar="EPIC_FILE", help="YAML or Markdown.")],
    case_id: CaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check your story slices: INVEST signals, horizontal slices, slicing patterns used.

    \b
    EPIC_FILE, as YAML:
      epic: Gift subscriptions
      slices:
        - title: Buy a one-box gift by card
          story: As a gift buyer, I want ... so that ...
          estimate: 3              # optional, story points
          acceptance: [...]        # optional
        - As a recipient, I want ... so that ...
    or as Markdown (.md / .txt):
      # Epic: Gift subscriptions
      ## Slices
      - Buy a one-box gift by card: As a gift buyer, I want ... so that ... (3 points)
        - indented bullets are the slice's acceptance criteria
    With --case the epic comes from the case and may be left out of the file.
    """
    from loopcoach.app.uploads import DOC_FORMATS
    from loopcoach.exercises import slicing

    coach: Coach = ctx.obj
    doc = _read(ctx, epic_file, DOC_FORMATS, "slices file")
    result = coach.exercises.slices(doc, case_id=case_id)
    epic, suggested = result.epic, result.suggested_patterns
    if as_json:
        print_json(result.to_dict())
        return
    heading(f"Epic: {epic or '(not named)'}")
    table(
        "Slices",
        ["id", "slice", "I", "N", "V", "E", "S", "T", "patterns"],
        [
            [
                c.story.id,
                c.story.title,
                *("yes" if s.ok else "no" for s in c.signals),
                ", ".join(slicing.PATTERNS[p][0] for p in c.patterns)
                or ("horizontal" if c.horizontal else "-"),
            ]
            for c in result.stories
        ],
    )
    used = result.patterns
    line("Patterns used: " + (", ".join(slicing.PATTERNS[p][0] for p in used) or "none"))
    _findings(result.findings)
    if suggested:
        heading("Patterns the case suggests")
        bullets(list(suggested))


@app.command("plan")
def plan_cmd(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID", help="A program-plan case.")],
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN_FILE", help="Markdown or YAML.")],
    svg: Annotated[
        Path | None,
        typer.Option("--svg", metavar="OUT.svg", help="Also write the critical-path diagram."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check your plan for a program case: goals to rollback, risks, gates, critical path.

    PLAN_FILE is Markdown (a heading or 'Label:' line per element: Goals, Non-goals,
    Assumptions, Stakeholders / RACI, Workstreams, Milestones, Phase gates, Dependencies,
    Risks, Metrics, Cadence, Rollback, Communication, Critical path) or YAML with those keys.
    Workstreams with id, duration and depends_on (a YAML list or a Markdown table) give the
    critical path; otherwise the case's workstreams are used.
    """
    from loopcoach.app.uploads import DOC_FORMATS
    from loopcoach.exercises import program

    coach: Coach = ctx.obj
    coach.exercises.require_program(case_id)  # a wrong case fails before the file is read
    doc = _read(ctx, plan_file, DOC_FORMATS, "plan")
    found = coach.exercises.plan(case_id, doc)
    result, case = found.result, found.case
    diagram = found.svg()
    if svg is not None and diagram is not None:
        _write_svg(svg, diagram)
    if as_json:
        print_json(result.to_dict())
        return
    heading(f"{case.title} ({case.id})")
    table(
        "Plan elements",
        ["element", "found at line"],
        [[e.label, result.present.get(e.key) or "missing"] for e in program.ELEMENTS],
    )
    if result.schedule is not None:
        line(f"{result.schedule.summary()} [workstreams from the {result.workstreams_from}]")
    _findings(result.findings)
