"""Choose how surely a sentence must be read as a result (analysis/scorers/structure.py:
RESULT_P, RESULT_P_PATTERN, RESULT_LATER_ACTIONS) on the DEVELOPMENT set benchmarks/dev/.

Each question of the set has a strong answer and the same answer with its result sentences
removed (the ``no_result`` variant). For every point of a small grid, the script counts the
answers told apart: a result read in the strong answer (a STAR result, or a plan's or an
explanation's closing result or success check) and none in the variant. The best count wins;
ties go to the highest thresholds (a result must be read surely) and then to the fewest later
actions allowed. The figures on benchmarks/dev2/ and the share of benchmarks/dev3/'s strong answers
in which a result is still read are printed as checks; they do not choose. The challenge set is
never read.

Run: PYTHONPATH=src .venv/bin/python training/fit_result_reading.py
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import challenge as CH  # noqa: E402

from loopcoach.analysis.context import AnswerContext  # noqa: E402
from loopcoach.analysis.embeddings import load_embedder  # noqa: E402
from loopcoach.analysis.engine import Analyzer  # noqa: E402
from loopcoach.analysis.scorers import structure as S  # noqa: E402
from loopcoach.content.library import load_library  # noqa: E402

P_MODEL = tuple(round(0.3 + 0.05 * k, 2) for k in range(13))  # 0.30 ... 0.90
P_PATTERN = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4)
LATER = (0, 1, 2, 3, 99)

Point = tuple[float, float, int]


def read_set(
    analyzer: Analyzer, directory: Path
) -> list[tuple[AnswerContext, AnswerContext | None]]:
    """(strong, result removed) answers of a set, each as the engine reads it (without flawed
    sentences)."""
    out: list[tuple[AnswerContext, AnswerContext | None]] = []
    for q in CH.load(directory):
        rubric, _ = analyzer.rubric_for(
            q.prompt, role=q.role, question_id=q.qid if q.in_pack else None
        )
        if rubric.framework == "opinion":
            continue
        strong = analyzer.read(rubric, q.strong)[1]
        v = q.variant("no_result")
        out.append((strong, analyzer.read(rubric, v.text)[1] if v else None))
    return out


def has_result(ctx: AnswerContext, point: Point) -> bool:
    p_model, p_pattern, later = point
    if ctx.rubric.framework == "star":
        return bool(S.result_sentences(ctx, p_model, p_pattern, later))
    return S.closing(ctx, p_model, p_pattern) is not None


def figures(
    rows: list[tuple[AnswerContext, AnswerContext | None]], point: Point
) -> tuple[int, int, int]:
    """(pairs told apart, strong answers with a result read, pairs)."""
    apart = kept = pairs = 0
    for strong, removed in rows:
        found = has_result(strong, point)
        kept += found
        if removed is not None:
            pairs += 1
            apart += found and not has_result(removed, point)
    return apart, kept, pairs


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    analyzer = Analyzer(load_library(), load_embedder("auto"))
    dev = read_set(analyzer, CH.DEV_DIR)
    grid = list(itertools.product(P_MODEL, P_PATTERN, LATER))
    scored = [(figures(dev, pt), pt) for pt in grid]
    best = max(f[0] for f, _ in scored)
    (apart, kept, pairs), point = max(
        ((f, pt) for f, pt in scored if f[0] == best),
        key=lambda r: (r[0][1], r[1][0], r[1][1], -r[1][2]),
    )
    print(
        f"dev: RESULT_P {point[0]}, RESULT_P_PATTERN {point[1]}, RESULT_LATER_ACTIONS "
        f"{point[2]}: {apart}/{pairs} result-removed pairs told apart, a result read in "
        f"{kept}/{len(dev)} strong answers"
    )
    shipped: Point = (S.RESULT_P, S.RESULT_P_PATTERN, S.RESULT_LATER_ACTIONS)
    print(f"shipped {shipped}: dev {figures(dev, shipped)}")
    for name, d in (("dev2", CH.DEV2_DIR), ("dev3", CH.DEV3_DIR)):
        rows = read_set(analyzer, d)
        print(f"check {name}: chosen {figures(rows, point)}, shipped {figures(rows, shipped)}")
    return 0 if point == shipped else 1


if __name__ == "__main__":
    raise SystemExit(main())
