"""Reading résumé layouts: section headings, job headers, bullet markers, lead-in labels, summary
paragraphs, word-processor exports without bullet marks, tables with named columns and long
wrapped bullets. Each résumé here is a small one written for the test."""

from __future__ import annotations

import time

from loopcoach.content.library import Library
from loopcoach.prep.achievements import classify
from loopcoach.prep.history import (
    MAX_SUMMARY_CLAIMS,
    WorkHistory,
    from_text,
    prose_items,
    summary_achievements,
)
from loopcoach.prep.importers import parse_history, strip_markdown
from loopcoach.prep.layout import (
    MAX_LEAD_CHARS,
    heading_section,
    normalise_markers,
    split_lead_in,
)
from loopcoach.prep.matching import Matcher
from loopcoach.prep.pack import draft_for


def _jobs(h: WorkHistory) -> list[tuple[str, str, str]]:
    return [(e.title, e.company, e.dates) for e in h.entries]


def _texts(h: WorkHistory) -> list[str]:
    return [b.text for b in h.bullets]


# --- ALL-CAPS headings, "o " and "> " bullets, "Employer — Title (years)" ----------------------

CAPS = """PRIYA NAIR
Pune | priya.nair@example.org

PROFILE
Program manager for warehouse software, eight years.

EXPERIENCE

Larkspur Freight (3PL) — Senior TPM, Yard Systems (2020–2024)
o Program lead for the yard platform across 4 teams.
o I moved gate check-in to licence-plate cameras; truck wait time fell from 50 to 12 minutes.
o Tools: Jira, Miro, Snowflake.

Corvid Telecom — Program Manager (2016–2020)
> Owned the SIM activation roadmap for 3 markets.
> I talked the vendor into a shared test rig, and activation defects fell by 60%.

CERTIFICATIONS & BOARDS
PMP · Board member, local product meetup
"""


def test_layout_caps_headings_and_letter_and_arrow_bullets() -> None:
    h = from_text(CAPS, source="cv.txt", fmt="text")
    assert _jobs(h) == [
        ("Senior TPM", "Larkspur Freight", "2020 – 2024"),
        ("Program Manager", "Corvid Telecom", "2016 – 2020"),
    ]
    assert _texts(h) == [
        "Program lead for the yard platform across 4 teams.",
        "I moved gate check-in to licence-plate cameras; truck wait time fell from 50 to 12 "
        "minutes.",
        "Tools: Jira, Miro, Snowflake.",
        "Owned the SIM activation roadmap for 3 markets.",
        "I talked the vendor into a shared test rig, and activation defects fell by 60%.",
    ]
    # an ALL-CAPS heading not in the list of names is still a section ("certifications")
    assert not any("PMP" in t or "Board" in t for t in [*_texts(h), h.entries[-1].description])


def test_layout_a_letter_or_arrow_opening_one_line_is_not_a_bullet() -> None:
    lines = ["o sistema de filas foi migrado", "> quoted once", "- a dash item"]
    assert normalise_markers(lines) == lines
    two = ["o first item here", "text", "o second item here", "+ one plus"]
    assert normalise_markers(two) == ["- first item here", "text", "- second item here", two[3]]


def test_layout_symbol_and_symbol_font_bullets() -> None:
    text = """Experience
Lead Analyst — Brightwater Water (2019 – 2023)
➢ Replaced the meter-read batch with a stream, and leak alerts went from 2 days to 4 hours.
\uf076 Cut the billing backlog from 9,000 to 400 cases in a quarter with a triage rota.
✓ Ran the weekly release call.
"""
    h = from_text(text, source="cv.txt", fmt="text")
    assert len(h.bullets) == 3 and _texts(h)[1].startswith("Cut the billing backlog")


def test_layout_heading_words_not_in_the_list() -> None:
    import re

    title = re.compile(r"\b(?:lead|manager|owner|product|project)\b", re.IGNORECASE)
    assert heading_section("CERTIFICATIONS & BOARDS", title) == "other"
    assert heading_section("## Professional Experience and Leadership", title) == "history"
    assert heading_section("PROJECT EXPERIENCE", title) == "history"
    assert heading_section("# Experience Platform Lead", title) is None  # a job title
    assert heading_section("PRODUCT OWNER", title) is None
    assert heading_section("Education — 2015", title) is None
    assert heading_section("Skills and experience in many areas of work", title) is None


# --- lead-in labels ---------------------------------------------------------------------------

LEADS = """# Olu Bankole

## Experience

### Staff TPM — Tessellate Pay
Mar 2021 – Present

- **Vendor consolidation:** cut payment processors from five to two, saving $1.4M a year.
- **Ledger** — moved the ledger to a sharded store across 6 teams with zero downtime on
  9M accounts.
- **Search.** Rebuilt the merchant search with the data team; zero-result searches fell from
  12% to 3%.
- **Team:** run planning for 4 squads.
- **Scope:** 6 teams, 50 engineers.
"""


def test_layout_bold_lead_ins_become_labels() -> None:
    h = parse_history(LEADS.encode(), "cv.md")
    assert _texts(h) == [
        "Vendor consolidation: cut payment processors from five to two, saving $1.4M a year.",
        "Ledger: moved the ledger to a sharded store across 6 teams with zero downtime on 9M "
        "accounts.",
        "Search: Rebuilt the merchant search with the data team; zero-result searches fell from "
        "12% to 3%.",
        "Team: run planning for 4 squads.",
        "Scope: 6 teams, 50 engineers.",
    ]
    # the label is not read as the line's opening: these are achievements and a remit
    kinds = [classify(t).kind for t in _texts(h)]
    assert kinds[:3] == ["achievement"] * 3
    assert kinds[3] != "achievement"


def test_layout_a_lead_in_label_titles_its_story(library: Library, matcher: Matcher) -> None:
    h = parse_history(LEADS.encode(), "cv.md")
    _, stories = draft_for(h, library.role("tpm"), matcher)
    titles = {s.source.split(":")[0]: s.title for s in stories}
    assert titles["Vendor consolidation"] == "Vendor consolidation"
    by_source = {s.source: s for s in stories}
    ledger = next(s for src, s in by_source.items() if src.startswith("Ledger:"))
    assert ledger.action.startswith("I moved the ledger")  # the label is not part of the action


def test_layout_split_lead_in() -> None:
    assert split_lead_in("Latency: authorisation p95 dropped from 410 to 180 ms") == (
        "Latency",
        "Authorisation p95 dropped from 410 to 180 ms",
    )
    for same in (
        "Scope: 6 teams, 50 engineers.",  # a value, not a clause
        "Led the migration: moved 40 services to Kubernetes.",  # a clause before the colon
        "Churn down 18%: rebuilt the onboarding flow.",  # the label holds the result
        "A very long opening of more than five words: then the rest of it.",
        "No colon in this line at all, just words.",
    ):
        assert split_lead_in(same) == ("", same)


def test_layout_markdown_bold_that_is_not_a_label_is_kept() -> None:
    assert strip_markdown("- **Cut churn 18%** by rebuilding onboarding") == (
        "- Cut churn 18% by rebuilding onboarding"
    )
    assert strip_markdown("- **Reduced churn by 18% in Q3.** Rebuilt onboarding") == (
        "- Reduced churn by 18% in Q3. Rebuilt onboarding"
    )


# --- achievements told in the summary paragraph ------------------------------------------------

SUMMARY = """# Ada Mensah

## Summary

Product owner with six years in lending and insurance. At Crestline Insurance I cut claim
set-up time from 5 days to 1 by moving intake onto one shared form with the claims team.
I like small slices and early no's.

## Experience

### Product Owner — Crestline Insurance
Jan 2021 – Present

- Own the claims backlog for two squads.

### Business Analyst — Vantor Lending
2017 – 2020

- Wrote the user stories for the broker portal.
"""


def test_layout_summary_achievement_joins_the_job_it_names() -> None:
    h = parse_history(SUMMARY.encode(), "cv.md")
    crestline = h.entries[0]
    assert crestline.company == "Crestline Insurance"
    assert crestline.bullets[0].text.startswith("At Crestline Insurance I cut claim set-up time")
    assert not any(t.startswith(("Product owner with", "I like")) for t in _texts(h))
    assert "six years" in h.summary  # the summary itself is kept


def test_layout_summary_without_a_named_job_stays_apart() -> None:
    text = SUMMARY.replace("At Crestline Insurance I", "I")
    h = parse_history(text.encode(), "cv.md")
    apart = [e for e in h.entries if e.apart]
    assert len(apart) == 1 and apart[0].bullets[0].text.startswith("I cut claim set-up time")


def test_layout_summary_sentence_that_retells_a_bullet_is_not_a_second_story() -> None:
    text = SUMMARY.replace(
        "- Own the claims backlog for two squads.",
        "- Moved claim intake onto one shared form with the claims team; set-up time fell from "
        "5 days to 1.",
    )
    h = parse_history(text.encode(), "cv.md")
    assert len([t for t in _texts(h) if "set-up time" in t]) == 1


def test_layout_summary_claims_are_bounded() -> None:
    claim = "I cut the refund backlog from 900 to 40 cases by adding a triage rota. "
    assert len(summary_achievements(claim * 500)) == MAX_SUMMARY_CLAIMS


# --- a word-processor export: no bullet marks, no full stops, no blank lines -----------------

EXPORT = """Jana Novak
Product Owner

Experience

Product Owner
Kestrel Books
03/2020 – present
Owned the catalogue backlog for one squad of 6 developers
Rebuilt the search ranking with the data team and zero-result searches fell from 14% to 5%
Moved the release checklist into the pipeline, cutting release time from 2 days to 3 hours
Ran weekly refinement with the tech lead
Analyst
Harbour Freight Ltd
01/2017 – 02/2020
Wrote the user stories for the customs portal
Mapped the manual hand-offs with the
operations team and automated 3 of them, saving 20 hours a week
"""


def test_layout_export_without_bullet_marks_keeps_one_item_per_line() -> None:
    h = from_text(EXPORT, source="cv.txt", fmt="text")
    assert _jobs(h) == [
        ("Product Owner", "Kestrel Books", "03/2020 – Present"),
        ("Analyst", "Harbour Freight Ltd", "01/2017 – 02/2020"),
    ]
    assert [len(e.bullets) for e in h.entries] == [4, 2]
    assert _texts(h)[3] == "Ran weekly refinement with the tech lead"
    assert _texts(h)[5] == (
        "Mapped the manual hand-offs with the operations team and automated 3 of them, saving "
        "20 hours a week"
    )


def test_layout_prose_items_join_only_lines_wrapped_mid_sentence() -> None:
    lines = ["Cut costs by", "Acme's half", "Ran reviews", "weekly with QA", "Done."]
    assert prose_items(lines) == [
        "Cut costs by Acme's half",
        "Ran reviews weekly with QA",
        "Done.",
    ]


# --- tables ---------------------------------------------------------------------------------

TABLE = "\n".join(
    [
        "# Lena Ortiz",
        "## Experience",
        "### Technical Product Owner — Voltra Grid",
        "Feb 2021 – Present",
        "- Own the metering API backlog for two squads.",
        "Key results:",
        "| Project | What I did | Result |",
        "| --- | --- | --- |",
        "| Tariff engine | Split the tariff rewrite into 5 releases behind flags "
        "| 1.2M bills moved with no late run |",
        "| Outage alerts | Replaced polling with grid events from the field units "
        "| Alerts now arrive in 40 seconds, not 15 minutes |",
        "### Analyst — Ferrow Bank",
        "2017 – 2021",
        "- Wrote the acceptance criteria for the payee check.",
    ]
)


def test_layout_table_with_named_columns_is_one_line_per_row_in_its_job() -> None:
    h = parse_history(TABLE.encode(), "cv.md")
    voltra = h.entries[0]
    assert (voltra.company, len(h.entries)) == ("Voltra Grid", 2)  # "Key results:" is no section
    assert [b.text for b in voltra.bullets] == [
        "Own the metering API backlog for two squads.",
        "Split the tariff rewrite into 5 releases behind flags; 1.2M bills moved with no late run",
        "Replaced polling with grid events from the field units; Alerts now arrive in 40 "
        "seconds, not 15 minutes",
    ]


# --- a header line with "from YEAR" above the role's dated line ------------------------------


def test_layout_since_in_an_employer_line_is_not_a_role_of_its_own() -> None:
    text = """EXPERIENCE

Halyard Media, Boston, MA (remote from 2016)
Principal Program Manager – Ad Serving          Jun 2014 – Feb 2019

• Cut ad-serving latency from 90 to 40 ms by giving each team a latency budget.
"""
    h = from_text(text, source="cv.txt", fmt="text")
    assert _jobs(h) == [("Principal Program Manager", "Halyard Media", "Jun 2014 – Feb 2019")]


# --- long multi-clause bullets wrapped over lines ---------------------------------------------


def test_layout_long_wrapped_bullet_is_one_line() -> None:
    text = """Experience
Director of Programs — Northwind Cloud (2019 – Present)
• Facing a 40% rise in cloud spend, I set up a cost program with finance and 14 service
  owners, combining rightsizing, storage tiers and committed-use discounts, which cut the
  annual bill by $9M while p99 latency held flat across every tier.
• Represent the programs in the monthly review with the CTO.
"""
    h = from_text(text, source="cv.txt", fmt="text")
    assert len(h.bullets) == 2
    assert _texts(h)[0].startswith("Facing a 40% rise") and _texts(h)[0].endswith("every tier.")


# --- hostile input: every reader stays linear and bounded ------------------------------------


def test_layout_hostile_inputs_are_bounded() -> None:
    start = time.perf_counter()
    long_label = "word " * 20_000 + ": and the rest of it"
    assert split_lead_in(long_label) == ("", long_label)
    assert split_lead_in("x" * (MAX_LEAD_CHARS + 10) + ": rest of the line here")[0] == ""
    many = ["o item number one"] * 50_000
    assert normalise_markers(many)[-1] == "- item number one"
    strip_markdown("- **" + "a" * 50_000 + " " + "b" * 50_000)
    heading_section("#" + " EXPERIENCE" * 10_000, __import__("re").compile("lead"))
    prose_items(["and so on and"] * 20_000)
    text = "EXPERIENCE\n" + "Acme — TPM (2019–2023)\n" + "o did a thing\n" * 5_000
    from_text(text, source="cv.txt", fmt="text")
    assert time.perf_counter() - start < 20


def test_layout_name_and_headline_on_one_line() -> None:
    body = (
        "\n## Experience\n\n### PO — Acme\n2020 – 2023\n"
        "- Cut refunds from 9% to 4% by fixing the form.\n"
    )
    h = parse_history(("# Ravi Kumar — Senior Product Owner\n" + body).encode(), "cv.md")
    assert (h.name, h.headline) == ("Ravi Kumar", "Senior Product Owner")
    same = parse_history(("# Ravi Kumar — Berlin\n" + body).encode(), "cv.md")
    assert same.name == "Ravi Kumar"  # the place is no headline
