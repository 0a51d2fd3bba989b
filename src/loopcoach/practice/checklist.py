"""Day-of checklist and the one-page calibration sheet, as Markdown. Pure; our own words."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from loopcoach.content.library import RolePack
from loopcoach.domain.stories import Story
from loopcoach.errors import NotFound
from loopcoach.practice.history import (
    History,
    story_covers,
    story_themes,
    weakest_competencies,
)
from loopcoach.practice.picks import ambiguity_question, question_rank, stage_filter

BLANK = "______"
PITCH_WORDS = 115  # about 45 seconds at a calm speaking pace


def _one_line(text: str, limit: int = 220) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def draft_pitch(role: RolePack, stories: Sequence[Story]) -> str:
    """A 45-second introduction drafted from the user's strongest stories."""
    best = strongest_stories(role, stories, 2)
    lines = [
        f"1. Who you are: your current role, years of experience and the kind of work a "
        f"{role.info.name} here would recognise. {BLANK}",
    ]
    for i, s in enumerate(best, start=2):
        proof = s.result or s.lengths.headline or s.action
        lines.append(f"{i}. Proof: {s.title}. {_one_line(proof, 160)}")
    n = len(lines) + 1
    lines.append(f"{n}. Why this role, this team, now: {BLANK}")
    lines.append("")
    lines.append(f"Keep it under {PITCH_WORDS} words; say it aloud against a 45-second timer.")
    return "\n".join(lines)


def strongest_stories(role: RolePack, stories: Sequence[Story], n: int) -> list[Story]:
    """Stories that together cover the most themes; results with numbers break ties."""
    themes = story_themes(role)
    chosen: list[Story] = []
    covered: set[str] = set()
    pool = list(stories)
    covers = {s.id: {t for t in themes if story_covers(s, t, role)} for s in stories}
    order = {s.id: i for i, s in enumerate(stories)}
    while pool and len(chosen) < n:
        best = max(
            pool,
            key=lambda s: (
                len(covers[s.id] - covered),
                bool(re.search(r"\d", s.result)),
                -order[s.id],
            ),
        )
        pool.remove(best)
        chosen.append(best)
        covered |= covers[best.id]
    return chosen


def day_of_checklist(
    role: RolePack, *, stages: Sequence[str] = (), history: History | None = None
) -> str:
    history = history or History()
    stages = stage_filter(role, stages)
    out = [f"# Day-of checklist: {role.info.name}", ""]
    out += ["## Before you start", ""]
    out += [f"- [ ] {item}" for item in role.checklist]
    out += [
        f"- [ ] Read your calibration sheet once (`loopcoach calibration --role {role.id}`).",
        "",
        "## Your 45-second pitch",
        "",
    ]
    if history.pitch:
        out += [history.pitch.strip(), ""]
    elif history.stories:
        out += [
            "A draft from your stories; make it yours:",
            "",
            draft_pitch(role, history.stories),
            "",
        ]
    else:
        out += [
            f"1. Who you are and the scale you work at. {BLANK}",
            f"2. One result with a number that matters to this team. {BLANK}",
            f"3. A second result that shows a different strength. {BLANK}",
            f"4. Why this role, this team, now. {BLANK}",
            "",
            "Build it from your stories with the prep pack, then read it aloud against a "
            "45-second timer.",
            "",
        ]
    out += ["## Questions to ask each interviewer", ""]
    for stage in [role.stage(s) for s in stages] if stages else role.stages:
        asks = [a for a in role.ask_interviewer if not a.stages or stage.id in a.stages]
        if not asks:
            continue
        out += [f"### {stage.name} · {stage.interviewer}", ""]
        out += [f"- {a.text}" for a in asks]
        out.append("")
    if history.stories:
        out += ["## Story headlines", ""]
        for s in history.stories:
            line = s.lengths.headline or s.result
            out.append(f"- **{s.title}**" + (f": {_one_line(line, 160)}" if line else ""))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _risks(role: RolePack, history: History, stages: Sequence[str]) -> list[str]:
    ranked = [q for _, q in question_rank(role, history, None, stages)]

    def practise(comp: str) -> str:
        q = next((q for q in ranked if comp in q.competencies), None)
        return f" Rehearse `{q.id}`: {q.prompt}" if q else ""

    weak = weakest_competencies(history.attempts, role, 2)
    if weak:
        return [
            f"**{f.name}**: your answers average {f.mean:.0f}/100 over {f.n} "
            f"attempt{'s' if f.n != 1 else ''}.{practise(f.id)}"
            for f in weak
        ]
    counts = Counter(
        c
        for q in role.questions
        if not stages or set(q.stages) & set(stages)
        for c in q.competencies
    )
    order = {c.id: i for i, c in enumerate(role.competencies)}
    top = sorted(counts, key=lambda c: (-counts[c], order.get(c, 99)))[:2]
    return [
        f"**{role.competency_name(c)}**: tested by {counts[c]} questions of this loop and "
        f"not practised yet.{practise(c)}"
        for c in top
    ]


def calibration_sheet(
    role: RolePack,
    *,
    stages: Sequence[str] = (),
    history: History | None = None,
    level: str | None = None,
) -> str:
    history = (history or History()).for_role(role.id)
    stages = stage_filter(role, stages)
    out = [
        f"# Calibration sheet: {role.info.name}",
        "",
        "One page to read before the final round. Fill the blanks in your own words and keep "
        "every number one you could defend.",
        "",
        "## Three examples I want to use",
        "",
    ]
    stories = strongest_stories(role, history.stories, 3)
    themes = story_themes(role, stages)
    for i in range(3):
        if i < len(stories):
            s = stories[i]
            covers = [role.competency_name(t) for t in themes if story_covers(s, t, role)]
            extra = f" Shows: {', '.join(covers)}." if covers else ""
            result = f" Result: {_one_line(s.result, 160)}" if s.result else ""
            out.append(f"{i + 1}. **{s.title}**.{extra}{result}")
        else:
            theme = role.competency_name(themes[i]) if i < len(themes) else "a theme of this loop"
            out.append(f"{i + 1}. {BLANK} (a story that shows {theme})")
    out += ["", "## Two risks I expect to be tested on", ""]
    out += [f"{i}. {r}" for i, r in enumerate(_risks(role, history, stages), start=1)]
    out += ["", "## My ambiguity story", ""]
    amb = [s for s in history.stories if story_covers(s, "ambiguity", role)]
    if amb:
        out.append(f"**{amb[0].title}**: {_one_line(amb[0].situation or amb[0].result, 200)}")
    else:
        out.append(
            f"{BLANK} (what was unclear, what you assumed, how you decided, what you would change)"
        )
    q = ambiguity_question(role)
    if q:
        out += ["", f"It answers `{q.id}`: {q.prompt}"]
    out += ["", "## My level story", ""]
    out += [
        f"- Scope I have already owned: {BLANK}",
        f"- Scope I am ready to own next: {BLANK}",
        f"- Why this role is the bridge between the two: {BLANK}",
    ]
    if level:
        lv = next((x for x in role.levels if x.id == level), None)
        if lv is None:
            raise NotFound(
                "level", level, f"levels of {role.id}: {', '.join(x.id for x in role.levels)}"
            )
        out += ["", f"Target level **{lv.name}**: {lv.scope}"]
        out += [f"- {s}" for s in lv.signals]
    elif role.levels:
        out += ["", "Levels in this ladder: " + ", ".join(x.name for x in role.levels) + "."]
    out += [
        "",
        "## Numbers and artefacts to have at hand",
        "",
        f"- Figures that moved (before and after): {BLANK}",
        f"- Documents you can describe: a plan, a risk list, a design or decision record: {BLANK}",
    ]
    return "\n".join(out).rstrip() + "\n"
