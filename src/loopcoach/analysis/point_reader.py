"""The talking-point reader: how likely each sentence is to make each of the rubric's points.

A logistic model over a few readings of every (sentence, point) pair: how close the sentence is
to the point (alone, and read with its neighbours, since interviewers hear a point said over two
sentences), how it ranks among the points for that sentence and among the sentences for that
point, how close it is to the question, whether it uses a cue phrase of the point or is the
story part the point is tied to, and whether it is hedged, negated or read as a flaw. Fitted on
labelled answers by training/fit_points.py (models/points-minilm.json); MiniLM only.

Negated, hedged and flawed sentences are features of the model and also a rule: such a sentence
never makes a point, whatever its probability (`eligible`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext
from loopcoach.analysis.lexical import STOP_WORDS

F32 = np.ndarray

FEATURES = (
    "cos",  # the sentence against the point (its label and description)
    "cos_pair",  # the sentence read with the neighbour that brings it closest to the point
    "cos_three",  # the sentence read with both neighbours
    "cos_neighbour",  # the closer of its two neighbours alone
    "margin_points",  # cos minus the closest other point's cos for this sentence
    "gap_sentences",  # cos minus the point's closest sentence's cos
    "centred",  # cos minus the point's mean cos over the answer
    "cos_prompt",  # the sentence against the question asked
    "cue",  # the sentence uses one of the point's cue phrases
    "story_part",  # the sentence is the story part the point is tied to
    "weak",  # hedged, buzzwords or a red flag's evidence
    "negation",  # a negation word anywhere in the sentence
    "negated",  # the sentence as a whole denies what it says (the rule)
    "flaw_p",  # the stance model's flaw probability
    "log_words",  # log(1 + words)
    "z_point",  # cos standardised over the point's sentences
    "rank_sentence",  # 1 / (1 + the sentence's rank among the point's sentences)
    "rank_point",  # 1 / (1 + the point's rank among the sentence's points)
    "point_max",  # the point's closest sentence's cos (for every sentence)
    "cos_answer",  # the whole answer (its mean vector) against the point
    "overlap",  # share of the point's content words (stemmed) the sentence uses
    "overlap_pair",  # ... the sentence with either neighbour
    "answer_prompt",  # the whole answer against the question (relevance.similarity)
    "answer_margin",  # ... minus its similarity to the nearest other question
    "cos_over",  # how far cos rises over 0.40 (nothing below)
    "nearest_over",  # cos over 0.52 when the point is the sentence's nearest (the old rule)
)

# Any negation word: a feature ("we did not wait for the steering committee" still makes a point).
NEGATION = re.compile(
    r"\b(not|never|no|none|nothing|nobody|neither|nor|didn'?t|don'?t|doesn'?t|wasn'?t|weren'?t|"
    r"wouldn'?t|won'?t|couldn'?t|shouldn'?t|haven'?t|hasn'?t|hadn'?t|isn'?t|aren'?t|can'?t|"
    r"cannot|without)\b"
)
# A sentence denied as a whole ("It is not true that ...", "None of this happened", "We never
# got to ..."): it never makes a point (the rule beside the feature).
DENIED = re.compile(
    r"^(?:(?:so|and|but|honestly|frankly|sadly|unfortunately|to be honest),? )*"
    r"(?:(?:it|that) is(?:n'?t| not) true that|it'?s not true that|it is false that|"
    r"none of (?:this|that|it) (?:happened|is true|was true)|"
    r"(?:i|we|the team) never (?:really |actually )?(?:got (?:a?round )?to|did any of)|"
    r"(?:i|we|the team) did(?: not|n'?t) (?:really |actually )?(?:get (?:a?round )?to|do any of))\b"
)
# A sentence whose main clause is denied from its start ("We never set up a dependency board",
# "There was no written plan"), with no turn to what was done instead ("We didn't wait for the
# review; instead we ..."): it never makes a point either.
NEGATED = re.compile(
    r"^(?:(?:so|and|but|honestly|frankly|in the end|in practice|to be honest|sadly|"
    r"unfortunately),? )*"
    r"(?:(?:there|it|that|this) (?:was|is|were|are) (?:no|not|never)\b"
    r"|(?:there|it|that|this) (?:wasn'?t|isn'?t|weren'?t|aren'?t)\b"
    r"|(?:nobody|no one|none of us|neither of us)\b"
    r"|(?:i|we|the team|they|my team)(?: \w+)? (?:never|did not|didn'?t|do not|don'?t|"
    r"could not|couldn'?t|had not|hadn'?t|have not|"
    r"haven'?t|was not|wasn'?t|were not|weren'?t|am not|are not|aren'?t)\b)"
)
TURN = re.compile(r"\b(instead|rather|but|until|so that|because|only|except|unless)\b|[;:]")


def negated(lowered: str) -> bool:
    """Whether a lower-cased sentence denies what it says as a whole (DENIED, or NEGATED with no
    turn to what was done instead)."""
    s = lowered.strip()
    return bool(DENIED.match(s)) or (bool(NEGATED.match(s)) and not TURN.search(s))


@dataclass(frozen=True)
class PointReader:
    """A fitted reader: feature scaling, logistic weights and the decision threshold."""

    mean: F32
    scale: F32
    weights: F32
    bias: float
    threshold: float

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PointReader:
        names = tuple(str(n) for n in raw["features"])
        if names != FEATURES:
            raise ValueError(f"points model: features {names} are not the reader's {FEATURES}")
        return cls(
            mean=np.asarray(raw["mean"], dtype=np.float64),
            scale=np.asarray(raw["scale"], dtype=np.float64),
            weights=np.asarray(raw["weights"], dtype=np.float64),
            bias=float(raw["bias"]),
            threshold=float(raw["threshold"]),
        )

    def probabilities(self, x: F32) -> F32:
        """P(the sentence makes the point) for features `x` of shape (..., len(FEATURES))."""
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))), dtype=np.float64)


@functools.cache
def load(embedder: str = "minilm") -> PointReader | None:
    """The shipped reader for an embedder, or None when there is none (the lexical fallback)."""
    if embedder != "minilm":
        return None
    text = (
        resources.files("loopcoach.analysis")
        .joinpath("models", f"points-{embedder}.json")
        .read_text("utf-8")
    )
    return PointReader.from_dict(json.loads(text))


def _unit(a: F32) -> F32:
    norm = np.linalg.norm(a, axis=-1, keepdims=True)
    return np.asarray(a / np.maximum(norm, 1e-9), dtype=np.float64)


def cue_rows(ctx: AnswerContext) -> F32:
    """(n_sentences, n_points) booleans: the sentence uses one of the point's cue phrases."""
    q = ctx.rubric.question
    out = np.zeros((len(ctx.sentences), len(q.talking_points)), dtype=bool)
    for j, tp in enumerate(q.talking_points):
        for cue in tp.cues:
            for i in ctx.cue_sentences(T.phrase_stems(cue)):
                out[i, j] = True
    return out


def features(
    ctx: AnswerContext,
    weak: Sequence[bool],
    star: Mapping[str, tuple[int, ...]],
) -> F32:
    """Features of every (sentence, point) pair, shape (n_sentences, n_points, len(FEATURES)).
    `weak` marks the hedged, buzzword and red-flag sentences; `star` the story parts."""
    q = ctx.rubric.question
    n, m = len(ctx.sentences), len(q.talking_points)
    out = np.zeros((n, m, len(FEATURES)), dtype=np.float64)
    if not n or not m or ctx.point_vectors is None:
        return out
    v = np.asarray(ctx.vectors, dtype=np.float64)
    p = np.asarray(ctx.point_vectors, dtype=np.float64)
    s = v @ p.T
    prev = np.vstack([v[:1] * 0.0, v[:-1]])
    nxt = np.vstack([v[1:], v[:1] * 0.0])
    has_prev = np.arange(n) > 0
    has_next = np.arange(n) < n - 1
    s_prev = np.where(has_prev[:, None], _unit(v + prev) @ p.T, s)
    s_next = np.where(has_next[:, None], _unit(v + nxt) @ p.T, s)
    s_three = _unit(v + prev + nxt) @ p.T
    neigh = np.maximum(
        np.where(has_prev[:, None], np.vstack([s[:1] * 0.0, s[:-1]]), 0.0),
        np.where(has_next[:, None], np.vstack([s[1:], s[:1] * 0.0]), 0.0),
    )
    top = s.max(axis=1, keepdims=True)
    if m > 1:
        order = np.sort(s, axis=1)
        top1, top2 = order[:, -1:], order[:, -2:-1]
        other = np.where(s >= top1, top2, top1)
    else:
        other = np.zeros_like(s)
    prompt = (
        v @ np.asarray(ctx.prompt_vector, dtype=np.float64)
        if ctx.prompt_vector is not None
        else np.zeros(n)
    )
    part = np.zeros((n, m), dtype=bool)
    if ctx.rubric.framework == "star":
        for j, tp in enumerate(q.talking_points):
            if tp.part:
                part[list(star.get(tp.part, ())), j] = True
    neg = np.array([bool(NEGATION.search(s_)) for s_ in ctx.lowered])
    denied = np.array([negated(s_) for s_ in ctx.lowered])
    flaw = np.array([st.flaw_p for st in ctx.stances] if ctx.stances else [0.0] * n)
    words = np.log1p(np.asarray(ctx.word_counts, dtype=np.float64))
    rel = ctx.relevance
    cols = [
        s,
        np.maximum(s_prev, s_next),
        s_three,
        neigh,
        s - other,
        s - s.max(axis=0, keepdims=True),
        s - s.mean(axis=0, keepdims=True),
        np.broadcast_to(prompt[:, None], (n, m)),
        cue_rows(ctx),
        part,
        np.broadcast_to(np.asarray(weak, dtype=np.float64)[:, None], (n, m)),
        np.broadcast_to(neg[:, None], (n, m)),
        np.broadcast_to(denied[:, None], (n, m)),
        np.broadcast_to(flaw[:, None], (n, m)),
        np.broadcast_to(words[:, None], (n, m)),
        (s - s.mean(axis=0, keepdims=True)) / np.maximum(s.std(axis=0, keepdims=True), 0.02),
        1.0 / (1.0 + np.argsort(np.argsort(-s, axis=0, kind="stable"), axis=0, kind="stable")),
        1.0 / (1.0 + np.argsort(np.argsort(-s, axis=1, kind="stable"), axis=1, kind="stable")),
        np.broadcast_to(s.max(axis=0, keepdims=True), (n, m)),
        np.broadcast_to((_unit(v.sum(axis=0)) @ p.T)[None, :], (n, m)),
        *_overlap(ctx),
        np.full((n, m), rel.similarity if rel is not None else 0.0),
        np.full((n, m), rel.margin if rel is not None else 0.0),
        np.maximum(s - 0.40, 0.0),
        np.where(s >= top, np.maximum(s - 0.52, 0.0), 0.0),
    ]
    for k, c in enumerate(cols):
        out[:, :, k] = c
    return out


def _content(stems: Sequence[str]) -> frozenset[str]:
    return frozenset(s for s in stems if s not in STOP_WORDS and len(s) > 2)


def _overlap(ctx: AnswerContext) -> tuple[F32, F32]:
    """(n, m) shares of each point's content stems found in each sentence, alone and with the
    neighbour that shares most."""
    pts = ctx.rubric.question.talking_points
    want = [
        _content(T.phrase_stems(" ".join([tp.label, tp.description, *tp.cues]))) or frozenset({""})
        for tp in pts
    ]
    have = [_content(s) for s in ctx.stems]
    n = len(have)
    alone = np.array([[len(h & w) / len(w) for w in want] for h in have], dtype=np.float64)
    pair = alone.copy()
    for i in range(n):
        for k in (i - 1, i + 1):
            if 0 <= k < n:
                both = have[i] | have[k]
                pair[i] = np.maximum(pair[i], [len(both & w) / len(w) for w in want])
    return alone.reshape(n, len(pts)), pair.reshape(n, len(pts))


def eligible(ctx: AnswerContext, weak: Sequence[bool]) -> F32:
    """(n_sentences,) booleans: the sentences that may make a point at all (not hedged, not
    wrapped in buzzwords, not a red flag's evidence, not negated as a whole, not flawed)."""
    flawed = [st.flaw is not None for st in ctx.stances] if ctx.stances else [False] * len(weak)
    return np.array(
        [
            not w and not f and not negated(s)
            for w, f, s in zip(weak, flawed, ctx.lowered, strict=True)
        ],
        dtype=bool,
    )
