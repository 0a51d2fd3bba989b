"""Forecast ranges by hand, and a Monte Carlo that a seed makes repeatable."""

from __future__ import annotations

import pytest

from loopcoach.errors import LoopcoachError
from loopcoach.exercises.forecast import forecast, percentile


def test_forecast_range_by_hand() -> None:
    # mean (21 + 18 + 25) / 3 = 21.33: 100 / 21.33 = 4.69 -> 5 sprints;
    # best 25: 100 / 25 = 4; worst 18: 100 / 18 = 5.56 -> 6
    f = forecast([21, 18, 25], 100, seed=1, current_sprint=10)
    assert (f.optimistic, f.likely, f.pessimistic) == (4, 5, 6)
    assert f.mean == pytest.approx(64 / 3)
    # sprint 10 is the first of them: 4 sprints end in 13, 6 in 15
    assert f.finish(f.optimistic) == 13 and f.finish(f.pessimistic) == 15
    assert "between sprint 13 and 15" in f.explanation()


def test_forecast_window_is_the_last_five_by_default() -> None:
    f = forecast([10, 10, 21, 18, 25, 20], 94)
    assert f.window == (10, 21, 18, 25, 20)  # mean 18.8 -> 94 / 18.8 = 5 exactly
    assert f.likely == 5
    f3 = forecast([10, 10, 21, 18, 25, 20], 94, window=3)
    assert f3.window == (18, 25, 20) and f3.mean == pytest.approx(21)


def test_forecast_exact_division_does_not_round_up() -> None:
    assert forecast([20, 20, 25], 100).optimistic == 4


def test_forecast_monte_carlo_is_deterministic_with_a_seed() -> None:
    a = forecast([21, 18, 25, 9, 30], 200, seed=7, trials=2000)
    b = forecast([21, 18, 25, 9, 30], 200, seed=7, trials=2000)
    assert (a.p50, a.p85) == (b.p50, b.p85)
    assert a.to_dict() == b.to_dict()
    # every trial needs between 200/30 and 200/9 sprints
    assert 7 <= a.p50 <= a.p85 <= 23


def test_forecast_monte_carlo_with_constant_velocity() -> None:
    f = forecast([20, 20, 20], 100, seed=3, trials=500)
    assert (f.p50, f.p85) == (5, 5)


def test_forecast_zero_sprint_means_no_upper_bound() -> None:
    f = forecast([0, 18, 25], 100)
    assert f.pessimistic is None
    assert "no upper bound" in f.explanation()


def test_forecast_percentile_nearest_rank() -> None:
    values = list(range(1, 21))  # 1..20
    assert percentile(values, 50) == 10
    assert percentile(values, 85) == 17


@pytest.mark.parametrize(
    "velocities,remaining,words",
    [
        ([21, 18], 100, "at least 3"),
        ([21, -18, 25], 100, "0 or more"),
        ([21, 18, 25], 0, "more than 0"),
        ([0, 0, 0], 10, "0 points"),
    ],
)
def test_forecast_bad_input_is_clear(velocities: list[float], remaining: float, words: str) -> None:
    with pytest.raises(LoopcoachError, match=words):
        forecast(velocities, remaining)


@pytest.mark.parametrize(
    "velocities,remaining",
    [
        ([21, float("inf"), 25], 100),
        ([21, float("nan"), 25], 100),
        ([21, 18, 25], float("inf")),
        ([21, 18, 25], float("nan")),
        ([21, 18, 25], 1e12),
    ],
)
def test_exercises_forecast_rejects_non_finite_numbers(
    velocities: list[float], remaining: float
) -> None:
    with pytest.raises(LoopcoachError):
        forecast(velocities, remaining)
