"""How the six dimensions combine into the overall score, per question kind.

The weights below were fitted on the training half of tests/fixtures/answers (see
benchmarks/fit_weights.py, which prints them) and are checked on the held-out half by
benchmarks/analysis_accuracy.py.
"""

from __future__ import annotations

DIMENSIONS = ("structure", "coverage", "specificity", "ownership", "red_flags", "delivery")

DEFAULT = {
    "structure": 1.0,
    "coverage": 1.5,
    "specificity": 1.0,
    "ownership": 0.8,
    "red_flags": 1.0,
    "delivery": 0.6,
}
WEIGHTS: dict[str, dict[str, float]] = {
    "behavioural": {**DEFAULT, "ownership": 1.0, "structure": 1.2},
    "situational": {**DEFAULT, "ownership": 0.5},
    "technical": {**DEFAULT, "ownership": 0.3, "coverage": 1.8},
    "competency": {**DEFAULT, "ownership": 0.4},
    "culture": {**DEFAULT, "ownership": 0.4, "specificity": 0.7},
    "case": {**DEFAULT, "structure": 1.5, "ownership": 0.3},
}
MIN_WORDS_FOR_FULL_SCORE = 60


def overall(kind: str, scores: dict[str, float], word_count: int) -> int:
    """Weighted mean of the dimension scores (0-4) mapped to 0-100."""
    if word_count == 0:
        return 0
    w = WEIGHTS.get(kind, DEFAULT)
    total = sum(w[d] for d in DIMENSIONS)
    mean = sum(w[d] * scores[d] for d in DIMENSIONS) / total
    # a red flag sinks an answer however polished the rest is: interviewers cap it
    mean = min(mean, 1.0 + 0.75 * scores["red_flags"])
    if word_count < MIN_WORDS_FOR_FULL_SCORE:
        mean *= 0.5 + 0.5 * word_count / MIN_WORDS_FOR_FULL_SCORE
    return round(max(0.0, min(4.0, mean)) * 25)
