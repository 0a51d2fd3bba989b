"""The answer context's cue matching: the index by stem finds exactly the sentences a scan of
every sentence with ``phrase_in`` finds."""

from __future__ import annotations

import numpy as np

from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext, Rubric
from loopcoach.content.library import load_library

SENTENCES = [
    "I led the migration of our billing service to the new platform.",
    "We agreed the rollback plan with the on-call team before the cut-over.",
    "The migration finished a week early and billing errors fell by half.",
    "Nobody blamed the team; the plan was the team's as much as mine.",
    "Next time I would agree the rollback plan earlier.",
]
CUES = [
    "rollback plan",  # in two sentences, with its words together
    "agree plan",  # a gap of words between the stems
    "plan",  # one stem, in three sentences
    "migration",
    "billing errors fell",
    "errors billing",  # the stems out of order: in no sentence
    "blame the team",
    "cut-over",
    "stakeholder",  # in no sentence
    "",
]


def _context(sentences: list[str]) -> AnswerContext:
    question = next(q for r in load_library().roles.values() for q in r.questions)
    rubric = Rubric(question=question, role=None, source="pack")
    vectors = np.zeros((len(sentences), 4), dtype=np.float32)
    return AnswerContext.build(rubric, " ".join(sentences), vectors, sentences)


def _scan(ctx: AnswerContext, cue: str) -> list[int]:
    cs = T.phrase_stems(cue)
    return [i for i, ss in enumerate(ctx.stems) if T.phrase_in(cs, ss)]


def test_cue_sentences_are_the_sentences_a_full_scan_finds() -> None:
    ctx = _context(SENTENCES)
    found = {cue: ctx.cue_sentences(T.phrase_stems(cue)) for cue in CUES}
    assert found == {cue: _scan(ctx, cue) for cue in CUES}
    assert found["rollback plan"] == [1, 4]
    assert found["plan"] == [1, 3, 4]
    assert found["errors billing"] == [] and found["stakeholder"] == [] and found[""] == []


def test_cue_sentences_of_a_subset_are_counted_in_the_subset() -> None:
    ctx = _context(SENTENCES).subset([0, 2, 4])
    for cue in CUES:
        assert ctx.cue_sentences(T.phrase_stems(cue)) == _scan(ctx, cue)
    assert ctx.cue_sentences(T.phrase_stems("plan")) == [2]
