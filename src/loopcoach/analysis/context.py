"""What the scorers read about one answer: its sentences with their words, stems, vectors and
stances, and the rubric it is judged against. Immutable: built once per analysis, and a subset
(the answer without some sentences) is a new context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from loopcoach.analysis import text as T
from loopcoach.analysis.relevance import Relevance
from loopcoach.analysis.stance import SentenceStance
from loopcoach.content.schema import Question, RedFlag
from loopcoach.domain.analysis import Evidence, Timing
from loopcoach.domain.kinds import FlagSource, RubricSource


@dataclass(frozen=True)
class Rubric:
    """The question an answer is judged against, with every red flag that applies."""

    question: Question
    role: str | None
    source: RubricSource
    role_flags: tuple[RedFlag, ...] = ()
    common_flags: tuple[RedFlag, ...] = ()
    prompt: str = ""  # the prompt as the user gave it (free text) or the pack's

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def framework(self) -> str:
        return self.question.expected_framework

    @property
    def flags(self) -> list[tuple[FlagSource, RedFlag]]:
        """Every red flag that applies, with where it comes from: the question's, the role's,
        then the ones common to every answer."""
        return (
            [("question", f) for f in self.question.red_flags]
            + [("role", f) for f in self.role_flags]
            + [("common", f) for f in self.common_flags]
        )


def _read_only(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False)
class AnswerContext:
    rubric: Rubric
    raw: str
    sentences: tuple[str, ...]
    lowered: tuple[str, ...]
    stems: tuple[tuple[str, ...], ...]
    word_counts: tuple[int, ...]
    vectors: np.ndarray  # (n_sentences, dim), L2-normalised, read-only
    timing: Timing | None = None
    point_vectors: np.ndarray | None = None  # rubric talking points, rows in rubric order
    flag_vectors: np.ndarray | None = None  # every applicable red flag, rows in flag order
    embedder_name: str = "lexical"
    stances: tuple[SentenceStance, ...] = ()  # one per sentence, or none
    relevance: Relevance | None = None
    origin: tuple[int, ...] = ()  # index of each sentence in the whole answer (for subsets)
    total_words: int = 0  # words in the whole answer, flawed sentences included
    prompt_vector: np.ndarray | None = None  # the question as asked, L2-normalised

    @classmethod
    def build(
        cls,
        rubric: Rubric,
        answer: str,
        vectors: np.ndarray,
        sents: Sequence[str],
        timing: Timing | None = None,
        *,
        embedder_name: str = "lexical",
        point_vectors: np.ndarray | None = None,
        flag_vectors: np.ndarray | None = None,
        stances: Sequence[SentenceStance] = (),
        relevance: Relevance | None = None,
        prompt_vector: np.ndarray | None = None,
    ) -> AnswerContext:
        word_counts = tuple(len(T.words(s)) for s in sents)
        return cls(
            rubric=rubric,
            raw=answer,
            sentences=tuple(sents),
            lowered=tuple(s.lower() for s in sents),
            stems=tuple(tuple(T.stems(s)) for s in sents),
            word_counts=word_counts,
            vectors=_read_only(vectors),
            timing=timing,
            point_vectors=None if point_vectors is None else _read_only(point_vectors),
            flag_vectors=None if flag_vectors is None else _read_only(flag_vectors),
            embedder_name=embedder_name,
            stances=tuple(stances),
            relevance=relevance,
            total_words=sum(word_counts),
            prompt_vector=None if prompt_vector is None else _read_only(prompt_vector),
        )

    @property
    def flags(self) -> list[tuple[FlagSource, RedFlag]]:
        return self.rubric.flags

    @property
    def word_count(self) -> int:
        return sum(self.word_counts)

    @cached_property
    def stem_sentences(self) -> dict[str, tuple[int, ...]]:
        """Each stem of the answer with the sentences it is in, in order: a cue phrase can only
        be in the sentences that hold its first stem, so cue matching looks at those alone."""
        where: dict[str, list[int]] = {}
        for i, ss in enumerate(self.stems):
            for s in dict.fromkeys(ss):
                where.setdefault(s, []).append(i)
        return {s: tuple(ix) for s, ix in where.items()}

    def cue_sentences(self, phrase_stems: tuple[str, ...]) -> list[int]:
        """The sentences a cue phrase (its stems) appears in, in order (``T.phrase_in``, which
        is false wherever the phrase's first stem is not in the sentence)."""
        if not phrase_stems:
            return []
        holding = self.stem_sentences.get(phrase_stems[0], ())
        if len(phrase_stems) == 1:
            return list(holding)
        return [i for i in holding if T.phrase_in(phrase_stems, self.stems[i])]

    def evidence(self, index: int, note: str = "") -> Evidence:
        where = self.origin[index] if self.origin else index
        return Evidence(sentence=self.sentences[index], index=where, note=note)

    def stance(self, index: int) -> str:
        """The stance read for a sentence, or "" when no stance model ran."""
        return self.stances[index].stance if self.stances else ""

    def with_stances(self, stances: Sequence[SentenceStance]) -> AnswerContext:
        """The same answer with its sentences' stances read again."""
        return replace(self, stances=tuple(stances))

    def subset(self, keep: list[int]) -> AnswerContext:
        """The same answer without some sentences (those carrying a flaw earn nothing else);
        evidence still points at the sentence's place in the whole answer."""
        origin = tuple(self.origin[i] if self.origin else i for i in keep)
        rel = self.relevance
        if rel is not None:
            moved = {i: k for k, i in enumerate(keep)}
            rel = replace(rel, tangents=tuple(moved[i] for i in rel.tangents if i in moved))
        return replace(
            self,
            sentences=tuple(self.sentences[i] for i in keep),
            lowered=tuple(self.lowered[i] for i in keep),
            stems=tuple(self.stems[i] for i in keep),
            word_counts=tuple(self.word_counts[i] for i in keep),
            vectors=_read_only(self.vectors[keep] if len(keep) else self.vectors[:0]),
            stances=tuple(self.stances[i] for i in keep) if self.stances else (),
            relevance=rel,
            origin=origin,
            total_words=self.total_words or self.word_count,
        )
