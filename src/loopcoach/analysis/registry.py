"""The scorers of the analysis: the `Scorer` protocol and the ordered registry of them.

A scorer judges one dimension of an answer from its `Features`. `pipeline.default_scorers()`
returns the six built-in ones; a pack or plugin adds or replaces one with
`ScorerRegistry.register` and hands the registry to `Analyzer(..., scorers=...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from loopcoach.analysis.features import FEATURE_NAMES, Features
from loopcoach.domain.analysis import DimensionScore


class Scorer(Protocol):
    """Judges one dimension (0-4, with reason, evidence and advice) from an answer's features."""

    @property
    def dimension(self) -> str:
        """The key it is reported under in `Analysis.dimensions` (and named by the weights)."""
        ...

    @property
    def reads(self) -> tuple[str, ...]:
        """The `Features` fields it reads."""
        ...

    def score(self, features: Features) -> DimensionScore: ...


@dataclass(frozen=True)
class FunctionScorer:
    """A scorer made of a function of the features."""

    dimension: str
    reads: tuple[str, ...]
    fn: Callable[[Features], DimensionScore]

    def score(self, features: Features) -> DimensionScore:
        return self.fn(features)


class ScorerRegistry(Mapping[str, Scorer]):
    """Dimension -> scorer, in report order (the order of `Analysis.dimensions`)."""

    def __init__(self, scorers: Iterable[Scorer] = ()) -> None:
        self._scorers: dict[str, Scorer] = {}
        for scorer in scorers:
            self.register(scorer)

    def register(self, scorer: Scorer, *, replace: bool = False) -> None:
        """Add a scorer for a new dimension (reported last), or with ``replace=True`` put it in
        place of the one already scoring its dimension (keeping that one's place)."""
        name = scorer.dimension
        if not name.isidentifier():
            raise ValueError(f"scorer dimension {name!r}: use a name like 'story_arc'")
        unknown = sorted(set(scorer.reads) - FEATURE_NAMES)
        if unknown:
            raise ValueError(
                f"scorer {name!r} reads {', '.join(unknown)}: not features; "
                f"choose from {', '.join(sorted(FEATURE_NAMES))}"
            )
        if name in self._scorers and not replace:
            raise ValueError(
                f"a scorer for {name!r} is registered already: pass replace=True to replace it"
            )
        self._scorers[name] = scorer

    def copy(self) -> ScorerRegistry:
        return ScorerRegistry(self._scorers.values())

    def score(self, features: Features) -> dict[str, DimensionScore]:
        """Every dimension's score, in report order."""
        out: dict[str, DimensionScore] = {}
        for name, scorer in self._scorers.items():
            result = scorer.score(features)
            if result.name != name:
                raise ValueError(
                    f"the scorer for {name!r} returned a score named {result.name!r}: "
                    "name the DimensionScore after its dimension"
                )
            out[name] = result
        return out

    def __getitem__(self, dimension: str) -> Scorer:
        return self._scorers[dimension]

    def __iter__(self) -> Iterator[str]:
        return iter(self._scorers)

    def __len__(self) -> int:
        return len(self._scorers)
