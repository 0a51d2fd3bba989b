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
