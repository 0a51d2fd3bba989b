"""An Anki deck (.apkg): the role's questions with our guidance on the back, the user's stories.

Model and deck ids and note GUIDs derive from stable names, so re-importing an updated deck into
Anki updates the notes (and keeps their review history) instead of adding copies.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import genanki  # type: ignore[import-untyped]

from loopcoach.content.library import RolePack
from loopcoach.content.schema import Question
from loopcoach.domain.stories import Story
from loopcoach.errors import LoopcoachError
from loopcoach.practice.queue import STORY_LENGTHS

CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; color: #222;
  background: #fff; max-width: 40em; margin: auto; }
h3 { font-size: 16px; margin: 1em 0 .3em; color: #555; }
.meta { color: #777; font-size: 14px; }"""


def stable_id(name: str) -> int:
    """An id in Anki's customary range (2^30 to 2^31) derived from a name."""
    digest = int.from_bytes(hashlib.sha1(name.encode()).digest()[:4], "big")
    return (1 << 30) + digest % (1 << 30)


QUESTION_MODEL = genanki.Model(
    stable_id("loopcoach question model v1"),
    "loopcoach question",
    fields=[{"name": "Id"}, {"name": "Prompt"}, {"name": "Meta"}, {"name": "Guidance"}],
    templates=[
        {
            "name": "Answer aloud",
            "qfmt": "<div class=meta>{{Meta}}</div><p>{{Prompt}}</p>",
            "afmt": "{{FrontSide}}<hr id=answer>{{Guidance}}",
        }
    ],
    css=CSS,
    sort_field_index=1,
)

STORY_MODEL = genanki.Model(
    stable_id("loopcoach story model v1"),
    "loopcoach story",
    fields=[{"name": "Id"}, {"name": "Title"}, {"name": "Lengths"}, {"name": "Story"}],
    templates=[
        {
            "name": "Tell it",
            "qfmt": "<div class=meta>Tell this story</div><p><b>{{Title}}</b></p>{{Lengths}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Story}}",
        }
    ],
    css=CSS,
    sort_field_index=1,
)


def _section(title: str, items: Sequence[str]) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{escape(i)}</li>" for i in items)
    return f"<h3>{escape(title)}</h3><ul>{lis}</ul>"


def question_guidance(q: Question) -> str:
    parts = [f"<h3>Why it is asked</h3><p>{escape(q.why)}</p>"]
    parts.append(
        _section(
            "What a strong answer covers", [f"{t.label}: {t.description}" for t in q.talking_points]
        )
    )
    parts.append(_section("Outline", q.model_answer))
    parts.append(_section("Prep pointers", q.pointers))
    parts.append(_section("Avoid", [f"{f.label}: {f.advice}" for f in q.red_flags]))
    parts.append(f"<p class=meta>Aim for about {q.target_seconds} seconds.</p>")
    return "".join(p for p in parts if p)


def question_note(role: RolePack, q: Question) -> genanki.Note:
    meta = f"{role.info.name} · {q.kind}"
    if q.stages:
        meta += " · " + ", ".join(role.stage(s).name for s in q.stages[:2])
    return genanki.Note(
        model=QUESTION_MODEL,
        fields=[escape(q.id), escape(q.prompt), escape(meta), question_guidance(q)],
        guid=genanki.guid_for("loopcoach", "question", q.id),
        tags=[role.id, q.kind, *q.competencies],
    )


def story_note(s: Story) -> genanki.Note:
    lengths = (
        "<ul>"
        + "".join(
            f"<li>{escape(label)}: {escape(hint)}</li>" for label, _, hint in STORY_LENGTHS.values()
        )
        + "</ul>"
    )
    star = [
        ("Situation", s.situation),
        ("Task", s.task),
        ("Action", s.action),
        ("Result", s.result),
    ]
    body = "".join(f"<h3>{k}</h3><p>{escape(v)}</p>" for k, v in star if v)
    if s.themes:
        body += f"<p class=meta>Themes: {escape(', '.join(s.themes))}</p>"
    return genanki.Note(
        model=STORY_MODEL,
        fields=[escape(s.ref), escape(s.title), lengths, body or escape(s.title)],
        guid=genanki.guid_for("loopcoach", "story", s.ref),
        tags=["story", *(t.replace(" ", "-") for t in s.themes)],
    )


@dataclass(frozen=True)
class DeckSummary:
    questions: int
    stories: int
    deck_id: int


def build_package(
    role: RolePack, stories: Sequence[Story] = ()
) -> tuple[genanki.Package, DeckSummary]:
    name = f"loopcoach::{role.info.name}"
    deck = genanki.Deck(stable_id(f"loopcoach deck {role.id}"), name)
    for q in role.questions:
        deck.add_note(question_note(role, q))
    decks = [deck]
    if stories:
        sdeck = genanki.Deck(stable_id(f"loopcoach deck {role.id} stories"), f"{name}::My stories")
        for s in stories:
            sdeck.add_note(story_note(s))
        decks.append(sdeck)
    return genanki.Package(decks), DeckSummary(len(role.questions), len(stories), deck.deck_id)


def write_apkg(
    role: RolePack, path: Path, *, stories: Sequence[Story] = (), timestamp: float
) -> DeckSummary:
    """Write the deck. `timestamp` (seconds since the epoch) stamps the notes: same input, same
    file."""
    package, summary = build_package(role, stories)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db)
        try:
            package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            conn.commit()
        finally:
            conn.close()
        try:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                z.write(db, "collection.anki2")
                z.writestr("media", "{}")
        except OSError as exc:
            raise LoopcoachError("write-failed", f"cannot write {path}: {exc.strerror}") from None
    return summary
