"""The story bank: STAR stories drafted from the candidate's own bullets, at three lengths. Pure.

A drafted story only rearranges the candidate's words: the role line becomes the situation, a
purpose clause the task, the bullet's main clause the action and its outcome clause the result.
What the bullet does not say is left as a bracketed prompt ("[add: ...]") for the candidate to
fill in; drafts stay marked as drafts until the candidate edits them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from loopcoach.analysis.text import sentences

# Story and clean live in the domain (every layer reads a story); named here too for old imports
from loopcoach.domain.stories import Story as Story
from loopcoach.domain.stories import StoryLengths
from loopcoach.domain.stories import clean as clean
from loopcoach.errors import LoopcoachError
from loopcoach.prep.achievements import (
    CHANGE,
    FOREIGN_CHANGE,
    actors,
    classify,
    language_of,
    opens_with_verb,
    own_voice,
    quantities,
    scale_of,
)
from loopcoach.prep.history import Entry, WorkHistory
from loopcoach.prep.layout import split_lead_in
from loopcoach.prep.resume_score import (
    OUTCOME,
    RESULT_NUMBER,
    BulletScore,
    ResumeScore,
    numbers_in,
)

MAX_STORIES = 8
MIN_STORIES = 6
MAX_PER_ENTRY = 4
STRONG = 55  # bullet score from which a bullet carries a story
FALLBACK = 35  # lowered bar when fewer than MIN_STORIES bullets are strong
FIELDS = ("title", "situation", "task", "action", "result")


def story_numbers(story: Story) -> list[str]:
    """Every quantity the story states, with its unit ("7 engineers", "from 1.4 s to
    620 ms")."""
    return quantities(story.text)


def story_scale(story: Story) -> list[str]:
    """The numbers that size the work (teams, users, services, duration)."""
    result = clean(story.result)
    sized_result = [
        q
        for q in scale_of(result)
        if re.search(
            rf"\b(?:for|across|over|among|covering|serving|affecting)\s+"
            rf"{re.escape(q)}",
            result,
        )
    ]
    own = scale_of(clean(f"{story.situation} {story.action}"))
    return list(dict.fromkeys([*own, *sized_result]))


def story_lengths(story: Story) -> StoryLengths:
    """The three versions the story is told at: the 30-second headline, the 2-minute story and
    the deep-dive outline."""
    return StoryLengths(_headline(story), tuple(_two_minute(story)), tuple(_deep_dive(story)))


def _headline(story: Story) -> str:
    """The 30-second version: where, what you did, what changed (about 60 words)."""
    action = _first_words(clean(story.action), 34).rstrip(".…")
    result = _first_words(clean(story.result), 24) or "[add: the result, with a number]"
    where = f"At {story.company}, " if story.company else ""
    return f"{where}{_lower_first(action)}. {_upper_first(result)}".strip()


def _two_minute(story: Story) -> list[str]:
    """The 2-minute version: one paragraph per STAR part, prompts kept for what is missing."""
    return [
        f"Situation: {story.situation or '[add: the context and what was at stake]'}",
        f"Task: {story.task or '[add: what you had to achieve, by when]'}",
        f"Action: {story.action or '[add: what you did yourself]'} "
        "[add: one trade-off or constraint you weighed]",
        f"Result: {story.result or '[add: what changed, with a number]'} "
        "[add: what you learned or would change]",
    ]


def _deep_dive(story: Story) -> list[str]:
    """An outline for a 10-minute deep dive on this story."""
    numbers = story_numbers(story)
    nums = ", ".join(numbers[:6])
    teams = [
        n
        for n in numbers
        if re.search(r"team|squad|engineer|zone|vendor", n) and not n.lower().startswith("from ")
    ]
    return [
        "Objective and how success was measured: "
        + (clean(story.task) or "[add: the goal and the measure you agreed up front]"),
        "Teams and dependencies: "
        + (", ".join(teams) + "; " if teams else "")
        + "[add: who you depended on, and the hardest dependency to land]",
        "Biggest risks and what you did early: [add: two risks, how you saw them coming, "
        "and the mitigation]",
        "Alternatives you weighed: [add: the option you turned down, and why]",
        "Outcome and what you would change: "
        + (clean(story.result) or "[add: the result]")
        + " [add: one thing you would do differently]",
        "Numbers to have ready: " + (nums or "[add: scale, duration, before and after]"),
    ]


def story_dict(story: Story) -> dict[str, Any]:
    """The story as JSON: what `prep --json`, the story pages and the API print, and what
    practice reads back (`Story.from_dict`)."""
    return {
        "id": story.id,
        "title": story.title,
        "source": story.source,
        "situation": story.situation,
        "task": story.task,
        "action": story.action,
        "result": story.result,
        "themes": list(story.themes),
        "numbers": story_numbers(story),
        "context": story.context,
        "position": story.position,
        "employer": story.company,
        "dates": story.dates,
        "scale": story_scale(story),
        "outcome": story.outcome,
        "themes_by_role": {r: list(t) for r, t in story.themes_by_role},
        "origin": story.origin,
        "draft": story.draft,
        "edited": story.edited,
        "version": story.version,
        "updated_at": story.updated_at,
        "lengths": story_lengths(story).to_dict(),
    }


def story_key(source: str) -> str:
    """The content key of a drafted story: its source line without case, punctuation or
    spacing, so re-saving a résumé (or another format of it) finds the same story."""
    norm = " ".join(re.findall(r"[^\W_]+", source.lower()))
    return hashlib.sha1(norm.encode()).hexdigest()[:16]


def _first_words(text: str, n: int) -> str:
    words = text.split()
    return text if len(words) <= n else " ".join(words[:n]).rstrip(",;:") + "…"


def _lower_first(text: str) -> str:
    if text.startswith("I "):
        return text
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- splitting a bullet into STAR parts ------------------------------------------------------

_STRONG_BOUNDARY = r";\s+|\s+[—–]\s+|:\s+|,?\s+(?=(?:which|resulting in|leading to|so that)\b)"
_BOUNDARY = re.compile(
    _STRONG_BOUNDARY
    + r"|,\s+(?=(?:and |so )?[a-z]+ing\b)|,\s+and\s+|,\s+(?=so\b)|\s+(?=with (?:zero|no)\b)"
    + r"|\s+(?=that\s+(?:cut|reduc\w*|increas\w*|improv\w*|lift\w*|rais\w*|halv\w*|doubl\w*|"
    r"sav\w*|boost\w*|shorten\w*|lower\w*|eliminat\w*|prevent\w*|remov\w*|grew)\b)"
)
# a clause that by its form reports what followed: "which caught 14 defects", "so the first
# slice went live"; or one with its own subject and verb after a semicolon or dash: "; every
# unit was patched within 36 hours", "; the client renewed for 3 years"
_RESULT_LEAD = re.compile(
    r"(?:which|so|so that|resulting|leading|meaning|ending|thereby|and so)\b", re.IGNORECASE
)
_OWN_SUBJECT = re.compile(
    r"^(?:the|every|each|all|our|no|both|its|their|this|these|a|an|[A-Z][a-z]+s?|\d[\d,.]*|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|half|most|many)\s+"
    r"(?:[\w-]+\s+){0,4}?(?:was|were|has been|had been|got|\w+ed|\w+t|rose|fell|grew|won)\b"
)
_SCOPE_VERB = re.compile(r"\b(?:spanned|covered|included|involved|comprised|consisted)\b", re.I)
_PURPOSE = re.compile(r"\b(?:in order to|so as to|aiming to|with the goal of)\s+([^,;.]+)", re.I)
_CONTEXT = re.compile(r"\b((?:when|while|during|amid|because)\b[^,;.]+)", re.I)
MAX_DEADLINE_GAP = 120  # characters between "by the" and its "deadline" (bounds each try)
_DEADLINE = re.compile(
    rf"\b((?:before|ahead of|by) the [^,;.]{{0,{MAX_DEADLINE_GAP}}}?(?:deadline|date|audit|launch)"
    r"[^,;.]*)",
    re.I,
)
_TITLE_CUT = re.compile(
    r"\s+(?:from|across|by|with|over|using|for|after|because|through|so|"
    r"used|that|which)\s+"
)
_TRAILING_WORDS = "a an the and or of to for with on in at by from into"
_TRAILING = frozenset(_TRAILING_WORDS.split())
_PAST = {
    "cutting": "cut",
    "reducing": "reduced",
    "saving": "saved",
    "raising": "raised",
    "increasing": "increased",
    "improving": "improved",
    "lifting": "lifted",
    "halving": "halved",
    "doubling": "doubled",
    "bringing": "brought",
    "delivering": "delivered",
    "enabling": "enabled",
    "surfacing": "surfaced",
    "closing": "closed",
    "retiring": "retired",
    "lowering": "lowered",
    "removing": "removed",
    "shortening": "shortened",
    "freeing": "freed",
    "avoiding": "avoided",
}


def _has_outcome(text: str) -> bool:
    return bool(
        OUTCOME.search(text)
        or RESULT_NUMBER.search(text)
        or CHANGE.search(text)
        or FOREIGN_CHANGE.search(text)
    )


def _is_result(clause: str, boundary: str) -> bool:
    """A later clause reports what followed the action (not another action, not scope)."""
    if clause.split(" ", 1)[0].lower() in _PAST:  # "freeing a day per release"
        return True
    if _RESULT_LEAD.match(clause) or _has_outcome(clause):
        return True
    return bool(
        boundary.strip(" ,") in (";", "—", "–", ":")
        and _OWN_SUBJECT.match(clause)
        and not _SCOPE_VERB.search(clause)
    )


_THIRD_WORD = re.compile(r"\s*\S+\s+\S+\s+(?=\S)")


def split_bullet(text: str) -> tuple[str, str]:
    """(action, result): the result starts at the first later clause that reports an outcome."""
    text = text.strip().rstrip(".")
    # a cut has at least three words before it: it falls after the third word's first letter
    # (found once, so a huge bullet is read in linear time)
    third = _THIRD_WORD.match(text)
    cuts = list(_BOUNDARY.finditer(text, third.end() + 1)) if third else []
    ends = [m.start() for m in cuts[1:]] + [len(text)] if cuts else []
    for m, end in zip(cuts, ends, strict=True):
        if _is_result(text[m.end() : end].strip(), m.group(0)):
            return text[: m.start()].strip(), _as_result(text[m.end() :].strip())
    first = re.sub(r"^(?:I|We)\s+", "", text).split(" ", 1)[0]
    if OUTCOME.fullmatch(first) and (RESULT_NUMBER.search(text) or CHANGE.search(text[1:])):
        # "Cut onboarding from 21 days to 4 by automating checks": the main verb is the
        # outcome; how it was done ("by automating...") stays with the action
        means = re.search(r"\s+(?:by|through|via)\s+[a-z]+ing\b", text)
        return text, _upper_first(text[: means.start()] if means else text)
    return text, ""


_LEAD_CONTEXT = re.compile(
    r"^((?:when|while|during|after|before|amid|because|as|facing|following|once)\b[^;]*?),\s+"
    r"((?:i|we)\s+\S.*)$",
    re.IGNORECASE,
)


def lead_context(text: str) -> tuple[str, str]:
    """('When the partner failed', 'I reprioritised...') for a sentence that opens with its
    circumstances; ('', text) otherwise."""
    m = _LEAD_CONTEXT.match(text.strip())
    return (m.group(1), m.group(2)) if m else ("", text)


def _as_result(clause: str) -> str:
    """'cutting costs by 31%' -> 'That cut costs by 31%'; 'which saved...' -> 'That saved...'."""
    first, _, rest = clause.partition(" ")
    low = first.lower()
    if low in ("and", "so") and rest:
        return _as_result(rest)
    if low == "which":
        return f"That {rest}"
    if low == "so" and rest.lower().startswith("that "):
        return _upper_first(rest[5:])
    if low in _PAST:
        # "retiring 3 servers and saving £180k" -> "That retired 3 servers and saved £180k"
        rest = re.sub(
            r"\b(and|while)\s+([a-z]+ing)\b",
            lambda m: f"{m.group(1)} {_PAST.get(m.group(2), m.group(2))}",
            rest,
        )
        return f"That {_PAST[low]} {rest}".strip()
    if low in ("resulting", "leading"):
        return f"That {'resulted' if low == 'resulting' else 'led'} {rest}"
    return _upper_first(clause)


def title_for(action: str) -> str:
    action = _upper_first(re.sub(r"^(?:I|We)\s+(?=[a-z])", "", action.strip()))
    words = action.split()
    cut = _TITLE_CUT.search(action)
    if cut and len(action[: cut.start()].split()) >= 4:
        head = action[: cut.start()]
    else:
        head = " ".join(words[:9])
    head = re.sub(r"\([^)]*$", "", head).strip(" ,;:(")
    words = head.split()
    if len(words) > 12:
        words = words[:9]
    while len(words) > 4 and words[-1].lower() in _TRAILING:
        words.pop()
    head = " ".join(words).strip(" ,;:(")
    return _upper_first(head)


# a scene-setting phrase before the action: "At a sprint review, flagged..."
_SCENE = re.compile(
    r"^(?:after|when|while|during|following|before|once|as|amid|despite|with|within|in|at|on|"
    r"across|over|under|throughout|for)\b[^,;:]{3,160}?,\s+",
    re.IGNORECASE,
)


def _first_person(action: str) -> str:
    """The action as the candidate says it: "I" goes before a line that opens with a verb
    (or after its scene-setting phrase); a line that opens otherwise (a noun, a number, an
    outcome) is kept as it stands, since "I" in front of it would not be a sentence."""
    a = action.strip()
    if re.match(r"^(i|we|my|our)\b", a, re.IGNORECASE):
        return _upper_first(a)
    if re.match(r"^(responsible|tasked|involved|in charge)\b", a, re.IGNORECASE):
        return f"I was {_lower_first(a)}"
    if opens_with_verb(a):
        return f"I {_lower_first(a)}"
    scene = _SCENE.match(a)
    if scene and opens_with_verb(a[scene.end() :]):
        return f"{_upper_first(a[: scene.end()])}I {_lower_first(a[scene.end() :])}"
    return _upper_first(a)


# what happened, then the candidate's own clause: "X slipped 8 weeks; I re-planned ...",
# "Analytics showed drivers abandoning the flow, so I replaced it ..."
_THEN_I = re.compile(
    r"^(?P<first>\S+(?:\s+\S+){2,}?)(?:;\s+|\s+[—–]\s+|,?\s+so\s+|:\s+)"
    r"(?P<mine>(?:I|we)\s+[a-z].*)$",
    re.DOTALL,
)


def _acts_itself(clause: str) -> bool:
    """The clause says what the candidate did: it opens with "I"/"we" or with a verb whose
    doer is dropped."""
    return bool(re.match(r"^(?:i|we|my|our)\b", clause, re.IGNORECASE)) or opens_with_verb(clause)


def _context_line(entry: Entry) -> str:
    where = entry.label if entry.title or entry.company else ""
    return f"{where} ({entry.dates})" if where and entry.dates else where


def draft_story(
    index: int,
    text: str,
    entry: Entry,
    *,
    source: str = "",
    actions: str = "",
    situation: str = "",
) -> Story:
    """A STAR draft from one bullet (or a project's bullets joined). A topic label that opens
    the bullet ("Ledger migration: moved...") is its title, and the rest is drafted.

    `actions` are what the résumé says apart was done to get it (a "Results:" sentence's
    "Actions:" sentences, `history.led_to`): they are the story's action, and the whole bullet
    its result. `situation` is what was at stake when the résumé says so apart (a table's
    "Challenge" cell of the row)."""
    lead, rest = split_lead_in(text)
    circumstances, body = lead_context(rest)
    action, result = split_bullet(body)
    then = _THEN_I.match(body)
    if not circumstances and then and not _acts_itself(then.group("first")):
        # "The rollout slipped 8 weeks; I re-planned the cutover, cutting queues by 40%": what
        # happened first, to someone or something else, is the situation; the candidate's
        # own clause after it is the action, and what followed from it the result (when the
        # candidate's clause says no result apart, the bullet is drafted as it was)
        mine_action, mine_result = split_bullet(then.group("mine"))
        if mine_result:
            circumstances = then.group("first").rstrip(" ,;:")
            action, result = mine_action, mine_result
    title = lead if len(lead.split()) >= 2 else title_for(action)
    if actions.strip():
        action = " ".join(_first_person(a).rstrip(".") + "." for a in sentences(actions))
        result = rest
    ctx = _context_line(entry)
    situation_bits = []
    if ctx:
        kind = "worked on" if entry.kind == "project" else "was"
        situation_bits.append(f"I {kind} {ctx}.")
    if entry.apart:
        situation_bits.append(
            "[add: the job this was in, and when: your résumé lists it apart from your jobs "
            "and names none of them]"
        )
    if entry.description:
        situation_bits.append(entry.description.split(". ")[0].rstrip(".") + ".")
    c = _CONTEXT.search(action)
    if situation.strip():
        situation_bits.append(_upper_first(situation.strip()).rstrip(".") + ".")
    if circumstances:
        situation_bits.append(_upper_first(circumstances).rstrip(".") + ".")
    elif c and len(c.group(1).split()) >= 3:
        situation_bits.append(_upper_first(c.group(1)).rstrip(".") + ".")
    situation_bits.append("[add: what was at stake, and why it mattered then]")
    purpose = _PURPOSE.search(text)
    deadline = _DEADLINE.search(text)
    if purpose:
        task = f"The aim was {purpose.group(1).strip()}."
    elif deadline:
        task = f"It had to land {deadline.group(1).strip()}."
    else:
        task = ""
    task = (task + " [add: what you owned, by when, and how success was measured]").strip()
    action_text = _first_person(action).rstrip(".") + "."
    action_text += " [add: two or three steps you took yourself, and one decision you made]"
    if result:
        result_text = _upper_first(result).rstrip(".") + "."
        if not numbers_in(result):
            result_text += " [add: the number that shows it worked]"
    else:
        result_text = "[add: what changed because of it, with a number]"
    return Story(
        id=index,
        position=entry.title,
        employer=entry.company,
        dates=entry.dates,
        title=title,
        situation=" ".join(situation_bits),
        task=task,
        action=action_text,
        result=result_text,
        source=source or text,
        origin="drafted",
        key=story_key(source or text),
        context=ctx,
    )


def pick_bullets(history: WorkHistory, resume: ResumeScore) -> list[BulletScore]:
    """The strongest bullets, at most MAX_PER_ENTRY per role, most recent roles first on ties."""
    ranked = sorted(resume.bullets, key=lambda s: (-s.score, s.bullet.entry, s.bullet.id))
    picked: list[BulletScore] = []
    per_entry: dict[int, int] = {}
    for bar in (STRONG, FALLBACK):
        for s in ranked:
            if len(picked) >= MAX_STORIES:
                break
            if s in picked or s.score < bar:
                continue
            if history.entries[s.bullet.entry].kind == "project":
                continue
            if per_entry.get(s.bullet.entry, 0) >= MAX_PER_ENTRY:
                continue
            picked.append(s)
            per_entry[s.bullet.entry] = per_entry.get(s.bullet.entry, 0) + 1
        if len(picked) >= MIN_STORIES:
            break
    return sorted(picked, key=lambda s: (s.bullet.entry, int(s.bullet.id[1:])))


def _told_whole(text: str) -> bool:
    """A line that is a story by itself: it says what was done and what changed."""
    k = classify(text)
    return k.kind == "achievement" and k.action and k.change


def project_stories(history: WorkHistory, start: int) -> list[Story]:
    """One story per project entry, its bullets joined; but a project with two or more lines
    that each say what was done and what changed (`_told_whole`) gives each its own story, and
    its other achievement lines (bare results) one more, joined. A project's short highlights
    ("Chose a queue", "Denials down 22%") stay one story: apart they would be bare results."""
    out: list[Story] = []
    for entry in history.entries:
        if entry.kind != "project" or not entry.bullets:
            continue
        whole = [b for b in entry.bullets if _told_whole(b.text)]
        groups = [[b] for b in whole] if len(whole) >= 2 else []
        rest = [b for b in entry.bullets if not groups or b not in whole]
        if groups:
            rest = [b for b in rest if classify(b.text).kind == "achievement"]
        if rest:
            groups.append(rest)
        for group in sorted(groups, key=lambda g: int(g[0].id[1:])):
            joined = " ".join(b.text.rstrip(".") + "." for b in group)
            story = draft_story(start + len(out), group[0].text, entry, source=joined)
            if len(group) > 1 and story.result.startswith("[add"):
                story = replace(story, result=" ".join(b.text for b in group[1:]))
            out.append(replace(story, title=entry.title or story.title))
    return out


LEARNED_DUTY = "reads like a remit more than a result, next to the achievements we learned from"
# The learned decision for English lines (`line_model`): achievement or not, one per text.
Decide = Callable[[Sequence[str]], Sequence[bool]]


def voiced(history: WorkHistory) -> dict[str, str]:
    """Each bullet's text as the candidate would say it: in a résumé written in the third
    person ("Maya led the move...; she cut..."), the person's clauses in the first person
    ("I led the move..."), so they read, and are judged, as the candidate's own actions."""
    who = actors(history.name, [b.text for b in history.bullets])
    return {b.id: own_voice(b.text, who) for b in history.bullets}


def achievement_lines(history: WorkHistory, decide: Decide | None = None) -> frozenset[str]:
    """Ids of the work bullets that are achievements: by `decide` for an English résumé when
    given (the learned classifier), else by the rules (`classify`)."""
    lang = language_of(history.text)
    work = [b for b in history.bullets if history.entries[b.entry].kind != "project"]
    text = voiced(history)
    if decide is None or lang != "en" or not work:
        return frozenset(b.id for b in work if classify(text[b.id], lang).achievement)
    said = decide([text[b.id] for b in work])
    # a fragment ("too short to be an achievement") stays one whatever the model says
    return frozenset(
        b.id
        for b, yes in zip(work, said, strict=True)
        if yes and classify(text[b.id], lang).kind != "other"
    )


def candidate_stories(
    history: WorkHistory,
    resume: ResumeScore,
    *,
    min_score: int = 0,
    achievements: frozenset[str] | None = None,
) -> list[tuple[Story, int]]:
    """A story for every achievement (with its bullet score), then every project (scored
    50). Duties are left out: `to_strengthen` reports them. `achievements` are the ids of the
    achievement bullets (`achievement_lines`; by the rules when not given)."""
    out: list[tuple[Story, int]] = []
    seen: set[str] = set()
    if achievements is None:
        achievements = achievement_lines(history)
    text = voiced(history)
    for s in resume.bullets:
        if s.score < min_score or history.entries[s.bullet.entry].kind == "project":
            continue
        if s.bullet.id not in achievements:
            continue
        entry = history.entries[s.bullet.entry]
        story = draft_story(
            len(out) + 1,
            text.get(s.bullet.id, s.bullet.text),
            entry,
            source=s.bullet.text,
            actions=s.bullet.actions,
            situation=s.bullet.situation,
        )
        if story.key in seen:
            continue
        seen.add(story.key)
        out.append((story, s.score))
    out += [(p, 50) for p in project_stories(history, len(out) + 1) if p.key not in seen]
    return out


def to_strengthen(
    history: WorkHistory, achievements: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """Bullets that are duties, not achievements: what each lacks, to rewrite it as one.
    With `achievements` (`achievement_lines`), a bullet the rules call an achievement but
    that is not one of them is a duty too, and one of them is never a duty."""
    out = []
    lang = language_of(history.text)
    text = voiced(history)
    for b in history.bullets:
        if history.entries[b.entry].kind == "project":
            continue
        k = classify(text[b.id], lang)
        if achievements is None:
            if k.kind != "duty":
                continue
        elif b.id in achievements or k.kind == "other":
            continue
        missing = (
            "what you did and what changed"
            if not k.action
            else "what changed because of it, with a number"
        )
        out.append(
            {
                "bullet": b.id,
                "text": b.text,
                "entry": history.entries[b.entry].label,
                "why": k.why if not k.achievement else LEARNED_DUTY,
                "fix": f"Rewrite it to say {missing}.",
            }
        )
    return out


def draft_stories(
    history: WorkHistory, resume: ResumeScore, achievements: frozenset[str] | None = None
) -> list[Story]:
    """A story for every achievement of the history, and one per project."""
    return [s for s, _ in candidate_stories(history, resume, achievements=achievements)]


THEME = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_FIELD = 4000


@dataclass(frozen=True)
class StoryInput:
    """Fields a user gives when adding or editing a story; None means "leave as it is"."""

    title: str | None = None
    situation: str | None = None
    task: str | None = None
    action: str | None = None
    result: str | None = None
    themes: tuple[str, ...] | None = None

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in (*FIELDS, "themes"):
            value = getattr(self, name)
            if value is None:
                continue
            if name == "themes":
                themes = tuple(dict.fromkeys(t.strip().lower() for t in value if t.strip()))
                bad = [t for t in themes if not THEME.match(t)]
                if bad:
                    raise LoopcoachError(
                        "story-theme",
                        f"theme '{bad[0]}' is not a theme id; use lower-case ids separated by "
                        "commas, e.g. --themes influence,risk-management",
                    )
                out[name] = themes
            else:
                text = " ".join(value.split()) if name == "title" else value.strip()
                if len(text) > MAX_FIELD:
                    raise LoopcoachError(
                        "story-too-long", f"--{name} is over {MAX_FIELD} characters; shorten it"
                    )
                out[name] = text
        if "title" in out and not out["title"]:
            raise LoopcoachError("story-title", "a story needs a title: give --title TEXT")
        return out


def new_story(inp: StoryInput, *, now: str) -> Story:
    """A story the user writes from scratch (its id is given by the store)."""
    changes = inp.changes()
    if not changes.get("title"):
        raise LoopcoachError("story-title", "a story needs a title: give --title TEXT")
    return Story(id=0, origin="user", edited=True, updated_at=now, **changes)


def edit_story(story: Story, inp: StoryInput, *, now: str) -> Story:
    """The story with the user's changes; a draft becomes the user's own once edited."""
    changes = inp.changes()
    if not changes:
        raise LoopcoachError(
            "story-no-change",
            f"nothing to change in story {story.id}: give --title, --situation, --task, "
            "--action, --result or --themes",
        )
    return replace(story, edited=True, version=story.version + 1, updated_at=now, **changes)
