"""Relevance: does the answer address the question that was asked?

Similarity to a rubric tracks topic, and a polished answer to a different question shares a lot of
topic with any rubric of its role. So the answer is compared with the question's own prompt, and
with every other question the library knows: an answer that sits much closer to another question
than to the one asked is about that other question. The two figures feed a logistic model.

With MiniLM, both figures are read through a low-rank adapter (``Adapter``) trained on answers and
the questions they were written for (``training/train_relevance.py``), so that they measure
"answers this question" rather than "shares its topic"; that script also fits the logistic model
and its threshold out of fold, and ``training/fit_judgement.py`` copies them into
``analysis/models/judgement-*.json``. Without MiniLM the figures are raw similarities and the
model is fitted by ``training/fit_judgement.py`` on our graded answers under their own and other
questions.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

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
class Adapter:
    """s(c, q) = c.q + (c U).(q V): how far answer centroid c answers prompt q."""

    u: F32
    v: F32
    w_prompt: float
    w_margin: float
    bias: float
    threshold: float

    def score(self, c: F32, q: F32) -> float:
        return float(c @ q) + float((c @ self.u) @ (q @ self.v))

    def scores(self, c: F32, qs: F32) -> F32:
        out: F32 = (qs @ c + (qs @ self.v) @ (c @ self.u)).astype(np.float32)
        return out


ADAPTER_FILE = "relevance-minilm.json"


def load_adapter() -> Adapter:
    """The MiniLM relevance adapter shipped in analysis/models (training/train_relevance.py)."""
    text = resources.files("loopcoach.analysis").joinpath("models", ADAPTER_FILE).read_text("utf-8")
    return adapter_from_dict(json.loads(text))


def adapter_from_dict(data: dict[str, Any]) -> Adapter:
    return Adapter(
        u=np.asarray(data["u"], dtype=np.float32),
        v=np.asarray(data["v"], dtype=np.float32),
        w_prompt=float(data["w_prompt"]),
        w_margin=float(data["w_margin"]),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
    )


@dataclass(frozen=True)
class Relevance:
    similarity: float  # the answer's centroid against the prompt (plain cosine)
    margin: float  # that, minus its similarity to the nearest other question (plain cosines)
    nearest_other: str  # the prompt of that other question
    probability: float
    off_topic: bool
    tangents: tuple[int, ...]  # sentences about neither the question nor the rest of the answer


def features(
    vectors: F32, prompt: F32, others: F32, adapter: Adapter | None = None
) -> tuple[float, float, int, float, float]:
    """(raw similarity of the answer's centroid to the prompt, raw margin over the nearest
    other prompt, index of that prompt, and the model's similarity and margin: through the
    adapter if there is one, else the raw ones)."""
    if len(vectors) == 0:
        return 0.0, 0.0, -1, 0.0, 0.0
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    if norm == 0.0:
        return 0.0, 0.0, -1, 0.0, 0.0
    centroid = centroid / norm
    raw = float(centroid @ prompt)
    sim = raw if adapter is None else adapter.score(centroid, prompt)
    if len(others) == 0:
        return raw, raw, -1, sim, sim
    raw_others = others @ centroid
    k = int(np.argmax(raw_others))
    raw_margin = raw - float(raw_others[k])
    if adapter is None:
        return raw, raw_margin, k, raw, raw_margin
    return raw, raw_margin, k, sim, sim - float(adapter.scores(centroid, others).max())


def judge(
    model: RelevanceModel,
    vectors: F32,
    prompt: F32,
    others: F32,
    other_prompts: list[str],
    adapter: Adapter | None = None,
) -> Relevance:
    """`model` holds the logistic coefficients for the features as `adapter` reads them (with
    an adapter, they are the adapter's own, copied into the judgement file by
    training/fit_judgement.py)."""
    raw, raw_margin, k, sim, margin = features(vectors, prompt, others, adapter)
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
        similarity=round(raw, 3),
        margin=round(raw_margin, 3),
        nearest_other=other_prompts[k] if 0 <= k < len(other_prompts) else "",
        probability=round(p, 3),
        off_topic=p < model.threshold or raw < model.floor,
        tangents=tuple(tangents),
    )
