"""Shared for the interview tests: the mock-interview driver on the session's library and
analyzer (tests/conftest.py)."""

from __future__ import annotations

import pytest
from mock_driver import Driver

from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import Library


@pytest.fixture
def driver(library: Library, analyzer: Analyzer) -> Driver:
    return Driver(library, analyzer)
