"""Lexical search over everything a pack says: prompts, follow-ups, cases, guidance.

BM25 over lightly stemmed words, with a boost when the whole query appears in a text, so pasting
an interview question finds it first. Semantic search arrives with the analysis engine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from loopcoach.content.library import Library, RolePack

HIT_TYPES = ("question", "follow-up", "case", "ask-interviewer", "guidance")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "ed", "es", "er", "ly", "s")


def stem(word: str) -> str:
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            return word[: -len(suf)]
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(_fold(text)) if w not in _STOP]


def _fold(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def _squash(text: str) -> str:
    return " ".join(_WORD.findall(_fold(text)))


@dataclass(frozen=True)
class Doc:
    type: str
    id: str
    role: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Hit:
    type: str
    id: str
    role: str
    text: str
    score: float

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "id": self.id,
            "role": self.role,
            "text": self.text,
            "score": self.score,
        }


def _role_docs(role: RolePack) -> list[Doc]:
    rid = role.id
    docs: list[Doc] = []
    for q in role.questions:
        docs.append(Doc("question", q.id, rid, q.prompt, 1.5))
        for i, fu in enumerate(q.follow_ups):
            docs.append(Doc("follow-up", f"{q.id}#follow-up-{i + 1}", rid, fu.prompt))
        docs.append(Doc("guidance", f"{q.id}#why", rid, q.why, 0.8))
        for i, p in enumerate(q.pointers):
            docs.append(Doc("guidance", f"{q.id}#pointer-{i + 1}", rid, p, 0.7))
        for tp in q.talking_points:
            text = f"{tp.label}: {tp.description}"
            docs.append(Doc("guidance", f"{q.id}#point-{tp.id}", rid, text, 0.7))
    for c in role.cases:
        docs.append(Doc("case", c.id, rid, f"{c.title}: {c.prompt}", 1.3))
    for a in role.ask_interviewer:
        docs.append(Doc("ask-interviewer", a.id, rid, a.text))
    for section in ("screens_for", "mistakes"):
        for item in getattr(role, section):
            docs.append(
                Doc(
                    "guidance",
                    f"{rid}/{section}/{item.id}",
                    rid,
                    f"{item.label}: {item.description}",
                    0.8,
                )
            )
    for flag in role.red_flags:
        docs.append(
            Doc(
                "guidance",
                f"{rid}/red_flags/{flag.id}",
                rid,
                f"{flag.label}: {flag.description} {flag.advice}",
                0.8,
            )
        )
    for s in role.stages:
        docs.append(
            Doc("guidance", f"{rid}/stages/{s.id}", rid, f"{s.name}: {s.strong_signal}", 0.8)
        )
    return docs


class SearchIndex:
    """An in-memory BM25 index over a library's documents."""

    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        self._tf = [Counter(terms(d.text)) for d in docs]
        self._len = [sum(tf.values()) for tf in self._tf]
        self._avg = (sum(self._len) / len(docs)) if docs else 1.0
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        n = len(docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._squashed = [_squash(d.text) for d in docs]

    @classmethod
    def from_library(cls, library: Library, role: str | None = None) -> SearchIndex:
        roles = [library.role(role)] if role else list(library.roles.values())
        return cls([d for r in roles for d in _role_docs(r)])

    def search(self, query: str, *, limit: int = 10, types: tuple[str, ...] = ()) -> list[Hit]:
        q_terms = list(dict.fromkeys(terms(query)))
        phrase = _squash(query)
        if not q_terms and not phrase:
            return []
        k1, b = 1.4, 0.75
        scored: list[tuple[float, int]] = []
        for i, doc in enumerate(self.docs):
            if types and doc.type not in types:
                continue
            tf = self._tf[i]
            s = 0.0
            for t in q_terms:
                f = tf.get(t, 0)
                if f:
                    norm = f * (k1 + 1) / (f + k1 * (1 - b + b * self._len[i] / self._avg))
                    s += self._idf.get(t, 0.0) * norm
            if phrase and len(phrase) >= 4 and phrase in self._squashed[i]:
                s += 10.0 + 10.0 * len(phrase) / max(len(self._squashed[i]), 1)
            if s > 0:
                scored.append((s * doc.boost, i))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return [
            Hit(
                self.docs[i].type,
                self.docs[i].id,
                self.docs[i].role,
                self.docs[i].text,
                round(s, 3),
            )
            for s, i in scored[:limit]
        ]
