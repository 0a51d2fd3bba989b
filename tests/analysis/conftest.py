"""Fixtures for the analysis tests; the session's analyzer is in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from loopcoach.analysis import embeddings

ANALYSIS_FIXTURES = Path(__file__).parents[1] / "fixtures" / "analysis"


@pytest.fixture
def fresh_loader(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No LOOPCOACH_EMBEDDER from the environment, and embedders loaded afresh (and after)."""
    monkeypatch.delenv(embeddings.ENV_VAR, raising=False)
    embeddings.clear_embedder_cache()
    yield
    embeddings.clear_embedder_cache()


@pytest.fixture(scope="session")
def story() -> str:
    return (ANALYSIS_FIXTURES / "alignment_story.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def rambling() -> str:
    return (ANALYSIS_FIXTURES / "rambling.txt").read_text(encoding="utf-8")
