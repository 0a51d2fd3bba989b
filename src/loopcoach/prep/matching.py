"""Stories matched to questions, themes tagged, coverage and prep priorities. Pure given vectors.

A story's match to a question weighs these signals (FEATURES; the weights are learned,
prep/models/matching.json, by training/fit_matching.py on the labelled development résumés and
our labelled stories; see docs/prep.md):

    points    by meaning: for each talking point of the question, its closest story sentence,
              averaged with the points' weights (what a strong answer covers)
    outline   by meaning: the whole story against the question's model-answer outline
    pointers  by meaning: the whole story against the question's prep pointers
    cues      by words: share of talking points whose cue phrases the story uses
    prompt    by words: the question's rarer words (within the role) that the story uses
    about     by meaning: the whole story against the question itself
    situation the situations (prep.situations) the question names that the story is about
    gist      by meaning: the story's situation, task and action against the question
    sentence  by meaning: the story's one sentence closest to the question
    themes    the competencies the question tests that the story shows (its themes), at most two
each as it is and less the story's average over the role's questions (`MatchModel`), plus a
small bonus for behavioural questions. The hand-set weights (the lexical fallback, and what a
story's themes are read from) add a bonus per shared competency instead of weighing "themes".
`Matcher` holds the embedder and memoises vectors of pack text, so a second build in the same
process only embeds the stories. Scores are 0-100; a match of GOOD or more is a story you can
tell for that question.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from loopcoach.analysis.embeddings import Embedder, EmbeddingCache
from loopcoach.analysis.text import phrase_in, phrase_stems, sentences, stem, stems
from loopcoach.content.library import RolePack
from loopcoach.content.schema import Question
from loopcoach.domain.stories import Story, clean
from loopcoach.prep.achievements import SCALE_NOUNS
from loopcoach.prep.history import Bullet, WorkHistory
from loopcoach.prep.resume_score import ResumeScore
from loopcoach.prep.situations import SITUATION_NAMES, shared_situation, situations
from loopcoach.prep.stories import story_dict

F32 = npt.NDArray[np.float32]

WEIGHTS = {
    "points": 0.75,
    "outline": 0.25,
    "pointers": 0.5,
    "cues": 0.7,
    "prompt": 0.3,
    "about": 0.25,
}
# the signals a match weighs (`signals`), in the order of the fitted model's weights
FEATURES = (
    "points",
    "outline",
    "pointers",
    "cues",
    "prompt",
    "about",
    "situation",
    "gist",
    "sentence",
    "themes",
)
BEHAVIOURAL_BONUS = 0.03
# a situational question is about a situation: a story about the same one (prep.situations)
# gets this much per share of the question's situations it shares
SITUATION_WEIGHT = 0.3
FREE_SITUATION_WEIGHT = 0.15
# the hand-set weights of the lexical fallback (and the fit's starting point)
HAND_WEIGHTS = {**WEIGHTS, "situation": SITUATION_WEIGHT}
THEME_BONUS = 0.02  # per shared competency, at most two (hand-set; the fit weighs "themes")
MAX_THEMES = 3
THEME_FROM = 5  # themes come from the competencies of a story's best-matching questions
# raw signal sum -> 0-100: FLOOR maps to 0 and CEIL to 100 (the lexical fallback is compressed)
SCALE = {"minilm": (0.44, 1.21), "lexical": (0.18, 0.82)}
GOOD = 50  # a story you can tell for the question
SHOWN = 25  # weaker matches are not listed
MAX_MATCHES = 3
_STOP_WORDS = """
    a an the and or of to in on for with you your i we how what when do does did time tell
    me about describe give example walk through that this is are was were it its from by at
    as be have has had would can could should which who why where there their they them one
"""
_STOP = frozenset(_STOP_WORDS.split())
STORY_KINDS = ("behavioural", "competency", "situational")  # questions a story answers directly


def story_text(story: Story) -> str:
    """What a story says, for matching: without prompts and without the role/date line."""
    text = story.text
    if story.context:
        text = text.replace(f"I was {story.context}.", "").replace(
            f"I worked on {story.context}.", ""
        )
    return " ".join(text.split()) or story.title


def _unit(v: F32) -> F32:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


# signals that say one thing to a reader, for the why line
DRIVERS = {
    "subject": ("about", "gist", "sentence"),
    "points": ("points", "outline", "pointers"),
    "words": ("cues", "prompt"),
    "situation": ("situation",),
    "themes": ("themes",),
}


@dataclass(frozen=True)
class MatchModel:
    """How a match weighs its signals: each signal as it is, and the same less the story's
    average over the role's questions (how much more this question suits the story than most
    questions do, so a story that is close to everything does not take every question).
    Fitted by training/fit_matching.py; `scale` maps the weighted sum to 0-100."""

    weights: dict[str, float]
    centred: dict[str, float]
    scale: tuple[float, float]
    unit: float = 1.0  # raw units per hand-set unit: the bonuses below are in hand-set units

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MatchModel:
        if list(d["features"]) != list(FEATURES):
            raise ValueError("matching model: its features are not this code's")
        if len(d["weights"]) != len(FEATURES) or len(d["centred"]) != len(FEATURES):
            raise ValueError("matching model: weights do not match its features")
        lo, hi = (float(x) for x in d["scale"])
        if not hi > lo:
            raise ValueError("matching model: its scale is empty")
        hand_lo, hand_hi = SCALE["minilm"]
        return cls(
            dict(zip(FEATURES, map(float, d["weights"]), strict=True)),
            dict(zip(FEATURES, map(float, d["centred"]), strict=True)),
            (lo, hi),
            (hi - lo) / (hand_hi - hand_lo),
        )

    def value(self, sig: dict[str, float], mean: dict[str, float]) -> float:
        return sum(
            self.weights.get(k, 0.0) * sig[k] + self.centred.get(k, 0.0) * (sig[k] - mean[k])
            for k in FEATURES
        )

    def drivers(self, sig: dict[str, float], mean: dict[str, float]) -> list[str]:
        """What lifts this match above the story's usual one, most first: the groups of
        signals that add more here than on an average question (at most two; the strongest
        one if none does)."""
        lift = {
            g: sum(
                (self.weights.get(k, 0.0) + self.centred.get(k, 0.0)) * (sig[k] - mean[k])
                for k in ks
            )
            for g, ks in DRIVERS.items()
        }
        order = sorted(lift, key=lambda g: -lift[g])
        return [g for g in order[:2] if lift[g] > 0] or order[:1]


# the hand-set weights on each embedder's scale: the lexical fallback's match, and every
# embedder's story themes (`Matcher.hand_model`)
HAND = {kind: MatchModel(dict(HAND_WEIGHTS), {}, scale) for kind, scale in SCALE.items()}


@lru_cache(maxsize=1)
def fitted() -> MatchModel:
    """The shipped model (prep/models/matching.json), for the embedding model's signals."""
    text = resources.files("loopcoach.prep").joinpath("models", "matching.json")
    return MatchModel.from_dict(json.loads(text.read_text("utf-8")))


class Matcher:
    """Embeds text with one embedder and remembers the vectors of text it has seen."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache | None = None) -> None:
        self.embedder = embedder
        self.cache = cache
        self._memo: dict[str, F32] = {}
        self._questions: dict[str, QuestionFeatures] = {}
        self._idf: dict[str, dict[str, float]] = {}

    @property
    def kind(self) -> str:
        return "lexical" if self.embedder.degraded else "minilm"

    def vectors(self, texts: Sequence[str], *, remember: bool = True) -> F32:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        fresh: dict[str, F32] = {}
        if missing:
            if remember and self.cache is not None:
                rows = self.cache.get_many(missing, self.embedder)
            else:
                rows = self.embedder.embed(missing)
            fresh = {t: np.asarray(r, dtype=np.float32) for t, r in zip(missing, rows, strict=True)}
            if remember:
                self._memo.update(fresh)
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._memo[t] if t in self._memo else fresh[t] for t in texts])

    @property
    def model(self) -> MatchModel:
        """The fitted weights with the embedding model; the hand-set ones for the lexical
        fallback (the fit is on the model's signals)."""
        return self.hand_model if self.embedder.degraded else fitted()

    @property
    def hand_model(self) -> MatchModel:
        """The hand-set weights on this embedder's scale: what a story's themes are read
        from (`tag_themes`), so that they name what the story is about rather than where it
        stands out against its own average."""
        return HAND[self.kind]

    def to_percent(self, cosine: float, model: MatchModel | None = None) -> int:
        lo, hi = (model or self.model).scale
        return round(max(0.0, min(1.0, (cosine - lo) / (hi - lo))) * 100)

    # --- questions --------------------------------------------------------------------------
    @staticmethod
    def _question_texts(q: Question) -> list[str]:
        return [
            " ".join(q.model_answer) or q.prompt,
            " ".join(q.pointers) or q.why,
            *(f"{tp.label}. {tp.description}" for tp in q.talking_points),
        ]

    def warm(self, role: RolePack) -> None:
        """Embed the text of all the role's questions in one batch (faster than one by one)."""
        self.vectors([t for q in role.questions for t in self._question_texts(q)])

    def question_features(self, q: Question, idf: dict[str, float]) -> QuestionFeatures:
        key = f"{q.id}\x00{q.prompt}"
        cached = self._questions.get(key)
        if cached is not None:
            return cached
        texts = self._question_texts(q)
        whole = self.vectors(texts[:2])
        points = self.vectors(texts[2:])
        prompt_stems = [x for x in dict.fromkeys(stems(q.prompt)) if x not in _STOP]
        feats = QuestionFeatures(
            points=points,
            weights=np.array([tp.weight for tp in q.talking_points], dtype=np.float32),
            outline=whole[0],
            pointers=whole[1],
            cues=[[phrase_stems(c.lower()) for c in tp.cues] for tp in q.talking_points],
            prompt=[(x, idf.get(x, 0.0)) for x in prompt_stems],
            prompt_vec=self.vectors([q.prompt])[0],
            situations=situations(q.prompt, "question"),
        )
        self._questions[key] = feats
        return feats

    def role_idf(self, role: RolePack) -> dict[str, float]:
        """Rarity of each prompt word among the role's questions."""
        if role.id not in self._idf:
            df: Counter[str] = Counter()
            for q in role.questions:
                df.update({x for x in stems(q.prompt) if x not in _STOP})
            n = max(1, len(role.questions))
            self._idf[role.id] = {k: math.log(n / v) for k, v in df.items()}
        return self._idf[role.id]


@dataclass(frozen=True)
class QuestionFeatures:
    points: F32  # (talking points, dim)
    weights: F32
    outline: F32
    pointers: F32
    cues: list[list[tuple[str, ...]]]
    prompt: list[tuple[str, float]]  # prompt stems with their rarity
    prompt_vec: F32 | None = None  # the question itself: what it is about
    situations: frozenset[str] = frozenset()  # the situations the question names


@dataclass(frozen=True)
class StoryFeatures:
    whole: F32
    sentences: F32
    stems: list[str]
    stem_set: frozenset[str]
    situations: frozenset[str] = frozenset()
    gist: F32 | None = None  # what the story is about: its situation, task and action


def story_features(matcher: Matcher, stories: Sequence[Story]) -> list[StoryFeatures]:
    texts = [story_text(s) for s in stories]
    split = [sentences(t) or [t] for t in texts]
    flat = [x for xs in split for x in xs]
    gists = [story_about(s) for s in stories]
    n = len(texts)
    vecs = matcher.vectors(texts + gists + flat, remember=False)
    whole, gist, sent = vecs[:n], vecs[n : 2 * n], vecs[2 * n :]
    out: list[StoryFeatures] = []
    i = 0
    for k, (t, xs) in enumerate(zip(texts, split, strict=True)):
        st = stems(t)
        out.append(
            StoryFeatures(
                whole[k],
                sent[i : i + len(xs)],
                st,
                frozenset(st),
                situations(t, "story"),
                gist[k],
            )
        )
        i += len(xs)
    return out


def _cos(a: F32 | None, b: F32 | None) -> float:
    return float(a @ b) if a is not None and b is not None else 0.0


def signals(sf: StoryFeatures, qf: QuestionFeatures, shared: int = 0) -> dict[str, float]:
    """A story's signals for a question; `shared`: how many of the competencies the question
    tests are among the story's themes."""
    to_points = sf.sentences @ qf.points.T  # (sentences, points)
    best = to_points.max(axis=0)
    covered = [any(phrase_in(c, sf.stems) for c in cues) for cues in qf.cues]
    total = float(qf.weights.sum()) or 1.0
    rare = sum(w for _, w in qf.prompt) or 1.0
    return {
        "points": float((best * qf.weights).sum()) / total,
        "outline": float(sf.whole @ qf.outline),
        "pointers": float(sf.whole @ qf.pointers),
        "cues": float(sum(w for w, c in zip(qf.weights, covered, strict=True) if c)) / total,
        "prompt": sum(w for x, w in qf.prompt if x in sf.stem_set) / rare,
        # what the question is about against what the story is about (its situation, action
        # and outcome): a migration question wants a migration story, not a planning one
        "about": float(sf.whole @ qf.prompt_vec) if qf.prompt_vec is not None else 0.0,
        # what the story is about (its situation, task and action, without the outcome)
        # against what the question asks
        "gist": _cos(sf.gist, qf.prompt_vec),
        "best_point": float(np.argmax(best)),
        "situation": shared_situation(qf.situations, sf.situations),
        # the story's one sentence closest to what the question asks
        "sentence": float((sf.sentences @ qf.prompt_vec).max())
        if qf.prompt_vec is not None and len(sf.sentences)
        else 0.0,
        # the competencies the question tests that the story shows (its themes), at most two
        "themes": min(2, max(0, shared)) / 2,
    }


@dataclass(frozen=True)
class Match:
    story: int
    score: int
    why: str
    shared: tuple[str, ...] = ()
    meaning: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "score": self.score,
            "why": self.why,
            "shared_themes": list(self.shared),
            "raw": round(self.meaning, 3),
        }


@dataclass(frozen=True)
class QuestionMatches:
    question: Question
    matches: tuple[Match, ...]
    best: int = 0  # best score over all stories, listed or not

    @property
    def good(self) -> bool:
        return self.best >= GOOD


@dataclass
class MatchTable:
    """Scores of every story against every question of a role."""

    role: RolePack
    stories: list[Story]
    scores: F32  # (questions, stories), 0-100
    meaning: F32  # (questions, stories), the raw signal sum behind the score
    closest_point: list[list[str]]  # [q][s] label of the talking point closest to the story
    per_question: list[QuestionMatches] = field(default_factory=list)


def match_stories(
    matcher: Matcher,
    role: RolePack,
    stories: Sequence[Story],
    *,
    features: Sequence[StoryFeatures] | None = None,
    model: MatchModel | None = None,
) -> MatchTable:
    """Score every story against every question of the role; keep the best 1-3 per question.
    `model` weighs the signals (the matcher's own by default)."""
    stories = list(stories)
    questions = list(role.questions)
    nq, ns = len(questions), len(stories)
    scores = np.zeros((nq, ns), dtype=np.float32)
    raw = np.zeros((nq, ns), dtype=np.float32)
    closest: list[list[str]] = [["" for _ in range(ns)] for _ in range(nq)]
    if features is None:
        features = story_features(matcher, stories) if ns else []
    sfs = list(features)
    matcher.warm(role)
    idf = matcher.role_idf(role)
    names = {c.id: c.name for c in role.competencies}
    model = model or matcher.model
    qfs = [matcher.question_features(q, idf) for q in questions]
    shared_t = [[shared_themes(q, s) for s in stories] for q in questions]  # [question][story]
    sigs = [  # [question][story]
        [signals(sf, qf, len(shared_t[qi][si])) for si, sf in enumerate(sfs)]
        for qi, qf in enumerate(qfs)
    ]
    # each story's signals averaged over the role's questions: what suits it everywhere
    means = [
        {k: sum(sigs[qi][si][k] for qi in range(nq)) / nq for k in FEATURES} for si in range(ns)
    ]
    per_question: list[QuestionMatches] = []
    for qi, q in enumerate(questions):
        qf = qfs[qi]
        matches = []
        for si, (s, sf) in enumerate(zip(stories, sfs, strict=True)):
            sig = sigs[qi][si]
            shared = shared_t[qi][si]
            value = model.value(sig, means[si])
            bonus = BEHAVIOURAL_BONUS * (q.kind == "behavioural")
            if "themes" not in model.weights:  # the hand-set weights: a bonus per competency
                bonus += THEME_BONUS * min(2, len(shared))
            value += model.unit * bonus
            same = sorted(qf.situations & sf.situations)
            score = matcher.to_percent(value, model)
            scores[qi, si] = score
            raw[qi, si] = value
            point = q.talking_points[int(sig["best_point"])].label
            closest[qi][si] = point
            if score >= SHOWN:
                why = _why(shared, names, point, same, model.drivers(sig, means[si]))
                matches.append(Match(s.id, score, why, shared, value))
        matches.sort(key=lambda m: (-m.score, -m.meaning, m.story))
        best = int(scores[qi].max()) if ns else 0
        per_question.append(QuestionMatches(q, tuple(matches[:MAX_MATCHES]), best))
    return MatchTable(role, stories, scores, raw, closest, per_question)


def shared_themes(question: Question, story: Story) -> tuple[str, ...]:
    """The competencies the question tests that the story shows (its themes)."""
    return tuple(t for t in question.competencies if t in story.themes)


def tag_themes(
    matcher: Matcher,
    role: RolePack,
    stories: Sequence[Story],
    *,
    features: Sequence[StoryFeatures] | None = None,
) -> list[tuple[str, ...]]:
    """Themes for each story: the competencies most tested by the questions it answers best.

    A question's first competency counts most (1.0, 0.7, 0.5, 0.4...), weighted by the match
    score and by rarity (1/sqrt of how many of the role's questions test it); themes at least
    half as strong as the story's strongest are kept, at most three.
    """
    bare = [replace(s, themes=()) for s in stories]
    # Themes come from the hand-set weights: the learned ones also weigh how much more a
    # question suits a story than most questions do, which ranks stories for a question well
    # but tags a story with whatever odd question it stands out on (a move of 140 services
    # tagged incident response).
    table = match_stories(matcher, role, bare, features=features, model=matcher.hand_model)
    order = [c.id for c in role.competencies]
    tested = Counter(c for q in role.questions for c in q.competencies)
    out: list[tuple[str, ...]] = []
    for si in range(len(stories)):
        ranked = sorted(
            (qi for qi, q in enumerate(role.questions) if q.kind != "culture"),
            key=lambda qi: -table.meaning[qi, si],
        )
        weight: dict[str, float] = {}
        for n, qi in enumerate(ranked[:THEME_FROM]):
            score = max(1.0, float(table.scores[qi, si]))
            if n and score < SHOWN:
                continue
            for k, comp in enumerate(role.questions[qi].competencies):
                # a competency many questions test says less about this story
                rarity = 1.0 / math.sqrt(tested[comp] or 1)
                weight[comp] = (
                    weight.get(comp, 0.0) + score * (1.0, 0.7, 0.5, 0.4)[min(k, 3)] * rarity
                )
        if not weight:
            out.append(())
            continue
        top = max(weight.values())
        keep = sorted(
            (c for c in weight if weight[c] >= top / 2),
            key=lambda c: (-weight[c], order.index(c) if c in order else 99),
        )
        out.append(tuple(keep[:MAX_THEMES]))
    return out


_DRIVER_NAMES = {
    "themes": "the competencies it shows",
    "subject": "what it is about",
    "points": "the talking points it covers",
    "words": "the question's own words",
}


def _why(
    shared: tuple[str, ...],
    names: dict[str, str],
    point: str,
    same: Sequence[str],
    drivers: Sequence[str],
) -> str:
    """One line a candidate reads: what of a strong answer the story covers, what ranks it
    for this question (the signals that lift it most above its usual match), the situation it
    shares with the question, and the competencies it shows that the question tests."""
    why = f"It covers '{_lower(point)}', which a strong answer needs"
    situation = ", ".join(SITUATION_NAMES[x] for x in same)
    said = []
    for d in drivers:
        said.append(f"the same situation ({situation})" if d == "situation" else _DRIVER_NAMES[d])
    if said:
        why += "; it ranks here for " + " and ".join(said)
    if same and "situation" not in drivers:
        why += ", in the same situation (" + situation + ")"
    if shared:
        why += ", and shows " + " and ".join(names.get(t, t) for t in shared)
    return why + "."


# --- coverage and priorities -----------------------------------------------------------------


def coverage(table: MatchTable) -> dict[str, Any]:
    """Stories × the role's themes: 2 = tagged with it, 1 = tells a good answer to a question
    testing it, 0 = neither."""
    role = table.role
    themes = [c.id for c in role.competencies]
    cells = []
    for si, s in enumerate(table.stories):
        row = []
        for t in themes:
            if t in s.themes:
                row.append(2)
                continue
            qs = [qi for qi, q in enumerate(role.questions) if t in q.competencies]
            row.append(1 if any(table.scores[qi, si] >= GOOD for qi in qs) else 0)
        cells.append(row)
    counts = {t: sum(1 for row in cells if row[i] > 0) for i, t in enumerate(themes)}
    # a theme only culture questions test ("why this role") is answered by the pitch, not a story
    story_themes = {t for q in role.questions if q.kind != "culture" for t in q.competencies}
    return {
        "themes": [{"id": c.id, "name": c.name} for c in role.competencies],
        "stories": [s.id for s in table.stories],
        "cells": cells,
        "counts": counts,
        "uncovered": [t for t in themes if counts[t] == 0 and t in story_themes],
        "legend": {
            "2": "tagged with the theme",
            "1": "answers a question testing it",
            "0": "neither",
        },
    }


DEEP_DIVE = (
    "What was the goal behind '{short}', and how did you know it had worked?",
    "Which teams did it take, and which dependency between them was hardest to land?",
    "What could have sunk it, and what did you do early to stop that happening?",
    "Where did it end up against the goal, and what would you do differently now?",
)


def _short(text: str, n: int = 8) -> str:
    words = re.sub(r"[.;:,]+$", "", text).split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def probe_bullets(
    history: WorkHistory, resume: ResumeScore, limit: int = 6
) -> list[dict[str, Any]]:
    """Bullets an interviewer is likely to dig into: big claims in recent roles, and vague ones."""
    chosen: list[tuple[Bullet, str]] = []
    recent = sorted(resume.bullets, key=lambda s: (s.bullet.entry, -s.score))
    claims = [s for s in recent if s.found.get("numbers") and s.score >= 60]
    for s in claims[: limit - 2]:
        nums = ", ".join(s.found["numbers"][:3])
        chosen.append((s.bullet, f"its numbers ({nums}) invite 'how exactly?'"))
    vague = [s for s in recent if s.score < 40 and s.bullet.entry <= 1]
    for s in vague[:2]:
        chosen.append((s.bullet, "it is vague, so expect 'what did you do, exactly?'"))
    for s in recent:
        if len(chosen) >= limit:
            break
        if s.bullet not in [b for b, _ in chosen] and s.score >= 40:
            chosen.append((s.bullet, "a recent achievement, likely to be picked up"))
    out = []
    for b, why in chosen[:limit]:
        entry = history.entries[b.entry]
        out.append(
            {
                "bullet": b.id,
                "text": b.text,
                "entry": entry.label,
                "why": why,
                "questions": [p.format(short=_short(b.text)) for p in DEEP_DIVE],
            }
        )
    return out


def priorities(
    table: MatchTable, cov: dict[str, Any], history: WorkHistory, resume: ResumeScore
) -> dict[str, Any]:
    """What to prepare first: questions without a story, thin themes, overused stories, probes."""
    role = table.role
    kind_rank = {k: i for i, k in enumerate(STORY_KINDS)}
    gaps: list[dict[str, Any]] = []
    titles = {s.id: s.title for s in table.stories}
    for qm in table.per_question:
        q = qm.question
        if qm.good or q.kind not in STORY_KINDS:
            continue
        if qm.matches:
            top = qm.matches[0]
            advice = (
                f"Story {top.story} ('{titles[top.story]}') is a start at {top.score}: "
                "fill in its [add: ...] prompts or find a closer story"
            )
        else:
            advice = "Find a story that shows: " + "; ".join(
                _lower(tp.label) for tp in q.talking_points[:3]
            )
        gaps.append(
            {
                "question": q.id,
                "prompt": q.prompt,
                "kind": q.kind,
                "priority": q.priority,
                "best": qm.best,
                "themes": list(q.competencies),
                "story": qm.matches[0].story if qm.matches else None,
                "advice": advice,
            }
        )
    gaps.sort(key=lambda g: (g["priority"] != "core", kind_rank[g["kind"]], g["best"]))
    best_for: dict[int, list[str]] = {s.id: [] for s in table.stories}
    for qm in table.per_question:
        if qm.matches and qm.matches[0].score >= GOOD and qm.question.kind in STORY_KINDS:
            best_for[qm.matches[0].story].append(qm.question.id)
    n_story_questions = sum(1 for q in role.questions if q.kind in STORY_KINDS)
    limit = max(4, round(0.2 * n_story_questions))
    overused: list[dict[str, Any]] = [
        {
            "story": sid,
            "title": next(s.title for s in table.stories if s.id == sid),
            "questions": qs,
            "advice": f"Best story for {len(qs)} questions: prepare a second story for some of "
            "them so one example does not carry the whole loop",
        }
        for sid, qs in best_for.items()
        if len(qs) > limit
    ]
    names = {c.id: c.name for c in role.competencies}
    themes = [
        {
            "theme": t,
            "name": names[t],
            "questions": [q.id for q in role.questions if t in q.competencies],
        }
        for t in cov["uncovered"]
    ]
    probes = probe_bullets(history, resume)
    first: list[str] = []
    if gaps:
        first.append(
            f"{len(gaps)} likely questions have no good story yet; start with: {gaps[0]['prompt']}"
        )
    if themes:
        first.append("No story shows " + ", ".join(t["name"] for t in themes[:4]))
    for o in overused[:1]:
        first.append(
            f"'{o['title']}' is the best story for {len(o['questions'])} questions: "
            "prepare a second one"
        )
    if probes:
        first.append(
            f"Prepare the deep dive on {len(probes)} résumé bullets, starting with "
            f"'{_short(probes[0]['text'])}'"
        )
    first += list(resume.fix_first[:1])
    return {
        "first": first,
        "gaps": gaps,
        "themes": themes,
        "overused": overused,
        "probe": probes,
        "resume": list(resume.fix_first),
    }


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


# --- a question in the user's own words -------------------------------------------------------

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen "
    "twenty thirty forty fifty hundred dozen"
)
_WORDS_OF_NUMBERS = frozenset(_NUMBER_WORDS.split())
# a question in your words against what a story is about (its situation, task and action), its
# outcome, its closest sentence, and the question's rarer words it uses
FREE_WEIGHTS = {"about": 0.5, "outcome": 0.1, "sentence": 0.3, "words": 0.2}
ABOUT_SCALE = {"minilm": (0.10, 0.70), "lexical": (0.05, 0.55)}


def story_about(story: Story) -> str:
    """What a story is about: its situation, task and action, without prompts or the
    role-and-dates line."""
    text = clean(" ".join([story.situation, story.task, story.action]))
    if story.context:
        text = text.replace(f"I was {story.context}.", "").replace(
            f"I worked on {story.context}.", ""
        )
    return " ".join(text.split()) or story.title


def _story_sentences(story: Story) -> list[str]:
    """The story's sentences: what it is about (situation, task, action) first, then its
    outcome."""
    return _about_sentences(story) + _outcome_sentences(story) or [story_about(story)]


def _about_sentences(story: Story) -> list[str]:
    return [p for p in sentences(story_about(story)) if len(p.split()) >= 3]


def _outcome_sentences(story: Story) -> list[str]:
    return [p for p in sentences(clean(story.result)) if len(p.split()) >= 3]


_QUESTION_WORDS = frozenset(
    stems(
        "across involving involve managing manage handle handled keep track you're you've "
        "your yours situation imagine suppose approach would need needs going example times "
        "make made get got run running"
    )
)


def _content_stems(text: str) -> list[str]:
    return [
        x
        for x in dict.fromkeys(stems(text))
        if x not in _STOP
        and x not in _WORDS_OF_NUMBERS
        and len(x) > 2
        and not x.isdigit()
        and x not in _QUESTION_WORDS
    ]


SAME_WORD = 0.6  # word cosine from which two words count as the same idea ("led" ~ "ran")


def _content_words(text: str) -> list[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]+", text)]
    return list(dict.fromkeys(w for w in words if stem(w) in set(_content_stems(w))))


def _close_words(
    matcher: Matcher, q_words: list[str], story_words: list[list[str]]
) -> list[dict[str, float]]:
    """For each story, each question word's closest word of the story (cosine; 1 if the same
    stem). Word vectors come from the same embedding model."""
    if not q_words:
        return [{} for _ in story_words]
    vocab = list(dict.fromkeys([*q_words, *(w for ws in story_words for w in ws)]))
    vecs = matcher.vectors(vocab)
    index = {w: i for i, w in enumerate(vocab)}
    qv = vecs[[index[w] for w in q_words]]
    out = []
    for ws in story_words:
        row: dict[str, float] = {}
        if ws:
            sims = qv @ vecs[[index[w] for w in ws]].T
            st = {stem(w) for w in ws}
            for i, w in enumerate(q_words):
                row[w] = 1.0 if stem(w) in st else float(sims[i].max())
        out.append(row)
    return out


def _word_weight(stem_: str) -> float:
    """Words that size the work (teams, time zones) say less about what it was."""
    return 0.3 if SCALE_NOUNS.search(stem_) or _SCALE_STEM.match(stem_) else 1.0


_SCALE_STEM = re.compile(
    r"(?:team|squad|engineer|zone|time|countr|region|office|site|user|"
    r"customer|month|week|year|quarter|day|people|staff)"
)


def match_question(
    matcher: Matcher,
    question: str,
    stories: Sequence[Story],
    *,
    role: RolePack | None = None,
    roles: Sequence[RolePack] = (),
) -> list[dict[str, Any]]:
    """Stories against a question in the user's words, by what each story is about.

    Three signals: the question against the story's situation and action (meaning), against
    its outcome (meaning), and the question's rarer words that the story uses (the bank's
    stories decide which words are rare). When the question is close to one of the role's
    questions (or, without a role, of any role's), the story's match to that question (its
    talking points: what a strong answer covers) is added, and a story showing a competency it
    tests gets a small bonus. Returns [{"story", "score", "why"}], best first."""
    stories = [s for s in stories if story_text(s).strip()]
    if not stories or not question.strip():
        return []
    abouts = [story_about(s) for s in stories]
    outcomes = [clean(s.result) or story_about(s) for s in stories]
    split = [_story_sentences(s) for s in stories]
    flat = [x for xs in split for x in xs]
    vecs = matcher.vectors([question, *abouts, *outcomes, *flat], remember=False)
    qv = vecs[0]
    n = len(stories)
    about_cos = vecs[1 : 1 + n] @ qv
    outcome_cos = vecs[1 + n : 1 + 2 * n] @ qv
    sent_cos = vecs[1 + 2 * n :] @ qv
    q_words = _content_words(question)
    story_words = [_content_words(story_text(s)) for s in stories]
    close = _close_words(matcher, q_words, story_words)  # [story][question word] -> cosine
    df = Counter(w for row in close for w, c in row.items() if c >= SAME_WORD)
    idf = {w: (math.log((n + 1) / (df[w] + 0.5)) + 0.3) * _word_weight(stem(w)) for w in q_words}
    total = sum(idf.values()) or 1.0
    comps: tuple[str, ...] = ()
    names: dict[str, str] = {}
    known: list[float] = [0.0] * n
    known_weight = 0.0
    like = ""
    near = _closest_question(matcher, [role] if role is not None else list(roles), qv)
    if near is not None:
        rp, qi, cos = near
        names = {c.id: c.name for c in rp.competencies}
        comps = tuple(rp.questions[qi].competencies)
        table = match_stories(matcher, rp, stories)
        known = [float(table.scores[qi, si]) / 100 for si in range(n)]
        like = rp.questions[qi].prompt
        # the closer the question is to the pack's, the more the pack's match (what the
        # story is about against that question and what a strong answer covers) counts
        known_weight = KNOWN_WEIGHT * (cos - CLOSE_QUESTION) / (1 - CLOSE_QUESTION)
    q_situations = situations(question, "question")
    lo, hi = ABOUT_SCALE[matcher.kind]
    out = []
    i = 0
    for si, s in enumerate(stories):
        sents = split[si]
        best = int(np.argmax(sent_cos[i : i + len(sents)]))
        best_cos = float(sent_cos[i + best])
        # the line says what the story is about with a sentence of its situation or action
        n_about = len(_about_sentences(s)) if len(sents) > 1 else 0
        about_at = int(np.argmax(sent_cos[i : i + n_about])) if n_about else best
        if best < n_about or not n_about:
            about_at = best
        i += len(sents)
        shared_words = [w for w in q_words if close[si].get(w, 0.0) >= SAME_WORD]
        lex = sum(idf[w] * close[si][w] for w in shared_words) / total
        fw = FREE_WEIGHTS
        meaning = (
            fw["about"] * float(about_cos[si])
            + fw["outcome"] * float(outcome_cos[si])
            + fw["sentence"] * best_cos
        )
        shared_themes = tuple(c for c in comps if c in s.themes)
        same = sorted(q_situations & situations(story_text(s), "story"))
        value = meaning + fw["words"] * lex + 0.03 * min(2, len(shared_themes))
        value += FREE_SITUATION_WEIGHT * (len(same) / len(q_situations) if q_situations else 0)
        # its own match and the pack question's, in proportion to how close the questions are
        own = (value - lo) / (hi - lo)
        blend = (1 - known_weight) * own + known_weight * known[si]
        score = round(max(0.0, min(1.0, blend)) * 100)
        out.append(
            {
                "story": story_dict(s),
                "score": score,
                "why": _why_free(
                    sents[about_at],
                    [w for w in shared_words if _word_weight(stem(w)) == 1.0] or shared_words,
                    clean(s.result),
                    [names.get(t, t) for t in shared_themes],
                    like if like and known[si] >= GOOD / 100 else "",
                    same,
                ),
                "_raw": blend,
            }
        )

    def rank(m: dict[str, Any]) -> tuple[float, float, Any]:
        return (-float(m["score"]), -float(m["_raw"]), m["story"]["id"])

    out.sort(key=rank)
    for m in out:
        del m["_raw"]
    return out


def _why_free(
    about: str,
    words: list[str],
    outcome: str,
    shows: list[str],
    like: str,
    same: Sequence[str] = (),
) -> str:
    """One line: what the story is about (in its own words), what it shares with the
    question (a situation, words), how it ends, and what else makes it a fit."""
    lead = f"It is about '{_clip(_lower(about), 9)}'"
    if same:
        lead += " (" + ", ".join(SITUATION_NAMES[x] for x in same[:2]) + ", as the question)"
    elif words:
        lead += " (" + ", ".join(f"'{w}'" for w in words[:3]) + " as in the question)"
    parts = [lead]
    if outcome:
        parts.append(f"it ends with '{_clip(_lower(outcome), 7)}'")
    else:
        parts.append("it has no outcome yet: add what changed")
    if like:
        parts.append(f"it answers the similar question '{_clip(like, 6)}' well")
    if shows:
        parts.append("it shows " + " and ".join(shows[:2]))
    return "; ".join(parts) + "."


CLOSE_QUESTION = 0.5  # cosine from which a question in your words is "like" a pack question
KNOWN_WEIGHT = 0.7  # weight of the pack question's match for the same question (cosine 1)


def _closest_question(
    matcher: Matcher, roles: Sequence[RolePack], qv: F32
) -> tuple[RolePack, int, float] | None:
    best: tuple[float, RolePack, int] | None = None
    for rp in roles:
        if not rp.questions:
            continue
        sims = matcher.vectors([q.prompt for q in rp.questions]) @ qv
        i = int(np.argmax(sims))
        if best is None or float(sims[i]) > best[0]:
            best = (float(sims[i]), rp, i)
    if best is None or best[0] < CLOSE_QUESTION:
        return None
    return best[1], best[2], best[0]


def _clip(text: str, n: int = 12) -> str:
    words = text.rstrip(".").split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def _shown_words(question: str, shared: list[str]) -> list[str]:
    """The question's own words behind the shared stems."""
    out = []
    for w in re.findall(r"[A-Za-z][A-Za-z-]+", question):
        st = stems(w)
        if st and st[0] in shared and w.lower() not in out:
            out.append(w.lower())
    return out
