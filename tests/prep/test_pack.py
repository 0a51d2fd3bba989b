"""The prep pack's JSON contract, scaffolds and pitch."""

from __future__ import annotations

import json

from tests.prep.resumes import load_resume

from loopcoach.content.library import Library
from loopcoach.domain.stories import Story
from loopcoach.prep.matching import Matcher
from loopcoach.prep.pack import build_pack

STORY_KEYS = {"id", "title", "source", "situation", "task", "action", "result", "themes"}


def test_pack_json_contract(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    d = json.loads(json.dumps(tpm_pack.to_dict()))
    assert set(d) >= {"stories", "questions", "coverage", "priorities", "resume"}
    assert len(d["stories"]) >= 12  # a story for every achievement of the résumé
    assert [b["text"][:12] for b in d["to_strengthen"]][:2] == ["Tracked deli", "Responsible "]
    for s in d["stories"]:
        assert set(s) >= STORY_KEYS
        assert s["draft"] is True
        assert set(s["lengths"]) == {"headline_30s", "two_minute", "deep_dive"}
    ids = {s["id"] for s in d["stories"]}
    assert len(d["questions"]) == 38
    for q in d["questions"]:
        assert set(q) >= {"id", "prompt", "matches", "scaffold"}
        for m in q["matches"]:
            assert set(m) >= {"story", "score", "why"} and m["story"] in ids
            assert 0 <= m["score"] <= 100
    assert set(d["resume"]) >= {"score", "bullets"}
    assert set(d["resume"]["bullets"][0]) >= {"text", "score", "issues", "fix"}


def test_pack_sources_are_the_users_own_lines(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    bullets = {b.text for b in tpm_pack.history.bullets}
    assert all(s.source in bullets for s in tpm_pack.stories)


def test_pack_scaffold_fills_slots_from_the_story(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    q = next(
        q
        for q in tpm_pack.to_dict()["questions"]
        if q["id"] == "tpm-alignment-technical-disagreement"
    )
    sc = q["scaffold"]
    assert sc["story"] == q["matches"][0]["story"]
    assert "payments and ledger teams" in sc["slots"]["action"]["facts"]
    assert "[add" not in sc["slots"]["action"]["facts"]
    prompts = [p for slot in sc["slots"].values() for p in slot["prompts"]]
    assert len(sc["covered"]) + len(sc["missing"]) == 6
    assert len(prompts) >= len(sc["missing"])


def test_pack_scaffold_without_a_story_lists_every_point(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    empty = [q for q in tpm_pack.to_dict()["questions"] if not q["matches"]]
    assert empty
    sc = empty[0]["scaffold"]
    assert sc["story"] is None and not sc["covered"]
    assert all(not slot["facts"] and slot["prompts"] for slot in sc["slots"].values())


def test_pack_pitch(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    p = tpm_pack.pitch
    assert p["text"].startswith("I'm Marisol Achterberg, a Senior Technical Program Manager")
    assert "Harbourline Freight" in p["text"] and "[add: why this" in p["text"]
    assert p["draft"] is True and 40 <= p["seconds"] <= 50 and 100 <= p["words"] <= 125
    assert "Before that, at Calloway Health" in p["text"]


def test_pack_pitch_fits_40_to_50_seconds_from_the_strongest_stories(library: Library) -> None:
    from loopcoach.prep.history import Entry, WorkHistory
    from loopcoach.prep.scaffold import pitch
    from loopcoach.prep.stories import draft_story

    now = Entry(title="Senior TPM", company="Tallyho", start="2021", end="Present")
    before = Entry(title="TPM", company="Brightline", start="2016", end="2021")
    stories = [
        draft_story(1, "Wrote the weekly program update for 40 readers.", now),
        draft_story(
            2,
            "Ran the replacement of our legacy billing provider for 1.2M "
            "subscriptions, using dual writes and shadow reads for six weeks; "
            "renewals failed at 0.03% versus a 0.5% budget.",
            now,
        ),
        draft_story(
            3,
            "Cut p99 checkout latency from 1.4 s to 620 ms with 7 engineers "
            "across 2 teams, lifting conversion 3%.",
            before,
        ),
        draft_story(
            4,
            "Persuaded the CTO to pause a vendor rollout until security signed "
            "off, avoiding a $2M write-off.",
            before,
        ),
    ]
    history = WorkHistory(
        source="cv.md",
        fmt="markdown",
        entries=(now, before),
        name="Jo Park",
        headline="Senior TPM",
        text="2016 2021 Present",
    )
    role = library.role("tpm")
    p = pitch(history, role, stories)
    assert 100 <= p["words"] <= 125 and 40 <= p["seconds"] <= 50, p
    assert "renewals failed at 0.03% versus a 0.5% budget" in p["text"]
    assert "from 1.4 s to 620 ms" in p["text"] and "weekly program update" not in p["text"]


def test_pack_users_own_stories_are_matched_too(library: Library, matcher: Matcher) -> None:
    mine = Story(
        id=42,
        title="Post-incident review after a payments outage",
        origin="user",
        edited=True,
        themes=("incident-response",),
        action="After a two-hour payments outage I ran a blameless review within three "
        "days, built the timeline, and gave every action item an owner and a date.",
    )
    pack = build_pack(load_resume("tpm.md"), library.role("tpm"), matcher=matcher, stories=[mine])
    qm = next(q for q in pack.table.per_question if q.question.id == "tpm-post-incident-review")
    assert qm.matches[0].story == 42 and qm.good
    assert pack.stories[0].themes == ("incident-response",)  # the user's themes are kept


def test_pack_for_each_role(library: Library, matcher: Matcher) -> None:
    for name, role in (("tpo.md", "tpo"), ("po.json", "po")):
        d = build_pack(load_resume(name), library.role(role), matcher=matcher).to_dict()
        assert d["stories"] and d["role"]["id"] == role
        assert any(q["matches"] for q in d["questions"])
