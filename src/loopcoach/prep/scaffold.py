"""STAR scaffolds per question and the 45-second pitch draft. Pure given the match table.

A scaffold puts the matched story's own facts in the Situation / Task / Action / Result slots,
and turns the question's talking points that the story does not yet cover into prompts, each in
the slot where it belongs. Nothing is invented: empty slots stay empty with a prompt.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from loopcoach.analysis.text import phrase_in
from loopcoach.content.library import RolePack
from loopcoach.content.schema import Question, TalkingPoint
from loopcoach.domain.stories import Story, clean
from loopcoach.prep.achievements import quantities
from loopcoach.prep.history import WorkHistory
from loopcoach.prep.matching import (
    GOOD,
    SHOWN,
    Matcher,
    MatchTable,
    QuestionFeatures,
    StoryFeatures,
)
from loopcoach.prep.stories import story_scale

COVERED = {"minilm": 0.45, "lexical": 0.35}  # a story sentence this close makes the point
SLOTS = ("situation", "task", "action", "result")
_SLOT_OF = (
    (
        "result",
        re.compile(
            r"\b(result|outcome|learn|lesson|impact|measur|metric|what changed|"
            r"follow[- ]?up|afterwards|retro|reflect|differently)",
            re.I,
        ),
    ),
    (
        "situation",
        re.compile(
            r"\b(stakes|context|situation|background|problem|why it mattered|"
            r"sets? up|what happened|disagreement)",
            re.I,
        ),
    ),
    (
        "task",
        re.compile(
            r"\b(goal|role|owns?|task|criteria|scope|objective|defin|deadline|"
            r"responsib|success)",
            re.I,
        ),
    ),
)
WORDS_PER_SECOND = 2.5  # about 150 words a minute


def slot_for(tp: TalkingPoint) -> str:
    text = f"{tp.label}. {tp.description}"
    for slot, pattern in _SLOT_OF:
        if pattern.search(text):
            return slot
    return "action"


def covered_points(
    matcher: Matcher, q: Question, qf: QuestionFeatures, sf: StoryFeatures
) -> list[bool]:
    best = (sf.sentences @ qf.points.T).max(axis=0)
    floor = COVERED[matcher.kind]
    return [
        float(best[i]) >= floor or any(phrase_in(c, sf.stems) for c in qf.cues[i])
        for i in range(len(q.talking_points))
    ]


def scaffold(
    matcher: Matcher,
    q: Question,
    qf: QuestionFeatures,
    story: Story | None,
    sf: StoryFeatures | None,
    score: int,
) -> dict[str, Any]:
    facts = {slot: "" for slot in SLOTS}
    covered = [False] * len(q.talking_points)
    if story is not None and sf is not None and score >= SHOWN:
        facts = {slot: clean(getattr(story, slot)) for slot in SLOTS}
        covered = covered_points(matcher, q, qf, sf)
    else:
        story = None
    prompts: dict[str, list[str]] = {slot: [] for slot in SLOTS}
    for tp, done in zip(q.talking_points, covered, strict=True):
        if not done:
            prompts[slot_for(tp)].append(f"{tp.label}: {tp.description}")
    for slot in SLOTS:
        if not facts[slot] and not prompts[slot]:
            prompts[slot].append(_EMPTY[slot])
    if story is None:
        note = "No story fits this question yet: pick one from your history and fill the slots."
    elif score < GOOD:
        note = "A weak fit: use it only if nothing better comes to mind, and fill the prompts."
    elif q.kind in ("technical", "case", "situational"):
        note = "The question asks for your approach: give it, then use this story as proof."
    else:
        note = "Tell it in this order; the prompts are what the story does not say yet."
    return {
        "story": story.id if story is not None else None,
        "story_title": story.title if story is not None else None,
        "score": score if story is not None else 0,
        "slots": {slot: {"facts": facts[slot], "prompts": prompts[slot]} for slot in SLOTS},
        "covered": [tp.label for tp, c in zip(q.talking_points, covered, strict=True) if c],
        "missing": [tp.label for tp, c in zip(q.talking_points, covered, strict=True) if not c],
        "target_seconds": q.target_seconds,
        "note": note,
    }


_EMPTY = {
    "situation": "Where and when, and what was at stake.",
    "task": "What you personally had to achieve, and by when.",
    "action": "Two or three things you did yourself, including one decision.",
    "result": "What changed, with a number, and what you learned.",
}


def scaffolds(
    matcher: Matcher,
    table: MatchTable,
    features: list[StoryFeatures],
) -> list[dict[str, Any]]:
    idf = matcher.role_idf(table.role)
    by_id = {s.id: i for i, s in enumerate(table.stories)}
    out = []
    for qm in table.per_question:
        qf = matcher.question_features(qm.question, idf)
        top = qm.matches[0] if qm.matches else None
        i = by_id.get(top.story) if top is not None else None
        story = table.stories[i] if i is not None else None
        sf = features[i] if i is not None else None
        out.append(scaffold(matcher, qm.question, qf, story, sf, top.score if top else 0))
    return out


# --- the 45-second pitch ---------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = clean(text).strip()
    if not text:
        return ""
    return text[0].upper() + text[1:].rstrip(".;,") + "."


def _words(text: str, n: int) -> str:
    words = text.split()
    return text if len(words) <= n else " ".join(words[:n]).rstrip(",;:") + "…"


PITCH_MIN, PITCH_MAX = 100, 125  # 40-50 seconds at 150 words a minute
PROMPT_WORDS = 12  # what you will say for the closing [add: why this role] prompt


def strength(story: Story) -> float:
    """How strong a story is for a pitch: a result with numbers first, then the scale."""
    result = clean(story.result)
    return (
        3.0 * bool(result)
        + 1.5 * min(2, len(quantities(result)))
        + 0.5 * min(3, len(story_scale(story)))
        + 1.0 * story.edited
    )


def _fit(text: str, n: int) -> str:
    """At most n words, cut at a clause boundary when there is one (numbers keep their
    units)."""
    words = text.split()
    if len(words) <= n:
        return text
    head = " ".join(words[:n])
    cut = max(head.rfind(", "), head.rfind("; "), head.rfind(" – "), head.rfind(" — "))
    if cut > len(head) // 2:
        return head[:cut]
    return head.rstrip(",;:")


def _told(story: Story, room: int) -> str:
    """Action and result in at most `room` words: the action is shortened first."""
    action = _lower(clean(story.action)).rstrip(".")
    if action.startswith("I "):
        action = action[2:]
    result = _lower(clean(story.result)).rstrip(".")
    if not result:
        return _fit(action, room)
    r = len(result.split())
    if room - r < 8:
        return _fit(f"{action}; {result}", room)
    return f"{_fit(action, room - r)}; {result}"


def pitch(
    history: WorkHistory, role: RolePack, stories: list[Story], *, today: date | None = None
) -> dict[str, Any]:
    """A 45-second summary from the candidate's own facts: who they are, then their strongest
    stories (the current role's first, then other roles'), fitted to 100-125 words (40-50 s at
    150 words a minute), ending with a prompt to say why this role."""
    roles = [e for e in history.entries if e.kind == "role"]
    current = roles[0] if roles else None
    years = history.years(today.year if today else None)
    who = re.split(r"\s+[·|—–-]\s+|,\s+", history.headline)[0] if history.headline else ""
    who = who or (current.title if current else "")
    opener = f"I'm {history.name}, " if history.name else "I'm "
    opener += f"{_article(who)}{who}" if who else "[add: what you do, in five words]"
    if years >= 2:
        opener += f" with {years} years of experience"
    parts = [opener.rstrip(".") + "."]
    close = f"That is why this {role.info.name} role fits me: "
    prompt = "[add: why this role, and what you want to own next]"
    budget = PITCH_MAX - len(clean(" ".join(parts)).split()) - len(close.split()) - PROMPT_WORDS
    ranked = sorted(stories, key=lambda s: -strength(s))
    order: list[Story] = []
    if current is not None and current.company:
        order += [s for s in ranked if s.company == current.company][:1]
    seen_companies = {s.company for s in order}
    order += [s for s in ranked if s not in order and s.company not in seen_companies][:2]
    order += [s for s in ranked if s not in order]
    told = 0
    last = ""
    for s in order:
        if budget < 12 or (told >= 2 and PITCH_MAX - budget >= PITCH_MIN):
            break
        if told and not clean(s.result):
            continue  # after the first, only stories that say what changed
        if told == 0 and s.company:
            where = f"At {s.company}" + (f", as {s.position}" if s.position else "") + ", I "
        elif (
            s.company
            and s.company != last
            and current is not None
            and (s.company != current.company)
        ):
            where = f"Before that, at {s.company}, I "
        else:
            where = "I also "
        last = s.company
        room = budget - len(where.split())
        sentence = _sentence(where + _told(s, room))
        parts.append(sentence)
        budget -= len(sentence.split())
        told += 1
    if not told:
        parts.append("[add: your biggest result in your current role, with a number]")
    parts.append(close + prompt)
    text = " ".join(parts)
    words = len(clean(text).split()) + PROMPT_WORDS  # counting what you say for the prompt
    seconds = round(words / WORDS_PER_SECOND)
    fits = PITCH_MIN <= words <= PITCH_MAX
    return {
        "text": text,
        "words": words,
        "seconds": seconds,
        "target_seconds": 45,
        "draft": True,
        "advice": "Read it aloud with a timer: at 150 words a minute it takes about "
        f"{seconds} s; keep one number in each story."
        if fits
        else f"At 150 words a minute this is about {seconds} s: add a result or a "
        "story to reach 40-50 s."
        if words < PITCH_MIN
        else f"At 150 words a minute this is about {seconds} s: cut until it fits in 50 s.",
    }


def _article(text: str) -> str:
    return "an " if text[:1].lower() in "aeiou" else "a "


def _lower(text: str) -> str:
    if text.startswith("I "):
        return text
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
