"""An uploaded PDF is read in a child process with a hard time and memory limit: a page pypdf
cannot interrupt is killed, a reader that grows past its memory is stopped, and each ends in one
line; a normal PDF reads as it does in-process."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from tests.prep import hostile_pdf as H

from loopcoach.app import isolated
from loopcoach.budget import OverBudget, within
from loopcoach.errors import LoopcoachError
from loopcoach.prep import importers

# one page of 7,900 wide lines: under the per-page operation limit, and a single extract_text
# call of several seconds, which the in-process budget cannot interrupt
SLOW_PAGE = H.text_pages(1, 7_900, H.WIDE)


def one_line(err: LoopcoachError) -> str:
    message = str(err)
    assert "\n" not in message and message.startswith("cv.pdf: ") and len(message) < 300
    return message


def no_children_left() -> None:
    assert not multiprocessing.active_children()


def test_a_normal_pdf_reads_as_in_process() -> None:
    isolated.pdf_text(H.normal(1), "warm.pdf")  # the fork server starts once
    start = time.monotonic()
    assert isolated.pdf_text(H.normal(3), "cv.pdf") == importers.pdf_text(H.normal(3), "cv.pdf")
    assert time.monotonic() - start < 2.0
    no_children_left()


@pytest.mark.parametrize(
    "make,code",
    [
        (H.flate_bomb, "too-large"),
        (H.deep_page_tree, "too-large"),
        (H.text_flood, "too-large"),
        (H.deep_arrays, "resume-corrupt"),
    ],
)
def test_hostile_pdfs_get_the_readers_one_line_error(make: object, code: str) -> None:
    with pytest.raises(LoopcoachError) as err:
        isolated.pdf_text(make(), "cv.pdf")  # type: ignore[operator]
    assert err.value.code == code
    one_line(err.value)
    no_children_left()


def test_a_page_that_cannot_be_interrupted_is_killed() -> None:
    start = time.monotonic()
    with pytest.raises(OverBudget) as err:
        isolated.pdf_text(SLOW_PAGE, "cv.pdf", seconds=0.2)
    elapsed = time.monotonic() - start
    assert "took longer than 0.2 s" in one_line(err.value)
    assert elapsed < 0.2 + isolated.GRACE_SECONDS + 1.5
    no_children_left()


def test_the_requests_budget_stops_the_child() -> None:
    start = time.monotonic()
    with within(0.3, what="this request"), pytest.raises(OverBudget):
        isolated.pdf_text(SLOW_PAGE, "cv.pdf")
    assert time.monotonic() - start < 2.0
    no_children_left()


def test_a_reader_over_its_memory_is_stopped() -> None:
    data = H.pages(2, H.NORMAL + b" " * 3_500_000)
    with pytest.raises(LoopcoachError) as err:
        isolated.pdf_text(data, "cv.pdf", memory=40 * 2**20)
    assert err.value.code == "too-large"
    assert "more than 40 MB of memory" in one_line(err.value)
    assert getattr(err.value, "http_status", 400) == 413
    no_children_left()


def test_the_prep_service_reads_pdfs_in_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    from loopcoach.app.prep import PrepService

    calls: list[str] = []
    real = isolated.pdf_text

    def spy(data: bytes, name: str, **kw: object) -> tuple[str, int]:
        calls.append(name)
        return real(data, name)

    monkeypatch.setattr(isolated, "pdf_text", spy)
    service = PrepService(lambda: None, lambda: None, lambda: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(LoopcoachError):
        service.history(H.flate_bomb(), "cv.pdf")
    assert calls == ["cv.pdf"]


def test_a_daemonic_worker_reads_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # multiprocessing forbids children of daemonic processes: such a worker reads in-process
    monkeypatch.setattr(multiprocessing.current_process(), "_config", {"daemon": True})
    assert isolated.pdf_text(H.normal(2), "cv.pdf")[1] == 2


def test_the_child_reads_at_a_lower_priority_than_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    # The child's own code, in a plain fork (which keeps this stand-in reader): it reports the
    # niceness it reads at.
    monkeypatch.setattr(importers, "pdf_text", lambda data, name: (str(os.nice(0)), 1))
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=isolated._child, args=(send, b"%PDF", "cv.pdf", 5.0, isolated.MAX_PDF_MEMORY)
    )
    child.start()
    send.close()
    assert receive.poll(30)
    status, niceness, _pages = receive.recv()
    child.join(5)
    assert status == "ok"
    assert int(niceness) == min(19, os.nice(0) + isolated.CHILD_NICENESS)
    assert isolated.CHILD_NICENESS >= 5
