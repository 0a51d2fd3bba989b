"""One story type (`domain.stories.Story`) for the bank, practice, plans and the Anki deck, and
data written by the version that still had two (tests/fixtures/prep/story_v1.json) still loads."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from loopcoach.domain.stories import Story, StoryLengths
from loopcoach.export.anki import story_note
from loopcoach.practice.history import History
from loopcoach.practice.queue import practice_items, story_notes
from loopcoach.prep.history import Entry
from loopcoach.prep.stories import draft_story, story_dict, story_lengths

V1 = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "prep" / "story_v1.json").read_text(encoding="utf-8")
)
DERIVED = ("numbers", "scale", "outcome", "draft", "lengths")


@pytest.fixture
def v1() -> dict[str, Any]:
    return dict(V1["story"])


def test_one_story_type_reads_a_v1_story_dict(v1: dict[str, Any]) -> None:
    s = Story.from_dict(v1)
    assert (s.id, s.ref, s.version, s.origin, s.edited, s.draft) == (
        3,
        "3",
        2,
        "drafted",
        True,
        False,
    )
    assert s.themes == ("execution", "influence")
    assert s.themes_for("tpo") == ("delivery",) and s.themes_for("pm") == s.themes
    assert (s.position, s.company, s.dates) == ("Senior TPM", "Harbourline Freight", v1["dates"])
    assert s.outcome == v1["outcome"]
    # the lengths prep wrote are carried, not worked out again
    assert s.lengths.to_dict() == v1["lengths"]
    assert s.lengths.headline.startswith("At Harbourline Freight, I cut release time")


def test_one_story_type_round_trip_keeps_the_json_contract(v1: dict[str, Any]) -> None:
    again = story_dict(Story.from_dict(v1))
    assert set(again) == set(v1)
    assert {k: v for k, v in again.items() if k not in DERIVED} == {
        k: v for k, v in v1.items() if k not in DERIVED
    }
    assert again["outcome"] == v1["outcome"] and again["draft"] == v1["draft"]


def test_one_story_type_anki_note_of_a_v1_story_is_unchanged(v1: dict[str, Any]) -> None:
    """Same guid and fields as the version with two story types wrote: importing the new deck
    into Anki updates the user's story notes instead of adding copies."""
    note = story_note(Story.from_dict(v1))
    assert note.guid == V1["anki_note"]["guid"]
    assert note.fields == V1["anki_note"]["fields"]
    assert note.tags == V1["anki_note"]["tags"]


def test_one_story_type_practice_reads_the_lengths_and_card_key(v1: dict[str, Any]) -> None:
    s = Story.from_dict(v1)
    assert story_notes(s, "30s") == [v1["lengths"]["headline_30s"]]
    assert story_notes(s, "deep") == v1["lengths"]["deep_dive"]
    bare = Story(id=3, title="t", situation="S.", result="R.")
    assert story_notes(bare, "2min") == ["Situation: S.", "Result: R."]
    [item] = practice_items([], History(stories=(s,)), datetime(2026, 3, 2, tzinfo=UTC))
    # the key a v1 practice history stored its reviews and cards under
    assert (item.key, item.ref, item.kind) == ("s:3", "3", "story")


def test_one_story_type_lengths_follow_the_text() -> None:
    entry = Entry(title="TPM", company="Acme", start="2020", end="Present")
    s = draft_story(1, "Cut costs by 30% across 4 teams by retiring two vendors.", entry)
    told = Story.from_dict(story_dict(s))
    # all but the content key (not in the JSON); lengths are not part of what makes two equal
    assert told == replace(s, key="")
    assert told.lengths == story_lengths(s) and s.lengths == StoryLengths()
    changed = told.with_changes(result="Saved $2M.")
    assert changed.lengths == StoryLengths()  # no stale versions of the old text
    assert "Saved $2M." in story_lengths(changed).headline


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "ledger-alignment"),
        ("id", 0),
        ("id", -3),
        ("id", True),
        ("id", None),
        ("id", "３"),
        pytest.param("id", "9" * 5000, id="id-long-digits"),
        pytest.param("id", 10**5000, id="id-huge-number"),
        ("id", [1]),
        ("version", "two"),
        ("origin", "robot"),
    ],
)
def test_one_story_type_refuses_a_bad_field_by_name(
    v1: dict[str, Any], field: str, value: object
) -> None:
    v1[field] = value
    with pytest.raises(ValueError, match=rf"^{field}: ") as caught:
        Story.from_dict(v1)
    assert len(str(caught.value)) < 200


def test_one_story_type_odd_shapes_give_empty_parts(v1: dict[str, Any]) -> None:
    v1.update(
        id=" 7 ",
        lengths=["not", "an", "object"],
        themes_by_role="tpm",
        themes="influence, , execution",
        title="",
    )
    s = Story.from_dict(v1)
    assert (s.id, s.title, s.lengths, s.themes_by_role) == (7, "7", StoryLengths(), ())
    assert s.themes == ("influence", "execution")
    odd = StoryLengths.from_dict({"headline_30s": None, "two_minute": 5, "deep_dive": "one"})
    assert odd == StoryLengths("", (), ("one",))
    # the older practice shape: a headline of its own, themes as "tags"
    legacy = Story.from_dict({"id": "2", "headline": "H.", "tags": ["a"]})
    assert (legacy.lengths.headline, legacy.themes, legacy.title) == ("H.", ("a",), "2")
