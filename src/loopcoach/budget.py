"""Work budgets: a long computation stops when its time is up or when nobody waits for it.

A face opens a budget around a request (`within(seconds)`); the core's long loops call
`checkpoint(what)`, which does nothing outside a budget (the CLI, the tests of the core), raises
`OverBudget` (a 413 with a one-line message) when the time is up, and `Cancelled` once the face
has called `Budget.cancel()` (the web client disconnected). The budget travels in a context
variable, which threads started with `anyio.to_thread` (FastAPI's sync routes) inherit, so the
core's signatures do not change.

    with within(10.0, what="the backlog"):
        prioritise(items)  # stops within a checkpoint of 10 s, or of the client leaving
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from loopcoach.limits import LimitError


class OverBudget(LimitError):
    """The work took longer than its budget: the input is too big to work through."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(
            f"{what} took longer than {seconds:g} s, the time limit; "
            "make the input smaller (fewer rows, pages or trials) and try again"
        )
        self.code = "too-slow"


class Cancelled(Exception):
    """Nobody waits for the result any more (the client disconnected): stop the work."""


@dataclass
class Budget:
    seconds: float
    what: str = "the request"
    deadline: float = field(init=False)
    parent: Budget | None = None
    cancelled: bool = False
    checks: int = 0  # checkpoints passed: shows that a computation was stopped part-way

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def cancel(self) -> None:
        """Called from another thread or the event loop: the next checkpoint raises."""
        self.cancelled = True

    def check(self, what: str | None = None) -> None:
        if self.cancelled or (self.parent is not None and self.parent.cancelled):
            raise Cancelled(what or self.what)
        if time.monotonic() > self.deadline:
            raise OverBudget(what or self.what, self.seconds)
        self.checks += 1

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


_current: ContextVar[Budget | None] = ContextVar("loopcoach_budget", default=None)


def current() -> Budget | None:
    return _current.get()


def checkpoint(what: str | None = None) -> None:
    """Stop here if the budget is spent or cancelled; free outside a budget."""
    budget = _current.get()
    if budget is not None:
        budget.check(what)


@contextmanager
def within(seconds: float, *, what: str = "the request") -> Iterator[Budget]:
    """A budget of `seconds` for the work inside; nested budgets never outlive the outer one
    (and share its cancellation)."""
    outer = _current.get()
    if outer is not None and outer.left() <= seconds:
        yield outer
        return
    budget = Budget(seconds, what, parent=outer)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
