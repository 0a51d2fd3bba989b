"""Fit the talking-point reader; write src/loopcoach/analysis/models/points-minilm.json.

Labels: which sentences of a strong answer make which of its question's talking points, by
labellers who saw the rubric's points and the answer, not the code. Three groups:

- dev: benchmarks/dev/point-labels.json (the strong answers of benchmarks/dev/)
- dev2: benchmarks/dev2/point-labels.json (the strong answers of benchmarks/dev2/)
- ds: training/data/points/ds.json (strong answers of the next authors s1-s3, with their labels)

The challenge set (benchmarks/challenge/) is never read here.

Every (sentence, point) pair of an answer, as the engine reads it with MiniLM (flawed sentences
dropped, as coverage sees them), is a row: its features are `point_reader.features` and its label
whether the labellers named that sentence for that point. A logistic regression (numpy, Newton
steps, L2 on the weights, a fixed number of iterations) is fitted on the rows.

The decision threshold is chosen by leave-one-group-out: fit on two groups, read the third; over
the three held-out readings pooled, the threshold (0.05, 0.06, ... 0.95) with the highest point
recall whose point precision is at least 0.92 (a point is made when an eligible sentence's
probability reaches the threshold). The shipped model is then fitted on all three groups.

Prints each group's held-out point precision / recall against today's hand-set rule.

Run: PYTHONPATH=src .venv/bin/python training/fit_points.py [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import challenge as CH  # noqa: E402

from loopcoach.analysis import point_reader as PR  # noqa: E402
from loopcoach.analysis.context import AnswerContext  # noqa: E402
from loopcoach.analysis.engine import Analyzer  # noqa: E402
from loopcoach.analysis.scorers import coverage, structure  # noqa: E402
from loopcoach.domain.analysis import FlagHit  # noqa: E402

OUT = ROOT / "src" / "loopcoach" / "analysis" / "models" / "points-minilm.json"
DS = ROOT / "training" / "data" / "points" / "ds.json"
GROUPS = ("dev", "dev2", "ds")
L2 = 1.0
ITERATIONS = 30
MIN_PRECISION = 0.92
GRID = [round(0.05 + 0.01 * k, 2) for k in range(91)]


@dataclass
class Answer:
    """One labelled answer: features of its (sentence, point) pairs and what the labels say."""

    group: str
    qid: str
    x: np.ndarray  # (n, m, F)
    y: np.ndarray  # (n, m) the labellers named the sentence for the point
    ok: np.ndarray  # (n,) may make a point at all (point_reader.eligible)
    said: np.ndarray  # (m,) the point is made somewhere in the whole answer (labels)
    truth: list[set[int]]  # per point, the labelled sentences (whole-answer numbering)
    origin: list[int]  # whole-answer number of each clean sentence
    rule_made: np.ndarray  # (m,) today's rule
    rule_evidence: list[int | None]


def labelled() -> list[tuple[str, str, str, dict[str, list[int]]]]:
    """(group, qid, strong answer, labels) for every labelled answer."""
    out: list[tuple[str, str, str, dict[str, list[int]]]] = []
    for group, directory in (("dev", CH.DEV_DIR), ("dev2", CH.DEV2_DIR)):
        labels = CH.point_labels(directory)
        for q in CH.load(directory):
            if q.qid in labels:
                out.append((group, q.qid, q.strong, labels[q.qid]))
    for row in json.loads(DS.read_text(encoding="utf-8")):
        out.append(("ds", row["qid"], row["strong"], row["points"]))
    return out


def read(analyzer: Analyzer) -> list[Answer]:
    out: list[Answer] = []
    for group, qid, strong, labels in labelled():
        rubric, _ = analyzer.rubric_for("", question_id=qid)
        _, clean, flag_hits, _ = analyzer.read(rubric, strong)
        star = structure.star_parts(clean) if rubric.framework == "star" else {}
        out.append(answer(group, qid, labels, clean, flag_hits, star))
    return out


def answer(
    group: str,
    qid: str,
    labels: dict[str, list[int]],
    clean: AnswerContext,
    flag_hits: Sequence[FlagHit],
    star: Mapping[str, tuple[int, ...]],
) -> Answer:
    weak = coverage.weak_sentences(clean, flag_hits)
    x = PR.features(clean, weak, coverage._story_parts(clean, star))
    pts = clean.rubric.question.talking_points
    origin = list(clean.origin) if clean.origin else list(range(len(clean.sentences)))
    truth = [set(labels.get(tp.id, [])) for tp in pts]
    y = np.array([[o in t for t in truth] for o in origin], dtype=bool).reshape(
        len(origin), len(pts)
    )
    rule = coverage.rule_points(clean, flag_hits, star).points
    return Answer(
        group,
        qid,
        x,
        y,
        PR.eligible(clean, weak),
        np.array([bool(t) for t in truth]),
        truth,
        origin,
        np.array([p.made for p in rule]),
        [p.evidence.index if p.made and p.evidence else None for p in rule],
    )


def fit(answers: list[Answer]) -> dict[str, object]:
    x = np.concatenate([a.x.reshape(-1, a.x.shape[-1]) for a in answers])
    y = np.concatenate([a.y.reshape(-1) for a in answers]).astype(np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale < 1e-6, 1.0, scale)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], L2)
    reg[-1] = 0.0
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - y) + reg * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(reg + 1e-9)
        w = w - np.linalg.solve(hess, grad)
    return {
        "features": list(PR.FEATURES),
        "mean": [round(float(v), 5) for v in mean],
        "scale": [round(float(v), 5) for v in scale],
        "weights": [round(float(v), 4) for v in w[:-1]],
        "bias": round(float(w[-1]), 4),
    }


def probabilities(model: dict[str, object], a: Answer) -> np.ndarray:
    reader = PR.PointReader.from_dict({**model, "threshold": 0.5})
    return reader.probabilities(a.x)


def decide(prob: np.ndarray, a: Answer, threshold: float) -> tuple[np.ndarray, list[int | None]]:
    firm = np.where(a.ok[:, None], prob, 0.0)
    best = firm.argmax(axis=0) if len(firm) else np.zeros(prob.shape[1], dtype=int)
    made = firm.max(axis=0) >= threshold if len(firm) else np.zeros(prob.shape[1], dtype=bool)
    return made, [a.origin[int(i)] if m else None for i, m in zip(best, made, strict=True)]


def figures(
    rows: list[tuple[Answer, np.ndarray, list[int | None]]],
) -> dict[str, float]:
    tp = fp = fn = ev_ok = 0
    for a, made, evidence in rows:
        tp += int((made & a.said).sum())
        fp += int((made & ~a.said).sum())
        fn += int((~made & a.said).sum())
        ev_ok += sum(
            1 for j, e in enumerate(evidence) if made[j] and e is not None and e in a.truth[j]
        )
    return {
        "precision": round(tp / max(1, tp + fp), 3),
        "recall": round(tp / max(1, tp + fn), 3),
        "evidence": round(ev_ok / max(1, tp + fp), 3),
        "points": tp + fp + fn,
    }


def run(answers: list[Answer]) -> tuple[str, list[str]]:
    """The model file's text and the report lines."""
    held: dict[str, list[tuple[Answer, np.ndarray]]] = {}
    for g in GROUPS:
        model = fit([a for a in answers if a.group != g])
        held[g] = [(a, probabilities(model, a)) for a in answers if a.group == g]
    pooled = [r for g in GROUPS for r in held[g]]
    best_t, best_r = GRID[-1], -1.0
    for t in GRID:
        f = figures([(a, *decide(p, a, t)) for a, p in pooled])
        if f["precision"] >= MIN_PRECISION and f["recall"] > best_r:
            best_t, best_r = t, f["recall"]
    lines = [
        f"{len(answers)} answers, {sum(a.x.shape[0] * a.x.shape[1] for a in answers)} "
        f"(sentence, point) rows; threshold {best_t} (left-out groups pooled)",
        f"{'left out':<10}{'points':>7}   {'rule P / R / evidence':<24}{'reader P / R / evidence'}",
    ]
    logo: dict[str, dict[str, object]] = {}
    for g in [*GROUPS, "all"]:
        rows = held[g] if g != "all" else pooled
        rule = figures([(a, a.rule_made, a.rule_evidence) for a, _ in rows])
        new = figures([(a, *decide(p, a, best_t)) for a, p in rows])
        logo[g] = {"rule": rule, "reader": new}
        lines.append(
            f"{g:<10}{new['points']:>7}   "
            f"{rule['precision']:.3f} / {rule['recall']:.3f} / {rule['evidence']:.3f}      "
            f"{new['precision']:.3f} / {new['recall']:.3f} / {new['evidence']:.3f}"
        )
    model = fit(answers)
    model["threshold"] = best_t
    model["fitted"] = {
        "groups": list(GROUPS),
        "answers": len(answers),
        "l2": L2,
        "iterations": ITERATIONS,
        "min_precision": MIN_PRECISION,
        "leave_one_group_out": logo,
    }
    return json.dumps(model, indent=1) + "\n", lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the shipped file differs")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from loopcoach.analysis.embeddings import load_embedder
    from loopcoach.content.library import load_library

    embedder = load_embedder()
    if embedder.degraded:
        print(f"the reader is for MiniLM; the embedder is degraded: {embedder.reason}")
        return 1
    analyzer = Analyzer(load_library(), embedder)
    text, lines = run(read(analyzer))
    print("\n".join(lines))
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is not what this script writes: re-run it")
            return 1
        print(f"{OUT.relative_to(ROOT)} is in sync")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
