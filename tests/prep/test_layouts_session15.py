"""Layouts of issue 15's tenth development set, with example text written for these tests (not
from any résumé set): a functional résumé (achievements under skill headings below the profile,
jobs one line each afterwards); list items run together on one line at bullet signs, as text
copied from a web page gives them; a PDF bullet whose wrapped line starts flush left with a
capital; LaTeX items whose source runs over several lines; JSON Resume projects whose highlights
each tell an action and its result."""

from __future__ import annotations

import json
import time

from loopcoach.content.library import Library
from loopcoach.prep.achievements import classify
from loopcoach.prep.history import (
    MAX_RUN_ITEMS,
    MIN_RUN_WORDS,
    from_json_resume,
    from_text,
    run_together,
)
from loopcoach.prep.importers import latex_text
from loopcoach.prep.resume_score import score_resume
from loopcoach.prep.stories import candidate_stories, project_stories

FUNCTIONAL = """Dana Okonjo
Programme Manager · Bristol · dana@example.org

Profile
Programme manager with nine years in insurance and energy software.

Migrations
- Moved 85 claims services to a managed cloud across four teams, two weeks ahead of plan.
- Retired the legacy batch scheduler, cutting nightly run time from 7 hours to 90 minutes.

Working with executives
- Convinced the COO to stage the billing launch by region; the first region went live in 8 weeks.
- Fortnightly reviews and the risk log for a portfolio of six workstreams.

Experience
Programme Manager, Holloway Mutual Ltd, Bristol (May 2020 – present)
Project Manager, Tidewater Energy, Bath (Jan 2016 – Apr 2020)

Education
BSc Mathematics, 2015
"""


def test_functional_resume_reads_achievements_under_skill_headings(library: Library) -> None:
    h = from_text(FUNCTIONAL, source="f.txt", fmt="text")
    apart = [e for e in h.entries if e.apart]
    assert len(apart) == 1
    assert [b.text[:20] for b in apart[0].bullets] == [
        "Moved 85 claims serv",
        "Retired the legacy b",
        "Convinced the COO to",
        "Fortnightly reviews ",
    ]
    # the skill headings name no job, and the one-line jobs afterwards are jobs
    jobs = [e.company for e in h.entries if not e.apart]
    assert jobs == ["Holloway Mutual Ltd", "Tidewater Energy"]
    assert "Programme manager with nine years" in h.summary
    assert "Migrations" not in h.summary
    stories = [s for s, _ in candidate_stories(h, score_resume(h, library.role("tpm")))]
    moved = next(s for s in stories if s.source.startswith("Moved 85 claims"))
    # the résumé does not say in which job: the story says so rather than guess
    assert not moved.employer and not moved.position and not moved.dates
    assert "[add: the job this was in" in moved.situation


def test_functional_resume_without_a_profile_invents_no_job() -> None:
    text = FUNCTIONAL.replace(
        "Profile\nProgramme manager with nine years in insurance and energy software.\n\n", ""
    )
    h = from_text(text, source="f.txt", fmt="text")
    assert h.name == "Dana Okonjo"
    assert [len(e.bullets) for e in h.entries if e.apart] == [4]
    # "Working with executives" is a skill's name, not a job
    assert [e.company for e in h.entries] == ["", "Holloway Mutual Ltd", "Tidewater Energy"]
    assert all(e.title != "Working with executives" for e in h.entries)


def test_contact_bullets_under_the_name_are_not_a_skill_group() -> None:
    text = (
        "Dana Okonjo\n• dana@example.org • 07700 900000\n\nExperience\n"
        "Programme Manager, Holloway Mutual Ltd (2020 – present)\n"
        "- Moved 85 claims services to a managed cloud, two weeks ahead of plan.\n"
    )
    h = from_text(text, source="f.txt", fmt="text")
    assert h.name == "Dana Okonjo"
    assert not any(e.apart for e in h.entries)


def test_skill_heading_needs_bullets_right_below_it() -> None:
    text = FUNCTIONAL.replace(
        "Migrations\n- Moved", "Migrations\nI like hard migrations best.\n- Moved"
    )
    h = from_text(text, source="f.txt", fmt="text")
    # a heading over prose is not a list of achievements: no skill group starts there
    assert not any(b.text.startswith("Moved 85") and h.entries[b.entry].apart for b in h.bullets)


def test_profile_sentence_over_bullets_is_not_a_skill_heading() -> None:
    text = "Profile\nI run delivery for payments teams.\n- Cut refunds time by 40% in a year.\n"
    h = from_text(text, source="p.txt", fmt="text")
    assert not any(e.apart for e in h.entries)


_ONE_LINE = (
    "• Rebuilt the returns flow with the warehouse team; refunds now land in 2 days instead of 9"
    " • Cut abandoned baskets by 12% after moving delivery slots onto the first checkout page"
)
_DESCRIPTION_AND_ITEMS = (
    "Process mapping for a new depot system across 4 sites."
    " • Wrote test scripts for the depot handheld scanners"
    " • Trained 30 shift leads on the new picking screens"
)
RUN_TOGETHER = f"""Experience

Product Owner
Larkspur Foods · Full-time
Feb 2021 - Present · 3 yrs
{_ONE_LINE}
• Ran quarterly planning with three squads and the head of product

Analyst
Pellow Freight · Contract
Jan 2018 - Jan 2021 · 3 yrs
{_DESCRIPTION_AND_ITEMS}
Skills: Jira • SQL • Miro
"""


def test_items_run_together_at_bullet_signs_are_items_of_their_own() -> None:
    h = from_text(RUN_TOGETHER, source="l.txt", fmt="text")
    first, second = h.entries
    assert [b.text for b in first.bullets] == [
        "Rebuilt the returns flow with the warehouse team; refunds now land in 2 days instead of 9",
        "Cut abandoned baskets by 12% after moving delivery slots onto the first checkout page",
        "Ran quarterly planning with three squads and the head of product",
    ]
    assert first.company == "Larkspur Foods"
    # the job's one-line description before its items stays the job's description
    assert "Process mapping for a new depot system" in second.description
    assert [b.text for b in second.bullets] == [
        "Wrote test scripts for the depot handheld scanners",
        "Trained 30 shift leads on the new picking screens",
    ]


def test_header_and_skill_parts_at_bullet_signs_stay_one_line() -> None:
    lines = [
        "Senior TPM • Quarry Labs • Mar 2020 – Present",
        "Skills: Jira • SQL • Miro",
        "dana@example.org • +44 7700 900000 • linkedin.com/in/dana",
        "| Led the move of 40 services to a new cluster • Cut cost 20% in a quarter |",
        # a short item: not several items, one line
        "Moved the ledger to the new platform in 6 weeks • faster releases",
    ]
    assert run_together(lines) == lines


def test_items_run_together_are_bounded() -> None:
    item = "Moved one more reporting job onto the shared scheduler this week"
    assert len(item.split()) >= MIN_RUN_WORDS
    line = "- " + " • ".join([item] * 5_000)
    start = time.perf_counter()
    out = run_together([line] * 3)
    assert len(out) == 3 * MAX_RUN_ITEMS
    assert time.perf_counter() - start < 5
    h = from_text("Experience\nTPM, Acme Ltd (2020 – 2024)\n" + line + "\n", source="x", fmt="text")
    assert len(h.bullets) == MAX_RUN_ITEMS


WRAPPED_PDF = """Experience
Delivery Lead, Corvid Systems Ltd (2019 – 2024)

▪ Talked the finance director into funding a second test rig when the supplier's
FPGA board slipped, which kept the certification date intact.

▪ Chair the monthly dependency review with hardware and firmware leads.
Education
BEng Electronics, 2012
"""


def test_pdf_wrapped_line_flush_left_with_a_capital_continues_the_bullet() -> None:
    h = from_text(WRAPPED_PDF, source="w.pdf", fmt="pdf")
    assert [b.text for b in h.bullets] == [
        "Talked the finance director into funding a second test rig when the supplier's "
        "FPGA board slipped, which kept the certification date intact.",
        "Chair the monthly dependency review with hardware and firmware leads.",
    ]


def test_flush_left_line_after_a_finished_bullet_is_not_joined() -> None:
    text = (
        "Experience\nDelivery Lead, Corvid Systems Ltd (2019 – 2024)\n"
        "- Cut the release checklist from 80 steps to 25 by automating the smoke tests.\n"
        "Platform Lead, Harrier Ltd (2015 – 2019)\n"
        "- Ran the on-call rota for the storage team and the incident reviews\n"
        "Tools: Jira.\n"
    )
    h = from_text(text, source="w.pdf", fmt="pdf")
    assert h.bullets[0].text.endswith("smoke tests.")
    assert [e.company for e in h.entries] == ["Corvid Systems Ltd", "Harrier Ltd"]
    # a short bullet line was not wrapped: the line after it is not part of it
    assert h.bullets[1].text == "Ran the on-call rota for the storage team and the incident reviews"


LATEX = r"""\documentclass{article}
\begin{document}
\section{Experience}
\textbf{Delivery Manager}, Fenwick Robotics GmbH \hfill 2019 -- 2024
\begin{itemize}
  \item Set acceptance limits for the picking arm (grip success $\geq$98\% over 2,000 trials,
        $<$0.5\% dropped parts) and held the launch until they were met
  \item Ran the weekly supplier call.
\end{itemize}
Kestrel Labs \hfill 2015 -- 2019
\end{document}
"""


def test_latex_item_over_several_source_lines_is_one_item() -> None:
    text = latex_text(LATEX)
    h = from_text(text, source="r.tex", fmt="latex")
    texts = [b.text for b in h.bullets]
    assert texts[0].startswith("Set acceptance limits for the picking arm")
    assert texts[0].endswith("dropped parts) and held the launch until they were met")
    assert texts[1] == "Ran the weekly supplier call."
    assert "Kestrel Labs" not in " ".join(texts)


def _json_history(highlights: list[str], description: str = "") -> object:
    doc = {
        "basics": {"name": "Ari Vance"},
        "work": [
            {
                "name": "Ostrava Health",
                "position": "Product Manager",
                "startDate": "2020-01",
                "highlights": ["cut claim set-up time from 3 days to 4 hours"],
            }
        ],
        "projects": [
            {
                "name": "Referral queue rebuild",
                "description": description,
                "highlights": highlights,
            }
        ],
    }
    return from_json_resume(json.loads(json.dumps(doc)), source="a.json")


def test_project_highlights_that_each_tell_action_and_result_are_stories_of_their_own() -> None:
    h = _json_history(
        [
            "rewrote the triage rules with the clinical leads; referrals waiting over 2 weeks fell "
            "from 300 to 40",
            "moved the queue to the shared event bus, cutting duplicate referrals by 80%",
        ],
        description="Took the open referral backlog down to 150 items in my first month.",
    )
    stories = project_stories(h, 1)  # type: ignore[arg-type]
    assert [s.source[:24] for s in stories] == [
        "Took the open referral b",
        "rewrote the triage rules",
        "moved the queue to the s",
    ]
    assert all(s.title == "Referral queue rebuild" for s in stories)


def test_project_short_highlights_stay_one_story() -> None:
    h = _json_history(["Chose a queue over direct calls", "Wait times down 30%"])
    stories = project_stories(h, 1)  # type: ignore[arg-type]
    assert len(stories) == 1
    assert stories[0].source == "Chose a queue over direct calls. Wait times down 30%."


def test_a_number_brought_down_to_another_is_a_change() -> None:
    assert classify("Took the open referral backlog down to 150 items in my first month.").change
    assert classify("Brought the monthly cloud bill down to £40,000 within a quarter.").change
    # a scale with "up to" is no change
    assert not classify("Managed teams of up to 12 engineers in two offices.").change


def test_flush_left_wraps_are_bounded_on_hostile_input() -> None:
    # a line joins the bullet above only when it ends a sentence that line broke off, so a
    # long run of such lines never grows one bullet: each pair is read once
    wide = "Moved the ledger, the billing jobs and the reporting service onto the new cluster and"
    end = "Then retired the old one."
    body = "\n".join(f"- {wide}\n{end}" for _ in range(5_000))
    text = f"Experience\nDelivery Lead, Corvid Systems Ltd (2019 – 2024)\n{body}\n"
    start = time.perf_counter()
    h = from_text(text, source="w.pdf", fmt="pdf")
    assert len(h.bullets) == 5_000
    assert h.bullets[0].text == f"{wide} {end}"
    assert time.perf_counter() - start < 20
