"""A PDF table of a metric beside what was done (issue 15) whose row's two cells the text layer
runs together on one line ("3 days → 4 hours Automated the ..."): the row is split before the
capitalised verb that opens the work, and a table of that one row is read as a table. The
lines are small ones written for these tests, laid out as pypdf's layout mode lays them."""

from __future__ import annotations

import time

from loopcoach.prep.columns import column_tables, metric_then_work
from loopcoach.prep.history import from_text

HEAD = "Impact                 What I did"


def test_one_row_run_together_is_split_into_metric_and_work() -> None:
    lines = [HEAD, "2 weeks → 3 days Rebuilt the quarterly audit export in Python and dbt"]
    assert column_tables(lines) == [
        "| Impact | What I did |",
        "|---|---|",
        "| 2 weeks → 3 days | Rebuilt the quarterly audit export in Python and dbt |",
    ]


def test_a_run_together_row_among_spaced_rows() -> None:
    lines = [
        HEAD,
        "-41% churn             Moved the renewal reminders from email to in-app prompts",
        "+12 NPS Used call recordings to reorder the onboarding checklist for new clinics",
    ]
    rows = [ln for ln in column_tables(lines) if ln.startswith("| ") and "Impact" not in ln]
    assert rows == [
        "| -41% churn | Moved the renewal reminders from email to in-app prompts |",
        "| +12 NPS | Used call recordings to reorder the onboarding checklist for new clinics |",
    ]


def test_the_row_reads_as_an_achievement_with_its_metric() -> None:
    text = "\n".join(
        [
            "Experience",
            "Analyst — Kelp Insurance, Hobart (2015 – 2018)",
            "",
            *column_tables(
                [HEAD, "2 weeks → 3 days Rebuilt the quarterly audit export in Python and dbt"]
            ),
        ]
    )
    h = from_text(text, source="cv.pdf", fmt="pdf")
    assert [b.text for b in h.bullets] == [
        "Rebuilt the quarterly audit export in Python and dbt; 2 weeks → 3 days"
    ]


def test_no_split_without_a_number_before_a_verb() -> None:
    assert metric_then_work("Stakeholder management Coordinated the release for 4 teams") is None
    assert metric_then_work("Delivery Led the release calendar with the four product teams") is None
    assert metric_then_work("3 of 4 quarters the team shipped on the date agreed") is None
    lines = [HEAD, "Delivery Led the release calendar with the four product teams"]
    assert column_tables(lines) == lines  # a lone line that is no row stays as it is
    # a wrapped line of the work cell, in the second column, is not split
    assert metric_then_work("Rebuilt") is None


def test_run_together_rows_are_bounded_on_hostile_input() -> None:
    start = time.perf_counter()
    rows = [HEAD] + ["2 x Cut the cost of the nightly batch by a lot"] * 5_000
    assert len(column_tables(rows)) == 5_002
    long = "1 " * 8 + "Cut " + "the cost " * 100_000
    assert metric_then_work(long) is not None
    assert metric_then_work("9 " * 200_000) is None
    assert time.perf_counter() - start < 20
