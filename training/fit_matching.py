"""Fit how prep weighs its matching signals; write src/loopcoach/prep/models/matching.json.

Training data: our labelled stories (tests/fixtures/prep/labelled_matches.yaml: for one story,
which of the role's questions it answers) and the labelled development résumés
(benchmarks/resumes-dev, resumes-dev2 ... resumes-dev5; not resumes-dev6 or resumes-dev7, see
FOLDERS; never benchmarks/resumes/, the held-out set). Each résumé is read as `loopcoach prep`
reads it (`pack.draft_for`: its stories), and for every labelled question each story's
matching signals are computed (`matching.signals`: by meaning, the story's situation and
outcome against the question's prompt and the competencies it tests, its sentences against the
talking points, and the word signals). The labelled best story and the
acceptable ones are the right answers for that question.

Model: a linear score over the signals, fitted as a listwise ranking (for each question, the
softmax over its résumé's stories should put its mass on the right ones), L2-regularised
towards zero, by full-batch gradient descent from the hand-set weights, a fixed number of steps
(no randomness); weights rounded to 3 places, so the file is rebuilt byte for byte from the same
data. The 0-100 scale is set so the new raw scores agree with the old hand-set ones in least
squares over all pairs (a story GOOD under the old scale is about as GOOD under the new one).

    .venv/bin/python training/fit_matching.py            # write the model
    .venv/bin/python training/fit_matching.py --check    # exit 1 if the file is stale
    .venv/bin/python training/fit_matching.py --folds    # leave one folder out (p@1, p@3)

Features are cached in training/.cache/matching-features.json (not committed; `--refresh`
recomputes them; the cache records a hash of the folders' files and is recomputed when they
change).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

# resumes-dev6 is left out on purpose: with it in, resumes-dev2 lost one pack first place of 21
# and resumes-dev3 two `stories match` first places of 82, while resumes-dev6 gained only pack
# p@3 0.95 -> 0.97 (p@1 0.83 either way); left out, its matching figures stay out of sample
# resumes-dev7 (session 11) is left out too, so that its matching figures are out of sample
FOLDERS = (
    "resumes-dev",
    "resumes-dev2",
    "resumes-dev3",
    "resumes-dev4",
    "resumes-dev5",
)
OUT = ROOT / "src" / "loopcoach" / "prep" / "models" / "matching.json"
LABELLED = ROOT / "tests" / "fixtures" / "prep" / "labelled_matches.yaml"
CACHE = ROOT / "training" / ".cache" / "matching-features.json"
STEPS = 1500
RATE = 0.5
L2 = 0.002


def _hash() -> str:
    h = hashlib.sha256()
    for name in FOLDERS:
        for lf in sorted((ROOT / "benchmarks" / name).glob("*.labels.json")):
            h.update(lf.name.encode())
            h.update(lf.read_bytes())
            h.update((lf.parent / json.loads(lf.read_text("utf-8"))["file"]).read_bytes())
    h.update(LABELLED.read_bytes())
    return h.hexdigest()


def extract() -> dict[str, Any]:
    """Per folder, per labelled question: the signals of every story and which are right."""
    from prep_matching import same_line

    from loopcoach.analysis.embeddings import load_embedder
    from loopcoach.content.library import load_library
    from loopcoach.prep.importers import parse_history
    from loopcoach.prep.matching import FEATURES, Matcher, signals, story_features
    from loopcoach.prep.pack import draft_for

    embedder = load_embedder()
    if embedder.degraded:
        raise SystemExit("fit_matching: the embedding model is not available")
    matcher = Matcher(embedder)
    library = load_library()
    groups: list[dict[str, Any]] = []
    for name in FOLDERS:
        folder = ROOT / "benchmarks" / name
        for lf in sorted(folder.glob("*.labels.json")):
            lab = json.loads(lf.read_text(encoding="utf-8"))
            role = library.role(lab["role"])
            path = folder / lab["file"]
            history = parse_history(path.read_bytes(), path.name)
            _, stories = draft_for(history, role, matcher)
            if not stories:
                continue
            sfs = story_features(matcher, stories)
            idf = matcher.role_idf(role)
            qids = [q.id for q in role.questions]
            every = [matcher.question_features(q, idf) for q in role.questions]
            # each story's signals averaged over all the role's questions
            means = [
                [round(float(np.mean([signals(sf, qf)[k] for qf in every])), 6) for k in FEATURES]
                for sf in sfs
            ]
            for m in lab["matches"]:
                if m["question_id"] not in qids:
                    continue
                q = role.questions[qids.index(m["question_id"])]
                qf = matcher.question_features(q, idf)
                good = [m["best"], *m["acceptable"]]
                rows = [[round(signals(sf, qf)[k], 6) for k in FEATURES] for sf in sfs]
                right = [int(any(same_line(g, s.source) for g in good)) for s in stories]
                if not any(right):
                    continue
                groups.append(
                    {
                        "folder": name,
                        "file": lab["file"],
                        "question": q.id,
                        "x": rows,
                        "mean": means,
                        "y": right,
                    }
                )
    # our labelled stories (tests/fixtures/prep/labelled_matches.yaml): the other direction,
    # every question of the role ranked for one story (`prep_matching.py` without --resumes)
    import yaml

    from loopcoach.domain.stories import Story

    items = yaml.safe_load(LABELLED.read_text("utf-8"))["stories"]
    for item in items:
        role = library.role(str(item["role"]))
        story = Story(id=1, title=str(item["title"]), action=" ".join(str(item["text"]).split()))
        sf = story_features(matcher, [story])[0]
        idf = matcher.role_idf(role)
        sig = [signals(sf, matcher.question_features(q, idf)) for q in role.questions]
        rows = [[round(x[k], 6) for k in FEATURES] for x in sig]
        mean = [round(float(np.mean([x[k] for x in sig])), 6) for k in FEATURES]
        groups.append(
            {
                "folder": "labelled",
                "file": str(item["id"]),
                "question": "",
                "x": rows,
                "mean": [mean] * len(rows),
                "y": [int(q.id in item["answers"]) for q in role.questions],
            }
        )
    return {"hash": _hash(), "features": list(FEATURES), "groups": groups}


def load(refresh: bool) -> dict[str, Any]:
    from loopcoach.prep.matching import FEATURES

    if not refresh and CACHE.exists():
        data = json.loads(CACHE.read_text("utf-8"))
        if data["hash"] == _hash() and data["features"] == list(FEATURES):
            return data
    data = extract()
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
    return data


def design(g: dict[str, Any]) -> np.ndarray:
    """A question's rows: each story's signals, then the same less the story's average over
    the role's questions (how much more this question suits the story than most do)."""
    x = np.asarray(g["x"], dtype=np.float64)
    return np.hstack([x, x - np.asarray(g["mean"], dtype=np.float64)])


def fit(groups: list[dict[str, Any]], start: np.ndarray) -> np.ndarray:
    xs = [design(g) for g in groups]
    ys = [np.asarray(g["y"], dtype=bool) for g in groups]
    w = start.astype(np.float64).copy()
    for _ in range(STEPS):
        grad = np.zeros_like(w)
        for x, y in zip(xs, ys, strict=True):
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            pr = p * y
            pr /= pr.sum()
            grad += p @ x - pr @ x  # d/dw of -log(mass on the right stories)
        w -= RATE * (grad / len(xs) + L2 * w)
    return w


def precision(groups: list[dict[str, Any]], w: np.ndarray) -> tuple[float, float, int]:
    h1 = h3 = 0
    for g in groups:
        z = design(g) @ w
        order = np.argsort(-z, kind="stable")
        y = g["y"]
        h1 += y[int(order[0])]
        h3 += any(y[int(i)] for i in order[:3])
    n = len(groups)
    return h1 / n, h3 / n, n


def scale(groups: list[dict[str, Any]], w: np.ndarray, old: np.ndarray) -> tuple[float, float]:
    """FLOOR and CEIL of the new raw score: the old scale's, moved through the least-squares
    line from new raw scores to old ones."""
    from loopcoach.prep.matching import SCALE

    x = np.vstack([design(g) for g in groups])
    new, before = x @ w, x @ old
    a, b = np.polyfit(new, before, 1)
    lo, hi = SCALE["minilm"]
    return (lo - b) / a, (hi - b) / a


def main() -> int:
    from loopcoach.prep.matching import FEATURES, HAND_WEIGHTS

    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--folds", action="store_true")
    ap.add_argument("--refresh", action="store_true")
    args = ap.parse_args()
    data = load(args.refresh)
    groups = data["groups"]
    hand = [HAND_WEIGHTS.get(k, 0.0) for k in FEATURES]
    old = np.array(hand + [0.0] * len(FEATURES))
    if args.folds:
        print(
            f"{'folder':<14} {'n':>4}  hand p@1 p@3   in-sample p@1 p@3   left out p@1 p@3",
            flush=True,
        )
        w_all = fit(groups, old)
        for name in FOLDERS:
            test = [g for g in groups if g["folder"] == name]
            train = [g for g in groups if g["folder"] != name]  # our labelled stories stay
            w = fit(train, old)
            h = precision(test, old)
            i = precision(test, w_all)
            o = precision(test, w)
            print(
                f"{name:<14} {h[2]:>4}  {h[0]:.2f} {h[1]:.2f}        {i[0]:.2f} {i[1]:.2f}"
                f"            {o[0]:.2f} {o[1]:.2f}",
                flush=True,
            )
        labelled = [g for g in groups if g["folder"] == "labelled"]
        h, i = precision(labelled, old), precision(labelled, w_all)
        print(f"{'labelled':<14} {h[2]:>4}  {h[0]:.2f} {h[1]:.2f}        {i[0]:.2f} {i[1]:.2f}")
        return 0
    w = fit(groups, old)
    lo, hi = scale(groups, w, old)
    n = len(FEATURES)
    model = {
        "features": list(FEATURES),
        "weights": [round(float(v), 3) for v in w[:n]],
        "centred": [round(float(v), 3) for v in w[n:]],
        "scale": [round(float(lo), 3), round(float(hi), 3)],
        "trained_on": list(FOLDERS),
        "questions": len(groups),
    }
    text = json.dumps(model, indent=1) + "\n"
    if args.check:
        same = OUT.exists() and OUT.read_text("utf-8") == text
        print("up to date" if same else f"stale: {OUT}")
        return 0 if same else 1
    OUT.write_text(text, "utf-8")
    p1, p3, nq = precision(groups, np.asarray(model["weights"] + model["centred"]))
    print(f"wrote {OUT.relative_to(ROOT)}: in-sample p@1 {p1:.2f} p@3 {p3:.2f} on {nq} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
