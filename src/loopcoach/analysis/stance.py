"""Stance: what each sentence of an answer does, from a classifier trained on labelled sentences.

A sentence is read as one of a small set of stances: the candidate acting or deciding, the team
acting, context, an imperative plan step, a result (a change the work caused), a scale number, a
promise, hedging or filler, or one of the flaws an interviewer marks down (blame, handing the
decision away, concealment or misreporting, heroics, overriding the team, status tracking only,
process for its own sake). The decision is a softmax regression over the sentence embedding and
a few surface features; the phrase patterns below are features, not rules.

The weights are trained by ``training/train_stance.py`` from ``training/data/`` (sentences written
for training, never the challenge set) and shipped in ``analysis/models/``; the script rebuilds
the shipped file byte for byte.
"""

from __future__ import annotations

import itertools
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from loopcoach.analysis.flaw_tail import TailReading

Stance = Literal[
    "own_action",
    "team_action",
    "context",
    "plan_step",
    "result",
    "scale_only",
    "promise",
    "hedge",
    "filler",
    "blame",
    "deferral",
    "integrity",
    "heroics",
    "override",
    "status_only",
    "process_over_outcome",
]
STANCES: tuple[Stance, ...] = get_args(Stance)  # in the order the model's classes use
FLAWS: tuple[Stance, ...] = (
    "blame",
    "deferral",
    "integrity",
    "heroics",
    "override",
    "status_only",
    "process_over_outcome",
)
# The flaws that on their own make an interviewer say no: they cap the overall score.
SERIOUS: frozenset[str] = frozenset({"blame", "deferral", "integrity"})
# What the training authors' labels map to (several labels are one stance to the scorers).
LABEL_MAP: dict[str, Stance] = {
    "own_action": "own_action",
    "own_decision": "own_action",
    "negated_flaw": "own_action",
    "team_action": "team_action",
    "context": "context",
    "plan_step": "plan_step",
    "result": "result",
    "scale_only": "scale_only",
    "promise": "promise",
    "hedge": "hedge",
    "filler": "filler",
    "blame": "blame",
    "deferral": "deferral",
    "integrity": "integrity",
    "heroics": "heroics",
    "override": "override",
    "status_only": "status_only",
    "process_over_outcome": "process_over_outcome",
}

F32 = npt.NDArray[np.float32]

# --- surface features (phrase patterns are inputs to the classifier, never the decision) --------
_I_SUBJ = re.compile(r"\b(i|i'd|i'll|i've|i'm|me|my|myself)\b")
_WE_SUBJ = re.compile(r"\b(we|we'd|we've|we're|we'll|our|us|the team)\b")
_OTHER = re.compile(
    r"\b(they|they'd|them|their|he|she|his|her|engineering|the engineers|my (manager|boss|"
    r"director|vp)|leadership|management|the vendor|the client|the business|stakeholders)\b"
)
_NEGATION = re.compile(
    r"\b(not|never|no|didn'?t|don'?t|wouldn'?t|won'?t|instead of|rather than|"
    r"without|refused)\b"
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|half|double|twice)\b"
)
_CHANGE = re.compile(
    r"\b(from|dropped|fell|rose|cut|reduced|increased|grew|halved|doubled|"
    r"went from|down to|up to|improved|shipped|launched|went live)\b|%"
)
_FUTURE = re.compile(r"\b(will|would|should|going to|could|might|'ll|'d)\b")
_FILLER = re.compile(
    r"\b(um+|uh+|erm|you know|basically|sort of|kind of|i mean|literally|"
    r"at the end of the day|like,)"
)
_HEDGE = re.compile(
    r"\b(i think|i guess|maybe|probably|perhaps|i suppose|hopefully|"
    r"it depends|not sure|somewhat|more or less)\b"
)
_OPENERS = frozenset(
    (
        "i",
        "we",
        "my",
        "our",
        "the",
        "a",
        "an",
        "it",
        "this",
        "that",
        "they",
        "he",
        "she",
        "there",
        "in",
        "on",
        "at",
        "for",
        "when",
        "after",
        "before",
        "during",
        "once",
        "if",
        "so",
        "and",
        "but",
        "then",
        "because",
        "as",
        "by",
        "with",
        "to",
        "their",
        "its",
    )
)
N_SURFACE = 12
N_HASH = 2048  # hashed words and word pairs
_TOKEN = re.compile(r"[a-z0-9']+")


def surface(sentence: str) -> list[float]:
    """Twelve surface features of one sentence, each roughly in 0-1."""
    low = sentence.lower().replace("’", "'")
    words = low.split()
    first = re.sub(r"[^a-z']", "", words[0]) if words else ""
    n = max(1, len(words))
    return [
        1.0 if _I_SUBJ.search(low) else 0.0,
        1.0 if _WE_SUBJ.search(low) else 0.0,
        1.0 if _OTHER.search(low) else 0.0,
        1.0 if _NEGATION.search(low) else 0.0,
        1.0 if _NUMBER.search(low) else 0.0,
        1.0 if _CHANGE.search(low) else 0.0,
        1.0 if _FUTURE.search(low) else 0.0,
        min(1.0, len(_FILLER.findall(low)) / 2.0),
        min(1.0, len(_HEDGE.findall(low)) / 2.0),
        # an imperative plan step opens with a verb, not a pronoun, article or connective
        1.0 if first and first not in _OPENERS and not _I_SUBJ.search(low) else 0.0,
        1.0 if low.rstrip().endswith("?") else 0.0,
        min(1.0, n / 40.0),
    ]


def hashed(sentence: str) -> F32:
    """Words and word pairs of a sentence, hashed into N_HASH buckets (crc32: the same on
    every platform and process)."""
    words = _TOKEN.findall(sentence.lower().replace("’", "'"))
    x = np.zeros(N_HASH, dtype=np.float32)
    grams = [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]
    x[[zlib.crc32(gram.encode("utf-8")) % N_HASH for gram in grams]] = 1.0
    return x


def features(sentences: Sequence[str], vectors: F32) -> F32:
    """The classifier's input: the sentence embedding, the surface features and the hashed
    words and word pairs."""
    n = len(sentences)
    surf = np.array([surface(s) for s in sentences], dtype=np.float32).reshape(n, N_SURFACE)
    grams = np.array([hashed(s) for s in sentences], dtype=np.float32).reshape(n, N_HASH)
    return np.hstack([vectors.astype(np.float32), surf, grams])


@dataclass(frozen=True)
class StanceModel:
    """A softmax regression over :func:`features`: ``W`` is (classes, features)."""

    classes: tuple[Stance, ...]
    weights: F32
    bias: F32
    embedder: str
    flaw_weights: F32  # a separate yes/no head: does the sentence carry any flaw?
    flaw_bias: float
    flaw_rule: str = "head"  # "head", or "mean"/"min" of the head and the stance head's flaw mass

    def probabilities(self, sentences: Sequence[str], vectors: F32) -> F32:
        return self.read(sentences, vectors)[0]

    def read(self, sentences: Sequence[str], vectors: F32) -> tuple[F32, F32]:
        """(stance probabilities per sentence and class, flaw probability per sentence)."""
        if not sentences:
            return np.zeros((0, len(self.classes)), dtype=np.float32), np.zeros(0, np.float32)
        x = features(sentences, vectors)
        z = x @ self.weights.T + self.bias
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        probs = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        zf = np.clip(x @ self.flaw_weights + self.flaw_bias, -40.0, 40.0)
        head = (1.0 / (1.0 + np.exp(-zf))).astype(np.float32)
        if self.flaw_rule == "head":
            return probs, head
        flaw_cols = [k for k, c in enumerate(self.classes) if c in FLAWS]
        mass = probs[:, flaw_cols].sum(axis=1)
        if self.flaw_rule == "mean":
            return probs, ((head + mass) / 2).astype(np.float32)
        return probs, np.minimum(head, mass).astype(np.float32)

    def to_json(self) -> str:
        data = {
            "embedder": self.embedder,
            "classes": list(self.classes),
            "bias": [round(float(v), 6) for v in self.bias],
            "weights": [[round(float(v), 6) for v in row] for row in self.weights],
            "flaw_bias": round(float(self.flaw_bias), 6),
            "flaw_rule": self.flaw_rule,
            "flaw_weights": [round(float(v), 6) for v in self.flaw_weights],
        }
        return json.dumps(data, separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, text: str) -> StanceModel:
        data = json.loads(text)
        classes = tuple(data["classes"])
        unknown = [c for c in classes if c not in STANCES]
        if unknown:
            raise ValueError(f"stance model has unknown classes: {unknown}")
        return cls(
            classes=classes,
            weights=np.array(data["weights"], dtype=np.float32),
            bias=np.array(data["bias"], dtype=np.float32),
            embedder=str(data["embedder"]),
            flaw_weights=np.array(data["flaw_weights"], dtype=np.float32),
            flaw_bias=float(data["flaw_bias"]),
            flaw_rule=str(data.get("flaw_rule", "head")),
        )


def model_file(embedder: str) -> str:
    return f"stance-{'minilm' if embedder == 'minilm' else 'lexical'}.json"


@lru_cache(maxsize=4)
def load_model(embedder: str) -> StanceModel:
    """The shipped stance model for an embedder kind ("minilm" or "lexical")."""
    name = model_file(embedder)
    text = resources.files("loopcoach.analysis").joinpath("models", name).read_text("utf-8")
    return StanceModel.from_json(text)


@dataclass(frozen=True)
class SentenceStance:
    """The stance read for one sentence, and how sure the model is."""

    stance: Stance
    confidence: float
    flaw: Stance | None  # a flaw the sentence carries (probability past the flaw threshold)
    flaw_p: float
    likely_flaw: Stance | None = None  # the likeliest flaw, whatever its probability
    result_p: float = 0.0  # the probability that the sentence states a result (the stance head)


FLAW_THRESHOLD = 0.5


# How the flaw tail's reading (flaw_tail.py) is used when the tail ran. Its stance distribution
# is not used: retrained on the session-6 answers, it reads plain results as promises and
# proposals as deferral ("As a result we launched the first phase..." -> promise), so the probe's
# stances stay (TAIL_STANCE). Its flaw probability is averaged with the probe's: on held-out
# authors the average finds more flaws at the same rate of flagged clean answers than either
# alone (training/experiments/finetune-RESULTS.md). "logit_mean" (averaging log-odds) was tried
# in session 8 with a tail trained on seven more authors; it did not ship
# (training/experiments/session8-RESULTS.md).
TAIL_FLAW: Literal["tail", "mean", "logit_mean"] = "mean"
TAIL_STANCE = False


def combine_flaw(probe: F32, tail: F32) -> F32:
    """The flaw probability read from the probe's and the tail's (see ``TAIL_FLAW``)."""
    if TAIL_FLAW == "tail":
        return tail
    if TAIL_FLAW == "mean":
        return ((probe + tail) / 2).astype(np.float32)
    p = np.clip(np.asarray(probe, dtype=np.float64), 1e-6, 1 - 1e-6)
    t = np.clip(np.asarray(tail, dtype=np.float64), 1e-6, 1 - 1e-6)
    z = (np.log(p / (1 - p)) + np.log(t / (1 - t))) / 2
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def read(
    model: StanceModel,
    sentences: Sequence[str],
    vectors: F32,
    flaw_threshold: float = FLAW_THRESHOLD,
    tail: TailReading | None = None,
) -> list[SentenceStance]:
    """One :class:`SentenceStance` per sentence: the likeliest stance, and the flaw it carries
    when the flaw probability is at least ``flaw_threshold`` (its kind is the likeliest flaw
    stance). With ``tail`` (the fine-tuned flaw tail's reading of the same sentences), its flaw
    probability and stance distribution are used as ``TAIL_FLAW`` and ``TAIL_STANCE`` say."""
    if tail is not None and (len(tail.flaw_p) != len(sentences) or model.classes != STANCES):
        raise ValueError("the flaw tail's reading does not match the sentences")
    probs, flaw_p = model.read(sentences, vectors)
    if tail is not None:
        flaw_p = combine_flaw(flaw_p, tail.flaw_p)
        probs = tail.stance if TAIL_STANCE else probs
    flaw_idx = [k for k, c in enumerate(model.classes) if c in FLAWS]
    result_k = model.classes.index("result") if "result" in model.classes else None
    out: list[SentenceStance] = []
    for row, fp in zip(probs, flaw_p, strict=True):
        k = int(np.argmax(row))
        fk = max(flaw_idx, key=lambda j: row[j])
        flaw = model.classes[fk] if float(fp) >= flaw_threshold else None
        rp = float(row[result_k]) if result_k is not None else 0.0
        out.append(
            SentenceStance(model.classes[k], float(row[k]), flaw, float(fp), model.classes[fk], rp)
        )
    return out
