"""Backlog prioritisation: WSJF and RICE orders that respect dependencies, and how a candidate's
own order compares.

- WSJF = cost of delay / job size, with cost of delay = business value + time criticality +
  risk reduction (or opportunity enablement).
- RICE = reach × impact × confidence / effort (confidence as a fraction; 80% and 80 mean 0.8).
- Ordering: a stable topological sort by score. At each step the highest-scoring item whose
  dependencies are all placed comes next; a tie keeps file order. So a dependency always comes
  before its dependent, even when it scores lower.
- Comparison: Kendall's tau-a between the candidate's order and the reference order,
  (concordant pairs − discordant pairs) / (n(n−1)/2). Both orders are strict rankings (no ties),
  so tau-a equals tau-b here. The discordant pairs are listed costliest first, the cost being how
  much more the item put later scores than the one put before it.

Pure: works on `Record`s (from a file or a pack case) and returns data.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from loopcoach.budget import checkpoint
from loopcoach.errors import LoopcoachError
from loopcoach.exercises.critical_path import check_graph
from loopcoach.exercises.files import Record, id_list, number, plain, require_columns, text_of
from loopcoach.limits import shown

REQUIRED = ["id", "title", "business_value", "time_criticality", "risk_reduction", "job_size"]
RICE_FIELDS = ("reach", "impact", "confidence", "effort")
ALIASES = {
    "item": "title",
    "name": "title",
    "value": "business_value",
    "user_business_value": "business_value",
    "risk_reduction_opportunity_enablement": "risk_reduction",
    "rr_oe": "risk_reduction",
    "opportunity_enablement": "risk_reduction",
    "size": "job_size",
    "dependencies": "depends_on",
    "deps": "depends_on",
    "depends": "depends_on",
}
LIST_KEYS = ("items", "backlog")
MOSCOW = {
    "must": "must",
    "m": "must",
    "must have": "must",
    "should": "should",
    "s": "should",
    "should have": "should",
    "could": "could",
    "c": "could",
    "could have": "could",
    "won't": "won't",
    "wont": "won't",
    "w": "won't",
    "won't have": "won't",
    "won't have this time": "won't",
}
METHODS = ("wsjf", "rice")


@dataclass(frozen=True)
class BacklogItem:
    id: str
    title: str
    business_value: float
    time_criticality: float
    risk_reduction: float
    job_size: float
    reach: float | None = None
    impact: float | None = None
    confidence: float | None = None
    effort: float | None = None
    moscow: str | None = None
    depends_on: tuple[str, ...] = ()

    @property
    def cost_of_delay(self) -> float:
        return self.business_value + self.time_criticality + self.risk_reduction

    @property
    def wsjf(self) -> float:
        return self.cost_of_delay / self.job_size

    @property
    def rice(self) -> float | None:
        if self.reach is None or self.impact is None or self.confidence is None or not self.effort:
            return None
        return self.reach * self.impact * self.confidence / self.effort

    def score(self, method: str) -> float | None:
        return self.wsjf if method == "wsjf" else self.rice


def items_from_records(records: Sequence[Record]) -> list[BacklogItem]:
    """Validated backlog items; errors name the row and column."""
    require_columns(records, REQUIRED, what="backlog")
    items = []
    for rec in records:
        moscow = None
        if rec.has("moscow"):
            moscow = MOSCOW.get(text_of(rec, "moscow").lower())
            if moscow is None:
                raise LoopcoachError(
                    "bad-value",
                    f"{rec.where}, column 'moscow': "
                    f"{shown(text_of(rec, 'moscow'))} is not must, should, could or won't",
                )
        values = {k: number(rec, k, minimum=0) for k in REQUIRED[2:5]}
        job_size = number(rec, "job_size", above=0)
        rice = {
            k: number(rec, k, required=False, minimum=0, percent=k == "confidence")
            for k in RICE_FIELDS
        }
        if rice["effort"] is not None and rice["effort"] <= 0:
            raise LoopcoachError("bad-value", f"{rec.where}, column 'effort': must be more than 0")
        given = [k for k in RICE_FIELDS if rice[k] is not None]
        if given and len(given) < len(RICE_FIELDS):
            missing = [k for k in RICE_FIELDS if rice[k] is None]
            raise LoopcoachError(
                "missing-column",
                f"{rec.where}: RICE needs {', '.join(RICE_FIELDS)}; "
                f"'{missing[0]}' is empty (fill all four or none)",
            )
        items.append(
            BacklogItem(
                id=text_of(rec, "id"),
                title=text_of(rec, "title"),
                business_value=values["business_value"] or 0.0,
                time_criticality=values["time_criticality"] or 0.0,
                risk_reduction=values["risk_reduction"] or 0.0,
                job_size=job_size or 1.0,
                moscow=moscow,
                depends_on=id_list(rec.get("depends_on")),
                **rice,
            )
        )
    check_graph(((i.id, i.depends_on) for i in items), what="backlog item")
    return items


def order_by(items: Sequence[BacklogItem], score: Callable[[BacklogItem], float]) -> list[str]:
    """Highest score first, every dependency before its dependent, ties in file order."""
    check_graph(((i.id, i.depends_on) for i in items), what="backlog item")
    position = {item.id: n for n, item in enumerate(items)}
    waiting = {item.id: len(set(item.depends_on)) for item in items}
    dependents: dict[str, list[int]] = {item.id: [] for item in items}
    for n, item in enumerate(items):
        for d in set(item.depends_on):
            dependents[d].append(n)
    ready = [(-score(item), n) for n, item in enumerate(items) if waiting[item.id] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:  # the best-scoring item whose dependencies are placed; ties in file order
        _, n = heapq.heappop(ready)
        order.append(items[n].id)
        for m in dependents[items[n].id]:
            waiting[items[m].id] -= 1
            if waiting[items[m].id] == 0:
                heapq.heappush(ready, (-score(items[m]), m))
    assert len(order) == len(position)
    return order


def kendall_tau(
    reference: Sequence[str], candidate: Sequence[str]
) -> tuple[float | None, int, int]:
    """Kendall's tau-a of two strict orders of the same ids: (tau, concordant, discordant)."""
    rank = {x: n for n, x in enumerate(reference)}
    concordant = discordant = 0
    for a in range(len(candidate)):
        checkpoint("comparing your order")
        for b in range(a + 1, len(candidate)):
            if rank[candidate[a]] < rank[candidate[b]]:
                concordant += 1
            else:
                discordant += 1
    pairs = concordant + discordant
    tau = (concordant - discordant) / pairs if pairs else None
    return tau, concordant, discordant


def fmt_score(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"


@dataclass(frozen=True)
class Inversion:
    earlier: BacklogItem  # the candidate put this first...
    later: BacklogItem  # ...though the reference puts this one first
    method: str

    @property
    def cost(self) -> float:
        return (self.later.score(self.method) or 0.0) - (self.earlier.score(self.method) or 0.0)

    @property
    def message(self) -> str:
        m = self.method.upper()
        first = fmt_score(self.earlier.score(self.method) or 0.0)
        second = fmt_score(self.later.score(self.method) or 0.0)
        return (
            f"You put '{self.earlier.title}' ({m} {first}) "
            f"before '{self.later.title}' ({m} {second})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "earlier": self.earlier.id,
            "later": self.later.id,
            "cost": plain(self.cost),
            "message": self.message,
        }


@dataclass(frozen=True)
class Comparison:
    against: str
    reference: tuple[str, ...]
    candidate: tuple[str, ...]
    kendall_tau: float | None
    concordant: int
    discordant: int
    inversions: tuple[Inversion, ...]  # costliest first, cost > 0 only
    dependency_violations: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "against": self.against,
            "method": "kendall tau-a (equals tau-b: both orders are strict rankings)",
            "kendall_tau": None if self.kendall_tau is None else round(self.kendall_tau, 3),
            "concordant": self.concordant,
            "discordant": self.discordant,
            "reference": list(self.reference),
            "my_order": list(self.candidate),
            "inversions": [i.to_dict() for i in self.inversions],
            "dependency_violations": list(self.dependency_violations),
            "summary": self.summary(),
        }

    def summary(self) -> str:
        if self.kendall_tau is None:
            return "Only one item: nothing to compare."
        tau = self.kendall_tau
        verdict = (
            "the same order"
            if tau >= 0.999
            else "close"
            if tau >= 0.6
            else "partly agrees"
            if tau >= 0.2
            else "mostly different"
        )
        text = (
            f"Kendall tau {tau:.2f} against the {self.against.upper()} order ({verdict}): "
            f"{self.concordant} pairs agree, {self.discordant} disagree."
        )
        if self.inversions:
            text += f" Costliest: {self.inversions[0].message}."
        return text


def compare(
    items: Sequence[BacklogItem],
    reference: Sequence[str],
    my_order: Sequence[str],
    *,
    against: str = "wsjf",
    limit: int = 5,
) -> Comparison:
    known = [i.id for i in items]
    known_set = set(known)
    mine = [x.strip() for x in my_order if x.strip()]
    unknown = [x for x in mine if x not in known_set]
    if unknown:
        raise LoopcoachError(
            "unknown-reference",
            f"your order names unknown id(s) "
            f"{', '.join(unknown)}; the backlog's ids are {', '.join(known)}",
        )
    dupes = sorted(x for x, k in Counter(mine).items() if k > 1)
    if dupes:
        raise LoopcoachError(
            "duplicate-id", f"your order names {', '.join(dupes)} more than once; give each id once"
        )
    mine_set = set(mine)
    missing = [x for x in known if x not in mine_set]
    if missing:
        raise LoopcoachError(
            "missing-id",
            f"your order leaves out {', '.join(missing)}; rank every item of the backlog",
        )
    by_id = {i.id: i for i in items}
    tau, conc, disc = kendall_tau(reference, mine)
    rank = {x: n for n, x in enumerate(reference)}
    score = {x: by_id[x].score(against) or 0.0 for x in mine}

    def inverted() -> Iterator[tuple[str, str]]:  # pairs out of the reference's order
        for n, a in enumerate(mine):
            checkpoint("comparing your order")
            for b in mine[n + 1 :]:
                if rank[a] > rank[b] and score[b] - score[a] > 0:
                    yield a, b

    # the costliest `limit`, ties in your order (as a stable sort would keep them)
    worst = heapq.nlargest(limit, inverted(), key=lambda p: score[p[1]] - score[p[0]])
    costly = [Inversion(by_id[a], by_id[b], against) for a, b in worst]
    position = {x: n for n, x in enumerate(mine)}
    violations = tuple(
        f"You put '{by_id[x].title}' before '{by_id[d].title}', which it depends on"
        for x in mine
        for d in by_id[x].depends_on
        if position[d] > position[x]
    )
    return Comparison(
        against, tuple(reference), tuple(mine), tau, conc, disc, tuple(costly), violations
    )


@dataclass(frozen=True)
class BacklogResult:
    items: tuple[BacklogItem, ...]
    orders: dict[str, list[str] | None]
    comparison: Comparison | None = None
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        ranks = {m: {x: n + 1 for n, x in enumerate(o or [])} for m, o in self.orders.items()}
        return {
            "items": [
                {
                    "id": i.id,
                    "title": i.title,
                    "wsjf": plain(i.wsjf),
                    "rice": plain(i.rice),
                    "cost_of_delay": plain(i.cost_of_delay),
                    "job_size": plain(i.job_size),
                    "business_value": plain(i.business_value),
                    "time_criticality": plain(i.time_criticality),
                    "risk_reduction": plain(i.risk_reduction),
                    "reach": plain(i.reach),
                    "impact": plain(i.impact),
                    "confidence": plain(i.confidence),
                    "effort": plain(i.effort),
                    "moscow": i.moscow,
                    "depends_on": list(i.depends_on),
                    "rank_wsjf": ranks["wsjf"].get(i.id),
                    "rank_rice": ranks["rice"].get(i.id),
                }
                for i in self.items
            ],
            "orders": self.orders,
            "comparison": self.comparison.to_dict() if self.comparison else None,
            "notes": list(self.notes),
        }


def prioritise(
    items: Sequence[BacklogItem], *, my_order: Sequence[str] | None = None, against: str = "wsjf"
) -> BacklogResult:
    """WSJF and RICE orders, and the comparison with `my_order` when given."""
    if against not in METHODS:
        raise LoopcoachError("bad-value", f"compare against 'wsjf' or 'rice', not {shown(against)}")
    orders: dict[str, list[str] | None] = {"wsjf": order_by(items, lambda i: i.wsjf)}
    notes = []
    no_rice = [i.id for i in items if i.rice is None]
    if no_rice:
        orders["rice"] = None
        notes.append(
            "No RICE order: reach, impact, confidence and effort are missing for "
            + ", ".join(no_rice)
            + "."
        )
    else:
        orders["rice"] = order_by(items, lambda i: i.rice or 0.0)
    comparison = None
    if my_order is not None:
        reference = orders[against]
        if reference is None:
            raise LoopcoachError(
                "missing-column",
                "cannot compare against RICE: " + notes[0].removeprefix("No RICE order: "),
            )
        comparison = compare(items, reference, my_order, against=against)
    return BacklogResult(tuple(items), orders, comparison, tuple(notes))
