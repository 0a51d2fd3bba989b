"""Bundled practice material: the pack cases each exercise can run on, and their data.

A case's `data` holds what the exercise needs: `items` (backlog), `kano` (survey answers),
`velocities` / `remaining_points` / `current_sprint` (forecast), `workstreams` (program plan),
`epic` / `description` / `suggested_patterns` (slicing), `story` / `context` (acceptance
criteria). Pure: reads the loaded library, never files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loopcoach.content.schema import Case
from loopcoach.errors import LoopcoachError

if TYPE_CHECKING:  # the exercise modules load when a case is run, not to list the cases
    from loopcoach.exercises import backlog, critical_path
    from loopcoach.exercises.files import Record


@dataclass(frozen=True)
class Practice:
    """One bundled case and the commands that practise it."""

    case_id: str
    role: str
    kind: str
    title: str
    minutes: int
    commands: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.case_id,
            "role": self.role,
            "kind": self.kind,
            "title": self.title,
            "minutes": self.minutes,
            "commands": list(self.commands),
        }


def commands_for(case: Case) -> tuple[str, ...]:
    cid = case.id
    data = case.data
    out: list[str] = []
    if case.kind == "backlog" and data.get("items"):
        out.append(f"loopcoach exercise backlog --case {cid} --my-order ID,ID,...")
    if data.get("kano"):
        out.append(f"loopcoach exercise kano --case {cid}")
    if case.kind == "forecast":
        out.append(f"loopcoach exercise forecast --case {cid}")
    if case.kind == "program-plan":
        out.append(f"loopcoach exercise plan {cid} my-plan.md")
        if data.get("workstreams"):
            out.append(f"loopcoach exercise critical-path --case {cid}")
    if case.kind == "slicing":
        out.append(f"loopcoach exercise slices my-slices.md --case {cid}")
    if case.kind == "acceptance-criteria":
        out.append(f"loopcoach exercise ac my-criteria.feature --case {cid}")
    return tuple(out)


def practice_list(roles: Iterable[tuple[str, Iterable[Case]]]) -> list[Practice]:
    """Cases that have an exercise command, role by role, in pack order."""
    out = []
    for role_id, cases in roles:
        for case in cases:
            commands = commands_for(case)
            if commands:
                out.append(
                    Practice(case.id, role_id, case.kind, case.title, case.minutes, commands)
                )
    return out


def _wrong(case: Case, command: str, wanted: str) -> LoopcoachError:
    return LoopcoachError(
        "wrong-case-kind",
        f"case '{case.id}' is a {case.kind} case without {wanted}; `loopcoach exercise list` "
        f"shows which cases `exercise {command}` can use",
    )


def backlog_items(case: Case) -> list[backlog.BacklogItem]:
    from loopcoach.exercises import backlog

    if not isinstance(case.data.get("items"), list):
        raise _wrong(case, "backlog", "a backlog (data.items)")
    return backlog.items_from_records(_records(case, "items", backlog.ALIASES))


def kano_records(case: Case) -> list[Record]:
    from loopcoach.exercises import kano

    if not isinstance(case.data.get("kano"), list):
        raise _wrong(case, "kano", "survey answers (data.kano)")
    return _records(case, "kano", kano.ALIASES)


def workstreams(case: Case) -> list[critical_path.Workstream]:
    from loopcoach.exercises import critical_path

    if not isinstance(case.data.get("workstreams"), list):
        raise _wrong(case, "critical-path", "workstreams (data.workstreams)")
    return critical_path.workstreams_from_records(
        _records(case, "workstreams", critical_path.ALIASES)
    )


def forecast_inputs(case: Case) -> tuple[list[float], float, int | None]:
    data = case.data
    velocities, remaining = data.get("velocities"), data.get("remaining_points")
    if case.kind != "forecast" or not isinstance(velocities, list) or remaining is None:
        raise _wrong(case, "forecast", "sprint history (data.velocities, data.remaining_points)")
    try:
        return (
            [float(v) for v in velocities],
            float(remaining),
            int(data["current_sprint"]) if data.get("current_sprint") else None,
        )
    except (TypeError, ValueError):
        raise LoopcoachError(
            "pack-invalid",
            f"case '{case.id}': velocities and remaining_points must be numbers; fix the pack",
        ) from None


def story_context(case: Case) -> str:
    if case.kind != "acceptance-criteria":
        raise _wrong(case, "ac", "a story (data.story)")
    parts = [case.data.get("story"), case.data.get("context"), case.context]
    return "\n".join(str(p) for p in parts if p)


def slicing_epic(case: Case) -> tuple[str, tuple[str, ...]]:
    if case.kind != "slicing":
        raise _wrong(case, "slices", "an epic (data.epic)")
    suggested = case.data.get("suggested_patterns") or []
    return str(case.data.get("epic") or case.title), tuple(str(s) for s in suggested)


def require_program(case: Case) -> None:
    if case.kind != "program-plan":
        raise _wrong(case, "plan", "a program to plan (kind program-plan)")


def _records(case: Case, key: str, aliases: dict[str, str]) -> list[Record]:
    from loopcoach.exercises.files import find_list, records_from_data

    source = f"case {case.id} data.{key}"
    return records_from_data(
        find_list(case.data, (key,), source=source), source=source, aliases=aliases
    )
