"""Extraction recall across layouts, on our own labelled résumés (tests/fixtures/resumes/layouts):
Markdown with nested bullets and bold role lines, prose paragraphs, a table, LaTeX, JSON Resume
highlights, plain text with • bullets, and a DOCX built here. Every labelled achievement
becomes exactly one story, with its role, employer, dates, action, scale and outcome; every
labelled duty is reported as a bullet to strengthen and is no story; nothing else is a story."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from loopcoach.content.library import Library
from loopcoach.domain.stories import Story, clean
from loopcoach.prep.history import WorkHistory
from loopcoach.prep.importers import parse_history
from loopcoach.prep.matching import Matcher
from loopcoach.prep.pack import draft_for
from loopcoach.prep.stories import story_scale, to_strengthen

LAYOUTS = Path(__file__).parents[1] / "fixtures" / "resumes" / "layouts"
LABELS: dict[str, dict[str, Any]] = yaml.safe_load(
    (LAYOUTS / "labels.yaml").read_text(encoding="utf-8")
)


def docx_bytes(spec: list[list[str]]) -> bytes:
    """A .docx written the way word processors do: Title and Heading styles, List Bullet
    paragraphs for the bullets."""
    from docx import Document

    doc = Document()
    for kind, text in spec:
        if kind == "title":
            doc.add_heading(text, level=0)
        elif kind == "heading":
            doc.add_heading(text, level=2)
        elif kind == "bullet":
            doc.add_paragraph(text, style="List Bullet")
        else:
            doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def load_layout(name: str) -> WorkHistory:
    spec = LABELS[name].get("docx")
    data = docx_bytes(spec) if spec else (LAYOUTS / name).read_bytes()
    return parse_history(data, name)


@pytest.fixture(scope="module")
def drafted(library: Library, matcher: Matcher) -> dict[str, tuple[WorkHistory, list[Story]]]:
    out = {}
    for name in LABELS:
        history = load_layout(name)
        _, stories = draft_for(history, library.role("tpm"), matcher)
        out[name] = (history, stories)
    return out


def test_layouts_fixture_formats_are_varied() -> None:
    formats = {load_layout(name).fmt for name in LABELS}
    assert formats >= {"markdown", "text", "latex", "json-resume", "docx"}


@pytest.mark.parametrize("name", sorted(LABELS))
def test_layouts_every_achievement_is_exactly_one_story(
    name: str, drafted: dict[str, tuple[WorkHistory, list[Story]]]
) -> None:
    _, stories = drafted[name]
    labels = LABELS[name]
    for a in labels["achievements"]:
        found = [s for s in stories if a["text"] in s.source]
        assert len(found) == 1, f"{name}: {a['text']!r} gave {len(found)} stories"
        s = found[0]
        assert (s.position, s.company, s.dates) == (a["position"], a["employer"], a["dates"]), (
            f"{name}: {a['text']!r}"
        )
        assert clean(s.action) and a["text"].split()[-1] in s.source
        assert clean(s.result), f"{name}: {a['text']!r} has no outcome: {s.action!r}"
        assert not s.result.startswith("[add"), f"{name}: {a['text']!r}"
        for q in a.get("scale", []):
            assert q in story_scale(s), f"{name}: {a['text']!r} scale {story_scale(s)} lacks {q!r}"
    # nothing else became a story (precision)
    assert len(stories) == len(labels["achievements"]), [s.source for s in stories]


@pytest.mark.parametrize("name", sorted(LABELS))
def test_layouts_duties_are_reported_to_strengthen(
    name: str, drafted: dict[str, tuple[WorkHistory, list[Story]]]
) -> None:
    history, stories = drafted[name]
    weak = [w["text"] for w in to_strengthen(history)]
    for duty in LABELS[name]["duties"]:
        assert sum(duty in w for w in weak) == 1, f"{name}: {duty!r} not reported in {weak}"
        assert not any(duty in s.source for s in stories)
    assert len(weak) == len(LABELS[name]["duties"]), weak


def test_layouts_pdf_table_row_wrapped_over_lines_and_a_results_section_after_skills(
    library: Library,
) -> None:
    from loopcoach.prep.history import from_text
    from loopcoach.prep.stories import candidate_stories

    text = """Ana Moreau
Delivery Lead

SKILLS

| Delivery | Tools |
|---|---|
| Planning, risk | Jira, Looker |

KEY RESULTS

| Area | Result |
|---|---|
| Logistics | Cut the late-parcel rate from 7% to 2% by moving the sort plan to hourly
waves across the three hubs. |
| Support | Reduced refund tickets by 40% after I rewrote the returns flow with the
payments team, over two
releases. |

EXPERIENCE

Delivery Lead, Parcel Platform — Quayside Logistics
Lyon · Mar 2020 – Present
 •  Launched next-day lockers in 14 cities, lifting lockers' share of parcels from 3% to 11%.
"""
    h = from_text(text, source="r.pdf", fmt="pdf")
    texts = [b.text for b in h.bullets]
    assert texts[0] == (
        "Cut the late-parcel rate from 7% to 2% by moving the sort plan to hourly waves across "
        "the three hubs."
    )
    assert texts[1].startswith("Reduced refund tickets by 40%") and texts[1].endswith("releases.")
    assert not any("Jira" in t for t in texts)  # the skills table is not a list of bullets
    from loopcoach.prep.resume_score import score_resume

    stories = candidate_stories(h, score_resume(h, library.role("tpm")))
    assert len(stories) == 3
