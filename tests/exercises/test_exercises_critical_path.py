"""CPM on a graph with parallel branches, worked by hand; cycles and unknown ids; the SVG.

tests/fixtures/exercises/workstreams.csv:

    design (5) ──► api (10) ──► integrate (4) ──► test (3)
               ├─► ui (6) ───────┘                  ▲
               └─► data (8) ────────────────────────┘

Forward pass: design 0-5; api 5-15; ui 5-11; data 5-13; integrate starts at max(15, 11) = 15,
ends 19; test starts at max(19, 13) = 19, ends 22. Duration 22.
Backward pass: test 19-22; integrate 15-19; data must end by 19 -> LS 11, slack 11 - 5 = 6;
ui must end by 15 -> LS 9, slack 4; api LS 5, slack 0; design slack 0.
Critical path: design, api, integrate, test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.errors import LoopcoachError
from loopcoach.exercises import critical_path as cpm
from loopcoach.exercises import files

FIX = Path(__file__).parents[1] / "fixtures" / "exercises"


def load(name: str) -> list[cpm.Workstream]:
    records = files.load_records(
        FIX / name, what="workstream list", list_keys=cpm.LIST_KEYS, aliases=cpm.ALIASES
    )
    return cpm.workstreams_from_records(records)


def test_critical_path_parallel_branches_by_hand() -> None:
    sched = cpm.schedule(load("workstreams.csv"))
    assert sched.critical_path == ("design", "api", "integrate", "test")
    assert sched.duration == 22
    data = sched.to_dict()
    assert data["slack"] == {"design": 0, "api": 0, "ui": 4, "data": 6, "integrate": 0, "test": 0}
    ui = sched.get("ui")
    assert (ui.earliest_start, ui.earliest_finish, ui.latest_start, ui.latest_finish) == (
        5,
        11,
        9,
        15,
    )
    integrate = sched.get("integrate")
    assert (integrate.earliest_start, integrate.latest_finish) == (15, 19)


def test_critical_path_two_tied_branches_are_both_critical() -> None:
    ws = [
        cpm.Workstream("a", "A", 2),
        cpm.Workstream("b", "B", 3, ("a",)),
        cpm.Workstream("c", "C", 3, ("a",)),
        cpm.Workstream("d", "D", 1, ("b", "c")),
    ]
    sched = cpm.schedule(ws)
    assert sched.critical == ("a", "b", "c", "d")
    assert sched.critical_path == ("a", "b", "d")  # one chain; ties go to file order
    assert sched.duration == 6


def test_critical_path_cycle_names_the_ids() -> None:
    with pytest.raises(LoopcoachError) as err:
        cpm.schedule(load("workstreams-cycle.yaml"))
    assert err.value.code == "dependency-cycle"
    assert "'a' depends on 'c', which depends on 'b', which depends on 'a'" in str(err.value)


def test_critical_path_unknown_reference_names_the_ids() -> None:
    with pytest.raises(LoopcoachError) as err:
        cpm.schedule(load("workstreams-unknown.csv"))
    assert err.value.code == "unknown-reference"
    assert "'b' depends on unknown 'ghost'" in str(err.value)


def test_critical_path_duplicate_id_is_an_error() -> None:
    with pytest.raises(LoopcoachError, match="'a' is used twice"):
        cpm.schedule([cpm.Workstream("a", "A", 1), cpm.Workstream("a", "A2", 2)])


def test_critical_path_svg_highlights_critical_bars() -> None:
    sched = cpm.schedule(load("workstreams.csv"))
    svg = cpm.to_svg(sched, title="Checkout <rebuild>")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert svg.count('class="critical"') == 4 and svg.count('class="workstream"') == 2
    assert "Checkout &lt;rebuild&gt;" in svg  # escaped
    assert svg.count(f'fill="{cpm.CRITICAL}"') >= 4
    import xml.etree.ElementTree as ET

    ET.fromstring(svg)  # well-formed
