"""Fit the constants of the overall judgement; write src/loopcoach/analysis/models/judgement.json.

Everything comes from TRAINING data only: our graded fixture answers (tests/fixtures/answers) and
the training sentences (training/data). The challenge set is never read here.

- flaw_threshold: the lowest sentence flaw probability at which at most 5% of clean answers get
  a flag: the strong or good fixture answers of the held-out half (not used to train the stance
  model or the flaw tail) and the training answers scored out of fold. With MiniLM the flaw
  probability is the flaw tail's (training/oof-ft.json from train_flaw.py --folds); without
  the model, the lexical probe's (training/oof-lexical.json from train_stance.py). With the flaw
  tail, the training answers' out-of-fold probabilities run far above any other writer's (their
  authors wrote clean look-alikes into the answers on purpose), so the threshold is chosen on the
  DEVELOPMENT set instead: the lowest of 0.50, 0.55, ... 0.95 that flags none of its strong
  answers or clean look-alike sentences and at most 5% of the held-out fixture answers; the
  share of training answers it would flag is printed.
- relevance with MiniLM: the coefficients and threshold of training/train_relevance.py (fitted
  out of fold on the training writers' answers, read through its adapter), copied here; the floor
  and the tangent similarity below are still fitted on raw similarities.
- relevance without MiniLM: a two-feature logistic model (similarity of the answer to the
  prompt, and its margin over the nearest other question) fitted on fixture answers under their
  own question (on topic) and under every other question of the same role (off topic; the
  on-topic case is weighted up to match); its threshold keeps wrongly
  called off-topic answers at or under 2% of the on-topic ones, and so does a floor on the
  similarity itself (an answer about nothing any question asks). ``tangent`` is the highest
  similarity at which at most 2% of the sentences of on-topic good answers count as tangents.
- serious_cap and off_topic_cap: the fixture grades themselves. The highest overall grade our
  graders gave an answer with a severe red flag (red_flags grade <= 1), and the highest they gave
  a weak answer, on the 0-100 scale.
- flaw_penalty: the smallest whole penalty for which adding a detected flawed training sentence
  to a clean fixture answer lowers its score by at least 5 points in every case.
- doubt_threshold and doubt_penalty: a sentence read as clean but with a flaw probability between
  the doubt threshold and the flaw threshold costs up to doubt_penalty points (engine.final_score).
  (Where no choice keeps the mean imperative gap within 5 points, as with the probe alone on the
  three-author development set, where it is 5.2 without the band, the gap is printed and does not
  decide.)
  Chosen on the DEVELOPMENT set (benchmarks/dev/, another brief and other authors; never the
  challenge set): the pair of a small grid that ranks the most strong answers above their variants
  (clean look-alike variants count as right when not scored lower), keeping the mean imperative gap
  within 5 points and the held-out graded fixture pairs within 2 points of their accuracy without
  it; near-ties (within half a point of accuracy) go to the smaller penalty. The
  training answers' out-of-fold probabilities come from authors who wrote to the same brief as the
  rest of the training data and run high, so they cannot choose a threshold for other writers;
  the figures on them are printed for comparison.
- outcome_penalty: an answer that never says what came of the work (``structure.outcome``: the
  STAR result or a plan's closing result or success check, else the stance head's probability that
  a sentence after the opening third states a result) costs up to this many points. Chosen on the
  DEVELOPMENT set with the doubt band fixed, by the same rule: the smallest penalty of the grid
  within half a point of the best share of pairs right, keeping the mean imperative gap within 5
  points and the held-out graded fixture pairs within 2 points of their accuracy without it.

MiniLM answers are read on the exact float32 path on every machine (the int8 path runs only on
CPUs with exact int8 products), so the output is the same wherever the script runs.

Run: .venv/bin/python training/fit_judgement.py [--check]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import calibration as C  # noqa: E402
import challenge as CH  # noqa: E402

from loopcoach.analysis import judgement as J  # noqa: E402
from loopcoach.analysis import relevance as R  # noqa: E402
from loopcoach.analysis import stance  # noqa: E402
from loopcoach.analysis.context import AnswerContext  # noqa: E402
from loopcoach.analysis.embeddings import MiniLMEmbedder, load_embedder  # noqa: E402
from loopcoach.analysis.engine import Analyzer, ScoreParts, final_score  # noqa: E402
from loopcoach.analysis.scorers import red_flags  # noqa: E402
from loopcoach.analysis.stance import FLAWS  # noqa: E402
from loopcoach.analysis.text import sentences  # noqa: E402
from loopcoach.content.library import load_library  # noqa: E402

MODELS = ROOT / "src" / "loopcoach" / "analysis" / "models"
MAX_FALSE_FLAGS = 0.05
# MiniLM with the probe alone (the default), MiniLM with the flaw tail on, and the lexical fallback.
KINDS = ("minilm", "minilm-tail", "lexical")
MAX_FALSE_OFF_TOPIC = 0.02
MAX_TANGENTS = 0.02


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 3000) -> tuple[float, float, float]:
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = (x - mean) / scale
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = _sigmoid(xs @ w + b)
        g = p - y
        w -= 0.5 * (xs.T @ g / len(y) + 1e-3 * w)
        b -= 0.5 * float(g.mean())
    w_raw = w / scale
    b_raw = b - float(w_raw @ mean)
    return float(w_raw[0]), float(w_raw[1]), b_raw


def fit(embedder: str, verbose: bool = True) -> J.Judgement:
    items = C.load()
    # MiniLM answers are read on the exact float32 path whatever the CPU: the int8 path runs
    # only where the CPU has exact int8 products (VNNI), and a fit that read it would differ
    # from machine to machine
    if embedder == "minilm-tail":
        analyzer = Analyzer(load_library(), MiniLMEmbedder(tail=True, fast=False))
        assert analyzer.use_flaw_tail, "the flaw tail is not shipped"
    elif embedder == "minilm":
        analyzer = Analyzer(load_library(), MiniLMEmbedder(tail=False, fast=False))
    else:
        analyzer = Analyzer(load_library(), load_embedder(embedder))
    model = analyzer.stance_model
    clean_held = [
        i for i in items if C.held_out(i) and i.grades["red_flags"] >= 4 and i.overall >= 3
    ]
    answer_vectors = {}
    readings = {}
    for item in items:
        sents = sentences(item.text)
        vecs, readings[item.id] = analyzer._read_answer(sents)
        answer_vectors[item.id] = (sents, vecs)
    # --- flaw thresholds ------------------------------------------------------------------
    # Whole clean answers, each sentence scored by a model that never saw its author: the
    # training answers (out-of-fold probabilities: from train_flaw.py --folds when MiniLM's
    # flaw tail reads the answers, else from train_stance.py) and the held-out half of the
    # fixture answers (never used in training), with the words that look like a flaw.
    tail_on = analyzer.use_flaw_tail
    oof = json.loads((ROOT / "training" / f"oof-{analyzer.embedder_kind}.json").read_text())
    if tail_on:  # the tail's out-of-fold probability, combined with the probe's as the engine does
        ft = json.loads((ROOT / "training" / "oof-ft.json").read_text())
        oof = {
            t: float(stance.combine_flaw(np.float32(oof.get(t, p)), np.float32(p)))
            for t, p in ft.items()
        }
    clean_answers: list[tuple[list[float], set[int]]] = []
    fixture_answers: list[tuple[list[float], set[int]]] = []
    for item in clean_held:
        sents, vecs = answer_vectors[item.id]
        read = stance.read(model, sents, vecs, tail=readings[item.id])
        fixture_answers.append(
            (
                [st.flaw_p for st in read],
                _cue_sentences(analyzer, item.question, item.role, item.text, sents, vecs),
            )
        )
    clean_answers.extend(fixture_answers)
    for path in sorted((ROOT / "training" / "data").glob("answers-*.json")):
        for q in json.loads(path.read_text(encoding="utf-8")):
            sents = sentences(q["answer"])
            if not any(s in oof for s in sents):
                continue  # an answer the model's out-of-fold run did not see (not trained on)
            probs = [oof.get(s, 0.0) for s in sents]
            vecs = analyzer.embedder.embed_answer(sents)
            clean_answers.append(
                (probs, _cue_sentences(analyzer, q["question"], None, q["answer"], sents, vecs))
            )
    grid = [round(0.5 + 0.005 * k, 3) for k in range(100)]

    def flagged(
        t: float, tc: float, pool: list[tuple[list[float], set[int]]] | None = None
    ) -> float:
        return float(
            np.mean(
                [
                    any(p >= t or (i in cues and p >= tc) for i, p in enumerate(ps))
                    for ps, cues in (clean_answers if pool is None else pool)
                ]
            )
        )

    flaw_threshold = next((t for t in grid if flagged(t, t) <= MAX_FALSE_FLAGS), 0.999)
    if tail_on:
        # With the flaw tail, the training answers' out-of-fold probabilities run far higher
        # than any other writer's (their authors wrote clean look-alikes into the answers), so
        # the threshold is chosen on the development set instead: the lowest of a coarse grid
        # that flags none of its strong answers (nor their clean look-alike sentences) and at
        # most 5% of the held-out fixture answers.
        dev_answers = _dev_clean_answers(analyzer)
        coarse = [round(0.5 + 0.05 * k, 2) for k in range(10)]
        flaw_threshold = next(
            (
                t
                for t in coarse
                if flagged(t, t, dev_answers) == 0.0
                and flagged(t, t, fixture_answers) <= MAX_FALSE_FLAGS
            ),
            flaw_threshold,
        )
        if verbose:
            print(
                f"flaw threshold {flaw_threshold} (development set): training answers out of "
                f"fold flagged at it: {flagged(flaw_threshold, flaw_threshold):.3f}"
            )
    cue_threshold = next(
        (
            t
            for t in [round(0.05 * k, 2) for k in range(1, 20)] + grid
            if t <= flaw_threshold and flagged(flaw_threshold, t) <= MAX_FALSE_FLAGS
        ),
        flaw_threshold,
    )
    if verbose:
        print(
            f"flaw threshold {flaw_threshold}, {cue_threshold} when the words match a flaw's "
            f"cues: {flagged(flaw_threshold, cue_threshold):.3f} of {len(clean_answers)} clean "
            "answers (training answers out of fold, held-out fixture answers) flagged"
        )
    # --- relevance -------------------------------------------------------------------------
    files = sorted({i.file for i in items})
    by_file = {f: [i for i in items if i.file == f] for f in files}
    prompts = {f: by_file[f][0].question for f in files}
    roles = {f: by_file[f][0].role for f in files}
    feats, labels, tangent_sims = [], [], []
    for f in files:
        peers = [g for g in files if roles[g] == roles[f] and g != f]
        for item in by_file[f]:
            if item.overall < 2:
                continue
            sents, vecs = answer_vectors[item.id]
            asked = [(prompts[f], 1)] * len(peers) + [(prompts[g], 0) for g in peers]
            for question, label in asked:
                rubric, _ = analyzer.rubric_for(question, role=item.role)
                pv, others, _ = analyzer._question_vectors(rubric)
                raw, _, _, sim, margin = R.features(vecs, pv, others, analyzer.relevance_adapter)
                feats.append((sim, margin, raw))
                labels.append(label)
                if label == 1 and len(vecs) >= 4:
                    c = vecs.mean(axis=0)
                    c /= float(np.linalg.norm(c)) or 1.0
                    tangent_sims += list(
                        zip((vecs @ pv).tolist(), (vecs @ c).tolist(), strict=True)
                    )
    x = np.array(feats)
    y = np.array(labels, dtype=float)
    adapter = analyzer.relevance_adapter
    if adapter is not None:
        # With MiniLM the adapter's own logistic model and threshold, fitted out of fold on the
        # training writers' answers (training/train_relevance.py): many more writers than these
        # graded answers, and scored by an adapter that never saw them
        w_prompt, w_margin, bias = adapter.w_prompt, adapter.w_margin, adapter.bias
        threshold = adapter.threshold
    else:
        w_prompt, w_margin, bias = fit_logistic(x[:, :2], y)
    p = _sigmoid(x[:, :2] @ np.array([w_prompt, w_margin]) + bias)
    if adapter is None:
        on = np.sort(p[y == 1])
        threshold = float(min(0.5, on[math.floor(MAX_FALSE_OFF_TOPIC * len(on))]))
        threshold = math.floor(threshold * 1000) / 1000
    floor = float(np.floor(np.quantile(x[y == 1, 2], MAX_FALSE_OFF_TOPIC) * 1000) / 1000)
    caught = float(np.mean((p[y == 0] < threshold) | (x[y == 0, 2] < floor)))
    t_grid = [round(0.3 - 0.01 * k, 2) for k in range(31)]
    tangent = next(
        (
            t
            for t in t_grid
            if np.mean([a < t and b < t + 0.15 for a, b in tangent_sims]) <= MAX_TANGENTS
        ),
        0.0,
    )
    if verbose:
        print(
            f"relevance: p = sigmoid({w_prompt:.2f} sim + {w_margin:.2f} margin + {bias:.2f}); "
            f"off-topic below {threshold} or similarity under {floor}:\n  catches "
            f"{caught:.3f} of {int((y == 0).sum())} misplaced answers; tangent similarity "
            f"{tangent}"
        )
    # --- caps from the graders -------------------------------------------------------------
    severe = [i.overall for i in items if i.grades["red_flags"] <= 1]
    weak = [i.overall for i in items if "weak" in i.traits]
    serious_cap = round(25 * max(severe)) if severe else 50
    off_topic_cap = round(25 * max(weak)) if weak else 25
    if verbose:
        print(
            f"caps: serious flaw {serious_cap} (highest grade of {len(severe)} answers with a "
            f"severe red flag), off-topic {off_topic_cap} (highest of {len(weak)} weak answers)"
        )
    draft = J.Judgement(
        flaw_threshold,
        cue_threshold,
        0.0,
        100,
        off_topic_cap,
        R.RelevanceModel(
            round(w_prompt, 4), round(w_margin, 4), round(bias, 4), threshold, tangent, floor
        ),
    )
    # --- flaw penalty ----------------------------------------------------------------------
    analyzer.judgement = draft
    flawed = [r["text"] for r in _training_flaws()]
    drops = []
    for k, item in enumerate(clean_held):
        base = analyzer.analyze(item.question, item.text, role=item.role)
        sents = sentences(item.text)
        for j in range(3):
            s = flawed[(7 * k + 13 * j) % len(flawed)]
            text = " ".join([*sents[: len(sents) // 2], s, *sents[len(sents) // 2 :]])
            res = analyzer.analyze(item.question, text, role=item.role)
            if any(
                h.how == "stance" and h.evidence is not None and h.evidence.sentence == s
                for h in res.red_flags
            ):
                drops.append(base.score - res.score)
    penalty = next((float(v) for v in range(0, 31) if all(d + v >= 5 for d in drops)), 30.0)
    if verbose:
        print(f"flaw penalty {penalty}: from {len(drops)} detected insertions into clean answers")
    fitted = dataclasses.replace(draft, flaw_penalty=penalty, serious_cap=serious_cap)
    return _fit_doubt(analyzer, fitted, [i for i in items if C.held_out(i)], verbose)


class _Recording(Analyzer):
    """An analyzer that keeps the parts of each overall score, so that the judgement's constants
    can be tried on them without analysing again."""

    parts: list[ScoreParts]

    def _final(self, parts: ScoreParts) -> tuple[int, list[str]]:
        self.parts.append(parts)
        return super()._final(parts)


DOUBT_GRID = (0.3, 0.35, 0.4, 0.45, 0.5)
DOUBT_PENALTIES = tuple(range(0, 17, 2))
OUTCOME_PENALTIES = tuple(range(0, 17, 2))
MAX_IMPERATIVE_GAP = 5.0  # points, mean over the development set's imperative rewrites


def _fit_doubt(
    analyzer: Analyzer, jm: J.Judgement, graded: list[C.Graded], verbose: bool
) -> J.Judgement:
    rec = _Recording(analyzer.library, analyzer.embedder, judgement=analyzer.judgement)
    rec.stance_model = analyzer.stance_model
    rec.judgement = dataclasses.replace(jm, doubt_threshold=0.0, doubt_penalty=0.0)
    rec.parts = []

    def parts(q: CH.Question, text: str) -> ScoreParts:
        rec.parts.clear()
        if q.in_pack:
            rec.analyze(q.prompt, text, question_id=q.qid)
        else:
            rec.analyze(q.prompt, text, role=q.role)
        return rec.parts[0]

    cases: list[tuple[str, ScoreParts, ScoreParts]] = []
    for q in CH.load(CH.DEV_DIR):
        strong = parts(q, q.strong)
        cases += [(v.kind, strong, parts(q, v.text)) for v in q.variants]

    fixture: dict[str, ScoreParts] = {}
    for item in graded:
        rec.parts.clear()
        rec.analyze(item.question, item.text, role=item.role)
        fixture[item.id] = rec.parts[0]
    fixture_pairs = C.pairs(graded)

    def judge(t: float, k: float) -> tuple[float, float, float]:
        j = dataclasses.replace(jm, doubt_threshold=t, doubt_penalty=k)
        right, gaps = [], []
        for kind, s, v in cases:
            a, b = final_score(s, j)[0], final_score(v, j)[0]
            if kind == "imperative":
                gaps.append(abs(a - b))
            else:
                right.append(a <= b if kind == "clean_twin" else a > b)
        scores = {i: float(final_score(p, j)[0]) for i, p in fixture.items()}
        return (
            float(np.mean(right)),
            float(np.mean(gaps)) if gaps else 0.0,
            C.pairwise_accuracy(fixture_pairs, scores),
        )

    off = judge(1.0, 0.0)
    tried = [(t, float(k), *judge(t, float(k))) for t in DOUBT_GRID for k in DOUBT_PENALTIES]
    # the imperative gap within 5 points; where no choice keeps it there (it is already wider
    # without the band), the gap is reported but does not decide
    kept = [row for row in tried if row[4] >= off[2] - 0.02]
    allowed = [row for row in kept if row[3] <= MAX_IMPERATIVE_GAP] or kept
    best = max(row[2] for row in allowed)
    t, k, acc, gap, pairs = min(
        (row for row in allowed if row[2] >= best - 0.005), key=lambda row: (row[1], -row[0])
    )
    if verbose:
        print(
            f"doubt: threshold {t}, penalty {k}: development-set pairs right {acc:.3f} "
            f"(without: {off[0]:.3f}), imperative gap {gap:.1f} (without: {off[1]:.1f}); "
            f"{len(cases)} variants of {len(CH.load(CH.DEV_DIR))} questions; held-out graded "
            f"fixture pairs {pairs:.3f} (without: {off[2]:.3f})"
        )
    jm = dataclasses.replace(jm, doubt_threshold=t, doubt_penalty=k)

    # --- outcome penalty: an answer that never says what came of the work ------------------
    # The same rule on the same recorded parts, with the doubt band fixed: the smallest penalty
    # of the grid within half a point of the best development-set accuracy, keeping the mean
    # imperative gap within 5 points and the graded fixture pairs within 2 points of it without.
    def judge_outcome(o: float) -> tuple[float, float, float, float]:
        j = dataclasses.replace(jm, outcome_penalty=o)
        right, no_result, gaps = [], [], []
        for kind, s, v in cases:
            a, b = final_score(s, j)[0], final_score(v, j)[0]
            if kind == "imperative":
                gaps.append(abs(a - b))
                continue
            right.append(a <= b if kind == "clean_twin" else a > b)
            if kind == "no_result":
                no_result.append(a > b)
        scores = {i: float(final_score(p, j)[0]) for i, p in fixture.items()}
        return (
            float(np.mean(right)),
            float(np.mean(no_result)) if no_result else 0.0,
            float(np.mean(gaps)) if gaps else 0.0,
            C.pairwise_accuracy(fixture_pairs, scores),
        )

    none = judge_outcome(0.0)
    rows = [(float(o), *judge_outcome(float(o))) for o in OUTCOME_PENALTIES]
    kept = [r for r in rows if r[4] >= none[3] - 0.02]
    fine = [r for r in kept if r[3] <= MAX_IMPERATIVE_GAP] or kept
    top = max(r[1] for r in fine)
    o, acc, no_res, gap, pairs = min((r for r in fine if r[1] >= top - 0.005), key=lambda r: r[0])
    if verbose:
        print(
            f"outcome penalty {o}: development-set pairs right {acc:.3f} (without: "
            f"{none[0]:.3f}), result removed {no_res:.3f} (without: {none[1]:.3f}), imperative "
            f"gap {gap:.1f}; held-out graded fixture pairs {pairs:.3f} (without: {none[3]:.3f})"
        )
    return dataclasses.replace(jm, outcome_penalty=o)


def _dev_clean_answers(analyzer: Analyzer) -> list[tuple[list[float], set[int]]]:
    """The development set's strong answers, and each clean look-alike sentence on its own:
    each sentence's flaw probability, and the sentences whose words match a flaw's cues."""
    out: list[tuple[list[float], set[int]]] = []
    for q in CH.load(CH.DEV_DIR):
        texts = [q.strong] + [
            s for v in q.variants if v.kind == "clean_twin" for s in v.flaw_sentences
        ]
        for text in texts:
            sents = sentences(text)
            if not sents:
                continue
            vecs, tail = analyzer._read_answer(sents)
            read = stance.read(analyzer.stance_model, sents, vecs, tail=tail)
            cues = _cue_sentences(analyzer, q.prompt, q.role, text, sents, vecs)
            out.append(([st.flaw_p for st in read], cues))
    return out


def _cue_sentences(
    analyzer: Analyzer,
    question: str,
    role: str | None,
    text: str,
    sents: list[str],
    vecs: np.ndarray,
) -> set[int]:
    rubric, _ = analyzer.rubric_for(question, role=role)
    ctx = AnswerContext.build(rubric, text, vecs, sents)
    return set(red_flags.cue_flaws(ctx))


def _training_flaws() -> list[dict[str, str]]:
    rows = []
    for path in sorted((ROOT / "training" / "data").glob("stance-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["label"] in FLAWS and row["label"] in ("blame", "deferral", "integrity"):
                    rows.append(row)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--only", choices=KINDS)
    args = ap.parse_args()
    stale = []
    for kind in KINDS:
        if args.only and kind != args.only:
            continue
        print(f"== {kind}")
        text = fit(kind).to_json()
        out = MODELS / J.file_for(kind)
        if args.check:
            if not out.exists() or out.read_text(encoding="utf-8") != text:
                stale.append(out.name)
            continue
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run training/fit_judgement.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
