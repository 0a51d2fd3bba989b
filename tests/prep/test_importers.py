"""Importing résumés: every format gives the same history; broken files get one clear line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tests.prep.resumes import BROKEN, load_resume

from loopcoach.errors import LoopcoachError
from loopcoach.prep.history import from_text, split_header
from loopcoach.prep.importers import MAX_BYTES, parse_history

TPM_ROLES = [
    ("Senior Technical Program Manager", "Harbourline Freight", "Mar 2021", "Present", 7),
    ("Technical Program Manager", "Calloway Health", "Jun 2017", "Feb 2021", 6),
    ("Project Coordinator", "Brightwave Telecom", "Sep 2014", "May 2017", 4),
]


@pytest.mark.parametrize("name", ["tpm.md", "tpm.txt", "tpm.docx", "tpm.pdf"])
def test_importers_tpm_resume_reads_the_same_in_every_format(name: str) -> None:
    h = load_resume(name)
    got = [(e.title, e.company, e.start, e.end, len(e.bullets)) for e in h.entries]
    assert got == TPM_ROLES
    assert h.name == "Marisol Achterberg"
    assert h.bullets[0].text.startswith("Led the move of 140 services")
    assert h.bullets[0].text.endswith("no customer-facing outage at cutover.")
    assert h.summary.startswith("Technical program manager with ten years")
    assert h.fmt == {"md": "markdown", "txt": "text", "docx": "docx", "pdf": "pdf"}[name[4:]]


def test_importers_pdf_keeps_wrapped_bullets_whole() -> None:
    pdf, md = load_resume("tpm.pdf"), load_resume("tpm.md")
    assert [b.text for b in pdf.bullets] == [b.text for b in md.bullets]
    assert pdf.pages == 2


def test_importers_tpo_markdown_with_bold_headers() -> None:
    h = load_resume("tpo.md")
    assert [(e.title, e.company, e.start, e.end) for e in h.entries] == [
        ("Technical Product Owner", "Quayside Bank", "2020", "Present"),
        ("Product Owner", "Fernhill Insurance", "2017", "2020"),
    ]
    assert len(h.bullets) == 10
    assert "p99 latency fell from 1.4 s to 380 ms" in h.bullets[2].text


def test_importers_json_resume() -> None:
    h = load_resume("po.json")
    assert h.fmt == "json-resume" and h.name == "Aiyana Brooks-Mensah"
    assert h.entries[0].label == "Product Owner at Lumen Grocers"
    assert h.entries[0].dates == "Apr 2019 – Present"
    assert h.entries[1].dates == "Feb 2016 – Mar 2019"
    assert len(h.bullets) == 8


@pytest.mark.parametrize(
    ("name", "code", "says"),
    [
        ("locked.pdf", "resume-encrypted", "password-protected; save an unprotected copy"),
        ("torn.pdf", "resume-corrupt", "damaged"),
        ("empty.txt", "resume-empty", "the file is empty"),
        ("scanned.pdf", "resume-no-text", "no text layer (scanned image); paste the text instead"),
        ("resume.exe", "resume-format", "not '.exe'"),
    ],
)
def test_importers_broken_files_say_what_to_do(name: str, code: str, says: str) -> None:
    path = BROKEN / name
    with pytest.raises(LoopcoachError) as err:
        parse_history(path.read_bytes(), path.name)
    assert err.value.code == code
    message = str(err.value)
    assert message.startswith(f"{name}: ") and says in message and "\n" not in message


def test_importers_oversize_file() -> None:
    with pytest.raises(LoopcoachError) as err:
        parse_history(b"- did things\n" * (MAX_BYTES // 13 + 1), "huge.txt")
    assert err.value.code == "resume-too-big" and "10 MB" in str(err.value)


def test_importers_too_many_pdf_pages() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(51):
        writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(LoopcoachError) as err:
        parse_history(buf.getvalue(), "long.pdf")
    assert err.value.code == "resume-too-long" and "51 pages" in str(err.value)


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"just some text", "resume.pdf", "not a PDF"),
        (b"not a zip", "resume.docx", "not a .docx file"),
        (b"PK\x03\x04broken zip", "resume.docx", "damaged"),
        (b"{not json", "resume.json", "not valid JSON (line 1"),
        (b'{"name": "x"}', "resume.json", "not a JSON Resume"),
        (b"MZ\x90\x00program", "resume.txt", "not text"),
        (b"anything", "resume.doc", "save it as .docx or PDF"),
        (b"anything", "resume", "without an extension"),
        (b"Hello there.\nNice day.", "notes.txt", "found no roles or achievements"),
    ],
)
def test_importers_wrong_content_is_clear(data: bytes, name: str, says: str) -> None:
    with pytest.raises(LoopcoachError) as err:
        parse_history(data, name)
    assert says in str(err.value) and str(err.value).startswith(name)


def test_importers_plain_text_history_variants() -> None:
    text = (
        "Jo Example\n\nEXPERIENCE\n"
        "Program Manager | Acme Corp | Jan 2019 - Dec 2022\n"
        "* Ran the quarterly planning for 6 teams and cut missed milestones\n"
        "  from 12 to 3 per quarter.\n"
        "* Wrote the risk register.\n"
        "Delivery Lead at Beta Ltd (2015 – 2018)\n"
        "1. Shipped the billing rewrite with four squads.\n"
    )
    h = from_text(text, source="x.txt", fmt="text")
    assert [(e.title, e.company, e.start, e.end) for e in h.entries] == [
        ("Program Manager", "Acme Corp", "Jan 2019", "Dec 2022"),
        ("Delivery Lead", "Beta Ltd", "2015", "2018"),
    ]
    assert h.bullets[0].text.endswith("from 12 to 3 per quarter.")
    assert len(h.bullets) == 3


def test_importers_narrative_without_bullets_becomes_achievements() -> None:
    text = (
        "Sam Writer\n\nI led the move of our billing system to a new provider over two "
        "quarters. I coordinated five teams and we cut failed renewals by a third."
    )
    h = from_text(text, source="x.txt", fmt="text")
    assert len(h.bullets) == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Senior TPM — Acme, Berlin", ("Senior TPM", "Acme")),
        ("Acme Corp | Staff Program Manager", ("Staff Program Manager", "Acme Corp")),
        ("Product Owner at Lumen (Remote)", ("Product Owner", "Lumen")),
        ("Senior TPM, Quillfield Payments — Berlin", ("Senior TPM", "Quillfield Payments")),
        ("Director, Product Management — Acme", ("Director, Product Management", "Acme")),
    ],
)
def test_importers_split_header(header: str, expected: tuple[str, str]) -> None:
    assert split_header(header) == expected


def test_importers_fixture_script_is_in_sync() -> None:
    import runpy

    mod = runpy.run_path(str(Path(__file__).parents[2] / "benchmarks" / "make_resume_fixtures.py"))
    assert mod["check"]() == 0
