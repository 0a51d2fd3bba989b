"""The facade the faces use: wires settings, content, analysis and the store.

CLI commands and web routes call a `Coach`; none of them holds domain logic. Expensive things
(the pack library, the database engine) are created on first use and kept for the process.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from loopcoach.config import Settings
from loopcoach.content.library import Library, load_library
from loopcoach.content.search import Hit, SearchIndex
from loopcoach.domain.analysis import Analysis, Timing

if TYPE_CHECKING:
    from loopcoach.analysis.engine import Analyzer


class Coach:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def library(self) -> Library:
        return load_library(self.settings.pack_dirs)

    @cached_property
    def search_index(self) -> SearchIndex:
        return SearchIndex.from_library(self.library)

    def search(self, text: str, *, role: str | None = None, limit: int = 10) -> list[Hit]:
        if role:
            self.library.role(role)  # unknown role -> clear error
            return SearchIndex.from_library(self.library, role).search(text, limit=limit)
        return self.search_index.search(text, limit=limit)

    @cached_property
    def analyzer(self) -> Analyzer:
        """The analysis engine with the embedding model, loaded once per process."""
        from loopcoach.analysis.embeddings import EmbeddingCache, load_embedder
        from loopcoach.analysis.engine import Analyzer

        embedder = load_embedder()
        cache = EmbeddingCache(self.settings.cache_dir, embedder.name)
        return Analyzer(self.library, embedder, cache=cache)

    def analyze(
        self,
        question: str,
        answer: str,
        *,
        role: str | None = None,
        question_id: str | None = None,
        timing: Timing | None = None,
    ) -> Analysis:
        return self.analyzer.analyze(
            question, answer, role=role, question_id=question_id, timing=timing
        )

    @cached_property
    def engine(self) -> Engine:
        """The database, migrated to the newest schema on first use."""
        from loopcoach.store import make_engine, upgrade

        engine = make_engine(self.settings.database_url)
        upgrade(engine)
        return engine
