"""The validated set of roles the rest of the app reads: `Library` and its `RolePack`s.

A role's content comes from the pack that defines it plus every pack that `extends` it. Cross
references are checked here, where the whole set is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from loopcoach.content.loader import COMMON_PACK, LoadedPack, load_all
from loopcoach.content.schema import (
    AskInterviewer,
    CareerLevel,
    Case,
    Competency,
    Dimension,
    Format,
    Item,
    PrepPlan,
    Question,
    RedFlag,
    RoleInfo,
    Skill,
    Stage,
)
from loopcoach.errors import NotFound, PackError

LIST_SECTIONS = (
    "stages",
    "formats",
    "screens_for",
    "red_flags",
    "dimensions",
    "levels",
    "competencies",
    "skills",
    "mistakes",
    "questions",
    "cases",
    "plans",
    "ask_interviewer",
)


@dataclass(frozen=True)
class RolePack:
    """Everything loopcoach knows about one role, merged from its pack and extensions."""

    info: RoleInfo
    stages: tuple[Stage, ...] = ()
    formats: tuple[Format, ...] = ()
    screens_for: tuple[Item, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    levels: tuple[CareerLevel, ...] = ()
    competencies: tuple[Competency, ...] = ()
    skills: tuple[Skill, ...] = ()
    mistakes: tuple[Item, ...] = ()
    questions: tuple[Question, ...] = ()
    cases: tuple[Case, ...] = ()
    plans: tuple[PrepPlan, ...] = ()
    checklist: tuple[str, ...] = ()
    ask_interviewer: tuple[AskInterviewer, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.info.id

    def stage(self, stage_id: str) -> Stage:
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise NotFound(
            "stage", stage_id, f"stages of {self.id}: {', '.join(s.id for s in self.stages)}"
        )

    def competency_name(self, comp_id: str) -> str:
        for c in self.competencies:
            if c.id == comp_id:
                return c.name
        return comp_id


@dataclass(frozen=True)
class Library:
    roles: dict[str, RolePack]
    generic_rubrics: tuple[Question, ...] = ()
    common_red_flags: tuple[RedFlag, ...] = ()
    packs: tuple[LoadedPack, ...] = field(default=(), repr=False)

    def role(self, role_id: str) -> RolePack:
        try:
            return self.roles[role_id]
        except KeyError:
            raise NotFound(
                "role", role_id, f"known roles: {', '.join(sorted(self.roles))}"
            ) from None

    def question(self, question_id: str) -> tuple[RolePack, Question]:
        for role in self.roles.values():
            for q in role.questions:
                if q.id == question_id:
                    return role, q
        raise NotFound("question", question_id, "list ids with `loopcoach questions`")

    def case(self, case_id: str) -> tuple[RolePack, Case]:
        for role in self.roles.values():
            for c in role.cases:
                if c.id == case_id:
                    return role, c
        raise NotFound("case", case_id, "list cases with `loopcoach role ROLE`")

    def generic_rubric(self, kind: str) -> Question:
        for q in self.generic_rubrics:
            if q.kind == kind:
                return q
        raise NotFound("generic rubric", kind)

    def questions(
        self,
        *,
        role: str | None = None,
        kind: str | None = None,
        stage: str | None = None,
        competency: str | None = None,
    ) -> list[tuple[RolePack, Question]]:
        roles = [self.role(role)] if role else list(self.roles.values())
        out = []
        for r in roles:
            for q in r.questions:
                if kind and q.kind != kind:
                    continue
                if stage and stage not in q.stages:
                    continue
                if competency and competency not in q.competencies:
                    continue
                out.append((r, q))
        return out


def _dupes(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for i in ids:
        if i in seen and i not in dup:
            dup.append(i)
        seen.add(i)
    return dup


def _check_unique(lp: LoadedPack, problems: list[str]) -> None:
    for section in LIST_SECTIONS:
        items = getattr(lp.pack, section)
        for d in _dupes(x.id for x in items):
            idx = [i for i, x in enumerate(items) if x.id == d][-1]
            problems.append(
                f"{lp.where((section, idx, 'id'))}: duplicate {section} id '{d}'; "
                "ids must be unique within a role"
            )
    for qi, q in enumerate(list(lp.pack.questions) + list(lp.pack.generic_rubrics)):
        sec = "questions" if qi < len(lp.pack.questions) else "generic_rubrics"
        i = qi if sec == "questions" else qi - len(lp.pack.questions)
        for part in ("talking_points", "red_flags"):
            for d in _dupes(x.id for x in getattr(q, part)):
                problems.append(
                    f"{lp.where((sec, i, part))}: duplicate {part} id '{d}' in question '{q.id}'"
                )


def _ref_problems(
    lp: LoadedPack, role: RolePack, common_flags: set[str], problems: list[str]
) -> None:
    stages = {s.id for s in role.stages}
    comps = {c.id for c in role.competencies}
    formats = {f.id for f in role.formats}
    role_flags = {f.id for f in role.red_flags} | common_flags

    def bad(path: tuple[str | int, ...], what: str, ref: str, known: set[str]) -> None:
        hint = ", ".join(sorted(known)) or "none defined"
        problems.append(f"{lp.where(path)}: unknown {what} '{ref}' (known: {hint})")

    p = lp.pack
    for i, q in enumerate(p.questions):
        for j, s in enumerate(q.stages):
            if s not in stages:
                bad(("questions", i, "stages", j), "stage", s, stages)
        for j, c in enumerate(q.competencies):
            if c not in comps:
                bad(("questions", i, "competencies", j), "competency", c, comps)
        _follow_up_refs(lp, ("questions", i), q, role_flags, problems)
    for i, q in enumerate(p.generic_rubrics):
        _follow_up_refs(lp, ("generic_rubrics", i), q, role_flags, problems)
    for i, stage in enumerate(p.stages):
        for j, f in enumerate(stage.formats):
            if f not in formats:
                bad(("stages", i, "formats", j), "format", f, formats)
    for i, d in enumerate(p.dimensions):
        for j, c in enumerate(d.competencies):
            if c not in comps:
                bad(("dimensions", i, "competencies", j), "competency", c, comps)
    for i, a in enumerate(p.ask_interviewer):
        for j, s in enumerate(a.stages):
            if s not in stages:
                bad(("ask_interviewer", i, "stages", j), "stage", s, stages)
    for i, case in enumerate(p.cases):
        for j, s in enumerate(case.stages):
            if s not in stages:
                bad(("cases", i, "stages", j), "stage", s, stages)
        for j, comp in enumerate(case.competencies):
            if comp not in comps:
                bad(("cases", i, "competencies", j), "competency", comp, comps)
    for i, plan in enumerate(p.plans):
        for j, day in enumerate(plan.schedule):
            if day.last_day > plan.days or day.last_day < day.day:
                problems.append(
                    f"{lp.where(('plans', i, 'schedule', j))}: day range "
                    f"{day.day}-{day.last_day} does not fit a {plan.days}-day plan"
                )
            for k, comp in enumerate(day.competencies):
                if comp not in comps:
                    bad(("plans", i, "schedule", j, "competencies", k), "competency", comp, comps)


def _follow_up_refs(
    lp: LoadedPack, base: tuple[str | int, ...], q: Question, flags: set[str], problems: list[str]
) -> None:
    points = {t.id for t in q.talking_points}
    qflags = {f.id for f in q.red_flags} | flags
    for k, fu in enumerate(q.follow_ups):
        if fu.point is not None and fu.point not in points:
            problems.append(
                f"{lp.where((*base, 'follow_ups', k, 'point'))}: follow-up names "
                f"unknown talking point '{fu.point}' of question '{q.id}'"
            )
        if fu.flag is not None and fu.flag not in qflags:
            problems.append(
                f"{lp.where((*base, 'follow_ups', k, 'flag'))}: follow-up names "
                f"unknown red flag '{fu.flag}' of question '{q.id}'"
            )


def _merge_role(base: LoadedPack, extensions: Sequence[LoadedPack]) -> RolePack:
    assert base.pack.role is not None
    parts = [base, *extensions]
    kwargs: dict[str, tuple[object, ...]] = {}
    for section in LIST_SECTIONS:
        kwargs[section] = tuple(x for lp in parts for x in getattr(lp.pack, section))
    checklist = tuple(x for lp in parts for x in lp.pack.checklist)
    return RolePack(
        info=base.pack.role,
        checklist=checklist,
        sources=tuple(lp.directory for lp in parts),
        **kwargs,  # type: ignore[arg-type]
    )


def build_library(packs: Sequence[LoadedPack]) -> Library:
    problems: list[str] = []
    definers: dict[str, LoadedPack] = {}
    extensions: dict[str, list[LoadedPack]] = {}
    generic: list[Question] = []
    common_flags: list[RedFlag] = []
    for lp in packs:
        _check_unique(lp, problems)
        generic.extend(lp.pack.generic_rubrics)
        if lp.pack.role is None and lp.pack.pack.extends is None:
            common_flags.extend(lp.pack.red_flags)
            continue
        if lp.pack.role is not None:
            rid = lp.pack.role.id
            if rid in definers:
                problems.append(
                    f"{lp.where(('role', 'id'))}: role '{rid}' is already defined by "
                    f"{definers[rid].directory}; use 'pack.extends: {rid}' to add to it"
                )
                continue
            definers[rid] = lp
        else:
            assert lp.pack.pack.extends is not None
            extensions.setdefault(lp.pack.pack.extends, []).append(lp)
    for rid, exts in extensions.items():
        if rid not in definers:
            for lp in exts:
                problems.append(
                    f"{lp.where(('pack', 'extends'))}: extends unknown role '{rid}' "
                    f"(known: {', '.join(sorted(definers)) or 'none'})"
                )
    roles = {rid: _merge_role(lp, extensions.get(rid, [])) for rid, lp in definers.items()}
    flag_ids = {f.id for f in common_flags}
    for rid, lp in definers.items():
        for part in (lp, *extensions.get(rid, [])):
            _ref_problems(part, roles[rid], flag_ids, problems)
    for lp in packs:
        if lp.pack.role is None and lp.pack.pack.extends is None:
            for i, q in enumerate(lp.pack.generic_rubrics):
                _follow_up_refs(lp, ("generic_rubrics", i), q, flag_ids, problems)
    # question ids are global: `loopcoach question ID` must find exactly one
    owner: dict[str, str] = {}
    for rid, role in roles.items():
        for q in role.questions:
            if q.id in owner and owner[q.id] != rid:
                problems.append(
                    f"question id '{q.id}' is used by roles '{owner[q.id]}' and "
                    f"'{rid}'; question ids must be unique across packs"
                )
            owner[q.id] = rid
    for d in _dupes(q.kind for q in generic):
        problems.append(f"two generic rubrics for kind '{d}'; keep one per kind")
    if problems:
        raise PackError(problems)
    return Library(
        roles=dict(sorted(roles.items())),
        generic_rubrics=tuple(generic),
        common_red_flags=tuple(common_flags),
        packs=tuple(packs),
    )


def load_library(extra_dirs: Sequence[Path] = ()) -> Library:
    """Load and validate the built-in packs plus `extra_dirs`. Raises PackError."""
    return build_library(load_all(tuple(extra_dirs)))


__all__ = ["COMMON_PACK", "Library", "RolePack", "build_library", "load_library"]
