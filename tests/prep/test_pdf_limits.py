"""PDF résumés are read within explicit limits: pages (and page-tree nesting), decompressed
content, extracted text and wall time. Each hostile PDF below is refused quickly with a one-line
message that names the file and the limit, and a normal PDF still reads."""

from __future__ import annotations

import time

import pytest
from tests.prep import hostile_pdf as H

from loopcoach.errors import LoopcoachError
from loopcoach.prep import importers
from loopcoach.prep.importers import parse_history, pdf_text

FAST = 10.0  # seconds: each refusal takes well under one on a laptop; only a runaway fails


def refused(data: bytes) -> tuple[LoopcoachError, float]:
    start = time.monotonic()
    with pytest.raises(LoopcoachError) as err:
        pdf_text(data, "hostile.pdf")
    elapsed = time.monotonic() - start
    message = str(err.value)
    assert "\n" not in message and message.startswith("hostile.pdf: ")
    assert len(message) < 300
    return err.value, elapsed


def test_a_normal_pdf_reads() -> None:
    text, page_count = pdf_text(H.normal(3), "normal.pdf")
    assert page_count == 3
    assert text.count("Led the move of forty services") == 60


def test_flate_bomb_is_refused_before_it_expands() -> None:
    data = H.flate_bomb(100_000_000)  # 100 KB that inflates to 100 MB
    assert len(data) < 150_000
    err, elapsed = refused(data)
    assert err.code == "too-large" and "expands past the 4 MB limit" in err.message
    assert getattr(err, "http_status", 400) == 413
    assert elapsed < FAST


def test_total_decompressed_content_is_bounded() -> None:
    # each page's content (3.5 MB of spaces) is under the one-stream limit; three are not
    data = H.pages(3, H.NORMAL + b" " * 3_500_000)
    err, elapsed = refused(data)
    assert err.code == "too-large"
    assert f"more than {importers.MAX_PDF_STREAM_BYTES // 2**20} MB of content" in err.message
    assert elapsed < FAST


@pytest.mark.parametrize("count", [51, 5_000])
def test_too_many_pages_are_refused(count: int) -> None:
    err, elapsed = refused(H.pages(count))
    assert f"{count} pages" in err.message or "more than 50 pages" in err.message
    assert elapsed < FAST


def test_a_page_tree_nested_thousands_deep_is_refused() -> None:
    err, elapsed = refused(H.deep_page_tree(5_000))
    assert err.code == "too-large" and "nested more than 32 levels" in err.message
    assert elapsed < FAST


def test_deeply_nested_arrays_are_refused_without_a_crash() -> None:
    err, elapsed = refused(H.deep_arrays(100_000))
    assert err.code in ("too-large", "resume-corrupt")
    assert elapsed < FAST


def test_a_page_of_too_many_operations_is_refused() -> None:
    data = H.text_flood(40_000)  # 11 KB of PDF, 3 MB of content, 200,000 operations
    err, elapsed = refused(data)
    assert err.code == "too-large" and "40,000 drawing operations" in err.message
    assert elapsed < FAST


def test_extracted_text_is_bounded() -> None:
    data = H.text_pages(20, 3_000)  # each page is legal; their text is not
    err, elapsed = refused(data)
    assert err.code == "too-large" and "1,000,000 characters" in err.message
    assert elapsed < 3 * FAST


def test_wall_time_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # every page is legal; together they take longer than the (shortened) budget
    monkeypatch.setattr(importers, "MAX_PDF_SECONDS", 0.2)
    data = H.text_pages(40, 600, H.LINE)
    err, elapsed = refused(data)
    assert err.code == "too-slow" and "took longer than 0.2 s" in err.message
    assert elapsed < 3.0


def test_the_limits_hold_through_parse_history() -> None:
    with pytest.raises(LoopcoachError) as err:
        parse_history(H.flate_bomb(), "resume.pdf")
    assert err.value.message.startswith("resume.pdf: ")


@pytest.mark.parametrize("name", ["cv.txt", "cv.pdf"])
def test_reading_a_resume_stops_when_the_budget_is_spent(name: str) -> None:
    from loopcoach.budget import OverBudget, within

    data = H.normal(3) if name.endswith(".pdf") else b"Acme, TPM, 2020 - 2024\n- Led it\n" * 2000
    with within(0.0), pytest.raises(OverBudget):
        parse_history(data, name)
