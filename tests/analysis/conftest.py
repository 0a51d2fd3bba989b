"""One analyzer per test session: the model loads once, as in the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.analysis.embeddings import load_embedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import load_library

ANALYSIS_FIXTURES = Path(__file__).parents[1] / "fixtures" / "analysis"


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer(load_library(), load_embedder())


@pytest.fixture(scope="session")
def story() -> str:
    return (ANALYSIS_FIXTURES / "alignment_story.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def rambling() -> str:
    return (ANALYSIS_FIXTURES / "rambling.txt").read_text(encoding="utf-8")
