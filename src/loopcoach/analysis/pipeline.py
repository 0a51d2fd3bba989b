"""The analysis pipeline's wiring: the features found once per answer (`extract`) and the six
built-in scorers, registered here and nowhere else (`default_scorers`).

Order of an analysis (`Analyzer.analyze_rubric`): read the sentences (vectors, stances,
relevance) into an `AnswerContext`; find the red flags; drop the flawed sentences (`clean`);
`extract` the features; run every registered scorer on them; combine the dimensions with the
weights (`weights.overall`) and apply the caps.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from loopcoach.analysis.context import AnswerContext
from loopcoach.analysis.features import Features
from loopcoach.analysis.registry import FunctionScorer, ScorerRegistry
from loopcoach.analysis.scorers import (
    coverage,
    delivery,
    ownership,
    red_flags,
    specificity,
    structure,
)
from loopcoach.domain.analysis import FlagHit


def extract(answer: AnswerContext, clean: AnswerContext, flag_hits: Sequence[FlagHit]) -> Features:
    """The features of one answer: `flag_hits` are found on the whole `answer`; STAR parts and
    talking points on `clean` (a sentence that carries a flaw earns nothing else)."""
    star = structure.star_parts(clean) if clean.rubric.framework == "star" else MappingProxyType({})
    found = coverage.points(clean, flag_hits, star)
    return Features(
        answer=answer,
        clean=clean,
        flag_hits=tuple(flag_hits),
        star_parts=star,
        points=tuple(found.points),
        point_credit=MappingProxyType(found.credit),
    )


def default_scorers() -> ScorerRegistry:
    """A new registry holding the six built-in scorers in report order."""
    return ScorerRegistry(
        [
            FunctionScorer(
                "structure",
                ("clean", "star_parts"),
                lambda f: structure.score(f.clean, f.star_parts),
            ),
            FunctionScorer(
                "coverage",
                ("clean", "points", "point_credit"),
                lambda f: coverage.score(f.clean, f.points, f.point_credit),
            ),
            FunctionScorer("specificity", ("clean",), lambda f: specificity.score(f.clean)),
            FunctionScorer("ownership", ("clean",), lambda f: ownership.score(f.clean)),
            FunctionScorer(
                "red_flags",
                ("answer", "flag_hits"),
                lambda f: red_flags.score(f.answer, f.flag_hits),
            ),
            FunctionScorer("delivery", ("answer",), lambda f: delivery.score(f.answer)),
        ]
    )
