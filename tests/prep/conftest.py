"""Prep tests: one embedder and one library per session; the fixture résumés in every format."""

from __future__ import annotations

import pytest
from tests.prep.resumes import load_resume

from loopcoach.analysis.embeddings import EmbeddingCache, load_embedder
from loopcoach.content.library import Library, load_library
from loopcoach.prep.matching import Matcher


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="session")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """One embedder per session; pack text is cached in the directory the CLI tests use."""
    embedder = load_embedder()
    cache_dir = tmp_path_factory.getbasetemp() / "embeddings"
    return Matcher(embedder, cache=EmbeddingCache(cache_dir, embedder.name))


@pytest.fixture(scope="session")
def tpm_pack(library: Library, matcher: Matcher):  # type: ignore[no-untyped-def]
    from loopcoach.prep.pack import build_pack, draft_for

    history = load_resume("tpm.pdf")
    role = library.role("tpm")
    resume, drafts = draft_for(history, role, matcher)
    return build_pack(history, role, matcher=matcher, stories=drafts, resume=resume)
