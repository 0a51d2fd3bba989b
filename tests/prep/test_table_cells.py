"""A Markdown table row whose cell lists many highlights ('a <br> b <br> ...'): each one a line,
however the break is written, at most MAX_CELL_LINES of them, and drafting stories from them
embeds each draft once (issue 15: such a row took about 4.5 s). Small résumés written for these
tests."""

from __future__ import annotations

import time
from collections.abc import Sequence

from loopcoach.analysis.embeddings import Embedder
from loopcoach.content.library import Library
from loopcoach.prep.history import MAX_CELL_LINES, cell_lines, from_text, piped_tables
from loopcoach.prep.matching import F32, Matcher
from loopcoach.prep.pack import draft_for, read_lines

HEAD = "## Experience\n\n| Role | Company | Dates | Highlights |\n|---|---|---|---|\n"


def _row(highlights: list[str], br: str = " <br> ") -> str:
    return HEAD + f"| Senior TPM | Kontura s.r.o. | 2019 – 2023 | {br.join(highlights)} |\n"


def _highlights(n: int) -> list[str]:
    return [
        f"Moved {10 + i} billing jobs of team {i} to the new scheduler, cutting late runs by {i}%"
        for i in range(1, n + 1)
    ]


def test_every_way_of_writing_a_break_splits_the_cell() -> None:
    for br in [" <br> ", "<br>", "<br/>", " <br /> ", " <BR> ", "<Br>"]:
        h = from_text(_row(_highlights(3), br), source="cv.md", fmt="markdown")
        assert [(e.title, e.company) for e in h.entries] == [("Senior TPM", "Kontura s.r.o.")]
        assert [b.text for b in h.bullets] == _highlights(3), br


def test_a_cell_gives_at_most_max_cell_lines_lines() -> None:
    many = _highlights(MAX_CELL_LINES + 25)
    lines = cell_lines(" <br> ".join(many))
    assert len(lines) == MAX_CELL_LINES
    assert lines[: MAX_CELL_LINES - 1] == many[: MAX_CELL_LINES - 1]
    # nothing is lost: the rest is the last line
    assert lines[-1] == "; ".join(many[MAX_CELL_LINES - 1 :])
    h = from_text(_row(many), source="cv.md", fmt="markdown")
    assert len(h.bullets) == MAX_CELL_LINES


class _Counting(Matcher):
    def __init__(self, embedder: Embedder) -> None:
        super().__init__(embedder)
        self.embedded: list[str] = []

    def vectors(self, texts: Sequence[str], *, remember: bool = True) -> F32:
        self.embedded += [t for t in texts if t not in self._memo]
        return super().vectors(texts, remember=remember)


def test_drafting_embeds_each_draft_once(library: Library, embedder: Embedder) -> None:
    h = from_text(_row(_highlights(30)), source="cv.md", fmt="markdown")
    matcher = _Counting(embedder)
    role = library.role("tpm")
    lines = read_lines(h, matcher)
    matcher.embedded.clear()
    _, stories = draft_for(h, role, matcher, achievements=lines)
    assert stories
    # the pool of 30 drafts is embedded once each, to tell near-duplicates apart; before,
    # their gists and sentences were embedded too (three times the work)
    assert len(matcher.embedded) == 30


def test_hostile_table_rows_are_bounded() -> None:
    start = time.perf_counter()
    for cell in [
        "<br>" * 200_000,
        " <BR> ".join(["a"] * 50_000),
        " <br> ".join(["Cut costs by 5% at the depot"] * 5_000),
        "<br" * 100_000,
    ]:
        h = from_text(
            f"## Experience\n\n| Senior TPM | Acme | 2019 – 2023 | {cell} |\n",
            source="cv.md",
            fmt="markdown",
        )
        assert len(h.bullets) <= MAX_CELL_LINES
    assert time.perf_counter() - start < 15


BARE = "\n".join(
    [
        "## Experience",
        "",
        "Period | Role | Company | Highlights",
        "---|---|---|---",
        "2022 – now | Product Owner | Tripvaart B.V., Amsterdam | Reworked the room-selection "
        "step; conversion up from 3.8% to 4.6%<br>PO for 2 scrum teams",
        "2019 – 2022 | Junior PO | Spoorweg Digitaal | Split the alerts epic into thin slices; "
        "alerts live for 50k users after 3 sprints",
        "",
        "## Skills",
        "Scrum | Kanban",
    ]
)


def test_a_table_without_outer_pipes_is_a_table() -> None:
    h = from_text(BARE, source="cv.md", fmt="markdown")
    assert [(e.title, e.company, e.start) for e in h.entries] == [
        ("Product Owner", "Tripvaart B.V.", "2022"),
        ("Junior PO", "Spoorweg Digitaal", "2019"),
    ]
    assert [len(e.bullets) for e in h.entries] == [2, 1]
    # a line with pipes but no rule under it is no table
    assert piped_tables(["Scrum | Kanban", "Jira | Miro"]) == ["Scrum | Kanban", "Jira | Miro"]


def test_bare_tables_are_bounded() -> None:
    start = time.perf_counter()
    piped_tables(["a | b", "-" * 200_000 + "|" + "-" * 200_000 + "x"])
    piped_tables(["a | b"] + ["---|---"] * 50_000)
    rows = ["a | b", "---|---"] + ["x | y"] * 50_000
    assert len(piped_tables(rows)) == len(rows)
    assert time.perf_counter() - start < 10
