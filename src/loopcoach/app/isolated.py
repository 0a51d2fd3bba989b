"""Reading an uploaded PDF in a child process with a hard time and memory limit.

pypdf cannot be interrupted inside one page, so the in-process budget (`loopcoach.budget`)
only stops a hostile PDF between pages. Here the reading runs in a child process started from
a fork server (one clean process forked per PDF: a few milliseconds, not an interpreter start),
with `RLIMIT_AS` (memory) and `RLIMIT_CPU` (CPU seconds) set, and is killed when its wall time
is up or the request's own budget ends (the client left). Whatever happens, the caller gets the
text or one `LoopcoachError` line.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from multiprocessing.connection import Connection
from typing import Any

from loopcoach.budget import OverBudget, checkpoint
from loopcoach.errors import LoopcoachError
from loopcoach.limits import LimitError
from loopcoach.prep import importers

MAX_PDF_MEMORY = 512 * 2**20  # address space of the child: a 50-page résumé needs ~100 MB
GRACE_SECONDS = 1.0  # past the reader's own limit, before the child is killed
POLL_SECONDS = 0.02
# The child yields the CPU to the server: a PDF being read (a hostile one can take its whole 15
# seconds) runs after the event loop and the other requests, not beside them as an equal.
CHILD_NICENESS = 10


def _context() -> Any:
    """The fork server, started once per process with the PDF reader already imported."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", "loopcoach.app.isolated", "pypdf"])
    return ctx


def _child(conn: Connection, data: bytes, name: str, seconds: float, memory: int) -> None:
    import os
    import resource

    os.nice(CHILD_NICENESS)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(seconds + GRACE_SECONDS) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    importers.MAX_PDF_SECONDS = seconds
    try:
        text, pages = importers.pdf_text(data, name)
        conn.send(("ok", text, pages))
    except LoopcoachError as exc:
        conn.send(("error", exc.code, exc.message, int(getattr(exc, "http_status", 400))))
    except MemoryError:
        conn.send(("memory",))
    finally:
        conn.close()


def _too_much_memory(name: str, memory: int) -> LoopcoachError:
    return LimitError(
        f"{name}: reading the PDF needs more than {memory // 2**20} MB of memory; a résumé "
        "needs far less, so export the PDF again (text, no embedded scans) or paste the text"
    )


def _error(result: tuple[Any, ...], what: str, seconds: float) -> LoopcoachError:
    _, code, message, status = result
    if code == "too-slow":  # the child's own time limit struck first: the same answer as a kill
        return OverBudget(what, seconds)
    if status == 413:
        err: LoopcoachError = LimitError(message)
        err.code = code
        return err
    return LoopcoachError(code, message)


def pdf_text(
    data: bytes, name: str, *, seconds: float | None = None, memory: int = MAX_PDF_MEMORY
) -> tuple[str, int]:
    """`importers.pdf_text(data, name)` in a child process: (text, page count), or the
    reader's one-line error; a child over its time or memory is killed and named as such."""
    seconds = importers.MAX_PDF_SECONDS if seconds is None else seconds
    if multiprocessing.current_process().daemon:  # a daemonic worker may not start children
        return importers.pdf_text(data, name)
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, data, name, seconds, memory))
    proc.start()
    send.close()
    what = f"{name}: reading the PDF"
    deadline = time.monotonic() + seconds + GRACE_SECONDS
    result: tuple[Any, ...] | None = None
    try:
        while True:
            if receive.poll(POLL_SECONDS):
                try:
                    result = receive.recv()
                except EOFError:  # it died before it could answer
                    result = None
                break
            if not proc.is_alive() and not receive.poll(0):
                break
            checkpoint(what)  # the request's budget: stop when it is spent or the client left
            if time.monotonic() > deadline:
                raise OverBudget(what, seconds)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receive.close()
    if result is None:
        if proc.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise OverBudget(what, seconds)
        raise _too_much_memory(name, memory)
    if result[0] == "ok":
        return str(result[1]), int(result[2])
    if result[0] == "memory":
        raise _too_much_memory(name, memory)
    raise _error(result, what, seconds)
