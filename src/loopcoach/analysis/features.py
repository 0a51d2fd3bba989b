"""The features of one answer: everything a scorer reads, found once per analysis.

Built by `pipeline.extract` and never changed afterwards; a scorer declares which of these
fields it reads (`Scorer.reads`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from loopcoach.analysis.context import AnswerContext, Rubric
from loopcoach.domain.analysis import FlagHit, PointResult


@dataclass(frozen=True, eq=False)
class Features:
    answer: AnswerContext  # every sentence of the answer, with its stance
    clean: AnswerContext  # the answer without the sentences that carry a flaw
    flag_hits: tuple[FlagHit, ...]  # the red flags the whole answer raises
    star_parts: Mapping[str, tuple[int, ...]]  # STAR parts (and "learning") in `clean`; star only
    points: tuple[PointResult, ...]  # each talking point of the rubric, as `clean` makes it
    point_credit: Mapping[str, float]  # talking point id -> the share of its weight earned

    @property
    def rubric(self) -> Rubric:
        return self.answer.rubric


FEATURE_NAMES = frozenset(f.name for f in fields(Features))
