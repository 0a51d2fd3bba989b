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


# --- a row per job, its achievements joined by " • " ----------------------------------------

ROW_ITEMS = [
    "Coordinator for the warehouse systems programme: 5 squads, 2 vendors",
    "Moved 28 picking and packing services off the on-prem ERP onto Azure with no missed "
    "shipments across 6 cutover weekends",
    "Talked the COO out of a single go-live and into a site-by-site rollout, so the first 4 "
    "sites went live 3 weeks early",
    "Storage costs reduced 24% through a tagging and rightsizing drive I set up",
]
OTHER_ITEMS = [
    "Ran the card issuing re-platform for web and mobile teams in Leeds",
    "Got the fraud and mobile teams to agree one event contract, cutting UAT defects by 45%",
]


def _bulleted_markdown() -> str:
    first = "Kestrel Logistics<br>Senior Technical Program Manager<br>Feb 2019 – present"
    second = "Harrowgate Bank<br>Technical Program Manager<br>May 2014 – Jan 2019"
    return f"""# Jesper Vantongeren
## Career history
| {first} | {" • ".join(ROW_ITEMS)} |
| {second} | {" • ".join(OTHER_ITEMS)} |
## Education
BSc Computing, 2013
"""


def _check_rows(h: WorkHistory, *, split_names: bool = True) -> None:
    jobs = [(e.dates, [b.text for b in e.bullets]) for e in h.entries if e.bullets]
    assert jobs == [("Feb 2019 – Present", ROW_ITEMS), ("May 2014 – Jan 2019", OTHER_ITEMS)]
    if split_names:
        assert [(e.title, e.company) for e in h.entries] == [
            ("Senior Technical Program Manager", "Kestrel Logistics"),
            ("Technical Program Manager", "Harrowgate Bank"),
        ]
    else:  # a narrow PDF column wraps its lines a word or two at a time: the words are kept
        assert [f"{e.title} {e.company}".strip() for e in h.entries] == [
            "Kestrel Logistics Senior Technical Program Manager",
            "Harrowgate Bank Technical Program Manager",
        ]


def test_a_cell_of_bullet_signed_achievements_in_markdown() -> None:
    _check_rows(from_text(_bulleted_markdown(), source="cv.md", fmt="markdown"))


def test_a_cell_of_bullet_signed_achievements_in_docx() -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Jesper Vantongeren", level=0)
    doc.add_heading("Career history", level=1)
    table = doc.add_table(rows=2, cols=2)
    for i, (head, items) in enumerate(
        [
            ("Kestrel Logistics\nSenior Technical Program Manager\nFeb 2019 – present", ROW_ITEMS),
            ("Harrowgate Bank\nTechnical Program Manager\nMay 2014 – Jan 2019", OTHER_ITEMS),
        ]
    ):
        table.cell(i, 0).text = head
        table.cell(i, 1).text = " • ".join(items)
    doc.add_heading("Education", level=1)
    doc.add_paragraph("BSc Computing, 2013")
    out = io.BytesIO()
    doc.save(out)
    _check_rows(parse_history(out.getvalue(), "cv.docx"))


# as pypdf's layout mode gives such a table: the left column wraps a word or two a line
BARE_PDF = """\
Jesper Vantongeren
Career history

Kestrel       Coordinator for the warehouse systems programme: 5 squads, 2 vendors •
Logistics     Moved 28 picking and packing services off the on-prem ERP onto Azure
Senior        with no missed shipments across 6 cutover weekends • Talked the COO out
Technical     of a single go-live and into a site-by-site rollout, so the first 4 sites
Program       went live 3 weeks early • Storage costs reduced 24% through a tagging
Manager       and rightsizing drive I set up
Feb 2019 –
present
Harrowgate    Ran the card issuing re-platform for web and mobile teams in Leeds • Got
Bank          the fraud and mobile teams to agree one event contract, cutting UAT
Technical     defects by 45%
Program
Manager
May 2014 –
Jan 2019

Education
BSc Computing, 2013
"""


def test_a_pdf_row_per_job_without_column_names() -> None:
    from loopcoach.prep.importers import _tidy_layout

    text = _tidy_layout(BARE_PDF)
    _check_rows(from_text(text, source="cv.pdf", fmt="pdf"), split_names=False)


def test_a_two_column_block_without_dates_is_left_alone() -> None:
    from loopcoach.prep.columns import column_tables

    lines = [
        "Kestrel       Coordinator for the warehouse systems programme: 5 squads,",
        "Logistics     2 vendors and a budget of four million pounds over",
        "Senior        three years of work with the operations director",
        "Technical     and the finance team in Leeds and York",
    ]
    assert column_tables(lines) == lines


# --- bold lead-ins, two achievements in one bullet -------------------------------------------

LEAD_INS = "\n".join(
    [
        "# Ilse Marchetti",
        "## Experience",
        "### Technical Product Owner – Ledgers | Quillon Payments Pvt. Ltd., Pune"
        " | Jun 2020 – till date",
        "- **Scope:** own the backlog for the ledger and payouts APIs (2 squads, 12 engineers)",
        "- **Migration:** moved 35 ledger jobs off the old batch host onto the event platform in"
        " 5 releases; also retired 2 unused reconciliation vendors, saving ₹1.4 crore a year",
        "- **Support:** payout tickets fell 38% after I rewrote the failure messages with the ops"
        " team; also talked the sales head out of a custom export with 1% usage, freeing a sprint",
    ]
)


def test_two_achievements_joined_by_also_are_two_bullets() -> None:
    h = parse_history(LEAD_INS.encode(), "cv.md")
    job = h.entries[0]
    assert (job.title, job.company, job.dates) == (
        "Technical Product Owner",
        "Quillon Payments Pvt. Ltd.",
        "Jun 2020 – Present",
    )
    assert [b.text for b in job.bullets][1:] == [
        "Migration: moved 35 ledger jobs off the old batch host onto the event platform in "
        "5 releases",
        "retired 2 unused reconciliation vendors, saving ₹1.4 crore a year",
        "Support: payout tickets fell 38% after I rewrote the failure messages with the ops team",
        "talked the sales head out of a custom export with 1% usage, freeing a sprint",
    ]
    stories = [s for s, _ in candidate_stories(h, score_resume(h, _role()))]
    retired = next(s for s in stories if s.source.startswith("retired 2"))
    # the second achievement keeps its job
    assert (retired.position, retired.employer) == ("Technical Product Owner", job.company)
    assert retired.action.startswith("I retired 2 unused reconciliation vendors")


def test_also_that_does_not_open_an_action_stays_one_bullet() -> None:
    from loopcoach.prep.history import also_items

    one = "Cut review time from 5 days to 2; also for the audit team, which asked for it"
    assert also_items(one) == [one]


# as pypdf's layout mode gives a challenge / action / result table: each cell wraps in its column
STAR_PDF = """\
Product Owner, Lending – Fenwick Mutual Ltd, Bristol (Apr 2020 – Present)
- Product Owner for the lending squad (6 engineers)
Key projects
Problem                         Approach                          Impact
Branch staff re-keyed every     Built a single intake form that   Re-keying errors down from 6%
loan application into two       writes to both systems through    to 0.4%; 11 hours a week saved
systems by hand                 the new API                       per branch
Release dates slipped because   Booked environments by the hour   Environment waits fell from 2
three teams shared one test     and gave each team an ephemeral   days to 20 minutes
environment                     stack per pull request

Business Analyst – Orrin Bank plc, Bath (Jan 2016 – Mar 2020)
- Wrote user stories for the mortgage portal
"""


def test_a_challenge_action_result_table_in_a_pdf() -> None:
    from loopcoach.prep.importers import _tidy_layout

    text = "Morgan Achterberg\n\nExperience\n" + _tidy_layout(STAR_PDF)
    _check_star(from_text(text, source="cv.pdf", fmt="pdf"))


def test_the_new_readers_are_bounded_on_hostile_input() -> None:
    import time

    from loopcoach.prep.columns import column_tables
    from loopcoach.prep.history import MAX_ALSO_ITEMS, also_items, expand_tables

    start = time.process_time()  # CPU time: the bound is about the work done, not the load
    items = also_items("; also ".join(["moved 40 services onto the new platform"] * 50_000))
    assert len(items) == MAX_ALSO_ITEMS
    row = "| Kestrel Logistics<br>Senior TPM<br>2019 – 2023 | " + " • ".join(ROW_ITEMS * 500)
    assert len(expand_tables([row + " |"])) >= 30
    cell = " • " * 20_000
    expand_tables([f"| {cell} | {cell} |"])
    star = "| Problem | Approach | Impact |\n|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in LIBRARY_ROWS * 500
    )
    assert len(expand_tables(star.splitlines())) == 2 * 2 * 500
    bare = BARE_PDF.splitlines()[3:18]
    assert len(column_tables(bare * 500)) == 2 * 500
    # a last row without its dates: the lines stay as they are, each looked at once
    assert column_tables(bare[:-1] * 500) == bare[:-1] * 500
    column_tables(STAR_PDF.splitlines()[3:9] * 1_000)
    assert time.process_time() - start < 20
