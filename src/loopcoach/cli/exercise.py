"""`loopcoach exercise ...`: the loop's hands-on formats, on your files or on bundled cases.

Each command reads its input (a file, or `--case CASE_ID` from the packs), calls one function of
`loopcoach.exercises` and prints a table, or JSON with `--json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from loopcoach.cli.render import bullets, heading, line, print_json, table
from loopcoach.coach import Coach
from loopcoach.errors import LoopcoachError

if TYPE_CHECKING:  # the exercise modules load when their command runs, not for --help
    from loopcoach.content.schema import Case
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


def _case(ctx: typer.Context, case_id: str) -> Case:
    coach: Coach = ctx.obj
    return coach.library.case(case_id)[1]


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
    from loopcoach.exercises import cases

    coach: Coach = ctx.obj
    roles = [coach.library.role(role)] if role else list(coach.library.roles.values())
    found = cases.practice_list((r.id, r.cases) for r in roles)
    if as_json:
        print_json([p.to_dict() for p in found])
        return
    if not found:
        line("no practice cases in these packs")
        return
    table(
        f"{len(found)} practice cases",
        ["id", "role", "kind", "title", "try"],
        [[p.case_id, p.role, p.kind, p.title, "\n".join(p.commands)] for p in found],
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
    from loopcoach.exercises import backlog, cases, files

    _one_input(file, case_id, "backlog")
    if file is not None:
        records = files.load_records(
            file, what="backlog", list_keys=backlog.LIST_KEYS, aliases=backlog.ALIASES
        )
        items = backlog.items_from_records(records)
    else:
        assert case_id is not None
        items = cases.backlog_items(_case(ctx, case_id))
    order = my_order.split(",") if my_order is not None else None
    result = backlog.prioritise(items, my_order=order, against=against)
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
    from loopcoach.exercises import cases, files, kano

    _one_input(file, case_id, "kano")
    if file is not None:
        records = files.load_records(
            file, what="Kano survey", list_keys=kano.LIST_KEYS, aliases=kano.ALIASES
        )
    else:
        assert case_id is not None
        records = cases.kano_records(_case(ctx, case_id))
    results = kano.classify(records)
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


def _numbers(raw: str, option: str) -> list[float]:
    out = []
    for part in raw.split(","):
        if not part.strip():
            continue
        try:
            out.append(float(part))
        except ValueError:
            raise LoopcoachError(
                "not-a-number",
                f"{option}: {part.strip()!r} is not a number; "
                "give points per sprint, e.g. 21,18,25",
            ) from None
    return out


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
    trials: Annotated[int, typer.Option(help="Monte Carlo trials.")] = 10_000,
    case_id: CaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Forecast how many sprints the remaining points take: a range and a Monte Carlo."""
    from loopcoach.exercises import cases

    if case_id is not None:
        vs, rem, current = cases.forecast_inputs(_case(ctx, case_id))
        if velocities is not None:
            vs = _numbers(velocities, "--velocities")
        rem = remaining if remaining is not None else rem
        current = current_sprint if current_sprint is not None else current
    else:
        if velocities is None or remaining is None:
            raise LoopcoachError(
                "missing-input", "give --velocities 21,18,25 and --remaining N (or --case CASE_ID)"
            )
        vs, rem, current = _numbers(velocities, "--velocities"), remaining, current_sprint
    from loopcoach.exercises import forecast as forecasting

    result = forecasting.forecast(
        vs, rem, window=window, seed=seed, trials=trials, current_sprint=current
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
    from loopcoach.exercises import cases, critical_path, files

    _one_input(file, case_id, "critical-path")
    if file is not None:
        records = files.load_records(
            file,
            what="workstream list",
            list_keys=critical_path.LIST_KEYS,
            aliases=critical_path.ALIASES,
        )
        ws = critical_path.workstreams_from_records(records)
        title = f"Critical path: {file.name}"
    else:
        assert case_id is not None
        case = _case(ctx, case_id)
        ws = cases.workstreams(case)
        title = case.title
    sched = critical_path.schedule(ws)
    if svg is not None:
        _write_svg(svg, critical_path.to_svg(sched, title=title))
    if as_json:
        data = sched.to_dict()
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
    from loopcoach.exercises import acceptance, cases, files

    text = files.read_text(
        file, suffixes=(".feature", ".txt", ".md", ".markdown"), what="acceptance criteria file"
    )
    context = cases.story_context(_case(ctx, case_id)) if case_id else ""
    gherkin = True if file.suffix.lower() == ".feature" else None
    result = acceptance.lint(text, gherkin=gherkin, context=context)
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
    from loopcoach.exercises import cases, files, slicing

    text = files.read_text(
        epic_file, suffixes=(".yaml", ".yml", ".md", ".markdown", ".txt"), what="slices file"
    )
    epic, stories = slicing.parse(
        text, source=epic_file.name, is_yaml=epic_file.suffix.lower() in (".yaml", ".yml")
    )
    suggested: tuple[str, ...] = ()
    if case_id:
        case_epic, suggested = cases.slicing_epic(_case(ctx, case_id))
        epic = epic or case_epic
    result = slicing.check_slices(epic, stories, suggested_patterns=suggested)
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
    from loopcoach.exercises import cases, critical_path, files, program

    coach: Coach = ctx.obj
    case = _case(ctx, case_id)
    cases.require_program(case)
    text = files.read_text(
        plan_file, suffixes=(".md", ".markdown", ".txt", ".yaml", ".yml"), what="plan"
    )
    ws = cases.workstreams(case) if case.data.get("workstreams") else None
    result = program.check_plan(
        text,
        is_yaml=plan_file.suffix.lower() in (".yaml", ".yml"),
        source=plan_file.name,
        case_id=case.id,
        expected=case.expected,
        case_workstreams=ws,
        embedder=coach.analyzer.embedder,
    )
    if svg is not None and result.schedule is not None:
        _write_svg(svg, critical_path.to_svg(result.schedule, title=case.title))
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
