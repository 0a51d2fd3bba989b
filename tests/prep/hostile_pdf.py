"""Hostile PDFs, written by hand (objects, an xref table, a trailer) so each is exactly the attack
named: a flate bomb, thousands of pages, a page tree nested thousands deep, deeply nested arrays,
pages of text far past a résumé. Shared by the prep tests, the security suite and the load
benchmark. The ones that compress megabytes are made once per process (bytes are immutable)."""

from __future__ import annotations

import zlib
from functools import cache

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
LINE = b"(Led the move of forty services to a new platform in two quarters) Tj 0 -14 Td "
NORMAL = b"BT /F1 12 Tf 72 720 Td " + LINE * 20 + b"ET"


def pdf(objects: list[bytes]) -> bytes:
    """A PDF whose object 1 is the catalog; objects are numbered from 1 in order."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes, *, flate: bool = True) -> bytes:
    if flate:
        packed = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (
            len(packed),
            packed,
        )
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _page(parent: int, content: int, font: int) -> bytes:
    return (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (parent, content, font)
    )


def pages(count: int, content: bytes = NORMAL) -> bytes:
    """`count` pages sharing one content stream (small file, many pages)."""
    kids = b" ".join(b"%d 0 R" % (n + 4) for n in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        stream(content),
    ]
    objects += [_page(2, 3, count + 4)] * count
    objects.append(FONT)
    return pdf(objects)


def one_page(content: bytes) -> bytes:
    return pages(1, content)


@cache  # compressing the expanded stream is the cost (a third of a second for the bomb)
def flate_bomb(expanded: int = 100_000_000) -> bytes:
    """One page whose content stream is ~100 KB compressed and `expanded` bytes inflated."""
    return one_page(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n" + b" " * expanded)


@cache
def text_flood(lines: int = 40_000) -> bytes:
    """One page (about 3 MB of content, 11 KB compressed): 40,000 lines of text, 200,000
    drawing operations."""
    return one_page(b"BT /F1 12 Tf 72 720 Td " + LINE * lines + b"ET")


WIDE = b"(" + b"Led the move of forty services to a new platform. " * 8 + b") Tj 0 -14 Td "


@cache
def text_pages(count: int = 20, lines: int = 3_000, line: bytes = WIDE) -> bytes:
    """`count` pages, each within the per-page operation limit (5 a line), whose text together
    runs past a million characters (400 a line)."""
    return pages(count, b"BT /F1 12 Tf 72 720 Td " + line * lines + b"ET")


def deep_page_tree(depth: int = 5_000) -> bytes:
    """One page under `depth` nested /Pages nodes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):  # object 2 + level is a /Pages node
        number = 2 + level
        parent = b"/Parent %d 0 R " % (number - 1) if level else b""
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, number + 1))
    leaf = 2 + depth
    objects.append(_page(leaf - 1, leaf + 1, leaf + 2))
    objects.append(stream(NORMAL))
    objects.append(FONT)
    return pdf(objects)


def deep_arrays(depth: int = 100_000) -> bytes:
    """A content stream with arrays nested `depth` deep (a recursion bomb for a parser)."""
    return one_page(NORMAL + b"\n" + b"[" * depth + b"]" * depth)


def normal(page_count: int = 2) -> bytes:
    return pages(page_count)
