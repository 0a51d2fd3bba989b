"""Issue 12, item 6: the mock never asks for what the answer already gave.

A property over the challenge set's strong answers to pack questions (written by people who never
saw the code; only read here, never fitted): each is a complete answer, so the interviewer may
probe for depth or a missed point, but never asks how a story ended, for a concrete situation or
for the candidate's own part, and never asks for a point the answer was credited with.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import Library
from loopcoach.errors import NotFound
from loopcoach.interview import policy

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import challenge as CH

IN_PACK = [q for q in CH.load() if q.in_pack]
# what a strong answer gives by construction: the challenge set has a variant without each
GIVEN = {
    "missing-result": "no_result",  # a story with its result
    "weak-ownership": "we_only",  # told in the first person
}


def test_there_are_strong_answers_to_pack_questions() -> None:
    assert len(IN_PACK) >= 12


@pytest.mark.parametrize("item", IN_PACK, ids=[q.qid for q in IN_PACK])
def test_a_strong_answer_is_never_asked_for_what_it_gave(
    library: Library, analyzer: Analyzer, item: CH.Question
) -> None:
    _, question = library.question(item.qid)
    analysis = analyzer.analyze(question, item.strong, role=item.role)
    gaps = policy.find_gaps(analysis, question)
    try:
        generic = library.generic_rubric(question.kind)
    except NotFound:
        generic = None
    made = {p.id for p in analysis.points_made}
    given = set(GIVEN) if question.kind == "behavioural" else {"weak-ownership"}
    given |= {"missing-situation"} if question.kind == "behavioural" else set()
    wrong = [
        g for g in gaps if g.trigger in given or (g.trigger == "missed-point" and g.target in made)
    ]
    assert not wrong, (item.qid, wrong)  # a stored gap can still be asked after a follow-up
    for seed in range(3):
        asked: list[tuple[str, str | None, str]] = []
        while True:
            choice = policy.choose_follow_up(
                question,
                score=analysis.score,
                gaps=gaps,
                asked=asked,
                rng=random.Random(seed),
                generic=generic,
            )
            if choice is None:
                break
            trigger = choice.trigger
            if trigger in GIVEN:
                assert item.variant(GIVEN[trigger]) is None, (item.qid, choice.prompt)
            if trigger == "missing-situation" and question.kind == "behavioural":
                raise AssertionError((item.qid, "asked for a situation", choice.prompt))
            if trigger == "missed-point":
                assert choice.target not in made, (item.qid, choice.target, choice.prompt)
            asked.append((trigger, choice.target, choice.prompt))


def test_the_same_answers_without_it_are_asked_for_it(library: Library, analyzer: Analyzer) -> None:
    """The control: the property above can fail. Remove the result or the "I" from the strong
    answers and the interviewer notices at least once for each."""
    seen: set[str] = set()
    for item in IN_PACK:
        _, question = library.question(item.qid)
        for trigger, kind in GIVEN.items():
            variant = item.variant(kind)
            if variant is None or question.kind != "behavioural":
                continue
            analysis = analyzer.analyze(question, variant.text, role=item.role)
            if any(g.trigger == trigger for g in policy.find_gaps(analysis, question)):
                seen.add(trigger)
    assert seen == set(GIVEN)
