"""What the engine does with a sentence the stance model reads as flawed, checked with a stand-in
model so the mechanics are tested apart from the classifier's accuracy (which the challenge-set
benchmark and the metamorphic tests measure): the flaw is named with its sentence, that sentence
earns nothing in any other dimension, serious flaws cap the score and say so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pytest

from loopcoach.analysis import stance
from loopcoach.analysis.engine import Analyzer

QID = "tpm-alignment-technical-disagreement"
CONCEAL = "I kept the status green for two more weeks so the sponsor would not panic."
DEFER = "I asked my manager to decide between the two designs and went with whatever she chose."


@dataclass
class MarkedFlaws:
    """Reads a sentence as carrying `flaw` when it contains one of `marks`, else as the
    candidate's own action."""

    marks: dict[str, str]
    classes: tuple[stance.Stance, ...] = stance.STANCES

    def read(self, sentences: Sequence[str], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        probs = np.zeros((len(sentences), len(self.classes)), dtype=np.float32)
        flaw = np.zeros(len(sentences), dtype=np.float32)
        for i, s in enumerate(sentences):
            hit = next((f for m, f in self.marks.items() if m in s), None)
            probs[i, self.classes.index(hit or "own_action")] = 1.0  # type: ignore[arg-type]
            flaw[i] = 1.0 if hit else 0.3  # unsure: cue phrases may still raise a flag
        return probs, flaw


@pytest.fixture()
def marked(analyzer: Analyzer) -> Analyzer:
    fake = Analyzer(analyzer.library, analyzer.embedder, analyzer.cache, analyzer.judgement)
    fake._vectors = analyzer._vectors  # the same memoised rubric vectors
    fake.stance_model = MarkedFlaws({CONCEAL: "integrity", DEFER: "deferral"})  # type: ignore[assignment]
    fake.use_flaw_tail = False  # the stand-in alone reads the sentences
    return fake


def test_a_flawed_sentence_is_named_with_its_sentence(marked: Analyzer, story: str) -> None:
    a = marked.analyze("", story + "\n" + CONCEAL, question_id=QID)
    hits = [h for h in a.red_flags if h.how == "stance"]
    assert len(hits) == 1 and hits[0].evidence is not None
    assert hits[0].evidence.sentence == CONCEAL


def test_a_flawed_sentence_earns_nothing_elsewhere(marked: Analyzer, story: str) -> None:
    a = marked.analyze("", story + "\n" + DEFER, question_id=QID)
    for name in ("structure", "coverage", "specificity", "ownership"):
        quoted = {e.sentence for e in a.dimensions[name].evidence}
        assert DEFER not in quoted, name
    assert all(p.evidence is None or p.evidence.sentence != DEFER for p in a.points_made)
    # and ownership is what it was without the sentence
    clean = marked.analyze("", story, question_id=QID)
    assert a.dimensions["ownership"].score == clean.dimensions["ownership"].score


def test_serious_flaws_cap_the_score_and_say_why(marked: Analyzer, story: str) -> None:
    clean = marked.analyze("", story, question_id=QID)
    flawed = marked.analyze("", story + "\n" + CONCEAL, question_id=QID)
    cap = marked.judgement.serious_cap
    assert clean.score > cap >= flawed.score
    assert flawed.limits and "bad news" in flawed.limits[0]
    assert flawed.summary.startswith("Score capped")


def test_evidence_points_at_the_sentence_in_the_whole_answer(marked: Analyzer, story: str) -> None:
    """Scorers run on the answer without its flawed sentences; their evidence indexes must still
    point into the whole answer."""
    ratio = "As a rule, we always do 70/30 between features and platform work."  # a cue flag
    a = marked.analyze("", CONCEAL + "\n" + DEFER + "\n" + story + "\n" + ratio, question_id=QID)
    assert "fixed-ratio" in {h.id for h in a.red_flags}
    for h in a.red_flags:
        assert h.evidence is not None and a.sentences[h.evidence.index] == h.evidence.sentence
    for d in a.dimensions.values():
        for e in d.evidence:
            assert a.sentences[e.index] == e.sentence


def test_the_outcome_is_read_from_the_result_a_story_or_a_plan_ends_with(
    analyzer: Analyzer,
) -> None:
    from loopcoach.analysis import text as T
    from loopcoach.analysis.context import AnswerContext
    from loopcoach.analysis.scorers import structure

    story = (
        "Our checkout team was missing its release dates every month. I owned the release "
        "process. I set up a weekly risk review with the three leads and cut the release into "
        "two-week slices. I also moved the integration tests to run on every merge. Within two "
        "quarters we went from missing four dates in five to hitting eleven of twelve."
    )
    ending = T.sentences(story)[-1]

    def read(text: str) -> float:
        rubric, _ = analyzer.rubric_for("Tell me about a time you fixed a broken process.")
        sents = T.sentences(text)
        vecs, tail = analyzer._read_answer(sents)
        stances = stance.read(analyzer.stance_model, sents, vecs, tail=tail)
        ctx = AnswerContext.build(rubric, text, vecs, sents, stances=stances)
        return structure.outcome(ctx)[0]

    assert read(story) == 1.0
    assert read(story.replace(ending, "").strip()) < 0.5
