"""Kano classification from survey answers, with the standard evaluation table.

Each respondent answers two questions per feature: how they feel if it is there (functional) and
if it is not (dysfunctional), with one of like / expect / neutral / tolerate / dislike. The pair
maps to a category:

    functional \\ dysfunctional   like  expect  neutral  tolerate  dislike
    like                          Q     A       A        A         O
    expect                        R     I       I        I         M
    neutral                       R     I       I        I         M
    tolerate                      R     I       I        I         M
    dislike                       R     R       R        R         Q

A = attractive, O = one-dimensional (performance), M = must-be, I = indifferent, R = reverse,
Q = questionable. A feature takes its most frequent category across respondents; a tie is broken
by M > O > A > I > R > Q (a must-be that is missed hurts most). Better = (A+O)/(A+O+M+I) and
worse = −(O+M)/(A+O+M+I) are the usual satisfaction coefficients. Pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loopcoach.budget import checkpoint
from loopcoach.errors import LoopcoachError
from loopcoach.exercises.files import Record, require_columns, text_of
from loopcoach.limits import shown

ANSWERS = ("like", "expect", "neutral", "tolerate", "dislike")
TABLE = {
    "like": ("Q", "A", "A", "A", "O"),
    "expect": ("R", "I", "I", "I", "M"),
    "neutral": ("R", "I", "I", "I", "M"),
    "tolerate": ("R", "I", "I", "I", "M"),
    "dislike": ("R", "R", "R", "R", "Q"),
}
CATEGORIES = {
    "A": "attractive",
    "O": "one-dimensional",
    "M": "must-be",
    "I": "indifferent",
    "R": "reverse",
    "Q": "questionable",
}
TIE_ORDER = "MOAIRQ"
SYNONYMS = {
    "i like it": "like",
    "like it": "like",
    "i like it that way": "like",
    "delighted": "like",
    "must-be": "expect",
    "must be": "expect",
    "i expect it": "expect",
    "expected": "expect",
    "it must be that way": "expect",
    "i am neutral": "neutral",
    "indifferent": "neutral",
    "don't care": "neutral",
    "dont care": "neutral",
    "i don't care": "neutral",
    "live with": "tolerate",
    "i can live with it": "tolerate",
    "i can tolerate it": "tolerate",
    "live with it": "tolerate",
    "i dislike it": "dislike",
    "dislike it": "dislike",
    "i dislike it that way": "dislike",
}
ADVICE = {
    "M": "build it first: its absence makes users unhappy, its presence goes unnoticed",
    "O": "more is better: invest in proportion to the value",
    "A": "a delighter: a differentiator once the must-bes are in place",
    "I": "users do not care either way: a candidate to drop",
    "R": "some users would rather not have it: make it optional or rethink it",
    "Q": "answers contradict each other: re-ask or check the question wording",
}
ALIASES = {
    "name": "feature",
    "functional_answer": "functional",
    "dysfunctional_answer": "dysfunctional",
}
LIST_KEYS = ("kano", "responses", "answers")


def answer(raw: str, where: str, column: str) -> str:
    text = " ".join(raw.strip().lower().split())
    text = SYNONYMS.get(text, text)
    if text not in ANSWERS:
        raise LoopcoachError(
            "bad-value",
            f"{where}, column '{column}': {shown(raw)} is not a Kano answer; use "
            "one of "
            f"{', '.join(ANSWERS)}",
        )
    return text


def categorise(functional: str, dysfunctional: str) -> str:
    """The standard Kano evaluation table: one respondent's answer pair -> A/O/M/I/R/Q."""
    return TABLE[functional][ANSWERS.index(dysfunctional)]


@dataclass(frozen=True)
class FeatureResult:
    feature: str
    counts: dict[str, int]

    @property
    def respondents(self) -> int:
        return sum(self.counts.values())

    @property
    def category(self) -> str:
        return max(TIE_ORDER, key=lambda c: (self.counts.get(c, 0), -TIE_ORDER.index(c)))

    @property
    def better(self) -> float:
        a, o, m, i = (self.counts.get(c, 0) for c in "AOMI")
        return (a + o) / (a + o + m + i) if a + o + m + i else 0.0

    @property
    def worse(self) -> float:
        a, o, m, i = (self.counts.get(c, 0) for c in "AOMI")
        return -(o + m) / (a + o + m + i) if a + o + m + i else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "category": self.category,
            "category_name": CATEGORIES[self.category],
            "counts": {c: self.counts.get(c, 0) for c in "AOMIRQ"},
            "respondents": self.respondents,
            "better": round(self.better, 2),
            "worse": round(self.worse, 2),
            "advice": ADVICE[self.category],
        }


def classify(records: Sequence[Record]) -> list[FeatureResult]:
    """One result per feature, in the order features first appear."""
    require_columns(records, ["feature", "functional", "dysfunctional"], what="Kano survey")
    counts: dict[str, Counter[str]] = {}
    for n, rec in enumerate(records):
        if n % 256 == 0:
            checkpoint("the Kano survey")
        f = answer(text_of(rec, "functional"), rec.where, "functional")
        d = answer(text_of(rec, "dysfunctional"), rec.where, "dysfunctional")
        counts.setdefault(text_of(rec, "feature"), Counter())[categorise(f, d)] += 1
    return [FeatureResult(name, dict(c)) for name, c in counts.items()]
