"""WSJF and RICE orders with dependencies and ties, and Kendall's tau, worked by hand.

tests/fixtures/exercises/backlog.csv, by hand:

    id  title           BV TC RR size  CoD  WSJF   reach impact conf effort  RICE
    A   Audit log        3  2  1   3     6   2.0     100   1     1.0   2      50
    F   Fraud check      8 13 13   4    34   8.5     500   2     0.8   4     200
    S   SSO              5  5  5   5    15   3.0     200   1     0.5   4      25
    R   Reports export   8  5  2   3    15   5.0     300   1     0.5   1     150  (needs A)
    D   Dark mode        2  1  1   2     4   2.0      50   0.5   1.0   1      25

WSJF: F (8.5) first; then S (3.0), since R (5.0) waits for A; A and D tie at 2.0, so file order
puts A first, which frees R (5.0) before D. Order F, S, A, R, D.
RICE: F (200); then A (50), the best of what is free; then R (150); S and D tie at 25, file
order. Order F, A, R, S, D.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.errors import LoopcoachError
from loopcoach.exercises import backlog, files

FIX = Path(__file__).parents[1] / "fixtures" / "exercises"


def load(name: str) -> list[backlog.BacklogItem]:
    records = files.load_records(
        FIX / name, what="backlog", list_keys=backlog.LIST_KEYS, aliases=backlog.ALIASES
    )
    return backlog.items_from_records(records)


def test_backlog_scores_by_hand() -> None:
    items = {i.id: i for i in load("backlog.csv")}
    assert items["F"].cost_of_delay == 34
    assert items["F"].wsjf == pytest.approx(8.5)
    assert items["A"].wsjf == pytest.approx(2.0)
    assert items["R"].rice == pytest.approx(150)
    assert items["F"].rice == pytest.approx(200)  # confidence 0.8
    assert items["A"].confidence == pytest.approx(1.0)  # "100%"
    assert items["S"].confidence == pytest.approx(0.5)  # "50%"
    assert items["D"].moscow == "won't"


def test_backlog_orders_respect_dependencies_and_ties() -> None:
    result = backlog.prioritise(load("backlog.csv"))
    assert result.orders["wsjf"] == ["F", "S", "A", "R", "D"]
    assert result.orders["rice"] == ["F", "A", "R", "S", "D"]


def test_backlog_yaml_gives_the_same_wsjf_order_and_no_rice() -> None:
    result = backlog.prioritise(load("backlog.yaml"))
    assert result.orders["wsjf"] == ["F", "S", "A", "R", "D"]
    assert result.orders["rice"] is None
    assert "RICE" in result.notes[0]


def test_backlog_dependency_beats_a_higher_score() -> None:
    items = [
        backlog.BacklogItem("x", "X", 1, 1, 1, 1, depends_on=("y",)),  # WSJF 3
        backlog.BacklogItem("y", "Y", 1, 0, 0, 1),  # WSJF 1
    ]
    assert backlog.order_by(items, lambda i: i.wsjf) == ["y", "x"]


def test_backlog_full_tie_keeps_file_order() -> None:
    items = [backlog.BacklogItem(c, c, 1, 1, 1, 1) for c in "qwerty"]
    assert backlog.order_by(items, lambda i: i.wsjf) == list("qwerty")


@pytest.mark.parametrize(
    "candidate,tau,conc,disc",
    [
        (["a", "b", "c", "d"], 1.0, 6, 0),
        (["d", "c", "b", "a"], -1.0, 0, 6),
        # b<->a and d<->c swapped: 4 pairs agree, 2 disagree -> (4 - 2) / 6
        (["b", "a", "d", "c"], 1 / 3, 4, 2),
    ],
)
def test_backlog_kendall_tau_worked_examples(
    candidate: list[str], tau: float, conc: int, disc: int
) -> None:
    got, c, d = backlog.kendall_tau(["a", "b", "c", "d"], candidate)
    assert got == pytest.approx(tau)
    assert (c, d) == (conc, disc)


def test_backlog_comparison_names_the_costliest_inversion() -> None:
    # Reference F,S,A,R,D; mine A,F,S,R,D: only (A,F) and (A,S) disagree -> tau (8-2)/10 = 0.6
    result = backlog.prioritise(load("backlog.csv"), my_order=["A", "F", "S", "R", "D"])
    comp = result.comparison
    assert comp is not None
    assert comp.kendall_tau == pytest.approx(0.6)
    assert [(i.earlier.id, i.later.id) for i in comp.inversions] == [("A", "F"), ("A", "S")]
    assert comp.inversions[0].cost == pytest.approx(6.5)
    assert comp.inversions[0].message == (
        "You put 'Audit log' (WSJF 2.0) before 'Fraud check' (WSJF 8.5)"
    )
    assert not comp.dependency_violations


def test_backlog_comparison_flags_a_broken_dependency() -> None:
    result = backlog.prioritise(load("backlog.csv"), my_order=["R", "A", "F", "S", "D"])
    comp = result.comparison
    assert comp is not None
    assert comp.kendall_tau == pytest.approx(0.0)  # 5 agree, 5 disagree
    assert comp.dependency_violations == (
        "You put 'Reports export' before 'Audit log', which it depends on",
    )
    # R before S scores higher, so it costs nothing and is not listed
    assert ("R", "S") not in [(i.earlier.id, i.later.id) for i in comp.inversions]


def test_backlog_comparison_against_rice() -> None:
    result = backlog.prioritise(load("backlog.csv"), my_order=list("FARSD"), against="rice")
    assert result.comparison is not None and result.comparison.kendall_tau == pytest.approx(1.0)


@pytest.mark.parametrize(
    "order,words",
    [
        (["A", "F", "S", "R"], "leaves out D"),
        (["A", "F", "S", "R", "D", "A"], "more than once"),
        (["A", "F", "S", "R", "Z"], "unknown id(s) Z"),
    ],
)
def test_backlog_bad_my_order_is_clear(order: list[str], words: str) -> None:
    with pytest.raises(LoopcoachError) as err:
        backlog.prioritise(load("backlog.csv"), my_order=order)
    assert words in str(err.value)


def test_backlog_cycle_and_unknown_dependency_are_errors() -> None:
    cyc = [
        backlog.BacklogItem("a", "A", 1, 1, 1, 1, depends_on=("b",)),
        backlog.BacklogItem("b", "B", 1, 1, 1, 1, depends_on=("a",)),
    ]
    with pytest.raises(LoopcoachError, match=r"cycle.*'a'.*'b'"):
        backlog.prioritise(cyc)
    ghost = [backlog.BacklogItem("a", "A", 1, 1, 1, 1, depends_on=("ghost",))]
    with pytest.raises(LoopcoachError, match="unknown 'ghost'"):
        backlog.prioritise(ghost)
