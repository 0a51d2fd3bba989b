"""Train the relevance reader: does an answer address the question asked?

MiniLM's raw similarity between an answer and a prompt tracks topic, and a polished answer to
another question of the same role shares most of its topic. So a low-rank adapter learns, from
answers and the questions they were written for, which directions of the answer's vector say
"this answers that": the score of answer centroid c against prompt q is

    s(c, q) = c.q + (c U).(q V)        (U, V: 384 x RANK)

trained so that, among all the training prompts, each training answer scores highest against its
own (softmax cross-entropy, temperature TEMP, L2 on U and V, Adam, seeded). Two features feed a
logistic model: s against the asked prompt, and its margin over the nearest other question the
library knows (as `relevance.features` computes them in the engine). The logistic model and the
threshold come from OUT-OF-FOLD scores (five folds by writer: the adapter trained without a
writer scores that writer's answers under their own question and under four other training
questions), so they see the adapter as it meets new writers; the threshold calls at most
MAX_OFF of those on-topic answers off-topic. The shipped adapter is then trained on all writers.

Data: the answers of training/data (answers-*.json, next/answers-*.json), each with the question
it was written for, by 30 writers; the development writers x, y, z (next/answers-dx, -dy, -dz:
benchmarks/dev's writers) are left out, and no benchmark set is read. Settings (rank 16,
temperature 0.05, L2 0.01, 300 steps, learning rate 0.05, four negatives per answer, weight 4 on
on-topic rows) were fixed before any development figure was seen; see benchmarks/README.md for
the development sets' figures.

Vectors are read on the exact float32 MiniLM path, so the output is the same on any machine with
the same numpy. Writes src/loopcoach/analysis/models/relevance-minilm.json.

Run: .venv/bin/python training/train_relevance.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "loopcoach" / "analysis" / "models" / "relevance-minilm.json"
RANK = 16
TEMP = 0.05
L2 = 1e-2
STEPS = 300
LR = 0.05
NEGATIVES = 4
ON_WEIGHT = 4.0
MAX_OFF = 0.01
FOLDS = 5
DEV_WRITERS = ("dx", "dy", "dz")  # benchmarks/dev's writers: development data, never trained on
SAME_QUESTION = 0.6  # as engine.SAME_QUESTION: a prompt this close asks the same thing


def load_answers() -> list[tuple[str, str, str]]:
    """(writer, question, answer) for every training answer but the development writers'."""
    data = ROOT / "training" / "data"
    paths = sorted(data.glob("answers-*.json")) + sorted((data / "next").glob("answers-*.json"))
    rows = []
    for path in paths:
        writer = path.stem.removeprefix("answers-")
        if writer in DEV_WRITERS:
            continue
        for item in json.loads(path.read_text(encoding="utf-8")):
            rows.append((writer, str(item["question"]), str(item["answer"])))
    return rows


def _unit(v: np.ndarray) -> np.ndarray:
    return v / (float(np.linalg.norm(v)) or 1.0)


def train_adapter(
    centroids: np.ndarray, targets: np.ndarray, prompts: np.ndarray, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """U, V maximising each centroid's softmax probability of its own prompt (Adam, float64)."""
    rng = np.random.default_rng(seed)
    d = centroids.shape[1]
    u = rng.normal(0.0, 0.01, (d, RANK))
    v = rng.normal(0.0, 0.01, (d, RANK))
    state = [np.zeros_like(u), np.zeros_like(u), np.zeros_like(v), np.zeros_like(v)]
    n = len(targets)
    for t in range(1, STEPS + 1):
        s = (centroids @ prompts.T + (centroids @ u) @ (prompts @ v).T) / TEMP
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(n), targets] -= 1.0
        g = p / (n * TEMP)
        grad_u = centroids.T @ (g @ (prompts @ v)) + L2 * u
        grad_v = prompts.T @ (g.T @ (centroids @ u)) + L2 * v
        for k, (grad, x) in enumerate(((grad_u, u), (grad_v, v))):
            m, s2 = state[2 * k], state[2 * k + 1]
            m *= 0.9
            m += 0.1 * grad
            s2 *= 0.999
            s2 += 0.001 * grad * grad
            x -= LR * (m / (1 - 0.9**t)) / (np.sqrt(s2 / (1 - 0.999**t)) + 1e-8)
    return u, v


def features(
    c: np.ndarray, q: np.ndarray, library: np.ndarray, u: np.ndarray, v: np.ndarray
) -> tuple[float, float]:
    """(adapted similarity to the asked prompt, its margin over the nearest library question)."""
    s = float(c @ q + (c @ u) @ (q @ v))
    others = library[library @ q < SAME_QUESTION]
    if len(others) == 0:
        return s, s
    so = others @ c + (others @ v) @ (c @ u)
    return s, s - float(so.max())


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted logistic regression on raw features (gradient descent on standardised ones)."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = (x - mu) / sd
    b = np.zeros(x.shape[1])
    c = 0.0
    for _ in range(3000):
        p = 1.0 / (1.0 + np.exp(-(xs @ b + c)))
        g = (p - y) * w
        b -= 0.5 * (xs.T @ g / len(y) + 1e-3 * b)
        c -= 0.5 * float(g.mean())
    coef = b / sd
    return coef, c - float((b * mu / sd).sum())


def fit(verbose: bool = True) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    from loopcoach.analysis.embeddings import MiniLMEmbedder
    from loopcoach.analysis.text import sentences
    from loopcoach.content.library import load_library

    embedder = MiniLMEmbedder(tail=False, fast=False)
    rows = load_answers()
    questions = sorted({q for _, q, _ in rows})
    prompt_vecs = embedder.embed(questions).astype(np.float64)
    library_prompts = sorted({q.prompt for _, q in load_library().questions()})
    library = embedder.embed(library_prompts).astype(np.float64)
    centroids = np.stack(
        [
            _unit(embedder.embed_answer(sentences(a)).astype(np.float64).mean(axis=0))
            for _, _, a in rows
        ]
    )
    targets = np.array([questions.index(q) for _, q, _ in rows])
    writers = sorted({w for w, _, _ in rows})
    fold = {w: i % FOLDS for i, w in enumerate(writers)}
    rng = np.random.default_rng(1)
    x: list[tuple[float, float]] = []
    y: list[float] = []
    for k in range(FOLDS):
        inside = np.array([fold[w] != k for w, _, _ in rows])
        u, v = train_adapter(centroids[inside], targets[inside], prompt_vecs)
        for i in np.flatnonzero(~inside):
            own = int(targets[i])
            x.append(features(centroids[i], prompt_vecs[own], library, u, v))
            y.append(1.0)
            others = [j for j in rng.permutation(len(questions))[: NEGATIVES + 1] if j != own]
            for j in others[:NEGATIVES]:
                x.append(features(centroids[i], prompt_vecs[j], library, u, v))
                y.append(0.0)
    xa, ya = np.array(x), np.array(y)
    coef, bias = fit_logistic(xa, ya, np.where(ya == 1, ON_WEIGHT, 1.0))
    p = 1.0 / (1.0 + np.exp(-(xa @ coef + bias)))
    on = np.sort(p[ya == 1])
    threshold = float(on[int(MAX_OFF * len(on))])
    caught = float((p[ya == 0] < threshold).mean())
    if verbose:
        print(
            f"{len(rows)} answers by {len(writers)} writers, {len(questions)} questions; "
            f"out of fold: off-topic below {threshold:.4f} calls {MAX_OFF:.0%} of on-topic "
            f"answers off-topic and catches {caught:.3f} of answers under another question"
        )
    u, v = train_adapter(centroids, targets, prompt_vecs)
    return {
        "about": "relevance adapter and logistic model: training/train_relevance.py",
        "rank": RANK,
        "answers": len(rows),
        "writers": len(writers),
        "w_prompt": round(float(coef[0]), 4),
        "w_margin": round(float(coef[1]), 4),
        "bias": round(bias, 4),
        "threshold": round(threshold, 4),
        "out_of_fold_caught": round(caught, 4),
        "u": [[round(float(a), 6) for a in r] for r in u],
        "v": [[round(float(a), 6) for a in r] for r in v],
    }


def to_json(model: dict[str, object]) -> str:
    return json.dumps(model, separators=(",", ":")) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="rebuild and compare with the file")
    args = ap.parse_args()
    text = to_json(fit())
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("in sync" if same else f"{OUT.relative_to(ROOT)} differs from a rebuild")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
