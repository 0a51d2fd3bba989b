"""Words for the web pages: plurals, and advice written for the command line ("run
`loopcoach practice --role tpm`") turned into advice for someone using the web app."""

from __future__ import annotations

import re

_WEB_ADVICE: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"Score them: `loopcoach practice[^`]*` or `loopcoach analyze[^`]*`\."),
        "Score them on the Analyse an answer page.",
    ),
    (
        re.compile(r"`loopcoach exercise list` shows which cases `exercise [\w-]+` can use"),
        "each exercise's case list on the Exercises page shows the cases it can use",
    ),
    (re.compile(r"\s*\(\s*(?:see\s+|with\s+)?`loopcoach [^`]*`\s*\)"), ""),
    (re.compile(r"\s*\(loopcoach [a-z][^)]*\)"), ""),
    (
        re.compile(
            r"[:;,]?\s*(?:list \w+ with|see|run|with|use)?\s*`loopcoach [^`]*`"
            r"(?:\s*\(see `loopcoach [^`]*`\))?"
        ),
        "",
    ),
]


def web_advice(text: object) -> str:
    """`text` without command-line instructions: the web page offers the same things."""
    out = str(text)
    if "loopcoach" not in out:
        return out
    for pattern, replacement in _WEB_ADVICE:
        out = pattern.sub(replacement, out)
    return re.sub(r"\s+([.,;:])", r"\1", out).strip()


def plural(count: object, word: str, many: str | None = None) -> str:
    """`1 day`, `2 days`, `0 days` (`many` for irregular plurals)."""
    try:
        n = float(str(count))
    except ValueError:
        return f"{count} {many or word + 's'}"
    shown = int(n) if n == int(n) else n
    return f"{shown} {word if n == 1 else many or word + 's'}"
