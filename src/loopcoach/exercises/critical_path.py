"""Critical path method (CPM) over workstreams, and an SVG picture of the schedule.

A forward pass gives each workstream its earliest start and finish (ES = the latest EF of what it
depends on, EF = ES + duration); a backward pass from the end gives its latest finish and start
(LF = the earliest LS of what depends on it, LS = LF - duration). Slack = LS - ES; the workstreams
with no slack are critical, and the chain of them from the first day to the last is the critical
path. Durations are in days. Pure: no I/O.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from loopcoach.budget import checkpoint
from loopcoach.errors import LoopcoachError
from loopcoach.exercises.files import Record, id_list, number, plain, require_columns, text_of

EPS = 1e-9
ALIASES = {
    "title": "name",
    "days": "duration",
    "duration_days": "duration",
    "dependencies": "depends_on",
    "deps": "depends_on",
    "depends": "depends_on",
    "predecessors": "depends_on",
}
LIST_KEYS = ("workstreams", "tasks", "activities")


@dataclass(frozen=True)
class Workstream:
    id: str
    name: str
    duration: float
    depends_on: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Scheduled:
    workstream: Workstream
    earliest_start: float
    earliest_finish: float
    latest_start: float
    latest_finish: float

    @property
    def slack(self) -> float:
        return max(0.0, self.latest_start - self.earliest_start)

    @property
    def critical(self) -> bool:
        return self.slack < EPS

    def to_dict(self) -> dict[str, Any]:
        ws = self.workstream
        return {
            "id": ws.id,
            "name": ws.name,
            "duration": plain(ws.duration),
            "depends_on": list(ws.depends_on),
            "earliest_start": plain(self.earliest_start),
            "earliest_finish": plain(self.earliest_finish),
            "latest_start": plain(self.latest_start),
            "latest_finish": plain(self.latest_finish),
            "slack": plain(self.slack),
            "critical": self.critical,
        }


@dataclass(frozen=True)
class Schedule:
    items: tuple[Scheduled, ...]  # in a topological order (file order where free)
    critical_path: tuple[str, ...]
    duration: float

    @property
    def critical(self) -> tuple[str, ...]:
        """Every workstream with no slack (several chains when paths tie)."""
        return tuple(s.workstream.id for s in self.items if s.critical)

    def get(self, ws_id: str) -> Scheduled:
        for s in self.items:
            if s.workstream.id == ws_id:
                return s
        raise KeyError(ws_id)

    def by_id(self) -> dict[str, Scheduled]:
        return {s.workstream.id: s for s in self.items}

    def to_dict(self) -> dict[str, Any]:
        return {
            "critical_path": list(self.critical_path),
            "duration": plain(self.duration),
            "slack": {s.workstream.id: plain(s.slack) for s in self.items},
            "critical": list(self.critical),
            "workstreams": [s.to_dict() for s in self.items],
            "summary": self.summary(),
        }

    def summary(self) -> str:
        by_id = self.by_id()
        names = " → ".join(by_id[i].workstream.name for i in self.critical_path)
        return f"Critical path ({plain(self.duration)} days): {names}"


def workstreams_from_records(records: Sequence[Record]) -> list[Workstream]:
    require_columns(records, ["id", "duration"], what="workstream list")
    out = []
    for rec in records:
        duration = number(rec, "duration", minimum=0)
        assert duration is not None
        ws_id = text_of(rec, "id")
        out.append(
            Workstream(
                ws_id,
                text_of(rec, "name", ws_id),
                duration,
                id_list(rec.get("depends_on")),
                rec.line,
            )
        )
    return out


def check_graph(nodes: Iterable[tuple[str, tuple[str, ...]]], *, what: str) -> list[str]:
    """A stable topological order of (id, depends_on) pairs, or a LoopcoachError naming the ids.

    Kahn's algorithm with the file position as priority: among the ids whose dependencies are
    all placed, the one first in the file comes next. O((n + e) log n). Duplicate ids,
    dependencies on unknown ids and cycles are the user's to fix.
    """
    pairs = list(nodes)
    ids = [i for i, _ in pairs]
    position: dict[str, int] = {}
    for n, i in enumerate(ids):
        if i in position:
            raise LoopcoachError(
                "duplicate-id", f"{what} id '{_short(i)}' is used twice; ids must be unique"
            )
        position[i] = n
    unknown = [(i, d) for i, deps in pairs for d in deps if d not in position]
    if unknown:
        listed = "; ".join(
            f"'{_short(i)}' depends on unknown '{_short(d)}'" for i, d in unknown[:5]
        )
        more = f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else ""
        known = ", ".join(_short(i) for i in ids[:20]) + (", ..." if len(ids) > 20 else "")
        raise LoopcoachError(
            "unknown-reference",
            f"{listed}{more}; depends_on must name ids from the list ({known})",
        )
    deps = {i: tuple(dict.fromkeys(d)) for i, d in pairs}
    waiting = {i: len(deps[i]) for i in ids}
    dependents: dict[str, list[str]] = {i: [] for i in ids}
    for i in ids:
        for d in deps[i]:
            dependents[d].append(i)
    ready = [position[i] for i in ids if waiting[i] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        current = ids[heapq.heappop(ready)]
        order.append(current)
        for nxt in dependents[current]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, position[nxt])
    if len(order) < len(ids):
        placed = set(order)
        cycle = find_cycle({i: deps[i] for i in ids if i not in placed})
        shown_cycle = [_short(c) for c in cycle[:12]] + (["..."] if len(cycle) > 12 else [])
        chain = f"'{shown_cycle[0]}' depends on " + ", which depends on ".join(
            f"'{c}'" for c in shown_cycle[1:]
        )
        members = sorted(set(cycle))
        named = ", ".join(_short(c) for c in members[:12]) + (", ..." if len(members) > 12 else "")
        raise LoopcoachError(
            "dependency-cycle",
            f"dependency cycle among {what}s {named}: {chain}; remove one of these dependencies",
        )
    return order


def _short(ws_id: str) -> str:
    return ws_id if len(ws_id) <= 40 else ws_id[:39] + "…"


def find_cycle(deps: dict[str, tuple[str, ...]]) -> list[str]:
    """One cycle as ids, each depending on the next, first repeated last: ['a', 'b', 'a'].

    Iterative depth-first search, so a long chain cannot exhaust the recursion limit.
    """
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for n, root in enumerate(deps):
        if n % 256 == 0:
            checkpoint("the dependencies")
        if root in state:
            continue
        stack: list[str] = [root]
        where: dict[str, int] = {root: 0}
        todo: list[Iterator[str]] = [iter(deps[root])]
        state[root] = 1
        while todo:
            node = stack[-1]
            step = next(todo[-1], None)
            if step is None:
                todo.pop()
                stack.pop()
                where.pop(node, None)
                state[node] = 2
                continue
            if step not in deps:
                continue
            if state.get(step) == 1:
                return [*stack[where[step] :], step]
            if step not in state:
                state[step] = 1
                where[step] = len(stack)
                stack.append(step)
                todo.append(iter(deps[step]))
    raise AssertionError("find_cycle called on an acyclic graph")  # pragma: no cover


def schedule(workstreams: Sequence[Workstream]) -> Schedule:
    """Forward and backward pass; errors for duplicates, unknown ids and cycles."""
    if not workstreams:
        raise LoopcoachError("file-empty", "no workstreams given; list at least one")
    by_id = {w.id: w for w in workstreams}
    order = check_graph(((w.id, w.depends_on) for w in workstreams), what="workstream")
    checkpoint("the critical path")
    es: dict[str, float] = {}
    ef: dict[str, float] = {}
    for i in order:
        es[i] = max((ef[d] for d in by_id[i].depends_on), default=0.0)
        ef[i] = es[i] + by_id[i].duration
    total = max(ef.values())
    successors: dict[str, list[str]] = {i: [] for i in order}
    for i in order:
        for d in by_id[i].depends_on:
            successors[d].append(i)
    lf: dict[str, float] = {}
    ls: dict[str, float] = {}
    checkpoint("the critical path")
    for i in reversed(order):
        lf[i] = min((ls[s] for s in successors[i]), default=total)
        ls[i] = lf[i] - by_id[i].duration
    items = tuple(Scheduled(by_id[i], es[i], ef[i], ls[i], lf[i]) for i in order)
    return Schedule(items, _chain(items, by_id, ef, total), total)


def _chain(
    items: Sequence[Scheduled], by_id: dict[str, Workstream], ef: dict[str, float], total: float
) -> tuple[str, ...]:
    """Walk back from a critical workstream that ends the project to one that starts it."""
    critical = {s.workstream.id for s in items if s.critical}
    position = {i: n for n, i in enumerate(by_id)}
    ends = [i for i in by_id if i in critical and abs(ef[i] - total) < EPS]
    if not ends:  # pragma: no cover - the longest chain always ends at `total`
        return ()
    path = [ends[0]]
    while True:
        current = by_id[path[-1]]
        start = ef[current.id] - current.duration
        before = [d for d in current.depends_on if d in critical and abs(ef[d] - start) < EPS]
        if not before:
            break
        path.append(min(before, key=position.__getitem__))  # the first in file order
    return tuple(reversed(path))


# --- SVG -------------------------------------------------------------------------------------

CRITICAL = "#c0392b"
NORMAL = "#4c78a8"


def _tick_step(total: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if total / step <= 12:
            return step
    return 2000


def _clip(text: str, limit: int) -> str:
    """Fit a label into the left margin (about 44 characters at 12 px)."""
    limit = max(limit, 8)
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;(") + "…"


def to_svg(sched: Schedule, *, title: str = "Workstreams and critical path") -> str:
    """Bars on a day axis: critical workstreams in red, slack as a dashed outline after a bar."""
    label_w, row_h, bar_h, top, right = 290, 28, 18, 56, 24
    total = max(sched.duration, 1.0)
    scale = max(4.0, min(40.0, 640.0 / total))
    chart_w = total * scale
    width = int(label_w + chart_w + right)
    height = int(top + row_h * len(sched.items) + 56)

    def x(day: float) -> float:
        return round(label_w + day * scale, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="12" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    step = _tick_step(total)
    axis_bottom = top + row_h * len(sched.items)
    day = 0
    while day <= total + EPS:
        out.append(
            f'<line x1="{x(day)}" y1="{top - 6}" x2="{x(day)}" y2="{axis_bottom}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{x(day)}" y="{top - 10}" text-anchor="middle" fill="#555">{day}</text>'
        )
        day += step
    for row, s in enumerate(sched.items):
        ws = s.workstream
        y = top + row * row_h + (row_h - bar_h) / 2
        colour = CRITICAL if s.critical else NORMAL
        label = escape(
            _clip(ws.name, 37 - len(ws.id)) + f" ({ws.id})"
            if ws.name != ws.id
            else _clip(ws.id, 40)
        )
        tip = escape(
            f"{ws.name}: days {plain(s.earliest_start)}–{plain(s.earliest_finish)}, "
            f"slack {plain(s.slack)}" + (", critical" if s.critical else "")
        )
        out.append(f'<g class="{"critical" if s.critical else "workstream"}">')
        out.append(f"<title>{tip}</title>")
        out.append(f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end">{label}</text>')
        width_bar = max(round(ws.duration * scale, 1), 1.0)
        out.append(
            f'<rect x="{x(s.earliest_start)}" y="{y}" width="{width_bar}" '
            f'height="{bar_h}" rx="3" fill="{colour}"/>'
        )
        if not s.critical:
            out.append(
                f'<rect x="{x(s.earliest_finish)}" y="{y}" '
                f'width="{round(s.slack * scale, 1)}" height="{bar_h}" rx="3" '
                f'fill="none" stroke="{NORMAL}" stroke-dasharray="4 3"/>'
            )
        out.append("</g>")
    legend_y = axis_bottom + 30
    out.append(
        f'<rect x="{label_w}" y="{legend_y - 11}" width="14" height="12" fill="{CRITICAL}"/>'
    )
    out.append(f'<text x="{label_w + 20}" y="{legend_y}">critical (no slack)</text>')
    out.append(
        f'<rect x="{label_w + 160}" y="{legend_y - 11}" width="14" height="12" fill="{NORMAL}"/>'
    )
    out.append(f'<text x="{label_w + 180}" y="{legend_y}">has slack (dashed)</text>')
    out.append(
        f'<text x="{label_w + 320}" y="{legend_y}" fill="#555">days; total '
        f"{plain(sched.duration)}</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
