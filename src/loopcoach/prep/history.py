"""A work history: entries (roles and projects) with title, company, dates and bullets. Pure.

`from_text` reads the plain text every importer produces (PDF, DOCX, Markdown, text): section
headings, dated role headers and bullet lines, with wrapped bullet lines joined back together.
`from_json_resume` maps the jsonresume.org schema. Both return a `WorkHistory`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from loopcoach.analysis.text import normalise, sentences, stems
from loopcoach.budget import checkpoint
from loopcoach.domain.kinds import EntryKind
from loopcoach.prep.achievements import actors, acts, classify, own_voice
from loopcoach.prep.layout import BULLET, heading_section, legal_form_end, normalise_markers

_YEAR = r"(?:19|20)\d{2}"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTH},?\s+{_YEAR}|\d{{1,2}}[/.]{_YEAR}|{_YEAR}-\d{{2}}(?:-\d{{2}})?|"
    rf"(?:spring|summer|autumn|fall|winter|q[1-4]|h[12])\s+{_YEAR}|{_YEAR})"
)
_END = (
    rf"(?:{_DATE}|present|current|now|today|ongoing|date|heute|aktuell|jetzt|"
    r"aujourd'hui|présent|actuel|hoy|actualidad|presente|oggi|heden|atual)"
)
RANGE = re.compile(
    rf"(?<![\w/])(?P<start>{_DATE})\s*(?:(?:-|–|—)(?:\s*(?:to|until|till)(?=\s))?|to|until|till|→)"
    rf"\s*(?P<end>{_END})\b\.?",
    re.IGNORECASE,
)
SINCE = re.compile(rf"\b(?:since|from)\s+(?P<start>{_DATE})\b", re.IGNORECASE)
_TITLE_WORDS = re.compile(
    r"\b(manager|owner|lead|director|engineer|analyst|head|consultant|scrum|program|programme|"
    r"product|project|architect|specialist|coordinator|officer|president|vp|founder|intern|"
    r"developer|designer|tpm|tpo|po|pm|principal|staff|associate|advisor|administrator)\b",
    re.IGNORECASE,
)
# "--" and "---" are how plain text writes a dash ("ACME GMBH, Berlin -- Senior TPM")
_SEPARATORS = re.compile(r"\s+(?:\||—|–|-{1,3}|·|•|@|at)\s+|\t+")
SECTIONS: dict[str, tuple[str, ...]] = {
    "history": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "career",
        "relevant experience",
        "selected experience",
        "experience highlights",
        "berufserfahrung",
        "erfahrung",
        "beruflicher werdegang",
        "expérience",
        "expérience professionnelle",
        "experiencia",
        "experiencia profesional",
        "esperienza",
        "werkervaring",
    ),
    "projects": ("projects", "selected projects", "key projects", "side projects", "programs"),
    # achievements listed apart from the jobs: read as bullets of an entry of their own
    "highlights": (
        "achievements",
        "key achievements",
        "selected achievements",
        "notable achievements",
        "accomplishments",
        "key accomplishments",
        "selected accomplishments",
        "highlights",
        "career highlights",
        "key results",
        "impact",
        "selected impact",
    ),
    "summary": ("summary", "profile", "about", "about me", "professional summary", "objective"),
    "other": (
        "education",
        "skills",
        "technical skills",
        "certifications",
        "certificates",
        "languages",
        "interests",
        "awards",
        "publications",
        "contact",
        "references",
        "volunteering",
        "courses",
        "training",
        "tools",
        "core skills",
        "competencies",
        "hobbies",
        "links",
        "skills and tools",
        "education and certifications",
        "board and advisory",
        "boards and advisory",
        "advisory",
        "advisory boards",
        "advisory roles",
        "board roles",
        "board memberships",
        "boards",
        "ausbildung",
        "kenntnisse",
        "sprachen",
        "formation",
        "compétences",
        "langues",
        "formación",
        "idiomas",
    ),
}
_SECTION_NAMES = {name: kind for kind, names in SECTIONS.items() for name in names}


@dataclass(frozen=True)
class Bullet:
    id: str  # "b1", "b2"... in document order
    text: str
    entry: int  # index of its entry in WorkHistory.entries
    # what was done that led to it, when the résumé says so apart: the sentences of an
    # "Actions:" paragraph that a "Results:" sentence follows from (`split_results`)
    actions: str = ""
    # what was at stake, when the résumé says so apart: the "Challenge" cell of its table row
    # or a "Situation:" line just above it (`situated`)
    situation: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text, "entry": self.entry}
        if self.actions:
            out["actions"] = self.actions
        if self.situation:
            out["situation"] = self.situation
        return out


@dataclass(frozen=True)
class Entry:
    """A role (or a project) and its bullets."""

    title: str = ""
    company: str = ""
    start: str = ""
    end: str = ""
    kind: EntryKind = "role"
    description: str = ""
    bullets: tuple[Bullet, ...] = ()
    # achievements the résumé lists apart from its jobs ("Selected achievements") that name no
    # job of the history: their role, employer and dates are unknown
    apart: bool = False

    @property
    def dates(self) -> str:
        if self.start and self.end:
            return f"{self.start} – {self.end}"
        return self.start or self.end

    @property
    def label(self) -> str:
        parts = [p for p in (self.title, self.company) if p]
        return " at ".join(parts) if parts else "(untitled)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "company": self.company,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "description": self.description,
            "bullets": [b.to_dict() for b in self.bullets],
            "apart": self.apart,
        }


@dataclass(frozen=True)
class WorkHistory:
    source: str  # the file name it came from
    fmt: str  # pdf, docx, markdown, text, json-resume
    entries: tuple[Entry, ...] = ()
    name: str = ""
    headline: str = ""
    summary: str = ""
    text: str = ""
    pages: int = 0

    @property
    def bullets(self) -> list[Bullet]:
        return [b for e in self.entries for b in e.bullets]

    def entry_of(self, bullet: Bullet) -> Entry:
        return self.entries[bullet.entry]

    def years(self, this_year: int | None = None) -> int:
        """Years from the earliest start to `this_year` (if a role is current) or the latest
        year the history mentions."""
        starts = [_year(e.start) for e in self.entries if e.kind == "role"]
        starts = [y for y in starts if y]
        mentioned = [int(y) for y in re.findall(_YEAR, self.text)]
        current = any(e.end and not _year(e.end) for e in self.entries if e.kind == "role")
        if this_year and current:
            mentioned.append(this_year)
        if not starts or not mentioned:
            return 0
        return max(0, max(mentioned) - min(starts))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.fmt,
            "name": self.name,
            "headline": self.headline,
            "summary": self.summary,
            "pages": self.pages,
            "entries": [e.to_dict() for e in self.entries],
        }


def _year(date: str) -> int:
    m = re.search(_YEAR, date)
    return int(m.group(0)) if m else 0


# --- plain text ------------------------------------------------------------------------------


@dataclass
class _Draft:
    title: str = ""
    company: str = ""
    start: str = ""
    end: str = ""
    kind: EntryKind = "role"
    description: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    apart: bool = False  # a "Selected achievements" section, outside any job
    listed: list[str] = field(default_factory=list)  # its achievements listed apart, named here


def _section(line: str) -> str | None:
    key = re.sub(r"[^a-zà-ÿ ]+", " ", line.lower().lstrip("# ")).strip()
    key = re.sub(r"\s+", " ", key)
    if not key:
        return None
    if len(key.split()) <= 4 and key in _SECTION_NAMES:
        return _SECTION_NAMES[key]
    return heading_section(line, _TITLE_WORDS)


MAX_HEADER_LINES = 3  # lines above a dated line that name its role, employer and place
MAX_SUB_HEADING_WORDS = 6  # a product's or a team's name between a job's bullets
_HEADER_MARK = re.compile(r"[|,·•@()—–]|\s-\s|\bat\b")


def _header_like(line: str) -> bool:
    """A line that can name a role or an employer: a few words, or parts set apart by
    separators, or a job title's word among its first words."""
    s = line.strip().lstrip("# ")
    words = s.split()
    return (
        len(words) <= 5
        or bool(_HEADER_MARK.search(s))
        or bool(_TITLE_WORDS.search(" ".join(words[:4])))
    )


def _header_start(pending: list[str], after_blank: int | None) -> int:
    """Where the header of the next role starts among the lines held before its dated line:
    after the last blank line if any header lines follow it, else at most MAX_HEADER_LINES
    header-like lines back. The lines before it belong to the role above."""
    if (
        after_blank is not None
        and after_blank < len(pending)
        and all(_is_shortline(p) for p in pending[after_blank:])
    ):
        return after_blank
    start = len(pending)
    while (
        start > 0
        and len(pending) - start < MAX_HEADER_LINES
        and _is_shortline(pending[start - 1])
        and _header_like(pending[start - 1])
    ):
        start -= 1
    return start


def _within_job(line: str, section: str, cur: _Draft | None) -> bool:
    """'Key results:' below a job's lines, or 'Selected achievements' before the job's first
    bullet: a label (not a '#' heading, not in capitals) that introduces the job's own
    achievements, not a section of achievements listed apart from the jobs."""
    s = line.strip()
    return (
        section == "history"
        and cur is not None
        and not cur.apart
        and bool(cur.title or cur.company)
        and (s.endswith(":") or (not cur.bullets and not s.isupper()))
        and not s.startswith("#")
    )


def _projects_of_job(lines: list[str], number: int, cur: _Draft) -> bool:
    """'Key projects' between a dated job's lines and the bullets right below it (a table of
    the job's projects, read as bullets): a label (not a '#' heading, not in capitals) with the
    first bullet on the very next line, so the job's own achievements follow, not a section of
    projects apart from the jobs."""
    s = lines[number].strip()
    nxt = lines[number + 1] if number + 1 < len(lines) else ""
    return (
        cur.kind == "role"
        and not cur.apart
        and bool(cur.start)
        and bool(cur.title or cur.company)
        and not s.startswith("#")
        and not s.isupper()
        and bool(BULLET.match(nxt))
    )


_SUB_HEADING_MARK = re.compile(r"[|,·•@—–]|\s-\s|\bat\b")


def _sub_heading(pending: list[str], cur: _Draft) -> bool:
    """A line between a dated job's bullets that names a product or a team ("Loyalty (Harvest
    Rewards)"), not the next job: one short line without a job title, dates, separators or a
    company's legal form."""
    if len(pending) != 1 or not cur.start or cur.kind != "role" or cur.apart:
        return False
    return _names_no_job(pending[0].strip().lstrip("# "))


def _group_heading(pending: list[str], cur: _Draft) -> bool:
    """A heading between achievements listed apart from the jobs that names the skill they
    show ("Stakeholder management" in a functional résumé), not a job: one short line without a
    job title, dates, separators or a company's legal form."""
    if len(pending) != 1 or not cur.apart:
        return False
    return _names_no_job(pending[0].strip().lstrip("# ").rstrip(":"))


def _names_no_job(p: str) -> bool:
    """One short line that names a product, team or skill, not a job: no job title, dates,
    separators, company legal form or section name."""
    return (
        _is_shortline(p)
        and len(p.split()) <= MAX_SUB_HEADING_WORDS
        and not _TITLE_WORDS.search(p)
        and not _dated(p)
        and not _SUB_HEADING_MARK.search(p)
        and not legal_form_end(p)
        and _section(p) is None
    )


LOOKAHEAD = 3  # lines read ahead for the dated line a header continues on


MAX_SUB_RESULT_WORDS = 30  # a sub-bullet longer than this is an item of its own
MAX_JOINED_SUBS = 4  # sub-bullets joined to one parent, at most (later ones are items)


def _carries_result(sub: str, parent: str) -> bool:
    """A sub-bullet that reports what its parent bullet's action changed ("p95 latency from
    1.8 s to 640 ms"): it does not act, it tells a change, and the parent acts."""
    if len(sub.split()) > MAX_SUB_RESULT_WORDS or acts(sub) or not acts(parent):
        return False
    return classify(sub).change


def _opens_history(lines: list[str], number: int) -> bool:
    """A short line with a date range, followed by a bullet or another such line: a job's
    header line ("Halcyon Energy — Mar 2024 – Jan 2025", "(2018 – PRESENT)"), not a sentence
    of a profile."""
    line = lines[number].strip()
    if not (RANGE.search(line) and _is_shortline(line)) or BULLET.match(lines[number]):
        return False
    ahead = _next_text(lines, number)
    return bool(BULLET.match(ahead) or (RANGE.search(ahead) and _is_shortline(ahead)))


MIN_WRAPPED_CHARS = 40  # a line shorter than this was not wrapped for want of room
WRAP_SHARE = 0.8  # a wrapped line fills this share of the text's width, at least
_MID_SENTENCE = re.compile(r"[\w,;%)–-]$")
_SENTENCE_END = re.compile(r"[.!?][\"'”)]?$")
_LABEL_OPENING = re.compile(r"^[^\W\d][\w &/-]{0,24}:\s")  # "Tools: ...", "Stack: ..."


def text_width(lines: list[str]) -> int:
    """The width the text was set to: the length of its longest lines (the 90th percentile,
    so that one overlong line does not set it)."""
    lengths = sorted(len(ln.strip()) for ln in lines if ln.strip())
    return lengths[(len(lengths) * 9) // 10] if lengths else 0


def _ends_sentence_of(above: str, line: str, width: int) -> bool:
    """A line set flush left that finishes the sentence the line right above it broke off
    ("... when the vendor" over "SDK slipped, which kept us inside the deadline."): a line as
    wide as the text that stops without a full stop, then a line that ends one, with no dates,
    no heading and no label opening it."""
    above = above.strip()
    return (
        len(above) >= max(MIN_WRAPPED_CHARS, WRAP_SHARE * width)
        and bool(_MID_SENTENCE.search(above))
        and bool(_SENTENCE_END.search(line))
        and not (RANGE.search(line) or SINCE.search(line))
        and not _LABEL_OPENING.match(line)
        and _section(line) is None
    )


def _competency_heading(lines: list[str], number: int) -> bool:
    """A short line that names a skill, not a job ("Stakeholder management"), with a bullet as
    the next line of text: in a functional résumé, the heading of achievements grouped by the
    skill they show rather than by job."""
    line = lines[number]
    if BULLET.match(line):
        return False
    return _names_no_job(line.strip().lstrip("# ").rstrip(":")) and bool(
        BULLET.match(_next_text(lines, number))
    )


def _next_text(lines: list[str], number: int) -> str:
    """The next non-blank line within LOOKAHEAD lines, or ''."""
    for line in lines[number + 1 : number + 1 + LOOKAHEAD]:
        if line.strip():
            return line
    return ""


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(" | ", " ")).strip(" |,;·-–—")


_ACRONYMED = re.compile(r"([^,|—–()]+?)\s*\(([A-Z]{2,6})\)")
MAX_HEADER_CHARS = 400  # characters of a header line looked at for named organisations


def split_header(text: str) -> tuple[str, str]:
    """'Senior TPM — Acme, Berlin' -> ('Senior TPM', 'Acme')."""
    # "Inland Revenue (IRD)": a name followed by its acronym is an organisation's
    acronymed = {
        m.group(1).split(" - ")[-1].strip() for m in _ACRONYMED.finditer(text[:MAX_HEADER_CHARS])
    }
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " | ", text)
    parts = [p.strip(" ,;:|") for p in _SEPARATORS.split(text) if p.strip(" ,;:|")]
    if len(parts) == 1 and "," in parts[0]:
        parts = [p.strip() for p in parts[0].split(",") if p.strip()]
    if not parts:
        return "", ""
    titled = [p for p in parts if _TITLE_WORDS.search(p)]
    title = titled[0] if titled else parts[0]
    rest = [p for p in parts if p != title]
    head, comma, tail = title.partition(",")
    if comma and tail.strip() and _TITLE_WORDS.search(head) and not _TITLE_WORDS.search(tail):
        named = tail.strip() in acronymed
        if parts.index(title) == 0 and rest and (len(rest) >= 2 or "," in rest[0]) and not named:
            # "Senior PO, Claims Self-Serve - Maplecrest Insurance, Toronto": the comma names
            # the team; the employer and its place follow the separator
            title = head.strip()
        elif parts.index(title) == 0:
            # "Senior TPM, Quillfield Payments — Berlin": the employer follows the comma
            title, rest = head.strip(), [tail.strip(), *rest]
        else:
            # "Nimbus Cloud | Seattle | Staff TPM, Storage": the employer came first; the comma
            # names the team
            title = head.strip()
    # a part with a legal form ("Viajes Lumbre S.L.") is the employer, wherever it stands
    legal = [p for p in rest if _has_legal_form(p)]
    if legal:
        rest = [legal[0]] + [p for p in rest if p != legal[0]]
    company = rest[0].split(",")[0].strip() if rest else ""
    return title, company


def _new_entry(header_lines: list[str], dated: str | None, kind: EntryKind) -> _Draft:
    d = _Draft(kind=kind)
    text = " | ".join(header_lines + ([dated] if dated else []))
    m = RANGE.search(text) or SINCE.search(text)
    if m:
        d.start = _clean(m.group("start"))
        d.end = _clean(m.group("end")) if "end" in m.groupdict() else "Present"
        d.end = d.end[:1].upper() + d.end[1:] if d.end.islower() else d.end
        d.end = "Present" if d.end.lower() == "date" else d.end  # "2021 – till date"
        text = text[: m.start()] + " | " + text[m.end() :]
    d.title, d.company = split_header(text)
    if header_lines and dated and m:
        # "Technical Product Owner - Clinical Platform" over "MedSetu Ltd., Bengaluru   2021 -
        # Present": the line with the dates, without a title of its own, names the employer
        rest = _clean(RANGE.sub(" ", SINCE.sub(" ", dated)))
        first = next((p for p in _SEPARATORS.split(rest) if p.strip(" ,;:|")), "")
        first = first.split(",")[0].strip(" ,;:|")
        legal = _has_legal_form(first)
        if first and not _TITLE_WORDS.search(first) and (legal or not d.company):
            d.company = first
    if kind == "project" and not d.title:
        d.title = _clean(text)
    return d


_RULE = re.compile(r"[-=_*~#.·•+\s]{3,}")


# the legal form that marks a name as an employer's ("MedSetu Health Technologies Pvt. Ltd.")
_LEGAL_FORMS_WORDS = "ltd pvt inc llc llp plc gmbh ag bv nv corp pty srl sarl sas sl sa spa kk sro"
_LEGAL_FORMS = frozenset(_LEGAL_FORMS_WORDS.split())


def _has_legal_form(text: str) -> bool:
    """'Viajes Lumbre S.L.', 'Kontura s.r.o., Brno': a name with a company's legal form."""
    words = set(re.findall(r"[a-z]+", text.lower().replace(".", "")))
    return bool(_LEGAL_FORMS & words) or bool(legal_form_end(text.split(",")[0]))


def _is_shortline(line: str) -> bool:
    """A line that can be a header: a few words, not a sentence (a full stop that ends a
    legal form, "Kontura s.r.o.", ends no sentence)."""
    s = line.strip().lstrip("# ")
    return 0 < len(s.split()) <= 12 and (not s.endswith(".") or bool(legal_form_end(s)))


# a bullet sign inside a line, before the next item's first word: items run together on one
# line, as text copied from a web page gives them ("... in six months • Stopped the ...")
# a bullet sign between two items run together on one line ("Moved 40 services... • Cut the
# cloud bill..."); in running text, only before the next item's first word
_BULLET_SIGN = re.compile(r"\s+[•▪◦]\s+")
_RUN_SIGN = re.compile(_BULLET_SIGN.pattern + r"(?=[^\W_])")
MIN_RUN_WORDS = 6  # words of each item run together on one line, at least (not "A • B • C")
MAX_RUN_ITEMS = 20  # items split out of one line, at most (the rest stay one item)
MAX_RUN_LINE = 5_000  # characters of a line looked at for items run together


def run_together(lines: list[str]) -> list[str]:
    """A line that holds several list items run together at bullet signs ("• Cut the bill by
    31% ... • Moved 40 services ...") becomes a line per item: the first keeps the line's own
    bullet (or none: a job's one-line description before its items), the others are bullets.
    Every item must be a phrase of MIN_RUN_WORDS words or more with no dates, so a header's
    parts ("Senior TPM • Acme • 2021 – 2024") and a list of skills stay one line; table rows
    are left to `expand_tables`."""
    out: list[str] = []
    for line in lines:
        if not any(sign in line for sign in "•▪◦") or _is_row(line):
            out.append(line)
            continue
        m = BULLET.match(line)
        head = line[: m.end()] if m else line[: len(line) - len(line.lstrip())]
        pieces = _RUN_SIGN.split(line[len(head) :][:MAX_RUN_LINE])
        if len(pieces) < 2 or any(
            len(p.split()) < MIN_RUN_WORDS or RANGE.search(p) or SINCE.search(p) for p in pieces
        ):
            out.append(line)
            continue
        pieces = capped(pieces, MAX_RUN_ITEMS, " • ")
        indent = head[: len(head) - len(head.lstrip())]
        tail = line[len(head) + MAX_RUN_LINE :]
        pieces[-1] += tail
        out.append(head + pieces[0])
        out += [f"{indent}- {p.strip()}" for p in pieces[1:]]
    return out


def from_text(text: str, *, source: str, fmt: str, pages: int = 0) -> WorkHistory:
    lines = expand_tables(normalise_markers([ln.rstrip() for ln in normalise_lines(text)]))
    lines = run_together(lines)
    width = text_width(lines)
    section = "preamble"
    preamble: list[str] = []
    summary: list[str] = []
    drafts: list[_Draft] = []
    pending: list[str] = []
    cur: _Draft | None = None
    last_bullet_indent: int | None = None  # indent of the text of the last bullet line
    last_marker = 0  # indent of the last bullet's marker
    joined_subs = 0  # sub-bullets joined to the last bullet
    after_blank: int | None = None  # lines of `pending` before the last blank line
    summary_break = 0  # lines of `summary` before the last blank line

    def start(lines_: list[str], dated: str | None) -> _Draft:
        nonlocal cur
        cur = _new_entry(lines_, dated, "project" if section == "projects" else "role")
        drafts.append(cur)
        return cur

    for number, raw in enumerate(lines):
        if number % 512 == 0:
            checkpoint(f"{source}: reading the résumé")
        line = raw.strip()
        if not line or _RULE.fullmatch(line):  # blank, or a rule drawn with dashes or stars
            after_blank = len(pending)
            summary_break = len(summary)
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        sec = _section(line)
        if sec is not None and not BULLET.match(raw):
            if (sec == "highlights" and cur is not None and _within_job(line, section, cur)) or (
                sec == "projects" and cur is not None and _projects_of_job(lines, number, cur)
            ):
                # "Key results:" under a job: the job's own achievements follow
                cur.description.extend(pending)
                pending, after_blank, last_bullet_indent = [], None, None
                continue
            section, pending, cur, last_bullet_indent, after_blank = sec, [], None, None, None
            if sec == "highlights":  # its lines are achievements without a job of their own
                section = "history"
                start([], None).apart = True
            continue
        if section == "other":
            continue
        if (
            section == "summary" or (section == "preamble" and preamble and not drafts)
        ) and _competency_heading(lines, number):
            # "Delivery" over bullets below the profile (or right below the name) of a
            # functional résumé: achievements grouped by the skill they show, listed apart from
            # the jobs (which it names later, if at all)
            section, pending, last_bullet_indent, after_blank = "history", [], None, None
            start([], None).apart = True
            continue
        if section == "summary":
            if not _opens_history(lines, number):
                summary.append(line.lstrip("# "))
                continue
            # "FREELANCE TPM — PRYCE DELIVERY LTD" over "(2018 – PRESENT)" and bullets, under a
            # profile with no "Experience" heading: the jobs start here, and the short lines
            # after the profile's last blank line are the first one's header
            section = "history"
            tail = summary[summary_break:]
            if 0 < len(tail) < MAX_HEADER_LINES and all(_is_shortline(t) for t in tail):
                del summary[summary_break:]
                pending = tail
        bullet = BULLET.match(raw)
        dated = RANGE.search(line) or (SINCE.search(line) if not bullet else None)
        if dated and not RANGE.search(line):
            # "Meridian Ads, New York (remote from 2016)" over the line with the role's dates:
            # a header line, not a role of its own
            ahead = _next_text(lines, number)
            if ahead and RANGE.search(ahead) and not BULLET.match(ahead):
                dated = None
        if bullet:
            body = raw[bullet.end() :].strip()
            if section == "preamble" and not drafts:
                section = "history"
            if cur is not None and _group_heading(pending, cur):
                pending = []  # a skill's name over achievements listed apart: not a job
            if cur is None or (pending and (section == "projects" or cur.bullets)):
                if cur is not None and section != "projects" and _sub_heading(pending, cur):
                    cur.description.extend(pending)  # "Loyalty (Harvest Rewards)"
                elif pending and all(_is_shortline(p) for p in pending):
                    start([p.lstrip("# ") for p in pending], None)
                elif cur is None:
                    start(pending[:1], None) if pending else start([], None)
                    if cur is not None and len(pending) > 1:
                        cur.description.extend(pending[1:])
                else:
                    cur.description.extend(pending)
            elif pending:
                cur.description.extend(pending)
            marker = len(bullet.group("indent"))
            if (
                not pending
                and cur is not None
                and cur.bullets
                and last_bullet_indent is not None
                and marker > last_marker
                and joined_subs < MAX_JOINED_SUBS
                and _carries_result(body, cur.bullets[-1])
            ):
                # "- Planned the launch..." over "  - live in 5 months; resets down 37%": a
                # sub-bullet that only gives its parent's result is part of the parent
                cur.bullets[-1] = f"{cur.bullets[-1].rstrip('.;, ')}; {body}"
                last_bullet_indent = len(bullet.group(0))
                joined_subs += 1
                continue
            pending, after_blank = [], None
            assert cur is not None
            cur.bullets.append(body)
            last_bullet_indent = len(bullet.group(0))
            last_marker, joined_subs = marker, 0
            continue
        if cur is not None and cur.bullets and last_bullet_indent is not None and not dated:
            wrapped = (
                indent >= max(2, last_bullet_indent - 1)
                or line[:1].islower()
                or _ends_sentence_of(lines[number - 1], line, width)
            )
            if wrapped and not line.startswith("#"):
                cur.bullets[-1] = f"{cur.bullets[-1]} {line}"
                continue
        last_bullet_indent = None
        if dated:
            if section == "preamble":
                section = "history"
            first = _header_start(pending, after_blank) if cur is not None else 0
            header = [p.lstrip("# ") for p in pending[first:] if _is_shortline(p)]
            keep = pending[:first] + [p for p in pending[first:] if not _is_shortline(p)]
            if cur is not None and keep:
                cur.description.extend(keep)
            start(header, line.lstrip("# "))
            pending, after_blank = [], None
            continue
        if section == "preamble":
            preamble.append(line.lstrip("# "))
            continue
        if (
            cur is not None
            and not cur.bullets
            and not cur.description
            and not pending
            and not cur.company
            and _is_shortline(line)
            and _header_like(line)
        ):
            cur.company = _clean(line.split(" | ")[0].lstrip("# "))
            continue
        if (
            section == "projects"
            and not _is_shortline(line)
            and 0 < len(pending) <= MAX_HEADER_LINES
            and all(_is_shortline(p) for p in pending)
        ):
            # "Offline quiz mode (2022)" over a paragraph: a project told in prose, without
            # bullets or dates; its name opens the entry and the paragraph is its text
            start([p.lstrip("# ") for p in pending], None).description.append(line)
            pending, after_blank = [], None
            continue
        if cur is not None and not cur.bullets and not _is_shortline(line):
            # a long line of the job's text: the short lines before it were its text too
            cur.description.extend([*pending, line])
            pending, after_blank = [], None
            continue
        pending.append(line)
    if cur is not None and pending:
        cur.description.extend(pending)
    jobs = bool(drafts)
    if not drafts:
        drafts = _narrative_fallback(preamble)
        preamble = preamble[:2] if drafts else preamble
    name, headline, extra = _preamble(preamble)
    summary_text = " ".join(summary) or extra
    claims = summary_achievements(summary_text) if jobs else []
    claims = [c for c in claims if not retold(c, drafts)]
    if claims:  # achievements told in the summary: listed apart, placed in the job they name
        drafts.insert(0, _Draft(apart=True, bullets=claims))
    return _finish(
        attach_highlights(under_umbrella(drafts)),
        source=source,
        fmt=fmt,
        pages=pages,
        text=text,
        name=name,
        headline=headline,
        summary=summary_text,
    )


# --- achievements listed apart from the jobs ------------------------------------------------

MAX_SUMMARY_CLAIMS = 6  # achievement sentences taken from a summary paragraph
MAX_SUMMARY_SENTENCES = 40  # sentences of a summary read for them (a summary is a paragraph)
MIN_CLAIM_WORDS = 8


RETOLD = 0.4  # share of a summary sentence's words found in one bullet: it retells that bullet
_PLAIN_WORDS_TEXT = """that this with from into over under before after then were have been which
    their while when also more than about across where what they them there these those such"""
_PLAIN_WORDS = frozenset(_PLAIN_WORDS_TEXT.split())


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in _PLAIN_WORDS}


def retold(claim: str, drafts: list[_Draft]) -> bool:
    """A summary sentence that retells a bullet of the résumé ("Before that I built the first
    teacher dashboard at X" over the bullet "Delivered the first teacher dashboard..."): its
    words, apart from the employers' names, are mostly in that one bullet."""
    names = {w for d in drafts for w in _content_words(d.company)}
    words = _content_words(claim) - names
    if not words:
        return True
    return any(
        len(words & _content_words(b)) / len(words) >= RETOLD for d in drafts for b in d.bullets
    )


def summary_achievements(summary: str) -> list[str]:
    """The sentences of a summary paragraph that are achievements with a result ("At Kora Bank
    I cut drop-off from 61% to 38% by..."), not the profile around them."""
    found: list[str] = []
    # a sentence of semicolon clauses ("...; I ran the passkeys rollout; I brought p95 latency
    # down from 1.8 s to 640 ms; ...") is read clause by clause, as in a job's prose
    told = [c for x in sentences(summary)[:MAX_SUMMARY_SENTENCES] for c in clause_items(x)]
    for s in told[:MAX_SUMMARY_SENTENCES]:
        if len(s.split()) < MIN_CLAIM_WORDS:
            continue
        k = classify(s)
        if k.achievement and k.change:
            found.append(s)
        if len(found) >= MAX_SUMMARY_CLAIMS:
            break
    return found


_LEGAL_WORDS = """ltd pvt private limited inc incorporated llc llp plc gmbh ag sa sas sarl bv nv co
    corp corporation company group holdings the and of pty srl oy ab as kg"""
_LEGAL = frozenset(_LEGAL_WORDS.split())
_GENERIC_WORDS = """global digital health technologies technology solutions systems services
    software international national bank labs consulting partners capital financial group media
    platform platforms data cloud"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
SAME_BULLET = 0.6  # share of words from which a listed achievement is a job's own bullet


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) > 2}


def _employer_names(company: str) -> list[str]:
    """How a bullet may name an employer: its name without legal suffixes, and its first
    distinctive word ("MedSetu Health Technologies Pvt. Ltd." -> "medsetu health", "medsetu")."""
    form = legal_form_end(company)
    name = company.rstrip()[: len(company.rstrip()) - len(form)] if form else company
    words = [w for w in re.findall(r"[^\W_][\w&'-]*", name.lower()) if w not in _LEGAL]
    names = [" ".join(words)] if words else []
    if words and len(words[0]) >= 3 and words[0] not in _GENERIC:
        names.append(words[0])
    return [n for n in names if n]


def _names_in(text: str) -> set[str]:
    """Proper names and acronyms a bullet uses after its first word ("PIX", "Aurora", "Adyen")."""
    tokens = re.findall(r"[^\W_][\w-]*", text)
    return {
        t.lower()
        for t in tokens[1:]
        if (t[0].isupper() or (t.isupper() and len(t) > 1))
        and len(t) > 1
        and t.lower() not in _MONTH_WORDS
        and t.lower() not in _COMMON_NAMES
        and not re.fullmatch(r"[QH]\d|I|\d.*", t)
    }


_MONTHS_WORDS = """jan feb mar apr may jun jul aug sep sept oct nov dec january february march
    april june july august september october november december"""
_MONTH_WORDS = frozenset(_MONTHS_WORDS.split())


# acronyms and names most jobs in the field use: they name no particular job
_COMMON_NAMES_WORDS = """
    api apis sql ui ux aws gcp azure qa ci cd kpi kpis okr okrs sla slas slo ios android web sdk
    saas b2b b2c crm erp ml ai cto ceo cfo coo cpo vp vps pm pms po pos tpm hr it eu us uk jira
    agile scrum safe kanban devops mvp gdpr sox pci the we my our
"""
_COMMON_NAMES = frozenset(_COMMON_NAMES_WORDS.split())


MAX_LISTED = 40  # achievements listed apart that are placed in a job; later ones stay apart


@dataclass(frozen=True)
class _Job:
    """What a listed achievement can name of a job: its lines' words, employer, proper names."""

    lines: tuple[frozenset[str], ...]
    employer: tuple[str, ...]
    names: frozenset[str]


def _job(d: _Draft) -> _Job:
    text = " ".join([d.title, d.company, *d.description, *d.bullets])
    return _Job(
        lines=tuple(frozenset(_words(b)) for b in d.bullets),
        employer=tuple(_employer_names(d.company)),
        names=frozenset(re.findall(r"[^\W_][\w-]*", text.lower())),
    )


def job_named(text: str, jobs: list[_Job]) -> int | None:
    """The index in `jobs` of the job an achievement listed apart names: the job that has the
    same line among its bullets, else the only employer the line names, else the only job
    whose text uses the proper names (products, systems, clients) the line uses."""
    words = _words(text)
    for i, job in enumerate(jobs):
        for other in job.lines:
            if words and other and len(words & other) / len(words | other) >= SAME_BULLET:
                return i
    low = " " + " ".join(re.findall(r"[^\W_][\w&'-]*", text.lower())) + " "
    by_employer = {i for i, j in enumerate(jobs) if any(f" {n} " in low for n in j.employer)}
    if by_employer:
        return by_employer.pop() if len(by_employer) == 1 else None
    names = _names_in(text)
    hits = {i for i, job in enumerate(jobs) if names & job.names}
    return hits.pop() if len(hits) == 1 else None


def under_umbrella(drafts: list[_Draft]) -> list[_Draft]:
    """Client engagements under a freelance role ("Freelance TPM — Pryce Delivery Ltd
    (2018 – present)" without bullets, then "Halcyon Energy — Mar 2024 – Jan 2025" and its
    bullets): an engagement whose header names no job title is that role at that client."""
    umbrella: _Draft | None = None
    for d in drafts:
        titled = bool(_TITLE_WORDS.search(d.title))
        if d.kind != "role" or d.apart:
            umbrella = None
        elif titled and not d.bullets and not d.description and d.start:
            umbrella = d
        elif umbrella is not None and d.title and not titled and not _clean(d.company) and d.start:
            d.title, d.company = umbrella.title, d.title
        elif titled or _clean(d.company):
            umbrella = None
    return drafts


def _paragraph_items(description: list[str]) -> list[str]:
    """The sentences (or semicolon clauses) of lines told as prose, of four words or more."""
    return [
        c
        for item in prose_items(description)
        for s in sentences(item)
        for c in clause_items(s)
        if len(c.split()) >= 4
    ]


_NAMED_AT_END = re.compile(
    rf"\((?P<name>[^()\d,;]{{2,80}}),\s*(?P<when>{_DATE}(?:\s*[-–—]\s*{_END})?)\)\W*$",
    re.IGNORECASE,
)


def employer_at_end(text: str) -> tuple[str, str, str] | None:
    """'... (Fernhill Logistics, 2021)': the employer and the dates an achievement listed
    apart names in brackets at its end, as a functional résumé does ('', '' when it names
    none): (employer, start, end)."""
    m = _NAMED_AT_END.search(text)
    if m is None or not _named(m.group("name")) or acts(m.group("name")):
        return None
    when = m.group("when")
    r = RANGE.search(when)
    if r:
        return m.group("name").strip(), _clean(r.group("start")), _clean(r.group("end"))
    return m.group("name").strip(), _clean(when), ""


def by_named_employer(drafts: list[_Draft]) -> list[_Draft]:
    """Achievements listed apart that no job of the history takes but that name their
    employer in brackets at their end ('(Fernhill Logistics, 2021)') go to a role at that
    employer, one per employer, so their stories keep it."""
    out: list[_Draft] = []
    made: dict[str, _Draft] = {}
    for d in drafts:
        if not d.apart:
            out.append(d)
            continue
        keep = []
        for b in d.bullets:
            named = employer_at_end(b)
            if named is None:
                keep.append(b)
                continue
            company, start, end = named
            role = made.get(company.lower())
            if role is None:
                role = made[company.lower()] = _Draft(company=company, start=start, end=end)
                out.append(role)
            role.bullets.append(b)
            years = sorted({y for y in (start, end, role.start, role.end) if _year(y)}, key=_year)
            if years:
                role.start, role.end = years[0], years[-1] if len(years) > 1 else ""
        d.bullets = keep
        if d.bullets or d.description:
            out.append(d)
    return out


def attach_highlights(drafts: list[_Draft]) -> list[_Draft]:
    """Achievements listed apart from the jobs join the job they name (first among its
    bullets); those that name none stay apart, marked so a story can say its job is unknown.
    A "Career highlights" paragraph is one achievement a sentence."""
    for d in drafts:
        if d.apart and not d.bullets and d.description:
            d.bullets, d.description = _paragraph_items(d.description), []
    targets = [d for d in drafts if d.kind == "role" and not d.apart and (d.title or d.company)]
    apart = [d for d in drafts if d.apart]
    if not apart:
        return drafts
    if not targets:
        return by_named_employer(drafts)
    jobs = [_job(d) for d in targets]
    seen = 0
    for d in apart:
        keep = []
        for b in d.bullets:
            seen += 1
            i = job_named(b, jobs) if seen <= MAX_LISTED else None
            if i is None:
                keep.append(b)
            else:
                targets[i].listed.append(b)
        d.bullets = keep
    return by_named_employer([d for d in drafts if not (d.apart and not d.bullets)])


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


MAX_ROW_LINES = 8  # a table row wrapped over more lines than this is not joined further


def join_wrapped_rows(lines: list[str]) -> list[str]:
    """A table row that a PDF wrapped ('| Area | Cut the time...' then 'for 4 teams. |') is one
    row again: a line that opens a row without closing it takes the lines up to the closing '|'.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith("|") and s.count("|") >= 2 and not s.endswith("|"):
            j = i + 1
            while (
                j < len(lines)
                and j - i < MAX_ROW_LINES
                and lines[j].strip()
                and not lines[j].strip().startswith("|")
                and not lines[j - 1].strip().endswith("|")
            ):
                j += 1
            if lines[j - 1].strip().endswith("|"):
                out.append(" ".join(ln.strip() for ln in lines[i:j]))
                i = j
                continue
        out.append(lines[i])
        i += 1
    return out


def _action_with_result(cells: list[str], apart: frozenset[str] = frozenset()) -> list[str]:
    """A row's cells with an action followed by its result ("| Replaced the batch with a
    stream | Outage detection went from 4 hours to 6 minutes |") joined into one line: the
    two cells are one achievement (what was done, what changed). A line in `apart` (an item
    a bullet sign set apart in its cell) is not joined to the line before it."""
    out: list[str] = []
    for cell in cells:
        if out and len(cell.split()) >= 3 and cell not in apart:
            prev, now = classify(out[-1]), classify(cell)
            if prev.action and not now.action and now.change and now.kind != "duty":
                out[-1] = f"{out[-1].rstrip('.;, ')}; {cell}"
                continue
        out.append(cell)
    return out


MAX_HEADER_CELL_WORDS = 4


MAX_METRIC_WORDS = 8  # a table cell this short with a number, that does not act, is a metric


def _metric(cell: str) -> bool:
    """A cell that gives a measure ("-38% lead time", "420 → 110 open tickets", "2 sprints
    saved"): a few words with a number, no dates, no action."""
    return (
        0 < len(cell.split()) <= MAX_METRIC_WORDS
        and bool(re.search(r"\d", cell))
        and not _dated(cell)
        and not acts(cell)
    )


def metric_with_work(parts: list[str]) -> list[str]:
    """A row of two cells, a metric and what was done ('| -38% lead time | Split the backlog
    into slices... |', either way round): one achievement, told as a résumé line tells it,
    what was done, then its outcome ('Split the backlog into slices...; -38% lead time')."""
    if len(parts) != 2:
        return parts
    for metric, work in (parts, parts[::-1]):
        if _metric(metric) and len(work.split()) >= 6 and not _dated(work) and acts(work):
            return [f"{work.rstrip('.;, ')}; {metric}"]
    return parts


def _column_names(cells: list[str]) -> bool:
    """A table's first row names its columns ('Project | What I did | Result'): short cells
    without numbers."""
    names = [c for c in cells if c]
    return len(names) >= 2 and all(
        len(c.split()) <= MAX_HEADER_CELL_WORDS and not re.search(r"\d", c) for c in names
    )


def _dated(text: str) -> bool:
    return bool(RANGE.search(text) or SINCE.search(text))


def _one_record(parts: list[str], listed: set[str]) -> list[str]:
    """A row of a table with named columns is one record: its first long cell and the cells
    after it (what was done, then what changed) are one line; cells that list several lines
    stay apart."""
    out: list[str] = []
    joined: int | None = None  # index in `out` of the record's line
    for p in parts:
        n = len(p.split())
        if joined is not None and n >= 3 and p not in listed and not _dated(p):
            out[joined] = f"{out[joined].rstrip('.;, ')}; {p}"
            continue
        if joined is None and n >= 6 and p not in listed and not _dated(p):
            joined = len(out)
        out.append(p)
    return out


def _named(text: str) -> bool:
    """Most words capitalised, as in a name or a title ("Acme Versicherung GmbH, Hamburg")."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return bool(words) and 2 * sum(w[0].isupper() for w in words) >= len(words)


def _names_role(cell: str) -> bool:
    """A table cell that names a role or an employer: a header-like short line set like a name
    that does not act."""
    return _is_shortline(cell) and _header_like(cell) and _named(cell) and not acts(cell)


def _cell_header(parts: list[str], listed: set[str]) -> list[str]:
    """The lines that open a dated row's cell of several lines and name the role and the
    employer ("Technical Product Owner – Claims" <br> "Acme GmbH, Hamburg" <br> "Owned..."):
    at most MAX_HEADER_LINES short lines set like names, before the first line that acts."""
    out: list[str] = []
    for p in parts:
        if p not in listed:
            if len(p.split()) >= 6 and not _dated(p):
                break
            continue
        if (
            len(out) >= MAX_HEADER_LINES
            or ";" in p
            or not (_is_shortline(p) and _header_like(p) and _named(p))
            or acts(p)
        ):
            break
        out.append(p)
    return out


# a line break in a cell, or a bullet sign
_CELL_BREAK = re.compile(rf"\s*<br\s*/?>\s*|\n|{_BULLET_SIGN.pattern}", re.IGNORECASE)
MAX_CELL_LINES = 40  # lines one table cell is split into ("a <br> b"); the rest stay one line


def cell_lines(cell: str) -> list[str]:
    """The lines of a table cell ('Cut the time... <br> Moved 40 services...'), at most
    MAX_CELL_LINES: the rest of a longer cell is its last line, joined with semicolons."""
    return capped([x for x in _CELL_BREAK.split(cell) if x.strip()], MAX_CELL_LINES, "; ")


def capped(pieces: list[str], most: int, joiner: str) -> list[str]:
    """At most `most` pieces: the rest of a longer list is its last piece, joined by `joiner`."""
    if len(pieces) <= most:
        return pieces
    return [*pieces[: most - 1], joiner.join(pieces[most - 1 :])]


_BARE_RULE = re.compile(r"^\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+$")


def piped_tables(lines: list[str]) -> list[str]:
    """A Markdown table written without its outer pipes ('Period | Role | Company' over
    '---|---|---', then 'a | b | c' rows) gets them: its header, rule and the rows after it
    that have as many cells."""
    out = list(lines)
    i = 1
    while i < len(out):
        rule = out[i].strip()
        if not (_BARE_RULE.match(rule) and not rule.startswith("|")):
            i += 1
            continue
        cells = rule.count("|") + 1
        head = out[i - 1].strip()
        if head.startswith("|") or head.count("|") + 1 != cells:
            i += 1
            continue
        out[i - 1], out[i] = f"| {head} |", f"| {rule} |"
        j = i + 1
        while j < len(out) and (row := out[j].strip()) and not row.startswith("|"):
            if row.count("|") + 1 < cells:
                break
            out[j] = f"| {row} |"
            j += 1
        i = j
    return out


def _unmark(cell: str) -> str:
    """A cell's text without bullet marks; a minus that opens a number ('-38% lead time')
    stays."""
    return cell.strip(" •*") if re.match(r"\s*[-−]\d", cell) else cell.strip(" -•*")


def _is_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def _row_cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


MIN_STAR_CELL_WORDS = 4  # a challenge cell shorter than this names a project, not a situation


def star_columns(rows: list[list[str]]) -> tuple[int, int] | None:
    """A table whose columns tell what was at stake, what was done and what changed ('Challenge
    | What I did | Result', 'Problem | Approach | Impact'): (its action column, its result
    column), or None. Read from the body rows (`rows`, the column names left out), whatever
    the columns are called: the last column reports a change in most rows and does not act, the
    column before it holds the work (a clause in every row), and a column before that holds
    clauses too (the situation); no cell is dated or lists several lines."""
    if not rows or any(len(r) != len(rows[0]) for r in rows) or len(rows[0]) < 3:
        return None
    res, act = len(rows[0]) - 1, len(rows[0]) - 2
    cells = [c for r in rows for c in r]
    if any(_dated(c) or len(cell_lines(c)) > 1 for c in cells):
        return None
    changes = sum(classify(r[res]).change and not acts(r[res]) for r in rows)
    if 2 * changes <= len(rows):
        return None
    if not all(len(r[act].split()) >= MIN_STAR_CELL_WORDS for r in rows):
        return None
    if not any(all(len(r[c].split()) >= MIN_STAR_CELL_WORDS for r in rows) for c in range(act)):
        return None
    return act, res


def _star_row(cells: list[str], act: int, res: int) -> list[str]:
    """A row of a challenge / action / result table as a list tells it: the work then what
    changed on one line ('Split the epic...; Completion up from 38% to 61%'), after a
    'Situation:' line with the row's challenge (the next bullet's situation, `situated`)."""
    context = [c for c in cells[:act] if len(c.split()) >= MIN_STAR_CELL_WORDS]
    out = [f"- Situation: {c.rstrip('.;, ')}" for c in context[-1:]]
    result = cells[res].rstrip(".;, ")
    work = cells[act].rstrip(".;, ")
    out.append(f"- {work}; {result}" if result else f"- {work}")
    return out


def expand_tables(lines: list[str]) -> list[str]:
    """Table rows ('| Senior TPM | Acme | 2021 – Present | Led the... |') become the lines a
    list would give: a header line with the short cells and a bullet per long cell (one per
    row when the table names its columns; a challenge / action / result table, `star_columns`,
    gives each row's work and result as one bullet, after its challenge as its situation)."""
    out: list[str] = []
    in_table = named = False
    star: tuple[int, int] | None = None
    rows = join_wrapped_rows(piped_tables(lines))
    for i, line in enumerate(rows):
        s = line.strip()
        if not _is_row(line):
            out.append(line)
            in_table = False
            continue
        if _TABLE_RULE.match(s):
            continue
        cells = _row_cells(line)
        if not in_table:
            in_table, named = True, _column_names(cells)
            star = None
            if named:
                body = []
                for ln in itertools.islice(rows, i + 1, None):
                    if not _is_row(ln):
                        break
                    if not _TABLE_RULE.match(ln.strip()):
                        body.append(_row_cells(ln))
                if body and len(body[0]) == len(cells):
                    star = star_columns(body)
                continue  # the column names
        if star is not None and len(cells) > star[1]:
            out += _star_row(cells, *star)
            continue
        lined = [cell_lines(c) for c in cells]
        parts = [_unmark(p) for pieces in lined for p in pieces]
        parts = [p for p in parts if p]
        # a cell that lists several lines ("a <br> b") holds bullets, short ones too
        listed = {
            p
            for pieces in lined
            if len(pieces) > 1
            for x in pieces
            if len(x.split()) >= 3 and not (RANGE.search(x) or SINCE.search(x))
            for p in [_unmark(x)]
        }
        if not listed:
            parts = metric_with_work(parts)
        # an item after a bullet sign ("... • Cut the cloud bill 31%...") is an item of its own
        apart = frozenset(_unmark(x) for c in cells for x in _BULLET_SIGN.split(c)[1:])
        parts = _one_record(parts, listed) if named else _action_with_result(parts, apart)
        heads: set[str] = set()
        if any(_dated(p) for p in parts):
            heads = set(_cell_header(parts, listed))
            # a cell of its own set like a name ("Senior Technical Program Manager, PayNimbus
            # (Bengaluru)") names the row's role and employer, however many words it has
            heads |= {p for p in parts if p not in listed and _names_role(p)}
        listed -= heads
        long = [p for p in parts if (len(p.split()) >= 6 and p not in heads) or p in listed]
        short = [p for p in parts if p not in long]
        dated = any(RANGE.search(p) or SINCE.search(p) for p in short)
        if dated:
            out.append(" | ".join(short))
        elif not long:
            continue  # a header row ("Role | Company | Dates") or a row of labels
        out += [f"- {p}" for p in long]
    return out


def normalise_lines(text: str) -> list[str]:
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.replace("\t", "    ").replace("\u00a0", " ")
        out.append(line)
    return out


def _narrative_fallback(preamble: list[str]) -> list[_Draft]:
    """No dated roles and no bullets: long sentences of the text become bullets of one entry."""
    body = [p for p in preamble[2:] if len(p.split()) >= 6] or [
        p for p in preamble if len(p.split()) >= 6
    ]
    found = [s for p in body for s in sentences(p) if len(s.split()) >= 6]
    return [_Draft(bullets=found)] if found else []


def _preamble(lines: list[str]) -> tuple[str, str, str]:
    contact = re.compile(r"@|https?://|www\.|\+?\d[\d\s()-]{7,}|linkedin|github", re.IGNORECASE)
    useful = [ln for ln in lines if not contact.search(ln)]
    if useful:
        # "Gareth Pryce — Technical Product Owner": the name and the headline on one line
        parts = re.split(r"\s+[—–|·]\s+", useful[0], maxsplit=1)
        who = parts[0].lstrip("# ")
        if (
            len(parts) == 2
            and 2 <= len(who.split()) <= 4
            and not _TITLE_WORDS.search(who)
            and not re.search(r"\d", who)
            and _TITLE_WORDS.search(parts[1])
        ):
            useful[0:1] = [who, parts[1]]
    name = ""
    if useful and len(useful[0].split()) <= 5 and not re.search(r"\d", useful[0]):
        name = _clean(re.split(r"\s+[—–|·]\s+", useful.pop(0))[0])
        name = name.title() if name.isupper() else name
    headline = ""
    if useful and len(useful[0].split()) <= 12 and not useful[0].endswith("."):
        headline = _clean(useful.pop(0))
    rest = " ".join(ln for ln in useful if len(ln.split()) >= 6)
    return name, headline, rest


# a line that ends like this goes on on the next line ("...agreed with the" / "CFO to...")
_GOES_ON = re.compile(
    r"(?:[,/&(\-–—]|\b(?:a|an|the|and|or|but|of|to|for|with|in|on|at|by|from|into|as|that|"
    r"which|who|our|my|their|its|was|were|is|are|than|per|via|across|over|under)\b)$",
    re.IGNORECASE,
)


MAX_WRAPPED_LINES = 8  # lines of one wrapped sentence joined back together, at most


def prose_items(lines: list[str]) -> list[str]:
    """A job's lines without bullet marks, each one an item (a word-processor export puts one
    achievement on a line, with or without a full stop), except that a line wrapped in the
    middle of a sentence is joined to the next: one that does not end a sentence and either
    ends on a word that needs more or is followed by a line opening in lower case."""
    out: list[str] = []
    joined = 0  # lines joined into out[-1]
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        prev = out[-1] if out else ""
        if (
            prev
            and joined < MAX_WRAPPED_LINES
            and not prev.endswith((".", "!", "?", ":", ";"))
            and (_GOES_ON.search(prev[-20:]) or line[:1].islower())
        ):
            out[-1] = f"{prev} {line}"
            joined += 1
        else:
            out.append(line)
            joined = 1
    return out


MIN_CLAUSES = 3  # clauses separated by semicolons from which a prose sentence is a list
MAX_CLAUSES = 40  # clauses of one sentence read as items, at most (the rest stay joined)
MIN_CLAUSE_WORDS = 4


_OWN_SUBJECT = re.compile(r"^(?:I|we)\s+[a-z]", re.IGNORECASE)


def _names_actor(clause: str, who: Sequence[str]) -> bool:
    """The clause opens with its actor named: 'I', 'we', or the person of a third-person
    résumé (`achievements.actors`)."""
    return bool(_OWN_SUBJECT.match(clause) or (who and _OWN_SUBJECT.match(own_voice(clause, who))))


def clause_items(sentence: str, who: Sequence[str] = ()) -> list[str]:
    """A prose sentence that lists what was done, clause after clause between semicolons
    ("Owned the backlog...; moved the gateway..., which cut tickets by 38%; said no to..."),
    is one item per clause in which the candidate acts; a clause that does not act (a result:
    "; 1,100 classrooms now use it") stays with the clause before it. Fewer than MIN_CLAUSES
    clauses, or fewer than two that act, and the sentence is one item."""
    parts = [p.strip() for p in sentence.split(";")]
    if (
        len(parts) == 2
        and all(len(p.split()) >= MIN_CLAUSE_WORDS and _names_actor(p, who) for p in parts)
        and all(acts(own_voice(p, who)) for p in parts)
    ):
        # "She brought the backlog from 310 to 60...; she cut the form from 14 steps to 5":
        # two clauses, each with its actor named, are two things done
        return [p[:1].upper() + p[1:] for p in parts]
    if len(parts) < MIN_CLAUSES or any(not p for p in parts):
        return [sentence]
    items: list[str] = []
    for n, part in enumerate(parts):
        new = (
            n < MAX_CLAUSES and len(part.split()) >= MIN_CLAUSE_WORDS and acts(own_voice(part, who))
        )
        if items and not new:
            items[-1] = f"{items[-1]}; {part}"
        else:
            items.append(part[:1].upper() + part[1:])
    return items if len(items) >= 2 else [sentence]


_STAR = re.compile(
    r"^(?P<label>context|background|situation|task|action|actions|result|results|outcome|"
    r"outcomes|impact)\s*[:–—-]\s*(?P<text>\S.*)$",
    re.IGNORECASE,
)
_STAR_ORDER = {
    "result": 0,
    "outcome": 0,
    "impact": 0,
    "action": 1,
    "task": 2,
    "situation": 3,
    "context": 3,
    "background": 3,
}
_RESULT_LABELS = ("result", "outcome", "impact")
MIN_RESULT_WORDS = 4  # a sentence of a "Results:" paragraph shorter than this is not one


def _star_label(item: str) -> tuple[str, str] | None:
    m = _STAR.match(item.strip())
    if m is None:
        return None
    return m.group("label").lower().rstrip("s"), m.group("text").strip()


_ACTION_LABELS = ("action", "task")
MAX_LED_ACTIONS = 12  # sentences of one job's actions paired with its results, at most
# words that say nothing of what a sentence is about, left out when results and actions are
# paired by the words they share
_FILLER_TEXT = """a an the and or of to in on for with from by at as into over per than then once
    when while after before i we my our us it its this that these those was were is are be been
    had has have which who whom what all every each one two three four five six seven eight
    nine ten new first team teams"""
_FILLER = frozenset(_FILLER_TEXT.split())


def _content(text: str) -> frozenset[str]:
    return frozenset(
        w for w in stems(text) if w not in _FILLER and not w[:1].isdigit() and len(w) > 1
    )


def led_to(results: Sequence[str], actions: Sequence[str]) -> list[str]:
    """For each results sentence, the action sentences that led to it: those that share the
    most content words with it ("Gateway incidents dropped ... once the platform-health
    allocation ... was in place" and "I kept one sprint in five for platform health"). A
    result that shares no word with any action gets none (its own sentence says what was
    done: "I split the story with the developers ...")."""
    words = [_content(a) for a in actions]
    out = []
    for r in results:
        mine = _content(r)
        shared = [len(mine & w) for w in words]
        best = max(shared, default=0)
        out.append(" ".join(a for a, n in zip(actions, shared, strict=True) if best and n == best))
    return out


def split_results(items: list[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """A job told in labelled paragraphs ("Context: ...", "Actions: ...", "Results: ...") whose
    results paragraph reports several changes, a sentence each: each results sentence is an
    achievement of its own, and the context and actions paragraphs are the job's context, not
    achievements (`star_items` joins a group whose result is one sentence into one story).
    Returns (items, context, actions): `actions` gives a results sentence the sentences of the
    actions paragraph that led to it (`led_to`), so its story keeps what was done."""
    out: list[str] = []
    context: list[str] = []
    actions: dict[str, str] = {}
    i = 0
    while i < len(items):
        j, labels, group = i, set(), []
        while j < len(items) and j - i < MAX_STAR_PARTS:
            found = _star_label(items[j])
            if found is None or found[0] in labels:
                break
            labels.add(found[0])
            group.append(found)
            j += 1
        told = [
            x
            for label, text in group
            if label in _RESULT_LABELS
            for x in sentences(text)
            if len(x.split()) >= MIN_RESULT_WORDS
        ]
        if len(told) >= 2 and len(group) >= 2:
            out += told
            context += [text for label, text in group if label not in _RESULT_LABELS]
            done = [x for label, text in group if label in _ACTION_LABELS for x in sentences(text)]
            # a paragraph of more actions than a job tells is not paired sentence by sentence
            done = done if len(done) <= MAX_LED_ACTIONS else []
            for r, a in zip(told, led_to(told, done), strict=True):
                if a:
                    actions[r] = a
            i = j
            continue
        out += items[i : max(j, i + 1)]
        i = max(j, i + 1)
    return out, context, actions


MAX_STAR_PARTS = 6  # labelled lines joined into one story, at most


def star_items(items: list[str]) -> list[tuple[str, bool]]:
    """Lines labelled "Situation: ...", "Action: ...", "Result: ..." in a row are one
    achievement told the STAR way: one item, its result first (the change the work caused, as
    a résumé line opens), then what was done and the situation. Each item comes with whether it
    was so joined (its sentences are not split again)."""
    out: list[tuple[str, bool]] = []
    group: list[tuple[str, str]] = []

    def close() -> None:
        if len(group) >= 2 and any(k in _RESULT_LABELS for k, _ in group):
            parts = sorted(group, key=lambda g: _STAR_ORDER[g[0]])
            out.append((" ".join(t.rstrip(" .;") + "." for _, t in parts), True))
        else:
            out.extend((f"{k.capitalize()}: {t}", False) for k, t in group)
        group.clear()

    for item in items:
        found = _star_label(item)
        if found is None:
            close()
            out.append((item, False))
            continue
        label, text = found
        if label in {g[0] for g in group} or len(group) >= MAX_STAR_PARTS:
            close()
        group.append((label, text))
    close()
    return out


_ALSO = re.compile(r";\s+also\s+(?=[a-z])")
MIN_ALSO_WORDS = 4  # words of each of two achievements joined by "; also", at least


MAX_ALSO_ITEMS = 8  # achievements split out of one bullet at "; also", at most


def also_items(text: str) -> list[str]:
    """'Moved 40 services to the new layer; also retired 3 contracts, saving £2m a year': two
    achievements in one bullet, split where "; also" opens a clause that acts (at most
    MAX_ALSO_ITEMS items); the first keeps a lead-in label. One item otherwise."""
    out: list[str] = []
    rest = text
    while len(out) < MAX_ALSO_ITEMS - 1 and (m := _ALSO.search(rest)) is not None:
        first, second = rest[: m.start()].strip(), rest[m.end() :].strip()
        if (
            len(first.split()) < MIN_ALSO_WORDS
            or len(second.split()) < MIN_ALSO_WORDS
            or not acts(second.split(";", 1)[0])
        ):
            break
        out.append(first)
        rest = second
    return [*out, rest] if out else [text]


_SITUATION_LABELS = ("situation", "context", "background")


def situated(items: list[str]) -> tuple[list[str], dict[str, str]]:
    """A "Situation: ..." (or "Context:", "Background:") line directly above an unlabelled
    achievement line is that line's situation, not a line of its own (a challenge / action /
    result table's row, `expand_tables`, reads so). Returns (the other lines, situation by
    line)."""
    out: list[str] = []
    found: dict[str, str] = {}
    for i, item in enumerate(items):
        label = _star_label(item)
        nxt = items[i + 1] if i + 1 < len(items) else ""
        if label and label[0] in _SITUATION_LABELS and nxt and _star_label(nxt) is None:
            found[nxt] = label[1]
            continue
        out.append(item)
    return out, found


def _finish(
    drafts: Iterable[_Draft],
    *,
    source: str,
    fmt: str,
    pages: int,
    text: str,
    name: str,
    headline: str,
    summary: str,
) -> WorkHistory:
    entries: list[Entry] = []
    n = 0
    drafts = list(drafts)
    # a résumé written in the third person ("Maya led...; she cut..."): its person's clauses
    who = actors(name, [t for d in drafts for t in (*d.bullets, *d.description)])
    for d in drafts:
        items, at_stake = situated([normalise(b) for b in d.bullets if normalise(b)])
        lines, context, done = split_results(items)
        texts = [x for t, told in star_items(lines) for x in ([t] if told else also_items(t))]
        paragraphs, more, done_too = split_results(prose_items(d.description))
        context += more
        done.update(done_too)
        description = normalise(" ".join(paragraphs))
        prose = [
            c
            for item, told in star_items(paragraphs)
            for s in ([item] if told else sentences(item))
            for c in ([s] if told else clause_items(s, who))
        ]
        if not texts and description:
            # a job told in lines without bullet marks (a word-processor export) or in prose
            texts = [s for s in prose if len(s.split()) >= 4]
            description = ""
        elif description:
            # prose next to bullets: its achievement sentences are achievements too
            # (a scope line such as "Owned the platform used by 40 clinics" stays description)
            found = [x for x in prose if (k := classify(x)).achievement and k.change]
            if found:
                texts = found + texts
                description = " ".join(x for x in prose if x not in found)
        texts = [normalise(b) for b in d.listed if normalise(b)] + texts
        # the context of a job told in labelled paragraphs opens its description
        description = normalise(" ".join([*context, description]))
        if not texts and not d.title:
            continue
        idx = len(entries)
        bullets = []
        for t in texts:
            n += 1
            # a clause of a results sentence (`clause_items`) keeps that sentence's actions
            led = done.get(t) or next((a for r, a in done.items() if t in r), "")
            led = " ".join(own_voice(x, who) for x in sentences(led))
            bullets.append(
                Bullet(id=f"b{n}", text=t, entry=idx, actions=led, situation=at_stake.get(t, ""))
            )
        entries.append(
            Entry(
                title=_clean(d.title),
                company=_clean(d.company),
                start=d.start,
                end=d.end,
                kind=d.kind,
                description=description,
                bullets=tuple(bullets),
                apart=d.apart,
            )
        )
    return WorkHistory(
        source=source,
        fmt=fmt,
        entries=tuple(entries),
        name=name,
        headline=headline,
        summary=normalise(summary),
        text=text,
        pages=pages,
    )


# --- JSON Resume -----------------------------------------------------------------------------

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _json_date(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        return ""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", value.strip())
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"
    return value.strip()


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def from_json_resume(doc: Mapping[str, Any], *, source: str) -> WorkHistory:
    basics = doc.get("basics") if isinstance(doc.get("basics"), dict) else {}
    assert isinstance(basics, dict)
    drafts: list[_Draft] = []
    lines: list[str] = []
    sections: tuple[tuple[str, EntryKind], ...] = (
        ("work", "role"),
        ("volunteer", "role"),
        ("projects", "project"),
    )
    for key, kind in sections:
        items = doc.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if not isinstance(item, dict):
                continue
            title = item.get("position") or (item.get("name") if kind == "project" else "")
            company = item.get("name") if kind == "role" else item.get("entity", "")
            company = company or item.get("company") or item.get("organization") or ""
            d = _Draft(
                title=str(title or ""),
                company=str(company or ""),
                start=_json_date(item.get("startDate")),
                end=_json_date(item.get("endDate")) or ("Present" if item.get("startDate") else ""),
                kind=kind,
                description=_strings(item.get("summary")) + _strings(item.get("description")),
                bullets=_strings(item.get("highlights")),
            )
            drafts.append(d)
            lines += [d.title, d.company, d.start, d.end, *d.description, *d.bullets]
    summary = str(basics.get("summary") or "")
    name = str(basics.get("name") or "")
    label = str(basics.get("label") or "")
    text = "\n".join([name, label, summary, *lines])
    history = _finish(
        drafts,
        source=source,
        fmt="json-resume",
        pages=0,
        text=text,
        name=name,
        headline=label,
        summary=summary,
    )
    return replace(history, text=text)
