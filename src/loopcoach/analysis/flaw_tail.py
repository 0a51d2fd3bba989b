"""The flaw tail: fine-tuned copies of MiniLM's last two layers that read flaws and stance.

The answer encoder shares its first four layers (``minilm.TRUNK_LAYERS``) between the sentence
vectors and this tail. The tail's layers 5-6 are the base weights plus low-rank deltas (LoRA,
merged here once per process) with their own LayerNorms; the mean-pooled states go through two
linear heads: the probability that a sentence carries a flaw, and a distribution over the
stances. ``training/train_flaw.py`` trains the deltas and heads on ``training/data`` (never the
challenge set) and ships them in ``analysis/models/flaw-tail.npz``; it rebuilds the file byte
for byte.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]

FILE = "flaw-tail.npz"
# On by default; LOOPCOACH_FLAW_TAIL=0 turns it off (see docs/analysis.md).
ENV_VAR = "LOOPCOACH_FLAW_TAIL"
LAYERS = (4, 5)  # zero-based: layers 5 and 6
RANK = 16
SCALE = 2.0  # LoRA alpha / rank
DENSE = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
NORMS = ("attention.output.LayerNorm", "output.LayerNorm")


def layer_prefix(i: int) -> str:
    return f"encoder.layer.{i}."


@dataclass(frozen=True)
class TailReading:
    """What the tail reads in each sentence of an answer."""

    flaw_p: F32  # (sentences,) probability the sentence carries a flaw
    stance: F32  # (sentences, stances) in the order of ``stance.STANCES``


@dataclass(frozen=True)
class FlawTail:
    arrays: Mapping[str, F32]

    def merged(self, base: Mapping[str, npt.NDArray[np.float32]]) -> dict[str, F32]:
        """Weights of the tail's layers, named as in the model file (without ``bert.``): the
        base weights plus the scaled low-rank deltas, and the tail's own LayerNorms."""
        out: dict[str, F32] = {}
        for i in LAYERS:
            p = layer_prefix(i)
            for name in DENSE:
                delta = self.arrays[f"{p}{name}.B"] @ self.arrays[f"{p}{name}.A"]
                out[f"{p}{name}.weight"] = (base[f"{p}{name}.weight"] + SCALE * delta).astype(
                    np.float32
                )
                out[f"{p}{name}.bias"] = np.asarray(base[f"{p}{name}.bias"], dtype=np.float32)
            for name in NORMS:
                for part in ("weight", "bias"):
                    out[f"{p}{name}.{part}"] = self.arrays[f"{p}{name}.{part}"]
        return out

    def read(self, pooled: F32) -> TailReading:
        """Heads over the tail's mean-pooled states (sentences, dim)."""
        z = pooled @ self.arrays["flaw.weight"] + self.arrays["flaw.bias"][0]
        flaw_p = (1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))).astype(np.float32)
        s = pooled @ self.arrays["stance.weight"].T + self.arrays["stance.bias"]
        s -= s.max(axis=1, keepdims=True)
        e = np.exp(s)
        return TailReading(flaw_p, (e / e.sum(axis=1, keepdims=True)).astype(np.float32))


def from_bytes(data: bytes) -> FlawTail:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {k: np.asarray(npz[k], dtype=np.float32) for k in npz.files}
    return FlawTail(arrays)


def enabled() -> bool:
    """Whether answers are read through the flaw tail: yes unless ``LOOPCOACH_FLAW_TAIL`` is
    0, false, no or off (read at each call; the embedder decides when it is built)."""
    return os.environ.get(ENV_VAR, "").strip().lower() not in ("0", "false", "no", "off")


@lru_cache(maxsize=1)
def load() -> FlawTail | None:
    """The shipped tail, or None when the package ships none."""
    path = resources.files("loopcoach.analysis").joinpath("models", FILE)
    if not path.is_file():
        return None
    return from_bytes(path.read_bytes())
