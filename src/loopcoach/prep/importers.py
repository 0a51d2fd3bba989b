"""Résumé import: bytes in, a `WorkHistory` out. Pure: no file access here.

Formats: PDF (pypdf), DOCX (python-docx), Markdown, plain text and JSON Resume
(jsonresume.org). The caller reads the file (the CLI, the web upload) and hands over its bytes and
name; every problem a user can cause is a `LoopcoachError` whose one-line message names the file
and says what to do.

    history = parse_history(path.read_bytes(), path.name)
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from loopcoach.errors import LoopcoachError
from loopcoach.limits import check_zip, json_load
from loopcoach.prep.history import WorkHistory, from_json_resume, from_text

MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 50
WORDS_PER_PAGE = 500  # for formats without pages: 50 pages is about 25,000 words
MIN_PDF_CHARS = 40  # fewer characters than this in the whole PDF means no text layer

FORMATS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".json": "json-resume",
}
SUFFIX_HINT = ".pdf, .docx, .md, .txt or .json (JSON Resume)"
_OLD_FORMATS = {
    ".doc": "an old Word .doc file; save it as .docx or PDF",
    ".pages": "a Pages file; export it as PDF or .docx",
    ".odt": "an OpenDocument file; save it as .docx or PDF",
    ".rtf": "an RTF file; save it as .docx, PDF or plain text",
}


def fail(code: str, name: str, message: str) -> LoopcoachError:
    return LoopcoachError(code, f"{name}: {message}")


def format_of(name: str) -> str:
    """The format a file name announces, or a clear error for anything else."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in FORMATS:
        return FORMATS[suffix]
    if suffix in _OLD_FORMATS:
        raise fail("resume-format", name, f"this is {_OLD_FORMATS[suffix]}")
    shown = f"'{suffix}'" if suffix else "a file without an extension"
    raise fail(
        "resume-format",
        name,
        f"loopcoach reads {SUFFIX_HINT} résumés, not {shown}; "
        "export your résumé to one of those formats",
    )


def check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise fail(
            "resume-too-big",
            name,
            f"{size / 1024 / 1024:.1f} MB is over the 10 MB limit; "
            "remove images or paste the text into a .txt file",
        )


def parse_history(data: bytes, name: str) -> WorkHistory:
    """Parse a résumé's bytes; `name` (the file name) picks the format and appears in errors."""
    fmt = format_of(name)
    check_size(len(data), name)
    if not data.strip():
        raise fail("resume-empty", name, "the file is empty; save your résumé into it and retry")
    if fmt == "pdf":
        text, pages = pdf_text(data, name)
    elif fmt == "docx":
        text, pages = docx_text(data, name)
    else:
        text = decode_text(data, name)
        pages = 0
        if fmt == "json-resume":
            return _with_limits(from_json_resume(_load_json(text, name), source=name), name)
        if fmt == "markdown":
            text = strip_markdown(text)
    text = text.replace("\x00", "")  # PDF and DOCX text may carry NULs; a database refuses them
    if not text.strip():
        raise fail("resume-empty", name, "the file holds no text; save your résumé into it")
    return _with_limits(from_text(text, source=name, fmt=fmt, pages=pages), name)


def _with_limits(history: WorkHistory, name: str) -> WorkHistory:
    words = len(history.text.split())
    if history.pages == 0 and words > MAX_PAGES * WORDS_PER_PAGE:
        raise fail(
            "resume-too-long",
            name,
            f"{words:,} words is more than about {MAX_PAGES} pages; "
            "keep the roles of the last 10-15 years and try again",
        )
    if not history.bullets:
        raise fail(
            "resume-no-history",
            name,
            "found no roles or achievements; put each role on its own line with its dates "
            "(e.g. 'Mar 2021 – Present') and each achievement on a line starting with '- '",
        )
    return history


# --- bytes to text ---------------------------------------------------------------------------


def decode_text(data: bytes, name: str) -> str:
    if data[:2] in (b"MZ", b"\x7fE") or data[:4] in (b"%PDF", b"PK\x03\x04"):
        raise fail(
            "resume-format",
            name,
            "the content is not text (a program, PDF or archive with a text extension); "
            f"save the résumé as {SUFFIX_HINT}",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise fail(
            "resume-format", name, "the content is binary, not text; paste the text instead"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _load_json(text: str, name: str) -> dict[str, object]:
    try:
        doc = json_load(text, source=name)
    except json.JSONDecodeError as exc:
        raise fail(
            "resume-json",
            name,
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "fix it or export the JSON Resume again",
        ) from None
    if not isinstance(doc, dict) or not any(k in doc for k in ("work", "basics", "projects")):
        raise fail(
            "resume-json",
            name,
            "not a JSON Resume (expected an object with 'basics' and 'work', see jsonresume.org); "
            "or save the résumé as .md or .txt",
        )
    if _has_nul(doc):
        raise fail("resume-json", name, "a value contains a NUL character (\\u0000); remove it "
                   "and try again")
    return doc


def _has_nul(value: object) -> bool:
    """Any NUL in a JSON document's strings (json_load has bounded its depth)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """pypdf logs warnings about sloppy PDFs; the core never prints, so hush them here."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def pdf_text(data: bytes, name: str) -> tuple[str, int]:
    """Text of a PDF, keeping layout so bullets and their wrapped lines stay together."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise fail(
            "resume-corrupt",
            name,
            "this is not a PDF (the file is damaged or has the wrong extension); "
            "export the PDF again or paste the text into a .txt file",
        )
    corrupt = fail(
        "resume-corrupt",
        name,
        "the PDF is damaged and cannot be read; export it again or paste the text into a .txt file",
    )
    locked = fail(
        "resume-encrypted",
        name,
        "the PDF is password-protected; save an unprotected copy or paste the text instead",
    )
    with _quiet("pypdf"):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):
                        raise locked
                except (PyPdfError, NotImplementedError):
                    raise locked from None
            n = len(reader.pages)
        except LoopcoachError:
            raise
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError):
            raise corrupt from None
        except Exception:  # pypdf raises many kinds on malformed input
            raise corrupt from None
        if n > MAX_PAGES:
            raise fail(
                "resume-too-long",
                name,
                f"the PDF has {n} pages; the limit is {MAX_PAGES}: keep the roles of the "
                "last 10-15 years",
            )
        pages: list[str] = []
        for page in reader.pages:
            try:
                pages.append(page.extract_text(extraction_mode="layout") or "")
            except Exception:
                try:
                    pages.append(page.extract_text() or "")
                except Exception:
                    raise corrupt from None
    text = "\n".join(pages)
    if len(re.sub(r"\s+", "", text)) < MIN_PDF_CHARS:
        raise fail(
            "resume-no-text",
            name,
            "the PDF has no text layer (scanned image); paste the text instead",
        )
    return _tidy_layout(text), n


def _tidy_layout(text: str) -> str:
    """Layout-mode lines keep their indent; wide gaps between columns become ' | '."""
    out = []
    for raw in text.splitlines():
        stripped = raw.rstrip()
        indent = len(stripped) - len(stripped.lstrip(" "))
        body = re.sub(r" {3,}", " | ", stripped.strip())
        out.append(" " * min(indent, 12) + body if body else "")
    return "\n".join(out)


def docx_text(data: bytes, name: str) -> tuple[str, int]:
    """Paragraphs of a .docx: list paragraphs become '- ' lines, headings '# ' lines."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    if not data.startswith(b"PK"):
        raise fail(
            "resume-corrupt",
            name,
            "this is not a .docx file (damaged, or an old .doc renamed); "
            "save it again as .docx from your editor",
        )
    check_zip(data, source=name)  # a zip bomb is refused before anything is expanded
    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise fail(
            "resume-corrupt",
            name,
            "the .docx file is damaged and cannot be read; save it again from your editor "
            "or paste the text into a .txt file",
        ) from None
    except Exception:
        raise fail(
            "resume-corrupt",
            name,
            "the .docx file cannot be read; save it again or paste the text into a .txt file",
        ) from None
    lines: list[str] = []
    for para in doc.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        numbered = para._p.pPr is not None and para._p.pPr.numPr is not None
        if style.lower().startswith(("heading", "title")):
            lines.append("# " + text)
        elif "list" in style.lower() or numbered:
            lines.append("- " + text)
        else:
            lines.append(text)
    for table in doc.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                lines.append(" | ".join(dict.fromkeys(cells)))
    return "\n".join(lines), 0


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def strip_markdown(text: str) -> str:
    """Markdown to plain lines: headings keep a '# ' marker, links keep their text."""
    out = []
    for line in text.splitlines():
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPH.sub(r"\2", line)
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "# ", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        if re.fullmatch(r"\s*([-*_=])\1{2,}\s*", line):
            continue  # horizontal rule or setext underline
        out.append(line.replace("\\", ""))
    return "\n".join(out)
