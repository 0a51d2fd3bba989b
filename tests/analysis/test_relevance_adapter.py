"""The relevance adapter: how its two figures are read, and what ships."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from loopcoach.analysis import relevance as R
from loopcoach.analysis.engine import Analyzer


def _unit(rng: np.random.Generator, n: int, d: int = 8) -> np.ndarray:
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _adapter(u: np.ndarray, v: np.ndarray) -> R.Adapter:
    return R.Adapter(u=u, v=v, w_prompt=1.0, w_margin=10.0, bias=0.0, threshold=0.1)


def test_a_zero_adapter_reads_the_raw_similarities() -> None:
    rng = np.random.default_rng(3)
    vectors, prompt, others = _unit(rng, 5), _unit(rng, 1)[0], _unit(rng, 4)
    zero = _adapter(np.zeros((8, 2), np.float32), np.zeros((8, 2), np.float32))
    plain = R.features(vectors, prompt, others)
    adapted = R.features(vectors, prompt, others, zero)
    # without an adapter the model's similarity and margin are the raw ones
    assert (plain[3], plain[4]) == (plain[0], plain[1])
    assert adapted == pytest.approx(plain, abs=1e-6)


def test_the_adapter_moves_the_similarity_and_the_margin() -> None:
    rng = np.random.default_rng(4)
    vectors, prompt, others = _unit(rng, 5), _unit(rng, 1)[0], _unit(rng, 4)
    c = vectors.mean(axis=0)
    c = c / np.linalg.norm(c)
    # a rank-one adapter that rewards exactly the direction from the centroid to the prompt
    ad = _adapter(c[:, None].astype(np.float32), prompt[:, None].astype(np.float32))
    raw, raw_margin, _, sim, margin = R.features(vectors, prompt, others, ad)
    assert sim == pytest.approx(raw + 1.0, abs=1e-5)  # (c.c) (p.p) = 1
    assert margin > raw_margin
    rel = R.judge(
        R.RelevanceModel(1.0, 1.0, 0.0, 0.1, 0.0), vectors, prompt, others, list("abcd"), ad
    )
    # the report keeps the plain cosines (the talking-point reader reads them too)
    assert (rel.similarity, rel.margin) == (round(raw, 3), round(raw_margin, 3))


def test_the_floor_reads_the_raw_similarity_not_the_adapted_one() -> None:
    rng = np.random.default_rng(5)
    vectors, prompt, others = _unit(rng, 5), _unit(rng, 1)[0], _unit(rng, 4)
    raw = R.features(vectors, prompt, others)[0]
    model = R.RelevanceModel(0.0, 0.0, 40.0, threshold=0.5, tangent=0.0, floor=raw + 0.01)
    boost = _adapter(np.ones((8, 1), np.float32), np.ones((8, 1), np.float32))
    rel = R.judge(model, vectors, prompt, others, ["a", "b", "c", "d"], boost)
    assert rel.probability > 0.99 and rel.off_topic  # under the floor whatever the model says
    assert rel.similarity == pytest.approx(raw, abs=1e-3)


def test_the_shipped_adapter_is_whole_and_its_coefficients_are_copied_into_the_judgement() -> None:
    ad = R.load_adapter()
    assert ad.u.shape == ad.v.shape and ad.u.shape[0] == 384 and ad.u.shape[1] >= 1
    assert np.isfinite(ad.u).all() and np.isfinite(ad.v).all()
    assert ad.w_prompt > 0 and ad.w_margin > 0 and 0 < ad.threshold < 0.5
    for name in ("judgement-minilm.json", "judgement-minilm-tail.json"):
        text = resources.files("loopcoach.analysis").joinpath("models", name).read_text("utf-8")
        rel = json.loads(text)["relevance"]
        assert (rel["w_prompt"], rel["w_margin"], rel["bias"], rel["threshold"]) == (
            ad.w_prompt,
            ad.w_margin,
            ad.bias,
            ad.threshold,
        ), f"{name}: run training/fit_judgement.py after training/train_relevance.py"


def test_minilm_analysis_reads_relevance_through_the_adapter(analyzer: Analyzer) -> None:
    if analyzer.embedder.degraded:
        assert analyzer.relevance_adapter is None
    else:
        assert analyzer.relevance_adapter is not None
