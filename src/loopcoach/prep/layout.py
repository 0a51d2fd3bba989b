"""How a résumé's lines are laid out: bullet markers, lead-in labels, section headings. Pure.

The reader (`history.from_text`) asks this module what a line is before it decides what the line
says: which characters open a bullet ("o ", "> " and "+ " too when the résumé uses them for a
list), which label opens a bullet ("Ledger migration: moved the ledger..."), which short line is a
section heading that is not in the list of known names ("CERTIFICATIONS & BOARDS").
"""

from __future__ import annotations

import re
from collections import Counter

# Symbols that open a list item wherever they stand: dashes and dots, arrows, boxes, ticks, and
# the private-use characters a symbol font leaves in PDF and DOCX text (Wingdings bullets).
BULLET_SYMBOLS = "-*•●▪◦‣·–—\u2023\u2043»›→⇒➢➤►▸▹▶◆◇◈■□▫☐✓✔✗❖★☆⁃∙⦁⚬○◘\uf000-\uf0ff"
BULLET = re.compile(rf"^(?P<indent>\s*)(?:[{BULLET_SYMBOLS}]|\d{{1,2}}[.)])\s+")

# Markers that also open ordinary lines (a Portuguese "o", a quoted line, "+44 ..."): a bullet
# only in a résumé that opens at least MIN_MARKER_LINES lines with the same one.
_AMBIGUOUS = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>o|>{1,2}|\+|~|=>|->)[ \t]+(?=\S)")
MIN_MARKER_LINES = 2


def normalise_markers(lines: list[str]) -> list[str]:
    """Lines opened by a marker the résumé uses for its lists get a '- ' bullet instead."""
    counts = Counter(m.group("marker") for ln in lines if (m := _AMBIGUOUS.match(ln)))
    used = {marker for marker, n in counts.items() if n >= MIN_MARKER_LINES}
    if not used:
        return lines
    out = []
    for line in lines:
        m = _AMBIGUOUS.match(line)
        if m and m.group("marker") in used:
            line = m.group("indent") + "- " + line[m.end() :]
        out.append(line)
    return out


# --- legal forms -------------------------------------------------------------------------------

# How a company's name ends when it gives its legal form ("Kontura s.r.o.", "Alpenwerk GmbH",
# "Koala Systems Pty. Ltd.", "Banco Andino S.A."): a line that ends with one names an employer, so
# its final full stop ends no sentence and the line is no section heading ("PROFILE SOFTWARE
# S.A." is a company, not a "Profile" section). Dots and spaces between the letters are optional
# and the case is free, except for short forms that are also words ("AS", "SE", "AB"), which
# count only in capitals (or with their dots: "a.s.").
LEGAL_FORMS_ANY_CASE = (
    "s.r.o.",
    "spol. s r.o.",
    "sp. z o.o.",
    "a.s.",
    "s.p.a.",
    "s.a.",
    "s.a.s.",
    "s.l.",
    "s.r.l.",
    "s.a.r.l.",
    "s.a. de c.v.",
    "b.v.",
    "n.v.",
    "k.k.",
    "e.v.",
    "ltda",
    "gmbh",
    "gmbh & co. kg",
    "ag & co. kg",
    "ltd",
    "inc",
    "llc",
    "llp",
    "plc",
    "corp",
    "pty",
    "pty ltd",
    "pvt ltd",
    "private limited",
    "sdn bhd",
    "bhd",
    "sarl",
    "srl",
    "oyj",
)
LEGAL_FORMS_CASED = (
    *("AG", "AB", "KG", "SA", "SE", "NV", "BV", "AS", "A/S", "ApS", "ASA", "KK", "Oy"),
    *("SpA", "SPA"),
    *("Limited", "LIMITED", "Incorporated", "INCORPORATED"),
)


def _form(form: str) -> str:
    """'s.r.o.' -> the letters with their dots (a space may follow one), the last dot optional;
    the words of 'pty ltd' with or without dots after them ('Pty. Ltd.', 'PTY LTD')."""
    words = [r"\.\s?".join(re.escape(p) for p in w.strip(".").split(".")) for w in form.split()]
    return r"\.?\s+".join(words) + r"\.?"


def _forms(forms: tuple[str, ...]) -> str:
    return "|".join(_form(f) for f in sorted(forms, key=len, reverse=True))


_LEGAL_END = re.compile(
    rf"(?<![^\s,])(?:(?i:{_forms(LEGAL_FORMS_ANY_CASE)})|(?:{_forms(LEGAL_FORMS_CASED)}))"
    r"[\s*_]*$"
)
MAX_LEGAL_LINE = 200  # characters at the end of a line looked at for a legal form


def legal_form_end(text: str) -> str:
    """The legal form that ends `text` ("Kontura s.r.o." -> "s.r.o."), or '' (also for a
    form alone: "Inc." names nobody)."""
    text = text.rstrip()
    m = _LEGAL_END.search(text[-MAX_LEGAL_LINE:])
    if m is None or not text[: len(text) - len(m.group(0))].strip(" ,*_"):
        return ""
    return m.group(0).strip(" *_")


# --- lead-in labels ----------------------------------------------------------------------------

MAX_LEAD_WORDS = 5  # "Ledger re-platforming:" is a label; a longer opening is a clause
MAX_LEAD_CHARS = 60
# a full stop inside a label only ends an abbreviation ("Build vs. buy:")
_LEAD = re.compile(
    rf"^(?P<label>[^\W_](?:[^:;,.!?()\[\]{{}}|]|\.(?= ?[a-z])){{0,{MAX_LEAD_CHARS}}}?)\s*:\s+"
    r"(?P<rest>[^\W\d_].*)$",
    re.S,
)
# a label that itself holds a result ("Churn down 18%:") is part of the line, not a label
_RESULT_IN_LABEL = re.compile(r"[%$£€¥₹₦→]|\d\s*x\b|\bfrom\b.*\bto\b", re.IGNORECASE)


# a determiner or a pronoun makes the opening a clause ("Led the migration: moved 40 services")
_CLAUSE_WORDS_TEXT = "the a an our my i we their its his her this that these those"
_CLAUSE_WORDS = frozenset(_CLAUSE_WORDS_TEXT.split())


def is_label(text: str) -> bool:
    """A short topic name: at most MAX_LEAD_WORDS words, no result of its own, no determiner."""
    words = text.split()
    return (
        0 < len(words) <= MAX_LEAD_WORDS
        and not _RESULT_IN_LABEL.search(text)
        and not _CLAUSE_WORDS & {w.lower() for w in words}
    )


def split_lead_in(text: str) -> tuple[str, str]:
    """'Ledger re-platforming: moved the core ledger...' -> ('Ledger re-platforming', 'Moved
    the core ledger...'). A line without such a label is ('', line). The rest must open with a
    word (a value such as 'Scope: 6 teams' stays one line) and be a clause of its own."""
    m = _LEAD.match(text.strip())
    if not m:
        return "", text
    label, rest = m.group("label").strip(), m.group("rest").strip()
    if not is_label(label) or len(rest.split()) < 3:
        return "", text
    return label, rest[:1].upper() + rest[1:]


# --- section headings not in the list of known names --------------------------------------------

# A word that names a section, wherever it stands in a heading ("CERTIFICATIONS & BOARDS",
# "Professional Experience and Leadership").
SECTION_WORDS: dict[str, str] = {
    "experience": "history",
    "employment": "history",
    "achievements": "highlights",
    "accomplishments": "highlights",
    "projects": "projects",
    "summary": "summary",
    "profile": "summary",
    "education": "other",
    "skills": "other",
    "certifications": "other",
    "certificates": "other",
    "qualifications": "other",
    "languages": "other",
    "interests": "other",
    "awards": "other",
    "publications": "other",
    "volunteering": "other",
    "training": "other",
    "courses": "other",
    "references": "other",
    "hobbies": "other",
    "memberships": "other",
    "affiliations": "other",
    "patents": "other",
    "speaking": "other",
}
MAX_HEADING_WORDS = 5
_HEADING_NOISE = re.compile(r"[—–|@\d]|\s-\s|\bat\b", re.IGNORECASE)


def heading_section(line: str, title_words: re.Pattern[str]) -> str | None:
    """The section a heading-like line names by one of SECTION_WORDS: a '#' heading, an ALL-CAPS
    line or a label ending in ':', of at most MAX_HEADING_WORDS words, with no dates or
    separators. A line with a job title's word ("Experience Platform Lead") is a heading only
    when the section word ends it ("PROJECT EXPERIENCE")."""
    s = line.strip()
    marked = s.startswith("#")
    body = s.lstrip("# ").strip()
    letters = [c for c in body if c.isalpha()]
    caps = bool(letters) and all(c.isupper() for c in letters) and len(letters) >= 4
    if not (marked or caps or body.endswith(":")) or _HEADING_NOISE.search(body):
        return None
    if legal_form_end(body.rstrip(":")):  # "PROFILE SOFTWARE S.A.": an employer
        return None
    words = re.findall(r"[^\W\d_]+", body.lower())
    if not words or len(words) > MAX_HEADING_WORDS:
        return None
    found = [w for w in words if w in SECTION_WORDS]
    if not found:
        return None
    if title_words.search(body) and words[-1] not in SECTION_WORDS:
        return None
    kinds = [SECTION_WORDS[w] for w in found]
    if "highlights" in kinds and all(k in ("highlights", "other") for k in kinds):
        # "Key Skills and Achievements": a section that lists achievements holds them,
        # whatever else it names (a functional résumé groups them under skill headings)
        return "highlights"
    return kinds[0]
