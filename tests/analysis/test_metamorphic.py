"""Properties of the judgement, checked over every answer we hold rather than hand-picked cases:
our graded fixture answers (strong and good ones) and the challenge set's strong answers.

Each test changes answers in one controlled way and checks the score moves the way an interviewer's
would. The challenge set is only read here, never fitted.

Each property runs twice: over every answer (slow: CI, `make test-all`) and, in the fast loop, over
a fixed sample of them (SAMPLE), allowed the same share of exceptions, rounded to the nearest
whole number.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from loopcoach.analysis.engine import Analyzer
from loopcoach.analysis.text import sentences

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import calibration as C  # noqa: E402
import challenge as CH  # noqa: E402

FILLER = "Um, like, you know, at the end of the day it's basically all about communication."
TANGENT = (
    "Funnily enough, I was also training for a half marathon back then, and my running club "
    "met on Tuesday evenings by the river."
)


Answer = tuple[str, str, str | None, str]


def _answers() -> list[Answer]:
    """(id, question, question id or None, answer) for every good-or-better answer we hold."""
    out: list[Answer] = []
    for item in C.load():
        if item.overall >= 3 and item.grades["red_flags"] >= 4:
            out.append((item.id, item.question, None, item.text))
    for q in CH.load():
        out.append((q.qid, q.prompt, q.qid if q.in_pack else None, q.strong))
    return out


ANSWERS = _answers()
# the fast loop's sample: every 12th graded fixture answer and every 4th challenge answer
_CHALLENGE = {q.qid for q in CH.load()}
SAMPLE = [a for a in ANSWERS if a[0] not in _CHALLENGE][::12] + [
    a for a in ANSWERS if a[0] in _CHALLENGE
][::4]
ANSWER_SETS = [
    pytest.param(SAMPLE, id="sample"),
    pytest.param(ANSWERS, id="all", marks=pytest.mark.slow),
]
QUESTION_SETS = [  # the challenge questions: every fourth one, and all
    pytest.param(CH.load()[::4], id="sample"),
    pytest.param(CH.load(), id="all", marks=pytest.mark.slow),
]


def _analyse(analyzer: Analyzer, question: str, qid: str | None, text: str):  # type: ignore[no-untyped-def]
    if qid is not None:
        return analyzer.analyze(question, text, question_id=qid)
    return analyzer.analyze(question, text)


class Baseline(dict[str, object]):
    """Each answer's analysis as it stands, made on first use (the sample needs only its own)."""

    def __init__(self, analyzer: Analyzer) -> None:
        super().__init__()
        self.by_id = {a[0]: a for a in ANSWERS}
        self.analyzer = analyzer

    def __missing__(self, aid: str) -> object:
        _, q, qid, text = self.by_id[aid]
        self[aid] = made = _analyse(self.analyzer, q, qid, text)
        return made


@pytest.fixture(scope="module")
def baseline(analyzer: Analyzer) -> dict[str, object]:
    return Baseline(analyzer)


def test_there_are_enough_answers_to_mean_something() -> None:
    assert len(ANSWERS) >= 60
    # the sample has both sources, and questions from the packs (an id) and from elsewhere
    assert len(SAMPLE) >= 12 and {a[2] is None for a in SAMPLE} == {True, False}


def allowed(n: int, share: float) -> int:
    """How many of n cases may miss a property that holds for all but `share` of them."""
    return round(n * share)


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_padding_with_fillers_never_raises_the_score(
    analyzer: Analyzer, baseline: dict[str, object], answers: list[Answer]
) -> None:
    worse = []
    for aid, q, qid, text in answers:
        sents = sentences(text)
        padded = " ".join(s + (" " + FILLER if k % 2 else "") for k, s in enumerate(sents))
        before = baseline[aid].score  # type: ignore[attr-defined]
        after = _analyse(analyzer, q, qid, padded).score
        if after > before:
            worse.append((aid, before, after))
    assert not worse, f"fillers raised the score: {worse[:5]}"


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_the_same_content_at_twice_the_length_scores_lower(
    analyzer: Analyzer, baseline: dict[str, object], answers: list[Answer]
) -> None:
    not_lower, higher = [], []
    for aid, q, qid, text in answers:
        sents = sentences(text)
        doubled = " ".join(
            s + " " + (FILLER if k % 3 == 0 else TANGENT if k % 3 == 1 else s)
            for k, s in enumerate(sents)
        )
        before = baseline[aid].score  # type: ignore[attr-defined]
        after = _analyse(analyzer, q, qid, doubled).score
        if after >= before:
            not_lower.append((aid, before, after))
        if after > before:
            higher.append((aid, before, after))
    assert not higher, f"padding to 2x raised the score: {higher[:5]}"
    # strictly lower on all but a few (an answer already at its floor cannot go lower)
    assert len(not_lower) <= allowed(len(answers), 0.05), (
        f"2x did not lower the score: {not_lower[:5]}"
    )


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_we_instead_of_i_lowers_ownership(
    analyzer: Analyzer, baseline: dict[str, object], answers: list[Answer]
) -> None:
    swap = {
        "i": "we",
        "my": "our",
        "me": "us",
        "myself": "ourselves",
        "i'd": "we'd",
        "i've": "we've",
        "i'm": "we're",
        "i'll": "we'll",
        "mine": "ours",
    }
    pat = re.compile(r"\b(" + "|".join(map(re.escape, swap)) + r")\b", re.IGNORECASE)
    not_lower = []
    for aid, q, qid, text in answers:
        if not pat.search(text):
            continue
        we = pat.sub(lambda m: swap[m.group(0).lower()], text)
        before = baseline[aid].dimensions["ownership"].score  # type: ignore[attr-defined]
        after = _analyse(analyzer, q, qid, we).dimensions["ownership"].score
        if after > before or (before > 1.0 and after >= before):
            not_lower.append((aid, before, after))
    assert len(not_lower) <= allowed(len(answers), 0.05), (
        f"'we' did not lower ownership: {not_lower[:5]}"
    )


@pytest.mark.parametrize("questions", QUESTION_SETS)
def test_an_answer_to_another_question_scores_lower(
    analyzer: Analyzer, baseline: dict[str, object], questions: list[CH.Question]
) -> None:
    """The strong answer to the next challenge question of the same role, given here."""
    qs = CH.load()
    not_lower = []
    for q in questions:
        peers = [p for p in qs if p.role == q.role]
        other = peers[(peers.index(q) + 1) % len(peers)]
        own = baseline[q.qid].score  # type: ignore[attr-defined]
        moved = _analyse(analyzer, q.prompt, q.qid if q.in_pack else None, other.strong).score
        if moved >= own:
            not_lower.append((q.qid, own, moved))
    assert len(not_lower) <= allowed(len(questions), 0.1), (
        f"off-topic answers not lower: {not_lower}"
    )


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_cutting_the_answer_short_lowers_the_score(
    analyzer: Analyzer, baseline: dict[str, object], answers: list[Answer]
) -> None:
    not_lower = []
    for aid, q, qid, text in answers:
        cut = CH.truncate(text)
        before = baseline[aid].score  # type: ignore[attr-defined]
        after = _analyse(analyzer, q, qid, cut).score
        if after >= before:
            not_lower.append((aid, before, after))
    assert not not_lower, f"a truncated answer did not score lower: {not_lower[:5]}"


@pytest.mark.parametrize(
    ("answers", "every_flaw"),
    [
        pytest.param(SAMPLE, False, id="sample"),
        pytest.param(ANSWERS, True, id="all", marks=pytest.mark.slow),
    ],
)
def test_a_detected_flaw_always_costs_points_and_names_its_sentence(
    analyzer: Analyzer, baseline: dict[str, object], answers: list[Answer], every_flaw: bool
) -> None:
    """Every answer with each flawed sentence inserted; in the sample, one sentence per answer
    in turn."""
    flawed = [
        "Honestly, the technical calls are the engineers' business; whenever two teams "
        "disagree I hand it straight to my manager to sort out.",
        "I kept the status green for another two weeks so the sponsor wouldn't panic.",
        "The delay was really down to the data team, who never gave us what they promised.",
    ]
    detected = 0
    problems = []
    already_capped = set()
    for k, (aid, q, qid, text) in enumerate(answers):
        sents = sentences(text)
        for s in flawed if every_flaw else [flawed[k % len(flawed)]]:
            mid = len(sents) // 2
            res = _analyse(analyzer, q, qid, " ".join([*sents[:mid], s, *sents[mid:]]))
            hits = [h for h in res.red_flags if h.evidence is not None and h.evidence.sentence == s]
            if not hits:
                continue
            detected += 1
            before = baseline[aid].score  # type: ignore[attr-defined]
            limits = baseline[aid].limits  # type: ignore[attr-defined]
            if any(lim.startswith("capped at") for lim in limits):
                # already capped by a (false) serious flag: the new flaw cannot take it under
                # the cap by 5, but must not raise it
                already_capped.add(aid)
                if res.score > before:
                    problems.append((aid, before, res.score))
            elif res.score > before - 5:
                problems.append((aid, before, res.score))
    assert detected > 0
    assert not problems, f"a detected flaw cost under 5 points: {problems[:5]}"
    # a strong answer capped by a false serious flag is a false flag: at most a few (one, 6 Dec
    # 2026: the graded fixture po-ceo-bypass, with the flaw tail on)
    assert len(already_capped) <= max(1, allowed(len(answers), 0.02)), sorted(already_capped)


@pytest.mark.parametrize("questions", QUESTION_SETS)
def test_a_non_answer_or_off_topic_follow_up_never_raises_the_question_score(
    analyzer: Analyzer, questions: list[CH.Question]
) -> None:
    from loopcoach.interview.policy import hold_score

    for q in questions:
        qid = q.qid if q.in_pack else None
        opening = CH.truncate(q.strong)
        first = _analyse(analyzer, q.prompt, qid, opening)
        for follow_up in ("Not sure, it depends.", " ".join([TANGENT] * 3)):
            combined = _analyse(analyzer, q.prompt, qid, opening + "\n\n" + follow_up)
            alone = _analyse(analyzer, q.prompt, qid, follow_up)
            held = hold_score(combined, first.score, alone)
            assert held.score <= first.score, (q.qid, follow_up[:20], first.score, combined.score)


@pytest.mark.parametrize(
    ("every", "at_least", "lowered"),
    [
        pytest.param(3, 8, 5, id="sample"),
        pytest.param(1, 12, 10, id="all", marks=pytest.mark.slow),
    ],
)
def test_removing_the_result_never_raises_structure_and_usually_lowers_the_score(
    analyzer: Analyzer, every: int, at_least: int, lowered: int
) -> None:
    """The development set's `no_result` variants (benchmarks/dev/: the author deleted the
    sentences that say how it turned out). Structure never rises; the score is lower in at
    least 10 of 16 (12 of 16 when measured, session 6: in the others the removed ending was an
    explain question's closing remark, or the answer sits at a cap either way; 21 of 24 with
    session 7's third author, 7 Dec 2026). The fast loop takes every third variant (8; 7 of
    them lower), and asks for the same share, 5 of 8."""
    cut_short = [(q, v) for q in CH.load(CH.DEV_DIR) for v in q.variants if v.kind == "no_result"]
    variants = cut_short[::every]
    higher, lower, n = [], 0, 0
    for q, v in variants:
        n += 1
        qid = q.qid if q.in_pack else None
        strong = _analyse(analyzer, q.prompt, qid, q.strong)
        cut = _analyse(analyzer, q.prompt, qid, v.text)
        s0, s1 = strong.dimensions["structure"].score, cut.dimensions["structure"].score
        if s1 > s0:
            higher.append((q.qid, s0, s1))
        lower += cut.score < strong.score
    assert n >= at_least
    assert not higher, f"removing the result raised structure: {higher}"
    assert lower >= lowered, f"removing the result lowered the score in only {lower} of {n}"
