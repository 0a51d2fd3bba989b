"""Prep: résumé import, story bank, prep pack (reached as `coach.prep`).

Wires the pure `prep/` core to the prep matcher and the store. The faces read files and pass their
bytes; a failed import raises before anything is stored. Reads the clock only where a face did
not pass one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from loopcoach.app.owner import Owner, local_owner
from loopcoach.app.paging import DEFAULT_PAGE, Page, check_window
from loopcoach.domain.stories import Story
from loopcoach.prep.history import WorkHistory
from loopcoach.prep.importers import parse_history
from loopcoach.prep.matching import Matcher
from loopcoach.prep.pack import PrepPack, build_pack, draft_for, read_lines
from loopcoach.prep.resume_score import ResumeScore, score_resume
from loopcoach.prep.stories import StoryInput, edit_story, new_story

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from loopcoach.content.library import Library


class PrepService:
    def __init__(
        self,
        library: Callable[[], Library],
        matcher: Callable[[], Matcher],
        engine: Callable[[], Engine],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        owner: Owner = local_owner,
    ) -> None:
        self._library = library
        self._matcher = matcher
        self._engine = engine
        self._clock = clock
        self._owner = owner

    @property
    def matcher(self) -> Matcher:
        return self._matcher()

    def history(self, data: bytes, name: str) -> WorkHistory:
        from loopcoach.app import isolated

        return parse_history(data, name, pdf=isolated.pdf_text)

    def score_resume(self, data: bytes, name: str, *, role: str) -> ResumeScore:
        rp = self._library().role(role)
        return score_resume(self.history(data, name), rp)

    def build(
        self,
        data: bytes,
        name: str,
        *,
        role: str,
        now: datetime | None = None,
        store: bool = True,
        rebuilt_from: int | None = None,
    ) -> PrepPack:
        """Import a résumé into the story bank and build and save its pack.

        The bank only grows: new achievements are added, untouched drafts refreshed, the user's
        edits kept, nothing deleted. The pack holds this résumé's stories (as the user has them)
        and the stories the user added by hand, never the edited stories of another résumé."""
        from loopcoach.store import stories as S

        rp = self._library().role(role)
        history = self.history(data, name)  # raises on a bad file: nothing stored
        lines = read_lines(history, self.matcher)
        resume, drafts = draft_for(history, rp, self.matcher, achievements=lines)
        now = now or self._clock()
        if not store:
            return build_pack(
                history,
                rp,
                matcher=self.matcher,
                stories=drafts,
                resume=resume,
                today=now.date(),
                achievements=lines,
            )
        with self._engine().begin() as conn:
            user = self._owner(conn)
            mine, counts = S.import_drafts(conn, drafts, now=now, user=user)
            added_by_hand = [s for s in S.all_stories(conn, user=user) if s.origin == "user"]
            pack = build_pack(
                history,
                rp,
                matcher=self.matcher,
                stories=mine + added_by_hand,
                resume=resume,
                today=now.date(),
                imported=counts,
                achievements=lines,
            )
            before = {x.id: x for x in [*mine, *added_by_hand]}
            for st in pack.stories:
                old = before[st.id]
                if not dict(old.themes_by_role).get(rp.id) and not old.themes:
                    S.set_role_themes(conn, st.id, rp.id, st.themes, by_user=False, now=now)
            S.record_import(
                conn,
                source=history.source,
                fmt=history.fmt,
                role=rp.id,
                count=len(drafts),
                pitch=pack.pitch["text"],
                now=now,
                user=user,
            )
            d = pack.to_dict()
            pid = S.save_pack(
                conn,
                role=rp.id,
                source=history.source,
                fmt=history.fmt,
                data=data,
                story_keys=[x.key for x in drafts],
                pack=d,
                now=now,
                rebuilt_from=rebuilt_from,
                user=user,
            )
        return replace(pack, pack_id=pid, saved_at=d["saved_at"])

    def packs(self) -> list[dict[str, Any]]:
        """Saved prep packs, newest first."""
        from loopcoach.store import stories as S

        with self._engine().connect() as conn:
            return S.list_packs(conn, user=self._owner(conn))

    def packs_page(self, *, limit: int = DEFAULT_PAGE, offset: int = 0) -> Page[dict[str, Any]]:
        """A page of `packs`: newest first, `limit` from `offset`, and the total."""
        from loopcoach.store import stories as S

        check_window(limit, offset)
        with self._engine().connect() as conn:
            user = self._owner(conn)
            items = S.list_packs(conn, user=user, limit=limit, offset=offset)
            return Page(items, S.count_packs(conn, user=user), limit, offset)

    def saved_pack(self, pack_id: int) -> dict[str, Any]:
        """A saved pack exactly as it was built (the dict `prep --json` printed)."""
        from loopcoach.store import stories as S

        with self._engine().connect() as conn:
            return dict(S.get_pack(conn, pack_id, user=self._owner(conn))["pack"])

    def rebuild(self, pack_id: int, *, now: datetime | None = None) -> PrepPack:
        """Build a saved pack again from its stored résumé, with the bank as it is now."""
        from loopcoach.store import stories as S

        with self._engine().connect() as conn:
            saved = S.get_pack(conn, pack_id, user=self._owner(conn))
        return self.build(
            saved["input"], saved["source"], role=saved["role"], now=now, rebuilt_from=pack_id
        )

    def match(
        self, question: str, *, role: str | None = None, limit: int = 5
    ) -> list[dict[str, Any]]:
        """The bank's stories that best answer a question in your own words, best first."""
        from loopcoach.prep.matching import match_question

        rp = self._library().role(role) if role else None
        stories = self.stories()
        if rp is not None:
            stories = [replace(s, themes=s.themes_for(rp.id)) for s in stories]
        roles = list(self._library().roles.values())
        found = match_question(self.matcher, question, stories, role=rp, roles=roles)
        return found[:limit]

    def delete(self, story_id: int) -> Story:
        from loopcoach.store import stories as S

        with self._engine().begin() as conn:
            return S.delete_story(conn, story_id, user=self._owner(conn))

    def stories(self) -> list[Story]:
        from loopcoach.store import stories as S

        with self._engine().connect() as conn:
            return S.all_stories(conn, user=self._owner(conn))

    def stories_page(self, *, limit: int = DEFAULT_PAGE, offset: int = 0) -> Page[Story]:
        """A page of `stories`: oldest first, `limit` from `offset`, and the total."""
        from loopcoach.store import stories as S

        check_window(limit, offset)
        with self._engine().connect() as conn:
            user = self._owner(conn)
            items = S.all_stories(conn, user=user, limit=limit, offset=offset)
            return Page(items, S.count_stories(conn, user=user), limit, offset)

    def story(self, story_id: int) -> tuple[Story, list[dict[str, Any]]]:
        """A story and its stored versions, oldest first."""
        from loopcoach.store import stories as S

        with self._engine().connect() as conn:
            story = S.get_story(conn, story_id, user=self._owner(conn))  # NotFound if not theirs
            return story, S.versions(conn, story.id)

    def add(self, inp: StoryInput, *, now: datetime | None = None) -> Story:
        from loopcoach.store import stories as S

        now = now or self._clock()
        story = new_story(inp, now=now.isoformat(timespec="seconds"))
        with self._engine().begin() as conn:
            return S.add_story(conn, story, now=now, user=self._owner(conn))

    def edit(
        self,
        story_id: int,
        inp: StoryInput,
        *,
        now: datetime | None = None,
        role: str | None = None,
    ) -> Story:
        """Change a story. With `role`, the themes given are that role's only; without, they
        are the story's themes for every role."""
        from loopcoach.store import stories as S

        now = now or self._clock()
        rp = self._library().role(role) if role else None
        with self._engine().begin() as conn:
            user = self._owner(conn)
            before = S.get_story(conn, story_id, user=user)  # NotFound if not theirs
            if rp is not None and inp.themes is not None:
                themes = StoryInput(themes=inp.themes).changes()["themes"]
                S.set_role_themes(conn, story_id, rp.id, themes, by_user=True, now=now)
                inp = replace(inp, themes=None)
                if not inp.changes():
                    return S.get_story(conn, story_id, user=user)
            after = edit_story(before, inp, now=now.isoformat(timespec="seconds"))
            if inp.themes is not None:
                S.clear_tagged_themes(conn, story_id)  # the user's themes hold for every role
            return S.save_edit(conn, before, after, now=now, user=user)


__all__ = ["PrepService"]
