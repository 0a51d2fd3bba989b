"""The loop's hands-on exercises, for both faces: backlog ordering (WSJF/RICE), Kano, forecast,
story slicing, acceptance criteria, program plans and the critical path.

Each method takes a bundled case, the user's document (a `Document` from the uploads service),
or both, and returns the core's result; both faces print its `to_dict()`. One set of limits
holds for every face (the web's request models use these constants too).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loopcoach.app.uploads import Document
from loopcoach.errors import LoopcoachError

if TYPE_CHECKING:
    from loopcoach.analysis.embeddings import Embedder
    from loopcoach.content.library import Library
    from loopcoach.content.schema import Case
    from loopcoach.exercises.acceptance import AcResult
    from loopcoach.exercises.backlog import BacklogResult
    from loopcoach.exercises.critical_path import Schedule
    from loopcoach.exercises.files import Record
    from loopcoach.exercises.forecast import Forecast
    from loopcoach.exercises.kano import FeatureResult
    from loopcoach.exercises.program import PlanResult
    from loopcoach.exercises.slicing import SlicingResult

MAX_TRIALS = 20_000  # Monte Carlo trials of one forecast (a web request stays short)
DEFAULT_TRIALS = 10_000
DEFAULT_SEED = 42
MAX_SEED = 2**63
MAX_POINTS = 1e9  # story points: velocities and remaining work
MAX_SPRINTS_GIVEN = 1000  # past sprints in one forecast
MAX_SPRINT_NUMBER = 1_000_000
MIN_WINDOW, MAX_WINDOW = 3, 5


@dataclass(frozen=True)
class CriticalPath:
    schedule: Schedule
    title: str

    def to_dict(self) -> dict[str, Any]:
        return self.schedule.to_dict()

    def svg(self) -> str:
        from loopcoach.exercises.critical_path import to_svg

        return to_svg(self.schedule, title=self.title)

    def extras(self) -> dict[str, Any]:
        """What the web adds: the diagram."""
        return {"svg": self.svg()}


@dataclass(frozen=True)
class PlanCheck:
    result: PlanResult
    case: Case

    def to_dict(self) -> dict[str, Any]:
        return self.result.to_dict()

    def svg(self) -> str | None:
        from loopcoach.exercises.critical_path import to_svg

        sched = self.result.schedule
        return to_svg(sched, title=self.case.title) if sched is not None else None

    def extras(self) -> dict[str, Any]:
        """What the web adds for its page: title, each element's line, summary, diagram."""
        from loopcoach.exercises.program import ELEMENTS

        sched = self.result.schedule
        return {
            "title": self.case.title,
            "present": [
                {"key": e.key, "label": e.label, "line": self.result.present.get(e.key)}
                for e in ELEMENTS
            ],
            "summary": sched.summary() if sched is not None else None,
            "svg": self.svg(),
        }


def parse_points(raw: str, what: str) -> list[float]:
    """Comma-separated story points (`21,18,25`), each checked as `check_points` does."""
    out = []
    for part in raw.split(","):
        if not part.strip():
            continue
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not 0 <= value <= MAX_POINTS:
            raise LoopcoachError(
                "not-a-number",
                f"{what}: {part.strip()[:40]!r} is not a number of points; give points per "
                "sprint, e.g. 21,18,25",
            )
        out.append(value)
    return out


def parse_point(raw: str, what: str) -> float | None:
    """One number of story points, or None when the field is empty."""
    if "," in raw:
        raise LoopcoachError("not-a-number", f"{what}: give one number of points, e.g. 120")
    found = parse_points(raw, what)
    return found[0] if found else None


def _check_forecast_limits(
    velocities: Sequence[float],
    remaining: float,
    current_sprint: int | None,
    seed: int,
    window: int,
    trials: int,
) -> None:
    def bad(field: str, what: str) -> LoopcoachError:
        return LoopcoachError("bad-value", f"{field}: {what}")

    if len(velocities) > MAX_SPRINTS_GIVEN:
        raise bad("velocities", f"{len(velocities)} sprints; give at most {MAX_SPRINTS_GIVEN}")
    for v in (*velocities, remaining):
        if not math.isfinite(v) or not 0 <= v <= MAX_POINTS:
            raise bad("points", f"{v!r} is not from 0 to {MAX_POINTS:g} story points")
    if current_sprint is not None and not 1 <= current_sprint <= MAX_SPRINT_NUMBER:
        raise bad("current sprint", f"{current_sprint}; use 1 to {MAX_SPRINT_NUMBER}")
    if not -MAX_SEED <= seed <= MAX_SEED:
        raise bad("seed", f"{seed}; use a whole number from {-MAX_SEED} to {MAX_SEED}")
    if not MIN_WINDOW <= window <= MAX_WINDOW:
        raise bad("window", f"{window} sprints; use 3, 4 or 5")
    if not 1 <= trials <= MAX_TRIALS:
        raise bad("trials", f"{trials}; use 1 to {MAX_TRIALS}")


class ExercisesService:
    def __init__(
        self,
        library: Callable[[], Library],
        embedder: Callable[[], Embedder] | None = None,
    ) -> None:
        self._library = library
        self._embedder = embedder  # reads a plan's lines by meaning; None: by their words

    def case(self, case_id: str) -> Case:
        return self._library().case(case_id)[1]

    def practice_list(self, role: str | None = None) -> list[dict[str, Any]]:
        """The bundled practice cases and the command that practises each."""
        from loopcoach.exercises import cases

        lib = self._library()
        roles = [lib.role(role)] if role else list(lib.roles.values())
        return [p.to_dict() for p in cases.practice_list((r.id, r.cases) for r in roles)]

    def cases_for(self, command: str) -> list[dict[str, Any]]:
        """The bundled cases one exercise command practises."""
        return [
            p
            for p in self.practice_list()
            if any(f"exercise {command} " in c for c in p["commands"])
        ]

    @staticmethod
    def _records(
        doc: Document, *, what: str, list_keys: Sequence[str], aliases: dict[str, str]
    ) -> list[Record]:
        from loopcoach.exercises import files

        if doc.fmt == "csv":
            return files.parse_csv(doc.text, source=doc.name, aliases=aliases)
        if doc.fmt == "yaml":
            return files.parse_yaml_records(
                doc.text, source=doc.name, list_keys=list_keys, aliases=aliases
            )
        raise LoopcoachError("file-type", f"{doc.name}: the {what} is CSV or YAML")

    # --- the exercises -----------------------------------------------------------------------
    def backlog(
        self,
        *,
        table: Document | None = None,
        case_id: str | None = None,
        my_order: Sequence[str] | None = None,
        against: str = "wsjf",
    ) -> BacklogResult:
        from loopcoach.exercises import backlog, cases

        if table is not None:
            recs = self._records(
                table, what="backlog", list_keys=backlog.LIST_KEYS, aliases=backlog.ALIASES
            )
            items = backlog.items_from_records(recs)
        elif case_id:
            items = cases.backlog_items(self.case(case_id))
        else:
            raise LoopcoachError(
                "missing-input", "upload a CSV/YAML backlog or pick a bundled case"
            )
        order = list(my_order) if my_order is not None else None
        return backlog.prioritise(items, my_order=order, against=against)

    def critical_path(
        self, *, table: Document | None = None, case_id: str | None = None
    ) -> CriticalPath:
        from loopcoach.exercises import cases, critical_path

        if table is not None:
            recs = self._records(
                table,
                what="workstream list",
                list_keys=critical_path.LIST_KEYS,
                aliases=critical_path.ALIASES,
            )
            ws = critical_path.workstreams_from_records(recs)
            title = f"Critical path: {table.name}"
        elif case_id:
            case = self.case(case_id)
            ws = cases.workstreams(case)
            title = case.title
        else:
            raise LoopcoachError(
                "missing-input", "upload a CSV/YAML workstream list or pick a case"
            )
        return CriticalPath(critical_path.schedule(ws), title)

    def acceptance(
        self, text: str, *, case_id: str | None = None, gherkin: bool | None = None
    ) -> AcResult:
        from loopcoach.exercises import acceptance, cases

        if not text.strip():
            raise LoopcoachError(
                "missing-input", "paste acceptance criteria: Gherkin or one per line"
            )
        context = cases.story_context(self.case(case_id)) if case_id else ""
        return acceptance.lint(text, gherkin=gherkin, context=context)

    def forecast(
        self,
        *,
        case_id: str | None = None,
        velocities: Sequence[float] | None = None,
        remaining: float | None = None,
        current_sprint: int | None = None,
        seed: int = DEFAULT_SEED,
        window: int = MAX_WINDOW,
        trials: int = DEFAULT_TRIALS,
    ) -> Forecast:
        """A case's history, overridden by what is given; or the figures given."""
        from loopcoach.exercises import cases
        from loopcoach.exercises import forecast as forecasting

        if case_id:
            vs, rem, current = cases.forecast_inputs(self.case(case_id))
            vs = list(velocities) if velocities is not None else vs
            rem = remaining if remaining is not None else rem
            current = current_sprint if current_sprint is not None else current
        elif velocities is None or remaining is None:
            raise LoopcoachError(
                "missing-input",
                "give velocities (e.g. 21,18,25) and the remaining "
                "points, or pick a bundled forecast case",
            )
        else:
            vs, rem, current = list(velocities), remaining, current_sprint
        _check_forecast_limits(vs, rem, current, seed, window, trials)
        try:
            return forecasting.forecast(
                vs, rem, window=window, seed=seed, trials=trials, current_sprint=current
            )
        except (OverflowError, ValueError):  # e.g. 1e9 points at 1e-300 points a sprint
            raise LoopcoachError(
                "bad-value",
                "the velocities and remaining points are too far "
                "apart to forecast; give points per sprint as whole numbers",
            ) from None

    def kano(
        self, *, table: Document | None = None, case_id: str | None = None
    ) -> list[FeatureResult]:
        from loopcoach.exercises import cases, kano

        if table is not None:
            recs = self._records(
                table, what="Kano survey", list_keys=kano.LIST_KEYS, aliases=kano.ALIASES
            )
        elif case_id:
            recs = cases.kano_records(self.case(case_id))
        else:
            raise LoopcoachError(
                "missing-input", "upload or paste a CSV/YAML Kano survey, or pick a bundled case"
            )
        return kano.classify(recs)

    def slices(self, doc: Document, *, case_id: str | None = None) -> SlicingResult:
        from loopcoach.exercises import cases, slicing

        if not doc.text.strip() and not case_id:
            raise LoopcoachError(
                "missing-input",
                "paste the epic and its slices (Markdown or YAML), or pick a bundled slicing case",
            )
        epic, stories = slicing.parse(doc.text, source=doc.name, is_yaml=doc.fmt == "yaml")
        suggested: tuple[str, ...] = ()
        if case_id:
            case_epic, suggested = cases.slicing_epic(self.case(case_id))
            epic = epic or case_epic
        return slicing.check_slices(epic, stories, suggested_patterns=suggested)

    def require_program(self, case_id: str) -> Case:
        """The program-plan case `case_id` (an error names the cases that are)."""
        from loopcoach.exercises import cases

        if not case_id:
            raise LoopcoachError("missing-input", "pick the program-plan case your plan answers")
        case = self.case(case_id)
        cases.require_program(case)
        return case

    def plan(self, case_id: str, doc: Document) -> PlanCheck:
        from loopcoach.exercises import cases, program

        case = self.require_program(case_id)
        if not doc.text.strip():
            raise LoopcoachError("missing-input", "paste or upload your plan (Markdown or YAML)")
        ws = cases.workstreams(case) if case.data.get("workstreams") else None
        result = program.check_plan(
            doc.text,
            is_yaml=doc.fmt == "yaml",
            source=doc.name,
            case_id=case.id,
            expected=case.expected,
            case_workstreams=ws,
            embedder=self._embedder() if self._embedder is not None else None,
        )
        return PlanCheck(result, case)


__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_TRIALS",
    "MAX_POINTS",
    "MAX_SEED",
    "MAX_SPRINTS_GIVEN",
    "MAX_SPRINT_NUMBER",
    "MAX_TRIALS",
    "CriticalPath",
    "ExercisesService",
    "PlanCheck",
    "parse_point",
    "parse_points",
]
