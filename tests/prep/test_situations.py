"""The situation lexicon: a question and a story in different words name the same situation."""

from __future__ import annotations

import pytest

from loopcoach.prep.situations import SITUATION_NAMES, shared_situation, situations


@pytest.mark.parametrize(
    ("question", "story", "shared"),
    [
        (
            "A key dependency from another team is delayed. How do you handle this?",
            "When the identity team's SSO work slipped by a month, I re-sequenced our launch.",
            {"delay", "dependency"},
        ),
        (
            "How do you handle disagreements between two engineering teams?",
            "Mediated a dispute between the storage and networking teams over retry logic.",
            {"conflict"},
        ),
        (
            "An engineer tells you a story estimate is much bigger than we thought. What now?",
            "When an engineer found a story was twice as big as estimated, I split it.",
            {"estimate"},
        ),
        (
            "Describe a time you had to say no to a stakeholder request.",
            "Turned down a director's ask for a bespoke export, showing what it displaced.",
            {"refusal"},
        ),
        (
            "Tell me about a time you explained a technical constraint to a non-technical person.",
            "Walked the finance team through why month-end totals lag by a day, with one diagram.",
            {"explaining"},
        ),
        (
            "Give an example of using data or analytics to change a feature.",
            "Moved the signup step after the tour when funnel numbers showed a 40% drop there.",
            {"data"},
        ),
        (
            "Tell me about a release that did not go as planned and how you recovered.",
            "Rolled back the new pricing page within an hour and re-released it a week later.",
            {"failure"},
        ),
        (
            "How would you cut p95 latency of the search API in half?",
            "Brought search response times under 200 ms by caching the top 1,000 queries.",
            {"performance"},
        ),
        (
            "How do you measure success for a platform feature with no customer-facing metric?",
            "Set a scorecard of build time and flaky-test rate that three teams now report.",
            {"metrics"},
        ),
    ],
)
def test_situations_same_situation_other_words(question: str, story: str, shared: set[str]) -> None:
    assert situations(question) & situations(story) == shared
    assert shared_situation(situations(question), situations(story)) == 1.0


def test_situations_unrelated_and_empty() -> None:
    q = situations("A key dependency from another team is delayed.")
    assert shared_situation(q, situations("Cut cloud costs by 30% by rightsizing clusters.")) == 0
    assert shared_situation(frozenset(), situations("anything late")) == 0.0
    assert set(SITUATION_NAMES) >= set(situations("late, blocked, a dispute, an outage"))


@pytest.mark.parametrize(
    ("question", "story", "kind"),
    [
        (
            "Tell me about the most technically complex program you've managed.",
            "Control plane taken to GA after 18 months, coordinating 9 teams across Seattle, "
            "Dublin and Hyderabad.",
            "complexity",
        ),
        (
            "Describe a feature you owned end-to-end. What were the key technical decisions?",
            "Owned the payments integration, from choosing synchronous confirmation with "
            "idempotency keys to launch.",
            "decision",
        ),
        (
            "Tell me about a feature you prioritised. What impact did you expect?",
            "Prioritised photo upload over a tracker page; lodgement time went from 14 to 6 min.",
            "impact",
        ),
    ],
)
def test_situations_kinds_of_story_asked_for_and_shown(
    question: str, story: str, kind: str
) -> None:
    """A question asks for a kind of story in words no story uses ("complex"); a story shows it
    by its shape (many teams, sites and months; a choice of technology; a number that moved)."""
    assert kind in situations(question, "question")
    assert kind in situations(story, "story")
    assert kind not in situations(story, "question")  # a story does not ask
    assert kind not in situations(question, "story")


def test_situations_a_process_is_not_a_large_technical_program() -> None:
    assert "complexity" not in situations("Ran weekly status meetings for 4 teams.", "story")
    assert "decision" not in situations("Gave forecast ranges instead of single dates.", "story")


def test_situations_talking_someone_out_of_a_plan_is_pushing_back() -> None:
    q = situations("Tell me about a time you pushed back on an engineering team's approach.")
    s = situations("I talked the team out of a full GraphQL rewrite and into adding a cache.")
    assert "refusal" in q & s


@pytest.mark.parametrize(
    ("question", "not_there"),
    [
        ("Walk me through how you would write acceptance criteria for a story.", "explaining"),
        ("Explain the trade-offs between a queue and a synchronous call.", "explaining"),
        ("Explain a system you've worked on recently. Why was it built that way?", "explaining"),
        ("Tell me about a time you pushed back on an engineering team's approach.", "delay"),
        ("Tell me about a time you pushed back on an engineering team's approach.", "dependency"),
    ],
)
def test_situations_how_a_question_is_put_is_not_its_situation(
    question: str, not_there: str
) -> None:
    assert not_there not in situations(question, "question")


def test_situations_explaining_to_someone_is_still_explaining() -> None:
    assert "explaining" not in situations("Explain how caching works.", "question")
    asked = "Tell me about a time you had to explain a constraint to a non-technical person."
    assert "explaining" in situations(asked, "question")


def test_situations_moving_teams_to_a_method_is_not_a_migration() -> None:
    assert "migration" not in situations("Moved 4 squads from waterfall to Kanban in a year.")
    assert "migration" in situations("Moved 60 services to the new cluster in a quarter.")
    assert "migration" in situations("Moved the billing data off the old mainframe.")


def test_situations_another_team_named_by_what_it_does_is_a_dependency() -> None:
    assert "dependency" in situations("Agreed a shared schema with the billing team in a week.")
    assert "dependency" in situations("Got the SSO change from the Identity Platform team.")
    assert "dependency" not in situations("Cleaned the backlog with the team in two months.")
    assert "dependency" not in situations("Planned the release with the delivery team.")


def test_situations_a_missed_milestone_is_something_that_went_wrong() -> None:
    q = situations("Describe a program that didn't go as planned. What did you learn?", "question")
    s = situations("Missed the first milestone of a warehouse migration; we now track vendors.")
    assert "failure" in q & s


def test_situations_session12_conflict_migration_persuasion_scale() -> None:
    # a clash of bookings is not people at odds; teams at odds or aligned on one approach are
    assert "conflict" not in situations("Built a booking tool that cut test-slot clashes by 60%.")
    assert "conflict" in situations("The data and app teams clashed over the event schema.")
    assert "conflict" in situations("Aligned the web and payments teams on one retry policy.")
    # a number with a decimal point among the moved things
    assert "migration" in situations("Moved 1.4 million policies off the old admin system.")
    assert "persuade" in situations("Negotiated a later launch with the CFO after the audit.")
    assert "persuade" not in situations("Negotiated a discount with the vendor for 3 years.")
    # millions of accounts and a ledger are signs of a large technical program; a
    # "self-service" product is not a technical system
    big = "Moved 2 million accounts onto the new ledger in 9 months."
    assert "complexity" in situations(big, "story")
    small = "95% adoption of the self-service portal through champions across 40 teams"
    assert "complexity" not in situations(small, "story")
