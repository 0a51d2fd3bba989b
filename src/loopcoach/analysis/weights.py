"""How the six dimensions combine into the overall score, per question kind.

The weights below were fitted on the training half of tests/fixtures/answers (see
benchmarks/fit_weights.py, which prints them) and are checked on the held-out half by
benchmarks/analysis_accuracy.py.
"""

from __future__ import annotations

DIMENSIONS = ("structure", "coverage", "specificity", "ownership", "red_flags", "delivery")

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


def overall(kind: str, scores: dict[str, float], word_count: int) -> int:
    """Weighted mean of the dimension scores (0-4) mapped to 0-100."""
    if word_count == 0:
        return 0
    w = WEIGHTS.get(kind, DEFAULT)
    total = sum(w[d] for d in DIMENSIONS)
    mean = sum(w[d] * scores[d] for d in DIMENSIONS) / total
    if word_count < MIN_WORDS_FOR_FULL_SCORE:
        mean *= 0.5 + 0.5 * word_count / MIN_WORDS_FOR_FULL_SCORE
    return round(max(0.0, min(4.0, mean)) * 25)
