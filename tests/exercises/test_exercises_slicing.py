"""Story slicing: INVEST signals, horizontal slices and the slicing patterns named."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.errors import LoopcoachError
from loopcoach.exercises import slicing

FIX = Path(__file__).parents[1] / "fixtures" / "exercises"


def check(name: str) -> slicing.SlicingResult:
    path = FIX / name
    epic, stories = slicing.parse(
        path.read_text(encoding="utf-8"), source=name, is_yaml=path.suffix == ".yaml"
    )
    return slicing.check_slices(epic, stories)


def test_slicing_good_slices_pass_and_name_their_patterns() -> None:
    result = check("slices-good.yaml")
    assert result.epic == "Gift subscriptions"
    assert result.findings == ()
    assert all(s.ok for c in result.stories for s in c.signals)
    assert result.patterns == {
        "data-variations": ["s1", "s3"],
        "interfaces": ["s4"],
        "happy-unhappy-path": ["s2"],
    }
    assert [c.story.line for c in result.stories] == [3, 8, 11, 14]


def test_slicing_horizontal_slices_are_detected() -> None:
    result = check("slices-bad.md")
    horizontal = [c.story.id for c in result.stories if c.horizontal]
    assert horizontal == ["s1", "s2", "s3"]
    lines = [f.line for f in result.findings if f.code == "horizontal-slice"]
    assert lines == [4, 5, 6]
    # a horizontal slice is reported once, not again as "no user value"
    assert not [f for f in result.findings if f.code == "no-user-value" and f.line in lines]


def test_slicing_invest_failures_on_the_bad_file() -> None:
    found = {(f.code, f.line) for f in check("slices-bad.md").findings}
    assert ("not-negotiable", 6) in found  # "in PostgreSQL"
    assert {
        ("no-user-value", 7),
        ("not-estimable", 7),
        ("not-small", 7),
        ("not-testable", 7),
    } <= found  # "all the features of gifting, etc."
    assert ("not-independent", 8) in found  # "after the buyer's payment is done"
    assert ("not-small", 8) in found  # 13 points
    assert ("no-unhappy-path", None) in found


@pytest.mark.parametrize(
    "text,pattern",
    [
        ("As a buyer, I want to pay by card only so that I can buy now", "data-variations"),
        ("As a shopper, I want order updates on iOS so that I know when it ships", "interfaces"),
        ("As a buyer, I want a discount limit of 20% so that margins hold", "business-rules"),
        (
            "As a buyer, I want a clear error when my card is declined so that I can retry",
            "happy-unhappy-path",
        ),
        (
            "As an editor, I want to submit a draft for approval so that it gets published",
            "workflow-steps",
        ),
        (
            "As a buyer, I want a basic manual refund for now so that I get my money back",
            "simple-complex",
        ),
        (
            "As a buyer, I want search to be optimised later with a cache so that it feels instant",
            "defer-performance",
        ),
        ("Spike: investigate the tax rules, time-boxed to 2 days, to decide on VAT", "spike"),
    ],
)
def test_slicing_names_each_pattern(text: str, pattern: str) -> None:
    assert pattern in slicing.check_story(slicing.Story("s1", text, text)).patterns


def test_slicing_a_spike_is_valuable_and_estimable_when_time_boxed() -> None:
    text = "Spike: investigate the tax rules, time-boxed to 2 days, to decide on VAT"
    signals = {s.name: s.ok for s in slicing.check_story(slicing.Story("s1", text, text)).signals}
    assert signals["valuable"] and signals["estimable"]


def test_slicing_named_pattern_in_yaml_counts() -> None:
    _, stories = slicing.from_yaml(
        {"slices": [{"title": "Hard-wire one courier", "pattern": "Simple / complex"}]},
        source="x.yaml",
    )
    assert stories[0].pattern == "simple-complex"


def test_slicing_single_slice_and_no_slices() -> None:
    one = slicing.check_slices("E", [slicing.Story("s1", "x", "As a buyer, I want x so that y", 1)])
    assert "single-slice" in {f.code for f in one.findings}
    none = slicing.check_slices("E", [])
    assert [f.code for f in none.findings] == ["no-slices"]


def test_slicing_bad_yaml_shape_is_clear() -> None:
    with pytest.raises(LoopcoachError, match="slices:"):
        slicing.from_yaml({"epic": "x"}, source="s.yaml")
    with pytest.raises(LoopcoachError, match=r"'estimate'.*not a number"):
        slicing.from_yaml({"slices": [{"title": "a", "estimate": "big"}]}, source="s.yaml")
