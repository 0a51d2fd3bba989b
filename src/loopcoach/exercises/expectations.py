"""Does a plan cover what the case expects? Each expectation read as its parts, each part found
on a line of the plan by meaning, the way an answer's talking points are found.

A case's expectation is one sentence that bundles several things: "A risk register with owners,
covering stateful data, platform gaps found late, team capacity and time-zone handoffs." It is
read as a *head* ("a risk register with owners") and *parts* (the four risks). Parts that follow
"covering", "including", "across" or a colon are required; parts after "such as", "e.g." or in
brackets are examples, and any one of them stands in for the head. Items joined by "plus" or
";" are separate heads ("goals ... plus non-goals such as ...").

A part is found on a plan line (read together with the heading it sits under) when the line says
it by meaning (sentence-embedding cosine at the talking-point threshold) or uses most of its
content words. Lines that only name a thing as missing or postponed ("Rollback: TBD", "no
owners yet", "we won't set metrics until after launch") cover nothing.

Pure: text in, coverage out. The embedder is passed in by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from loopcoach.analysis import text as T
from loopcoach.analysis.embeddings import Embedder
from loopcoach.exercises.findings import Finding

F32 = npt.NDArray[np.float32]
# (parts, lines) -> cosine matrix of shape (len(parts), len(lines))
Similarity = Callable[[Sequence[str], Sequence[str]], F32]

_HEADS = re.compile(
    r"\s*(?:;|\bplus\b|,\s*and (?:also )?(?=(?:an?|non-goals?)\b))\s*", re.IGNORECASE
)
_EXAMPLES = re.compile(
    r"\s*,?\s*\b(?:such as|e\.g\.|for example|for instance|like|typically|usually|"
    r"with|noting|running from|keeping|starting with|about|on|for|through)\b\s*",
    re.IGNORECASE,
)
_REQUIRED = re.compile(
    r"\s*,?\s*\b(?:covering|including|across|spanning|for each of|between)\b\s*|:\s+",
    re.IGNORECASE,
)
_BRACKET = re.compile(r"\(([^()]*)\)")
_LIST_SPLIT = re.compile(r"\s*(?:,|\band\b|\bthen\b|\bor\b|/)\s*", re.IGNORECASE)
# A line that names a thing only to say it is missing, postponed or empty.
_EMPTY = re.compile(
    r"\b(?:tbd|tbc|todo|to be (?:decided|defined|confirmed|agreed)|n/?a|none(?: yet)?|"
    r"not (?:yet|planned|needed|decided|defined|sure)|no \w+(?: \w+)? yet|later|"
    r"won'?t|will not|skip(?:ped)?|out of time|not covered)\b",
    re.IGNORECASE,
)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "to",
        "in",
        "on",
        "with",
        "by",
        "as",
        "at",
        "from",
        "each",
        "every",
        "their",
        "its",
        "our",
        "plus",
        "such",
        "this",
        "that",
        "these",
        "those",
        "is",
        "are",
        "be",
        "being",
        "been",
        "any",
        "all",
        "both",
        "which",
        "who",
        "what",
        "when",
        "how",
        "then",
        "than",
        "stated",
        "aloud",
        "clear",
        "written",
        "so",
        "into",
        "about",
        "per",
    ]
)
_HOW = re.compile(r"(?:each|with|every)\b", re.IGNORECASE)
LEXICAL_SHARE = 0.6  # share of a part's content words one line must use to say it
# Without the model: an expectation whose content words (five-letter prefixes) appear, this
# share of them, anywhere in the plan is taken as covered (the checker's rule before issue 12).
PLAN_SHARE = 0.5
# A part said by meaning on one line (its head's noun in front: "risk: team capacity").
PHRASE_COSINE = 0.45
# An expectation said as a whole by a run of WINDOW lines. Chosen on the first four cases of
# benchmarks/plans/ (an independent author's plans); benchmarks/plan_accuracy.py reports the
# other five.
WINDOW = 3
WINDOW_COSINE = 0.48


@dataclass(frozen=True)
class Head:
    """One thing an expectation asks for, and the parts it lists."""

    text: str
    parts: tuple[str, ...] = ()
    required: bool = False  # parts are all expected ("covering ..."), not examples


@dataclass(frozen=True)
class Expectation:
    text: str
    heads: tuple[Head, ...]


@dataclass(frozen=True)
class HeadCoverage:
    head: Head
    line: int | None  # where the head (or one of its examples) is said
    parts: tuple[tuple[str, int | None], ...]  # each required part and its line

    @property
    def missing_parts(self) -> list[str]:
        return [p for p, line in self.parts if line is None]


@dataclass(frozen=True)
class Coverage:
    expectation: Expectation
    heads: tuple[HeadCoverage, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> list[str]:
        """What the plan does not cover, in the expectation's own words."""
        out: list[str] = []
        for h in self.heads:
            if h.line is None and not any(line for _, line in h.parts):
                out.append(h.head.text)
            else:
                out += h.missing_parts
        return out

    @property
    def covered(self) -> bool:
        return not self.missing


def _clean(phrase: str) -> str:
    return phrase.strip(" .,;:-").strip()


def _items(text: str) -> tuple[str, ...]:
    parts = (_clean(x) for x in _LIST_SPLIT.split(text))
    # "each with a mitigation", "with clear owners": how, not what
    return tuple(p for p in parts if _content(p) and not _HOW.match(p))


def parse(item: str) -> Expectation:
    """Split one expectation into heads and their parts."""
    heads: list[Head] = []
    for chunk in _HEADS.split(item):
        chunk = chunk.strip()
        if not _content(chunk):
            continue
        examples: list[str] = []
        for inner in _BRACKET.findall(chunk):
            examples += _items(inner)
        chunk = _BRACKET.sub(" ", chunk)
        req = _REQUIRED.split(chunk, maxsplit=1)
        ex = _EXAMPLES.split(req[0], maxsplit=1)
        head = _clean(ex[0])
        if len(ex) > 1:
            examples += _items(ex[1])
        required: tuple[str, ...] = ()
        if len(req) > 1:
            rest = _EXAMPLES.split(req[1], maxsplit=1)
            required = _items(rest[0])
            if len(rest) > 1:
                examples += _items(rest[1])
        if required:
            heads.append(Head(head or chunk, required, True))
        elif examples:
            heads.append(Head(head or chunk, tuple(examples), False))
        elif head:
            heads.append(Head(head))
    return Expectation(item, tuple(heads))


def _content(text: str) -> list[str]:
    return [w for w in _words(text) if w not in _STOP and len(w) > 2]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _stem_forms(text: str) -> list[set[str]]:
    """The content stems of a text read split and joined at hyphens: "time-zone hand-offs"
    is {time, zone, hand, off} and {timezone, handoff}."""
    split = {T.stem(w) for w in _content(text)}
    joined = {T.stem(w) for w in _content(re.sub(r"(?<=\w)-(?=\w)", "", text))}
    return [split, joined]


def plan_lines(text: str, titles: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """Each non-empty line (1-based) read with the heading it sits under."""
    out: list[tuple[int, str]] = []
    current = ""
    starts = dict(titles)
    for n, raw in enumerate(text.splitlines(), start=1):
        if n in starts:
            current = starts[n]
            continue  # a heading alone says nothing; it is read with the lines under it
        line = raw.strip().strip("|#*- >").replace("|", " ; ")
        if not line or _EMPTY.search(line) or not _content(line):
            continue
        if current and not line.lower().startswith(current.lower()):
            line = f"{current}: {line}"
        out.append((n, line))
        # and each clause on its own ("...; a RACI for each phase"), read with its label
        clauses = [c for c in _HEADS.split(line) if _content(c)]
        if len(clauses) > 1:
            label = line.split(": ", 1)[0] + ": " if ": " in clauses[0] else ""
            out += [(n, c if c.startswith(label) else label + c) for c in clauses]
    return out


@dataclass(frozen=True)
class _Words:
    """A plan line's words, read once: its first content stem and all its stems."""

    first: str
    stems: frozenset[str]

    @classmethod
    def of(cls, line: str) -> _Words:
        first = _content(line)[:1]
        return cls(T.stem(first[0]) if first else "", frozenset().union(*_stem_forms(line)))


def _lexical(phrase: str, lines: Sequence[_Words]) -> list[bool]:
    """Lines that use most of the phrase's content words (and its head noun, for a part)."""
    noun, _, part = phrase.rpartition(": ") if ": " in phrase else ("", "", phrase)
    need = {T.stem(noun)} if noun else set()
    wants = [w for w in _stem_forms(part) if w]
    # One word ("Risks", "Metrics") says the thing only as a line's label or heading.
    if not noun and len(_content(part)) == 1:
        return [bool(line.first) and line.first in wants[0] for line in lines]
    return [
        need <= line.stems and any(len(w & line.stems) / len(w) >= LEXICAL_SHARE for w in wants)
        for line in lines
    ]


def _part(head: Head, part: str) -> str:
    """A part is looked for as a part of its head: "risk: team capacity" is found on a risk
    line, not on any line that mentions the team's capacity."""
    noun = next(iter(_content(head.text)), "")
    return f"{noun}: {part}" if noun and noun not in _content(part) else part


def embedding_similarity(embedder: Embedder) -> Similarity:
    def sim(parts: Sequence[str], lines: Sequence[str]) -> F32:
        if not parts or not lines:
            return np.zeros((len(parts), len(lines)), dtype=np.float32)
        return embedder.embed(list(parts)) @ embedder.embed(list(lines)).T

    return sim


def cover(
    expected: Sequence[str],
    lines: Sequence[tuple[int, str]],
    *,
    similarity: Similarity | None = None,
    threshold: float = 1.0,
) -> list[Coverage]:
    """Which line covers each head and part of each expectation (None where no line does)."""
    parsed = [parse(e) for e in expected]
    phrases = sorted(
        {p for e in parsed for h in e.heads for p in (h.text, *(_part(h, x) for x in h.parts))}
    )
    texts = [t for _, t in lines]
    words = [_Words.of(t) for t in texts]  # read once, not once per phrase
    index = {p: i for i, p in enumerate(phrases)}
    sims = (
        similarity(phrases, texts)
        if similarity is not None
        else np.zeros((len(phrases), len(texts)), dtype=np.float32)
    )

    def where(phrase: str) -> int | None:
        row = sims[index[phrase]] if len(texts) else np.zeros(0, dtype=np.float32)
        lexical = _lexical(phrase, words)
        best, best_line = threshold, None
        for k, (n, _) in enumerate(lines):
            score = max(float(row[k]), 1.0 if lexical[k] else 0.0)
            if score >= best and (best_line is None or score > best):
                best, best_line = score, n
        return best_line

    out: list[Coverage] = []
    for e in parsed:
        heads: list[HeadCoverage] = []
        for h in e.heads:
            line = where(h.text)
            parts = tuple((p, where(_part(h, p))) for p in h.parts)
            if h.required:
                heads.append(HeadCoverage(h, line, parts))
            else:
                # examples: any one of them says the head
                if line is None:
                    line = next((n for _, n in parts if n is not None), None)
                heads.append(HeadCoverage(h, line, ()))
        out.append(Coverage(e, tuple(heads)))
    return out


def _plan_share(item: str, text: str) -> float:
    want = {w[:5] for w in _content(item) if len(w) >= 4}
    have = {w[:5] for w in _content(text)}
    return len(want & have) / len(want) if want else 1.0


def windows(text: str, size: int = WINDOW) -> list[tuple[int, str]]:
    """Runs of ``size`` consecutive non-empty lines (their first line number and their text),
    leaving out lines that name a thing only as missing or postponed."""
    kept = [
        (n, raw.strip().strip("#*- >").replace("|", " "))
        for n, raw in enumerate(text.splitlines(), start=1)
        if raw.strip() and not _EMPTY.search(raw)
    ]
    if not kept:
        return []
    return [
        (kept[i][0], " ".join(t for _, t in kept[i : i + size]))
        for i in range(max(1, len(kept) - size + 1))
    ]


def check(
    expected: Sequence[str],
    text: str,
    titles: Sequence[tuple[int, str]],
    *,
    embedder: Embedder | None = None,
) -> list[Finding]:
    """Findings for the expectations a plan does not cover, naming the missing parts.

    With the sentence model, an expectation is covered when some run of a few lines says it
    as a whole (cosine >= WINDOW_COSINE) or every head is found; its listed parts are named
    as missing only when no line says them. Without the model, heads and parts are matched
    by their words alone.
    """
    lines = plan_lines(text, titles)
    semantic = embedder is not None and not embedder.degraded
    sim: Similarity | None = None
    whole_sims: F32 | None = None
    if semantic and embedder is not None:
        sim = embedding_similarity(embedder)
        runs = windows(text)
        if runs and expected:
            whole_sims = (
                embedder.embed(list(expected)) @ embedder.embed([t for _, t in runs]).T
            ).max(axis=1)
    threshold = PHRASE_COSINE if semantic else 1.0
    out: list[Finding] = []
    for k, c in enumerate(cover(expected, lines, similarity=sim, threshold=threshold)):
        if whole_sims is not None:
            said = float(whole_sims[k]) >= WINDOW_COSINE
        else:
            said = _plan_share(c.expectation.text, text) >= PLAN_SHARE
        heads_found = all(h.line is not None for h in c.heads)
        if not said and not heads_found:
            message = (
                f"the case expects: '{c.expectation.text}'; your plan does not seem to cover it"
            )
            out.append(Finding("missing-expected", message))
            continue
        # listed parts are named only when the model is there to read paraphrases
        parts = [p for h in c.heads if h.head.required for p in h.missing_parts if semantic]
        if parts:
            message = (
                f"the case expects: '{c.expectation.text}'; your plan does not seem to cover "
                + "; ".join(parts)
            )
            out.append(Finding("partly-expected", message))
    return out
