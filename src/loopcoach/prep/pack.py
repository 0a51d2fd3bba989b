"""The prep pack: a work history and a role in, stories, matches, scaffolds and priorities out.

Pure: the caller hands over the parsed history, the role and a `Matcher` (the embedder), and
stores or prints the result. `PrepPack.to_dict()` is the JSON contract `prep --json` prints:

    {"stories": [{"id", "title", "source", "situation", "task", "action", "result", "themes",
                  ...}],
     "questions": [{"id", "prompt", "matches": [{"story", "score", "why"}], "scaffold"}],
     "coverage", "priorities", "resume", ...}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from loopcoach.content.library import RolePack
from loopcoach.domain.stories import Story
from loopcoach.prep import line_model
from loopcoach.prep.achievements import LANGUAGE_NAMES, classify, language_of
from loopcoach.prep.history import WorkHistory
from loopcoach.prep.matching import (
    F32,
    GOOD,
    Matcher,
    MatchTable,
    StoryFeatures,
    coverage,
    match_stories,
    priorities,
    story_features,
    story_text,
    tag_themes,
)
from loopcoach.prep.resume_score import ResumeScore, score_resume
from loopcoach.prep.scaffold import pitch, scaffolds
from loopcoach.prep.stories import (
    achievement_lines,
    candidate_stories,
    draft_stories,
    story_dict,
    to_strengthen,
)

NOTICE = (
    "Stories marked draft were assembled from your own résumé lines: edit them in your words "
    "(loopcoach stories edit ID) and fill every [add: ...] prompt before you rehearse."
)


@dataclass(frozen=True)
class PrepPack:
    role: RolePack
    history: WorkHistory
    stories: tuple[Story, ...]
    table: MatchTable
    scaffolds: tuple[dict[str, Any], ...]
    coverage: dict[str, Any]
    priorities: dict[str, Any]
    resume: ResumeScore
    pitch: dict[str, Any]
    embedder: dict[str, Any]
    imported: dict[str, int] | None = None  # what the import did to the bank
    achievements: frozenset[str] | None = None  # bullet ids read as achievements
    pack_id: int | None = None  # set once saved
    saved_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        questions = []
        for qm, sc in zip(self.table.per_question, self.scaffolds, strict=True):
            q = qm.question
            questions.append(
                {
                    "id": q.id,
                    "prompt": q.prompt,
                    "kind": q.kind,
                    "priority": q.priority,
                    "competencies": list(q.competencies),
                    "matches": [m.to_dict() for m in qm.matches],
                    "covered": qm.good,
                    "scaffold": sc,
                }
            )
        return {
            "role": {"id": self.role.id, "name": self.role.info.name},
            "history": {
                "source": self.history.source,
                "format": self.history.fmt,
                "name": self.history.name,
                "headline": self.history.headline,
                "pages": self.history.pages,
                "entries": [
                    {
                        "title": e.title,
                        "company": e.company,
                        "dates": e.dates,
                        "kind": e.kind,
                        "bullets": len(e.bullets),
                    }
                    for e in self.history.entries
                ],
            },
            "notice": NOTICE,
            "stories": [story_dict(s) for s in self.stories],
            "questions": questions,
            "coverage": self.coverage,
            "priorities": self.priorities,
            "resume": self.resume.to_dict(),
            "to_strengthen": to_strengthen(self.history, self.achievements),
            "pitch": self.pitch,
            "language": language_notice(self.history),
            "imported": self.imported,
            "pack_id": self.pack_id,
            "saved_at": self.saved_at,
            "embedder": self.embedder,
            "good_match": GOOD,
        }


def draft_for(
    history: WorkHistory,
    role: RolePack,
    matcher: Matcher,
    *,
    achievements: frozenset[str] | None = None,
) -> tuple[ResumeScore, list[Story]]:
    """Score the résumé and draft a story for every achievement in it, in résumé order.

    Two lines that say the same thing (the same achievement in the summary and under its role,
    cosine 0.93 or more with the embedding model) give one story, the more specific one.
    `achievements` are the lines `read_lines` found (read here when not given)."""
    resume = score_resume(history, role)
    if achievements is None:
        achievements = read_lines(history, matcher)
    pool = candidate_stories(history, resume, achievements=achievements)
    if not pool:
        return resume, []
    drafts = [s for s, _ in pool]
    strength = [score for _, score in pool]
    # only the whole text tells near-duplicates apart: embedding a draft's gist and sentences
    # too (`story_features`) took three times as long for what is thrown away here
    keep = distinct(matcher.vectors([story_text(s) for s in drafts], remember=False), strength)
    return resume, [replace(drafts[i], id=n + 1) for n, i in enumerate(keep)]


def read_lines(history: WorkHistory, matcher: Matcher) -> frozenset[str]:
    """The achievement bullets: by the learned classifier (`line_model`) with the embedding
    model, by the rules without it (the lexical fallback is not what the model learned on)."""
    if matcher.embedder.degraded:
        return achievement_lines(history)
    model = line_model.load()

    def decide(texts: Sequence[str]) -> list[bool]:
        return model.decide(texts, matcher.vectors(list(texts), remember=False))

    return achievement_lines(history, decide)


SAME_STORY = 0.93  # cosine of two drafts' whole text from which they are one achievement


def distinct(whole: F32, strength: Sequence[int]) -> list[int]:
    """Indices of drafts to keep, given each one's whole-text vector: of near-duplicates, the
    stronger (earlier on ties)."""
    order = sorted(range(len(whole)), key=lambda i: (-strength[i], i))
    kept: list[int] = []
    for i in order:
        if all(float(whole[i] @ whole[j]) < SAME_STORY for j in kept):
            kept.append(i)
    return sorted(kept)


def with_themes(
    matcher: Matcher,
    role: RolePack,
    stories: Sequence[Story],
    features: Sequence[StoryFeatures] | None = None,
) -> list[Story]:
    """Each story as seen for this role: `themes` are its themes for the role (kept per role
    in `themes_by_role`); stories without any get the role's competencies they show. Themes
    the user gave, for this role or for all roles, are kept as they are."""
    stories = [replace(s, themes=s.themes_for(role.id)) for s in stories]
    todo = [i for i, s in enumerate(stories) if not s.themes]
    if todo:
        feats = [features[i] for i in todo] if features is not None else None
        tags = tag_themes(matcher, role, [stories[i] for i in todo], features=feats)
        for i, t in zip(todo, tags, strict=True):
            s = stories[i]
            by_role = tuple((r, x) for r, x in s.themes_by_role if r != role.id)
            stories[i] = replace(s, themes=t, themes_by_role=(*by_role, (role.id, t)))
    return stories


def build_pack(
    history: WorkHistory,
    role: RolePack,
    *,
    matcher: Matcher,
    stories: Sequence[Story] | None = None,
    resume: ResumeScore | None = None,
    today: date | None = None,
    imported: dict[str, int] | None = None,
    achievements: frozenset[str] | None = None,
) -> PrepPack:
    """The whole pack. `stories` defaults to drafts from the history (then nothing is stored);
    `achievements` to the lines `read_lines` finds (pass what `draft_for` used: reading lines
    embeds each of them)."""
    resume = resume or score_resume(history, role)
    if achievements is None:
        achievements = read_lines(history, matcher)
    if stories is None:
        stories = draft_stories(history, resume, achievements)
    features = story_features(matcher, stories) if stories else []
    stories = with_themes(matcher, role, stories, features)
    table = match_stories(matcher, role, stories, features=features)
    cov = coverage(table)
    emb = matcher.embedder
    return PrepPack(
        role=role,
        history=history,
        stories=tuple(stories),
        table=table,
        scaffolds=tuple(scaffolds(matcher, table, features)),
        coverage=cov,
        priorities=priorities(table, cov, history, resume),
        resume=resume,
        pitch=pitch(history, role, stories, today=today),
        embedder={"name": emb.name, "degraded": emb.degraded, "reason": emb.reason},
        imported=imported,
        achievements=achievements,
    )


def language_notice(history: WorkHistory) -> dict[str, Any]:
    """The résumé's language, and a plain word when matching cannot serve it well."""
    code = language_of(history.text)
    if code == "en":
        return {"code": "en", "name": "English", "notice": ""}
    name = LANGUAGE_NAMES.get(code, code)
    kinds = [classify(b.text, code).kind for b in history.bullets]
    found = (
        f"Its grammar is not read, so achievements were found by their figures: "
        f"{kinds.count('achievement')} of {len(kinds)} lines carry a number or a change and "
        f"became stories; {kinds.count('duty')} read as duties (listed to strengthen)."
    )
    return {
        "code": code,
        "name": name,
        "found": found,
        "notice": (
            f"This résumé looks {name}. Stories are still drafted from it, but matching them to "
            "questions is English-only (the questions and the embedding model are English), so "
            "matches will be weak or missing: add English versions of your stories with "
            "`loopcoach stories add` or edit the drafts in English. " + found
        ),
    }
