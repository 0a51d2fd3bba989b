"""Shared for the interview tests: one library and one analyzer per test session."""

from __future__ import annotations

import pytest
from mock_driver import Driver

from loopcoach.analysis.embeddings import load_embedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import Library, load_library


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="session")
def analyzer(library: Library) -> Analyzer:
    return Analyzer(library, load_embedder())


@pytest.fixture
def driver(library: Library, analyzer: Analyzer) -> Driver:
    return Driver(library, analyzer)
