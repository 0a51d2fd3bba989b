"""Reading exercise inputs: CSV, YAML and text files, with errors a user can act on.

This is the one module of `exercises/` that touches the file system, and it only reads the file
the user named. Everything else in the package works on the `Record`s and text returned here, or
on a pack case's `data` (`records_from_data`), and is pure.

Every error is a `LoopcoachError` whose one-line message names the file, the row or item, the
column or field, and what to do.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from loopcoach.budget import checkpoint
from loopcoach.errors import LoopcoachError
from loopcoach.limits import check_lines, check_rows, shown, yaml_compose, yaml_load

MAX_BYTES = 1024 * 1024  # 1 MB: far more than any practice exercise needs
TABLE_SUFFIXES = (".csv", ".yaml", ".yml")
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".feature", ".yaml", ".yml")


@dataclass(frozen=True)
class Record:
    """One row of a CSV file or one item of a YAML list, with where it came from."""

    values: Mapping[str, Any]
    where: str  # "backlog.csv row 3 (line 4)" or "backlog.yaml item 2 (line 7)"
    line: int | None = None
    source: str = ""
    tabular: bool = False  # a CSV row: every row has the same columns

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        if isinstance(value, str) and not value.strip():
            return default
        return value

    def has(self, key: str) -> bool:
        return self.get(key) is not None


def normalise_key(key: object) -> str:
    """`Business Value` and `business-value` both mean `business_value`."""
    return "_".join(str(key).strip().lower().replace("-", " ").split())


# --- reading files -------------------------------------------------------------------------


def read_text(path: Path, *, suffixes: Sequence[str] = TEXT_SUFFIXES, what: str = "file") -> str:
    """The file's text, after checking it exists, has an allowed suffix and is at most 1 MB."""
    path = Path(path)
    if not path.exists():
        raise LoopcoachError(
            "file-not-found", f"{path}: no such file; check the path to the {what}"
        )
    if not path.is_file():
        raise LoopcoachError("file-not-found", f"{path}: is a directory; give the {what} file")
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise LoopcoachError(
            "file-type",
            f"{path}: a {what} must be a {' or '.join(suffixes)} file, not "
            f"'{suffix or 'no extension'}'; save it with one of those extensions",
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise LoopcoachError(
            "file-too-big",
            f"{path}: {size / MAX_BYTES:.1f} MB is more than the 1 MB limit for a {what}; "
            "keep only the rows the exercise needs",
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoopcoachError(
            "file-encoding",
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again",
        ) from None
    if not text.strip():
        raise LoopcoachError("file-empty", f"{path}: the file is empty; add the {what}'s content")
    return text


def load_records(
    path: Path, *, what: str, list_keys: Sequence[str], aliases: Mapping[str, str] | None = None
) -> list[Record]:
    """Rows of a CSV file, or items of a YAML list (top level, or under one of `list_keys`)."""
    path = Path(path)
    text = read_text(path, suffixes=TABLE_SUFFIXES, what=what)
    if path.suffix.lower() == ".csv":
        return parse_csv(text, source=path.name, aliases=aliases)
    return parse_yaml_records(text, source=path.name, list_keys=list_keys, aliases=aliases)


def load_yaml(path: Path, *, what: str) -> Any:
    text = read_text(path, suffixes=(".yaml", ".yml"), what=what)
    return parse_yaml(text, source=Path(path).name)


# --- parsing text (pure) -------------------------------------------------------------------


def parse_csv(text: str, *, source: str, aliases: Mapping[str, str] | None = None) -> list[Record]:
    check_lines(text, source=source)
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    records: list[Record] = []
    try:
        for row in reader:
            line_no = reader.line_num
            if line_no % 1024 == 0:
                checkpoint(f"reading {source}")
            if not any(cell.strip() for cell in row):
                continue
            if header is None and row[0].lstrip().startswith("#"):
                continue  # a comment above the header
            if header is None:
                header = [_alias(normalise_key(c), aliases) for c in row]
                continue
            if len(row) > len(header):
                raise LoopcoachError(
                    "bad-csv",
                    f"{source} line {line_no}: {len(row)} values but the header has "
                    f"{len(header)} columns; quote values that contain commas",
                )
            values = {h: cell.strip() for h, cell in zip(header, row, strict=False) if h}
            check_rows(len(records) + 1, source=source)
            where = f"{source} row {len(records) + 1} (line {line_no})"
            records.append(Record(values, where, line_no, source, tabular=True))
    except csv.Error as exc:
        raise LoopcoachError(
            "bad-csv", f"{source} line {reader.line_num}: not valid CSV ({exc}); check the quoting"
        ) from None
    if header is None:
        raise LoopcoachError(
            "file-empty", f"{source}: no header row; the first line names the columns"
        )
    if not records:
        raise LoopcoachError("file-empty", f"{source}: a header but no rows; add one row per item")
    return records


def parse_yaml(text: str, *, source: str) -> Any:
    check_lines(text, source=source)
    try:
        return yaml_load(text, source=source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise LoopcoachError(
            "bad-yaml", f"{source}{where}: {problem}; fix the YAML syntax"
        ) from None


def item_lines(text: str, list_keys: Sequence[str]) -> list[int]:
    """1-based line of each item of the records list (same order as the loaded data)."""
    try:
        node = yaml_compose(text, source="YAML")
    except (yaml.YAMLError, LoopcoachError):  # pragma: no cover - parse_yaml already raised
        return []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if normalise_key(key.value) in list_keys and isinstance(value, yaml.SequenceNode):
                node = value
                break
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return []


def parse_yaml_records(
    text: str, *, source: str, list_keys: Sequence[str], aliases: Mapping[str, str] | None = None
) -> list[Record]:
    data = parse_yaml(text, source=source)
    items = find_list(data, list_keys, source=source)
    return records_from_data(
        items, source=source, lines=item_lines(text, list_keys), aliases=aliases
    )


def find_list(data: Any, list_keys: Sequence[str], *, source: str) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        for key, value in data.items():
            if normalise_key(key) in list_keys and isinstance(value, list):
                return value
    raise LoopcoachError(
        "bad-shape",
        f"{source}: expected a list of items, or a mapping with a '{list_keys[0]}:' list; "
        "see `loopcoach exercise --help`",
    )


def records_from_data(
    items: Iterable[Any],
    *,
    source: str,
    lines: Sequence[int] = (),
    aliases: Mapping[str, str] | None = None,
) -> list[Record]:
    """Records from already-loaded YAML (a user file or a pack case's `data`)."""
    records = []
    items = list(items)
    check_rows(len(items), source=source, what="items")
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else None
        where = f"{source} item {i + 1}" + (f" (line {line})" if line else "")
        if not isinstance(item, Mapping):
            raise LoopcoachError(
                "bad-shape", f"{where}: expected fields such as 'id: ...', got {shown(item)}"
            )
        values = {_alias(normalise_key(k), aliases): v for k, v in item.items()}
        records.append(Record(values, where, line, source))
    if not records:
        raise LoopcoachError("file-empty", f"{source}: the list is empty; add at least one item")
    return records


def _alias(key: str, aliases: Mapping[str, str] | None) -> str:
    return aliases.get(key, key) if aliases else key


# --- values --------------------------------------------------------------------------------


def require_columns(records: Sequence[Record], columns: Sequence[str], *, what: str) -> None:
    """Every record has a value for every column; the error names the first one missing."""
    for column in columns:
        for rec in records:
            if rec.get(column) is not None:
                continue
            if rec.tabular and column not in rec.values:
                raise LoopcoachError(
                    "missing-column",
                    f"{rec.source}: missing column '{column}'; a {what} needs the columns "
                    f"{', '.join(columns)}",
                )
            raise LoopcoachError("missing-column", f"{rec.where}: '{column}' is empty; fill it in")


def number(
    rec: Record,
    column: str,
    *,
    required: bool = True,
    minimum: float | None = None,
    above: float | None = None,
    percent: bool = False,
) -> float | None:
    """A numeric cell. `percent` reads '80%' (and any value above 1) as a fraction."""
    raw = rec.get(column)
    if raw is None:
        if required:
            raise LoopcoachError(
                "missing-column", f"{rec.where}: missing '{column}'; give it a number"
            )
        return None
    text = str(raw).strip()
    is_pct = percent and text.endswith("%")
    try:
        value = float(text.rstrip("%")) if not isinstance(raw, bool) else math.nan
    except ValueError:
        value = math.nan
    field = "column" if rec.tabular else "field"
    if math.isnan(value) or math.isinf(value):
        raise LoopcoachError(
            "not-a-number",
            f"{rec.where}, {field} '{column}': {shown(text)} is not a number; write a number such "
            "as 3",
        )
    if percent and (is_pct or value > 1):
        value /= 100
    if minimum is not None and value < minimum:
        raise LoopcoachError(
            "bad-value",
            f"{rec.where}, {field} '{column}': {text[:40]} is below {minimum:g}; fix it",
        )
    if above is not None and value <= above:
        raise LoopcoachError(
            "bad-value", f"{rec.where}, {field} '{column}': {text[:40]} must be more than {above:g}"
        )
    return value


def id_list(raw: Any) -> tuple[str, ...]:
    """`a;b`, `a, b` or a YAML list -> ('a', 'b')."""
    if raw is None:
        return ()
    if isinstance(raw, list | tuple):
        parts = [str(x) for x in raw]
    else:
        parts = str(raw).replace(",", ";").split(";")
    return tuple(p.strip() for p in parts if p.strip())


def text_of(rec: Record, column: str, default: str = "") -> str:
    raw = rec.get(column)
    return default if raw is None else str(raw).strip()


def plain(value: float | None, digits: int = 2) -> float | int | None:
    """A number for JSON: ints stay ints, floats are rounded."""
    if value is None:
        return None
    rounded = round(value, digits)
    return int(rounded) if float(rounded).is_integer() else rounded
