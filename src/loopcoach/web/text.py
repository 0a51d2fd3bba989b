"""Words for the web faces: plurals, and advice written for the command line ("run
`loopcoach practice --role tpm`") turned into advice for someone using the web app
(`web_advice`) or a program calling the JSON API (`api_advice`: the request to make instead)."""

from __future__ import annotations

import re

# Command-line words that are not a `loopcoach ...` command, in both faces' words.
_CLI_WORDS: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"give it on standard input or with --answer-file"),
        "type it in the answer box",
        "send it in `answer`",
    ),
    (re.compile(r"another `loopcoach mock answer`"), "another answer", "another answer"),
    (
        re.compile(r"to move on without answering, run `loopcoach mock skip ([\w-]+)`"),
        'to move on without answering, press "Skip this question"',
        r"to move on without answering, POST /api/v1/mock/\1/skip",
    ),
    (
        re.compile(r"run `loopcoach mock (?:show|resume) ([\w-]+)`"),
        "reload the session's page",
        r"send GET /api/v1/mock/\1",
    ),
    (
        re.compile(r"give the question text or --question-id"),
        "pick a question or type one",
        "give `question` (its text) or `question_id`",
    ),
    (
        re.compile(r"give --stage ID or --loop, not both \(--loop runs every stage\)"),
        "pick stages or the whole loop, not both (the loop runs every stage)",
        "give `stages` or `loop`, not both (`loop` runs every stage)",
    ),
    (
        re.compile(r"--hours-per-day (\S+) is out of range"),
        r"\1 hours a day is out of range",
        r"hours_per_day \1 is out of range",
    ),
    (re.compile(r"^--(\w+) is over"), r"the \1 is over", r"the \1 is over"),
    (
        re.compile(r"choose a role, e\.g\. `loopcoach practice[^`]*` \(see `loopcoach roles`\)"),
        "choose a role",
        "choose a role (GET /api/v1/roles lists them)",
    ),
    (re.compile(r"give --title TEXT"), "give it a title", "give it a title"),
    (
        re.compile(r"give --title, --situation, --task, --action, --result or --themes"),
        "change the title, situation, task, action, result or themes",
        "change the title, situation, task, action, result or themes",
    ),
    (re.compile(r"e\.g\. --themes "), "e.g. ", "e.g. "),
]

# `loopcoach <command>` and the API request that does the same.
_API_ADVICE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"`loopcoach mock (?:show|resume) ([\w-]+)`"), r"GET /api/v1/mock/\1"),
    (re.compile(r"`loopcoach mock debrief ([\w-]+)`"), r"GET /api/v1/mock/\1/debrief"),
    (re.compile(r"`loopcoach mock end ([\w-]+)`"), r"POST /api/v1/mock/\1/end"),
    (re.compile(r"`loopcoach mock start[^`]*`"), "POST /api/v1/mock"),
    (re.compile(r"`loopcoach mock list[^`]*`"), "GET /api/v1/mock"),
    (re.compile(r"`loopcoach questions[^`]*`"), "GET /api/v1/questions"),
    (re.compile(r"`loopcoach question ([\w.-]+)`"), r"GET /api/v1/questions/\1"),
    (
        re.compile(r"list cases with `loopcoach role [^`]*`"),
        "list cases with GET /api/v1/exercises",
    ),
    (re.compile(r"`loopcoach roles?\b[^`]*`"), "GET /api/v1/roles"),
    (re.compile(r"`loopcoach prep --list`"), "GET /api/v1/prep/packs"),
    (re.compile(r"`loopcoach stories list`"), "GET /api/v1/stories"),
    (
        re.compile(r"`loopcoach exercise list` shows which cases `exercise ([\w-]+)` can use"),
        r"GET /api/v1/exercises shows which cases POST /api/v1/exercises/\1 can use",
    ),
    (re.compile(r"see `loopcoach exercise --help`"), "see the request schema at /api/docs"),
    (re.compile(r"`loopcoach practice[^`]*`"), "GET /api/v1/due?role=ROLE"),
    (re.compile(r"`loopcoach analy[sz]e[^`]*`"), "POST /api/v1/analyze"),
]

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
    for pattern, web, _ in _CLI_WORDS:
        out = pattern.sub(web, out)
    if "loopcoach" not in out:
        return out
    for pattern, replacement in _WEB_ADVICE:
        out = pattern.sub(replacement, out)
    return re.sub(r"\s+([.,;:])", r"\1", out).strip()


def api_advice(text: object) -> str:
    """`text` for a program calling the JSON API: a command becomes the request that does the
    same, and a command with no API twin is left out (as on the web pages)."""
    out = str(text)
    for pattern, _, api in _CLI_WORDS:
        out = pattern.sub(api, out)
    for pattern, replacement in _API_ADVICE:
        out = pattern.sub(replacement, out)
    out = re.sub(r"\brun ((?:GET|POST) /)", r"send \1", out)
    return web_advice(out)


def plural(count: object, word: str, many: str | None = None) -> str:
    """`1 day`, `2 days`, `0 days` (`many` for irregular plurals)."""
    try:
        n = float(str(count))
    except ValueError:
        return f"{count} {many or word + 's'}"
    shown = int(n) if n == int(n) else n
    return f"{shown} {word if n == 1 else many or word + 's'}"
