"""The acceptance-criteria linter: each finding on a focused example, none on a good file."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.exercises.acceptance import CODES, lint

FIX = Path(__file__).parents[1] / "fixtures" / "exercises"
GOOD = (FIX / "good.feature").read_text(encoding="utf-8")


def codes(text: str, **kw: object) -> list[str]:
    return [f.code for f in lint(text, **kw).findings]  # type: ignore[arg-type]


def test_acceptance_good_feature_has_no_findings() -> None:
    result = lint(GOOD)
    assert result.format == "gherkin" and result.scenarios == 4
    assert result.findings == ()


def test_acceptance_bad_feature_has_every_kind_of_problem() -> None:
    found = lint((FIX / "bad.feature").read_text(encoding="utf-8")).findings
    assert {f.code for f in found} == set(CODES) - {"parse-error"}
    by_line = {(f.code, f.line) for f in found}
    assert ("untestable-then", 6) in by_line  # Then it works
    assert ("vague-term", 7) in by_line  # loads fast
    assert ("untestable-then", 9) in by_line  # the user is happy
    assert ("multiple-behaviours", 3) in by_line  # the scenario line


def test_acceptance_parse_error_points_at_the_line() -> None:
    found = lint((FIX / "broken.feature").read_text(encoding="utf-8")).findings
    assert [(f.code, f.line) for f in found] == [("parse-error", 7)]
    assert "This line is not a Gherkin step" in found[0].message


def test_acceptance_pasted_scenarios_without_feature_keep_line_numbers() -> None:
    text = "Scenario: a\n  Given b\n  When c\n  Then d\n  Oops\n"
    found = lint(text).findings
    assert [(f.code, f.line) for f in found] == [("parse-error", 5)]


SORT = """Feature: Sort my orders
  Background:
    Given I am signed in
  Scenario: Sort by date
    When I sort my orders by date
    Then the newest order is first within 200 ms
    And a "sort_used" metric is recorded
"""


def test_acceptance_no_unhappy_path() -> None:
    assert codes(SORT) == ["no-unhappy-path"]


def _without(*lines: str) -> str:
    text = GOOD
    for ln in lines:
        assert ln in text, ln
        text = text.replace(ln, "")
    return text


@pytest.mark.parametrize(
    "text,code",
    [
        (
            _without(
                "    When the PSP does not respond within 10 seconds\n",
                "  Scenario: Provider does not answer in time\n",
                "    And an alert is raised after 5 timeouts in a minute\n",
            ),
            "no-timeout",
        ),
        (
            GOOD.replace(
                "    Then the charge is retried once with the same idempotency key\n"
                "    And I am charged at most once\n",
                '    Then I see "Payment pending" and the order stays "pending"\n',
            ),
            "no-retry-idempotency",
        ),
        (
            _without(
                '    And a "payment_succeeded" event is logged with the order id and no card '
                "number\n",
                "    And an alert is raised after 5 timeouts in a minute\n",
            ),
            "no-observability",
        ),
        (GOOD.replace(" within 3 seconds for 95% of requests", ""), "no-performance"),
        (
            _without(
                "    Given I am signed in as a returning customer with a saved card\n",
                "  Scenario: Card of another account\n",
                "    When I try to pay with a card token that belongs to another account\n",
                "    Then the request is rejected with status 403\n",
            ).replace("a card token stored", "a card stored"),
            "no-security",
        ),
    ],
)
def test_acceptance_each_missing_criterion_is_found_alone(text: str, code: str) -> None:
    assert codes(text) == [code]


def test_acceptance_vague_term_with_line() -> None:
    text = GOOD.replace(
        'Then I see "Your card was declined"',
        'Then I see a user-friendly message "Your card was declined"',
    )
    found = lint(text).findings
    assert [(f.code, f.line) for f in found] == [("vague-term", 14)]
    assert "'user-friendly'" in found[0].message


def test_acceptance_quantified_speed_is_not_vague() -> None:
    text = GOOD.replace("within 3 seconds", "fast, within 3 seconds")
    assert codes(text) == []


@pytest.mark.parametrize(
    "then",
    [
        "Then it works",
        "Then the user is happy",
        "Then everything works as expected",
        "Then the payment is handled correctly",
    ],
)
def test_acceptance_untestable_then(then: str) -> None:
    text = GOOD.replace("Then the request is rejected with status 403", then)
    text = text.replace("Card of another account", "Another account is rejected")
    found = [f for f in lint(text).findings if f.code == "untestable-then"]
    assert [f.line for f in found] == [24]


def test_acceptance_scenario_without_then_is_untestable() -> None:
    text = GOOD.replace("    Then the request is rejected with status 403\n", "")
    found = [f for f in lint(text).findings if f.code == "untestable-then"]
    assert [f.line for f in found] == [22]


def test_acceptance_multiple_behaviours_when_then_pairs_and_many_outcomes() -> None:
    pairs = GOOD.replace(
        '    Then I see "Your card was declined" and the order stays "unpaid"\n',
        '    Then I see "Your card was declined" and the order stays "unpaid"\n'
        '    When I try another card\n    Then the order is "paid"\n',
    )
    assert [(f.code, f.line) for f in lint(pairs).findings] == [("multiple-behaviours", 12)]
    many = GOOD.replace(
        "    And I am charged at most once\n",
        "    And I am charged at most once\n    And I see a banner\n",
    )
    assert [(f.code, f.line) for f in lint(many).findings] == [("multiple-behaviours", 16)]


def test_acceptance_external_call_from_the_case_context() -> None:
    # nothing in the criteria names a payment, but the story does
    assert "no-retry-idempotency" not in codes(SORT)
    assert "no-retry-idempotency" in codes(SORT, context="As a buyer I pay by card")


def test_acceptance_plain_text_criteria() -> None:
    result = lint((FIX / "criteria.txt").read_text(encoding="utf-8"))
    assert result.format == "plain" and result.scenarios == 6
    assert [(f.code, f.line) for f in result.findings] == [
        ("vague-term", 6),
        ("vague-term", 6),
        ("untestable-then", 7),
    ]


def test_acceptance_plain_text_missing_checks_and_several_behaviours() -> None:
    text = (
        "- The list shows 20 orders\n- When I sort then dates ascend, and when I filter "
        "then only paid orders show\n"
    )
    found = lint(text).findings
    assert {f.code for f in found} == {
        "no-unhappy-path",
        "no-observability",
        "no-performance",
        "no-security",
        "multiple-behaviours",
    }
    assert [f.line for f in found if f.code == "multiple-behaviours"] == [2]
    assert "parse-error" not in {f.code for f in found}
