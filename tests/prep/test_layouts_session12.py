"""Four more résumé layouts (issue 15): a functional résumé (achievements under skill headings,
each naming its employer in brackets), jobs told in "Context:", "Actions:", "Results:"
paragraphs, a table of a metric beside what was done (Markdown and a PDF's two columns), and a
bio written in the third person. The résumés are small ones written for these tests."""

from __future__ import annotations

import re
import time

from loopcoach.prep.achievements import actors, own_voice
from loopcoach.prep.columns import column_tables
from loopcoach.prep.history import (
    clause_items,
    employer_at_end,
    from_text,
    metric_with_work,
    split_results,
)
from loopcoach.prep.layout import heading_section
from loopcoach.prep.resume_score import score_resume
from loopcoach.prep.stories import achievement_lines, candidate_stories, to_strengthen

TITLE = re.compile(r"\b(manager|owner|lead)\b", re.IGNORECASE)


def _read(text: str, fmt: str = "text"):  # type: ignore[no-untyped-def]
    return from_text(text, source="cv.txt", fmt=fmt)


# --- functional résumés ---------------------------------------------------------------------

FUNCTIONAL = """Tomasz Wrona
Product Owner

CORE SKILLS AND ACHIEVEMENTS

Discovery
- Interviewed 30 warehouse pickers and cut mis-picks from 4% to 1.5% with a scan-first flow (Kestrel Retail, 2022)
- Ran weekly usability sessions for the returns app (Kestrel Retail, 2021-2023)

Delivery
- Rebuilt the release calendar for 4 teams; lead time fell from 18 days to 5 (Orbis Bank, 2019)

EMPLOYMENT HISTORY
Product Owner, Kestrel Retail Ltd, Leeds — Mar 2020 to Present
Business Analyst, Orbis Bank, York — Jan 2017 to Feb 2020

EDUCATION
BSc Economics, 2016
"""


def test_functional_resume_places_achievements_in_the_jobs_they_name() -> None:
    h = _read(FUNCTIONAL)
    jobs = [(e.title, e.company, len(e.bullets)) for e in h.entries]
    # the skill headings ("Discovery", "Delivery") are not jobs
    assert jobs == [
        ("Product Owner", "Kestrel Retail Ltd", 2),
        ("Business Analyst", "Orbis Bank", 1),
    ]
    assert h.entries[1].bullets[0].text.startswith("Rebuilt the release calendar")


def test_functional_resume_without_a_job_list_keeps_the_named_employer() -> None:
    text = FUNCTIONAL.split("EMPLOYMENT HISTORY")[0]
    h = _read(text)
    assert [(e.company, e.start, e.end, e.apart) for e in h.entries] == [
        ("Kestrel Retail", "2021", "2023", False),
        ("Orbis Bank", "2019", "", False),
    ]
    stories = [s for s, _ in candidate_stories(h, score_resume(h, _role()))]
    assert {s.employer for s in stories} == {"Kestrel Retail", "Orbis Bank"}


def test_employer_at_end_needs_a_name_and_a_date() -> None:
    assert employer_at_end("Cut costs by 5% (Acme Foods, 2020-2022)") == (
        "Acme Foods",
        "2020",
        "2022",
    )
    assert employer_at_end("Cut costs by 5% (Acme Foods, Mar 2021).") == (
        "Acme Foods",
        "Mar 2021",
        "",
    )
    assert employer_at_end("Led 3 squads (6 POs)") is None  # a size, not an employer
    assert employer_at_end("Led the squads (QA and UX)") is None  # no date
    assert employer_at_end("Cut costs (cut them by 5%, 2020)") is None  # a clause, not a name


def test_a_heading_that_names_achievements_holds_them() -> None:
    assert heading_section("# Key Skills and Achievements", TITLE) == "highlights"
    assert heading_section("# Skills & Accomplishments", TITLE) == "highlights"
    assert heading_section("SKILLS", TITLE) == "other"
    assert heading_section("# Experience and Achievements", TITLE) == "history"


# --- Context / Actions / Results ------------------------------------------------------------

CAR = """Experience

Senior Product Owner — Alder Telecom AB, Malmö — 2019 to present
Context: Alder is a regional mobile operator with 900,000 customers. I own the billing backlog for two teams.
Actions: I mapped every billing consumer and wrote the migration as slices. I kept one sprint in six for upkeep.
Results: Billing disputes fell from 1,200 to 300 a month after the new invoice went live. We retired the old billing engine four months early, saving 2.1M SEK a year.
"""


def test_results_sentences_are_achievements_context_and_actions_are_not() -> None:
    h = _read(CAR)
    (job,) = h.entries
    assert [b.text for b in job.bullets] == [
        "Billing disputes fell from 1,200 to 300 a month after the new invoice went live.",
        "We retired the old billing engine four months early, saving 2.1M SEK a year.",
    ]
    assert job.description.startswith("Alder is a regional mobile operator")
    assert "I mapped every billing consumer" in job.description


def test_one_result_sentence_keeps_the_star_story_whole() -> None:
    items = [
        "Context: a team of five.",
        "Action: moved the build to CI.",
        "Result: builds 4x faster.",
    ]
    assert split_results(items) == (items, [], {})
    h = _read("Experience\nPO — Acme Ltd — 2020 to 2022\n" + "\n".join(items) + "\n")
    assert [b.text for b in h.bullets] == [
        "builds 4x faster. moved the build to CI. a team of five."
    ]


# --- metric tables --------------------------------------------------------------------------


def test_a_metric_beside_the_work_is_one_achievement() -> None:
    assert metric_with_work(
        ["-40% cycle time", "Split the claims backlog into thin weekly slices"]
    ) == ["Split the claims backlog into thin weekly slices; -40% cycle time"]
    assert metric_with_work(["Cut the backlog into slices for two teams", "12 → 3 incidents"]) == [
        "Cut the backlog into slices for two teams; 12 → 3 incidents"
    ]
    # two cells that are not a metric and work stay as they are
    assert metric_with_work(["Team", "Payments platform for 40 banks"]) == [
        "Team",
        "Payments platform for 40 banks",
    ]
    text = """Experience
### Product Owner — Acme Ltd, Leeds (2019 – Present)
| Impact | What I did |
|---|---|
| -40% cycle time | Split the claims backlog into thin slices and moved the team to weekly releases |
| 12 → 3 open incidents | Rewrote the on-call runbook with the SRE lead and retired two noisy alerts |
"""
    h = _read(text, "markdown")
    assert [b.text for b in h.bullets] == [
        "Split the claims backlog into thin slices and moved the team to weekly releases; "
        "-40% cycle time",
        "Rewrote the on-call runbook with the SRE lead and retired two noisy alerts; "
        "12 → 3 open incidents",
    ]


PDF_TABLE = [
    "Impact                    What I did",
    "                       Moved the loan-origination backlog to thin slices with",
    "-25% lead time         the two tech leads and put the team on trunk-based",
    "                       releases",
    "98% first-time         Rewrote the definition of ready so every story carries",
    "pass rate              rollback criteria before it enters a sprint",
    "",
    "3 sprints saved  Said no to a bespoke export and showed the existing report covered it",
    "",
    "Education",
]


def test_a_pdf_metric_table_is_read_row_by_row() -> None:
    out = column_tables(PDF_TABLE)
    assert out[:5] == [
        "| Impact | What I did |",
        "|---|---|",
        "| -25% lead time | Moved the loan-origination backlog to thin slices with the two tech "
        "leads and put the team on trunk-based releases |",
        "| 98% first-time pass rate | Rewrote the definition of ready so every story carries "
        "rollback criteria before it enters a sprint |",
        "| 3 sprints saved | Said no to a bespoke export and showed the existing report covered it |",
    ]
    assert out[5:] == ["", "Education"]
    # a table of two columns whose short cells are not metrics is left as it is
    plain = [
        "Team                What we built",
        *[f"Payments            Line {n} of the text here" for n in range(4)],
    ]
    assert column_tables(plain) == plain


# --- third-person bios ----------------------------------------------------------------------

BIO = """JANE ODUYA
Product Owner | Lagos

ABOUT JANE
Jane is a product owner who likes short backlogs.

EXPERIENCE

Paystream, Lagos - Senior Product Owner, 2020 to present
Jane owns the merchant app backlog for two squads. She led the move to instant settlement; merchant churn fell 18% in a year. When sales asked for a custom portal, Jane offered a configurable page instead, and 30 merchants now use it. She ran the backlog clean-up from 400 items to 90; she cut the sign-up form from 12 fields to 4, and sign-ups rose 22%.
"""


def test_third_person_clauses_are_the_persons_actions() -> None:
    h = _read(BIO)
    assert h.name == "Jane Oduya"
    texts = [b.text for b in h.bullets]
    # two semicolon clauses, each naming its actor, are two achievements
    assert "She ran the backlog clean-up from 400 items to 90" in texts
    assert "She cut the sign-up form from 12 fields to 4, and sign-ups rose 22%." in texts
    found = achievement_lines(h)
    picked = [b.text for b in h.bullets if b.id in found]
    assert any(t.startswith("She led the move to instant settlement") for t in picked)
    assert any(t.startswith("When sales asked for a custom portal") for t in picked)
    duties = [d["text"] for d in to_strengthen(h, found)]
    assert "Jane owns the merchant app backlog for two squads." in duties
    stories = [s for s, _ in candidate_stories(h, score_resume(h, _role()), achievements=found)]
    led = next(s for s in stories if s.source.startswith("She led"))
    assert led.action.startswith("I led the move to instant settlement")  # told as her own


def test_own_voice_only_for_a_third_person_resume() -> None:
    who = actors("Jane Oduya", ["Jane owns the app.", "Later, Jane led the move."])
    assert own_voice("Jane owns the merchant app", who) == "I own the merchant app"
    assert own_voice("She runs refinement; she fixes it", who) == "I run refinement; I fix it"
    assert own_voice("When X failed, Jane agreed a plan", who) == "When X failed, I agreed a plan"
    # a first-person résumé (its name never the subject) is left alone, "she" and all
    assert actors("Jane Oduya", ["I led the move.", "She (the CTO) agreed."]) == ()
    assert own_voice("She agreed to pause it", ()) == "She agreed to pause it"
    assert actors("", ["Jane owns it", "Jane led it"]) == ()


def test_two_clauses_split_only_when_each_names_its_actor() -> None:
    assert clause_items(
        "I cut the backlog from 300 to 80; I moved the team to weekly releases"
    ) == [
        "I cut the backlog from 300 to 80",
        "I moved the team to weekly releases",
    ]
    one = "Led the migration of 40 services; renewals failed at 0.03% versus a 0.5% budget"
    assert clause_items(one) == [one]


# --- hostile input --------------------------------------------------------------------------


def test_new_readers_are_bounded_on_hostile_input() -> None:
    start = time.perf_counter()
    many = [
        "Context: a bank.",
        "Actions: moved it.",
        "Results: Costs fell by half. Churn fell by a third.",
    ] * 5_000
    items, context, _ = split_results(many)
    assert len(items) == 10_000 and len(context) == 10_000
    rows = ["Impact      What I did"] + ["-1% x       Cut the cost of the thing by a lot"] * 5_000
    assert len(column_tables(rows)) == 5_002
    blanks = ["Impact      What I did"] + [
        "",
        "2 x         Cut the cost of the thing by a lot",
    ] * 2_500
    assert len(column_tables(blanks)) == 2_502
    assert employer_at_end("(" + "Acme " * 20_000 + ", 2020)") is None
    assert employer_at_end("(" * 50_000 + "Acme, 2020)") == ("Acme", "2020", "")
    who = actors("Jane Oduya", ["Jane led it", "Jane ran it"])
    long = "; ".join(["she cut it"] * 20_000)
    assert own_voice(long, who).count("I cut it") == 20_000
    functional = "Achievements\n" + "Delivery\n- Cut costs by 5% (Acme Foods, 2020)\n" * 5_000
    h = _read(functional)
    assert len(h.entries) == 1 and len(h.bullets) == 5_000
    assert time.perf_counter() - start < 20


def _role():  # type: ignore[no-untyped-def]
    from loopcoach.content.library import load_library

    return load_library().role("po")
