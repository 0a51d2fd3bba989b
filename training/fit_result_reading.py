"""Choose how a result is read and what a missing one costs (analysis/scorers/structure.py:
RESULT_P, RESULT_P_PATTERN, RESULT_LATER_ACTIONS; MISSING_RESULT, MISSING_CLOSE) on the
DEVELOPMENT sets benchmarks/dev/, dev2/ and dev3/.

1. The reading. Each question of dev/ and dev2/ has a strong answer and the same answer with its
   result sentences removed (the ``no_result`` variant). For every point of a small grid, the
   script counts the pairs told apart: a result read in the strong answer (a STAR result, or a
   plan's or an explanation's closing result or success check) and none in the variant; and the
   strong answers of all three sets (dev3/ has no variants) in which a result is read. Most pairs
   told apart wins, then most strong answers read; ties go to the highest thresholds (a result must
   be read surely) and then to the fewest later actions allowed.
2. What a missing outcome costs the structure score, with the reading fixed. For every pair of
   costs of a small grid, the overall score of each answer is worked out again from its recorded
   parts (only the structure dimension changes) and the script counts, on the three sets: the
   result-removed pairs scored lower than their strong answer, and the clean look-alike variants
   (a sentence that looks like a flaw and is not one) not scored lower. Allowed are the costs that
   keep the mean imperative gap of dev/ and dev2/ (a plan told as imperative steps against the
   first-person version) within 5 points, or no wider than without costs, and the held-out graded
   fixture pairs (tests/fixtures/answers; calibration.py) within a point of their accuracy without
   costs. The most pairs right wins; ties go to the smallest costs.

benchmarks/dev4/ is a check and chooses nothing; the challenge set is never read.

Run: PYTHONPATH=src .venv/bin/python training/fit_result_reading.py [--check-dev4]
(exit 1 when the shipped constants are not the ones chosen)
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import calibration as C  # noqa: E402
import challenge as CH  # noqa: E402

from loopcoach.analysis import pipeline  # noqa: E402
from loopcoach.analysis.context import AnswerContext  # noqa: E402
from loopcoach.analysis.embeddings import load_embedder  # noqa: E402
from loopcoach.analysis.engine import Analyzer, ScoreParts, final_score  # noqa: E402
from loopcoach.analysis.features import Features  # noqa: E402
from loopcoach.analysis.scorers import structure as S  # noqa: E402
from loopcoach.analysis.weights import overall  # noqa: E402
from loopcoach.content.library import load_library  # noqa: E402

P_MODEL = tuple(round(0.3 + 0.05 * k, 2) for k in range(13))  # 0.30 ... 0.90
P_PATTERN = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4)
LATER = (0, 1, 2, 3, 99)
COSTS = tuple(round(0.25 * k, 2) for k in range(9))  # 0 ... 2 structure points
MAX_IMPERATIVE_GAP = 5.0
FIXTURE_SLACK = 0.01  # the graded fixture pairs may lose at most a point of accuracy

Point = tuple[float, float, int]
Costs = tuple[float, float]
CHOOSING = (("dev", CH.DEV_DIR), ("dev2", CH.DEV2_DIR), ("dev3", CH.DEV3_DIR))


@dataclasses.dataclass(frozen=True)
class Reading:
    """One answer as the engine read and scored it: enough to score it again with other costs."""

    features: Features
    kind: str  # the question kind (which weights apply)
    scores: dict[str, float]
    parts: ScoreParts
    score: int


class _Recorder(Analyzer):
    """The analyzer, keeping what `analyze_rubric` extracted and the parts of its final score."""

    last: list[object]

    def _final(self, parts: ScoreParts) -> tuple[int, list[str]]:
        self.last.append(parts)
        return super()._final(parts)


def _reader(analyzer: _Recorder) -> Callable[[CH.Question, str], Reading]:
    extract = pipeline.extract

    def keep(answer: AnswerContext, clean: AnswerContext, hits: list[object]) -> Features:
        f = extract(answer, clean, hits)  # type: ignore[arg-type]
        analyzer.last.append(f)
        return f

    def read(q: CH.Question, text: str) -> Reading:
        analyzer.last = []
        pipeline.extract = keep  # type: ignore[assignment]
        try:
            if q.in_pack:
                res = analyzer.analyze(q.prompt, text, question_id=q.qid)
            else:
                res = analyzer.analyze(q.prompt, text, role=q.role)
        finally:
            pipeline.extract = extract
        features, parts = analyzer.last
        assert isinstance(features, Features) and isinstance(parts, ScoreParts)
        scores = {k: d.score for k, d in res.dimensions.items()}
        out = Reading(features, features.rubric.kind, scores, parts, res.score)
        shipped = (S.MISSING_RESULT, S.MISSING_CLOSE)
        assert rescore(analyzer, out, shipped) == res.score, "rescoring drifted from the engine"
        return out

    return read


def rescore(analyzer: Analyzer, r: Reading, costs: Costs) -> int:
    """The overall score of a recorded answer with these missing-outcome costs."""
    dim = S.score(r.features.clean, r.features.star_parts, *costs)
    scores = {**r.scores, "structure": dim.score}
    base = overall(r.kind, scores, r.features.answer.word_count, analyzer.weights)
    return final_score(dataclasses.replace(r.parts, base=base), analyzer.judgement)[0]


def has_result(ctx: AnswerContext, point: Point) -> bool:
    p_model, p_pattern, later = point
    if ctx.rubric.framework == "star":
        return bool(S.result_sentences(ctx, p_model, p_pattern, later))
    return S.closing(ctx, p_model, p_pattern) is not None


@dataclasses.dataclass
class DevSet:
    name: str
    strong: list[Reading]
    pairs: list[tuple[str, Reading, Reading]]  # (variant kind, strong, variant)


def read_set(read: Callable[[CH.Question, str], Reading], name: str, directory: Path) -> DevSet:
    """The strong answers (not opinions) and their result-removed, clean look-alike and
    imperative variants."""
    out = DevSet(name, [], [])
    for q in CH.load(directory):
        strong = read(q, q.strong)
        if strong.features.clean.rubric.framework == "opinion":
            continue
        out.strong.append(strong)
        for v in q.variants:
            if v.kind in ("no_result", "clean_twin", "imperative"):
                out.pairs.append((v.kind, strong, read(q, v.text)))
    return out


def reading_figures(sets: list[DevSet], point: Point) -> tuple[int, int, int, int]:
    """(result-removed pairs told apart, pairs, strong answers with a result read, answers)."""
    apart = pairs = kept = n = 0
    for s in sets:
        for r in s.strong:
            n += 1
            kept += has_result(r.features.clean, point)
        for kind, a, b in s.pairs:
            if kind == "no_result":
                pairs += 1
                apart += has_result(a.features.clean, point) and not has_result(
                    b.features.clean, point
                )
    return apart, pairs, kept, n


def cost_figures(
    analyzer: Analyzer, sets: list[DevSet], costs: Costs
) -> tuple[int, int, int, int, float]:
    """(result-removed pairs scored lower, pairs, clean look-alikes not scored lower, look-alikes,
    mean imperative gap)."""
    lower = pairs = kept = twins = 0
    gaps: list[int] = []
    for s in sets:
        for kind, a, b in s.pairs:
            x, y = rescore(analyzer, a, costs), rescore(analyzer, b, costs)
            if kind == "no_result":
                pairs += 1
                lower += x > y
            elif kind == "clean_twin":
                twins += 1
                kept += y >= x
            else:
                gaps.append(abs(x - y))
    return lower, pairs, kept, twins, sum(gaps) / max(1, len(gaps))


def fixture_accuracy(analyzer: Analyzer, graded: list[tuple[C.Graded, Reading]], c: Costs) -> float:
    scores = {g.id: float(rescore(analyzer, r, c)) for g, r in graded}
    return float(C.pairwise_accuracy(C.pairs([g for g, _ in graded]), scores))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check-dev4", action="store_true", help="print dev4's figures (a check)")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    analyzer = _Recorder(load_library(), load_embedder("auto"))
    read = _reader(analyzer)
    sets = [read_set(read, name, d) for name, d in CHOOSING]

    # 1. the reading
    grid = list(itertools.product(P_MODEL, P_PATTERN, LATER))
    scored = [(reading_figures(sets, pt), pt) for pt in grid]
    (apart, pairs, kept, n), point = max(
        scored, key=lambda r: (r[0][0], r[0][2], r[1][0], r[1][1], -r[1][2])
    )
    shipped: Point = (S.RESULT_P, S.RESULT_P_PATTERN, S.RESULT_LATER_ACTIONS)
    print(
        f"reading: RESULT_P {point[0]}, RESULT_P_PATTERN {point[1]}, RESULT_LATER_ACTIONS "
        f"{point[2]}: {apart}/{pairs} result-removed pairs told apart (dev, dev2), a result read "
        f"in {kept}/{n} strong answers (dev, dev2, dev3); shipped {shipped}: "
        f"{reading_figures(sets, shipped)}"
    )
    for s in sets:
        print(
            f"  {s.name}: chosen {reading_figures([s], point)}, shipped "
            f"{reading_figures([s], shipped)}"
        )

    # 2. what a missing outcome costs (with the shipped reading: the engine's)
    graded = [
        (g, read(CH.Question(g.id, g.role, g.kind, False, g.question, g.text, ""), g.text))
        for g in C.load()
        if C.held_out(g)
    ]
    none: Costs = (0.0, 0.0)
    base_fix = fixture_accuracy(analyzer, graded, none)
    base_gap = cost_figures(analyzer, sets, none)[4]
    rows = []
    for costs in itertools.product(COSTS, COSTS):
        lower, npairs, kept_twins, twins, gap = cost_figures(analyzer, sets, costs)
        if gap > max(MAX_IMPERATIVE_GAP, base_gap):
            continue
        fix = fixture_accuracy(analyzer, graded, costs)
        if fix < base_fix - FIXTURE_SLACK:
            continue
        rows.append((lower + kept_twins, costs, lower, npairs, kept_twins, twins, gap, fix))
    best = max(r[0] for r in rows)
    _, costs, lower, npairs, kept_twins, twins, gap, fix = min(
        (r for r in rows if r[0] == best), key=lambda r: (sum(r[1]), r[1][0])
    )
    shipped_costs: Costs = (S.MISSING_RESULT, S.MISSING_CLOSE)
    print(
        f"costs: MISSING_RESULT {costs[0]}, MISSING_CLOSE {costs[1]}: result-removed pairs "
        f"scored lower {lower}/{npairs}, clean look-alikes not lower {kept_twins}/{twins}, "
        f"imperative gap {gap:.2f}, held-out graded fixture pairs {fix:.3f}; without costs "
        f"{cost_figures(analyzer, sets, none)[:4]}, gap {base_gap:.2f}, fixture {base_fix:.3f}"
    )
    for s in sets:
        print(
            f"  {s.name}: chosen {cost_figures(analyzer, [s], costs)}, without "
            f"{cost_figures(analyzer, [s], none)}"
        )
    if args.check_dev4:
        d4 = read_set(read, "dev4", CH.DEV4_DIR)
        print(
            f"check dev4 (chooses nothing): reading {reading_figures([d4], point)}, "
            f"costs {cost_figures(analyzer, [d4], costs)}, without "
            f"{cost_figures(analyzer, [d4], none)}"
        )
    return 0 if point == shipped and costs == shipped_costs else 1


if __name__ == "__main__":
    raise SystemExit(main())
