"""Drafting STAR stories from bullets, their three lengths, and user edits."""

from __future__ import annotations

import pytest

from loopcoach.domain.stories import PLACEHOLDER, Story
from loopcoach.errors import LoopcoachError
from loopcoach.prep.history import Entry
from loopcoach.prep.stories import (
    StoryInput,
    draft_story,
    edit_story,
    new_story,
    split_bullet,
    story_dict,
    story_numbers,
)

ENTRY = Entry(title="Senior TPM", company="Harbourline Freight", start="Mar 2021", end="Present")


@pytest.mark.parametrize(
    ("bullet", "action", "result"),
    [
        (
            "Led the move of 140 services to Kubernetes, coordinating nine teams; hosting costs "
            "fell 31%.",
            "Led the move of 140 services to Kubernetes, coordinating nine teams",
            "Hosting costs fell 31%",
        ),
        (
            "Set up a weekly dependency review, cutting blocker age from 11 days to 3.",
            "Set up a weekly dependency review",
            "That cut blocker age from 11 days to 3",
        ),
        (
            "Set up a test lab, which caught 14 critical defects before release.",
            "Set up a test lab",
            "That caught 14 critical defects before release",
        ),
        (
            "Split the rewrite into 6 slices, so the first slice went live in 7 weeks.",
            "Split the rewrite into 6 slices",
            "The first slice went live in 7 weeks",
        ),
        (
            "Led the response to a firmware fault; every unit was patched within 36 hours.",
            "Led the response to a firmware fault",
            "Every unit was patched within 36 hours",
        ),
        (
            "Ran the sunset of the quoting engine, retiring 3 servers and saving £180k a year.",
            "Ran the sunset of the quoting engine",
            "That retired 3 servers and saved £180k a year",
        ),
        (
            "Ran a pricing test across 5 markets that lifted basket size by 6%.",
            "Ran a pricing test across 5 markets",
            "That lifted basket size by 6%",
        ),
        (
            "Generated release notes for 40 repos, freeing a day per release.",
            "Generated release notes for 40 repos",
            "That freed a day per release",
        ),
        (
            "Cut onboarding from 21 days to 4 by automating document checks.",
            "Cut onboarding from 21 days to 4 by automating document checks",
            "Cut onboarding from 21 days to 4",
        ),
        (
            "Coached 8 analysts; two of them were promoted within a year.",
            "Coached 8 analysts",
            "Two of them were promoted within a year",
        ),
        (
            "Led the move of 40 services; the program spanned 4 countries.",
            "Led the move of 40 services; the program spanned 4 countries",
            "",
        ),
        (
            "Wrote the launch checklist for the mobile app.",
            "Wrote the launch checklist for the mobile app",
            "",
        ),
    ],
)
def test_stories_split_bullet(bullet: str, action: str, result: str) -> None:
    assert split_bullet(bullet) == (action, result)


def test_stories_draft_uses_only_the_bullet_and_marks_gaps() -> None:
    text = "Led the move of 140 services to Kubernetes, coordinating nine teams; costs fell 31%."
    s = draft_story(1, text, ENTRY)
    assert s.draft and s.origin == "drafted" and s.source == text
    assert s.situation.startswith("I was Senior TPM at Harbourline Freight (Mar 2021 – Present).")
    assert s.action.startswith("I led the move of 140 services")
    assert s.result == "Costs fell 31%."
    assert PLACEHOLDER.search(s.task) and PLACEHOLDER.search(s.situation)
    assert "140 services" in story_numbers(s) and "31%" in story_numbers(s)
    assert "[add" not in s.text  # matching never sees the prompts


def test_stories_three_lengths() -> None:
    s = draft_story(
        1,
        "Cut release time from 3 weeks to 4 days by introducing feature flags across 6 teams.",
        ENTRY,
    )
    d = story_dict(s)["lengths"]
    assert d["headline_30s"].startswith("At Harbourline Freight, I cut release time")
    assert len(d["headline_30s"].split()) <= 80
    assert [x.split(":")[0] for x in d["two_minute"]] == ["Situation", "Task", "Action", "Result"]
    outline = " ".join(d["deep_dive"])
    for part in ("Objective", "Teams and dependencies", "Biggest risks", "what you would change"):
        assert part in outline


def test_stories_edit_makes_it_yours_and_bumps_the_version() -> None:
    s = draft_story(3, "Ran the quarterly planning for 4 squads.", ENTRY)
    e = edit_story(
        s,
        StoryInput(result="Missed milestones fell from 9 to 2.", themes=("execution", "Metrics")),
        now="2026-01-02T10:00:00",
    )
    assert e.id == 3 and e.version == 2 and e.edited and not e.draft
    assert e.result == "Missed milestones fell from 9 to 2."
    assert e.themes == ("execution", "metrics")
    assert e.action == s.action


@pytest.mark.parametrize(
    ("inp", "code"),
    [
        (StoryInput(), "story-no-change"),
        (StoryInput(themes=("not a theme!",)), "story-theme"),
        (StoryInput(title="   "), "story-title"),
    ],
)
def test_stories_edit_errors(inp: StoryInput, code: str) -> None:
    with pytest.raises(LoopcoachError) as err:
        edit_story(Story(id=1, title="x"), inp, now="2026-01-01")
    assert err.value.code == code


def test_stories_new_story_needs_a_title() -> None:
    with pytest.raises(LoopcoachError):
        new_story(StoryInput(action="I did it"), now="2026-01-01")
    s = new_story(StoryInput(title="Launch rescue", action="I re-cut scope."), now="2026-01-01")
    assert s.origin == "user" and not s.draft


def test_stories_sentence_opening_with_its_circumstances() -> None:
    text = (
        "When the delivery partner failed at peak, I reprioritised two sprints to ship "
        "click-and-collect, which kept 9,000 weekly orders."
    )
    s = draft_story(1, text, ENTRY)
    assert "When the delivery partner failed at peak." in s.situation
    assert s.action.startswith("I reprioritised two sprints")
    assert s.result == "That kept 9,000 weekly orders."
    assert s.title.startswith("Reprioritised two sprints")
