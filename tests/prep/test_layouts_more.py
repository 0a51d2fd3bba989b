"""More résumé layouts (issue 15): client engagements under a freelance role that follows a
profile with no "Experience" heading, a "Career highlights" paragraph, "Selected achievements"
under each role, product sub-headings between a job's bullets, a "Board and advisory" section,
sub-bullets that carry their parent's result, STAR-labelled lines, and "Title, Team - Employer,
City" headers. The résumés are small ones written for these tests."""

from __future__ import annotations

import time

from loopcoach.prep.history import (
    MAX_JOINED_SUBS,
    MAX_STAR_PARTS,
    from_text,
    split_header,
    star_items,
)


def _read(text: str, fmt: str = "text"):  # type: ignore[no-untyped-def]
    return from_text(text, source="cv.txt", fmt=fmt)


def _jobs(text: str, fmt: str = "text") -> list[tuple[str, str, str, int]]:
    h = _read(text, fmt)
    return [(e.title, e.company, e.start, len(e.bullets)) for e in h.entries]


FREELANCE = """MARTA KOWALSKA
Technical Programme Manager (contract)

PROFILE

Independent TPM with 12 years in delivery. I get called in when a platform programme is late or
stuck.

FREELANCE TECHNICAL PROGRAMME MANAGER — KOWALSKA DELIVERY LTD
(2019 – PRESENT)

Riverside Water — Mar 2023 – Jan 2024
 •  Moved 300k customer accounts to a new billing platform with two parallel runs; no missed
    bills at cut-over.
Orchard Insurance (claims) — Jun 2021 – Feb 2023
 •  Re-planned a late claims replatform with five teams; live 9 weeks after I joined.

EARLIER EXPERIENCE

Delivery Manager, Harbour Bank — 2014 – 2019
 •  Introduced a release train that cut lead time from 5 weeks to 8 days.
"""


def test_freelance_engagements_after_a_profile_are_jobs_at_each_client() -> None:
    h = _read(FREELANCE, "pdf")
    assert "Independent TPM" in h.summary and "RIVERSIDE" not in h.summary.upper()
    assert [(e.title, e.company, e.start, len(e.bullets)) for e in h.entries] == [
        ("FREELANCE TECHNICAL PROGRAMME MANAGER", "KOWALSKA DELIVERY LTD", "2019", 0),
        ("FREELANCE TECHNICAL PROGRAMME MANAGER", "Riverside Water", "Mar 2023", 1),
        ("FREELANCE TECHNICAL PROGRAMME MANAGER", "Orchard Insurance", "Jun 2021", 1),
        ("Delivery Manager", "Harbour Bank", "2014", 1),
    ]


def test_a_profile_sentence_with_dates_stays_in_the_profile() -> None:
    text = """PROFILE
Programme manager since 2015, at Harbour Bank from 2016 – 2019 and then freelance.
Calm under pressure.

EXPERIENCE
Delivery Manager, Harbour Bank, 2016 – 2019
- Introduced a release train that cut lead time from 5 weeks to 8 days.
"""
    h = _read(text)
    assert "2016 – 2019" in h.summary
    assert [(e.title, e.company) for e in h.entries] == [("Delivery Manager", "Harbour Bank")]


def test_career_highlights_paragraph_gives_one_achievement_a_sentence() -> None:
    text = """Nadia Haddad
Product Owner

Career highlights
Eight years as a Product Owner in retail banking. My rework of the card-activation flow raised
online activations from 40% to 71%. At Cedar Bank I cut the loan backlog from 300 to 80 items.

Experience

Product Owner, Cedar Bank, Beirut (2019 - present)
- Owned the lending backlog for two teams.
"""
    h = _read(text)
    apart = [b.text for e in h.entries if e.apart for b in e.bullets]
    assert any(t.startswith("My rework of the card-activation flow") for t in apart)
    cedar = h.entries[-1]
    assert cedar.company == "Cedar Bank"
    # the sentence that names the employer joins that job
    assert any(b.text.startswith("At Cedar Bank I cut the loan backlog") for b in cedar.bullets)


def test_selected_achievements_under_each_role_stay_with_the_role() -> None:
    text = """EXPERIENCE

Director, Technical Program Management — Fjord Cloud, Oslo · 2020–Present
Head of a 15-person TPM org.
Selected achievements
 •  Cloud spend down 30% year over year through a FinOps program with per-team budgets.
Senior TPM — Nordlys Bank, Oslo · 2015–2020
Selected achievements
 •  Retired 3 payment engines after a merger, saving $4M a year.
"""
    assert _jobs(text, "pdf") == [
        ("Director, Technical Program Management", "Fjord Cloud", "2020", 1),
        ("Senior TPM", "Nordlys Bank", "2015", 1),
    ]


def test_product_sub_headings_stay_in_their_job() -> None:
    text = """# Experience
# Senior Product Owner — Greengrocer Co, Perth (Feb 2020 – Present)
Checkout app (Scan & Go)
- Launched Scan & Go in 20 stores; checkout time fell from 4 to 2 minutes.
Loyalty (Fresh Rewards)
- Points-expiry reminder shipped, lifting redemptions by 15%.
# Product Owner — CityTix, Perth (Jul 2017 – Jan 2020)
- Cut failed top-ups from 3% to 0.5%.
"""
    assert _jobs(text, "docx") == [
        ("Senior Product Owner", "Greengrocer Co", "Feb 2020", 2),
        ("Product Owner", "CityTix", "Jul 2017", 1),
    ]
    # a line with a job title or a separator between bullets still starts a job
    text2 = """EXPERIENCE
Product Owner, CityTix, 2017 – 2020
- Cut failed top-ups from 3% to 0.5%.
Business Analyst | Perth Bank
- Wrote the claims requirements.
"""
    assert [j[:2] for j in _jobs(text2)] == [
        ("Product Owner", "CityTix"),
        ("Business Analyst", "Perth Bank"),
    ]


def test_board_and_advisory_section_has_no_jobs() -> None:
    text = """EXPERIENCE
Senior TPM, Fjord Cloud, 2019 – 2024
- Cut cloud spend by 30% with per-team budgets.

BOARD AND ADVISORY
Technical Advisory Board — Harbour Labs · 2022–Present
Mentor — Startup Oslo · 2018–Present
"""
    assert _jobs(text) == [("Senior TPM", "Fjord Cloud", "2019", 1)]


def test_sub_bullet_with_the_result_joins_its_parent() -> None:
    text = """## Experience
### Staff Engineer — Kopi Wallet · 2021–present
- Ran a 3-team latency programme on the checkout path
  - p95 checkout latency from 1.8 s to 640 ms in one quarter
- Mobile platform
  - Moved 40 screens to the new design system, cutting crash rate by 20%
"""
    h = _read(text, "markdown")
    assert [b.text for b in h.bullets] == [
        "Ran a 3-team latency programme on the checkout path; p95 checkout latency from 1.8 s "
        "to 640 ms in one quarter",
        "Mobile platform",
        "Moved 40 screens to the new design system, cutting crash rate by 20%",
    ]


def test_star_labelled_lines_are_one_achievement_result_first() -> None:
    text = """EXPERIENCE
Technical Product Owner - Payments, Albion Bank    2020 - present
Situation: Our payments API missed its 99.5% availability target.
Action: Funded two sprints of caching and circuit breakers.
Result: Availability rose from 98.7% to 99.9%.
Situation: Fraud wanted every payment held for a day.
Action: Proposed risk-based holds with real data.
Result: Only 1.6% of payments held and fraud losses flat.
Result: A lonely result line stays as it is.
"""
    h = _read(text)
    assert [b.text for b in h.bullets] == [
        "Availability rose from 98.7% to 99.9%. Funded two sprints of caching and circuit "
        "breakers. Our payments API missed its 99.5% availability target.",
        "Only 1.6% of payments held and fraud losses flat. Proposed risk-based holds with real "
        "data. Fraud wanted every payment held for a day.",
        "Result: A lonely result line stays as it is.",
    ]
    # without a result, labelled lines stay apart
    assert star_items(["Situation: a b c d.", "Action: e f g h."]) == [
        ("Situation: a b c d.", False),
        ("Action: e f g h.", False),
    ]


def test_team_after_the_comma_employer_after_the_dash() -> None:
    assert split_header(
        "Senior Product Owner, Claims Self-Serve - Maplecrest Insurance, Toronto"
    ) == (
        "Senior Product Owner",
        "Maplecrest Insurance",
    )
    # a name with its acronym after the comma is the employer; the dash names the team
    assert split_header(
        "Technical Product Owner, Inland Revenue (IRD) - Business Transformation, Wellington"
    ) == ("Technical Product Owner", "Inland Revenue")
    assert split_header("Senior TPM, Quillfield Payments — Berlin") == (
        "Senior TPM",
        "Quillfield Payments",
    )


def test_new_layout_readers_are_bounded() -> None:
    start = time.perf_counter()
    many = ["Situation: s.", "Action: a.", "Result: r."] * 20_000
    assert len(star_items(many)) == 20_000
    assert len(star_items(["Result: r."] * (MAX_STAR_PARTS * 1000))) == MAX_STAR_PARTS * 1000
    bullets = "- Ran the programme across teams\n" + "  - latency down 5%\n" * 5_000
    h = _read("EXPERIENCE\nSenior TPM, Acme, 2019 – 2023\n" + bullets)
    assert len(h.bullets) == 1 + 5_000 - MAX_JOINED_SUBS
    subs = "Senior TPM, Acme, 2019 – 2023\n" + "- Cut costs by 5%\nLoyalty scheme\n" * 3_000
    assert len(_read("EXPERIENCE\n" + subs).entries) == 1
    profile = "PROFILE\n" + "Calm TPM (2019 – 2023)\n" * 5_000
    _read(profile)
    split_header("Product Owner, " + "Acme (AC) " * 100_000 + "- Team, City")
    assert time.perf_counter() - start < 20
