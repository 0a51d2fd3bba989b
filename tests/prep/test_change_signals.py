"""What the rules read as a change (issue 15): a number that moved written with an arrow or as
what a count was brought to, a date that was kept, and a state that holds since the work. These
are features of the line (the learned decision weighs them); the lines are written for these
tests."""

from __future__ import annotations

import time

import pytest

from loopcoach.prep.achievements import CHANGE_NUMBER, classify


@pytest.mark.parametrize(
    "line",
    [
        "Rebuilt the quarterly audit export in Python; 2 weeks → 3 days",
        "Rewired the on-call rota with the SRE leads: 31 -> 9 pages a month",
        "Pruned the support queue of 410 tickets to 120 in a month with the service desk",
        "Worked with the payments vendor on the settlement file and the cutover happened on the "
        "planned date",
        "I turned the scattered release notes into one changelog that every squad now uses",
    ],
)
def test_a_moved_number_a_kept_date_or_a_lasting_state_is_a_change(line: str) -> None:
    k = classify(line)
    assert k.change
    assert k.kind == "achievement"


@pytest.mark.parametrize(
    "line",
    [
        "Assigned a pool of 3 engineers to 2 squads for the winter release",
        "Ran sprint planning and reviews for two teams",
        "Worked at Acme (now known as Oracle) on the billing screens",
        "Mapped the 14 → sign on the legacy forms to the new field names",
    ],
)
def test_lines_without_such_a_change(line: str) -> None:
    assert not classify(line).change


def test_change_numbers_are_bounded_on_hostile_input() -> None:
    start = time.perf_counter()
    assert CHANGE_NUMBER.search("of 1 " + "word " * 50_000 + "to 2") is None
    assert CHANGE_NUMBER.search("1 " + "→ " * 50_000) is None
    assert classify("Cut it " + "of 3 things to " * 20_000).change
    assert time.perf_counter() - start < 10
