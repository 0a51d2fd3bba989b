"""Browse the packs: roles, role, questions, question, search."""

from __future__ import annotations

from typing import Annotated

import typer

from loopcoach.app import Coach
from loopcoach.cli.render import bullets, heading, line, print_json, table
from loopcoach.content.schema import QUESTION_KINDS
from loopcoach.content.serialize import question_dict, role_dict, role_summary
from loopcoach.errors import LoopcoachError

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def register(app: typer.Typer) -> None:
    @app.command()
    def roles(ctx: typer.Context, as_json: JsonOpt = False) -> None:
        """List the roles loopcoach knows (built-in and from your packs)."""
        coach: Coach = ctx.obj
        rows = [role_summary(r) for r in coach.library.roles.values()]
        if as_json:
            print_json(rows)
            return
        table(
            "Roles",
            ["id", "name", "stages", "questions", "cases"],
            [[r["id"], r["name"], r["stages"], r["questions"], r["cases"]] for r in rows],
        )

    @app.command()
    def role(
        ctx: typer.Context,
        role_id: Annotated[str, typer.Argument(metavar="ID")],
        as_json: JsonOpt = False,
    ) -> None:
        """Show one role: stages, formats, what is screened for, red flags, scorecard."""
        coach: Coach = ctx.obj
        r = coach.library.role(role_id)
        if as_json:
            print_json(role_dict(r))
            return
        heading(f"{r.info.name} ({r.id})")
        line(r.info.summary)
        for other, diff in r.info.differs_from.items():
            line(f"  vs {other}: {diff}")
        table(
            "Stages",
            ["id", "stage", "who", "minutes", "checks"],
            [
                [
                    s.id,
                    s.name,
                    s.interviewer,
                    f"{s.minutes}-{s.minutes_max}" if s.minutes_max else s.minutes,
                    "; ".join(s.checks),
                ]
                for s in r.stages
            ],
        )
        table(
            "Formats",
            ["id", "format", "description"],
            [[f.id, f.name, f.description] for f in r.formats],
        )
        heading("What hiring managers screen for")
        bullets([f"{i.label}: {i.description}" for i in r.screens_for])
        heading("Red flags")
        bullets([f"{f.label}: {f.advice}" for f in r.red_flags])
        table(
            "Scorecard dimensions",
            ["id", "dimension", "what a 4 looks like"],
            [[d.id, d.name, d.levels[4]] for d in r.dimensions],
        )
        if r.cases:
            table("Cases", ["id", "kind", "title"], [[c.id, c.kind, c.title] for c in r.cases])
        line(f"\n{len(r.questions)} questions: `loopcoach questions --role {r.id}`")

    @app.command()
    def questions(
        ctx: typer.Context,
        role: Annotated[str | None, typer.Option(help="Role id (tpm, tpo, po, ...).")] = None,
        kind: Annotated[str | None, typer.Option(help="/".join(QUESTION_KINDS))] = None,
        stage: Annotated[str | None, typer.Option(help="Stage id.")] = None,
        competency: Annotated[str | None, typer.Option(help="Competency id.")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """List questions, filtered by role, kind, stage or competency."""
        coach: Coach = ctx.obj
        if kind and kind not in QUESTION_KINDS:
            raise LoopcoachError(
                "bad-kind",
                f"--kind {kind!r} is not a question kind; use one of {', '.join(QUESTION_KINDS)}",
            )
        found = coach.library.questions(role=role, kind=kind, stage=stage, competency=competency)
        if as_json:
            print_json([question_dict(r, q) for r, q in found])
            return
        table(
            f"{len(found)} questions",
            ["id", "role", "kind", "prompt"],
            [[q.id, r.id, q.kind, q.prompt] for r, q in found],
        )

    @app.command()
    def question(
        ctx: typer.Context,
        question_id: Annotated[str, typer.Argument(metavar="ID")],
        as_json: JsonOpt = False,
    ) -> None:
        """Everything about one question: why it is asked, rubric, follow-ups."""
        coach: Coach = ctx.obj
        r, q = coach.library.question(question_id)
        if as_json:
            print_json(question_dict(r, q))
            return
        heading(q.prompt)
        line(
            f"{q.id} · {r.id} · {q.kind} · answer shape: {q.expected_framework} · "
            f"about {q.target_seconds} s"
        )
        line(
            f"Stages: {', '.join(q.stages) or '-'}   Competencies: "
            f"{', '.join(r.competency_name(c) for c in q.competencies) or '-'}"
        )
        heading("Why it is asked")
        line(q.why)
        if q.pointers:
            heading("Prep pointers")
            bullets(q.pointers)
        heading("Talking points a strong answer makes")
        bullets([f"{t.label}: {t.description}" for t in q.talking_points])
        if q.red_flags:
            heading("Red flags")
            bullets([f"{f.label}: {f.advice}" for f in q.red_flags])
        heading("Follow-ups")
        bullets([f"[{f.trigger}] {f.prompt}" for f in q.follow_ups])
        if q.model_answer:
            heading("Outline of a strong answer")
            bullets(q.model_answer)

    @app.command()
    def search(
        ctx: typer.Context,
        text: Annotated[str, typer.Argument(help="Words or a whole question.")],
        role: Annotated[str | None, typer.Option(help="Only this role.")] = None,
        limit: Annotated[int, typer.Option(min=1, max=200)] = 10,
        as_json: JsonOpt = False,
    ) -> None:
        """Search prompts, follow-ups, cases, questions to ask and guidance."""
        coach: Coach = ctx.obj
        hits = coach.search(text, role=role, limit=limit)
        if as_json:
            print_json([h.to_dict() for h in hits])
            return
        if not hits:
            line("no match; try fewer or different words")
            return
        table(
            f"Results for {text!r}",
            ["score", "type", "id", "text"],
            [[f"{h.score:.1f}", h.type, h.id, h.text] for h in hits],
        )
