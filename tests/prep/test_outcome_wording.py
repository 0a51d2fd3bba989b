"""Outcomes said without a number or with a verb form the rules lacked: an audit or an
assessment passed, blockers removed, a goal still met, a process mapped "end to end" before
what changed; and what is not an outcome: checking work "against a team-agreed" standard. A
label with an abbreviation ("Build vs. buy:") is a label. Lines written for these tests."""

from __future__ import annotations

import pytest

from loopcoach.prep.achievements import classify
from loopcoach.prep.layout import split_lead_in


@pytest.mark.parametrize(
    "text",
    [
        "Tightened the access reviews for the data platform, which helped the bank pass its "
        "first SOC 2 audit with no exceptions.",
        "Coordinated the remediation work across nine clinics, passing both inspections first "
        "time.",
        "Agreed a joint release plan with the payments squad, removing 4 hand-offs from each "
        "release.",
        "Late vendor drop on the export API handled by re-ordering the sprint; release goal "
        "still met.",
        "Onboarding journey mapped end to end with the support team, leading to a shorter "
        "sign-up that halved drop-offs.",
        "Invoices reconciled at 0.2% error against a 1% target.",
    ],
)
def test_outcomes_in_other_words_are_achievements(text: str) -> None:
    kind = classify(text)
    assert kind.kind == "achievement", kind.why
    assert kind.change


@pytest.mark.parametrize(
    "text",
    [
        "Checked each release against a team-agreed quality bar and chaired the weekly demo.",
        "Reviewed designs against the architecture principles of the platform group.",
        "Wrote team-agreed working norms for the two squads.",
    ],
)
def test_work_checked_against_a_standard_is_no_outcome(text: str) -> None:
    assert classify(text).kind == "duty", classify(text).why


def test_a_label_may_hold_an_abbreviation() -> None:
    assert split_lead_in("Build vs. buy: Wrote the analysis that made us buy a flags service.") == (
        "Build vs. buy",
        "Wrote the analysis that made us buy a flags service.",
    )
    # a sentence that ends before a colon is no label
    line = "Led the move. Outcome: costs fell 20% in a year."
    assert split_lead_in(line) == ("", line)
