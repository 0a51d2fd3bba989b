"""Issue 15: a drafted action puts "I" before a line only when the line opens with a verb."""

from __future__ import annotations

import pytest

from loopcoach.prep.history import Entry
from loopcoach.prep.stories import draft_story

ENTRY = Entry(title="Senior TPM", company="Harbourline Freight", start="Mar 2021", end="Present")


def _action(bullet: str) -> str:
    return draft_story(1, bullet, ENTRY).action.split(" [add:")[0]


@pytest.mark.parametrize(
    ("bullet", "action"),
    [
        # circumstance first, then an action: "I" goes after the scene, not before it
        (
            "At a sprint review, flagged the vendor's slipping API to the steering group.",
            "At a sprint review, I flagged the vendor's slipping API to the steering group.",
        ),
        # circumstance first, no action of the candidate's: kept as it stands
        (
            "At a sprint review, the vendor's slipping API was raised with the steering group.",
            "At a sprint review, the vendor's slipping API was raised with the steering group.",
        ),
        # noun first
        (
            "Quarterly planning process for six squads and two vendor teams.",
            "Quarterly planning process for six squads and two vendor teams.",
        ),
        # number first
        (
            "3 data centres consolidated into one over nine months.",
            "3 data centres consolidated into one over nine months.",
        ),
        # outcome first
        (
            "Failed-delivery rate reduced from 4.1% to 1.2% across three depots.",
            "Failed-delivery rate reduced from 4.1% to 1.2% across three depots.",
        ),
    ],
)
def test_no_i_before_a_line_that_does_not_open_with_a_verb(bullet: str, action: str) -> None:
    assert _action(bullet) == action


@pytest.mark.parametrize(
    ("bullet", "action"),
    [
        (
            "Led the move of 140 services to Kubernetes, coordinating nine teams.",
            "I led the move of 140 services to Kubernetes, coordinating nine teams.",
        ),
        (
            "Successfully migrated 2 data centres to AWS.",
            "I successfully migrated 2 data centres to AWS.",
        ),
        (
            "Own the roadmap for the payments platform.",
            "I own the roadmap for the payments platform.",
        ),
        (
            "Helped the platform team plan the migration.",
            "I helped the platform team plan the migration.",
        ),
        ("Responsible for the release calendar.", "I was responsible for the release calendar."),
        # verbs the achievement test does not take as openers, still verbs for wording
        ("Defined product KPIs in Metabase.", "I defined product KPIs in Metabase."),
        ("Wrongly prioritised a portal redesign.", "I wrongly prioritised a portal redesign."),
        ("Run sprint planning and reviews.", "I run sprint planning and reviews."),
        ("Work with the Head of Product on OKRs.", "I work with the Head of Product on OKRs."),
    ],
)
def test_i_before_a_line_that_opens_with_a_verb(bullet: str, action: str) -> None:
    assert _action(bullet) == action
