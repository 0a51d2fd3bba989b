"""Which stories of the bank a re-imported résumé's lines are, when the words changed. Pure.

A résumé gets edited between imports: "Cut cloud costs by 30% across 4 teams" becomes "Reduced
cloud spend 34% across five teams by rightsizing clusters". The content key (the exact line)
no longer matches, but it is the same achievement, so the bank should update that story (same
id) rather than add a second one. Two lines are the same achievement when they sit under the
same job and share most of their content words (weighted Dice overlap of word stems, numbers
left out since they are what gets edited; words that only size the work count less). Pairs
are made one to one, best first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from loopcoach.analysis.text import stem
from loopcoach.domain.stories import Story
from loopcoach.prep.achievements import SCALE_NOUNS

SAME_ACHIEVEMENT = 0.5  # weighted overlap of content words from which two lines are one story
_STOP_WORDS = """
    a an the and or of to in on for with by at as from into over under across through via
    using while within than that which who our my their its his her we i was were is are be
    been per after before during so then also more less new all each every this these those
    one two three four five six seven eight nine ten eleven twelve twenty thirty hundred
    dozen dozens hundreds thousands million billion
"""
_STOP = frozenset(_STOP_WORDS.split())


def _weights(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text.lower()):
        if w in _STOP or len(w) < 3:
            continue
        out[stem(w)] = 0.3 if SCALE_NOUNS.fullmatch(w) else 1.0
    return out


def overlap(a: str, b: str) -> float:
    """Weighted Dice overlap of two lines' content words, 0-1 (numbers left out)."""
    wa, wb = _weights(a), _weights(b)
    total = sum(wa.values()) + sum(wb.values())
    if not total:
        return 0.0
    shared = sum(min(wa[k], wb[k]) for k in wa.keys() & wb.keys())
    return 2 * shared / total


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def same_job(a: Story, b: Story) -> bool:
    """Both stories come from the same role: the same employer, or (one has none) the same
    position. Without either there is no telling (another résumé, another person's section),
    so the line is taken as new: at worst a duplicate the user can delete, never a story of
    theirs overwritten."""
    ea, eb = _norm(a.employer), _norm(b.employer)
    if ea and eb:
        return ea == eb
    pa, pb = _norm(a.position), _norm(b.position)
    return bool(pa and pa == pb)


def pair_reworded(new: Sequence[Story], old: Sequence[Story]) -> dict[int, int]:
    """{index in `new`: index in `old`} for lines of `new` that are a rewording of a drafted
    story in `old` (same job, overlap >= SAME_ACHIEVEMENT), one to one, closest pairs first."""
    pairs = []
    for i, n in enumerate(new):
        for j, o in enumerate(old):
            if o.origin != "drafted" or not o.source or not same_job(n, o):
                continue
            score = overlap(n.source, o.source)
            if score >= SAME_ACHIEVEMENT:
                pairs.append((-score, i, j))
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in sorted(pairs):
        if i in out or j in used:
            continue
        out[i] = j
        used.add(j)
    return out
