"""Fit the overall-score weights on the TRAINING half of our graded answers and print them.

The weights are non-negative (a better dimension never lowers the score) and found by projected
gradient descent on squared error against our overall grades (0-4). Paste the printed dict into
src/loopcoach/analysis/weights.py; benchmarks/analysis_accuracy.py checks them on the held-out half.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import calibration as C

from loopcoach.analysis.embeddings import load_embedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import load_library


def nnls(x: np.ndarray, y: np.ndarray, steps: int = 20000, lr: float = 0.01) -> np.ndarray:
    w = np.full(x.shape[1], 1.0 / x.shape[1])
    for _ in range(steps):
        grad = x.T @ (x @ w - y) / len(y)
        w = np.maximum(0.0, w - lr * grad)
    return w


def main() -> None:
    train, _ = C.split(C.load())
    analyzer = Analyzer(load_library(), load_embedder())
    rows, ys = [], []
    for item in train:
        a = analyzer.analyze(item.question, item.text, role=item.role)
        rows.append([a.dimensions[d].score for d in C.DIMS])
        ys.append(item.overall)
    x, y = np.array(rows), np.array(ys)
    w = nnls(x, y)
    pred = x @ w
    print(
        f"training answers: {len(y)}; RMSE {np.sqrt(np.mean((pred - y) ** 2)):.3f}; "
        f"Spearman {C.spearman(list(pred), list(y)):.3f}"
    )
    scale = w.sum()
    print("weights (sum-normalised, relative):")
    print({d: round(float(v / scale * 6), 3) for d, v in zip(C.DIMS, w, strict=True)})
    print(f"raw sum {scale:.3f} (a mean of dimension scores times this predicts the grade)")


if __name__ == "__main__":
    main()
