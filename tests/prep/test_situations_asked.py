"""How a question names its situation in its own words (issue 15): "a program ... failed. What
did you learn?" asks for something that went wrong, "made a decision" for a choice, and a
monolith broken up into services is a migration. Without these the question named no situation
and a story that only mentions a failure in passing ("avoiding a failed audit") won on the word.
The texts are written for these tests."""

from __future__ import annotations

import pytest

from loopcoach.prep.situations import shared_situation, situations


@pytest.mark.parametrize(
    ("question", "story", "shared"),
    [
        (
            "Tell me about a project of yours that failed. What did you learn from it?",
            "The loyalty app relaunch missed its first go-live date by 6 weeks; I re-planned it.",
            {"failure"},
        ),
        (
            "Describe a time you had to make a tough decision with little data.",
            "Chose a managed queue over an in-house broker after a 2-week spike on both.",
            {"decision"},
        ),
        (
            "How would you run a platform migration across four teams?",
            "Split the claims monolith into 6 services over a year, one team per service.",
            {"migration"},
        ),
        (
            "How would you run a platform migration across four teams?",
            "Carved invoicing out of the legacy monolith with a strangler proxy.",
            {"migration"},
        ),
    ],
)
def test_question_words_name_the_situation_a_story_shows(
    question: str, story: str, shared: set[str]
) -> None:
    q, s = situations(question, "question"), situations(story, "story")
    assert shared <= q & s
    assert shared_situation(q, s) > 0


def test_a_failure_in_passing_is_not_a_story_of_failure() -> None:
    question = situations("Describe a time a program you were managing failed.", "question")
    assert "failure" in question
    passing = situations("Convinced the VP to wait 4 weeks, avoiding a failed audit.", "story")
    assert "failure" not in passing
    assert shared_situation(question, passing) == 0
