"""Extraction leftovers found on a development résumé set (issue 15): "EMPLOYER, City -- Title
(dates)" job lines, LaTeX math and symbol commands in story text, words pypdf glues together, and
one huge bullet. The résumés are small ones written for these tests."""

from __future__ import annotations

import pytest

from loopcoach.prep.history import from_text, split_header
from loopcoach.prep.importers import latex_text, parse_history


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("NORDLICHT ENERGIE GMBH, Hamburg -- Senior TPM", ("Senior TPM", "NORDLICHT ENERGIE GMBH")),
        ("Fjordline AS, Bergen --- Product Owner", ("Product Owner", "Fjordline AS")),
        ("Tallow & Finch, Leeds -- Delivery Lead", ("Delivery Lead", "Tallow & Finch")),
    ],
)
def test_double_dash_separates_the_city_from_the_title(
    header: str, expected: tuple[str, str]
) -> None:
    assert split_header(header) == expected


def test_employer_city_title_dates_job_lines_parse_apart() -> None:
    text = """PETRA LINDNER
Technical Program Manager

PROFESSIONAL EXPERIENCE

NORDLICHT ENERGIE GMBH, Hamburg -- Senior TPM (03/2021 - 11/2024)
* Moved 30 billing jobs to the new scheduler, cutting failed runs from 12 a week to 1.
* Ran the smart-meter rollout to 80,000 homes two weeks ahead of plan.

WESTWIND AG, Cologne -- Technical Project Manager (01/2017 - 02/2021)
* Halved release lead time by introducing trunk-based development across 4 teams.
"""
    h = from_text(text, source="cv.txt", fmt="text")
    jobs = [(e.title, e.company, e.start, e.end, len(e.bullets)) for e in h.entries]
    assert jobs == [
        ("Senior TPM", "NORDLICHT ENERGIE GMBH", "03/2021", "11/2024", 2),
        ("Technical Project Manager", "WESTWIND AG", "01/2017", "02/2021", 1),
    ]


LATEX = r"""\documentclass{article}
\begin{document}
\section{Experience}
\textbf{Senior TPM} \hfill Quarry Labs \hfill 2020 -- 2024
\begin{itemize}
\item Kept failed payments at $<$0.5\% while volume grew $\sim$3x over two quarters
\item Cut cloud spend by \textasciitilde{}20\% (\$1.2M a year) at $\geq$99.9\% availability
\item Moved 14 services in 6 weeks, 3$\times$ faster; p99 under 200\,ms (A \& B teams)
\end{itemize}
\end{document}
"""


def test_latex_math_and_symbols_become_plain_text() -> None:
    lines = latex_text(LATEX).splitlines()
    items = [ln[2:] for ln in lines if ln.startswith("- ")]
    assert items == [
        "Kept failed payments at <0.5% while volume grew ~3x over two quarters",
        "Cut cloud spend by ~20% ($1.2M a year) at ≥99.9% availability",
        "Moved 14 services in 6 weeks, 3× faster; p99 under 200 ms (A & B teams)",
    ]
    assert "$" not in "".join(items).replace("$1.2M", "")
    # and so in the bullets a story is drafted from
    bullets = [b.text for b in parse_history(LATEX.encode(), "cv.tex").bullets]
    assert bullets == items


def test_latex_ties_still_become_spaces_and_nul_bytes_are_dropped() -> None:
    text = "\\begin{document}\n\\item Team~of 5\x00 shipped 10\\% more\n\\end{document}"
    assert latex_text(text) == "- Team of 5 shipped 10% more"


def _one_page(content: bytes) -> bytes:
    from tests.prep.hostile_pdf import pages

    return pages(1, content)


def test_pdf_lines_merged_by_layout_mode_keep_a_space_between_words() -> None:
    from loopcoach.prep.importers import pdf_text

    # a table row: the right cell wraps ("...the existing" / "export already..."), the left
    # cell sits between its two lines, so layout mode puts both lines on one
    content = (
        b"BT /F1 10 Tf 72 720 Td (Senior TPM, Acme, 2019 - 2023) Tj ET "
        b"BT /F1 10 Tf 200 700 Td (Showed that the existing) Tj ET "
        b"BT /F1 10 Tf 201 694 Td (export already covered 90% of the need) Tj ET "
        b"BT /F1 10 Tf 72 697 Td (2 sprints saved) Tj ET "
    )
    text, pages = pdf_text(_one_page(content), "cv.pdf")
    assert pages == 1
    assert "the existing export already" in text
    assert "existingexport" not in text


def test_pdf_word_drawn_in_two_touching_pieces_stays_one_word() -> None:
    from loopcoach.prep.importers import pdf_text

    # "Kuber" is 26.68 points wide in 10 pt Helvetica: "netes" starts where it ends
    content = (
        b"BT /F1 10 Tf 72 740 Td (Senior TPM, Acme Logistics, Berlin, 2019 - 2023) Tj ET "
        b"BT /F1 10 Tf 72 720 Td (Moved forty services to ) Tj ET "
        b"BT /F1 10 Tf 72 700 Td (Kuber) Tj ET BT /F1 10 Tf 98.68 700 Td (netes in 2023) Tj ET "
    )
    text, _ = pdf_text(_one_page(content), "cv.pdf")
    assert "Kubernetes in 2023" in text


# one bullet as big as the parser takes (a 200 KB line, under its 25,000 words): many clause
# boundaries, or a long run with "by the" and no deadline, each read once
HUGE_BULLETS = {
    "clauses": "Led the platform migration" + "; interdependencies" * 10_600,
    "by-the": "Led the platform migration " + ("by the interdependencies " * 8_000).rstrip(),
}


@pytest.mark.parametrize("shape", sorted(HUGE_BULLETS))
def test_a_huge_bullet_is_drafted_within_a_request_budget(shape: str) -> None:
    import time

    from loopcoach.content.library import load_library
    from loopcoach.prep.resume_score import score_resume
    from loopcoach.prep.stories import candidate_stories, split_bullet
    from loopcoach.web.budget import REQUEST_SECONDS

    bullet = HUGE_BULLETS[shape]
    assert len(bullet) >= 200_000
    text = f"Dana Smith\n\nEXPERIENCE\nSenior TPM, Acme, 2019 - 2023\n- {bullet}\n"
    start = time.perf_counter()
    history = parse_history(text.encode(), "cv.txt")  # within the parser's word limit
    resume = score_resume(history, load_library().role("tpm"))
    every = frozenset(b.id for b in history.bullets)
    stories = candidate_stories(history, resume, achievements=every)
    assert time.perf_counter() - start < REQUEST_SECONDS
    assert len(stories) == 1
    assert stories[0][0].source == bullet
    # splitting it alone takes a few hundredths of a second when read once (seconds when each
    # boundary counted the words before it again)
    start = time.perf_counter()
    split_bullet(bullet)
    assert time.perf_counter() - start < 2.0
    assert split_bullet("Led the programme; the teams shipped it in 6 weeks") == (
        "Led the programme",
        "The teams shipped it in 6 weeks",
    )
