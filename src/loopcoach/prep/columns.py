"""A table that a PDF lays out in columns, read back into rows. Pure.

A PDF table has no '|' in its text: its layout-mode lines put each column at its own place
(``Dates      Role and employer      What I delivered``), a tall cell wraps over many lines, and
the short cells of a row (its dates, its role) often stand in the middle of the row's height,
not at its top. `column_tables` finds such a table by its structure (a line of column names,
then lines whose text starts at those columns, with dates among the short cells) and rewrites
it as a Markdown table, one line a row, the items of a cell split by '<br>', which
`history.expand_tables` reads as it reads any table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loopcoach.prep.achievements import opens_with_verb
from loopcoach.prep.history import RANGE, SINCE, star_columns

MIN_GAP = 2  # spaces between two columns (layout mode puts at least this many)
ALIGN = 2  # characters a cell's text may start left of its column's name
MAX_NAME_WORDS = 4
MIN_ROWS_LINES = 3  # a table shorter than this is left as it is
# A column table is read over at most this many layout lines after its names: a résumé's table
# is a page at most, and a longer run is not re-read from every later line (hostile input).
MAX_TABLE_LINES = 80
_END = re.compile(r"[.!?;:)\]\"'’”]$")


@dataclass(frozen=True)
class _Run:
    start: int
    text: str


def _runs(line: str) -> list[_Run]:
    """The runs of text of a layout-mode line, split where MIN_GAP or more spaces stand."""
    out: list[_Run] = []
    for m in re.finditer(rf"\S(?:.*?\S)?(?= {{{MIN_GAP},}}|$)", line.rstrip()):
        out.append(_Run(m.start(), m.group(0)))
    return out


def _column_names(runs: list[_Run]) -> bool:
    """A line of column names: two or more short runs without digits, after the first one at
    least MIN_GAP + 1 spaces apart (checked by `_runs`)."""
    return len(runs) >= 2 and all(
        len(r.text.split()) <= MAX_NAME_WORDS and not re.search(r"\d", r.text) for r in runs
    )


def _column_of(start: int, starts: list[int]) -> int | None:
    """The column whose text a run starting at `start` belongs to: the last column that starts
    at most ALIGN characters after it."""
    col = None
    for i, s in enumerate(starts):
        if s <= start + ALIGN:
            col = i
    return col


def _cells(line: str, starts: list[int]) -> list[str] | None:
    """The text of a table line in each column, or None when a run stands in no column."""
    cells = [""] * len(starts)
    for r in _runs(line):
        col = _column_of(r.start, starts)
        if col is None:
            return None
        cells[col] = f"{cells[col]} {r.text}".strip()
    return cells


def _join(lines: list[str]) -> str:
    """Wrapped lines of one cell as one line ('loan-' + 'origination' is 'loan-origination')."""
    out = ""
    for ln in lines:
        if out.endswith("-") and ln[:1].islower():
            out += ln
        else:
            out = f"{out} {ln}".strip()
    return out


def _item_starts(texts: list[str]) -> list[int]:
    """Lines of the long column that open an item: the first line with text, and a line that
    opens with a capital or a digit after a line that ends a sentence."""
    out: list[int] = []
    prev = ""
    for i, t in enumerate(texts):
        if not t:
            continue
        if not prev or (_END.search(prev) and re.match(r"[\W_]*[^\W_]", t) and not t[0].islower()):
            out.append(i)
        prev = t
    return out


def _clusters(short: list[bool]) -> list[tuple[int, int]]:
    """Runs of consecutive lines where a short column has text: (first, last) of each."""
    out: list[tuple[int, int]] = []
    for i, yes in enumerate(short):
        if not yes:
            continue
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _best_end(start: int, first: int, last: int, options: list[int]) -> int:
    """Of the item starts `options`, the one that best ends a row from `start` whose short
    cells stand on lines `first`..`last`: the row's last line (option - 1) as far below the
    cells' centre as `start` is above it."""
    ideal = first + last - start  # 2 * centre - start: the row's last line
    return min(options, key=lambda b: (abs((b - 1) - ideal), b))


def _rows(cells: list[list[str]], long_col: int) -> list[list[str]] | None:
    """The rows of a table, each a list of its cells' text ('<br>' between a long cell's
    items), or None when the lines do not make rows with dates."""
    n = len(cells)
    long_texts = [c[long_col] for c in cells]
    short = [any(t for j, t in enumerate(c) if j != long_col) for c in cells]
    clusters = _clusters(short)
    items = _item_starts(long_texts)
    if not clusters or not items:
        return None
    if all(c[0] in items for c in clusters) and clusters[0][0] == items[0]:
        starts = [c[0] for c in clusters]
    else:
        starts = [0]
        for k, (first, last) in enumerate(clusters[:-1]):
            options = [b for b in items if last < b <= clusters[k + 1][0]]
            starts.append(_best_end(starts[-1], first, last, options or [clusters[k + 1][0]]))
    rows: list[list[str]] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else n
        row = []
        for col in range(len(cells[0])):
            texts = [cells[i][col] for i in range(start, end)]
            if col == long_col:
                bounds = [i - start for i in items if start <= i < end] or [0]
                pieces = [
                    _join([t for t in texts[a:b] if t])
                    for a, b in zip(bounds, [*bounds[1:], len(texts)], strict=True)
                ]
                row.append("<br>".join(p for p in pieces if p))
            else:
                row.append(_join([t for t in texts if t]))
        rows.append(row)
    if not any(RANGE.search(c) or SINCE.search(c) for r in rows for c in r):
        return None
    return rows


MAX_METRIC_WORDS = 8  # a metric cell ("-38% lead time") has a number and at most this many words
MIN_WORK_WORDS = 6  # the cell of what was done, at least


def metric_then_work(text: str) -> list[str] | None:
    """A row whose two cells a PDF ran together ("3 days → 4 hours Automated the monthly
    claims report in SQL"): [metric, work] split before the first word, among the first
    MAX_METRIC_WORDS + 1, that opens in a capital and with a verb, once the words before it
    hold a number and at least MIN_WORK_WORDS words follow; None when there is no such word."""
    words = text.split(" ")
    for k in range(1, min(MAX_METRIC_WORDS, len(words) - MIN_WORK_WORDS) + 1):
        head = " ".join(words[:k])
        if (
            re.search(r"\d", head)
            and words[k][:1].isupper()
            and opens_with_verb(" ".join(words[k : k + 4]))
        ):
            return [head, " ".join(words[k:])]
    return None


def _two_cells(line: str, starts: list[int]) -> list[str] | None:
    """A line of a two-column table: one run in the column it starts nearest to, or two runs, the
    second in the long column whatever its place (a cell set close to its neighbour). One run
    that starts in the first column and reaches into the second is both cells run together
    when it splits into a metric and what was done (`metric_then_work`)."""
    runs = _runs(line)
    if len(runs) == 1:  # in the column it starts nearest to
        col = min(range(2), key=lambda c: abs(runs[0].start - starts[c]))
        run = runs[0]
        if col == 0 and run.start + len(run.text) > starts[1]:
            both = metric_then_work(run.text)
            if both is not None:
                return both
        return [runs[0].text if c == col else "" for c in range(2)]
    if len(runs) == 2 and runs[0].start <= starts[0] + ALIGN:
        return [runs[0].text, runs[1].text]
    return None


def _metric_body(lines: list[str], i: int, starts: list[int]) -> tuple[list[list[str]], int]:
    """The lines of a two-column table below its column names at `i`, a blank line between
    rows allowed: (their cells, the index after the table)."""
    body: list[list[str]] = []
    j = i + 1
    while j < len(lines):
        if not lines[j].strip():
            ahead = _two_cells(lines[j + 1], starts) if j + 1 < len(lines) else None
            if ahead is None or not all(ahead):
                break
            j += 1
            continue
        cells = _two_cells(lines[j], starts)
        if cells is None:
            break
        body.append(cells)
        j += 1
    return body, j


_GOES_ON = re.compile(r"(?:[,/&(\-–—]|\b(?:a|an|the|and|or|of|to|for|with|in|on|by|from|into)\b)$")


def _metric_rows(body: list[list[str]], long_col: int) -> list[list[str]] | None:
    """The rows of a two-column table whose short cells are metrics ("-38% lead time") and
    whose long cells say what was done, or None. A metric cell opens where its text does not
    open in lower case; the row's long cell opens on the first line at or above it, below the
    row before, that opens with a capital after a line that does not go on."""
    short_col = 1 - long_col
    starts = [i for i, c in enumerate(body) if c[short_col] and not c[short_col][:1].islower()]
    # a table of one line is one whole row: both its cells on that line
    if not starts or (len(body) < 2 and not all(body[0])):
        return None
    bounds = [0]
    for k in range(1, len(starts)):
        found = starts[k]
        for i in range(starts[k - 1] + 1, starts[k] + 1):
            text, prev = body[i][long_col], body[i - 1][long_col]
            if text[:1].isupper() and not (prev and _GOES_ON.search(prev)):
                found = i
                break
        bounds.append(found)
    rows: list[list[str]] = []
    for a, b in zip(bounds, [*bounds[1:], len(body)], strict=True):
        metric = _join([body[i][short_col] for i in range(a, b) if body[i][short_col]])
        work = _join([body[i][long_col] for i in range(a, b) if body[i][long_col]])
        if (
            not re.search(r"\d", metric)
            or len(metric.split()) > MAX_METRIC_WORDS
            or len(work.split()) < MIN_WORK_WORDS
            or RANGE.search(metric)
        ):
            return None
        rows.append([metric, work] if short_col == 0 else [work, metric])
    return rows


def _top_rows(body: list[list[str]]) -> list[list[str]] | None:
    """The rows of an undated table whose cells all start on the same line (a challenge /
    action / result table, `history.star_columns`): a row opens on a line where every column
    has text that does not open in lower case. None when the rows are not such a table."""
    if not body or not all(body[0]):
        return None
    opens = [0] + [
        k for k in range(1, len(body)) if all(c and not c[:1].islower() for c in body[k])
    ]
    rows = [
        [_join([body[i][c] for i in range(a, b) if body[i][c]]) for c in range(len(body[0]))]
        for a, b in zip(opens, [*opens[1:], len(body)], strict=True)
    ]
    return rows if star_columns(rows) is not None else None


MIN_BARE_LINES = 4  # lines of a table without column names, at least
MAX_LEFT_WORDS = 4  # words on one line of its narrow left column, at most
MIN_RIGHT_WORDS = 6  # words of a row's right cell, at least


def _left_right(line: str, left: int, right: int) -> tuple[str, str] | None:
    """A line of a two-column block whose columns start at `left` and `right`: (its text in
    the left column, in the right column), or None when a run stands in neither or the left
    text reaches into the right column."""
    runs = _runs(line)
    lefts = [r for r in runs if r.start + ALIGN < right]
    rights = [r for r in runs if r.start + ALIGN >= right]
    if not runs or len(lefts) > 1 or (rights and abs(rights[0].start - right) > ALIGN):
        return None
    if lefts and (
        abs(lefts[0].start - left) > ALIGN
        or lefts[0].start + len(lefts[0].text) + MIN_GAP > right
        or len(lefts[0].text.split()) > MAX_LEFT_WORDS
    ):
        return None
    return (lefts[0].text if lefts else "", " ".join(r.text for r in rights))


def _closed(left: str) -> bool:
    """A left cell that ends with its dates ('Acme Freight Senior TPM Mar 2020 – present')."""
    m = RANGE.search(left) or SINCE.search(left)
    return m is not None and not left[m.end() :].strip(" ,;.|")


def bare_rows(lines: list[str], i: int) -> tuple[list[list[str]] | None, int]:
    """A table laid out in two columns without column names, from line `i`: a narrow left
    column whose cell names the job and ends with its dates (its words wrapped a few to a
    line), a wide right column that says what was done. The rows (left cell, right cell), or
    None, and the index after the lines laid out so (the caller leaves them as they are when
    they make no such table: they are not read again from a later start). A row ends where its
    left cell's dates end, or where the left column is blank before its next text."""
    head = _runs(lines[i])
    if len(head) < 2 or len(head[0].text.split()) > MAX_LEFT_WORDS:
        return None, i + 1
    left, right = head[0].start, head[1].start
    cells: list[tuple[str, str]] = []
    j = i
    while j < len(lines) and lines[j].strip():
        both = _left_right(lines[j], left, right)
        if both is None:
            break
        cells.append(both)
        j += 1
    if len(cells) < MIN_BARE_LINES:
        return None, i + 1
    rows: list[tuple[list[str], list[str]]] = []
    for k, (lt, rt) in enumerate(cells):
        gap = k > 0 and not cells[k - 1][0]
        if lt and (not rows or gap or _closed(_join(rows[-1][0]))):
            rows.append(([], []))
        if not rows:
            return None, j
        if lt:
            rows[-1][0].append(lt)
        if rt:
            rows[-1][1].append(rt)
    out = [[_join(a), _join(b)] for a, b in rows]
    for lt, rt in out:
        named = (RANGE.sub(" ", SINCE.sub(" ", lt))).strip(" ,;–—-")
        if not _closed(lt) or not named or len(rt.split()) < MIN_RIGHT_WORDS:
            return None, j
    return out, j


def column_tables(lines: list[str]) -> list[str]:
    """Layout-mode lines with each column table (a line of column names, then at least
    MIN_ROWS_LINES lines whose runs of text start at those columns, up to a blank line or a line
    that fits no column) as a Markdown table: the names, a rule, one line per row."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        head = _runs(lines[i])
        if not _column_names(head):
            bare, j = bare_rows(lines, i)
            # no column names: each job a row, its name and dates left, its work right
            out += ["| " + " | ".join(r) + " |" for r in bare] if bare else lines[i:j]
            i = j
            continue
        starts = [r.start for r in head]
        body: list[list[str]] = []
        j = i + 1
        while j < len(lines) and j - i <= MAX_TABLE_LINES and lines[j].strip():
            cells = _cells(lines[j], starts)
            if cells is None:
                break
            body.append(cells)
            j += 1
        long_col = max(range(len(starts)), key=lambda c: sum(bool(r[c]) for r in body))
        rows = _rows(body, long_col) if len(body) >= MIN_ROWS_LINES else None
        if rows is None and len(starts) >= 3:
            # "Challenge | What I did | Result": no dates, every cell a clause
            rows = _top_rows(body)
        if rows is None and len(starts) == 2:
            # "Impact | What I did": a metric beside what was done, without dates
            body, j = _metric_body(lines, i, starts)
            if body:
                long_col = max(range(2), key=lambda c: sum(len(r[c]) for r in body))
                rows = _metric_rows(body, long_col)
        if rows is None:
            out.append(lines[i])
            i += 1
            continue
        out.append("| " + " | ".join(r.text for r in head) + " |")
        out.append("|" + "---|" * len(starts))
        out += ["| " + " | ".join(row) + " |" for row in rows]
        i = j
    return out
