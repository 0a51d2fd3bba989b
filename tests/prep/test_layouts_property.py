"""Property-style: the outcome bullets below (our own words), laid out at random in every
layout a résumé comes in, each become exactly one story under the right job; the duties are
reported to strengthen and never become stories. Seeds make each case reproducible."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import pytest
from tests.prep.test_layouts import docx_bytes

from loopcoach.content.library import Library
from loopcoach.domain.stories import clean
from loopcoach.prep.importers import parse_history
from loopcoach.prep.matching import Matcher
from loopcoach.prep.pack import draft_for
from loopcoach.prep.stories import to_strengthen

OUTCOMES = [
    "Moved the order service off a shared database into its own store, cutting checkout p95 "
    "latency from 900 ms to 250 ms.",
    "Brokered an agreement between sales and engineering on a release calendar; missed "
    "customer commitments fell from 9 a quarter to 1.",
    "Launched self-serve refunds for 2M shoppers, which removed 14,000 support tickets a month.",
    "Rebuilt the on-call rota for 7 teams, so no engineer was paged more than one week in six.",
    "Negotiated a 3-year contract with the mapping vendor, saving €400k against the list price.",
    "Shut down 3 legacy data centres ahead of the lease end, avoiding a £1.1M renewal.",
    "Convinced the board to fund an accessibility programme; the app reached WCAG AA six "
    "months later.",
    "Introduced trunk-based development for 60 engineers, raising deploys from weekly to 20 a day.",
    "Cut the time to onboard a new merchant from 21 days to 4 by automating document checks.",
    "Hired and coached a team of 8 analysts; two of them were promoted within a year.",
    "Ran a pricing experiment across 5 markets that lifted average basket size by 6%.",
    "Turned around a failing data-migration project by re-baselining scope with the client; it "
    "went live on the new date with no data loss.",
    "Replaced manual release notes with generated ones for 40 repositories, freeing about a day "
    "per release.",
    "Set up quarterly business reviews with the top 20 customers, and net revenue retention "
    "rose from 104% to 112%.",
]
DUTIES = [
    "Responsible for vendor management and contract renewals.",
    "Attended the architecture review board.",
    "Helped the support team triage escalations.",
    "Maintained the team's Confluence space and runbooks.",
    "Participated in hiring panels.",
    "Ran the daily stand-ups for the platform squad.",
]


@dataclass(frozen=True)
class Job:
    title: str
    employer: str
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int] | None
    lines: tuple[str, ...]

    def dates(self) -> tuple[str, str]:
        months = MONTHS
        start = f"{months[self.start[1] - 1]} {self.start[0]}"
        end = f"{months[self.end[1] - 1]} {self.end[0]}" if self.end else "Present"
        return start, end


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
JOBS = [
    ("Senior Program Manager", "Lattice Freight", (2021, 2), None),
    ("Product Owner", "Wrenfield Bank", (2017, 6), (2021, 1)),
    ("Business Analyst", "Corvid Retail", (2013, 9), (2017, 5)),
]


def jobs_for(seed: int) -> list[Job]:
    rnd = random.Random(seed)
    n = rnd.choice([2, 3])
    lines = OUTCOMES + DUTIES
    rnd.shuffle(lines)
    cuts = sorted(rnd.sample(range(3, len(lines) - 3), n - 1))
    chunks = [lines[a:b] for a, b in zip([0, *cuts], [*cuts, len(lines)], strict=True)]
    return [Job(t, e, s, end, tuple(c)) for (t, e, s, end), c in zip(JOBS, chunks, strict=False)]


def _md(jobs: list[Job], rnd: random.Random) -> str:
    out = ["# Dana Kirsch", "", "Program and product delivery", "", "## Experience", ""]
    for j in jobs:
        start, end = j.dates()
        style = rnd.randrange(3)
        if style == 0:
            out += [f"**{j.title}**, {j.employer} — Leeds | {start} – {end}", ""]
        elif style == 1:
            out += [f"### {j.title} — {j.employer}", f"*{start} – {end}*", ""]
        else:
            out += [f"**{j.title}** | {j.employer} | {start} – {end}", ""]
        if rnd.random() < 0.5:  # nested under a group label
            out.append("- **Highlights**")
            out += [f"  - {x}" for x in j.lines]
        else:
            out += [f"- {x}" for x in j.lines]
        out.append("")
    return "\n".join(out)


def _text(jobs: list[Job], rnd: random.Random) -> str:
    mark = rnd.choice(["•", "-", "*"])
    out = ["DANA KIRSCH", "Program and product delivery", "", "EXPERIENCE", ""]
    for j in jobs:
        start, end = j.dates()
        out += [f"{j.title} at {j.employer}", f"{start} - {end}"]
        out += [f"{mark} {x}" for x in j.lines]
        out.append("")
    return "\n".join(out)


def _tex_escape(text: str) -> str:
    return text.replace("%", "\\%").replace("£", "\\pounds ").replace("&", "\\&")


def _tex(jobs: list[Job], rnd: random.Random) -> str:
    out = ["\\documentclass{article}", "\\begin{document}", "{\\Large Dana Kirsch}", ""]
    out.append("\\section*{Experience}")
    for j in jobs:
        start, end = j.dates()
        out.append(f"\\resumeSubheading{{{j.employer}}}{{{start} -- {end}}}{{{j.title}}}{{Leeds}}")
        out.append("\\begin{itemize}")
        out += [f"  \\item {_tex_escape(x)}" for x in j.lines]
        out.append("\\end{itemize}")
    out += ["\\section*{Education}", "BSc Physics", "\\end{document}"]
    return "\n".join(out)


def _json(jobs: list[Job], rnd: random.Random) -> str:
    work = []
    for j in jobs:
        item = {
            "name": j.employer,
            "position": j.title,
            "startDate": f"{j.start[0]}-{j.start[1]:02d}",
            "highlights": list(j.lines),
        }
        if j.end:
            item["endDate"] = f"{j.end[0]}-{j.end[1]:02d}"
        work.append(item)
    return json.dumps({"basics": {"name": "Dana Kirsch"}, "work": work}, ensure_ascii=False)


def _table(jobs: list[Job], rnd: random.Random) -> str:
    out = ["# Dana Kirsch", "", "## Experience", "", "| Role | Company | Dates | Work |"]
    out.append("|---|---|---|---|")
    for j in jobs:
        start, end = j.dates()
        out.append(f"| {j.title} | {j.employer} | {start} – {end} | {' <br> '.join(j.lines)} |")
    return "\n".join(out)


def _prose(jobs: list[Job], rnd: random.Random) -> str:
    out = ["Dana Kirsch", "Program and product delivery", "", "Experience", ""]
    for j in jobs:
        start, end = j.dates()
        said = []
        for x in j.lines:
            if x.startswith("Responsible"):
                said.append("I was r" + x[1:])
            else:
                said.append("I " + x[0].lower() + x[1:])
        out += [f"{j.title}, {j.employer} ({start} – {end})", " ".join(said), ""]
    return "\n".join(out)


def _docx(jobs: list[Job], rnd: random.Random) -> bytes:
    spec = [["title", "Dana Kirsch"], ["heading", "Experience"]]
    for j in jobs:
        start, end = j.dates()
        spec.append(["heading", f"{j.title} | {j.employer} | {start} – {end}"])
        spec += [["bullet", x] for x in j.lines]
    return docx_bytes(spec)


LAYOUTS = {
    "cv.md": _md,
    "cv.txt": _text,
    "cv.tex": _tex,
    "cv.json": _json,
    "table.md": _table,
    "prose.txt": _prose,
    "cv.docx": _docx,
}


def _key(line: str) -> str:
    """A phrase of the line that survives every layout (the first word may be lower-cased)."""
    return clean(line.split(" ", 1)[1])[:40].replace("£", "")


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layouts_property_each_outcome_bullet_is_one_story(
    layout: str, seed: int, library: Library, matcher: Matcher
) -> None:
    rnd = random.Random(seed * 1000 + len(layout))
    jobs = jobs_for(seed)
    made = LAYOUTS[layout](jobs, rnd)
    data = made if isinstance(made, bytes) else made.encode("utf-8")
    history = parse_history(data, layout)
    _, stories = draft_for(history, library.role("tpm"), matcher)
    case = f"{layout} seed {seed}"
    for j in jobs:
        start, end = j.dates()
        for line in j.lines:
            found = [s for s in stories if _key(line) in s.source.replace("£", "")]
            if line in DUTIES:
                assert not found, f"{case}: duty {line!r} became a story"
                continue
            assert len(found) == 1, f"{case}: {line!r} gave {len(found)} stories"
            s = found[0]
            assert (s.position, s.company, s.dates) == (j.title, j.employer, f"{start} – {end}"), (
                f"{case}: {line!r}"
            )
            assert clean(s.action) and clean(s.result), f"{case}: {line!r}: {s.result!r}"
    assert len(stories) == len(OUTCOMES), f"{case}: {[s.source for s in stories]}"
    weak = " ".join(w["text"] for w in to_strengthen(history))
    for duty in DUTIES:
        assert _key(duty) in weak, f"{case}: duty {duty!r} not reported"
