"""The fitted matching model (prep/models/matching.json): what it is about ranks a story, a
story's score does not depend on the other stories, and the why line names what ranked it."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest
from tests.prep.resumes import load_resume

from loopcoach.content.library import Library
from loopcoach.domain.stories import Story
from loopcoach.prep.matching import (
    FEATURES,
    Matcher,
    MatchModel,
    fitted,
    match_question,
    match_stories,
)

README_QUESTION = "You're managing a platform migration across three time zones"


def _shipped() -> dict[str, object]:
    text = resources.files("loopcoach.prep").joinpath("models", "matching.json")
    return dict(json.loads(text.read_text("utf-8")))


def test_model_file_matches_the_code() -> None:
    d = _shipped()
    assert d["features"] == list(FEATURES)
    model = fitted()
    assert model.scale[1] > model.scale[0]
    # a story's match grows with what it is about and the talking points it covers
    assert model.weights["about"] + model.centred["about"] > 0
    assert model.weights["points"] + model.centred["points"] > 0


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"features": ["points"]}, "features are not this code's"),
        ({"weights": [1.0]}, "weights do not match"),
        ({"centred": []}, "weights do not match"),
        ({"scale": [1.0, 1.0]}, "scale is empty"),
    ],
)
def test_model_file_that_does_not_fit_is_refused(change: dict[str, object], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        MatchModel.from_dict({**_shipped(), **change})


def test_drivers_name_what_lifts_the_match() -> None:
    model = MatchModel({k: 1.0 for k in FEATURES}, {k: 1.0 for k in FEATURES}, (0.0, 1.0))
    usual = {k: 0.3 for k in FEATURES}
    about = {**usual, "about": 0.7, "gist": 0.6}
    assert model.drivers(about, usual)[0] == "subject"
    words = {**usual, "cues": 0.9, "prompt": 0.8, "about": 0.31}
    assert model.drivers(words, usual) == ["words", "subject"]
    assert model.drivers(usual, usual) and len(model.drivers(usual, usual)) == 1


def _drafts(library: Library, matcher: Matcher) -> list[Story]:
    from loopcoach.prep.pack import draft_for

    _, drafts = draft_for(load_resume("tpm.md"), library.role("tpm"), matcher)
    return drafts


def test_readme_platform_migration_question_ranks_the_140_services_story_first(
    library: Library, matcher: Matcher
) -> None:
    stories = _drafts(library, matcher)
    found = match_question(matcher, README_QUESTION, stories, role=library.role("tpm"))
    assert found[0]["story"]["title"].startswith("Led the move of 140 services"), [
        (f["story"]["title"], f["score"]) for f in found[:3]
    ]
    assert "migration" in found[0]["why"]


def test_pack_migration_question_ranks_the_140_services_story_first(
    library: Library, matcher: Matcher
) -> None:
    role = library.role("tpm")
    stories = _drafts(library, matcher)
    table = match_stories(matcher, role, stories)
    qm = next(q for q in table.per_question if q.question.id == "tpm-monolith-to-services-risks")
    first = next(s for s in stories if s.id == qm.matches[0].story)
    assert first.title.startswith("Led the move of 140 services"), first.title
    assert qm.matches[0].why.startswith("It covers '") and "it ranks here for" in qm.matches[0].why


UNRELATED = [
    Story(
        id=901,
        title="Ran the office charity bake sale",
        action="I organised the office charity bake sale with twelve volunteers.",
        result="We raised 2,400 euros for the food bank.",
    ),
    Story(
        id=902,
        title="Migrated the team wiki",
        action="I moved our team wiki from Confluence to Notion over a weekend.",
        result="Search time fell by half.",
    ),
]


def test_a_storys_score_does_not_change_when_other_stories_are_added(
    library: Library, matcher: Matcher
) -> None:
    role = library.role("tpm")
    stories = _drafts(library, matcher)[:4]
    alone = match_stories(matcher, role, stories)
    more = match_stories(matcher, role, [*stories, *UNRELATED])
    assert (alone.scores == more.scores[:, : len(stories)]).all()
    assert (alone.meaning == more.meaning[:, : len(stories)]).all()
    one = match_stories(matcher, role, stories[1:2])
    assert (one.scores[:, 0] == alone.scores[:, 1]).all()


def test_themes_come_from_the_hand_weights_not_the_learned_lift(
    library: Library, matcher: Matcher
) -> None:
    """The learned weights rank stories for a question; a story's themes still name what it
    is about: the move of 140 services is program structuring, not incident response."""
    from loopcoach.prep.matching import tag_themes

    role = library.role("tpm")
    stories = _drafts(library, matcher)
    themes = dict(zip((s.title for s in stories), tag_themes(matcher, role, stories), strict=True))
    move = next(t for title, t in themes.items() if title.startswith("Led the move of 140"))
    assert "program-structuring" in move and "incident-response" not in move, move
    hand = match_stories(matcher, role, stories, model=matcher.hand_model)
    learned = match_stories(matcher, role, stories)
    assert not np.array_equal(hand.scores, learned.scores)  # two models, not one
