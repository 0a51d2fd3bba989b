"""For each situational question of a pack, the top match is the story about that situation,
among all the stories of our layout fixtures (tests/fixtures/resumes/layouts/situations.md and
the others as distractors), in the pack and with `stories match`; each match says why in one
plain line."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from tests.prep.test_layouts import LABELS, load_layout

from loopcoach.content.library import Library
from loopcoach.domain.stories import Story
from loopcoach.prep.matching import Matcher, match_question, match_stories
from loopcoach.prep.pack import draft_for, with_themes

SITUATIONAL: dict[str, list[str]] = LABELS["situations.md"]["situational"]


@pytest.fixture(scope="module")
def bank(library: Library, matcher: Matcher) -> list[Story]:
    stories: list[Story] = []
    for name in LABELS:
        _, drafted = draft_for(load_layout(name), library.role("tpm"), matcher)
        stories += drafted
    return [replace(s, id=i + 1) for i, s in enumerate(stories)]


def _is(story: dict[str, object] | Story, phrases: list[str]) -> bool:
    source = story.source if isinstance(story, Story) else str(story["source"])
    return any(p in source for p in phrases)


def _plain_line(why: str) -> None:
    assert why and "\n" not in why and len(why) <= 260, why
    assert not re.search(r"\b(?:meaning|cosine|raw)\b|\d\.\d\d\b", why), why  # no raw figures
    assert why.endswith("."), why


TARGET = 0.8  # share of situational questions whose top match is the story about it


def test_match_situations_pack_top_match(
    bank: list[Story], library: Library, matcher: Matcher
) -> None:
    hits: list[str] = []
    misses: list[str] = []
    for role in ("tpm", "tpo"):
        rp = library.role(role)
        stories = with_themes(matcher, rp, bank)
        table = match_stories(matcher, rp, stories)
        by_id = {s.id: s for s in stories}
        for qm in table.per_question:
            if qm.question.id not in SITUATIONAL:
                continue
            assert qm.matches, qm.question.id
            top = by_id[qm.matches[0].story]
            ok = _is(top, SITUATIONAL[qm.question.id])
            (hits if ok else misses).append(f"{qm.question.id}: {top.title}")
            for m in qm.matches:
                _plain_line(m.why)
                assert m.why.startswith("It covers '")
    assert len(hits) + len(misses) == len(SITUATIONAL)
    assert len(hits) / len(SITUATIONAL) >= TARGET, misses


def test_match_situations_free_text_top_match(
    bank: list[Story], library: Library, matcher: Matcher
) -> None:
    misses = []
    for qid, phrases in SITUATIONAL.items():
        role = library.role(qid.split("-")[0])
        prompt = next(q.prompt for q in role.questions if q.id == qid)
        found = match_question(matcher, prompt, bank, role=role)
        if not _is(found[0]["story"], phrases):
            misses.append(f"{qid}: {found[0]['story']['title']}")
        for m in found[:3]:
            _plain_line(m["why"])
            about = re.match(r"It is about '([^']+?)…?'", m["why"])
            assert about, m["why"]
            # the line quotes the story's own words
            story = m["story"]
            said = f"{story['situation']} {story['task']} {story['action']} {story['result']}"
            assert about.group(1).split()[-1].rstrip("…") in said, m["why"]
    assert 1 - len(misses) / len(SITUATIONAL) >= TARGET, misses


OWN_WORDS = [
    (
        "A fleet of devices has a critical firmware bug in production. How would you run the "
        "response?",
        "Led the incident response for a fleet-wide firmware fault",
    ),
    (
        "You need to move card payments to a new processor without hurting approval rates. How "
        "do you approach it?",
        "cut-over of card authorisation",
    ),
    (
        "A key client is about to leave because a project you inherited is late. What do you do?",
        "Won back a churning utility client",
    ),
    (
        "Your delivery partner fails during your busiest week of the year. How do you respond?",
        "reprioritised two sprints",
    ),
    (
        "Too many defects are escaping to production across several squads. What would you do?",
        "Brought 5 squads onto one shared definition",
    ),
]


@pytest.mark.parametrize(("question", "phrase"), OWN_WORDS)
def test_match_situations_questions_in_own_words(
    question: str, phrase: str, bank: list[Story], library: Library, matcher: Matcher
) -> None:
    found = match_question(matcher, question, bank, roles=list(library.roles.values()))
    assert phrase in found[0]["story"]["source"], found[0]["story"]["title"]
    _plain_line(found[0]["why"])


def test_match_situations_a_behavioural_question_also_wants_its_situation(
    library: Library, matcher: Matcher
) -> None:
    # the situation the question names counts for behavioural questions too, and the line says so
    role = library.role("tpo")
    q = next(q for q in role.questions if q.id == "tpo-saying-no")
    assert q.kind == "behavioural"
    texts = [
        "Turned down a regional director's ask for a bespoke export by showing the two "
        "features it would push out; both shipped in the quarter.",
        "Started a monthly review of the roadmap with sales and support; questions to "
        "engineers about dates fell by half.",
        "Reduced checkout errors from 3% to 0.4% by adding contract tests between the cart "
        "and payment services.",
    ]

    def bank(lines: list[str]) -> list[Story]:
        return [Story(id=i + 1, title=t[:30], action=t, source=t) for i, t in enumerate(lines)]

    stories = bank(texts)
    table = match_stories(matcher, role, stories)
    qi = [x.id for x in role.questions].index(q.id)
    ranked = sorted(range(3), key=lambda si: -table.meaning[qi, si])
    assert ranked[0] == 0, table.meaning[qi]
    for m in table.per_question[qi].matches:  # the listed ones say which situation they share
        _plain_line(m.why)
        assert ("same situation (saying no)" in m.why) == (m.story == 1), m.why
    # without the situation the question names, the refusal story has no edge over the others
    again = match_stories(matcher, role, bank([texts[0].replace("Turned down", "Discussed")]))
    gap = table.meaning[qi, 0] - again.meaning[qi, 0]
    assert gap >= 0.1, gap
