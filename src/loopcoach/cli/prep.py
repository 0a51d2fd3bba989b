"""`loopcoach prep`, `loopcoach stories ...` and `loopcoach resume score`: the prep pack.

Each command reads the file the user named (the only file access of the feature), calls the
facade (`coach.prep`) and prints: Rich on a terminal, plain text otherwise, JSON on demand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from loopcoach.app import Coach
from loopcoach.cli.render import bullets, heading, line, print_json, table
from loopcoach.domain.stories import Story
from loopcoach.errors import LoopcoachError
from loopcoach.prep.stories import StoryInput, story_dict

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RoleOpt = Annotated[str, typer.Option("--role", help="Role id (see `loopcoach roles`).")]
IdArg = Annotated[int, typer.Argument(help="Story id (see `loopcoach stories list`).")]

stories_app = typer.Typer(
    help="Your STAR story bank: list, show, edit and add stories.", no_args_is_help=True
)
resume_app = typer.Typer(help="Score a résumé for a role.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("prep")(prep)
    app.add_typer(stories_app, name="stories")
    app.add_typer(resume_app, name="resume")


def prep(
    ctx: typer.Context,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="Résumé or work history: .pdf, .docx, .md, .txt, .tex or JSON Resume .json.",
        ),
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Role id (see `loopcoach roles`).")
    ] = None,
    as_json: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the pack: pack.md, pack.html or pack.pdf."),
    ] = None,
    list_packs: Annotated[bool, typer.Option("--list", help="List your saved packs.")] = False,
    open_id: Annotated[
        int | None, typer.Option("--open", help="Reopen a saved pack as it was built (see --list).")
    ] = None,
    rebuild_id: Annotated[
        int | None,
        typer.Option(
            "--rebuild",
            help="Build a saved pack again from its résumé, with your stories as "
            "they are now; saved as a new pack.",
        ),
    ] = None,
) -> None:
    """Build your prep pack: stories from your history, matched to the role's questions.

    Every pack is saved with the résumé it came from: `--list` shows them, `--open ID` reopens
    one (add --out to download it), `--rebuild ID` builds it again."""
    coach: Coach = ctx.obj
    if out is not None and out.suffix.lower() not in (".md", ".html", ".pdf"):
        raise LoopcoachError(
            "export-format",
            f"{out}: the pack can be written as .md, .html or "
            ".pdf; name the file pack.md, pack.html or pack.pdf",
        )
    if list_packs:
        found = coach.prep.packs()
        if as_json:
            print_json(found)
        elif not found:
            line("No saved packs yet: run `loopcoach prep --history FILE --role ROLE`.")
        else:
            table(
                "Saved prep packs",
                ["id", "role", "résumé", "built", "rebuilt from"],
                [
                    [p["id"], p["role"], p["source"], p["created_at"], p["rebuilt_from"] or ""]
                    for p in found
                ],
            )
        return
    if open_id is not None:
        result = coach.prep.saved_pack(open_id)
    elif rebuild_id is not None:
        result = coach.prep.rebuild(rebuild_id).to_dict()
    else:
        if history is None or role is None:
            raise LoopcoachError(
                "missing-input",
                "give --history FILE and --role ROLE (or "
                "--list, --open ID, --rebuild ID for saved packs)",
            )
        data, name = coach.uploads.resume_file(history)
        result = coach.prep.build(data, name, role=role).to_dict()
    if out is not None:
        coach.exports.write_pack(result, out)
    if as_json:
        print_json(result)
        return
    show_pack(result)
    if out is not None:
        line(f"\nWrote {out}")


def show_pack(pack: dict[str, Any]) -> None:
    hist = pack["history"]
    saved = f" (saved as pack {pack['pack_id']})" if pack.get("pack_id") else ""
    heading(f"Prep pack: {pack['role']['name']}, from {hist['source']}{saved}")
    lang = pack.get("language") or {}
    if lang.get("notice"):
        line(lang["notice"])
    imported = pack.get("imported")
    if imported:
        line(
            f"Story bank: {imported['added']} new, {imported['refreshed']} drafts refreshed, "
            f"{imported['unchanged']} unchanged, {imported['kept_edits']} kept as you edited "
            "them; nothing deleted."
        )
        if imported.get("reworded") or imported.get("reworded_kept_edits"):
            line(
                f"Reworded lines: {imported.get('reworded', 0)} drafts updated in place (same "
                f"id), {imported.get('reworded_kept_edits', 0)} stories you edited kept in your "
                "words: check their numbers against the new line (loopcoach stories show ID)."
            )
    if pack["embedder"]["degraded"]:
        line(f"degraded: {pack['embedder']['reason']}")
    line(pack["notice"])
    heading("What to do first")
    bullets(pack["priorities"]["first"])
    titles = {s["id"]: s["title"] for s in pack["stories"]}
    table(
        "Story bank",
        ["id", "story", "themes", "status"],
        [
            [s["id"], s["title"], ", ".join(s["themes"]), "draft" if s["draft"] else "yours"]
            for s in pack["stories"]
        ],
    )
    rows = []
    for q in pack["questions"]:
        best = q["matches"][0] if q["matches"] else None
        story = f"{best['story']}. {titles[best['story']][:40]}" if best else "—"
        rows.append([q["id"], q["kind"], story, best["score"] if best else ""])
    table("Best story per question", ["question", "kind", "story", "score"], rows)
    if pack["priorities"]["probe"]:
        heading("Résumé bullets an interviewer will probe")
        for b in pack["priorities"]["probe"][:3]:
            line(f"  “{b['text']}”")
            bullets(b["questions"], indent=4)
    if pack.get("to_strengthen"):
        heading("Bullets to strengthen (duties, not stories yet)")
        for b in pack["to_strengthen"][:6]:
            line(f"  “{b['text']}”: {b['fix']}")
    heading(
        f"45-second pitch (draft, {pack['pitch']['words']} words, "
        f"about {pack['pitch']['seconds']} s)"
    )
    line(pack["pitch"]["text"])
    line(f"Résumé score {pack['resume']['score']}/100: {pack['resume']['fix_first'][0]}")


# --- stories -----------------------------------------------------------------------------------


def _themes(value: str | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(t for t in value.split(",") if t.strip())


def _input(
    title: str | None,
    situation: str | None,
    task: str | None,
    action: str | None,
    result: str | None,
    themes: str | None,
) -> StoryInput:
    return StoryInput(
        title=title,
        situation=situation,
        task=task,
        action=action,
        result=result,
        themes=_themes(themes),
    )


TitleOpt = Annotated[str | None, typer.Option("--title", help="A short name for the story.")]
SituationOpt = Annotated[str | None, typer.Option("--situation", help="Context and stakes.")]
TaskOpt = Annotated[str | None, typer.Option("--task", help="What you had to achieve.")]
ActionOpt = Annotated[str | None, typer.Option("--action", help="What you did yourself.")]
ResultOpt = Annotated[str | None, typer.Option("--result", help="What changed, with numbers.")]
ThemesOpt = Annotated[
    str | None,
    typer.Option(
        "--themes", help="Comma-separated competency ids, e.g. influence,risk-management."
    ),
]


RoleFilter = Annotated[
    str | None,
    typer.Option(
        "--role", help="Show (or set) the themes for this role only; each role keeps its own."
    ),
]


def _themes_text(s: Story, role: str | None) -> str:
    if role:
        return ", ".join(s.themes_for(role))
    parts = [f"{r}: {', '.join(t)}" for r, t in s.themes_by_role if t]
    if s.themes:
        parts.insert(0, ", ".join(s.themes))
    return "; ".join(parts)


@stories_app.command("list")
def stories_list(ctx: typer.Context, role: RoleFilter = None, as_json: JsonOpt = False) -> None:
    """Your stories: drafted from résumés, edited or added by you. Ids never change."""
    coach: Coach = ctx.obj
    found = coach.prep.stories()
    if as_json:
        print_json([story_dict(s) for s in found])
        return
    if not found:
        line(
            "No stories yet: run `loopcoach prep --history FILE --role ROLE`, or add one with "
            "`loopcoach stories add --title ...`"
        )
        return
    table(
        "Stories",
        ["id", "title", "themes", "status", "version"],
        [[s.id, s.title, _themes_text(s, role), _status(s), s.version] for s in found],
    )


@stories_app.command("match")
def stories_match(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question, in your words.")],
    role: Annotated[
        str | None,
        typer.Option("--role", help="Role id: use its questions and themes to judge the match."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50)] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Your stories that best answer a question, best first, each with a one-line why."""
    coach: Coach = ctx.obj
    if not question.strip():
        raise LoopcoachError("missing-input", "give the question in quotes")
    found = coach.prep.match(question, role=role, limit=limit)
    if as_json:
        print_json(found)
        return
    if not found:
        line("No stories yet: run `loopcoach prep --history FILE --role ROLE` first.")
        return
    table(
        "Best stories",
        ["score", "id", "story", "why"],
        [[m["score"], m["story"]["id"], m["story"]["title"], m["why"]] for m in found],
    )


@stories_app.command("delete")
def stories_delete(
    ctx: typer.Context,
    story_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", help="Delete without asking.")] = False,
) -> None:
    """Delete a story from the bank (asks first). Imports never delete stories."""
    coach: Coach = ctx.obj
    story, _ = coach.prep.story(story_id)
    if not yes and not typer.confirm(f"Delete story {story.id} '{story.title}'?"):
        line("Nothing deleted.")
        return
    coach.prep.delete(story_id)
    line(f"Deleted story {story.id}.")


def _status(s: Story) -> str:
    return "draft" if s.draft else "edited" if s.origin == "drafted" else "yours"


@stories_app.command("show")
def stories_show(ctx: typer.Context, story_id: IdArg, as_json: JsonOpt = False) -> None:
    """One story with its three lengths: 30-second, 2-minute and deep dive."""
    coach: Coach = ctx.obj
    story, history = coach.prep.story(story_id)
    if as_json:
        print_json({**story_dict(story), "versions": history})
        return
    show_story(story)
    if history:
        line(f"\n{len(history)} stored versions; last changed {story.updated_at}")


def show_story(s: Story) -> None:
    d = story_dict(s)
    heading(f"{s.id}. {s.title} ({_status(s)})")
    if s.themes or s.themes_by_role:
        line(f"Themes: {_themes_text(s, None)}")
    where = " · ".join(x for x in (s.position, s.company, s.dates) if x)
    if where:
        line(f"Role: {where}")
    if d["scale"]:
        line(f"Scale: {', '.join(d['scale'])}")
    if s.source:
        line(f"From: “{s.source}”")
    for slot in ("situation", "task", "action", "result"):
        line(f"{slot.title()}: {d[slot] or '—'}")
    heading("30-second headline")
    line(d["lengths"]["headline_30s"])
    heading("2-minute story")
    bullets(d["lengths"]["two_minute"])
    heading("Deep-dive outline")
    bullets(d["lengths"]["deep_dive"])


@stories_app.command("edit")
def stories_edit(
    ctx: typer.Context,
    story_id: IdArg,
    title: TitleOpt = None,
    situation: SituationOpt = None,
    task: TaskOpt = None,
    action: ActionOpt = None,
    result: ResultOpt = None,
    themes: ThemesOpt = None,
    role: RoleFilter = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a story; the previous text is kept as a version, and re-imports keep your edit.
    With --role, --themes are that role's themes only."""
    coach: Coach = ctx.obj
    story = coach.prep.edit(
        story_id, _input(title, situation, task, action, result, themes), role=role
    )
    if as_json:
        print_json(story_dict(story))
        return
    line(f"Saved story {story.id} (version {story.version}).")


@stories_app.command("add")
def stories_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="A short name for the story.")],
    situation: SituationOpt = None,
    task: TaskOpt = None,
    action: ActionOpt = None,
    result: ResultOpt = None,
    themes: ThemesOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a story of your own to the bank."""
    coach: Coach = ctx.obj
    story = coach.prep.add(_input(title, situation, task, action, result, themes))
    if as_json:
        print_json(story_dict(story))
        return
    line(f"Added story {story.id}: {story.title}")


# --- résumé score ------------------------------------------------------------------------------


@resume_app.command("score")
def resume_score(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Résumé: .pdf, .docx, .md, .txt or .json.")],
    role: RoleOpt,
    as_json: JsonOpt = False,
) -> None:
    """Score each bullet 0-100 for the role, with what to fix first."""
    coach: Coach = ctx.obj
    data, name = coach.uploads.resume_file(file)
    scored = coach.prep.score_resume(data, name, role=role)
    if as_json:
        print_json(scored.to_dict())
        return
    heading(f"Résumé score for {role}: {scored.score}/100")
    heading("Fix first")
    bullets(list(scored.fix_first))
    table(
        "Bullets",
        ["score", "bullet", "fix"],
        [[b.score, b.bullet.text, b.fix] for b in scored.bullets],
    )
