"""How the six dimensions combine into the overall score, per question kind.

A dimension these weights do not name (a scorer a pack or plugin registered) weighs 0: it is
reported in `Analysis.dimensions` but moves the overall score only once the weights handed to
the analyzer (`Analyzer(..., weights=...)`) name it.

The weights below were fitted on the training half of tests/fixtures/answers (see
benchmarks/fit_weights.py, which prints them) and are checked on the held-out half by
benchmarks/analysis_accuracy.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from loopcoach.domain.kinds import DIMENSIONS

# Chosen on the training half by a grid search (benchmarks/fit_weights.py prints a least-squares
# fit for comparison): coverage and specificity separate answers best; ownership matters most for
# stories, half as much for designs and technical answers; delivery counts little on its own now
# that structure also charges for rambling.
DEFAULT = {
    "structure": 1.0,
    "coverage": 2.5,
    "specificity": 1.5,
    "ownership": 1.0,
    "red_flags": 1.5,
    "delivery": 0.5,
}
WEIGHTS: dict[str, dict[str, float]] = {
    "behavioural": DEFAULT,
    "situational": DEFAULT,
    "technical": {**DEFAULT, "ownership": 0.5},
    "competency": DEFAULT,
    "culture": DEFAULT,
    "case": {**DEFAULT, "ownership": 0.5},
}
MIN_WORDS_FOR_FULL_SCORE = 100


def overall(
    kind: str,
    scores: Mapping[str, float],
    word_count: int,
    weights: Mapping[str, Mapping[str, float]] = WEIGHTS,
) -> int:
    """Weighted mean of the dimension scores (0-4) mapped to 0-100. Every dimension the weights
    name must be scored; a scored dimension they do not name weighs 0."""
    if word_count == 0:
        return 0
    w = weights.get(kind, DEFAULT)
    unscored = [d for d in w if d not in scores]
    if unscored:
        raise ValueError(f"no score for the weighted dimension(s) {', '.join(unscored)}")
    order = [*DIMENSIONS, *(d for d in scores if d not in DIMENSIONS)]
    named = [d for d in order if d in scores]
    total = sum(w.get(d, 0.0) for d in named)
    if total <= 0:
        raise ValueError(f"the weights for {kind!r} answers sum to {total}: give one a weight")
    mean = sum(w.get(d, 0.0) * scores[d] for d in named) / total
    if word_count < MIN_WORDS_FOR_FULL_SCORE:
        mean *= 0.5 + 0.5 * word_count / MIN_WORDS_FOR_FULL_SCORE
    return round(max(0.0, min(4.0, mean)) * 25)
