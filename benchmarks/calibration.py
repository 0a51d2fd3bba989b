"""Shared by the accuracy benchmark, the weight fitting script and the calibration test:
load our graded answers, split them, and compute agreement figures."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import yaml

ANSWERS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "answers"
# libyaml's parser when PyYAML has it (the same safe loading, several times faster: the fast
# tests read these files at collection, in each test process)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DIMS = ("structure", "coverage", "specificity", "ownership", "red_flags", "delivery")


@dataclass(frozen=True)
class Graded:
    id: str
    role: str
    question: str
    kind: str
    text: str
    grades: dict[str, float]
    traits: tuple[str, ...]
    file: str

    @property
    def overall(self) -> float:
        return float(self.grades["overall"])


def load(directory: Path = ANSWERS) -> list[Graded]:
    out: list[Graded] = []
    for path in sorted(directory.rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        for a in data["answers"]:
            out.append(
                Graded(
                    a["id"],
                    data["role"],
                    data["question"],
                    data.get("kind", ""),
                    a["text"],
                    {k: float(v) for k, v in a["grades"].items()},
                    tuple(a.get("traits", ())),
                    str(path.relative_to(directory)),
                )
            )
    return out


def held_out(item: Graded) -> bool:
    """About 40% of question files are held out; the split is by question, fixed by name."""
    return zlib.crc32(item.file.encode()) % 5 in (0, 1)


def split(items: list[Graded]) -> tuple[list[Graded], list[Graded]]:
    return [i for i in items if not held_out(i)], [i for i in items if held_out(i)]


def pairs(items: list[Graded]) -> list[tuple[Graded, Graded]]:
    """(better, worse) pairs of answers to the same question with different overall grades."""
    by_q: dict[str, list[Graded]] = {}
    for i in items:
        by_q.setdefault(i.file, []).append(i)
    out = []
    for group in by_q.values():
        for a, b in combinations(group, 2):
            if a.overall == b.overall:
                continue
            out.append((a, b) if a.overall > b.overall else (b, a))
    return out


def pairwise_accuracy(prs: list[tuple[Graded, Graded]], score: dict[str, float]) -> float:
    if not prs:
        return float("nan")
    right = sum(
        1.0 if score[b.id] > score[w.id] else 0.5 if score[b.id] == score[w.id] else 0.0
        for b, w in prs
    )
    return right / len(prs)


def words(text: str) -> int:
    return len(text.split())


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(v: list[float]) -> list[float]:
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(v):
            j = i
            while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2.0
            i = j + 1
        return r

    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else float("nan")
