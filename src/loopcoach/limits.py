"""Resource limits every parser of user input holds to: YAML without aliases and at most
MAX_DEPTH levels deep, JSON at most MAX_DEPTH deep, ZIP files (DOCX) checked for member count
and total uncompressed size before anything is read, and a row limit for exercise tables.

Every limit error is a `LoopcoachError` whose one-line message names the file or field and
says what to do; no message ever quotes the offending input whole.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import yaml

from loopcoach.errors import LoopcoachError

MAX_DEPTH = 64  # nesting levels of a YAML or JSON document
MAX_ROWS = 1_000  # rows of an exercise table (backlog items, workstreams, survey answers)
MAX_ZIP_MEMBERS = 1_000
MAX_ZIP_BYTES = 64 * 1024 * 1024  # total uncompressed size of a .docx
MAX_SHOWN = 40  # characters of a user's value quoted in a message
MAX_LINE_CHARS = 20_000  # one line of an exercise file: a paragraph is a few hundred


class LimitError(LoopcoachError):
    """Input over a resource limit: too deep, too many rows, an archive that expands too far."""

    http_status = 413

    def __init__(self, message: str) -> None:
        super().__init__("too-large", message)


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """A short repr of a user's value for a message, never the whole (possibly huge) value."""
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
    else:
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- YAML ----------------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (the 'billion laughs' bomb) and deep nesting."""

    source = "YAML"
    depth = 0

    def _next_line(self) -> int:
        """The line (from 1) of the event about to be composed."""
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-pyyaml
        return int(event.start_mark.line) + 1

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise LoopcoachError(
                "yaml-alias",
                (
                    f"{self.source} line {self._next_line()}: YAML aliases (*name) are not "
                    "accepted; write the value out in full"
                ),
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise LimitError(
                f"{self.source} line {self._next_line()}: nested more than {MAX_DEPTH} "
                "levels deep; flatten the structure"
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _loader(text: str, source: str) -> _Loader:
    loader = _Loader(text)
    loader.source = source
    return loader


def yaml_load(text: str, *, source: str) -> Any:
    """`yaml.safe_load` within the limits; YAML syntax errors are left to the caller."""
    loader = _loader(text, source)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def yaml_compose(text: str, *, source: str) -> Any:
    """`yaml.compose` (nodes with line numbers) within the limits."""
    loader = _loader(text, source)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


# --- JSON ----------------------------------------------------------------------------------
def too_deep(source: str) -> LimitError:
    return LimitError(f"{source}: JSON nested more than {MAX_DEPTH} levels deep; flatten it")


def check_value_depth(
    value: Any, *, source: str, on_string: Callable[[str], None] | None = None
) -> None:
    """No object or array of a decoded JSON value nested deeper than MAX_DEPTH levels (walked
    with a list, so the check itself never recurses). `on_string` is called on every string and
    key on the way (to refuse, say, a NUL), so one walk does both."""
    todo: list[tuple[Any, int]] = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, str):
            if on_string is not None:
                on_string(item)
            continue
        if isinstance(item, dict):
            if on_string is not None:
                for key in item:
                    on_string(key)
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > MAX_DEPTH:
            raise too_deep(source)
        todo.extend((child, depth + 1) for child in children)


def json_load(text: str, *, source: str) -> Any:
    """`json.loads` within the depth limit: the decoded value is walked, and a document nested
    past the interpreter's recursion limit is refused as too deep the same way. JSON syntax
    errors are left to the caller."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise too_deep(source) from None
    check_value_depth(value, source=source)
    return value


# --- ZIP (DOCX) ----------------------------------------------------------------------------
def check_zip(data: bytes, *, source: str) -> None:
    """Refuse an archive with too many members or one that expands past MAX_ZIP_BYTES, from
    its directory alone (zipfile never reads past a member's declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable archive: the format's own reader reports it as damaged
    if len(members) > MAX_ZIP_MEMBERS:
        raise LimitError(
            f"{source}: the archive holds {len(members):,} files, over the limit "
            f"of {MAX_ZIP_MEMBERS:,}; save the document again or paste its text"
        )
    total = sum(max(m.file_size, 0) for m in members)
    if total > MAX_ZIP_BYTES:
        raise LimitError(
            f"{source}: it expands to {total / 2**20:,.0f} MB, over the "
            f"{MAX_ZIP_BYTES // 2**20} MB limit; remove images or paste the text"
        )


# --- tables --------------------------------------------------------------------------------
def check_rows(count: int, *, source: str, what: str = "rows") -> None:
    if count > MAX_ROWS:
        raise LimitError(
            f"{source}: more than {MAX_ROWS:,} {what}; an exercise needs far "
            "fewer, keep the ones that matter"
        )


def check_lines(text: str, *, source: str) -> None:
    """No line longer than MAX_LINE_CHARS: the text checks are per line, and a megabyte on one
    line is not an exercise answer."""
    if len(text) <= MAX_LINE_CHARS:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise LimitError(
                f"{source} line {number}: {len(line):,} characters, over the "
                f"{MAX_LINE_CHARS:,} limit for one line; break it into lines"
            )


def require_no_nul(text: str | None, *, what: str) -> None:
    """Text to be stored has no NUL character (PostgreSQL refuses one: refuse it first)."""
    if text is not None and "\x00" in text:
        raise LoopcoachError(
            "nul-byte", f"{what} contains a NUL character (\\0); remove it and try again"
        )
