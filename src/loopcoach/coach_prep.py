"""The prep part of the facade: résumé import, story bank, prep pack (reached as `coach.prep`).

Wires the pure `prep/` core to the embedder and the store. The faces read files and pass their
bytes; a failed import raises before anything is stored. Reads the clock only where a face did
not pass one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from loopcoach.prep.history import WorkHistory
from loopcoach.prep.importers import parse_history
from loopcoach.prep.matching import Matcher
from loopcoach.prep.pack import PrepPack, build_pack, draft_for
from loopcoach.prep.resume_score import ResumeScore, score_resume
from loopcoach.prep.stories import Story, StoryInput, edit_story, new_story

if TYPE_CHECKING:
    from loopcoach.coach import Coach


class PrepCoach:
    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    @cached_property
    def matcher(self) -> Matcher:
        """Shares the analyzer's embedder and its disk cache (pack text only is cached)."""
        analyzer = self.coach.analyzer
        return Matcher(analyzer.embedder, cache=analyzer.cache)

    def history(self, data: bytes, name: str) -> WorkHistory:
        return parse_history(data, name)

    def score_resume(self, data: bytes, name: str, *, role: str) -> ResumeScore:
        rp = self.coach.library.role(role)
        return score_resume(self.history(data, name), rp)

    def build(self, data: bytes, name: str, *, role: str, now: datetime | None = None,
              store: bool = True) -> PrepPack:
        """Import a résumé, store its drafted stories (keeping the user's), build the pack."""
        from loopcoach.store import stories as S

        rp = self.coach.library.role(role)
        history = self.history(data, name)  # raises on a bad file: nothing stored
        resume, drafts = draft_for(history, rp, self.matcher)
        now = now or datetime.now(UTC)
        if not store:
            return build_pack(history, rp, matcher=self.matcher, stories=drafts, resume=resume,
                              today=now.date())
        with self.coach.engine.begin() as conn:
            bank = S.replace_drafts(conn, drafts, now=now)
            pack = build_pack(history, rp, matcher=self.matcher, stories=bank, resume=resume,
                              today=now.date())
            S.record_import(conn, source=history.source, fmt=history.fmt, role=rp.id,
                            count=len(drafts), pitch=pack.pitch["text"], now=now)
        return pack

    def stories(self) -> list[Story]:
        from loopcoach.store import stories as S

        with self.coach.engine.connect() as conn:
            return S.all_stories(conn)

    def story(self, story_id: int) -> tuple[Story, list[dict[str, Any]]]:
        """A story and its stored versions, oldest first."""
        from loopcoach.store import stories as S

        with self.coach.engine.connect() as conn:
            story = S.get_story(conn, story_id)
            return story, S.versions(conn, story_id)

    def add(self, inp: StoryInput, *, now: datetime | None = None) -> Story:
        from loopcoach.store import stories as S

        now = now or datetime.now(UTC)
        story = new_story(inp, now=now.isoformat(timespec="seconds"))
        with self.coach.engine.begin() as conn:
            return S.add_story(conn, story, now=now)

    def edit(self, story_id: int, inp: StoryInput, *, now: datetime | None = None) -> Story:
        from loopcoach.store import stories as S

        now = now or datetime.now(UTC)
        with self.coach.engine.begin() as conn:
            before = S.get_story(conn, story_id)
            after = edit_story(before, inp, now=now.isoformat(timespec="seconds"))
            return S.save_edit(conn, before, after, now=now)
