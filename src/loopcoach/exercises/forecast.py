"""Sprint forecast from velocity history: a simple range and a seeded Monte Carlo.

- Range: the window is the last 3–5 sprints (5 by default, fewer when fewer are given). At the
  window's mean velocity the remaining points take ceil(remaining / mean) sprints; at its best
  sprint ceil(remaining / max) (optimistic) and at its worst ceil(remaining / min) (pessimistic).
- Monte Carlo: each trial draws past velocities at random (with replacement, from every sprint
  given) until the remaining points are done and counts the sprints; p50 and p85 are the
  nearest-rank percentiles of those counts. The random generator is `random.Random(seed)`, so
  the same inputs and seed give the same answer.
- With `current_sprint` K (the first sprint that works on the remaining points), n sprints of
  work finish in sprint K + n − 1.

Pure: no I/O, no global random state.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loopcoach.budget import checkpoint
from loopcoach.errors import LoopcoachError
from loopcoach.exercises.files import plain

MIN_WINDOW, MAX_WINDOW = 3, 5
MAX_SPRINTS = 1000  # a trial that needs more is reported as "more than 1000"


def _sprints(remaining: float, velocity: float) -> int | None:
    return math.ceil(remaining / velocity - 1e-9) if velocity > 0 else None


@dataclass(frozen=True)
class Forecast:
    velocities: tuple[float, ...]
    window: tuple[float, ...]
    remaining: float
    optimistic: int | None  # sprints at the window's best velocity
    likely: int  # at its mean
    pessimistic: int | None  # at its worst (None when a sprint in the window delivered 0)
    p50: int
    p85: int
    seed: int
    trials: int
    current_sprint: int | None = None

    @property
    def mean(self) -> float:
        return sum(self.window) / len(self.window)

    def finish(self, sprints: int | None) -> int | None:
        if sprints is None or self.current_sprint is None:
            return None
        return self.current_sprint + sprints - 1

    def explanation(self) -> str:
        window = ", ".join(f"{plain(v)}" for v in self.window)
        text = (
            f"The last {len(self.window)} sprints ({window}) average {self.mean:.1f} points, "
            f"so {plain(self.remaining)} points take about {self.likely} sprints"
        )
        if self.pessimistic is None:
            text += (
                f" ({self.optimistic} at the best pace; a sprint with 0 points means no "
                "upper bound)."
            )
        elif self.optimistic == self.pessimistic:
            text += "."
        else:
            text += f" ({self.optimistic} at the best pace, {self.pessimistic} at the slowest)."
        runs = f" Resampling past sprints {self.trials} times (seed {self.seed}): "
        if self.p50 == self.p85:
            runs += f"85% of the runs finish within {self.p85} sprints."
        else:
            runs += f"half the runs finish within {self.p50} sprints and 85% within {self.p85}."
        text += runs
        if self.current_sprint is not None:
            low, likely = self.finish(self.optimistic), self.finish(self.likely)
            high = self.finish(self.pessimistic)
            span = (
                f"from sprint {low} on (no upper bound)"
                if high is None
                else f"in sprint {low}"
                if low == high
                else f"between sprint {low} and {high}"
            )
            mc = (
                f"sprint {self.finish(self.p85)} at 85% confidence"
                if self.p50 == self.p85
                else f"sprint {self.finish(self.p50)} at 50% and sprint "
                f"{self.finish(self.p85)} at 85% confidence"
            )
            text += (
                f" Starting in sprint {self.current_sprint}, the work finishes {span} "
                f"(most likely sprint {likely}); the Monte Carlo says {mc}, so commit to "
                f"sprint {self.finish(self.p85)}."
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        finish = None
        if self.current_sprint is not None:
            finish = {
                "optimistic": self.finish(self.optimistic),
                "likely": self.finish(self.likely),
                "pessimistic": self.finish(self.pessimistic),
                "p50": self.finish(self.p50),
                "p85": self.finish(self.p85),
            }
        return {
            "velocities": [plain(v) for v in self.velocities],
            "window": [plain(v) for v in self.window],
            "remaining": plain(self.remaining),
            "mean": round(self.mean, 2),
            "min": plain(min(self.window)),
            "max": plain(max(self.window)),
            "range": {
                "optimistic": self.optimistic,
                "likely": self.likely,
                "pessimistic": self.pessimistic,
            },
            "monte_carlo": {
                "seed": self.seed,
                "trials": self.trials,
                "p50": self.p50,
                "p85": self.p85,
            },
            "current_sprint": self.current_sprint,
            "finish_sprint": finish,
            "explanation": self.explanation(),
        }


def percentile(sorted_values: Sequence[int], p: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def monte_carlo(
    velocities: Sequence[float], remaining: float, *, seed: int, trials: int
) -> list[int]:
    """Sprints needed in each trial, ascending. Within the work budget: a trial that cannot
    finish within MAX_SPRINTS even at the best velocity is not drawn at all."""
    if not velocities or remaining - 1e-9 > MAX_SPRINTS * max(velocities):
        return [MAX_SPRINTS] * trials  # every trial would stop at the cap
    rng = random.Random(seed)
    counts = []
    for trial in range(trials):
        if trial % 64 == 0:
            checkpoint("the Monte Carlo forecast")
        done, sprints = 0.0, 0
        while done < remaining - 1e-9 and sprints < MAX_SPRINTS:
            done += rng.choice(velocities)
            sprints += 1
        counts.append(sprints)
    return sorted(counts)


def forecast(
    velocities: Sequence[float],
    remaining: float,
    *,
    window: int = MAX_WINDOW,
    seed: int = 42,
    trials: int = 10_000,
    current_sprint: int | None = None,
) -> Forecast:
    vs = tuple(float(v) for v in velocities)
    if len(vs) < MIN_WINDOW:
        raise LoopcoachError(
            "too-few-sprints",
            f"velocities: {len(vs)} sprint(s) given; give at least "
            f"{MIN_WINDOW} completed sprints, oldest first (e.g. 21,18,25)",
        )
    if any(v < 0 or not math.isfinite(v) for v in vs):
        raise LoopcoachError(
            "bad-value", "velocities: points per sprint must be finite numbers, 0 or more"
        )
    if not MIN_WINDOW <= window <= MAX_WINDOW:
        raise LoopcoachError("bad-value", f"window: {window} sprints; use 3, 4 or 5")
    if not math.isfinite(remaining) or remaining > 1e9:
        raise LoopcoachError(
            "bad-value", "remaining: give a finite number of points, at most 1,000,000,000"
        )
    if remaining <= 0:
        raise LoopcoachError(
            "bad-value",
            f"remaining: {plain(remaining)} points; give the points still to do, more than 0",
        )
    if not 1 <= trials <= 200_000:
        raise LoopcoachError("bad-value", f"trials: {trials}; use 1 to 200000")
    if current_sprint is not None and current_sprint < 1:
        raise LoopcoachError("bad-value", f"current sprint: {current_sprint}; sprints count from 1")
    last = vs[-window:]
    mean = sum(last) / len(last)
    if mean <= 0:
        raise LoopcoachError(
            "bad-value",
            f"velocities: the last {len(last)} sprints delivered "
            "0 points; a forecast needs some completed work",
        )
    likely = _sprints(remaining, mean)
    assert likely is not None
    counts = monte_carlo(vs, remaining, seed=seed, trials=trials)
    return Forecast(
        velocities=vs,
        window=last,
        remaining=float(remaining),
        optimistic=_sprints(remaining, max(last)),
        likely=likely,
        pessimistic=_sprints(remaining, min(last)),
        p50=percentile(counts, 50),
        p85=percentile(counts, 85),
        seed=seed,
        trials=trials,
        current_sprint=current_sprint,
    )
