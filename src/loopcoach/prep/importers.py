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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from loopcoach.budget import Cancelled, checkpoint, within
from loopcoach.errors import LoopcoachError
from loopcoach.limits import LimitError, check_zip, json_load
from loopcoach.prep.columns import column_tables
from loopcoach.prep.history import WorkHistory, from_json_resume, from_text
from loopcoach.prep.layout import is_label

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
    ".tex": "latex",
    ".latex": "latex",
}
SUFFIX_HINT = ".pdf, .docx, .md, .txt, .tex or .json (JSON Resume)"
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


def parse_history(
    data: bytes, name: str, *, pdf: Callable[[bytes, str], tuple[str, int]] | None = None
) -> WorkHistory:
    """Parse a résumé's bytes. The content decides how it is read (PDF, DOCX, JSON, LaTeX, text);
    `name` (the file name) tells Markdown from plain text and appears in errors. `pdf` reads a
    PDF's text (default `pdf_text`; the app passes one that runs it in a child process)."""
    fmt = format_of(name)
    check_size(len(data), name)
    if not data.strip():
        raise fail("resume-empty", name, "the file is empty; save your résumé into it and retry")
    fmt = sniff(data, name, fmt)
    if fmt == "pdf":
        text, pages = (pdf or pdf_text)(data, name)
    elif fmt == "docx":
        text, pages = docx_text(data, name)
    else:
        text = decode_text(data, name)
        pages = 0
        if fmt == "json-resume":
            return _with_limits(from_json_resume(_load_json(text, name), source=name), name)
        if fmt == "latex":
            text = latex_text(text)
        elif fmt == "markdown":
            text = strip_markdown(text)
    text = text.replace("\x00", "")  # PDF and DOCX text may carry NULs; a database refuses them
    if not text.strip():
        raise fail("resume-empty", name, "the file holds no text; save your résumé into it")
    return _with_limits(from_text(text, source=name, fmt=fmt, pages=pages), name)


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Word .doc (or other Office 97) file"),
    (b"{\\rtf", "an RTF file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3", "a SQLite database"),
)


def sniff(data: bytes, name: str, claimed: str) -> str:
    """The format the content really is; refuses content that is none of the formats read."""
    head = data[:1024]
    if b"%PDF-" in head:
        if claimed == "docx":
            raise fail(
                "resume-format",
                name,
                "this is a PDF, not a .docx file; rename it to .pdf or save it again as .docx",
            )
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if claimed not in ("docx", "pdf") and b"word/" not in data[:65536]:
            raise fail(
                "resume-format",
                name,
                f"the content is a zip archive, not a résumé; save the résumé as {SUFFIX_HINT}",
            )
        return "docx" if claimed != "pdf" else "pdf"  # pdf_text explains the mismatch
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise fail(
                "resume-format",
                name,
                f"the content is not text but {what}; save the résumé as {SUFFIX_HINT}",
            )
    if claimed in ("pdf", "docx"):
        return claimed  # pdf_text and docx_text say what is wrong with it
    text = decode_text(data, name)
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("{") and claimed in ("json-resume", "text"):
        return "json-resume"
    if claimed == "json-resume":
        return claimed  # _load_json says what is wrong
    if re.search(r"\\documentclass|\\begin\{document\}|\\begin\{itemize\}", text) or (
        len(re.findall(r"\\item\b|\\resumeItem\b", text)) >= 2
    ):
        return "latex"
    return claimed


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
        from loopcoach.prep.achievements import LANGUAGE_NAMES, language_of

        lang = language_of(history.text)
        note = (
            f" (this résumé looks {LANGUAGE_NAMES.get(lang, lang)}: loopcoach reads roles "
            "best in English, and matching to questions is English-only)"
            if lang != "en"
            else ""
        )
        raise fail(
            "resume-no-history",
            name,
            "found no roles or achievements; put each role on its own line with its dates "
            "(e.g. 'Mar 2021 – Present') and each achievement on a line starting with '- '" + note,
        )
    return history


# --- bytes to text ---------------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff]")


def decode_text(data: bytes, name: str) -> str:
    """Text from bytes: UTF-8 (or UTF-16 with its byte-order mark), and nothing else.

    Invalid UTF-8 is an error naming the byte offset; content that decodes but is mostly
    control characters is binary and refused."""
    if data[:2] in (b"MZ", b"\x7fE") or data[:4] in (b"%PDF", b"PK\x03\x04"):
        raise fail(
            "resume-format",
            name,
            "the content is not text (a program, PDF or archive with a text extension); "
            f"save the résumé as {SUFFIX_HINT}",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise fail(
                "resume-encoding",
                name,
                f"invalid UTF-16 at byte offset {exc.start}; save the file as UTF-8 text",
            ) from None
    else:
        if b"\x00" in data[:4096]:
            raise fail(
                "resume-format", name, "the content is binary, not text; paste the text instead"
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if _looks_binary(data):
                raise fail(
                    "resume-format",
                    name,
                    f"the content is binary, not text; save the résumé as {SUFFIX_HINT}",
                ) from None
            bad = data[exc.start : exc.start + 1].hex()
            raise fail(
                "resume-encoding",
                name,
                f"not valid UTF-8 (byte 0x{bad} at byte offset {exc.start}); save the file as "
                "UTF-8 text (in most editors: Save As, encoding UTF-8)",
            ) from None
    sample = text[:20000]
    controls = len(_CONTROL.findall(sample))
    if sample and controls / len(sample) > 0.01:
        raise fail(
            "resume-format",
            name,
            f"the content is binary, not text ({controls} control "
            f"characters); save the résumé as {SUFFIX_HINT}",
        )
    return text


def _looks_binary(data: bytes) -> bool:
    """Random bytes: many control bytes, or high bytes that are mostly not UTF-8 sequences."""
    sample = data[:8192]
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    high = sum(1 for b in sample if b >= 0x80)
    return ctrl / len(sample) > 0.01 or high / len(sample) > 0.3


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
        raise fail(
            "resume-json",
            name,
            "a value contains a NUL character (\\u0000); remove it and try again",
        )
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


# PDF limits: a résumé is a few pages of text. Each limit's error names it and says what to do.
MAX_PDF_STREAM_BYTES = 8 * 1024 * 1024  # decompressed page content, all pages together
MAX_PDF_STREAM_ONE = 4 * 1024 * 1024  # any one decompressed stream (content, font, image)
MAX_PDF_TEXT_CHARS = 1_000_000  # extracted text, layout spaces included
MAX_PDF_SECONDS = 15.0  # wall time for reading one PDF
MAX_PDF_OPERATIONS = 40_000  # content-stream operators and operands, per stream
MAX_PDF_NESTING = 32  # levels of the page tree


def _pdf_configuration() -> dict[str, int]:
    """pypdf's own resource limits, tightened from its defaults (75 MB a stream)."""
    one = MAX_PDF_STREAM_ONE
    return {
        "maximum_declared_stream_length": MAX_BYTES,
        "array_based_stream_maximum_output_length": one,
        "jbig2_maximum_output_length": one,
        "lzw_maximum_output_length": one,
        "run_length_maximum_output_length": one,
        "zlib_maximum_output_length": one,
        "brotli_maximum_output_length": one,
        "image_maximum_buffer_size": one,
        "stream_decoding_work_maximum_length": 4 * one,
        "stream_parsing_work_maximum_count": MAX_PDF_OPERATIONS,
        "page_tree_maximum_entries": MAX_PAGES * 4,
        "page_tree_maximum_depth": MAX_PDF_NESTING,
        "page_tree_maximum_page_entries": MAX_PAGES * 400,
        "outline_maximum_depth": MAX_PDF_NESTING,
        "xform_maximum_invocations_per_extraction": 50,
        "xmp_maximum_input_length": 1024 * 1024,
    }


def _pypdf_limits() -> AbstractContextManager[object]:
    """pypdf's limits for this thread's reading (a context variable: other readers keep theirs);
    the pypdf versions without `apply_configuration` keep their defaults."""
    import dataclasses

    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    if apply is None:
        return nullcontext()
    known = {f.name for f in dataclasses.fields(pypdf.Configuration)}
    return apply(**{k: v for k, v in _pdf_configuration().items() if k in known})  # type: ignore[no-any-return]


def _pdf_limit_error(name: str, detail: str) -> LoopcoachError:
    """A 413: the PDF is over a resource limit (not damaged: too big to read safely)."""
    return LimitError(
        f"{name}: {detail}; a résumé needs far less, so export the PDF again (text, no "
        "embedded images) or paste the text into a .txt file"
    )


def _pypdf_limit(exc: Exception, name: str) -> LoopcoachError:
    """A one-line message for pypdf's LimitReachedError, from what its message names."""
    said = str(exc).lower()
    if "page" in said:
        detail = (
            f"it has more than {MAX_PAGES} pages (or pages nested more than "
            f"{MAX_PDF_NESTING} levels deep)"
        )
    elif any(w in said for w in ("parsing", "operat", "token")):
        detail = f"a page holds more than {MAX_PDF_OPERATIONS:,} drawing operations"
    elif any(w in said for w in ("decompress", "output", "length", "size", "buffer", "work")):
        detail = f"a compressed part expands past the {MAX_PDF_STREAM_ONE // 2**20} MB limit"
    else:
        detail = "it is built in a way that would take too much memory or time to read"
    return _pdf_limit_error(name, detail)


def _content_bytes(page: object) -> int:
    """Decompressed size of a page's content streams (pypdf caches the decoded data)."""
    contents = page.get("/Contents")  # type: ignore[attr-defined]
    if contents is None:
        return 0
    contents = contents.get_object()
    parts = contents if isinstance(contents, list) else [contents]
    total = 0
    for part in parts:
        stream = part.get_object()
        get_data = getattr(stream, "get_data", None)
        if get_data is not None:
            total += len(get_data())
    return total


def pdf_text(data: bytes, name: str) -> tuple[str, int]:
    """Text of a PDF, keeping layout so bullets and their wrapped lines stay together.

    Within explicit limits: MAX_PAGES pages (and a bounded page tree), MAX_PDF_STREAM_BYTES of
    decompressed page content, MAX_PDF_TEXT_CHARS of text and MAX_PDF_SECONDS of wall time;
    each over-limit file gets a one-line error."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise fail(
            "resume-corrupt",
            name,
            "this is not a PDF (the file is damaged or has the wrong extension); "
            "export the PDF again or paste the text into a .txt file",
        )
    with (
        _quiet("pypdf"),
        _pypdf_limits(),
        within(MAX_PDF_SECONDS, what=f"{name}: reading the PDF"),
    ):
        return _pdf_text(data, name)


def _pdf_text(data: bytes, name: str) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

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
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise locked
            except (PyPdfError, NotImplementedError):
                raise locked from None
        n = len(reader.pages)  # the declared /Count: cheap, checked before the tree is read
        if n <= MAX_PAGES:
            n = len(list(reader.pages))  # the real count (a /Count may lie)
    except (LoopcoachError, Cancelled, MemoryError):
        raise
    except LimitReachedError as exc:
        raise _pypdf_limit(exc, name) from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise corrupt from None
    except Exception:  # pypdf raises many kinds on malformed input
        raise corrupt from None
    if n > MAX_PAGES:
        raise fail(
            "resume-too-long",
            name,
            f"the PDF has {n:,} pages; the limit is {MAX_PAGES}: keep the roles of the "
            "last 10-15 years",
        )
    pages: list[str] = []
    content = chars = 0
    for page in reader.pages:
        checkpoint()
        try:
            content += _content_bytes(page)
        except LimitReachedError as exc:
            raise _pypdf_limit(exc, name) from None
        except MemoryError:
            raise
        except Exception:
            raise corrupt from None
        if content > MAX_PDF_STREAM_BYTES:
            raise _pdf_limit_error(
                name,
                f"its pages expand to more than {MAX_PDF_STREAM_BYTES // 2**20} MB of content",
            )
        try:
            text = _layout_text(page)
        except LimitReachedError as exc:
            raise _pypdf_limit(exc, name) from None
        except (Cancelled, MemoryError):
            raise
        except Exception:
            try:
                text = page.extract_text() or ""
            except LimitReachedError as exc:
                raise _pypdf_limit(exc, name) from None
            except Exception:
                raise corrupt from None
        chars += len(text)
        if chars > MAX_PDF_TEXT_CHARS:
            raise _pdf_limit_error(
                name, f"its text runs past {MAX_PDF_TEXT_CHARS:,} characters (about 200 pages)"
            )
        pages.append(text)
    text = "\n".join(pages)
    if len(re.sub(r"\s+", "", text)) < MIN_PDF_CHARS:
        raise fail(
            "resume-no-text",
            name,
            "the PDF has no text layer (scanned image); paste the text instead",
        )
    return _tidy_layout(text), n


def _layout_text(page: Any) -> str:
    """A page's text in pypdf's layout mode, with a space where two lines were merged into one.

    Layout mode puts text drawn less than a font height apart on one line (a table cell's
    wrapped second line, beside a cell set a little lower, joins the first); the later text then
    starts left of where the earlier one ended and is appended with nothing between them
    ("the existingexport already"). Here such text gets a space, read from the character
    positions. pypdf's layout steps are internal, so a pypdf without them gets its plain layout
    mode."""
    try:
        from pypdf._text_extraction import _layout_mode as lm
        from pypdf.generic import ArrayObject, ContentStream, StreamObject

        steps = (lm.text_show_operations, lm.y_coordinate_groups, lm.fixed_char_width)
        fonts_of = page._layout_mode_fonts
        render = lm.fixed_width_page
    except (ImportError, AttributeError):
        return str(page.extract_text(extraction_mode="layout") or "")
    shows, groups, char_width_of = steps
    fonts = fonts_of()
    contents = page.get("/Contents")
    if contents is not None:
        contents = contents.get_object()
    if not isinstance(contents, (ArrayObject, StreamObject)):
        return ""
    ops = iter(ContentStream(contents, page.pdf, "bytes").operations)
    bt_groups = shows(ops, fonts, True, None)
    if not bt_groups:
        return ""
    lines = groups(bt_groups, None)
    char_width = char_width_of(bt_groups, 1.25)
    spaced = {y: _space_merged(line, char_width) for y, line in lines.items()}
    return str(render(spaced, char_width, True, 1))


MERGED_OVERLAP = 0.5  # of a character's width: text starting this far left of the end of the
# text before it on the same layout line came from another line


def _space_merged(line: list[Any], char_width: float) -> list[Any]:
    """The text operations of one layout line (sorted by x), with a space before one that starts
    left of where the one before it ended (its text came from a line drawn a little higher or
    lower); the others unchanged."""
    out: list[Any] = []
    for op in line:
        if out:
            before = out[-1]
            overlap = float(before["displaced_tx"]) - float(op["tx"])
            text, prev = str(op["text"]), str(before["text"])
            if (
                overlap > MERGED_OVERLAP * max(char_width, 1.0)
                and text[:1].strip()
                and prev[-1:].strip()
            ):
                op = {**op, "text": " " + text}
        out.append(op)
    return out


def _tidy_layout(text: str) -> str:
    """Layout-mode lines keep their indent; wide gaps between columns become ' | '. A table
    laid out in columns becomes a Markdown table first (`columns.column_tables`)."""
    out = []
    for raw in column_tables(text.splitlines()):
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
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    body = doc.element.body
    for n, child in enumerate(body.iterchildren()):  # paragraphs and tables in document order
        if n % 256 == 0:
            checkpoint(f"{name}: reading the document")
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            _docx_paragraph(Paragraph(child, doc), lines)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                cells = [
                    " <br> ".join(p.strip() for p in c.text.split("\n") if p.strip())
                    for c in row.cells
                ]
                cells = list(dict.fromkeys(c for c in cells if c))
                if cells:
                    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines), 0


def _docx_paragraph(para: object, lines: list[str]) -> None:
    text = para.text.strip()  # type: ignore[attr-defined]
    if not text:
        return
    style_obj = para.style  # type: ignore[attr-defined]
    style = (style_obj.name if style_obj is not None else "") or ""
    ppr = para._p.pPr  # type: ignore[attr-defined]
    numbered = ppr is not None and ppr.numPr is not None
    if style.lower().startswith(("heading", "title")):
        lines.append("# " + text)
    elif "list" in style.lower() or numbered:
        lines.append("- " + text)
    else:
        lines.append(text)


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# a list item opened by a bold label: "- **Vendor consolidation.** Cut...", "- **Ledger** — moved"
_MD_LEAD = re.compile(
    r"^(?P<bullet>\s*(?:[-*+]|\d{1,2}[.)])\s+)(?P<em>\*\*|__)(?P<label>[^*_]{1,80}?)"
    r"(?P<inner>[:.]?)(?P=em)(?P<sep>\s*[:.]|\s+[—–-])?\s+(?=[^\W\d_])"
)


def _md_lead_in(m: re.Match[str]) -> str:
    """A bold label with a separator becomes 'Label: ' (the form `split_lead_in` reads)."""
    label, sep = m.group("label").strip(), (m.group("inner") or (m.group("sep") or "")).strip()
    if sep and is_label(label):
        return f"{m.group('bullet')}{label}: "
    return m.group(0)


_MD_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def strip_markdown(text: str) -> str:
    """Markdown to plain lines: headings keep a '# ' marker, links keep their text."""
    out = []
    for line in text.splitlines():
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_LEAD.sub(_md_lead_in, line)
        line = _MD_EMPH.sub(r"\2", line)
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "# ", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        if re.fullmatch(r"\s*([-*_=])\1{2,}\s*", line):
            continue  # horizontal rule or setext underline
        out.append(line.replace("\\", ""))
    return "\n".join(out)


# --- LaTeX ------------------------------------------------------------------------------------

_TEX_SECTION = re.compile(r"\\(?:sub)*section\*?\{([^{}]*)\}")
_TEX_KEEP_ARG = re.compile(
    r"\\(?:textbf|textit|emph|underline|textsc|small|large|Large|huge|mbox|textnormal|"
    r"text|uppercase|MakeUppercase|scshape|bfseries)\*?\{([^{}]*)\}"
)
_TEX_HREF = re.compile(r"\\href\{[^{}]*\}\{([^{}]*)\}")
_TEX_ITEM_MACRO = re.compile(
    r"\\(?:resumeItem|cvitem|item)(?![A-Za-z])\*?(?:\[[^\]]*\])?\s*"
    r"(?:\{((?:[^{}]|\{[^{}]*\})*)\})?"
)
_TEX_MULTI = re.compile(r"\\[A-Za-z]+\*?((?:\s*\{(?:[^{}]|\{[^{}]*\})*\}){2,})")


# symbols written as commands, in math or in text: "$\\sim$3x", "\\textasciitilde{}", "$\\geq$95\\%"
_TEX_SYMBOLS = {
    "sim": "~",
    "textasciitilde": "~",
    "approx": "≈",
    "geq": "≥",
    "ge": "≥",
    "leq": "≤",
    "le": "≤",
    "lt": "<",
    "gt": ">",
    "textless": "<",
    "textgreater": ">",
    "times": "×",
    "pm": "±",
    "textpm": "±",
    "cdot": "·",
    "to": "→",
    "rightarrow": "→",
    "textrightarrow": "→",
    "Rightarrow": "⇒",
    "uparrow": "↑",
    "downarrow": "↓",
    "textbar": "|",
    "textasciicircum": "^",
    "textbackslash": "\\",
    "textdollar": "$",
    "textpercent": "%",
    "textbullet": "•",
    "bullet": "•",
    "textendash": "–",
    "textemdash": "—",
    "degree": "°",
    "textdegree": "°",
    "mu": "µ",
    "textmu": "µ",
    "infty": "∞",
    "%": "%",
    "$": "$",
    "&": "&",
    "#": "#",
    "_": "_",
    "{": "{",
    "}": "}",
}
_TEX_SYMBOL = re.compile(r"\\(?P<name>[A-Za-z]+|[%$&#_{}])(?:\{\})?")
# a short inline math span on one line: "$<$", "$\\sim$", "$10^{6}$", "$|$"
_TEX_MATH = re.compile(r"(?<!\\)\$([^$\n]{1,40}?)(?<!\\)\$")
_PLACEHOLDER = "\x00"  # never in the text: `latex_text` drops NULs first


def _tex_symbols(text: str) -> str:
    """Symbols to their plain characters; an escaped character ("\\%", "\\$") stays protected
    (as NUL + its code) until the other commands and braces are gone."""

    def symbol(m: re.Match[str]) -> str:
        plain = _TEX_SYMBOLS.get(m.group("name"))
        if plain is None:
            return m.group(0)
        return _PLACEHOLDER + str(ord(plain)) + _PLACEHOLDER

    return _TEX_SYMBOL.sub(symbol, text)


def _tex_math(m: re.Match[str]) -> str:
    """An inline math span as plain text: "$<$" -> "<", "$10^{6}$" -> "10^6"; the symbol
    commands in it are already placeholders."""
    body = m.group(1).replace("\\,", " ").replace("\\ ", " ")
    body = re.sub(r"\\[A-Za-z]+\s*", "", body)  # a command with no plain form (\\mathrm)
    return re.sub(r"[{}]", "", body).strip()


def _unprotect(text: str) -> str:
    return re.sub(_PLACEHOLDER + r"(\d+)" + _PLACEHOLDER, lambda m: chr(int(m.group(1))), text)


def latex_text(text: str) -> str:
    """LaTeX to plain lines: sections become '# ' headings, \\item and \\resumeItem become
    bullets, a macro with several arguments (\\resumeSubheading{Acme}{2021 -- Present}{TPM})
    becomes one ' | '-separated header line, table cells become ' | ' cells."""
    # moderncv gives the name and title in the preamble: \\name{Aiko}{Tanaka}, \\title{PO}
    named = re.search(r"\\name\{([^{}]{0,80})\}\{([^{}]{0,80})\}", text)
    titled = re.search(r"\\title\{([^{}]{0,120})\}", text)
    m = re.search(r"\\begin\{document\}(.*?)(?:\\end\{document\}|$)", text, re.S)
    if m:
        text = m.group(1)
        if named:
            head = f"{named.group(1)} {named.group(2)}".strip()
            text = head + "\n" + (titled.group(1) + "\n" if titled else "") + text
    text = re.sub(r"(?<!\\)%.*", "", text.replace(_PLACEHOLDER, ""))
    text = _TEX_MATH.sub(_tex_math, _tex_symbols(text))
    text = re.sub(r"(?<!\\)\\[,;:!]", " ", text)  # thin and medium spaces ("200\\,ms")
    # spacing and length commands: their argument is a length, not text ("\\vspace{1pt}")
    text = re.sub(
        r"\\(?:vspace|hspace|vskip|hskip|setlength|addtolength|rule|raisebox)\*?"
        r"(?:\{[^{}]*\}){1,2}",
        " ",
        text,
    )
    text = re.sub(r"\\(?:pounds|textsterling)\b\s*(?:\{\})?\s*", "£", text)
    text = re.sub(r"\\(?:euro|texteuro)\b\s*(?:\{\})?\s*", "€", text)
    for _ in range(3):
        text = _TEX_HREF.sub(r"\1", text)
        text = _TEX_KEEP_ARG.sub(r"\1", text)
    text = _TEX_SECTION.sub(lambda m: "\n# " + m.group(1) + "\n", text)
    text = _TEX_MULTI.sub(
        lambda m: (
            "\n"
            + " | ".join(
                a.strip()
                for a in re.findall(r"\{((?:[^{}]|\{[^{}]*\})*)\}", m.group(1))
                if a.strip()
            )
            + "\n"
        ),
        text,
    )
    text = _TEX_ITEM_MACRO.sub(lambda m: "\n- " + (m.group(1) or ""), text)
    text = re.sub(r"\\(?:begin|end)\{[^{}]*\}(?:\{[^{}]*\}|\[[^\]]*\])*", "\n", text)
    text = text.replace("\\\\", "\n")
    text = re.sub(r"\\([%$&#_{}])", r"\1", text)
    text = re.sub(r"(?<!\\)&", " | ", text)
    text = text.replace("---", "—").replace("--", "–").replace("~", " ")
    text = re.sub(r"\\[A-Za-z]+\*?(?:\[[^\]]*\])?", " ", text)  # other commands
    text = _unprotect(text.replace("{", "").replace("}", ""))
    out: list[str] = []
    in_item = False
    for raw in text.splitlines():
        ln = re.sub(r"[ \t]+", " ", raw).strip()
        if not ln:
            in_item = False  # a blank line (or an environment's end) closes an item
        elif ln in ("|", "-"):
            continue
        elif ln.startswith("- "):
            in_item = True
            out.append(ln)
        elif in_item and not ln.startswith("#") and " | " not in ln:
            # LaTeX ignores a line break in the source: a line that goes on with an item's
            # text is part of it, and keeps an indent so it reads as the item's wrapped line
            out.append("  " + ln)
        else:
            in_item = False
            out.append(ln)
    return "\n".join(out)
