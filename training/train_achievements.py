"""Fit the achievement/duty line classifier; write src/loopcoach/prep/models/achievements.json.

Training data: every work-history line of the labelled development résumés
(benchmarks/resumes-dev, resumes-dev2, resumes-dev3, resumes-dev5 ... resumes-dev8; never
benchmarks/resumes/, the held-out set) and of our own labelled layout fixtures
(tests/fixtures/resumes/layouts and the bullets of tests/prep/test_layouts_property.py, and the
labelled lines of the rules' unit tests in tests/prep/test_achievements.py). A line is an
achievement when it is one of its résumé's labelled achievements (matched as the benchmark
matches a story to a label: `same_line`), else not one (a labelled duty, or any other line,
which the benchmark counts against precision when it becomes a story).

Features of a line (`loopcoach.prep.line_model.features`): its MiniLM sentence embedding (the
exact path prep uses for story text) and the rule signals of `achievements.classify` (the rules'
own decision, an action, a change, a number that moved, a size, a remit opening, ...).

Model: L2-regularised logistic regression by full-batch gradient descent from zero, a fixed
number of steps (no randomness), coefficients rounded to 4 places: the file is reproduced
byte for byte from the same data.

    .venv/bin/python training/train_achievements.py            # write the model
    .venv/bin/python training/train_achievements.py --check    # exit 1 if the file is stale
    .venv/bin/python training/train_achievements.py --folds    # leave one folder out
    .venv/bin/python training/train_achievements.py --folds --pipeline  # ... through prep
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
MODEL = ROOT / "src" / "loopcoach" / "prep" / "models" / "achievements.json"
if TYPE_CHECKING:
    from loopcoach.prep.line_model import Rules

DEV_FOLDERS = (
    "resumes-dev",
    "resumes-dev2",
    "resumes-dev3",
    "resumes-dev5",
    "resumes-dev6",
    "resumes-dev7",
    "resumes-dev8",
)
LAYOUTS = ROOT / "tests" / "fixtures" / "resumes" / "layouts"

STEPS = 3000
RATE = 0.5
L2 = 0.01  # per-example penalty on the weights (not the bias)


@dataclass(frozen=True)
class Line:
    group: str  # the folder it comes from
    source: str  # the résumé file
    text: str
    label: bool


def _history_lines(history: object) -> list[str]:
    h = history  # a WorkHistory
    return [
        b.text
        for b in h.bullets  # type: ignore[attr-defined]
        if h.entries[b.entry].kind != "project"  # type: ignore[attr-defined]
    ]


def dev_lines(folder: str) -> list[Line]:
    from prep_matching import same_line

    from loopcoach.prep.importers import parse_history

    out: list[Line] = []
    base = ROOT / "benchmarks" / folder
    for lf in sorted(base.glob("*.labels.json")):
        lab = json.loads(lf.read_text(encoding="utf-8"))
        path = base / lab["file"]
        history = parse_history(path.read_bytes(), path.name)
        for text in _history_lines(history):
            label = any(same_line(a, text) for a in lab["achievements"])
            out.append(Line(folder, lab["file"], text, label))
    return out


def layout_lines() -> list[Line]:
    from loopcoach.prep.importers import parse_history

    labels = yaml.safe_load((LAYOUTS / "labels.yaml").read_text(encoding="utf-8"))
    out: list[Line] = []
    for name, lab in sorted(labels.items()):
        if lab.get("docx"):
            continue  # built by its test with python-docx; its lines are in the spec
        history = parse_history((LAYOUTS / name).read_bytes(), name)
        for text in _history_lines(history):
            label = any(a["text"] in text for a in lab["achievements"])
            out.append(Line("layouts", name, text, label))
    return out


def property_lines() -> list[Line]:
    """The outcome and duty bullets of tests/prep/test_layouts_property.py (our own words)."""
    sys.path.insert(0, str(ROOT))
    from tests.prep.test_layouts_property import DUTIES, OUTCOMES

    return [
        Line("layouts", "test_layouts_property.py", t, t in OUTCOMES) for t in OUTCOMES + DUTIES
    ]


# Tests of tests/prep/test_achievements.py whose parametrized lines are all one kind, and the
# result appended to a remit in the tests that show a remit turning into an achievement.
ACHIEVEMENT_TESTS = {
    "test_achievements_found_whatever_the_verb": True,
    "test_achievements_duties_are_not_stories": False,
    "test_achievements_routine_ceremonies_are_duties_however_sized": False,
    "test_achievements_passive_openings_with_a_result_are_achievements": True,
    "test_achievements_passive_openings_without_a_result_stay_duties": False,
    "test_achievements_a_sized_remit_is_a_duty_until_it_says_what_changed": False,
    "test_achievements_found_after_a_scene_setting_clause_or_a_decision": True,
    "test_achievements_rhythms_and_coordination_sized_are_duties": False,
    "test_achievements_owning_or_attending_is_a_remit_until_something_changed": None,
}
CHANGED = {
    "test_achievements_routine_ceremonies_are_duties_however_sized": (
        ", cutting planning time by 40%."
    ),
    "test_achievements_a_sized_remit_is_a_duty_until_it_says_what_changed": (
        "; on-time releases rose from 60% to 90%."
    ),
    "test_achievements_rhythms_and_coordination_sized_are_duties": (
        "; late releases fell from 7 a quarter to 1."
    ),
}


def unit_test_lines() -> list[Line]:
    """The labelled lines of the rules' unit tests (tests/prep/test_achievements.py)."""
    sys.path.insert(0, str(ROOT))
    import tests.prep.test_achievements as T

    out: list[Line] = []
    for name, label in ACHIEVEMENT_TESTS.items():
        params = next(m for m in getattr(T, name).pytestmark if m.name == "parametrize")
        for row in params.args[1]:
            text, yes = (row[0], row[1] == "achievement") if label is None else (row, label)
            out.append(Line("layouts", "test_achievements.py", text, yes))
            if name in CHANGED:
                changed = text.rstrip(".") + CHANGED[name]
                out.append(Line("layouts", "test_achievements.py", changed, True))
    return out


def all_lines() -> list[Line]:
    dev = [line for f in DEV_FOLDERS for line in dev_lines(f)]
    return dev + layout_lines() + property_lines() + unit_test_lines()


# The rules each folder is read with: as they were before anyone fitted them on it (the first
# run on a folder is the rules on unseen text, which is what they meet at run time). The
# layout fixtures came before every version, which were all written against them.
RULES_FOR = {
    "resumes-dev": "before_dev",
    "resumes-dev2": "before_dev2",
    "resumes-dev3": "before_dev3",
    "resumes-dev5": "before_dev5",
    "resumes-dev6": "before_dev6",
    "resumes-dev7": "before_dev7",
    "resumes-dev8": "before_dev8",
}


def rules_of(group: str) -> Rules:
    if group not in RULES_FOR:
        from loopcoach.prep.achievements import classify

        return classify
    path = ROOT / "training" / "rules_history" / f"{RULES_FOR[group]}.py"
    spec = importlib.util.spec_from_file_location(f"rules_{RULES_FOR[group]}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod.classify  # type: ignore[no-any-return]


def design(lines: Sequence[Line]) -> np.ndarray:
    from loopcoach.analysis.embeddings import load_embedder
    from loopcoach.prep.line_model import features

    embedder = load_embedder("minilm-exact")
    x = np.zeros((len(lines), 0))
    rows = []
    for group in dict.fromkeys(ln.group for ln in lines):
        idx = [i for i, ln in enumerate(lines) if ln.group == group]
        texts = [lines[i].text for i in idx]
        rows.append((idx, features(texts, embedder.embed(texts), rules_of(group))))
    x = np.zeros((len(lines), rows[0][1].shape[1]))
    for idx, part in rows:
        x[idx] = part
    return x


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and bias; classes weighted to balance."""
    n, d = x.shape
    pos = float(y.sum())
    weight = np.where(y > 0, n / (2 * pos), n / (2 * (n - pos)))
    w = np.zeros(d)
    b = 0.0
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = weight * (p - y)
        w -= RATE * (x.T @ g / n + L2 * w)
        b -= RATE * float(g.mean())
    return w, b


def fit(lines: Sequence[Line], x: np.ndarray) -> dict[str, object]:
    from loopcoach.prep.line_model import FEATURE_NAMES

    y = np.array([ln.label for ln in lines], dtype=float)
    w, b = fit_logistic(x, y)
    return {
        "about": "achievement/duty line classifier: training/train_achievements.py",
        "features": list(FEATURE_NAMES),
        "embedding_dim": int(x.shape[1] - len(FEATURE_NAMES)),
        "weights": [round(float(v), 4) for v in w],
        "bias": round(b, 4),
        "threshold": 0.5,
        "lines": len(lines),
        "achievements": int(y.sum()),
        "groups": sorted({ln.group for ln in lines}),
    }


def to_json(model: dict[str, object]) -> str:
    return json.dumps(model, sort_keys=True) + "\n"


def _figures(pred: np.ndarray, y: np.ndarray) -> str:
    tp = int((pred & y).sum())
    return (
        f"recall {tp / max(1, y.sum()):.2f} ({tp}/{int(y.sum())})  "
        f"precision {tp / max(1, pred.sum()):.2f} ({tp}/{int(pred.sum())})"
    )


def folds(lines: Sequence[Line], x: np.ndarray) -> None:
    """Leave one dev folder out (train on the other two and the layouts, test on it): line-level
    recall and precision of achievements for the rules as they were before the folder was seen,
    the classifier on the embedding alone, and the classifier on embedding and rule signals.
    The current rules (fitted on all three folders) are printed for reference only."""
    from loopcoach.prep.achievements import classify
    from loopcoach.prep.line_model import FEATURE_NAMES, AchievementModel

    y = np.array([ln.label for ln in lines])
    n_rules = FEATURE_NAMES.index("first_person")
    variants = {
        "classifier": np.arange(n_rules, x.shape[1]),  # embedding and generic signals
        "combined": np.arange(x.shape[1]),
    }
    for held in DEV_FOLDERS:
        test = np.array([ln.group == held for ln in lines])
        yt = y[test]
        rules = x[test, FEATURE_NAMES.index("rules_achievement")] > 0
        print(f"{held:<13} {'rules':<11} {_figures(rules, yt)}")
        for name, cols in variants.items():
            w, b = fit_logistic(x[~test][:, cols], y[~test].astype(float))
            model = AchievementModel(w, b, 0.5, 0)
            pred = model.probabilities(x[test][:, cols]) >= 0.5
            print(f"{held:<13} {name:<11} {_figures(pred, yt)}")
            if name == "classifier":
                print(f"{held:<13} {'rules or it':<11} {_figures(pred | rules, yt)}")
                print(f"{held:<13} {'rules and it':<11} {_figures(pred & rules, yt)}")
        now = np.array([classify(ln.text).achievement for ln in lines])[test]
        print(f"{held:<13} {'(rules now)':<11} {_figures(now, yt)}  fitted on it, not evidence")


def pipeline_folds(lines: Sequence[Line], x: np.ndarray) -> None:
    """The same folds through the whole prep pipeline (`benchmarks/prep_matching.py`'s figures:
    stories after de-duplication and projects, then matching), the held folder's lines read with
    the rules as they were before it was seen; the pack's line reading is swapped per variant."""
    from prep_matching import evaluate_resumes

    from loopcoach.analysis.embeddings import load_embedder
    from loopcoach.content.library import load_library
    from loopcoach.prep import pack
    from loopcoach.prep.line_model import AchievementModel, features
    from loopcoach.prep.matching import Matcher
    from loopcoach.prep.stories import achievement_lines

    y = np.array([ln.label for ln in lines], dtype=float)
    matcher = Matcher(load_embedder("minilm-exact"))
    library = load_library()
    original = pack.read_lines
    try:
        for held in DEV_FOLDERS:
            test = np.array([ln.group == held for ln in lines])
            w, b = fit_logistic(x[~test], y[~test])
            model = AchievementModel(w, b, 0.5, int(x.shape[1] - w.shape[0]))
            old = rules_of(held)

            def learned(
                history: object, m: object, model: AchievementModel = model, old: Rules = old
            ) -> object:
                def decide(texts: Sequence[str]) -> list[bool]:
                    f = features(texts, matcher.vectors(list(texts)), old)
                    return [bool(p >= 0.5) for p in model.probabilities(f)]

                return achievement_lines(history, decide)  # type: ignore[arg-type]

            def rules(history: object, m: object, old: Rules = old) -> object:
                h = history
                return frozenset(
                    bl.id
                    for bl in h.bullets  # type: ignore[attr-defined]
                    if h.entries[bl.entry].kind != "project"  # type: ignore[attr-defined]
                    and old(bl.text).achievement
                )

            for name, read in (("rules", rules), ("combined", learned)):
                pack.read_lines = read  # type: ignore[assignment]
                rows = evaluate_resumes(matcher, library, ROOT / "benchmarks" / held)

                def total(k: str, rows: list[dict[str, object]] = rows) -> int:
                    return sum(int(r[k]) for r in rows)  # type: ignore[call-overload]

                print(
                    f"{held:<13} {name:<9} recall {total('found') / total('ach'):.2f} "
                    f"({total('found')}/{total('ach')})  precision "
                    f"{total('true_stories') / total('stories'):.2f} "
                    f"({total('true_stories')}/{total('stories')})  "
                    f"pack p@1 {total('p1') / total('q'):.2f} p@3 {total('p3') / total('q'):.2f}  "
                    f"match p@1 {total('m1') / total('q'):.2f} p@3 {total('m3') / total('q'):.2f}",
                    flush=True,
                )
    finally:
        pack.read_lines = original


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--folds", action="store_true")
    ap.add_argument("--pipeline", action="store_true", help="with --folds: the whole pipeline")
    args = ap.parse_args()
    lines = all_lines()
    x = design(lines)
    if args.folds:
        (pipeline_folds if args.pipeline else folds)(lines, x)
        return 0
    text = to_json(fit(lines, x))
    if args.check:
        ok = MODEL.exists() and MODEL.read_text(encoding="utf-8") == text
        print("in sync" if ok else f"{MODEL} is stale: run training/train_achievements.py")
        return 0 if ok else 1
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    MODEL.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL} ({len(lines)} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
