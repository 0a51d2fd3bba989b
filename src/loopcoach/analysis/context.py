"""What every scorer reads: the answer split into sentences, their features and embeddings,
and the rubric it is judged against. Built once per analysis."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from loopcoach.analysis import text as T
from loopcoach.content.schema import Question, RedFlag
from loopcoach.domain.analysis import Evidence, Timing


@dataclass(frozen=True)
class Rubric:
    """The question an answer is judged against, with every red flag that applies."""

    question: Question
    role: str | None
    source: str  # "pack", "matched" or "generic"
    role_flags: tuple[RedFlag, ...] = ()
    common_flags: tuple[RedFlag, ...] = ()
    prompt: str = ""  # the prompt as the user gave it (free text) or the pack's

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def framework(self) -> str:
        return self.question.expected_framework


@dataclass
class AnswerContext:
    rubric: Rubric
    raw: str
    sentences: list[str]
    lowered: list[str]
    stems: list[list[str]]
    word_counts: list[int]
    vectors: np.ndarray  # (n_sentences, dim), L2-normalised
    timing: Timing | None = None
    point_vectors: np.ndarray | None = None  # rubric talking points, rows in rubric order
    flag_vectors: np.ndarray | None = None  # every applicable red flag, rows in flag order
    embedder_name: str = "lexical"
    notes: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        rubric: Rubric,
        answer: str,
        vectors: np.ndarray,
        sents: list[str],
        timing: Timing | None = None,
    ) -> AnswerContext:
        lowered = [s.lower() for s in sents]
        return cls(
            rubric=rubric,
            raw=answer,
            sentences=sents,
            lowered=lowered,
            stems=[T.stems(s) for s in sents],
            word_counts=[len(T.words(s)) for s in sents],
            vectors=vectors,
            timing=timing,
        )

    @property
    def flags(self) -> list[tuple[str, RedFlag]]:
        r = self.rubric
        return (
            [("question", f) for f in r.question.red_flags]
            + [("role", f) for f in r.role_flags]
            + [("common", f) for f in r.common_flags]
        )

    @property
    def word_count(self) -> int:
        return sum(self.word_counts)

    def evidence(self, index: int, note: str = "") -> Evidence:
        return Evidence(sentence=self.sentences[index], index=index, note=note)
