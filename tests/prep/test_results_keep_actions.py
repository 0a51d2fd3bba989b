"""A job told in "Context:", "Actions:", "Results:" paragraphs (issue 15): each results sentence
is a story of its own, and it keeps the actions that led to it (the action sentences that share
the most words with it), so it is matched on what was done and not only on what changed. The
résumés are small ones written for these tests."""

from __future__ import annotations

import time

from loopcoach.content.library import load_library
from loopcoach.prep.history import from_text, led_to, split_results
from loopcoach.prep.resume_score import score_resume
from loopcoach.prep.stories import candidate_stories

CAR = "\n".join(
    [
        "Experience",
        "",
        "Product Owner — Harbour Freight Ltd, Leeds — 2020 to present",
        "Context: Harbour Freight moves pallets for 600 shops. I own the booking backlog for two"
        " teams.",
        "Actions: I interviewed 14 depot planners and rewrote the booking form as three short"
        " steps. I negotiated a fixed share of each sprint for the tracking service's upkeep with"
        " the COO.",
        "Results: Booking errors fell from 11% to 2% after the shorter booking form went live."
        " Tracking outages dropped from 6 to 1 a quarter once the upkeep share was agreed. When"
        " the customs rules changed in week two, I cut the release in half and the first half"
        " still shipped on time.",
        "",
    ]
)


def _stories(text: str):  # type: ignore[no-untyped-def]
    h = from_text(text, source="cv.txt", fmt="text")
    return h, [s for s, _ in candidate_stories(h, score_resume(h, load_library().role("po")))]


def test_each_result_keeps_the_actions_that_led_to_it() -> None:
    h, _ = _stories(CAR)
    got = {b.text: b.actions for b in h.bullets}
    assert got["Booking errors fell from 11% to 2% after the shorter booking form went live."] == (
        "I interviewed 14 depot planners and rewrote the booking form as three short steps."
    )
    assert got[
        "Tracking outages dropped from 6 to 1 a quarter once the upkeep share was agreed."
    ].startswith("I negotiated a fixed share of each sprint")
    # a result that says its own action shares no word with the actions: none is added
    (split,) = [t for t in got if t.startswith("When the customs rules")]
    assert got[split] == ""


def test_the_story_tells_the_actions_and_the_result_is_the_results_sentence() -> None:
    _, stories = _stories(CAR)
    by_source = {s.source: s for s in stories}
    s = by_source["Booking errors fell from 11% to 2% after the shorter booking form went live."]
    assert s.action.startswith("I interviewed 14 depot planners and rewrote the booking form")
    assert s.result.startswith("Booking errors fell from 11% to 2%")
    # the source (what the résumé says) is unchanged: the story is still that sentence's
    assert s.key == by_source[s.source].key
    outage = next(x for x in stories if x.source.startswith("Tracking outages"))
    assert "negotiated a fixed share of each sprint" in outage.action
    assert "interviewed" not in outage.action


def test_actions_in_the_third_person_are_told_in_the_first() -> None:
    bio = (
        CAR.replace(". I own", "; Dana owns")
        .replace("Actions: I interviewed", "Actions: Dana interviewed")
        .replace("I negotiated", "Dana negotiated")
    )
    h = from_text("Dana Whitfield\n" + bio, source="cv.txt", fmt="text")
    first = next(b for b in h.bullets if b.text.startswith("Booking errors"))
    assert first.actions.startswith("I interviewed 14 depot planners")
    second = next(b for b in h.bullets if b.text.startswith("Tracking outages"))
    assert second.actions.startswith("I negotiated a fixed share")


def test_led_to_pairs_by_shared_words_and_ties_keep_both() -> None:
    results = ["Invoice disputes fell by half", "Deploys went from weekly to daily"]
    actions = [
        "I rewrote the invoice layout",
        "I moved deploys to a pipeline",
        "I ran the weekly review",
    ]
    assert led_to(results, actions) == [
        "I rewrote the invoice layout",
        "I moved deploys to a pipeline I ran the weekly review",
    ]
    assert led_to(["Nothing in common here"], actions) == [""]
    assert led_to(results, []) == ["", ""]


def test_a_job_without_an_actions_paragraph_has_no_actions() -> None:
    items = ["Context: a bank.", "Results: Costs fell by half. Churn fell by a third in a year."]
    out, _, actions = split_results(items)
    assert out == ["Costs fell by half.", "Churn fell by a third in a year."]
    assert actions == {}


def test_pairing_is_bounded_on_hostile_input() -> None:
    start = time.perf_counter()
    big = [
        "Context: a bank.",
        "Actions: " + " ".join(f"I moved service {n} to the cloud." for n in range(20_000)),
        "Results: " + " ".join(f"Costs of service {n} fell by half." for n in range(20_000)),
    ]
    out, _, actions = split_results(big)
    assert len(out) == 20_000 and actions == {}  # too many actions to pair one by one
    many = [
        "Context: a bank.",
        "Actions: I moved the ledger to the cloud. I cut the batch window.",
        "Results: " + " ".join(f"Ledger costs fell by {n}%." for n in range(20_000)),
    ]
    out, _, actions = split_results(many)
    assert len(actions) == 20_000
    assert time.perf_counter() - start < 20
