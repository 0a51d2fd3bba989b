"""Writing the user's data in other formats: calendar, Markdown plan, charts, Anki deck, JSON
backup (and reading it back), and the prep pack as Markdown, HTML or PDF.

The CLI writes to a path the user named; the web asks for the bytes of a download.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loopcoach.app.owner import Owner, local_owner

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from loopcoach.app.practice import PracticeService
    from loopcoach.content.library import Library
    from loopcoach.export.anki import DeckSummary
    from loopcoach.practice.plan import StudyPlan
    from loopcoach.practice.progress import Progress

PACK_SUFFIXES = (".md", ".html", ".pdf")
MAX_IMPORT_BYTES = 10 * 1024 * 1024  # an uploaded backup (the web's request limit)


def sparkline(
    values: Sequence[float], *, lo: float | None = None, hi: float | None = None, width: int = 30
) -> str:
    """A one-line text chart of scores (for the terminal)."""
    from loopcoach.export.charts import sparkline as draw

    return draw(values, lo=lo, hi=hi, width=width)


def _bytes_of(write: Callable[[Path], object], name: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        write(path)
        return path.read_bytes()


class ExportService:
    def __init__(
        self,
        library: Callable[[], Library],
        engine: Callable[[], Engine],
        practice: PracticeService,
        *,
        clock: Callable[[], datetime],
        owner: Owner = local_owner,
    ) -> None:
        self._library = library
        self._engine = engine
        self._practice = practice
        self._clock = clock
        self._owner = owner

    # --- the study plan and progress ---------------------------------------------------------
    def write_ics(self, plan: StudyPlan, path: Path) -> int:
        """The plan as calendar events; returns how many."""
        from loopcoach.export.ics import write_ics

        return write_ics(plan, path, now=self._clock())

    def ics_bytes(self, plan: StudyPlan) -> bytes:
        return _bytes_of(lambda path: self.write_ics(plan, path), "plan.ics")

    @staticmethod
    def plan_markdown(plan: StudyPlan) -> str:
        from loopcoach.practice.render import plan_markdown

        return plan_markdown(plan)

    @staticmethod
    def write_charts(progress: Progress, directory: Path) -> list[Path]:
        from loopcoach.export.charts import write_charts

        return write_charts(progress, directory)

    def chart_bytes(self, progress: Progress, name: str, ext: str) -> bytes:
        from loopcoach.export.charts import write_charts

        with tempfile.TemporaryDirectory() as tmp:
            write_charts(progress, Path(tmp))
            return (Path(tmp) / f"{name}.{ext}").read_bytes()

    # --- Anki and backups --------------------------------------------------------------------
    def write_anki(self, role: str, path: Path) -> DeckSummary:
        from loopcoach.export.anki import write_apkg

        pack = self._library().role(role)
        stories = self._practice.history(role=role).stories
        return write_apkg(pack, path, stories=stories, timestamp=self._clock().timestamp())

    def anki_bytes(self, role: str) -> bytes:
        self._library().role(role)  # an unknown role fails before anything is written
        return _bytes_of(lambda p: self.write_anki(role, p), "deck.apkg")

    def export_json(self, path: Path, *, now: datetime | None = None) -> dict[str, int]:
        from loopcoach.store.backup import export_file

        return export_file(self._engine(), path, now=now or self._clock())

    def export_data(self, *, now: datetime | None = None) -> dict[str, Any]:
        """Everything of this service's user, as the backup file holds it (`export json`)."""
        from loopcoach.store.backup import dump

        engine = self._engine()
        with engine.connect() as conn:
            user = self._owner(conn)
        return dump(engine, now=now or self._clock(), user=user)

    def import_upload(self, raw: bytes, *, where: str = "file") -> dict[str, int]:
        """An uploaded backup (the bytes `export_data` gave, as JSON) merged into this
        service's user's rows; rows added or changed per section. Every row is the user's;
        another user's rows are never matched or changed."""
        from loopcoach.store.backup import load_upload

        engine = self._engine()
        with engine.connect() as conn:
            user = self._owner(conn)
        return load_upload(engine, raw, user=user, where=where, max_bytes=MAX_IMPORT_BYTES)

    def import_data(self, data: Any, *, where: str = "the request body") -> dict[str, int]:
        """`import_upload` of a backup already parsed (an API request's JSON body)."""
        from loopcoach.store.backup import load_data

        engine = self._engine()
        with engine.connect() as conn:
            user = self._owner(conn)
        return load_data(engine, data, user=user, where=where)

    def import_json(self, path: Path) -> dict[str, int]:
        from loopcoach.store.backup import import_file

        return import_file(self._engine(), path)

    # --- the prep pack -----------------------------------------------------------------------
    @staticmethod
    def write_pack(pack: dict[str, Any], path: Path) -> Path:
        from loopcoach.export.prep import write_pack

        return write_pack(pack, path)

    @staticmethod
    def pack_markdown(pack: dict[str, Any]) -> str:
        from loopcoach.export.prep import render_markdown

        return render_markdown(pack)

    @staticmethod
    def pack_pdf(pack: dict[str, Any]) -> bytes:
        from loopcoach.export.prep import render_pdf

        return render_pdf(pack)


__all__ = ["MAX_IMPORT_BYTES", "PACK_SUFFIXES", "ExportService", "sparkline"]
