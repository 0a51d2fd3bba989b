"""The learned achievement/duty decision for a résumé line. Pure (loads its shipped file).

A logistic regression over the line's sentence embedding (MiniLM, as prep embeds story text)
and the rule signals of `achievements.classify` (its own decision, an action, a change, a
number that moved, a size, a remit opening, first person, ...). Fitted and written by
training/train_achievements.py on the labelled development résumés; the file ships in
``prep/models/achievements.json`` and is loaded the way analysis loads its judgement.

Without the embedding model (the lexical fallback) there is no model input: callers keep the
rules' decision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from loopcoach.prep.achievements import LineKind, classify

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

# What the rules say of the line, then what any reader sees in it. Only what every version of
# the rules reports (`classify`'s decision and its action, change and size) is used: the
# training data reads each development folder with the rules as they were before that folder
# was seen (training/rules_history), so the model learns how far to trust the rules on lines
# they were not written against.
FEATURE_NAMES = (
    "rules_achievement",
    "rules_duty",
    "action",
    "change",
    "sized",
    "first_person",
    "digit",
    "percent_or_money",
    "short",
    "long",
)
# Embedding components are about 1/sqrt(384) = 0.05; scaled to about 0.2 so the 384 of them
# together do not drown the rule signals. (At 16 the leave-one-folder-out figures were the same,
# 0.97/0.97 against 0.97/0.96, but four fixture lines the rules read right flipped, among them
# "Worked on improving the change process." as an achievement; at 4, one.)
EMBED_SCALE = 4.0
_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our)\b")
_PERCENT_OR_MONEY = re.compile(r"\d\s?%|[$£€]\s?\d")

Rules = Callable[[str], LineKind]


def signals(text: str, rules: Rules = classify) -> list[float]:
    """The signals of one English line, in FEATURE_NAMES order (0 or 1 each)."""
    kind = rules(text)
    n_words = len(text.split())
    return [
        float(v)
        for v in (
            kind.kind == "achievement",
            kind.kind == "duty",
            kind.action,
            kind.change,
            kind.sized,
            bool(_FIRST_PERSON.search(text)),
            bool(re.search(r"\d", text)),
            bool(_PERCENT_OR_MONEY.search(text)),
            n_words < 8,
            n_words > 30,
        )
    ]


def features(texts: Sequence[str], vectors: F32, rules: Rules = classify) -> F64:
    """One row per line: its signals, then its scaled embedding."""
    sig = np.array([signals(t, rules) for t in texts], dtype=np.float64)
    sig = sig.reshape(len(texts), len(FEATURE_NAMES))
    emb = np.asarray(vectors, dtype=np.float64) * EMBED_SCALE
    return np.hstack([sig, emb])


@dataclass(frozen=True)
class AchievementModel:
    weights: F64
    bias: float
    threshold: float
    embedding_dim: int

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AchievementModel:
        if list(d["features"]) != list(FEATURE_NAMES):
            raise ValueError("achievement model: its features are not this code's")
        weights = np.asarray(d["weights"], dtype=np.float64)
        dim = int(d["embedding_dim"])
        if weights.shape != (len(FEATURE_NAMES) + dim,):
            raise ValueError("achievement model: weights do not match its features")
        return cls(weights, float(d["bias"]), float(d["threshold"]), dim)

    def probabilities(self, x: F64) -> F64:
        z = x @ self.weights + self.bias
        out: F64 = 1.0 / (1.0 + np.exp(-z))
        return out

    def decide(self, texts: Sequence[str], vectors: F32) -> list[bool]:
        """Achievement or not, for each English line with its embedding row."""
        if not texts:
            return []
        if vectors.shape != (len(texts), self.embedding_dim):
            raise ValueError("achievement model: embeddings of the wrong size")
        return [bool(p >= self.threshold) for p in self.probabilities(features(texts, vectors))]


@lru_cache(maxsize=1)
def load() -> AchievementModel:
    text = resources.files("loopcoach.prep").joinpath("models", "achievements.json")
    return AchievementModel.from_dict(json.loads(text.read_text("utf-8")))
