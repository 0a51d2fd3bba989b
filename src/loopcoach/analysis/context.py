"""What every scorer reads: the answer split into sentences, their features and embeddings,
and the rubric it is judged against. Built once per analysis."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from loopcoach.analysis import text as T
from loopcoach.analysis.relevance import Relevance
from loopcoach.analysis.stance import SentenceStance
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
    stances: list[SentenceStance] = field(default_factory=list)  # one per sentence, or none
    relevance: Relevance | None = None
    origin: tuple[int, ...] = ()  # index of each sentence in the whole answer (for subsets)
    total_words: int = 0  # words in the whole answer, flawed sentences included

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
        where = self.origin[index] if self.origin else index
        return Evidence(sentence=self.sentences[index], index=where, note=note)

    def stance(self, index: int) -> str:
        """The stance read for a sentence, or "" when no stance model ran."""
        return self.stances[index].stance if self.stances else ""

    def subset(self, keep: list[int]) -> AnswerContext:
        """The same answer without some sentences (those carrying a flaw earn nothing else);
        evidence still points at the sentence's place in the whole answer."""
        origin = tuple(self.origin[i] if self.origin else i for i in keep)
        rel = self.relevance
        if rel is not None:
            moved = {i: k for k, i in enumerate(keep)}
            rel = replace(rel, tangents=tuple(moved[i] for i in rel.tangents if i in moved))
        return AnswerContext(
            rubric=self.rubric,
            raw=self.raw,
            sentences=[self.sentences[i] for i in keep],
            lowered=[self.lowered[i] for i in keep],
            stems=[self.stems[i] for i in keep],
            word_counts=[self.word_counts[i] for i in keep],
            vectors=self.vectors[keep] if len(keep) else self.vectors[:0],
            timing=self.timing,
            point_vectors=self.point_vectors,
            flag_vectors=self.flag_vectors,
            embedder_name=self.embedder_name,
            stances=[self.stances[i] for i in keep] if self.stances else [],
            relevance=rel,
            origin=origin,
            total_words=self.total_words or self.word_count,
        )
