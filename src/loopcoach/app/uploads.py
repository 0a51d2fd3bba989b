"""Files the user hands over: a path on the command line or an upload to the web app.

Both faces turn what they received into a `Document` (text, format, name) or the bytes of a
résumé here, with one set of limits, before a service sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from loopcoach.errors import LoopcoachError

# suffix -> format, per kind of input
TABLE_FORMATS: Mapping[str, str] = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}
DOC_FORMATS: Mapping[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "markdown",
    ".yaml": "yaml",
    ".yml": "yaml",
}
CRITERIA_FORMATS: Mapping[str, str] = {
    ".feature": "gherkin",
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
}
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Document:
    """An input file's text, its format (a value of one of the *_FORMATS maps) and its name."""

    text: str
    fmt: str
    name: str


def safe_name(raw: str) -> str:
    """The last part of a client-supplied file name, at most 200 characters."""
    return raw.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:MAX_NAME_CHARS]


def suffix_of(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


class Uploads:
    """Reads and checks what the user hands over; nothing is stored here."""

    def exercise_file(self, path: Path, formats: Mapping[str, str], *, what: str) -> Document:
        """A file named on the command line (at most 1 MB of UTF-8 text)."""
        from loopcoach.exercises import files

        text = files.read_text(path, suffixes=tuple(formats), what=what)
        return Document(text, formats[path.suffix.lower()], path.name)

    def exercise_upload(
        self, name: str, stream: BinaryIO, formats: Mapping[str, str] = TABLE_FORMATS
    ) -> Document:
        """An uploaded file: the same size limit as a file on the command line."""
        from loopcoach.exercises.files import MAX_BYTES

        name = safe_name(name)
        suffix = suffix_of(name)
        if suffix not in formats:
            allowed = ", ".join(formats)
            raise LoopcoachError("file-type", f"{name}: upload a file ending in {allowed}")
        data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise LoopcoachError(
                "too-large",
                f"{name} is larger than 1 MB, the limit for an exercise file; keep only the "
                "rows the exercise needs",
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoopcoachError(
                "bad-encoding",
                f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and upload it again",
            ) from None
        if "\x00" in text:
            raise LoopcoachError(
                "nul-byte",
                f"{name}: contains a NUL character (\\0), so it is not "
                "a text file; save it as UTF-8 text",
            )
        return Document(text, formats[suffix], name)

    def resume_file(self, path: Path) -> tuple[bytes, str]:
        """The bytes of the résumé the user named, after checking its name and size."""
        from loopcoach.prep.importers import check_size, format_of

        format_of(path.name)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise LoopcoachError(
                "file-not-found", f"{path}: no such file; check the path"
            ) from None
        if path.is_dir():
            raise LoopcoachError("file-not-found", f"{path}: is a directory; give the résumé file")
        check_size(size, path.name)
        try:
            return path.read_bytes(), path.name
        except OSError as exc:
            raise LoopcoachError(
                "file-unreadable", f"{path}: cannot read it ({exc.strerror})"
            ) from None

    def resume_upload(self, name: str, stream: BinaryIO) -> tuple[bytes, str]:
        """An uploaded résumé (the format is checked when it is parsed)."""
        from loopcoach.prep.importers import MAX_BYTES, check_size

        name = safe_name(name)
        data = stream.read(MAX_BYTES + 1)
        check_size(len(data), name)  # the same limit as a file on the command line
        return data, name

    def resume_text(self, text: str, name: str = "pasted-resume.txt") -> tuple[bytes, str]:
        if not text.strip():
            raise LoopcoachError("missing-input", "upload your résumé or paste its text")
        return text.encode("utf-8"), name


__all__ = [
    "CRITERIA_FORMATS",
    "DOC_FORMATS",
    "TABLE_FORMATS",
    "Document",
    "Uploads",
    "safe_name",
]
