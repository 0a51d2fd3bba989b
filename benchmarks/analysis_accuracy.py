"""Prints how well analysis scores agree with our graded answers (tests/fixtures/answers).

Figures, on the held-out questions (and on all, for reference): pairwise accuracy (for two
answers to one question, is the better one scored higher?), the same on pairs where the worse
answer is at least as long, Spearman correlation with our overall grades, per-dimension
agreement (Spearman and mean absolute error on the 0-4 scale), and a length-only baseline.

Run: .venv/bin/python benchmarks/analysis_accuracy.py [--all] [--embedder lexical]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import calibration as C

from loopcoach.analysis.embeddings import load_embedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import load_library
from loopcoach.domain.analysis import Analysis

TARGET_PAIRWISE = 0.90
TARGET_LONGER_WORSE = 0.85


def analyse_all(items: list[C.Graded], analyzer: Analyzer) -> dict[str, Analysis]:
    return {i.id: analyzer.analyze(i.question, i.text, role=i.role) for i in items}


def report(name: str, items: list[C.Graded], results: dict[str, Analysis]) -> dict[str, float]:
    prs = C.pairs(items)
    scores = {i.id: float(results[i.id].score) for i in items}
    lengths = {i.id: float(C.words(i.text)) for i in items}
    longer_worse = [(b, w) for b, w in prs if C.words(w.text) >= C.words(b.text)]
    fig = {
        "answers": len(items),
        "pairs": len(prs),
        "pairwise": C.pairwise_accuracy(prs, scores),
        "pairwise_longer_worse": C.pairwise_accuracy(longer_worse, scores),
        "longer_worse_pairs": len(longer_worse),
        "spearman": C.spearman([scores[i.id] for i in items], [i.overall for i in items]),
        "baseline_pairwise": C.pairwise_accuracy(prs, lengths),
        "baseline_longer_worse": C.pairwise_accuracy(longer_worse, lengths),
        "baseline_spearman": C.spearman([lengths[i.id] for i in items], [i.overall for i in items]),
    }
    print(f"\n== {name}: {fig['answers']} answers, {fig['pairs']} pairs")
    print(
        f"pairwise accuracy            {fig['pairwise']:.3f}   (target >= {TARGET_PAIRWISE})"
        f"   length-only baseline {fig['baseline_pairwise']:.3f}"
    )
    print(
        f"  where worse is as long+    {fig['pairwise_longer_worse']:.3f}   (target >= "
        f"{TARGET_LONGER_WORSE}, {fig['longer_worse_pairs']} pairs)   baseline "
        f"{fig['baseline_longer_worse']:.3f}"
    )
    print(
        f"Spearman with overall grade  {fig['spearman']:.3f}   baseline "
        f"{fig['baseline_spearman']:.3f}"
    )
    print("per dimension: Spearman / mean abs error (0-4)")
    for d in C.DIMS:
        ours = [results[i.id].dimensions[d].score for i in items]
        theirs = [i.grades[d] for i in items]
        mae = sum(abs(a - b) for a, b in zip(ours, theirs, strict=True)) / len(items)
        print(f"  {d:12} {C.spearman(ours, theirs):6.3f} / {mae:.2f}")
    return fig


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", action="store_true", help="also report the training half")
    ap.add_argument("--embedder", default=os.environ.get("LOOPCOACH_EMBEDDER", "auto"))
    ap.add_argument("--worst", type=int, default=0, help="print the N worst-ranked pairs")
    args = ap.parse_args()
    items = C.load()
    train, test = C.split(items)
    analyzer = Analyzer(load_library(), load_embedder(args.embedder))
    print(f"embedder: {analyzer.embedder.name} (degraded: {analyzer.embedder.degraded})")
    results = analyse_all(items, analyzer)
    report("held-out", test, results)
    if args.all:
        report("training", train, results)
        report("all", items, results)
    if args.worst:
        prs = C.pairs(test if not args.all else items)
        bad = sorted(prs, key=lambda p: results[p[0].id].score - results[p[1].id].score)
        for b, w in bad[: args.worst]:
            print(
                f"  {b.id} ({b.overall}, {results[b.id].score}) vs {w.id} ({w.overall}, "
                f"{results[w.id].score})"
            )


if __name__ == "__main__":
    main()
