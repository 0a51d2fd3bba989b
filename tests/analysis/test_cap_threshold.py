"""Naming apart from capping: a serious flaw caps the score only when a sentence carries it surely
(``Judgement.cap_threshold``); read less surely it is named, costs the flaw penalty and the report
says it was not capped. A cap threshold of 0 keeps the old rule (every serious flaw caps)."""

from __future__ import annotations

import dataclasses

from loopcoach.analysis import judgement as J
from loopcoach.analysis.engine import Analyzer, ScoreParts, final_score
from loopcoach.analysis.relevance import Relevance

ON_TOPIC = Relevance(
    similarity=0.6, margin=0.2, nearest_other="", probability=0.9, off_topic=False, tangents=()
)
JM = dataclasses.replace(J.load("minilm"), serious_cap=50, flaw_penalty=4.0, outcome_penalty=0.0)


def test_a_sure_serious_flaw_caps() -> None:
    parts = ScoreParts(80, frozenset({"blame"}), ON_TOPIC, sure=frozenset({"blame"}))
    score, limits = final_score(parts, JM)
    assert score == 50
    assert limits[0].startswith("capped at 50")


def test_an_unsure_serious_flaw_is_named_costs_points_and_does_not_cap() -> None:
    parts = ScoreParts(80, frozenset({"blame"}), ON_TOPIC, sure=frozenset())
    score, limits = final_score(parts, JM)
    assert score == 76
    assert not any(lim.startswith("capped") for lim in limits)
    assert any(lim.startswith("not capped") and "fault on others" in lim for lim in limits)


def test_without_a_sure_reading_every_serious_flaw_caps_as_before() -> None:
    parts = ScoreParts(80, frozenset({"deferral"}), ON_TOPIC)
    assert final_score(parts, JM)[0] == 50


def test_a_sure_reading_never_scores_higher_than_an_unsure_one() -> None:
    for base in range(0, 101, 5):
        for flaw in ("blame", "deferral", "integrity", "heroics"):
            unsure = ScoreParts(base, frozenset({flaw}), ON_TOPIC, sure=frozenset())
            sure = dataclasses.replace(unsure, sure=frozenset({flaw}))
            assert final_score(sure, JM)[0] <= final_score(unsure, JM)[0]


def test_the_cap_threshold_is_written_only_when_set() -> None:
    jm = J.load("minilm")
    assert "cap_threshold" not in jm.to_json() or jm.cap_threshold > 0
    with_cap = dataclasses.replace(jm, cap_threshold=0.97)
    assert J.Judgement.from_dict(J.json.loads(with_cap.to_json())).cap_threshold == 0.97


HIDDEN = (
    "When the payments team told me their API would be three weeks late, I rebuilt the plan the "
    "same day. I moved the reporting work forward so the team kept shipping, and I told the "
    "sponsors the new date with the two options we had. Honestly, I kept the slip from the "
    "sponsors for a month and reported the project as green. We launched two weeks after the "
    "original date and conversion rose 4%."
)


def test_the_engine_caps_only_above_the_cap_threshold(analyzer: Analyzer) -> None:
    q = "An engineering team tells you its deliverable will slip by three weeks. What do you do?"
    base = analyzer.judgement
    try:
        analyzer.judgement = dataclasses.replace(base, cap_threshold=0.0)
        capping = analyzer.analyze(q, HIDDEN, role="tpm")
        analyzer.judgement = dataclasses.replace(base, cap_threshold=1.0)
        naming = analyzer.analyze(q, HIDDEN, role="tpm")
    finally:
        analyzer.judgement = base
    # the same flags are named either way; only the sure reading caps
    assert [h.id for h in capping.red_flags] == [h.id for h in naming.red_flags]
    assert any(lim.startswith("capped") for lim in capping.limits)
    assert not any(lim.startswith("capped") for lim in naming.limits)
    assert any(lim.startswith("not capped") for lim in naming.limits)
    assert naming.score >= capping.score
