"""`loopcoach analyze`: score an answer, one at a time or a JSONL batch."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from loopcoach.app import Coach
from loopcoach.cli.render import console, print_json
from loopcoach.domain.analysis import Analysis
from loopcoach.errors import LoopcoachError

MAX_FILE_BYTES = 100_000
MAX_BATCH_BYTES = 50_000_000


def read_answer(path: Path | None) -> str:
    if path is None:
        if sys.stdin.isatty():
            sys.stderr.write("Type or paste your answer; finish with Ctrl-D.\n")
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise LoopcoachError(
                    "answer-too-long",
                    f"{path}: the answer file is over "
                    f"{MAX_FILE_BYTES:,} bytes; answers are limited to 100 KB",
                )
            data = path.read_bytes()
        except FileNotFoundError:
            raise LoopcoachError("file-not-found", f"{path}: no such file") from None
        except IsADirectoryError:
            raise LoopcoachError("file-not-found", f"{path}: is a directory, not a file") from None
    if len(data) > MAX_FILE_BYTES:
        raise LoopcoachError(
            "answer-too-long", "the answer is over 100,000 bytes (about 5,000 words): shorten it"
        )
    return data.decode("utf-8", errors="replace")


def register(app: typer.Typer) -> None:
    @app.command()
    def analyze(
        ctx: typer.Context,
        question: Annotated[
            str | None,
            typer.Option("--question", "-q", help="The question as asked (matched to the packs)."),
        ] = None,
        question_id: Annotated[str | None, typer.Option(help="A pack question id.")] = None,
        role: Annotated[str | None, typer.Option(help="Role id, to match within.")] = None,
        answer_file: Annotated[
            Path | None, typer.Option(help="File with the answer; default: read standard input.")
        ] = None,
        duration: Annotated[
            float | None,
            typer.Option(
                help="Real speaking time in seconds, 1 to 7200 (for pace).", min=1, max=7200
            ),
        ] = None,
        batch: Annotated[
            Path | None, typer.Option(help="JSONL file: one {id, question, answer} per line.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        save: Annotated[
            bool,
            typer.Option(
                "--save/--no-save", help="Keep the scored attempt for progress and practice."
            ),
        ] = True,
    ) -> None:
        """Score an answer: structure, coverage, specificity, ownership, red flags, delivery."""
        coach: Coach = ctx.obj
        if batch is not None:
            run_batch(coach, batch)
            return
        if not question and not question_id:
            raise LoopcoachError(
                "no-question",
                'give the question with --question "TEXT" or '
                "--question-id ID (see `loopcoach questions`)",
            )
        answer = read_answer(answer_file)
        result, _ = coach.analysis.submit(
            question or "", answer, role=role, question_id=question_id, duration=duration, save=save
        )
        if as_json:
            print_json(result.to_dict())
        else:
            show(result, console())


def run_batch(coach: Coach, path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LoopcoachError("file-not-found", f"{path}: no such file") from None
    if size > MAX_BATCH_BYTES:
        raise LoopcoachError("batch-too-big", f"{path}: over 50 MB; split the batch")
    out = sys.stdout
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            result = batch_line(coach, line, n)
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
    coach.analysis.flush()


def batch_line(coach: Coach, line: str, n: int) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {
            "id": None,
            "line": n,
            "error": {"code": "bad-json", "message": f"line {n}: not JSON ({exc.msg})"},
        }
    except RecursionError:
        return {
            "id": None,
            "line": n,
            "error": {
                "code": "bad-json",
                "message": f"line {n}: nested too deeply; give a "
                "flat {id, question, answer} object",
            },
        }
    if not isinstance(item, dict):
        return {
            "id": None,
            "line": n,
            "error": {"code": "bad-line", "message": f"line {n}: expected an object"},
        }
    ident = item.get("id")
    try:
        answer = item.get("answer")
        if not isinstance(answer, str):
            raise LoopcoachError("bad-line", f"line {n}: 'answer' must be a string")
        q = item.get("question") or ""
        qid = item.get("question_id")
        if not isinstance(q, str) or (qid is not None and not isinstance(qid, str)):
            raise LoopcoachError(
                "bad-line", f"line {n}: 'question' and 'question_id' must be strings"
            )
        if not q and not qid:
            raise LoopcoachError("bad-line", f"line {n}: give 'question' or 'question_id'")
        role = item.get("role")
        result = coach.analysis.analyze(
            q, answer, role=role if isinstance(role, str) else None, question_id=qid, flush=False
        )
    except LoopcoachError as exc:
        return {"id": ident, "line": n, "error": exc.to_dict()}
    return {"id": ident, **result.to_dict()}


def _bar(score: float) -> str:
    full = round(score * 2)
    return "█" * full + "·" * (8 - full)


def show(a: Analysis, out: Console) -> None:
    q = a.question
    out.print(f"\n[bold]{q.prompt}[/bold]")
    how = {
        "pack": f"pack question {q.id}",
        "generic": f"generic {q.kind} rubric",
        "matched": f"matched to {q.id}",
    }[q.rubric]
    if a.matched_question and q.rubric == "matched":
        how += f" (similarity {a.matched_question['similarity']:.2f})"
    out.print(
        f"[dim]{how} · {q.kind} · {a.word_count} words · about "
        f"{a.estimated_seconds:.0f} s of {a.target_seconds} s[/dim]"
    )
    if a.embedder.get("degraded"):
        out.print(f"[yellow]degraded: {a.embedder.get('reason')}[/yellow]")
    colour = "green" if a.score >= 75 else "yellow" if a.score >= 50 else "red"
    out.print(f"\n[bold {colour}]Score {a.score}/100[/bold {colour}]  {a.summary}\n")
    for name, d in a.dimensions.items():
        out.print(
            f"[bold]{name.replace('_', ' '):12}[/bold] {_bar(d.score)} {d.score:.1f}/4  "
            f"[dim]{d.reason}[/dim]"
        )
        for ev in d.evidence[:3]:
            line = Text("    “", style="dim")
            line.append(ev.sentence[:160], style="italic")
            line.append("”", style="dim")
            if ev.note:
                line.append(f"  ← {ev.note}", style="cyan")
            out.print(line)
        for tip in d.advice[:2]:
            out.print(Text(f"    → {tip}", style="magenta"))
    if a.points_missed:
        out.print("\n[bold]Talking points you missed[/bold]")
        for p in a.points_missed:
            out.print(Text(f"  - {p.label}: {p.description}"))
    if a.red_flags:
        out.print("\n[bold red]Red flags[/bold red]")
        for f in a.red_flags:
            quote = f" “{f.evidence.sentence[:120]}”" if f.evidence else ""
            out.print(Text(f"  - {f.label}:{quote}\n    → {f.advice}"))
