"""Each dimension on focused examples: change one thing in an answer, see the score move."""

from __future__ import annotations

import json

import pytest

from loopcoach.analysis.engine import MAX_WORDS, Analyzer, detect_kind
from loopcoach.domain.analysis import Timing
from loopcoach.domain.kinds import DIMENSIONS
from loopcoach.errors import LoopcoachError

QID = "tpm-alignment-technical-disagreement"


def dims(a: object) -> dict[str, float]:
    return {k: d.score for k, d in a.dimensions.items()}  # type: ignore[attr-defined]


def test_analysis_strong_story_scores_high_with_evidence(analyzer: Analyzer, story: str) -> None:
    a = analyzer.analyze("", story, question_id=QID)
    assert a.score >= 75
    assert set(a.dimensions) == set(DIMENSIONS)
    for d in a.dimensions.values():
        assert 0 <= d.score <= 4
        for ev in d.evidence:
            assert ev.sentence in a.sentences  # evidence is the answer's own sentences
    assert a.points_made and a.word_count > 200
    assert a.estimated_seconds == pytest.approx(a.word_count / 150 * 60, abs=0.1)


def test_analysis_rambling_scores_below_strong(
    analyzer: Analyzer, story: str, rambling: str
) -> None:
    strong = analyzer.analyze("", story, question_id=QID)
    weak = analyzer.analyze("", rambling, question_id=QID)
    assert weak.score < strong.score - 25
    assert dims(weak)["delivery"] < dims(strong)["delivery"]
    assert any("filler" in tip for tip in weak.dimensions["delivery"].advice)


def test_analysis_removing_result_lowers_structure(analyzer: Analyzer, story: str) -> None:
    lines = story.strip().splitlines()
    no_result = "\n".join(
        line for line in lines if not line.startswith(("As a result", "What I learned"))
    )
    full = analyzer.analyze("", story, question_id=QID)
    cut = analyzer.analyze("", no_result, question_id=QID)
    assert dims(cut)["structure"] < dims(full)["structure"]
    assert any("result" in tip.lower() for tip in cut.dimensions["structure"].advice)


def test_analysis_numbers_raise_specificity(analyzer: Analyzer) -> None:
    vague = (
        "I worked with some teams on a migration. I made a plan and we moved the services. "
        "It went well and the business was happy with the outcome."
    )
    exact = (
        "I worked with 6 teams on a migration of 140 services to Kubernetes. I made a plan "
        "with a risk register and we moved them in 9 weeks. Deploy time fell from 40 "
        "minutes to 8 and the business saved $120k a year."
    )
    qid = "tpm-most-complex-program"
    assert (
        dims(analyzer.analyze("", exact, question_id=qid))["specificity"]
        >= dims(analyzer.analyze("", vague, question_id=qid))["specificity"] + 1.5
    )


def test_analysis_we_voice_lowers_ownership(analyzer: Analyzer, story: str) -> None:
    we = (
        story.replace("I met", "We met")
        .replace("I then wrote", "We then wrote")
        .replace("I asked", "we asked")
        .replace("I ran", "We ran")
        .replace("I proposed", "we proposed")
        .replace("I recorded", "we recorded")
    )
    a_i = analyzer.analyze("", story, question_id=QID)
    a_we = analyzer.analyze("", we, question_id=QID)
    assert dims(a_we)["ownership"] < dims(a_i)["ownership"] - 1
    assert any("swap 'we did x'" in t.lower() for t in a_we.dimensions["ownership"].advice)


def test_analysis_coverage_names_missed_points(analyzer: Analyzer) -> None:
    short = "I got both teams in a room and we agreed on a design."
    a = analyzer.analyze("", short, question_id=QID)
    assert a.points_missed
    assert a.dimensions["coverage"].score < 2
    assert a.dimensions["coverage"].advice


def test_analysis_timing_gives_real_pace(analyzer: Analyzer, story: str) -> None:
    a = analyzer.analyze("", story, question_id=QID, timing=Timing(60.0))
    assert a.estimated_seconds == 60.0
    assert "words per minute" in a.dimensions["delivery"].reason
    assert any("words per minute" in t for t in a.dimensions["delivery"].advice)  # too fast


def test_analysis_too_long_lowers_delivery(analyzer: Analyzer, story: str) -> None:
    long = "\n".join([story] * 4)
    assert (
        dims(analyzer.analyze("", long, question_id=QID))["delivery"]
        < dims(analyzer.analyze("", story, question_id=QID))["delivery"]
    )


def test_analysis_free_text_question_matches_pack(analyzer: Analyzer, story: str) -> None:
    prompt = (
        "Tell me about a time you had to drive alignment between teams that disagreed "
        "on a technical approach."
    )
    a = analyzer.analyze(prompt, story, role="tpm")
    assert a.question.rubric == "matched" and a.question.id == QID
    assert a.matched_question is not None and a.matched_question["similarity"] >= 0.78


def test_analysis_unknown_question_uses_generic_rubric(analyzer: Analyzer, story: str) -> None:
    a = analyzer.analyze("Tell me about a time you adopted a stray cat at the office.", story)
    assert a.question.rubric == "generic" and a.question.kind == "behavioural"
    assert a.question.id == "generic-behavioural"


@pytest.mark.parametrize(
    "prompt,kind",
    [
        ("Tell me about a time you missed a deadline.", "behavioural"),
        (
            "Your team is mid-sprint and the CEO asks for a new feature. What do you do?",
            "situational",
        ),
        ("Explain the difference between a queue and a topic.", "technical"),
        ("Why do you want to work here?", "culture"),
        ("Design a ride-sharing dispatch system.", "case"),
        ("How do you run sprint planning?", "competency"),
    ],
)
def test_analysis_detects_question_kind(prompt: str, kind: str) -> None:
    assert detect_kind(prompt) == kind


def test_analysis_empty_answer_scores_zero_with_advice(analyzer: Analyzer) -> None:
    a = analyzer.analyze("", "   \n ", question_id=QID)
    assert a.score == 0 and a.word_count == 0
    assert a.dimensions["structure"].advice


def test_analysis_any_unicode_is_accepted(analyzer: Analyzer) -> None:
    text = "Ich habe 3 Teams geführt — 東京 and São Paulo — 🚀 we cut latency by 20 %. \u0000"
    a = analyzer.analyze("", text, question_id=QID)
    assert 0 <= a.score <= 100
    json.dumps(a.to_dict())


def test_analysis_limits_are_explicit(analyzer: Analyzer) -> None:
    with pytest.raises(LoopcoachError, match="limited to 5,000 words"):
        analyzer.analyze("", "word " * (MAX_WORDS + 1), question_id=QID)
    with pytest.raises(LoopcoachError, match="100,000 bytes"):
        analyzer.analyze("", "x" * 100_001, question_id=QID)


def test_analysis_is_deterministic(analyzer: Analyzer, story: str) -> None:
    a = analyzer.analyze("", story, question_id=QID).to_dict()
    b = analyzer.analyze("", story, question_id=QID).to_dict()
    assert a == b


def test_a_follow_up_reads_the_same_answer_once(library, story: str) -> None:  # type: ignore[no-untyped-def]
    """A mock follow-up scores the answer alone, then against the follow-up prompt: the
    encoder reads it once; another answer is read afresh, and nothing can edit the reading."""
    from loopcoach.analysis.embeddings import load_embedder

    calls: list[int] = []

    class Counting:
        def __init__(self) -> None:
            inner = load_embedder("lexical")
            self.name, self.dim = inner.name, inner.dim
            self.degraded, self.reason = inner.degraded, inner.reason
            self.embed = inner.embed
            self._inner = inner

        def embed_answer(self, texts):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return self._inner.embed_answer(texts)

    analyzer = Analyzer(library, Counting())  # type: ignore[arg-type]
    question = "Tell me about a time you recovered a slipping project."
    first = analyzer.analyze(question, story, role="tpm")
    analyzer.follow_up_relevance(
        analyzer.rubric_for(question, role="tpm")[0].question, "How did it end?", story
    )
    assert len(calls) == 1
    assert analyzer.analyze(question, story, role="tpm") == first
    analyzer.analyze(question, story + " We shipped it in May.", role="tpm")
    assert len(calls) == 2
    vectors, _ = analyzer._read_answer(first.sentences)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        vectors[0, 0] = 1.0


def test_memoised_embeddings_are_bounded(library, story: str) -> None:  # type: ignore[no-untyped-def]
    """A server sees a new question prompt with every free-text question: the analyzer keeps at
    most `max_vectors` text embeddings, dropping the least recently used, and scores the same."""
    from loopcoach.analysis.embeddings import load_embedder

    embedder = load_embedder("lexical")
    bounded = Analyzer(library, embedder, max_vectors=40)
    free = Analyzer(library, embedder)
    for n in range(30):
        question = f"Tell me about recovering slipping project number {n} for client {n * 7}."
        assert bounded.analyze(question, story, role="tpm") == free.analyze(
            question, story, role="tpm"
        )
        assert len(bounded._vectors) <= 40
    assert len(free._vectors) > 40  # the bound did something
    last = "Tell me about recovering slipping project number 29 for client 203."
    assert last in bounded._vectors  # the most recent stays
    with pytest.raises(ValueError, match="max_vectors"):
        Analyzer(library, embedder, max_vectors=0)
