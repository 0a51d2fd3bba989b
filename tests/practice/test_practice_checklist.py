"""Day-of checklist and calibration sheet: Markdown built from the pack and the user's data."""

from __future__ import annotations

import pytest

from loopcoach.content.library import RolePack
from loopcoach.domain.practice import Attempt
from loopcoach.domain.stories import Story
from loopcoach.errors import LoopcoachError
from loopcoach.practice.checklist import calibration_sheet, day_of_checklist, strongest_stories
from loopcoach.practice.history import History


def test_practice_checklist_lists_pack_items_and_questions_by_stage(tpm: RolePack) -> None:
    md = day_of_checklist(tpm)
    assert md.startswith("# Day-of checklist: Technical Program Manager")
    for item in tpm.checklist:
        assert f"- [ ] {item}" in md
    for stage in tpm.stages:
        asks = [a for a in tpm.ask_interviewer if not a.stages or stage.id in a.stages]
        if asks:
            assert f"### {stage.name}" in md
    assert "What programs are currently stuck and why?" in md
    assert "______" in md  # no pitch yet: a frame to fill


def test_practice_checklist_stages_narrow_the_interviewers(tpm: RolePack) -> None:
    md = day_of_checklist(tpm, stages=["execution"])
    assert md.count("\n### ") == 1 and "### Execution" in md
    with pytest.raises(LoopcoachError, match="unknown stage"):
        day_of_checklist(tpm, stages=["lunch"])


def test_practice_checklist_uses_the_pitch_or_drafts_one(
    tpm: RolePack, stories: list[Story]
) -> None:
    md = day_of_checklist(tpm, history=History(stories=tuple(stories), pitch="My own pitch."))
    assert "My own pitch." in md and "## Story headlines" in md
    drafted = day_of_checklist(tpm, history=History(stories=tuple(stories)))
    assert "A draft from your stories" in drafted
    assert "Proof: Payments and ledger teams agree on one event format" in drafted


def test_practice_calibration_without_history_is_a_frame(tpm: RolePack) -> None:
    md = calibration_sheet(tpm)
    for heading in (
        "## Three examples I want to use",
        "## Two risks I expect to be tested on",
        "## My ambiguity story",
        "## My level story",
    ):
        assert heading in md
    assert md.count("______ (a story that shows") == 3
    assert "not practised yet" in md
    assert "`tpm-decision-incomplete-information`" in md


def test_practice_calibration_from_stories_and_attempts(
    tpm: RolePack, stories: list[Story], attempts: list[Attempt]
) -> None:
    md = calibration_sheet(
        tpm, history=History(tuple(attempts), tuple(stories)), level="senior-tpm"
    )
    examples = md.split("## Three examples")[1].split("##")[0]
    assert examples.count("**") == 6  # three named stories
    assert "1. **Handling ambiguity**: your answers average 40/100 over 2 attempts" in md
    assert "**A pricing test with no spec and a fixed date**" in md.split("ambiguity story")[1]
    assert "Target level **Senior Technical Program Manager**" in md
    with pytest.raises(LoopcoachError, match="unknown level"):
        calibration_sheet(tpm, level="ceo")


def test_practice_strongest_stories_cover_most_themes(tpm: RolePack, stories: list[Story]) -> None:
    best = strongest_stories(tpm, stories, 3)
    # two themes first; then one new theme each, a result with a number breaking the tie
    assert [s.id for s in best] == [1, 2, 3]
