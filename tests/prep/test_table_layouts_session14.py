"""Layouts of issue 15's ninth development set, with example text written for these tests (not
from any résumé set): a table per job whose columns are a challenge, the work and its result;
a table row per job whose right cell joins its achievements with " • "; bold lead-ins; two
achievements joined in one bullet by "; also"."""

from __future__ import annotations

import io

from loopcoach.prep.history import WorkHistory, from_text, star_columns
from loopcoach.prep.importers import parse_history
from loopcoach.prep.resume_score import score_resume
from loopcoach.prep.stories import candidate_stories

LIBRARY_ROWS = [
    (
        "Branch staff re-keyed every loan application into two systems by hand",
        "Built a single intake form that writes to both systems through the new API",
        "Re-keying errors down from 6% to 0.4%; 11 hours a week saved per branch",
    ),
    (
        "Release dates slipped because three teams shared one test environment",
        "Booked environments by the hour and gave each team an ephemeral stack per pull request",
        "Environment waits fell from 2 days to 20 minutes",
    ),
]


def _star_markdown() -> str:
    rows = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in LIBRARY_ROWS)
    return f"""# Morgan Achterberg
## Experience
### Product Owner, Lending – Fenwick Mutual Ltd, Bristol (Apr 2020 – Present)
- Product Owner for the lending squad (6 engineers)
**Key projects**
| Problem | Approach | Impact |
|---|---|---|
{rows}
### Business Analyst – Orrin Bank plc, Bath (Jan 2016 – Mar 2020)
- Wrote user stories for the mortgage portal
## Education
BSc Economics, 2015
"""


def _star_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Morgan Achterberg", level=0)
    doc.add_heading("Experience", level=1)
    doc.add_heading(
        "Product Owner, Lending – Fenwick Mutual Ltd, Bristol (Apr 2020 – Present)", level=2
    )
    doc.add_paragraph("Product Owner for the lending squad (6 engineers)", style="List Bullet")
    doc.add_paragraph("Key projects")
    table = doc.add_table(rows=1 + len(LIBRARY_ROWS), cols=3)
    for i, row in enumerate([("Problem", "Approach", "Impact"), *LIBRARY_ROWS]):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    doc.add_heading("Business Analyst – Orrin Bank plc, Bath (Jan 2016 – Mar 2020)", level=2)
    doc.add_paragraph("Wrote user stories for the mortgage portal", style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _check_star(h: WorkHistory) -> None:
    job = h.entries[0]
    assert (job.title, job.company, job.dates, job.kind) == (
        "Product Owner",
        "Fenwick Mutual Ltd",
        "Apr 2020 – Present",
        "role",
    )
    rows = {b.text: b for b in job.bullets}
    for challenge, work, result in LIBRARY_ROWS:
        # the work and its own row's result are one line; the challenge is its situation
        b = rows[f"{work}; {result}"]
        assert b.situation == challenge
    assert not any(b.text.startswith(("Situation", LIBRARY_ROWS[0][0])) for b in h.bullets)
    # the next job is still a job, not a project
    assert [(e.title, e.kind) for e in h.entries[1:]] == [("Business Analyst", "role")]
    stories = {s.source: s for s, _ in candidate_stories(h, score_resume(h, _role()))}
    work, challenge, result = LIBRARY_ROWS[0][1], LIBRARY_ROWS[0][0], LIBRARY_ROWS[0][2]
    story = stories[f"{work}; {result}"]
    assert (story.position, story.employer, story.dates) == (
        "Product Owner",
        "Fenwick Mutual Ltd",
        "Apr 2020 – Present",
    )
    assert challenge in story.situation
    assert story.action.startswith("I built a single intake form")
    assert story.result.startswith("Re-keying errors down from 6% to 0.4%")


def _role():  # type: ignore[no-untyped-def]
    from loopcoach.content.library import load_library

    return load_library().role("po")


def test_a_challenge_action_result_table_in_markdown() -> None:
    _check_star(from_text(_star_markdown(), source="cv.md", fmt="markdown"))


def test_a_challenge_action_result_table_in_docx() -> None:
    _check_star(parse_history(_star_docx(), "cv.docx"))


def test_star_columns_need_a_result_column_and_clauses() -> None:
    rows = [list(r) for r in LIBRARY_ROWS]
    assert star_columns(rows) == (1, 2)
    # a project's name is no situation, but the work and result still make the row
    named = [["Intake form", r[1], r[2]] for r in LIBRARY_ROWS]
    assert star_columns(named) is None
    # a last column that reports no change is not a result column
    plain = [[r[0], r[1], "Jira, Confluence and Miro"] for r in LIBRARY_ROWS]
    assert star_columns(plain) is None
    # dated rows are jobs, not challenges
    dated = [[r[0], r[1], f"{r[2]} (2019 – 2021)"] for r in LIBRARY_ROWS]
    assert star_columns(dated) is None
