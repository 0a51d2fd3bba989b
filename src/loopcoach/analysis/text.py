"""Text utilities for analysis: sentences, words, normalisation. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_ABBREV = (
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "approx.",
    "dr.",
    "mr.",
    "mrs.",
    "inc.",
    "ltd.",
    "pty.",  # "Koala Pty. Ltd.", "MedSetu Pvt. Ltd.", "Sdn. Bhd.": one name
    "pvt.",
    "sdn.",
    "u.s.",
    "a.m.",
    "p.m.",
)
_SENT_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[\x00]?[A-Z0-9\x00])")
_ABBREV_RE = re.compile(
    r"(?<![A-Za-z])(" + "|".join(re.escape(a) for a in _ABBREV) + ")", re.IGNORECASE
)
_RESTORE = re.compile(r"\x00(\d+)\x00")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?(?:[.,][0-9]+)*%?")
_SUFFIXES = (
    "izations",
    "ization",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ies",
    "ied",
    "ers",
    "ed",
    "es",
    "er",
    "ly",
    "s",
)


def normalise(text: str) -> str:
    """NFKC, straight quotes, collapsed whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def sentences(text: str) -> list[str]:
    """Split an answer into sentences; newlines and bullets also end a sentence."""
    text = normalise(text)
    out: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*•\d]+[.)]?\s)|\n", text):
        block = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", block).strip()
        if not block:
            continue
        out.extend(_split_block(block))
    return out


def _split_block(block: str) -> list[str]:
    """Split one line on sentence ends, keeping abbreviations such as "e.g." intact."""
    saved = [m.group(0) for m in _ABBREV_RE.finditer(block)]
    counter = iter(range(len(saved)))
    protected = _ABBREV_RE.sub(lambda _m: f"\x00{next(counter)}\x00", block)
    parts = []
    for part in _SENT_END.split(protected):
        part = _RESTORE.sub(lambda m: saved[int(m.group(1))], part).strip()
        if part:
            parts.append(part)
    return parts


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def lower_words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light suffix-stripping stem (memoised: answers reuse a small vocabulary)."""
    w = word.lower()
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)]
    return w


def stems(text: str) -> list[str]:
    return [stem(w) for w in lower_words(text)]


@lru_cache(maxsize=20_000)
def phrase_stems(phrase: str) -> tuple[str, ...]:
    """Stems of a cue phrase, memoised: rubric cues are matched against every answer."""
    return tuple(stems(phrase))


def phrase_in(phrase_stems: tuple[str, ...], sentence_stems: Sequence[str]) -> bool:
    """True if the phrase's stems appear in order (gaps of up to 2 words allowed)."""
    if not phrase_stems:
        return False
    first = phrase_stems[0]
    if first not in sentence_stems:  # most cues are absent: one C-level scan rejects them
        return False
    if len(phrase_stems) == 1:
        return True
    for start, word in enumerate(sentence_stems):
        if word != first:
            continue
        pos = start
        ok = True
        for ps in phrase_stems[1:]:
            window = sentence_stems[pos + 1 : pos + 4]
            if ps in window:
                pos = pos + 1 + window.index(ps)
            else:
                ok = False
                break
        if ok:
            return True
    return False


def count(n: int, word: str, many: str | None = None) -> str:
    """ "1 filler", "2 fillers": a count with its noun in the right number (``many`` for nouns
    whose plural is not ``word + "s"``)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
