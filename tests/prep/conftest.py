"""Prep tests: the built tpm pack from the fixture résumé (the session's library and matcher are
in tests/conftest.py)."""

from __future__ import annotations

import pytest
from tests.prep.resumes import load_resume

from loopcoach.content.library import Library
from loopcoach.prep.matching import Matcher


@pytest.fixture(scope="session")
def tpm_pack(library: Library, matcher: Matcher):  # type: ignore[no-untyped-def]
    from loopcoach.prep.pack import build_pack, draft_for

    history = load_resume("tpm.pdf")
    role = library.role("tpm")
    resume, drafts = draft_for(history, role, matcher)
    return build_pack(history, role, matcher=matcher, stories=drafts, resume=resume)
