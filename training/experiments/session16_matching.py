"""Session 16: candidate ranking features for prep matching, judged by leave-one-folder-out
over all ten development résumé folders (see session16-matching.md for the decision rule).

    PYTHONPATH=src .venv/bin/python training/experiments/session16_matching.py [--refresh]

Extracts, for every labelled pack question of resumes-dev..dev10, the shipped signals of every
story plus candidate ones (computed here, not in the product), caches them in
training/.cache/s16-features.json, and prints pooled and per-folder out-of-fold p@1 / p@3 for
each candidate. Never reads benchmarks/resumes/ (held-out).
"""

# ruff: noqa: B023  (the helpers defined in the loop are called within the same iteration)
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "training"))

FOLDERS = tuple(["resumes-dev"] + [f"resumes-dev{i}" for i in range(2, 11)])
CACHE = ROOT / "training" / ".cache" / "s16-features.json"
# the shipped signals in session 15 (the baseline); the candidates below are computed here
SESSION15 = ("points", "outline", "pointers", "cues", "prompt", "about", "situation", "gist")
EXTRA = ("outcome", "sentence", "themes", "comp", "pointmax", "numbers", "length", "title")


def extract() -> dict[str, Any]:
    from prep_matching import same_line

    from loopcoach.analysis.embeddings import load_embedder
    from loopcoach.analysis.text import sentences
    from loopcoach.content.library import load_library
    from loopcoach.domain.stories import clean
    from loopcoach.prep.importers import parse_history
    from loopcoach.prep.matching import Matcher, signals, story_features, tag_themes
    from loopcoach.prep.pack import draft_for

    matcher = Matcher(load_embedder())
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
            themes = tag_themes(matcher, role, stories, features=sfs)
            idf = matcher.role_idf(role)
            qids = [q.id for q in role.questions]
            every = [matcher.question_features(q, idf) for q in role.questions]
            comp_text = {c.id: f"{c.name}. {c.description}" for c in role.competencies}
            outcome = matcher.vectors([clean(s.result) or s.title for s in stories], remember=False)
            titles = matcher.vectors([s.title for s in stories], remember=False)

            def qcomp(q: Any) -> np.ndarray:
                cs = [comp_text[c] for c in q.competencies if c in comp_text]
                if not cs:
                    return np.zeros(matcher.embedder.dim, dtype=np.float32)
                v = matcher.vectors(cs)
                w = np.array([(1.0, 0.7, 0.5, 0.4)[min(k, 3)] for k in range(len(cs))])
                m = (v * w[:, None]).sum(axis=0)
                return m / (np.linalg.norm(m) or 1.0)

            sents = [sentences(s.text) or [s.text] for s in stories]
            svecs = [matcher.vectors(x, remember=False) for x in sents]
            qcomps = {q.id: qcomp(q) for q in role.questions}

            def row(si: int, q: Any, qf: Any) -> list[float]:
                sig = signals(sfs[si], qf)
                pv = qf.prompt_vec
                sv = svecs[si]
                pts = sfs[si].sentences @ qf.points.T
                text = stories[si].text
                extra = {
                    "outcome": float(outcome[si] @ pv),
                    "sentence": float((sv @ pv).max()),
                    "themes": min(2, sum(c in themes[si] for c in q.competencies)) / 2,
                    "comp": float(sfs[si].whole @ qcomps[q.id]),
                    "pointmax": float(pts.max()),
                    "numbers": float(bool(re.search(r"\d", clean(stories[si].result)))),
                    "length": float(np.log1p(len(text.split()))) / 5,
                    "title": float(titles[si] @ pv),
                }
                return [round(sig[k], 6) for k in SESSION15] + [round(extra[k], 6) for k in EXTRA]

            table = [
                [row(si, q, qf) for si in range(len(stories))]
                for q, qf in zip(role.questions, every, strict=True)
            ]
            arr = np.asarray(table)  # (questions, stories, features)
            means = arr.mean(axis=0).round(6).tolist()
            for m in lab["matches"]:
                if m["question_id"] not in qids:
                    continue
                qi = qids.index(m["question_id"])
                good = [m["best"], *m["acceptable"]]
                right = [int(any(same_line(g, s.source) for g in good)) for s in stories]
                best = [int(same_line(m["best"], s.source)) for s in stories]
                if not any(right):
                    continue
                groups.append(
                    {
                        "folder": name,
                        "file": lab["file"],
                        "question": m["question_id"],
                        "x": arr[qi].tolist(),
                        "mean": means,
                        "y": right,
                        "best": best,
                        "titles": [s.title for s in stories],
                    }
                )
        print(f"extracted {name}", flush=True)
    return {"features": list(SESSION15) + list(EXTRA), "groups": groups}


def load(refresh: bool) -> dict[str, Any]:
    if not refresh and CACHE.exists():
        return json.loads(CACHE.read_text("utf-8"))
    data = extract()
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
    return data


class Padded:
    """Groups padded to one array: x (groups, stories, features), mask, y."""

    def __init__(self, groups: list[dict[str, Any]], cols: list[int], centred: list[int]):
        n = max(len(g["y"]) for g in groups)
        d = len(cols) + len(centred)
        self.x = np.zeros((len(groups), n, d))
        self.mask = np.zeros((len(groups), n), dtype=bool)
        self.y = np.zeros((len(groups), n), dtype=bool)
        for i, g in enumerate(groups):
            x = np.asarray(g["x"], dtype=np.float64)
            mu = np.asarray(g["mean"], dtype=np.float64)
            k = len(g["y"])
            self.x[i, :k] = np.hstack([x[:, cols], (x - mu)[:, centred]])
            self.mask[i, :k] = True
            self.y[i, :k] = np.asarray(g["y"], dtype=bool)


def fit(p: Padded, start: np.ndarray, steps: int, rate: float, l2: float) -> np.ndarray:
    w = start.copy()
    for _ in range(steps):
        z = p.x @ w
        z = np.where(p.mask, z, -np.inf)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        pr = e / e.sum(axis=1, keepdims=True)
        q = pr * p.y
        q /= q.sum(axis=1, keepdims=True)
        grad = np.einsum("gn,gnd->d", pr - q, p.x)
        w -= rate * (grad / len(p.x) + l2 * w)
    return w


def hits(p: Padded, w: np.ndarray) -> tuple[int, int]:
    z = np.where(p.mask, p.x @ w, -np.inf)
    h1 = h3 = 0
    for i in range(len(z)):
        order = np.argsort(-z[i], kind="stable")
        h1 += int(p.y[i, order[0]])
        h3 += int(p.y[i, order[:3]].any())
    return h1, h3


def lofo(
    groups: list[dict[str, Any]],
    feats: list[str],
    cols: list[str],
    centred: list[str],
    start: dict[str, float],
    steps: int = 1500,
    rate: float = 0.5,
    l2: float = 0.002,
) -> dict[str, tuple[int, int, int]]:
    ci = [feats.index(c) for c in cols]
    ce = [feats.index(c) for c in centred]
    w0 = np.array([start.get(c, 0.0) for c in cols] + [0.0] * len(ce))
    out = {}
    for name in FOLDERS:
        test = [g for g in groups if g["folder"] == name]
        train = [g for g in groups if g["folder"] != name]
        w = fit(Padded(train, ci, ce), w0, steps, rate, l2)
        h1, h3 = hits(Padded(test, ci, ce), w)
        out[name] = (h1, h3, len(test))
    return out


def show(label: str, res: dict[str, tuple[int, int, int]]) -> None:
    n = sum(v[2] for v in res.values())
    p1 = sum(v[0] for v in res.values()) / n
    p3 = sum(v[1] for v in res.values()) / n
    per = " ".join(f"{v[0] / v[2]:.2f}/{v[1] / v[2]:.2f}" for v in res.values())
    h1 = sum(v[0] for v in res.values())
    h3 = sum(v[1] for v in res.values())
    print(f"{label:<26} pooled {p1:.3f} {p3:.3f} ({h1}/{h3}/{n}) | {per}", flush=True)


def main() -> int:
    from loopcoach.prep.matching import HAND_WEIGHTS

    data = load("--refresh" in sys.argv)
    feats = data["features"]
    groups = data["groups"]
    labelled = _labelled()
    base = list(SESSION15)
    print("folders: " + " ".join(FOLDERS))
    runs: list[tuple[str, list[str], dict[str, Any]]] = [("shipped features", base, {})]
    extras = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--singles" in sys.argv:
        for extra in EXTRA:
            runs.append((f"+{extra}", [*base, extra], {}))
    for combo in extras:  # "outcome+comp" or "l2=0.01" or "outcome+comp,l2=0.01"
        cols, kw = list(base), {}
        for part in combo.split(","):
            if part.startswith("l2="):
                kw["l2"] = float(part[3:])
            elif part.startswith("-"):
                cols = [c for c in cols if c not in part[1:].split("-")]
            else:
                cols += [c for c in part.split("+") if c]
        runs.append((combo, cols, kw))
    for label, cols, kw in runs:
        res = lofo(groups + labelled_as(labelled, feats), feats, cols, cols, HAND_WEIGHTS, **kw)
        show(label, res)
    return 0


def _labelled() -> list[dict[str, Any]]:
    # the session-15 fit's cache (training/.cache/matching-features.json, as fit_matching.py
    # wrote it then): our labelled stories' shipped signals
    old = json.loads((ROOT / "training" / ".cache" / "matching-features.json").read_text("utf-8"))
    return [g for g in old["groups"] if g["folder"] == "labelled"]


def labelled_as(labelled: list[dict[str, Any]], feats: list[str]) -> list[dict[str, Any]]:
    """Our labelled stories (the shipped fit's other direction) with the candidate columns
    zero: they stay in every training fold, as in fit_matching.py --folds."""
    extra = len(feats) - len(labelled[0]["x"][0]) if labelled else 0
    return [
        {
            **g,
            "x": [r + [0.0] * extra for r in g["x"]],
            "mean": [r + [0.0] * extra for r in g["mean"]],
        }
        for g in labelled
    ]


if __name__ == "__main__":
    sys.exit(main())
