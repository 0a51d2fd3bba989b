"""Fit the talking-point reader; write src/loopcoach/analysis/models/points-minilm.json.

Labels: which sentences of a strong answer make which of its question's talking points, by
labellers who saw the rubric's points and the answer, not the code. Three groups:

- dev: benchmarks/dev/point-labels.json (the strong answers of benchmarks/dev/)
- dev2: benchmarks/dev2/point-labels.json (the strong answers of benchmarks/dev2/)
- ds: training/data/points/ds.json (strong answers of the next authors s1-s3, with their labels)

The challenge set (benchmarks/challenge/) is never read here.

Every (sentence, point) pair of an answer, as the engine reads it with MiniLM (flawed sentences
dropped, as coverage sees them), is a row: its features are `point_reader.features` and its label
whether the labellers named that sentence for that point. Each labelled strong answer is read
three ways: whole; cut to its first third (`challenge.truncate`; the labels of the sentences
kept); and, as an answer that makes none of the question's points, the strong answer to the next
labelled question of the same group under this question (without these, a reader fitted on
strong answers alone, where 87% of the points are made, made two thirds of the points of an
answer to another question). A logistic regression (numpy, Newton steps, L2 on the weights, a
fixed number of iterations) is fitted on the rows.

The decision threshold is chosen by leave-one-group-out: fit on two groups, read the third; over
the three held-out readings of the strong answers pooled, the threshold (0.05, 0.06, ... 0.95)
with the highest point recall whose point precision is at least 0.92 (a point is made when an
eligible sentence's probability reaches the threshold). The shipped model is then fitted on all
three groups.

Prints each group's held-out point precision / recall (and how often the evidence sentence is one
the labellers named) against the hand-set rule the lexical fallback keeps, and, all groups held out
in turn, the same for the first thirds and the points made on another question's answer.

The answers as read (features and labels) are kept in training/data/points/read.npz: the fit
reads them from there, so the tests can refit the model without MiniLM (--check reads the
answers again and compares).

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
from loopcoach.analysis.text import sentences  # noqa: E402
from loopcoach.domain.analysis import FlagHit  # noqa: E402

OUT = ROOT / "src" / "loopcoach" / "analysis" / "models" / "points-minilm.json"
DS = ROOT / "training" / "data" / "points" / "ds.json"
# The answers as read (features and labels), so the fit can be checked without MiniLM.
READ = ROOT / "training" / "data" / "points" / "read.npz"
KINDS = ("strong", "truncated", "off_topic")
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
    kind: str  # strong, truncated (its first third) or off_topic (another question's answer)
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


def variants() -> list[tuple[str, str, str, str, dict[str, list[int]]]]:
    """(group, qid, kind, answer, labels): every labelled strong answer, its first third (the
    labels of the sentences kept) and, as an answer that makes none of the question's points,
    the strong answer to the next labelled question of the same group."""
    rows = labelled()
    out: list[tuple[str, str, str, str, dict[str, list[int]]]] = []
    for k, (group, qid, strong, labels) in enumerate(rows):
        peers = [r for r in rows if r[0] == group]
        other = peers[(peers.index(rows[k]) + 1) % len(peers)]
        keep = max(2, len(sentences(strong)) // 3)
        cut = {pid: [i for i in s if i < keep] for pid, s in labels.items()}
        out.append((group, qid, "strong", strong, labels))
        out.append((group, qid, "truncated", CH.truncate(strong), cut))
        out.append((group, qid, "off_topic", other[2], {pid: [] for pid in labels}))
    return out


def read(analyzer: Analyzer) -> list[Answer]:
    out: list[Answer] = []
    for group, qid, kind, text, labels in variants():
        rubric, _ = analyzer.rubric_for("", question_id=qid)
        _, clean, flag_hits, _ = analyzer.read(rubric, text)
        star = structure.star_parts(clean) if rubric.framework == "star" else {}
        out.append(answer(group, qid, kind, labels, clean, flag_hits, star))
    return out


def answer(
    group: str,
    qid: str,
    kind: str,
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
        kind,
        x,
        y,
        PR.eligible(clean, weak),
        np.array([bool(t) for t in truth]),
        truth,
        origin,
        np.array([p.made for p in rule]),
        [p.evidence.index if p.made and p.evidence else None for p in rule],
    )


def save(answers: list[Answer], path: Path = READ) -> None:
    """Every answer's features (float32) and labels in one compressed file."""
    np.savez_compressed(
        path,
        shape=np.array([a.x.shape[:2] for a in answers], dtype=np.int32).reshape(-1, 2),
        group=np.array([GROUPS.index(a.group) for a in answers], dtype=np.int8),
        kind=np.array([KINDS.index(a.kind) for a in answers], dtype=np.int8),
        qid=np.array([a.qid for a in answers]),
        x=np.concatenate([a.x.reshape(-1, a.x.shape[-1]) for a in answers]).astype(np.float32),
        y=np.concatenate([a.y.reshape(-1) for a in answers]),
        ok=np.concatenate([a.ok for a in answers]),
        origin=np.concatenate([np.asarray(a.origin, dtype=np.int32) for a in answers]),
        said=np.concatenate([a.said for a in answers]),
        rule_made=np.concatenate([a.rule_made for a in answers]),
        rule_evidence=np.array(
            [-1 if e is None else e for a in answers for e in a.rule_evidence], dtype=np.int32
        ),
    )


def load(path: Path = READ) -> list[Answer]:
    """The answers `save` wrote (the labels' sentences outside the clean answer are not kept:
    `said` keeps whether a point is made anywhere)."""
    d = np.load(path)
    out: list[Answer] = []
    r = s = p = 0
    f = d["x"].shape[1]
    for k, (n, m) in enumerate(d["shape"]):
        n, m = int(n), int(m)
        x = d["x"][r : r + n * m].astype(np.float64).reshape(n, m, f)
        y = d["y"][r : r + n * m].reshape(n, m)
        origin = [int(o) for o in d["origin"][s : s + n]]
        truth = [{origin[i] for i in range(n) if y[i, j]} for j in range(m)]
        out.append(
            Answer(
                GROUPS[int(d["group"][k])],
                str(d["qid"][k]),
                KINDS[int(d["kind"][k])],
                x,
                y,
                d["ok"][s : s + n],
                d["said"][p : p + m],
                truth,
                origin,
                d["rule_made"][p : p + m],
                [None if e < 0 else int(e) for e in d["rule_evidence"][p : p + m]],
            )
        )
        r, s, p = r + n * m, s + n, p + m
    return out


def same_reading(a: list[Answer], b: list[Answer]) -> list[str]:
    """Where two readings of the answers differ (features within 1e-3, labels exactly)."""
    if [(x.group, x.qid, x.kind, x.x.shape) for x in a] != [
        (x.group, x.qid, x.kind, x.x.shape) for x in b
    ]:
        return ["the answers or their shapes differ"]
    bad: list[str] = []
    for x, z in zip(a, b, strict=True):
        if not np.allclose(x.x, z.x, atol=1e-3):
            worst = int(np.abs(x.x - z.x).reshape(-1, x.x.shape[-1]).max(axis=0).argmax())
            bad.append(f"{x.qid} ({x.kind}): feature {PR.FEATURES[worst]}")
        for name in ("y", "ok", "said", "rule_made"):
            if not np.array_equal(getattr(x, name), getattr(z, name)):
                bad.append(f"{x.qid} ({x.kind}): {name}")
        if x.origin != z.origin or x.rule_evidence != z.rule_evidence:
            bad.append(f"{x.qid} ({x.kind}): sentences")
    return bad


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
    """As `coverage.points`: a point is made when an eligible sentence reaches the threshold, or
    by an eligible sentence found as the story part the point is tied to."""
    if not len(prob):
        return np.zeros(prob.shape[1], dtype=bool), [None] * prob.shape[1]
    firm = np.where(a.ok[:, None], prob, 0.0)
    story = (a.x[:, :, PR.FEATURES.index("story_part")] > 0) & a.ok[:, None]
    best = firm.argmax(axis=0)
    made = firm.max(axis=0) >= threshold
    first = story.argmax(axis=0)
    by_story = ~made & story.any(axis=0)
    best = np.where(by_story, first, best)
    made = made | by_story
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
    """The model file's text and the report lines, from features as `save` stores them."""
    for a in answers:
        a.x = a.x.astype(np.float32).astype(np.float64)
    held: dict[str, list[tuple[Answer, np.ndarray]]] = {}
    for g in GROUPS:
        model = fit([a for a in answers if a.group != g])
        held[g] = [(a, probabilities(model, a)) for a in answers if a.group == g]
    pooled = [r for g in GROUPS for r in held[g]]
    strong = [r for r in pooled if r[0].kind == "strong"]
    best_t, best_r = GRID[-1], -1.0
    for t in GRID:
        f = figures([(a, *decide(p, a, t)) for a, p in strong])
        if f["precision"] >= MIN_PRECISION and f["recall"] > best_r:
            best_t, best_r = t, f["recall"]
    n_strong = sum(a.kind == "strong" for a in answers)
    lines = [
        f"{n_strong} labelled answers (and their first thirds, and another question's answer), "
        f"{sum(a.x.shape[0] * a.x.shape[1] for a in answers)} (sentence, point) rows; "
        f"threshold {best_t} (left-out groups pooled)",
        "strong answers, each group left out in turn:",
        f"{'left out':<10}{'points':>7}   {'rule P / R / evidence':<24}{'reader P / R / evidence'}",
    ]
    logo: dict[str, dict[str, object]] = {}
    for g in [*GROUPS, "all"]:
        rows = held[g] if g != "all" else pooled
        out: dict[str, object] = {}
        for kind in ("strong", "truncated", "off_topic"):
            some = [r for r in rows if r[0].kind == kind]
            rule = figures([(a, a.rule_made, a.rule_evidence) for a, _ in some])
            new = figures([(a, *decide(p, a, best_t)) for a, p in some])
            made_rule = sum(int(a.rule_made.sum()) for a, _ in some)
            made_new = sum(int(decide(p, a, best_t)[0].sum()) for a, p in some)
            out[kind] = {"rule": rule, "reader": new, "made": [made_rule, made_new]}
        logo[g] = out
        rule, new = out["strong"]["rule"], out["strong"]["reader"]  # type: ignore[index]
        lines.append(
            f"{g:<10}{new['points']:>7}   "
            f"{rule['precision']:.3f} / {rule['recall']:.3f} / {rule['evidence']:.3f}      "
            f"{new['precision']:.3f} / {new['recall']:.3f} / {new['evidence']:.3f}"
        )
    tr, ot = logo["all"]["truncated"], logo["all"]["off_topic"]
    n_points = sum(a.x.shape[1] for a in answers if a.kind == "off_topic")
    lines += [
        f"first thirds (all groups): rule P / R {tr['rule']['precision']:.3f} / "  # type: ignore[index]
        f"{tr['rule']['recall']:.3f}, reader {tr['reader']['precision']:.3f} / "  # type: ignore[index]
        f"{tr['reader']['recall']:.3f}",  # type: ignore[index]
        f"another question's answer: points made, rule {ot['made'][0]}, reader "  # type: ignore[index]
        f"{ot['made'][1]} of {n_points}",  # type: ignore[index]
    ]
    model = fit(answers)
    model["threshold"] = best_t
    model["fitted"] = {
        "groups": list(GROUPS),
        "answers": n_strong,
        "l2": L2,
        "iterations": ITERATIONS,
        "min_precision": MIN_PRECISION,
        "leave_one_group_out": logo,
    }
    return json.dumps(model, indent=1) + "\n", lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--check",
        action="store_true",
        help="fail if the answers read now differ from training/data/points/read.npz or the "
        "shipped model is not what fitting those gives",
    )
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from loopcoach.analysis.embeddings import MiniLMEmbedder, load_embedder
    from loopcoach.content.library import load_library

    embedder = load_embedder()
    if not embedder.degraded:
        # the exact float32 path on every machine: the int8 path runs only on CPUs with exact
        # int8 products, and features read on it would differ from machine to machine
        embedder = MiniLMEmbedder(fast=False)
    if embedder.degraded:
        print(f"the reader is for MiniLM; the embedder is degraded: {embedder.reason}")
        return 1
    answers = read(Analyzer(load_library(), embedder))
    if args.check:
        bad = same_reading(answers, load())
        for line in bad[:10]:
            print(f"read differently: {line}")
        text, lines = run(load())
        print("\n".join(lines))
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is not what this script writes: re-run it")
            return 1
        if bad:
            print(f"{READ.relative_to(ROOT)} is stale ({len(bad)} answers): re-run the script")
            return 1
        print(f"{OUT.relative_to(ROOT)} and {READ.relative_to(ROOT)} are in sync")
        return 0
    save(answers)
    text, lines = run(load())
    print("\n".join(lines))
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {READ.relative_to(ROOT)} and {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
