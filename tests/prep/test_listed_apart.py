"""Achievements a résumé lists apart from its jobs ("Selected achievements" at the top): each joins
the job it names (its employer, a product or system only that job mentions, or the same line
under the job); one that names no job stays apart and its story says the job is unknown.
Also odd header layouts met on real résumés: rule lines, employer on the dated line, LaTeX
list macros."""

from __future__ import annotations

import time

from loopcoach.content.library import Library
from loopcoach.prep.history import MAX_LISTED, from_text
from loopcoach.prep.importers import latex_text
from loopcoach.prep.resume_score import score_resume
from loopcoach.prep.stories import candidate_stories

RESUME = """Noor Haddad
Technical Program Manager

-----------------------------------------------------------
SELECTED ACHIEVEMENTS
-----------------------------------------------------------
1) Moved Orbitly's 60 payment services to Kubernetes across 7 teams, cutting deploys to 40 min.
2) Took the Fernway checkout API to GA in 5 months; conversion rose from 2.1% to 2.9%.
3) Cut incident pages by 45% by replacing the on-call rota with follow-the-sun handovers.
4) Ran the Q3 vendor consolidation with finance, saving $400k a year across Orbitly and Tallis.

-----------------------------------------------------------
EXPERIENCE
-----------------------------------------------------------

Senior Technical Program Manager - Payments
Orbitly Ltd., London                                  Mar 2021 - Present

1. Own the program plan for the payments platform (7 teams).
2. Cut incident pages by 45% by replacing the on-call rota with follow-the-sun handovers.

Technical Program Manager
Tallis Commerce, Leeds                                Jan 2018 - Feb 2021

1. Coordinated releases for the Fernway checkout and the merchant portal.
2. Weekly status reporting to the VP of Engineering.
"""


def _history():  # type: ignore[no-untyped-def]
    return from_text(RESUME, source="noor.txt", fmt="text")


def _entry_of(history, start: str):  # type: ignore[no-untyped-def]
    for e in history.entries:
        for b in e.bullets:
            if b.text.startswith(start):
                return e
    raise AssertionError(f"no bullet starts with {start!r}")


def test_listed_apart_joins_the_employer_it_names() -> None:
    h = _history()
    e = _entry_of(h, "Moved Orbitly's 60 payment services")
    assert (e.title, e.company, e.dates) == (
        "Senior Technical Program Manager",
        "Orbitly Ltd.",
        "Mar 2021 – Present",
    )
    assert not e.apart


def test_listed_apart_joins_the_only_job_that_mentions_its_product() -> None:
    e = _entry_of(_history(), "Took the Fernway checkout API to GA")
    assert e.company == "Tallis Commerce"


def test_listed_apart_repeating_a_job_line_is_that_job_and_one_story(library: Library) -> None:
    h = _history()
    e = _entry_of(h, "Cut incident pages by 45%")
    assert e.company == "Orbitly Ltd."
    stories = candidate_stories(h, score_resume(h, library.role("tpm")))
    assert sum(s.source.startswith("Cut incident pages") for s, _ in stories) == 1


def test_listed_apart_naming_two_employers_stays_apart_and_says_so(library: Library) -> None:
    h = _history()
    e = _entry_of(h, "Ran the Q3 vendor consolidation")
    assert e.apart and not e.title and not e.company
    stories = [s for s, _ in candidate_stories(h, score_resume(h, library.role("tpm")))]
    story = next(s for s in stories if s.source.startswith("Ran the Q3 vendor"))
    assert not story.employer and not story.position and not story.dates
    assert "[add: the job this was in" in story.situation
    joined = next(s for s in stories if s.source.startswith("Moved Orbitly"))
    assert joined.employer == "Orbitly Ltd." and "[add: the job this was in" not in joined.situation


def test_listed_apart_without_any_job_keeps_every_line() -> None:
    text = "Key achievements\n- Cut build time from 30 to 8 minutes by caching layers.\n"
    h = from_text(text, source="x.md", fmt="markdown")
    assert [b.text for b in h.bullets] == ["Cut build time from 30 to 8 minutes by caching layers."]
    assert h.entries[0].apart


def test_listed_apart_many_lines_are_bounded() -> None:
    """Hostile input: thousands of listed lines and job bullets finish quickly; lines past
    MAX_LISTED stay apart rather than being compared with every job."""
    listed = "\n".join(f"- Cut Orbitly cost {i} by {i}% with plan {i}." for i in range(3000))
    jobs = "\n".join(
        f"Engineer\nCo{i} Ltd, Town    2001 - 2002\n"
        + "\n".join(f"- Did thing {i}-{k} for team {k}." for k in range(20))
        for i in range(50)
    )
    text = f"Selected achievements\n{listed}\n\nExperience\n{jobs}\n"
    started = time.monotonic()
    h = from_text(text, source="x.txt", fmt="text")
    assert time.monotonic() - started < 10
    apart = [e for e in h.entries if e.apart]
    assert apart and len(apart[0].bullets) >= 3000 - MAX_LISTED


def test_rule_lines_are_not_headers_and_the_dated_line_names_the_employer() -> None:
    h = _history()
    roles = [e for e in h.entries if not e.apart]
    assert [e.company for e in roles] == ["Orbitly Ltd.", "Tallis Commerce"]
    assert not any("---" in e.title + e.company for e in h.entries)


def test_city_on_the_dated_line_does_not_replace_the_employer() -> None:
    text = (
        "### Product Owner – Claims, Southern Mutual\n*Melbourne · Feb 2022 – Present*\n"
        "- Cut claim time from 14 to 6 minutes by prefilling policy details.\n"
    )
    h = from_text(text, source="x.md", fmt="markdown")
    assert h.entries[0].company != "Melbourne"


def test_latex_list_macros_and_spacing_are_not_text() -> None:
    tex = r"""\documentclass{article}
\newcommand{\resumeItemListStart}{\begin{itemize}}
\begin{document}
\textbf{Dana Reyes} \\ \vspace{1pt}
\section{Experience}
\resumeSubheading{Nimbus Cloud}{Seattle, WA}{Staff TPM, Storage \& APIs}{Sep 2020 -- Present}
\resumeItemListStart
  \resumeItem{Took the control plane to GA after 18 months; failover went from 40 to 2 minutes.}
\resumeItemListEnd
\end{document}
"""
    text = latex_text(tex)
    assert "ListStart" not in text and "ListEnd" not in text and "1pt" not in text
    h = from_text(text, source="x.tex", fmt="latex")
    assert [b.text[:20] for b in h.bullets] == ["Took the control pla"]
    assert (h.entries[0].title, h.entries[0].company) == ("Staff TPM", "Nimbus Cloud")


def test_a_part_with_a_legal_form_is_the_employer() -> None:
    from loopcoach.prep.history import split_header

    assert split_header("Technical Product Owner, Booking APIs | Viajes Lumbre S.L. | 2020") == (
        "Technical Product Owner",
        "Viajes Lumbre S.L.",
    )
    assert split_header("Senior TPM, Quillfield Payments — Berlin") == (
        "Senior TPM",
        "Quillfield Payments",
    )


def test_moderncv_name_and_title_are_read() -> None:
    tex = r"""\documentclass{moderncv}
\name{Aiko}{Tanaka}
\title{Product Owner}
\begin{document}
\makecvtitle
\section{Experience}
\cventry{2021--Present}{Product Owner}{Hoshi Retail}{Osaka}{}{%
\begin{itemize}
\item Cut the backlog from 310 items to 85 in a month by archiving stale items.
\end{itemize}}
\end{document}
"""
    h = from_text(latex_text(tex), source="a.tex", fmt="latex")
    assert (h.name, h.headline) == ("Aiko Tanaka", "Product Owner")
    assert (h.entries[0].title, h.entries[0].company) == ("Product Owner", "Hoshi Retail")
