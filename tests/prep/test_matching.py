"""Matching stories to questions: the labelled set, a real résumé's pack, themes and priorities."""

from __future__ import annotations

from pathlib import Path

import yaml

from loopcoach.content.library import Library
from loopcoach.domain.stories import Story
from loopcoach.prep.matching import GOOD, Matcher, match_stories, story_features, tag_themes

LABELS = Path(__file__).parents[1] / "fixtures" / "prep" / "labelled_matches.yaml"


def test_matching_labelled_set_precision(library: Library, matcher: Matcher) -> None:
    items = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["stories"]
    assert len(items) >= 30
    hits1 = hits3 = 0
    for role_id in ("tpm", "tpo", "po"):
        group = [it for it in items if it["role"] == role_id]
        role = library.role(role_id)
        stories = [
            Story(id=i + 1, title=it["title"], action=it["text"]) for i, it in enumerate(group)
        ]
        feats = story_features(matcher, stories)
        themes = tag_themes(matcher, role, stories, features=feats)
        stories = [s.with_changes(themes=t) for s, t in zip(stories, themes, strict=True)]
        table = match_stories(matcher, role, stories, features=feats)
        ids = [q.id for q in role.questions]
        for si, it in enumerate(group):
            ranked = sorted(
                range(len(ids)),
                key=lambda qi, si=si: (-table.scores[qi, si], -table.meaning[qi, si]),
            )
            top = [ids[qi] for qi in ranked[:3]]
            hits1 += top[0] in it["answers"]
            hits3 += bool(set(top) & set(it["answers"]))
    assert hits1 / len(items) >= 0.8
    assert hits3 / len(items) >= 0.95


def _best(pack, question_id: str):  # type: ignore[no-untyped-def]
    qm = next(q for q in pack.table.per_question if q.question.id == question_id)
    story = next(s for s in pack.stories if s.id == qm.matches[0].story)
    return qm.matches[0], story


def test_matching_tpm_pack_puts_the_right_story_first(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    for qid, words in [
        ("tpm-alignment-technical-disagreement", "alignment between the payments"),
        ("tpm-influence-senior-leader", "Persuaded the VP"),
        ("tpm-ai-launch-criteria", "launch criteria"),
        ("tpm-risk-process-cross-functional", "risk register"),
    ]:
        match, story = _best(tpm_pack, qid)
        assert words in story.title, (qid, story.title)
        assert match.score >= GOOD and match.why
    match, _ = _best(tpm_pack, "tpm-alignment-technical-disagreement")
    assert "Influence" in match.why or "Conflict" in match.why


def test_matching_every_question_has_at_most_three_matches(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    assert len(tpm_pack.table.per_question) == len(tpm_pack.role.questions)
    for qm in tpm_pack.table.per_question:
        assert len(qm.matches) <= 3
        assert [m.score for m in qm.matches] == sorted((m.score for m in qm.matches), reverse=True)


def test_matching_themes_are_role_competencies(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    comps = {c.id for c in tpm_pack.role.competencies}
    assert all(s.themes and set(s.themes) <= comps for s in tpm_pack.stories)
    failure = next(s for s in tpm_pack.stories if s.title.startswith("Missed the first"))
    assert "learning-from-failure" in failure.themes


def test_matching_coverage_matrix(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    cov = tpm_pack.coverage
    assert len(cov["cells"]) == len(tpm_pack.stories)
    assert all(len(row) == len(cov["themes"]) for row in cov["cells"])
    assert set(cov["uncovered"]) <= {t for t, n in cov["counts"].items() if n == 0}


def test_matching_priorities(tpm_pack) -> None:  # type: ignore[no-untyped-def]
    pr = tpm_pack.priorities
    assert pr["first"]
    gap_ids = [g["question"] for g in pr["gaps"]]
    assert gap_ids
    # the résumé's "Missed the first milestone..." story answers both failure questions (a
    # question's "failed" and "what did you learn" name the situation it shows)
    assert "tpm-program-failed" not in gap_ids
    assert "tpm-program-not-as-planned" not in gap_ids
    assert "tpm-alignment-technical-disagreement" not in gap_ids
    assert all(g["kind"] in ("behavioural", "competency", "situational") for g in pr["gaps"])
    assert 1 <= len(pr["probe"]) <= 6
    for probe in pr["probe"]:
        assert len(probe["questions"]) == 4
        assert "goal" in probe["questions"][0] and "differently" in probe["questions"][3]
    assert pr["probe"][0]["text"].startswith("Led the move of 140 services")


def test_matching_overused_story_is_flagged(library: Library, matcher: Matcher) -> None:
    role = library.role("tpm")
    one = Story(
        id=1,
        title="Everything program",
        action="I drove alignment between two teams that disagreed on the design, "
        "persuaded our VP to change direction, made a decision with incomplete data, "
        "handled a three-week slip, and learned from a program that failed.",
    )
    from tests.prep.resumes import load_resume

    from loopcoach.prep.matching import coverage, priorities
    from loopcoach.prep.resume_score import score_resume

    table = match_stories(matcher, role, [one])
    history = load_resume("tpm.md")
    pr = priorities(table, coverage(table), history, score_resume(history, role))
    assert pr["overused"] and pr["overused"][0]["story"] == 1


def test_matching_lexical_fallback_still_builds(library: Library) -> None:
    from tests.prep.resumes import load_resume

    from loopcoach.analysis.embeddings import LexicalEmbedder
    from loopcoach.prep.pack import build_pack

    pack = build_pack(
        load_resume("tpo.md"), library.role("tpo"), matcher=Matcher(LexicalEmbedder(reason="test"))
    )
    d = pack.to_dict()
    assert d["embedder"]["degraded"] is True and d["stories"]
    assert any(q["matches"] for q in d["questions"])
