"""Issue 12, item 6, played through whole sessions: a skipped question never decides the
recommendation on its own, and each scorecard row quotes evidence about its own dimension."""

from __future__ import annotations

from pathlib import Path

import yaml
from mock_driver import Driver

from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import Library
from loopcoach.interview import session as S
from loopcoach.interview.debrief import (
    RECOMMENDATIONS,
    Debrief,
    build_debrief,
    dimension_stems,
    point_relevance,
)

LOOP = yaml.safe_load(
    (Path(__file__).parents[1] / "fixtures" / "mock" / "tpm-loop.yaml").read_text("utf-8")
)


def play(
    driver: Driver, last: str, stages: tuple[str, ...] = ("recruiter-screen",), seed: int = 5
) -> Debrief:
    """Answers every question of the stages from the scripted loop (follow-ups by trigger); the
    last question is answered, skipped or the session ended there (`last`)."""
    state = driver.start(stages=list(stages), seed=seed)
    planned = sum(len(ids) for _, ids in state.plan)
    while state.status == "awaiting-answer":
        turn = state.current
        assert turn is not None
        is_last = turn.parent is None and turn.key == f"q{planned}"
        if is_last and last == "skip":
            driver.log += S.skip(state, now=driver.clock())
            state = driver.settle()
        elif is_last and last == "end":
            driver.log += S.end(state, now=driver.clock())
            state = driver.state
        elif turn.parent is None:
            state = driver.answer(str(LOOP["questions"][turn.question_id]["answer"]))
        else:
            state = driver.answer(str(LOOP["follow_up_answers"][turn.trigger]))
    return build_debrief(driver.state, driver.library.role("tpm"))


def test_a_skip_only_rules_out_strong_hire(library: Library, analyzer: Analyzer) -> None:
    memo: dict[tuple[object, ...], object] = {}
    ended = play(Driver(library, analyzer, memo=memo), "end")
    skipped = play(Driver(library, analyzer, memo=memo), "skip")
    assert skipped.counts["questions_skipped"] == 1 and ended.counts["questions_skipped"] == 0
    # the skip counts in no mean and no scorecard row ...
    assert skipped.recommendation.mean_score == ended.recommendation.mean_score
    assert [(r.id, r.level, r.mean_score) for r in skipped.scorecard] == [
        (r.id, r.level, r.mean_score) for r in ended.scorecard
    ]
    # ... and on its own only rules out strong hire
    rank = RECOMMENDATIONS.index
    expected = ended.recommendation.label
    assert expected is not None
    if rank(expected) > rank("hire"):
        expected = "hire"
    assert skipped.recommendation.label == expected


def test_each_scorecard_row_quotes_points_about_itself(
    library: Library, analyzer: Analyzer
) -> None:
    """The whole scripted TPM loop: a row quotes, from each of its answers, the point made that is
    most about that row (it shares the row's words), so rows over the same answers quote
    different sentences, not the same first point everywhere."""
    role = library.role("tpm")
    driver = Driver(library, analyzer)
    debrief = play(driver, "answer", tuple(s.id for s in role.stages), seed=7)
    state = driver.state
    dims = {d.id: d for d in role.dimensions}
    rows = [r for r in debrief.scorecard if r.level is not None]
    assert len(rows) >= 4
    for row in rows:
        stems = dimension_stems(dims[row.id], role)
        points = [q for q in row.evidence if q.note.startswith("makes the point: ")]
        assert points, row.id
        for quote in points:
            final = state.final_analysis(quote.key)
            assert final is not None
            label = quote.note.removeprefix("makes the point: ")
            made = [p for p in final.analysis["points_made"] if p["label"] == label]
            assert made and point_relevance(made[0], stems) > 0, (row.id, label)
    firsts = [tuple(q.text for q in r.evidence) for r in rows]
    assert len(set(firsts)) == len(firsts), firsts
