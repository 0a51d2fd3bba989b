"""Work budgets (loopcoach.budget): a checkpoint is free outside a budget, stops the work when
the time is up (a 413-style LimitError) or once the budget is cancelled, and the budget reaches
the worker threads FastAPI runs sync routes in."""

from __future__ import annotations

import anyio
import pytest

from loopcoach.budget import Cancelled, OverBudget, checkpoint, current, within
from loopcoach.limits import LimitError


def test_a_checkpoint_is_free_outside_a_budget() -> None:
    assert current() is None
    for _ in range(1000):
        checkpoint()


def test_time_up_raises_a_413_with_one_line() -> None:
    with within(0.0, what="the test"), pytest.raises(OverBudget) as err:
        checkpoint()
    assert isinstance(err.value, LimitError) and err.value.http_status == 413
    assert err.value.code == "too-slow"
    assert "the test took longer than 0 s" in err.value.message
    assert "\n" not in err.value.message


def test_cancel_stops_at_the_next_checkpoint() -> None:
    with within(60.0) as budget:
        checkpoint()
        budget.cancel()
        with pytest.raises(Cancelled):
            checkpoint()


def test_an_inner_budget_never_outlives_the_outer_and_shares_its_cancel() -> None:
    with within(60.0) as outer:
        with within(600.0) as inner:
            assert inner is outer  # the outer one ends first
        with within(1.0) as short:
            assert short is not outer and short.seconds == 1.0
            outer.cancel()
            with pytest.raises(Cancelled):
                checkpoint()
    assert current() is None


def test_the_budget_reaches_worker_threads() -> None:
    async def main() -> object:
        with within(0.0):
            return await anyio.to_thread.run_sync(_checkpoint_result)

    assert anyio.run(main) == "over budget"


def _checkpoint_result() -> str:
    try:
        checkpoint()
    except OverBudget:
        return "over budget"
    return "not stopped"
