"""Every exercise stops when its work budget is spent: at the largest input the limits allow,
each one, run under a budget that is already up, raises OverBudget instead of finishing. (The
web app gives each request a budget and cancels it when the client leaves; see
tests/web/security/test_request_budget.py.) A plan of 250,000 headings is read in linear time.
Times are CPU seconds of this process, so a busy machine does not fail them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from loopcoach.budget import OverBudget, within
from loopcoach.exercises import acceptance, backlog, critical_path, forecast, kano, program, slicing
from loopcoach.exercises.files import parse_csv

ROWS = 1_000


def _backlog() -> Any:
    items = backlog.items_from_records(
        parse_csv(
            "id,title,business_value,time_criticality,risk_reduction,job_size\n"
            + "\n".join(f"b{n},B{n},{n},1,1,1" for n in range(ROWS)),
            source="b.csv",
        )
    )
    return backlog.prioritise(items, my_order=[f"b{n}" for n in range(ROWS)], against="wsjf")


def _critical_path() -> Any:
    ws = critical_path.workstreams_from_records(
        parse_csv(
            "id,name,duration,depends_on\nw0,Start,1,\n"
            + "\n".join(f"w{n},Step {n},1,w{n - 1}" for n in range(1, ROWS)),
            source="w.csv",
        )
    )
    return critical_path.schedule(ws)


def _monte_carlo() -> Any:
    return forecast.forecast([1, 1, 1], 999, trials=20_000)


def _kano() -> Any:
    return kano.classify(
        parse_csv("feature,functional,dysfunctional\n" + "f,like,dislike\n" * ROWS, source="k.csv")
    )


def _slices() -> Any:
    text = "## Slices\n" + "- As a shopper I want to pay by card so that I can check out\n" * ROWS
    epic, stories = slicing.parse(text, source="s.md", is_yaml=False)
    return slicing.check_slices(epic, stories)


def _acceptance() -> Any:
    return acceptance.lint("Given a user\nWhen they pay\nThen it is fast\n" * 5_000)


def _plan() -> Any:
    return program.check_plan("# Heading\n" * 250_000)


WORK: dict[str, Callable[[], Any]] = {
    "backlog": _backlog,
    "critical-path": _critical_path,
    "monte-carlo": _monte_carlo,
    "kano": _kano,
    "slices": _slices,
    "acceptance": _acceptance,
    "plan": _plan,
}


@pytest.mark.parametrize("name", WORK)
def test_each_exercise_stops_when_its_budget_is_spent(name: str) -> None:
    start = time.process_time()
    with within(0.0), pytest.raises(OverBudget) as err:
        WORK[name]()
    assert "took longer than 0 s" in err.value.message
    assert time.process_time() - start < 5.0


def test_a_monte_carlo_that_cannot_finish_is_not_drawn() -> None:
    start = time.process_time()
    result = forecast.forecast([0.001] * 5, 1e9, trials=20_000)
    assert result.p50 == result.p85 == forecast.MAX_SPRINTS
    assert time.process_time() - start < 1.0


@pytest.mark.slow  # a 250,000-line plan
def test_plan_sections_are_linear_in_the_headings() -> None:
    # CPU seconds of this process (about 2.5 s): other work on the machine does not count
    start = time.process_time()
    result = program.check_plan("# Heading\n" * 250_000)  # took 280 s when it was quadratic
    assert result.present
    assert time.process_time() - start < 30.0


def test_sections_keep_their_extent() -> None:
    secs = program.sections("# A\nx\n## B\ny\n## C\nz\n# D\nw\n")
    assert [(s.title, s.text) for s in secs] == [
        ("A", "# A\nx\n## B\ny\n## C\nz"),
        ("B", "## B\ny"),
        ("C", "## C\nz"),
        ("D", "# D\nw"),
    ]
