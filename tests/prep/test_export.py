"""Exports of the prep pack: Markdown, HTML with a print stylesheet, and PDF."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from loopcoach.errors import LoopcoachError
from loopcoach.export.prep import render_html, render_markdown, write_pack


@pytest.fixture(scope="module")
def pack_dict(tpm_pack):  # type: ignore[no-untyped-def]
    return tpm_pack.to_dict()


def test_export_markdown(pack_dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_pack(pack_dict, tmp_path / "pack.md")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Prep pack: Technical Program Manager")
    for s in pack_dict["stories"]:
        assert s["title"] in text
    for heading in (
        "## Your 45-second pitch",
        "## Story bank",
        "## Coverage",
        "## Questions and your best stories",
        "## Résumé score",
    ):
        assert heading in text
    assert render_markdown(pack_dict) == text


def test_export_html_has_print_stylesheet(pack_dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = write_pack(pack_dict, tmp_path / "pack.html").read_text(encoding="utf-8")
    assert "@media print" in html and "@page" in html
    for s in pack_dict["stories"]:
        assert f"{s['id']}. " in html
    assert "<script" not in html
    assert render_html(pack_dict) == html


def test_export_html_escapes_user_text(pack_dict) -> None:  # type: ignore[no-untyped-def]
    stories = [
        {**pack_dict["stories"][0], "title": "<script>x</script>"},
        *pack_dict["stories"][1:],
    ]
    html = render_html({**pack_dict, "stories": stories})
    assert "<script>x" not in html and "&lt;script&gt;" in html


def _pdf_words(pack: dict[str, Any], path: Path) -> str:
    """The text of the PDF `write_pack` makes of `pack`, its whitespace collapsed."""
    from pypdf import PdfReader

    data = write_pack(pack, path).read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_export_pdf_renders_the_same_content(pack_dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every story and the questions kept are in the PDF. The pack is cut to its first two
    questions (of 38): the same template and renderer at 1.8 s of CPU instead of 4.6 s; the
    slow test below renders the whole pack."""
    pack = {**pack_dict, "questions": pack_dict["questions"][:2]}
    text = _pdf_words(pack, tmp_path / "pack.pdf")
    for s in pack_dict["stories"]:
        assert " ".join(s["title"].split()[:4]) in text
    for q in pack["questions"]:
        assert " ".join(q["prompt"].split()[:4]) in text


@pytest.mark.slow
def test_export_pdf_renders_the_whole_pack(pack_dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = _pdf_words(pack_dict, tmp_path / "pack.pdf")
    for s in pack_dict["stories"]:
        assert " ".join(s["title"].split()[:4]) in text
    for q in pack_dict["questions"]:
        assert " ".join(q["prompt"].split()[:4]) in text


def test_export_refuses_other_formats(pack_dict, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LoopcoachError) as err:
        write_pack(pack_dict, tmp_path / "pack.docx")
    assert "pack.md, pack.html or pack.pdf" in str(err.value)
    with pytest.raises(LoopcoachError):
        write_pack(pack_dict, tmp_path / "missing" / "pack.md")
