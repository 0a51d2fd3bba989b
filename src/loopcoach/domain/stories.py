"""A STAR story of the user's story bank: the one story type every layer reads. Pure.

The story bank (`prep/`, `store/stories.py`) makes and keeps these; practice, plans and the Anki
export read the same values (`practice/` and `export/` may not import `prep/`, so the type lives
here, under all of them). What needs prep's reading of numbers (a story's quantities, its scale,
the three lengths it is told at) is worked out by functions of `prep.stories` that take a story;
practice receives the lengths already written, in `Story.lengths`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from loopcoach.domain.kinds import STORY_ORIGINS, StoryOrigin, one_of

PLACEHOLDER = re.compile(r"\[(?:add|say|name|pick)[^\]]*\]")


def clean(text: str) -> str:
    """Text without the bracketed prompts ("[add: ...]")."""
    return re.sub(r"\s+", " ", PLACEHOLDER.sub("", text)).strip()


@dataclass(frozen=True)
class StoryLengths:
    """The three versions a story is told at, as prep writes them (`prep.stories.story_lengths`):
    empty where nobody wrote them."""

    headline: str = ""  # the 30-second version
    two_minute: tuple[str, ...] = ()  # outline lines of the 2-minute version
    deep_dive: tuple[str, ...] = ()  # outline lines of the deep dive

    @classmethod
    def from_dict(cls, d: object) -> StoryLengths:
        """From a story dict's `lengths` {headline_30s, two_minute, deep_dive}; anything that is
        not such an object gives empty lengths."""
        if not isinstance(d, dict):
            return cls()
        return cls(
            headline=str(d.get("headline_30s") or ""),
            two_minute=_lines(d.get("two_minute")),
            deep_dive=_lines(d.get("deep_dive")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline_30s": self.headline,
            "two_minute": list(self.two_minute),
            "deep_dive": list(self.deep_dive),
        }


def _lines(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list | tuple):
        return tuple(str(x) for x in value)
    return ()


@dataclass(frozen=True)
class Story:
    """One STAR story of the bank. `origin` is "drafted" (from a résumé line) or "user";
    `edited` once changed. `lengths` carries the versions prep wrote for practice (filled when
    the story is read from a story dict, `from_dict`); it is not part of what makes two stories
    equal, and `with_changes` drops it, since it no longer matches the changed text."""

    id: int
    title: str
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""
    themes: tuple[str, ...] = ()
    source: str = ""  # the history text it was drafted from
    origin: StoryOrigin = "drafted"
    edited: bool = False
    key: str = ""  # stable across re-imports: sha1 of the source text
    context: str = ""  # "Senior TPM at Harbourline Freight (Mar 2021 – Present)"
    version: int = 1
    updated_at: str = ""
    position: str = ""  # the role held: "Senior TPM"
    employer: str = ""  # "Harbourline Freight"
    dates: str = ""  # "Mar 2021 – Present"
    themes_by_role: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role id, themes), per role
    lengths: StoryLengths = field(default=StoryLengths(), compare=False)

    @property
    def ref(self) -> str:
        """The id as practice cards, plans and the Anki deck name the story ("s:3", "3")."""
        return str(self.id)

    @property
    def draft(self) -> bool:
        return self.origin == "drafted" and not self.edited

    @property
    def text(self) -> str:
        """Everything the story says, without the prompts: what matching compares."""
        parts = [self.title, self.situation, self.task, self.action, self.result]
        return clean(" ".join(p for p in parts if p))

    @property
    def outcome(self) -> str:
        """What changed because of the work (the result without prompts)."""
        return clean(self.result)

    @property
    def company(self) -> str:
        if self.employer:
            return self.employer
        m = re.search(r" at (.+?)(?: \(|$)", self.context)
        return m.group(1) if m else ""

    def themes_for(self, role: str) -> tuple[str, ...]:
        """The themes this story shows for one role (each role's tags are kept apart)."""
        for r, t in self.themes_by_role:
            if r == role:
                return t
        return self.themes

    def with_changes(self, **changes: Any) -> Story:
        changes.setdefault("lengths", StoryLengths())
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Story:
        """From a story dict as the bank hands it out (`prep.stories.story_dict`: what
        `store.stories.list_stories` returns, and a prep pack's "stories"). The derived keys
        (numbers, scale, outcome, draft) are not read back; `lengths` is. ValueError naming
        the field when the id or version is not a positive whole number or the origin is unknown."""
        story_id = _whole(d.get("id"), "id")
        themes: object = d.get("themes") or d.get("tags") or ()
        if isinstance(themes, str):
            themes = [t.strip() for t in themes.split(",")]
        by_role = d.get("themes_by_role")
        lengths = StoryLengths.from_dict(d.get("lengths"))
        if not lengths.headline and d.get("headline"):
            lengths = replace(lengths, headline=str(d["headline"]))
        return cls(
            id=story_id,
            title=str(d.get("title") or story_id),
            situation=str(d.get("situation") or ""),
            task=str(d.get("task") or ""),
            action=str(d.get("action") or ""),
            result=str(d.get("result") or ""),
            themes=_themes(themes),
            source=str(d.get("source") or ""),
            origin=one_of(STORY_ORIGINS, d.get("origin") or "drafted", "origin"),
            edited=bool(d.get("edited")),
            key=str(d.get("key") or ""),
            context=str(d.get("context") or ""),
            version=_whole(d.get("version") or 1, "version"),
            updated_at=str(d.get("updated_at") or ""),
            position=str(d.get("position") or ""),
            employer=str(d.get("employer") or ""),
            dates=str(d.get("dates") or ""),
            themes_by_role=tuple((str(r), _themes(t)) for r, t in by_role.items())
            if isinstance(by_role, dict)
            else (),
            lengths=lengths,
        )


MAX_ID_DIGITS = 18  # far above any row id, far below Python's limit on parsing long numbers


def _whole(value: object, name: str) -> int:
    """A positive whole number (or its digits as text) of at most `MAX_ID_DIGITS` digits;
    ValueError naming the field otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value if 0 < value < 10**MAX_ID_DIGITS else None
    elif isinstance(value, str):
        text = value.strip()
        ok = text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS
        number = int(text) if ok and int(text) > 0 else None
    else:
        number = None
    if number is None:
        shown = repr(value)[:40] if isinstance(value, str) else type(value).__name__
        if isinstance(value, int) and not isinstance(value, bool):
            shown = "a number out of range"
        raise ValueError(
            f"{name}: {shown} is not a positive whole number of at most {MAX_ID_DIGITS} digits"
        )
    return number


def _themes(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(t) for t in value if t)
