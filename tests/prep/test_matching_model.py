"""The fitted matching model (prep/models/matching.json): what it is about ranks a story, a
story's score does not depend on the other stories, and the why line names what ranked it."""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

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
    # a question testing what the story shows (its themes), more than most questions do
    shows = {**usual, "themes": 1.0}
    assert model.drivers(shows, usual)[0] == "themes"
    from loopcoach.prep.matching import _why

    line = _why(("x",), {"x": "Influence"}, "Point", (), ["themes"])
    assert "ranks here for the competencies it shows" in line and "shows Influence" in line


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


# --- the fit (training/fit_matching.py) --------------------------------------------------------

ROOT = Path(__file__).parents[2]


def _fit_script() -> Any:
    sys.path.insert(0, str(ROOT / "training"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import fit_matching

    return fit_matching


def test_the_shipped_model_is_what_fit_matching_fits() -> None:
    """`training/fit_matching.py --check` in process: fitting the stored signals
    (training/data/matching/features.json.gz) gives the shipped file byte for byte, and the
    stored signals are those of the labelled résumés as they are now."""
    fm = _fit_script()
    data = fm.load()
    assert data["hash"] == fm._hash(), "training/data/matching is stale: run fit_matching --refresh"
    start = time.perf_counter()
    text = fm.run(data)
    assert text == resources.files("loopcoach.prep").joinpath("models", "matching.json").read_text(
        "utf-8"
    ), "src/loopcoach/prep/models/matching.json is stale: run training/fit_matching.py"
    assert time.perf_counter() - start < 20
    assert json.loads(text)["trained_on"] == list(fm.FOLDERS)
    assert {g["folder"] for g in data["groups"]} == {*fm.FOLDERS, "labelled"}


# Slow (CI): reads one labelled résumé folder again with MiniLM.
@pytest.mark.slow
def test_the_stored_signals_are_read_as_prep_reads_them() -> None:
    """The other half of `--check`: the stored signals of one folder (resumes-dev2, the
    smallest) are what `draft_for` and `signals` give now (within 1e-3)."""
    fm = _fit_script()
    stored = [g for g in fm.load()["groups"] if g["folder"] == "resumes-dev2"]
    now = fm.extract(("resumes-dev2",), ours=False)["groups"]
    assert [(g["file"], g["question"], g["y"]) for g in now] == [
        (g["file"], g["question"], g["y"]) for g in stored
    ]
    for a, b in zip(now, stored, strict=True):
        assert np.allclose(a["x"], b["x"], atol=1e-3) and np.allclose(
            a["mean"], b["mean"], atol=1e-3
        )


# --- the session-16 signals: the closest sentence, the competencies shown ---------------------


def _one(matcher: Matcher, story: Story) -> Any:
    from loopcoach.prep.matching import story_features

    return story_features(matcher, [story])[0]


TWO_SENTENCES = Story(
    id=1,
    title="Cut the release cycle",
    action="I moved our releases to a weekly train. I wrote the go/no-go checklist with QA.",
    result="Releases went from monthly to weekly.",
)


def test_new_signals_say_what_they_name(library: Library, matcher: Matcher) -> None:
    from loopcoach.prep.matching import signals

    role = library.role("tpm")
    idf = matcher.role_idf(role)
    q1, q2 = role.questions[0], role.questions[1]
    sf = _one(matcher, TWO_SENTENCES)
    qf1, qf2 = matcher.question_features(q1, idf), matcher.question_features(q2, idf)
    sig = signals(sf, qf1, 1)
    assert qf1.prompt_vec is not None
    assert sig["sentence"] == pytest.approx(float((sf.sentences @ qf1.prompt_vec).max()))
    assert len(sf.sentences) >= 2  # one sentence of several, not the whole story
    # the competencies shown: half for one, all for two or more, none below zero
    assert [signals(sf, qf1, n)["themes"] for n in (-3, 0, 1, 2, 7)] == [0, 0, 0.5, 1, 1]
    # the closest sentence differs from question to question, the competencies shown do not
    # depend on the question's text
    assert qf2.prompt_vec is not None
    assert signals(sf, qf2, 1)["sentence"] == pytest.approx(
        float((sf.sentences @ qf2.prompt_vec).max())
    )
    assert signals(sf, qf2, 1)["themes"] == sig["themes"]


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "   \t\n  ",
        "\x00\x01 nul bytes \ufeff and a BOM",
        "🚀🚀🚀 " * 50,
        "لقد قدت ترحيل 140 خدمة. " * 3,
        "Led the migration. " * 800,  # a pasted wall of text
        "a" * 5000,  # one word, no spaces
    ],
)
def test_odd_stories_give_finite_bounded_signals(
    library: Library, matcher: Matcher, text: str
) -> None:
    from loopcoach.prep.matching import signals

    role = library.role("tpm")
    idf = matcher.role_idf(role)
    story = Story(id=1, title="Story", action=text, themes=("no-such-competency",))
    sf = _one(matcher, story)
    for q in role.questions[:5]:
        sig = signals(sf, matcher.question_features(q, idf), 0)
        assert all(math.isfinite(v) for v in sig.values()), sig
        assert -1.01 <= sig["sentence"] <= 1.01 and sig["themes"] == 0
    table = match_stories(matcher, role, [story])
    assert all(m.why.endswith(".") for qm in table.per_question for m in qm.matches)


def test_a_story_showing_the_tested_competency_ranks_higher(
    library: Library, matcher: Matcher
) -> None:
    """Two stories the same but for their themes: the one showing what the question tests
    ranks higher under the fitted weights (which weigh "themes" and add no hand-set bonus)
    and under the hand-set ones (which add THEME_BONUS per competency shown)."""
    from loopcoach.prep.matching import THEME_BONUS

    role = library.role("tpm")
    qi, q = next((i, q) for i, q in enumerate(role.questions) if q.competencies)
    plain = TWO_SENTENCES
    shows = TWO_SENTENCES.with_changes(themes=(q.competencies[0],))
    shows = replace(shows, id=2)
    learned = match_stories(matcher, role, [plain, shows])
    assert learned.meaning[qi, 1] > learned.meaning[qi, 0]
    model = fitted()
    assert "themes" in model.weights and model.weights["themes"] > 0
    hand = match_stories(matcher, role, [plain, shows], model=matcher.hand_model)
    lift = float(hand.meaning[qi, 1] - hand.meaning[qi, 0])
    assert lift == pytest.approx(matcher.hand_model.unit * THEME_BONUS, abs=1e-5)
