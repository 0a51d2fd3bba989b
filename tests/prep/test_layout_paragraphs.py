"""Reading jobs told in paragraphs (issue 15): a paragraph of semicolon-separated clauses, a
"Selected projects" section of named paragraphs, results in brackets at the end of a line, and
a DOCX whose jobs are table rows. The résumés are small ones written for these tests
(tests/fixtures/resumes/paragraphs/), not copies of the development sets."""

from __future__ import annotations

import io
import time
from pathlib import Path

from loopcoach.prep.achievements import classify, opens_with_action
from loopcoach.prep.history import MAX_CLAUSES, clause_items, expand_tables, from_text
from loopcoach.prep.importers import parse_history
from loopcoach.prep.stories import project_stories

HERE = Path(__file__).parents[1] / "fixtures" / "resumes" / "paragraphs"


def _load(name: str):  # type: ignore[no-untyped-def]
    return parse_history((HERE / name).read_bytes(), name)


# --- one paragraph of clauses per job ---------------------------------------------------------


def test_paragraph_of_clauses_is_one_line_per_clause_that_acts() -> None:
    h = _load("clauses.txt")
    first = [b.text for b in h.entries[0].bullets]
    assert [t.split()[0] for t in first] == ["Product", "Rebuilt", "Persuaded", "When"]
    assert first[1].endswith("instead of after three")
    assert first[3].startswith("When a partner bank changed its file format")
    # two clauses are one sentence, not a list
    assert len(h.entries[1].bullets) == 1
    assert h.entries[0].title == "Technical Product Owner"


def test_clause_that_only_reports_a_result_stays_with_its_action() -> None:
    s = (
        "Owned the returns backlog for 3 teams; shipped label printing at the depots; "
        "the share of mis-sorted parcels fell by 30%; moved the carrier API to webhooks"
    )
    assert clause_items(s) == [
        "Owned the returns backlog for 3 teams",
        "Shipped label printing at the depots; the share of mis-sorted parcels fell by 30%",
        "Moved the carrier API to webhooks",
    ]
    # fewer than three clauses, or only one that acts: the sentence is kept whole
    assert clause_items("Led the migration; cut costs by 20%") == [
        "Led the migration; cut costs by 20%"
    ]
    one = "Owner of the backlog; tools: Jira, Miro; 2 squads and 14 engineers"
    assert clause_items(one) == [one]


# --- a "Selected projects" section of named paragraphs -----------------------------------------


def test_selected_projects_told_in_paragraphs_are_projects() -> None:
    h = _load("projects.md")
    projects = [e for e in h.entries if e.kind == "project"]
    assert [e.title for e in projects] == ["Waiting-room display", "Lab results inbox"]
    assert projects[0].bullets[0].text.startswith("Designed and shipped a queue display")
    assert projects[1].bullets[0].text.startswith("Replaced paper lab letters")
    stories = project_stories(h, 1)
    assert [s.title for s in stories] == ["Waiting-room display", "Lab results inbox"]
    assert "fell by half" in stories[0].source
    # the job above keeps its own two bullets
    assert len(h.entries[0].bullets) == 2 and h.entries[0].kind == "role"


# --- results in brackets ----------------------------------------------------------------------


def test_result_in_brackets_at_the_end_is_part_of_the_line() -> None:
    h = _load("brackets.txt")
    kinds = [classify(b.text).kind for b in h.entries[0].bullets]
    assert kinds == ["duty", "achievement", "achievement", "achievement"]
    # a bracket that only specifies the work is still not a result
    assert classify("Owned the search API (Java, Kafka, 99.9% uptime)").kind == "duty"
    assert classify("Ran the weekly refinement (Jira, Miro)").kind == "duty"
    # nor is a bracket inside the line, whatever words it holds
    assert classify("Ran the (closed-loop) medication rollout for the wards").kind == "duty"


def test_four_letter_past_tense_opens_an_action() -> None:
    assert opens_with_action("Used funnel data to show where dealers gave up")
    assert not opens_with_action("Need to write more tests for the service")


# --- a DOCX whose jobs are table rows ---------------------------------------------------------


def _table_docx(rows: list[list[str]]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Jana Horak", level=0)
    doc.add_heading("Experience", level=2)
    table = doc.add_table(rows=0, cols=2)
    for cells in rows:
        row = table.add_row().cells
        for cell, text in zip(row, cells, strict=True):
            cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_table_rows_name_the_role_and_employer_and_keep_each_line() -> None:
    data = _table_docx(
        [
            [
                "03/2020 – present",
                "Product Owner – Freight Portal\nVelka Logistika Ltd, Brno\n"
                "Owner of the booking API backlog for one team of 6\n"
                "Used shipment data to show that 30% of bookings stalled at customs; "
                "the new form cut stalled bookings by half\n"
                "Replaced e-mail quotes with instant prices, winning 40 new shippers",
            ],
            [
                "01/2016 – 02/2020",
                "Business Analyst\nKorda Trade AG, Vienna\n"
                "Java reporting jobs (Spring, Oracle) for the sales team\n"
                "Built a pricing rules catalogue later reused by 3 teams",
            ],
        ]
    )
    h = parse_history(data, "cv.docx")
    assert [(e.title, e.company) for e in h.entries] == [
        ("Product Owner", "Velka Logistika Ltd"),
        ("Business Analyst", "Korda Trade AG"),
    ]
    texts = [b.text for b in h.entries[0].bullets]
    assert len(texts) == 3 and texts[1].startswith("Used shipment data")
    # a line of work in lower case is not taken for the employer
    assert h.entries[1].bullets[0].text.startswith("Java reporting jobs")


# --- hostile input ----------------------------------------------------------------------------


def test_paragraph_readers_are_bounded() -> None:
    start = time.perf_counter()
    assert clause_items("a; " * 100_000) == ["a; " * 100_000]
    many = clause_items("; ".join(["Led the team through the change"] * 10_000))
    assert len(many) == MAX_CLAUSES
    row = "| 2019 – 2023 | " + " <br> ".join(["Acme Widgets Ltd, Leeds"] * 2_000) + " |"
    expand_tables([row])
    project = "Gate display (2022)\nBuilt a display for 40 sites, cutting waits.\n"
    text = "PROJECTS\n" + project * 5_000
    h = from_text(text, source="cv.txt", fmt="text")
    assert len(h.entries) == 5_000
    assert time.perf_counter() - start < 20
