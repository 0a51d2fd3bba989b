"""Relevance: does the answer address the question that was asked?

Similarity to a rubric tracks topic, and a polished answer to a different question shares a lot of
topic with any rubric of its role. So the answer is compared with the question's own prompt, and
with every other question the library knows: an answer that sits much closer to another question
than to the one asked is about that other question. The two figures feed a logistic model fitted
by ``training/fit_judgement.py`` on our training answers and on the same answers put under other
questions; its coefficients live in ``analysis/models/judgement.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class RelevanceModel:
    """p(on topic) = sigmoid(w_prompt * sim + w_margin * margin + bias)."""

    w_prompt: float
    w_margin: float
    bias: float
    threshold: float  # below this probability the answer is off-topic
    tangent: float  # a sentence this far from both the question and the answer is a tangent
    floor: float = 0.0  # ... and so is an answer whose similarity to the prompt is below this

    def probability(self, sim: float, margin: float) -> float:
        z = self.w_prompt * sim + self.w_margin * margin + self.bias
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


@dataclass(frozen=True)
class Relevance:
    similarity: float  # the answer's centroid against the prompt
    margin: float  # that, minus its similarity to the nearest other question
    nearest_other: str  # the prompt of that other question
    probability: float
    off_topic: bool
    tangents: tuple[int, ...]  # sentences about neither the question nor the rest of the answer


def features(vectors: F32, prompt: F32, others: F32) -> tuple[float, float, int]:
    """(similarity to the prompt, margin over the nearest other prompt, index of that prompt)."""
    if len(vectors) == 0:
        return 0.0, 0.0, -1
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    if norm == 0.0:
        return 0.0, 0.0, -1
    centroid = centroid / norm
    sim = float(centroid @ prompt)
    if len(others) == 0:
        return sim, sim, -1
    other_sims = others @ centroid
    k = int(np.argmax(other_sims))
    return sim, sim - float(other_sims[k]), k


def judge(
    model: RelevanceModel, vectors: F32, prompt: F32, others: F32, other_prompts: list[str]
) -> Relevance:
    sim, margin, k = features(vectors, prompt, others)
    p = model.probability(sim, margin)
    tangents: list[int] = []
    if len(vectors) >= 4:
        centroid = vectors.mean(axis=0)
        centroid = centroid / (float(np.linalg.norm(centroid)) or 1.0)
        to_prompt = vectors @ prompt
        to_rest = vectors @ centroid
        tangents = [
            i
            for i in range(len(vectors))
            if to_prompt[i] < model.tangent and to_rest[i] < model.tangent + 0.15
        ]
    return Relevance(
        similarity=round(sim, 3),
        margin=round(margin, 3),
        nearest_other=other_prompts[k] if 0 <= k < len(other_prompts) else "",
        probability=round(p, 3),
        off_topic=p < model.threshold or sim < model.floor,
        tangents=tuple(tangents),
    )
