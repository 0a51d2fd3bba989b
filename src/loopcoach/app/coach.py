"""`Coach`: the shared things, built once per process, and the services that use them.

Expensive things (the pack library, the embedding model, the database engine) are made on first
use, so `loopcoach --help` and the browsing commands start quickly; services get them through
zero-argument providers and never see the `Coach` itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from loopcoach.app.owner import Owner, fixed_owner, local_owner
from loopcoach.config import Settings

if TYPE_CHECKING:  # the modules load on first use, so `loopcoach --help` starts quickly
    from sqlalchemy import Engine

    from loopcoach.analysis.engine import Analyzer
    from loopcoach.app.accounts import AccountsService
    from loopcoach.app.analysis import AnalysisService
    from loopcoach.app.attempts import Attempts
    from loopcoach.app.cohorts import CohortView
    from loopcoach.app.exercises import ExercisesService
    from loopcoach.app.exports import ExportService
    from loopcoach.app.mock import MockService
    from loopcoach.app.practice import PracticeService
    from loopcoach.app.prep import PrepService
    from loopcoach.app.ratelimits import RateLimits
    from loopcoach.app.uploads import Uploads
    from loopcoach.content.library import Library
    from loopcoach.content.search import Hit, SearchIndex
    from loopcoach.prep.matching import Matcher

Clock = Callable[[], datetime]
_ANALYZER_LOCK = threading.Lock()


def utcnow() -> datetime:
    return datetime.now(UTC)


class Coach:
    """The application. `Coach(settings)` serves the implicit local user; `for_owner(id)` gives
    a coach for one signed-in user (hosted mode), sharing this one's library, model and
    database, whose services read and write that user's rows only."""

    def __init__(self, settings: Settings, *, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        self.owner_id: int | None = None  # None: the local user
        self._owner: Owner = local_owner
        self._root: Coach | None = None

    def for_owner(self, user_id: int) -> Coach:
        """A coach whose services act for user `user_id` only (cheap: shares everything
        expensive with this one)."""
        root = self._root or self
        child = Coach(root.settings, clock=root.clock)
        child.owner_id = user_id
        child._owner = fixed_owner(user_id)
        child._root = root
        return child

    # --- shared things ---------------------------------------------------------------------
    @cached_property
    def library(self) -> Library:
        if self._root is not None:
            return self._root.library
        from loopcoach.content.cached import cached_library

        return cached_library(self.settings.pack_dirs, self.settings.cache_dir)

    @cached_property
    def search_index(self) -> SearchIndex:
        if self._root is not None:
            return self._root.search_index
        from loopcoach.content.search import SearchIndex

        return SearchIndex.from_library(self.library)

    def search(self, text: str, *, role: str | None = None, limit: int = 10) -> list[Hit]:
        from loopcoach.content.search import SearchIndex

        if role:
            self.library.role(role)  # unknown role -> clear error
            return SearchIndex.from_library(self.library, role).search(text, limit=limit)
        return self.search_index.search(text, limit=limit)

    @cached_property
    def analyzer(self) -> Analyzer:
        """The analysis engine with the embedding model, loaded once per process (a request
        arriving while `warm_up` loads it waits for that load instead of starting another)."""
        if self._root is not None:
            return self._root.analyzer
        with _ANALYZER_LOCK:
            made = self.__dict__.get("analyzer")
            if made is not None:
                return made  # type: ignore[no-any-return]
            from loopcoach.analysis.embeddings import EmbeddingCache, load_embedder
            from loopcoach.analysis.engine import Analyzer

            embedder = load_embedder()
            cache = EmbeddingCache(self.settings.cache_dir, embedder.name)
            made = Analyzer(self.library, embedder, cache=cache)
            self.__dict__["analyzer"] = made  # before the lock is released
            return made

    @cached_property
    def matcher(self) -> Matcher:
        """The prep matcher: the analyzer's embedder and its disk cache (pack text only)."""
        if self._root is not None:
            return self._root.matcher
        from loopcoach.prep.matching import Matcher

        analyzer = self.analyzer
        return Matcher(analyzer.embedder, cache=analyzer.cache)

    @cached_property
    def engine(self) -> Engine:
        """The database, migrated to the newest schema on first use."""
        if self._root is not None:
            return self._root.engine
        from loopcoach.store import make_engine, upgrade

        settings = self.settings
        engine = make_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        upgrade(engine)
        return engine

    def warm_up(self) -> None:
        """Load the embedding model and the question index and score one short answer, so the
        user's first analysis, mock answer or prep pack does not wait for them (`loopcoach
        serve` runs this in a background thread). Nothing is stored."""
        self.analysis.analyze(
            "Tell me about a time you led a project across teams.",
            "I led the migration of 12 services with three teams and we cut costs by 20%.",
        )

    def warm_up_in_background(self, then: Callable[[], None] | None = None) -> threading.Thread:
        """`warm_up` in a daemon thread; a failure is logged, never fatal (the first request
        then loads what it needs, and reports any problem itself). Each `loopcoach serve` worker
        process does this once, so the model is loaded once per worker. `then` runs after the
        warm-up, whether it worked or not."""

        def run() -> None:
            try:
                self.warm_up()
            except Exception:  # the request path reports real problems itself
                logging.getLogger("loopcoach.web").warning("warm-up failed", exc_info=True)
            if then is not None:
                then()

        thread = threading.Thread(target=run, name="loopcoach-warm-up", daemon=True)
        thread.start()
        return thread

    # --- services ----------------------------------------------------------------------------
    @cached_property
    def attempts(self) -> Attempts:
        """Scored attempts, practice-card reviews and answers held until they are scored."""
        from loopcoach.app.attempts import Attempts

        return Attempts(lambda: self.engine, clock=self.clock, owner=self._owner)

    @cached_property
    def analysis(self) -> AnalysisService:
        from loopcoach.app.analysis import AnalysisService

        return AnalysisService(lambda: self.analyzer, self.attempts, clock=self.clock)

    @cached_property
    def mock(self) -> MockService:
        from loopcoach.app.mock import MockService

        return MockService(
            lambda: self.library,
            lambda: self.analyzer,
            lambda: self.engine,
            self.attempts,
            clock=self.clock,
        )

    @cached_property
    def practice(self) -> PracticeService:
        from loopcoach.app.practice import PracticeService

        return PracticeService(
            lambda: self.library, lambda: self.engine, self.attempts, self.analysis
        )

    @cached_property
    def prep(self) -> PrepService:
        from loopcoach.app.prep import PrepService

        return PrepService(
            lambda: self.library,
            lambda: self.matcher,
            lambda: self.engine,
            clock=self.clock,
            owner=self._owner,
        )

    @cached_property
    def exercises(self) -> ExercisesService:
        from loopcoach.app.exercises import ExercisesService

        return ExercisesService(lambda: self.library, lambda: self.analyzer.embedder)

    @cached_property
    def exports(self) -> ExportService:
        from loopcoach.app.exports import ExportService

        return ExportService(
            lambda: self.library,
            lambda: self.engine,
            self.practice,
            clock=self.clock,
            owner=self._owner,
        )

    @cached_property
    def accounts(self) -> AccountsService:
        """Users, sign-in, sessions, resets, cohorts, audit log: hosted mode's groundwork (local
        mode never signs in; the CLI's `loopcoach admin` commands use it)."""
        if self._root is not None:
            return self._root.accounts
        from loopcoach.app.accounts import AccountsService

        return AccountsService(
            lambda: self.engine,
            clock=self.clock,
            address_limit=self.settings.login_failures_per_address,
        )

    @cached_property
    def cohorts(self) -> CohortView:
        """A coach's read-only view of their cohorts' learners (hosted mode)."""
        from loopcoach.app.cohorts import CohortView

        root = self._root or self
        return CohortView(lambda: root.accounts, lambda uid: root.for_owner(uid).practice)

    @cached_property
    def limits(self) -> RateLimits:
        """Per-user rate limits on analyses and uploads: the signed-in owner's (hosted mode),
        none for the local user."""
        from loopcoach.app.ratelimits import RateLimits

        settings = self.settings
        return RateLimits(
            lambda: self.engine,
            self.owner_id,
            clock=self.clock,
            limits={"analysis": settings.rate_analyses, "upload": settings.rate_uploads},
        )

    @cached_property
    def uploads(self) -> Uploads:
        from loopcoach.app.uploads import Uploads

        return Uploads()
