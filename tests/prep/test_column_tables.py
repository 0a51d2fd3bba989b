"""A table a PDF lays out in columns (no '|' in its text, short cells in the middle of a tall
row) is read back into rows (`prep.columns`); a table cell set like a name gives the row's role
and employer. Small layout-mode texts written for these tests, not from any résumé set."""

from __future__ import annotations

from loopcoach.prep.columns import column_tables
from loopcoach.prep.history import from_text

# as pypdf's layout mode gives it: the dates and the role centred on their row's height
CENTRED = """\
Experience

Period        Position                     Highlights
                                           Moved the claims ledger to a managed database for
                                           12 insurers; nightly batch time fell from 5 hours
                                           to 40 minutes.
Feb 2020 –    Lead Delivery Manager,       Ran the vendor selection for document scanning.
Present       Corvane Mutual (Leeds)       Talked the COO into a phased rollout, so the first
                                           region went live two months early.
                                           Owned the release calendar for four squads.
              Delivery Manager,            Built a shared test environment that cut
Jan 2016 –    Halden Freight               regression runs from three days to six hours.
Jan 2020      (Hull)                       Coordinated carrier on-boarding with ops.

Education
BSc Physics, 2015
"""

# the same table with its short cells at the top of each row
TOP = """\
Period        Position                     Highlights
Feb 2020 –    Lead Delivery Manager,       Moved the claims ledger to a managed database for
Present       Corvane Mutual (Leeds)       12 insurers; nightly batch time fell from 5 hours
                                           to 40 minutes.
                                           Owned the release calendar for four squads.
Jan 2016 –    Delivery Manager,            Built a shared test environment that cut
Jan 2020      Halden Freight (Hull)        regression runs from three days to six hours.
"""


def _rows(text: str) -> list[str]:
    return [ln for ln in column_tables(text.splitlines()) if ln.startswith("| ")]


def test_centred_short_cells_find_their_row() -> None:
    rows = _rows(CENTRED)
    assert rows[0] == "| Period | Position | Highlights |"
    first, second = rows[1], rows[2]
    assert first.startswith(
        "| Feb 2020 – Present | Lead Delivery Manager, Corvane Mutual (Leeds) |"
    )
    assert first.count("<br>") == 3  # four items: moved, ran, talked, owned
    assert "fell from 5 hours to 40 minutes." in first
    assert "so the first region went live two months early." in first
    assert second.startswith("| Jan 2016 – Jan 2020 | Delivery Manager, Halden Freight (Hull) |")
    assert second.endswith(
        "Built a shared test environment that cut regression runs from three days to six "
        "hours.<br>Coordinated carrier on-boarding with ops. |"
    )


def test_short_cells_at_the_top_start_their_row() -> None:
    rows = _rows(TOP)
    assert len(rows) == 3
    assert rows[1].startswith("| Feb 2020 – Present | Lead Delivery Manager, Corvane Mutual")
    assert rows[1].endswith("to 40 minutes.<br>Owned the release calendar for four squads. |")
    assert rows[2].startswith("| Jan 2016 – Jan 2020 | Delivery Manager, Halden Freight (Hull) |")


def test_a_column_table_gives_jobs_with_their_bullets() -> None:
    text = "\n".join(column_tables(CENTRED.splitlines()))
    h = from_text(text, source="cv.pdf", fmt="pdf")
    jobs = [(e.title, e.company, e.start, e.end, len(e.bullets)) for e in h.entries]
    assert jobs == [
        ("Lead Delivery Manager", "Corvane Mutual", "Feb 2020", "Present", 4),
        ("Delivery Manager", "Halden Freight", "Jan 2016", "Jan 2020", 2),
    ]


def test_lines_that_are_no_dated_table_stay_as_they_are() -> None:
    # two short runs over lines that fit the columns, but no row has dates: left alone
    skills = "Skills        Languages\nJira          English\nConfluence    French\nSQL\n"
    assert column_tables(skills.splitlines()) == skills.splitlines()
    # a line of column names with too few lines under it
    short = "Period        Position\nFeb 2020 –    Lead\n"
    assert column_tables(short.splitlines()) == short.splitlines()
    # the table ends at the blank line: what follows is read as it was
    assert column_tables(CENTRED.splitlines())[-3:] == ["", "Education", "BSc Physics, 2015"]


def test_a_markdown_row_whose_role_cell_is_long_names_the_job() -> None:
    md = (
        "## Experience\n\n| Dates | Role and employer | Delivered |\n|---|---|---|\n"
        "| 2019 – 2023 | Senior Technical Program Manager, Orvell Payments (Pune) | "
        "Moved 30 services to the new gateway; failed payouts fell 60%.<br>"
        "Ran the weekly release review. |\n"
    )
    h = from_text(md, source="cv.md", fmt="markdown")
    assert [(e.title, e.company) for e in h.entries] == [
        ("Senior Technical Program Manager", "Orvell Payments")
    ]
    assert [b.text for b in h.bullets] == [
        "Moved 30 services to the new gateway; failed payouts fell 60%.",
        "Ran the weekly release review.",
    ]
