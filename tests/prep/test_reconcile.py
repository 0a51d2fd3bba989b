"""Reworded résumé lines are recognised as the same achievement; different ones are not."""

from __future__ import annotations

import pytest

from loopcoach.prep.history import Entry
from loopcoach.prep.reconcile import SAME_ACHIEVEMENT, overlap, pair_reworded
from loopcoach.prep.stories import draft_story

ACME = Entry(title="Senior TPM", company="Acme Ltd", start="2021", end="Present")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "Cut cloud costs by 30% across 4 teams by rightsizing clusters.",
            "Reduced cloud spend 34% across five teams through cluster rightsizing.",
        ),
        (
            "Led the migration of 140 microservices to Kubernetes across 8 teams.",
            "Led migration of 150 microservices onto Kubernetes, coordinating 9 teams.",
        ),
        (
            "Persuaded the CTO to pause a vendor rollout until the security review passed.",
            "Persuaded our CTO to pause the vendor rollout until security review was passed.",
        ),
    ],
)
def test_reconcile_reworded_lines_are_the_same(before: str, after: str) -> None:
    assert overlap(before, after) >= SAME_ACHIEVEMENT
    old = [draft_story(1, before, ACME)]
    assert pair_reworded([draft_story(1, after, ACME)], old) == {0: 0}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Cut cloud costs by 30% across 4 teams by rightsizing clusters.",
            "Cut release lead time from 3 days to 4 hours across 4 teams.",
        ),
        (
            "Led the migration of 140 microservices to Kubernetes across 8 teams.",
            "Led the hiring of 12 engineers across 3 teams in 8 months.",
        ),
        ("Shipped the partner API to 3 partners.", "Built the quarterly planning process."),
    ],
)
def test_reconcile_different_lines_are_not(a: str, b: str) -> None:
    assert overlap(a, b) < SAME_ACHIEVEMENT
    assert pair_reworded([draft_story(1, b, ACME)], [draft_story(1, a, ACME)]) == {}


def test_reconcile_one_to_one_closest_first_and_same_job_only() -> None:
    old = [
        draft_story(1, "Cut cloud costs by 30% across 4 teams.", ACME),
        draft_story(2, "Cut cloud costs for the data team by 10%.", ACME),
    ]
    new = [
        draft_story(1, "Cut cloud costs for the data platform team by 12%.", ACME),
        draft_story(2, "Cut cloud costs by 35% across 4 teams.", ACME),
    ]
    assert pair_reworded(new, old) == {0: 1, 1: 0}
    elsewhere = Entry(title="Senior TPM", company="Brightwave")
    assert pair_reworded([draft_story(1, old[0].source, elsewhere)], old) == {}
    mine = old[0].with_changes(origin="user")  # stories the user wrote are never re-keyed
    assert pair_reworded([new[1]], [mine]) == {}
    nowhere = Entry()  # no employer, no position: no telling it is the same job
    assert pair_reworded([draft_story(1, old[0].source, nowhere)], old) == {}
    assert (
        pair_reworded(
            [draft_story(1, old[0].source, nowhere)],
            [old[0].with_changes(employer="", position="")],
        )
        == {}
    )
    same_title = Entry(title="Senior TPM")  # the employer missing on one side only
    assert pair_reworded([draft_story(1, new[1].source, same_title)], old) == {0: 0}
