"""`Analyzer.analyze(question, answer, *, timing=None) -> Analysis`: pure and deterministic.

The analyzer holds the pack library and the embedder (loaded once per process) and memoises the
embeddings of rubric text. Scoring itself is a function of the answer and the rubric only.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np

from loopcoach.analysis import judgement as J
from loopcoach.analysis import pipeline, relevance, stance
from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext, Rubric
from loopcoach.analysis.embeddings import Embedder, EmbeddingCache, MiniLMEmbedder
from loopcoach.analysis.flaw_tail import TailReading
from loopcoach.analysis.registry import ScorerRegistry
from loopcoach.analysis.scorers import delivery, red_flags, structure
from loopcoach.analysis.weights import WEIGHTS, overall
from loopcoach.content.library import Library
from loopcoach.content.schema import Question, TalkingPoint
from loopcoach.domain.analysis import Analysis, DimensionScore, FlagHit, QuestionRef, Timing
from loopcoach.domain.kinds import DIMENSIONS, RubricSource
from loopcoach.errors import LoopcoachError

MAX_WORDS = 5_000
MAX_BYTES = 100_000
# Memoised text embeddings kept by an analyzer (384 floats each with MiniLM: ~75 MB at most).
MAX_VECTORS = 50_000
# Rubrics whose other-question vectors an analyzer keeps (each at most the library's prompts).
MAX_RUBRICS = 256
MATCH_THRESHOLD = {"minilm": 0.78, "lexical": 0.72}
# An answer that makes half the rubric's weighted points (coverage 2 of 4) is about the question.
ON_TOPIC_COVERAGE = 2.0
SAME_QUESTION = 0.6  # another pack prompt this close to the asked one asks about the same thing

_KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "behavioural",
        re.compile(
            r"\b(tell me about a time|describe a (time|situation|program|"
            r"feature|project)|give (me )?an example|walk me through a time|"
            r"have you ever|share an example|a time (you|when))"
        ),
    ),
    (
        "case",
        re.compile(
            r"\b(design a|build the program plan|structure (this|the) program|"
            r"how would you (structure|plan|run) (a|the|this) (program|migration|"
            r"launch)|program plan|launch .* in (\d+|six|three) months|"
            r"reduce .* by \d+%)"
        ),
    ),
    (
        "culture",
        re.compile(
            r"\b(why do you want|why (this|our) (company|role|team)|what'?s your "
            r"view|where do you see yourself|what motivates|how would your "
            r"(colleagues|team) describe|in five years|your relationship with)"
        ),
    ),
    (
        "situational",
        re.compile(
            r"\b(what (would|do) you do|how (would|do) you (handle|respond|"
            r"react|deal)|you inherit|your team is|a (senior )?stakeholder|"
            r"imagine|suppose|if you (were|had)|mid-sprint|is delayed|"
            r"tells you|wants to)"
        ),
    ),
    (
        "technical",
        re.compile(
            r"\b(explain|what'?s the difference|what is the difference|how does|"
            r"architecture|api|consistency|versioning|latency|database|"
            r"system)\b"
        ),
    ),
]


def detect_kind(prompt: str) -> str:
    low = T.normalise(prompt).lower()
    for kind, pat in _KIND_PATTERNS:
        if pat.search(low):
            return kind
    return "competency"


def check_limits(answer: str) -> None:
    size = len(answer.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise LoopcoachError(
            "answer-too-long",
            f"the answer is {size:,} bytes; answers are "
            f"limited to {MAX_BYTES:,} bytes (about 5,000 words): shorten it",
        )
    n = len(T.words(answer))
    if n > MAX_WORDS:
        raise LoopcoachError(
            "answer-too-long",
            f"the answer has {n:,} words; answers are limited to {MAX_WORDS:,} words: shorten it",
        )


class Analyzer:
    """Analyses answers against a library's rubrics with one embedder."""

    def __init__(
        self,
        library: Library,
        embedder: Embedder,
        cache: EmbeddingCache | None = None,
        judgement: J.Judgement | None = None,
        *,
        scorers: ScorerRegistry | None = None,
        weights: Mapping[str, Mapping[str, float]] | None = None,
        max_vectors: int = MAX_VECTORS,
    ) -> None:
        """`scorers` replaces the six built-in scorers (`pipeline.default_scorers()`, to which a
        pack or plugin registers its own); `weights` the overall weights (`weights.WEIGHTS`),
        which must name only scored dimensions. Both are copied. `max_vectors` bounds the
        memoised text embeddings (the least recently used go first)."""
        if max_vectors < 1:
            raise ValueError(f"max_vectors: {max_vectors} is not a positive number of vectors")
        self.library = library
        self.embedder = embedder
        self.cache = cache
        # With MiniLM and the flaw tail on (flaw_tail.py), the tail reads each answer's sentences
        # in the same pass as their vectors and stance.read combines its reading with the probe's;
        # its judgement constants are fitted for that reading.
        self.use_flaw_tail = isinstance(embedder, MiniLMEmbedder) and embedder.reads_flaws
        self.judgement = judgement or J.load(
            "minilm-tail" if self.use_flaw_tail else self.embedder_kind
        )
        self.stance_model = stance.load_model(self.embedder_kind)
        # With MiniLM, relevance reads the answer through an adapter trained on answers and the
        # questions they answer (training/train_relevance.py); the judgement's relevance
        # coefficients are fitted for that reading
        self.relevance_adapter = (
            relevance.load_adapter()
            if isinstance(embedder, MiniLMEmbedder) and not embedder.degraded
            else None
        )
        self.scorers = (pipeline.default_scorers() if scorers is None else scorers).copy()
        missing = [d for d in DIMENSIONS if d not in self.scorers]
        if missing:
            raise ValueError(
                f"scorers: no scorer for {', '.join(missing)}; register extra scorers on "
                "pipeline.default_scorers() rather than starting from an empty registry"
            )
        self.weights: Mapping[str, Mapping[str, float]] = dict(weights or WEIGHTS)
        # Rubric text and every question prompt seen (a server sees a new one with each
        # free-text question), least recently used first, at most max_vectors of them.
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.max_vectors = max_vectors
        self._prompt_index: tuple[list[tuple[str | None, Question]], np.ndarray] | None = None
        self._last_reading: tuple[bytes, tuple[np.ndarray, TailReading | None]] | None = None
        # Per rubric: the other questions' vectors and prompts (_question_vectors), the most
        # recently used last, at most MAX_RUBRICS of them.
        self._others: OrderedDict[tuple[str, str, bytes], tuple[np.ndarray, list[str]]] = (
            OrderedDict()
        )

    @property
    def embedder_kind(self) -> str:
        return "lexical" if self.embedder.degraded else "minilm"

    def _read_answer(self, sents: list[str]) -> tuple[np.ndarray, TailReading | None]:
        """The answer's sentence vectors and, with MiniLM, the flaw tail's reading (one pass).

        The last reading is kept, under a digest of the sentences (not their text), because a
        mock follow-up reads the same answer twice in a row: scored alone, then against the
        follow-up prompt (``follow_up_relevance``). The arrays are read-only."""
        if not sents:
            return np.zeros((0, self.embedder.dim), dtype=np.float32), None
        key = hashlib.sha256("\x00".join(sents).encode("utf-8", "surrogatepass")).digest()
        if self._last_reading is not None and self._last_reading[0] == key:
            return self._last_reading[1]
        reading: tuple[np.ndarray, TailReading | None]
        if self.use_flaw_tail and isinstance(self.embedder, MiniLMEmbedder):
            reading = self.embedder.read_answer(sents)
        else:
            reading = self.embedder.embed_answer(sents), None
        reading[0].setflags(write=False)
        if reading[1] is not None:
            reading[1].flaw_p.setflags(write=False)
            reading[1].stance.setflags(write=False)
        self._last_reading = (key, reading)
        return reading

    # --- embeddings of rubric text, memoised -------------------------------------------------
    def _embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing and self.cache is not None:
            self._vectors.update(self.cache.lookup(missing, self.embedder.dim))
            missing = [t for t in missing if t not in self._vectors]
        if missing:
            vectors = self.embedder.embed(missing)
            for t, v in zip(missing, vectors, strict=True):
                self._vectors[t] = v
            if self.cache is not None:
                self.cache.add(missing, vectors, self.embedder.dim)
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        stacked = np.stack([self._vectors[t] for t in texts])
        for t in dict.fromkeys(texts):
            self._vectors.move_to_end(t)
        while len(self._vectors) > self.max_vectors:
            self._vectors.popitem(last=False)
        return stacked

    def flush(self) -> None:
        """Write newly computed rubric embeddings to the on-disk cache (one write)."""
        if self.cache is not None:
            self.cache.save(self.embedder.dim)

    def warm(self, texts: Sequence[str]) -> None:
        """Precompute embeddings (e.g. from a disk cache) for rubric text."""
        self._embed_texts(list(texts))

    def rubric_texts(self) -> list[str]:
        texts: list[str] = []
        for role in self.library.roles.values():
            for q in role.questions:
                texts.append(q.prompt)
                texts += [_point_text(tp.label, tp.description) for tp in q.talking_points]
                texts += [f.description for f in q.red_flags]
            texts += [f.description for f in role.red_flags]
        for q in self.library.generic_rubrics:
            texts += [_point_text(tp.label, tp.description) for tp in q.talking_points]
            texts += [f.description for f in q.red_flags]
        texts += [f.description for f in self.library.common_red_flags]
        return list(dict.fromkeys(texts))

    # --- resolving the question -----------------------------------------------------------
    def rubric_for(
        self, question: Question | str, *, role: str | None = None, question_id: str | None = None
    ) -> tuple[Rubric, dict[str, object] | None]:
        if question_id:
            r, q = self.library.question(question_id)
            return self._rubric(q, r.id, "pack"), None
        if isinstance(question, Question):
            owner = next(
                (r.id for r in self.library.roles.values() if question in r.questions), role
            )
            return self._rubric(question, owner, "pack"), None
        prompt = T.normalise(question)
        if not prompt:
            raise LoopcoachError(
                "no-question", "the question is empty: give the question text or --question-id"
            )
        if role:
            self.library.role(role)
        best, sim = self.match_question(prompt, role=role)
        threshold = MATCH_THRESHOLD[self.embedder_kind]
        if best is not None and sim >= threshold:
            rid, q = best
            rubric = self._rubric(q, rid, "matched", prompt=prompt)
            return rubric, {
                "id": q.id,
                "role": rid,
                "prompt": q.prompt,
                "similarity": round(sim, 3),
            }
        kind = detect_kind(prompt)
        generic = self.library.generic_rubric(kind)
        nearest: dict[str, object] | None = None
        if best is not None:
            nearest = {
                "id": best[1].id,
                "role": best[0],
                "prompt": best[1].prompt,
                "similarity": round(sim, 3),
                "used": False,
            }
        return self._rubric(_asking(generic, prompt), role, "generic", prompt=prompt), nearest

    def match_question(
        self, prompt: str, *, role: str | None = None
    ) -> tuple[tuple[str | None, Question] | None, float]:
        if self._prompt_index is None:
            items: list[tuple[str | None, Question]] = [
                (r.id, q) for r in self.library.roles.values() for q in r.questions
            ]
            vecs = self._embed_texts([q.prompt for _, q in items])
            self._prompt_index = ([(rid, q) for rid, q in items], vecs)
        items, vecs = self._prompt_index
        if not items:
            return None, 0.0
        key = _squash(prompt)
        for rid, q in items:
            if (role is None or rid == role) and _squash(q.prompt) == key:
                return (rid, q), 1.0
        v = self._embed_texts([prompt])[0]
        sims = vecs @ v
        best_i, best = -1, -1.0
        for i, (rid, _) in enumerate(items):
            if role is not None and rid != role:
                continue
            if sims[i] > best:
                best_i, best = i, float(sims[i])
        if best_i < 0:
            return None, 0.0
        return items[best_i], best

    def _rubric(
        self, q: Question, role: str | None, source: RubricSource, prompt: str = ""
    ) -> Rubric:
        role_flags = tuple(self.library.roles[role].red_flags) if role in self.library.roles else ()
        return Rubric(
            question=q,
            role=role,
            source=source,
            role_flags=role_flags,
            common_flags=self.library.common_red_flags,
            prompt=prompt or q.prompt,
        )

    # --- analysis --------------------------------------------------------------------------
    def analyze(
        self,
        question: Question | str,
        answer: str,
        *,
        role: str | None = None,
        question_id: str | None = None,
        timing: Timing | None = None,
    ) -> Analysis:
        check_limits(answer)
        rubric, matched = self.rubric_for(question, role=role, question_id=question_id)
        return self.analyze_rubric(rubric, answer, timing=timing, matched=matched)

    def read(
        self, rubric: Rubric, answer: str, *, timing: Timing | None = None
    ) -> tuple[AnswerContext, AnswerContext, list[FlagHit], list[Doubt]]:
        """The answer read against the rubric, before any scoring: its context, the context
        without the sentences that carry a flaw, the red flags and the doubtful sentences."""
        sents = T.sentences(answer)
        vectors, tail = self._read_answer(sents)
        q = rubric.question
        jm = self.judgement
        point_vectors = self._embed_texts(
            [_point_text(tp.label, tp.description) for tp in q.talking_points]
        )
        flag_vectors = self._embed_texts([f.description for _, f in rubric.flags])
        stances = stance.read(self.stance_model, sents, vectors, jm.flaw_threshold, tail)
        prompt_vec, others, other_prompts = self._question_vectors(rubric)
        rel = relevance.judge(
            jm.relevance, vectors, prompt_vec, others, other_prompts, self.relevance_adapter
        )
        ctx = AnswerContext.build(
            rubric,
            answer,
            vectors,
            sents,
            timing,
            embedder_name=self.embedder_kind,
            point_vectors=point_vectors,
            flag_vectors=flag_vectors,
            stances=stances,
            relevance=rel,
            prompt_vector=prompt_vec,
        )
        # Words that look like a flaw count when the model gives the sentence a fair flaw
        # probability too (a phrase list is a feature, not the decision).
        stances = list(ctx.stances)
        for i, flaw in red_flags.cue_flaws(ctx).items():
            st = stances[i]
            if st.flaw is None and st.flaw_p >= jm.cue_threshold:
                stances[i] = dataclasses.replace(st, flaw=flaw)  # type: ignore[arg-type]
        ctx = ctx.with_stances(stances)
        flag_hits = red_flags.find(ctx)
        # A sentence that may be heard as a flaw (short of the flaw threshold) costs points in
        # proportion to how close it comes; see Judgement.doubt.
        doubts = [
            Doubt(sents[i], st.flaw_p, st.likely_flaw)
            for i, st in enumerate(ctx.stances)
            if st.flaw is None and jm.doubt(st.flaw_p) > 0
        ]
        # A sentence that carries a flaw earns nothing in the other dimensions.
        clean = ctx.subset([i for i, st in enumerate(ctx.stances) if st.flaw is None])
        return ctx, clean, flag_hits, doubts

    def analyze_rubric(
        self,
        rubric: Rubric,
        answer: str,
        *,
        timing: Timing | None = None,
        matched: dict[str, object] | None = None,
    ) -> Analysis:
        ctx, clean, flag_hits, doubts = self.read(rubric, answer, timing=timing)
        rel = ctx.relevance
        assert rel is not None
        sents = list(ctx.sentences)
        q = rubric.question
        features = pipeline.extract(ctx, clean, flag_hits)  # found once, read by every scorer
        found_points = features.points
        dims = self.scorers.score(features)
        if rel.off_topic and dims["coverage"].score >= ON_TOPIC_COVERAGE:
            # a story's situation can sit near another question while it makes this one's
            # points: "persuaded a senior leader" told through an incident is on topic
            rel = dataclasses.replace(rel, off_topic=False)
        base = overall(
            rubric.kind, {k: d.score for k, d in dims.items()}, ctx.word_count, self.weights
        )
        value, limits = self._final(
            ScoreParts(
                base,
                frozenset(red_flags.flaw_kinds(flag_hits)),
                rel,
                tuple(doubts),
                structure.outcome(clean)[0] if ctx.word_count else 1.0,
                frozenset(red_flags.sure_kinds(flag_hits, ctx, self.judgement.cap_threshold)),
            )
        )
        secs = delivery.estimated_seconds(ctx)
        return Analysis(
            question=QuestionRef(
                q.id, rubric.prompt, q.kind, rubric.role, rubric.framework, rubric.source
            ),
            score=value,
            dimensions=dims,
            points_made=tuple(p for p in found_points if p.made),
            points_missed=tuple(p for p in found_points if not p.made),
            red_flags=tuple(flag_hits),
            word_count=ctx.word_count,
            estimated_seconds=round(secs, 1),
            target_seconds=q.target_seconds,
            sentences=tuple(sents),
            matched_question=matched,
            embedder={
                "name": self.embedder.name,
                "degraded": self.embedder.degraded,
                "reason": self.embedder.reason,
                "answer_precision": getattr(self.embedder, "answer_precision", "float32"),
            },
            summary=_summary(value, dims, limits),
            relevance={
                "similarity": rel.similarity,
                "margin": rel.margin,
                "on_topic": round(rel.probability, 3),
                "off_topic": rel.off_topic,
                "nearest_other_question": rel.nearest_other,
            },
            limits=tuple(limits),
        )

    def _final(self, parts: ScoreParts) -> tuple[int, list[str]]:
        """The overall score from its parts, and why it was limited (training/fit_judgement.py
        records the parts here to fit the judgement's constants)."""
        return final_score(parts, self.judgement)

    def follow_up_relevance(
        self, question: Question, prompt: str, answer: str, *, role: str | None = None
    ) -> relevance.Relevance:
        """Whether a follow-up answer addresses the follow-up `prompt` the interviewer asked
        about `question`: the same relevance reading as `analyze`, with the follow-up prompt in
        place of the question's. Questions that ask about the same thing as the question or the
        follow-up are not counted as others."""
        check_limits(answer)
        rubric, _ = self.rubric_for(question, role=role)
        vectors = self._read_answer(T.sentences(answer) if answer.strip() else [])[0]
        text = T.normalise(prompt)
        asked = self._embed_texts([text])[0]
        _, others, other_prompts = self._question_vectors(rubric)
        if len(others):
            keep = [i for i in range(len(others)) if float(others[i] @ asked) < SAME_QUESTION]
            others = others[keep]
            other_prompts = [other_prompts[i] for i in keep]
        return relevance.judge(
            self.judgement.relevance, vectors, asked, others, other_prompts, self.relevance_adapter
        )

    def _question_vectors(self, rubric: Rubric) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """The asked prompt's vector, and the vectors of every other question the library knows
        (leaving out the asked one and its near-duplicates)."""
        asked = self._embed_texts([rubric.prompt])[0]
        if self._prompt_index is None:
            self.match_question(rubric.prompt)
        assert self._prompt_index is not None
        items, vecs = self._prompt_index
        if not items:
            return asked, np.zeros((0, self.embedder.dim), dtype=np.float32), []
        # The others depend only on the asked prompt, its vector and the question's own prompt:
        # kept per rubric (a practice session asks one question again and again).
        key = (rubric.prompt, rubric.question.prompt, asked.tobytes())
        found = self._others.get(key)
        if found is None:
            near = vecs @ asked
            own = {_squash(rubric.prompt), _squash(rubric.question.prompt)}
            keep = [
                i
                for i, (_, q) in enumerate(items)
                if near[i] < SAME_QUESTION and _squash(q.prompt) not in own
            ]
            others = vecs[keep]
            others.setflags(write=False)
            found = (others, [items[i][1].prompt for i in keep])
            self._others[key] = found
            while len(self._others) > MAX_RUBRICS:
                self._others.popitem(last=False)
        else:
            self._others.move_to_end(key)
        return asked, found[0], list(found[1])


ASKED_POINT = "answers-the-question"


def _asking(generic: Question, prompt: str) -> Question:
    """A generic rubric knows nothing of the question's subject, so the question itself becomes
    its heaviest talking point: an answer about something else cannot make it."""
    point = TalkingPoint.model_construct(
        id=ASKED_POINT,
        label="Answers the question asked",
        cues=[],
        description=prompt,
        weight=2.0,
        part=None,
    )
    return generic.model_copy(update={"talking_points": [point, *generic.talking_points]})


def _point_text(label: str, description: str) -> str:
    return f"{label}. {description}"


@functools.lru_cache(maxsize=4096)
def _squash(text: str) -> str:
    return " ".join(T.lower_words(text))


@dataclasses.dataclass(frozen=True)
class Doubt:
    """A sentence read as clean that may still be heard as a flaw, and how likely."""

    sentence: str
    flaw_p: float
    flaw: str | None


@dataclasses.dataclass(frozen=True)
class ScoreParts:
    """What the overall score is made from: the weighted dimensions, the flaws found, the
    relevance reading and the sentences that may be heard as a flaw."""

    base: int
    flaws: frozenset[str]
    relevance: relevance.Relevance | None
    doubts: tuple[Doubt, ...] = ()
    outcome: float = 1.0  # how plainly the answer says what came of it (structure.outcome)
    # the flaws read surely enough to cap (red_flags.sure_kinds); None: every flaw found
    sure: frozenset[str] | None = None


def final_score(parts: ScoreParts, jm: J.Judgement) -> tuple[int, list[str]]:
    """Serious flaws and off-topic answers cap the score; every flaw costs points, and so does
    every sentence that may be heard as one. Says why."""
    flaws, rel, doubts = parts.flaws, parts.relevance, parts.doubts
    value = float(parts.base)
    limits: list[str] = []
    # charged before the caps (a capped answer is not lowered further for it); said after the
    # doubtful sentences, which are named first
    missing = jm.outcome_penalty * (1.0 - min(1.0, max(0.0, parts.outcome)))
    value -= missing
    if flaws:
        value -= jm.flaw_penalty * len(flaws)
    serious = sorted((flaws if parts.sure is None else parts.sure & flaws) & stance.SERIOUS)
    if serious and value > jm.serious_cap:
        value = jm.serious_cap
    if serious:
        names = ", ".join(FLAW_WORDS[f] for f in serious)
        limits.append(
            f"capped at {jm.serious_cap}: {names} would sink this answer in a real "
            "loop whatever else it does well"
        )
    unsure = sorted((flaws & stance.SERIOUS) - set(serious))
    if unsure:
        names = ", ".join(FLAW_WORDS[f] for f in unsure)
        limits.append(
            f"not capped: a sentence may read as {names}, but not surely enough to cap the "
            "score; check how it sounds"
        )
    if rel is not None and rel.off_topic:
        value = min(value, jm.off_topic_cap)
        limits.append(
            f"capped at {jm.off_topic_cap}: the answer does not address the question "
            "asked"
            + (
                f"; it reads as an answer to: {rel.nearest_other}"
                if rel.nearest_other and rel.margin < 0
                else ""
            )
        )
    # after the caps: of two capped answers, the one with more doubtful sentences is worse
    for d in sorted(doubts, key=lambda d: -d.flaw_p):
        cost = jm.doubt_penalty * jm.doubt(d.flaw_p)
        value -= cost
        if round(cost) >= 1:
            heard = red_flags.STANCE_FLAGS[d.flaw][1].lower() if d.flaw else "a flaw"
            limits.append(f'lowered {round(cost)}: "{_short(d.sentence)}" may be heard as: {heard}')
    if round(missing) >= 1:
        limits.append(
            f"lowered {round(missing)}: it never says what came of the work (a result, or how "
            "you would know it worked)"
        )
    return max(0, round(value)), limits


def _short(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


FLAW_WORDS = {
    "blame": "putting the fault on others",
    "deferral": "handing the decision away",
    "integrity": "hiding or dressing up bad news",
}


def _summary(value: int, dims: dict[str, DimensionScore], limits: list[str] | None = None) -> str:
    if value == 0 and dims["delivery"].reason == "no answer":
        return "No answer to score yet."
    caps = [lim for lim in limits or [] if lim.startswith("capped")]
    doubts = [lim for lim in limits or [] if lim.startswith("lowered")]
    if caps:
        return "Score " + "; ".join(caps) + "."
    ranked = sorted(dims.values(), key=lambda d: d.score)
    weakest = ranked[0]
    strongest = ranked[-1]
    return (
        f"Strongest: {strongest.name.replace('_', ' ')} "
        f"({strongest.score:.1f}/4). Work on {weakest.name.replace('_', ' ')} "
        f"({weakest.score:.1f}/4): {weakest.reason}." + (f" Score {doubts[0]}." if doubts else "")
    )


__all__ = ["WEIGHTS", "Analyzer", "check_limits", "detect_kind"]
