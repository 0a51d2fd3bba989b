# achievements.py at commit 0e815c0: the rules before they were fixed against
# benchmarks/resumes-dev. Kept as it was for training/train_achievements.py (do not edit).
"""Which résumé lines are achievements, which are duties, and the quantities they carry. Pure.

An achievement is a line where the candidate did something (an action verb in the position a
dropped "I" leaves: "Ran the replacement...", "Persuaded the CTO...", "Leading the...") and
either something changed because of it (a result verb, a number that moved, a comparison with a
budget or a baseline, someone persuaded to act) or the work is sized by a concrete number. The
test is grammatical, not a list of "strong verbs": any past-tense verb in opening position
counts, whatever it is.

A duty is a line that describes a remit ("Responsible for...", "Managed the weekly status
meeting") with nothing that changed and nothing sized: it is reported as a bullet to
strengthen, not drafted as a story.

`quantities` reads the numbers of a text with their units ("7 engineers", "from 1.4 s to
620 ms", "0.03%"), never a bare digit cut from a word ("p99").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# English irregular past tenses (grammar, not a list of achievement verbs).
_IRREGULAR_PAST_WORDS = """
    ran led built drove won made set wrote took grew brought sold bought began began became
    cut put kept held found gave got went saw told thought taught caught fought sought stood
    understood spoke broke chose rose fell shook undertook oversaw overcame withstood
    rebuilt rewrote reran overhauled redid did undid upheld withheld spun span hit split shut
    spent sent lent meant felt dealt drew flew grew knew threw blew forgave forgot froze
    hid laid paid said shed sped struck swept swung tore wore wove won wound bound ground
    mislead misled outgrew outran outsold overtook overrode rode rang sang sank shone shot
    slid slit stuck stung strove swore bore beat bent bet bid bit bled bred burnt dug fed
    fled flung forbade forecast foresaw hung hurt let lit lost sat slept stole upset woke
    won rethought reset recast reshaped
"""
_IRREGULAR_PAST = frozenset(_IRREGULAR_PAST_WORDS.split())
_NOT_ACTION_WORDS = """
    experienced seasoned skilled talented dedicated motivated accomplished detail-oriented
    results-driven certified qualified interested based located focused passionate
    proven licensed registered required preferred selected
"""
_NOT_ACTIONS = frozenset(_NOT_ACTION_WORDS.split())
DUTY_OPENER = re.compile(
    r"^(?:responsible for|responsibilities|responsibility|helped|helping|assisted|assisting|"
    r"worked on|working on|involved in|participated|participating|tasked with|duties|"
    r"in charge of|supported|supporting|contributed to|contributing to|part of|member of|"
    r"point of contact|attended|attending|exposure to|familiar with)\b",
    re.IGNORECASE,
)
_DETERMINER = re.compile(
    r"^(?:the|a|an|our|my|its|their|all|every|each|two|three|four|five|six|seven|eight|nine|"
    r"ten|twelve|twenty|dozens|hundreds|end-to-end|company-wide|org-wide|"
    r"new|weekly|quarterly|monthly|daily|annual)\b|^(?:\d|[$£€]|cross-|multi-)",
    re.IGNORECASE,
)
_ADVERB = re.compile(
    r"^(?:successfully|personally|jointly|independently|single-handedly|"
    r"quickly|proactively|also|then|and)$",
    re.IGNORECASE,
)
_NUMBER = (
    r"(?:[$£€]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|x\b|k\b|m\b|bn\b|b\b|M\b|K\b))?|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|hundred|a dozen|dozens|hundreds|thousands)\b"
)
# something changed: result verbs, a number that moved, a comparison with a baseline or budget
CHANGE = re.compile(
    r"\b(?:cut|cutting|reduc\w*|increas\w*|improv\w*|sav(?:e|ed|es|ing)|grew|grow\w*|rais\w*|"
    r"lift\w*|boost\w*|doubl\w*|halv\w*|tripl\w*|dropp\w*|fell|rose|went live|launch\w*|"
    r"ship\w*|on time|ahead of|avoid\w*|prevent\w*|eliminat\w*|recover\w*|restor\w*|"
    r"retir\w*|accelerat\w*|shorten\w*|result\w* in|leading to|enabl\w*|unblock\w*|"
    r"achiev\w*|won|landed|beat|passed|removed|freed|lowered|shrank|stayed|"
    r"no (?:incidents?|outages?|downtime|data loss|customer impact)|zero \w+|"
    r"versus|vs\.?|compared (?:to|with)|against (?:a|the|our)|within (?:budget|the budget)|"
    r"under budget|below|above|down from|up from|from \S+(?: \S+){0,3} to \S+|"
    r"(?:by|to) (?:half|a third|a quarter)|adopted|approved|agreed|paused|stopped|"
    r"cancel\w*|replaced|consolidated|decommission\w*|migrated|deliver(?:ed|ing)|complet\w+|"
    r"instead|rather than|reversed|turned around|rescued|clos(?:ed|ing)|peaked|"
    r"went (?:from|down|up)|fewer|less than|more than|faster|slower|cheaper|"
    r"signed|closed|secured|hired|grown|chosen|became|made it|"
    r"now (?:used|runs|the)|still (?:in use|used|runs)|renewed|"
    r"(?:was|were) (?:still |fully )?met|met (?:the|its|our|every|all) \w+|"
    r"kept (?:its|the|their|our|every|all) (?:renewal|contract|customers?|clients?|date|"
    r"deadline|launch date|sla|slas|commitments?))\b",
    re.IGNORECASE,
)
CHANGE_NUMBER = re.compile(
    r"\d[\d,.]*\s?%|\b\d+(?:\.\d+)?x\b|[$£€]\s?\d|\bfrom \S*\d\S*(?: \S+){0,3} to \S*\d|"
    r"\b\d+(?:\.\d+)? ?(?:points?|pts|pp)\b",
    re.IGNORECASE,
)
# "Persuaded the CTO to pause...": someone else acted because of the candidate
_PERSUADED = re.compile(
    r"^\S+\s+(?:the|our|my|a|an|two|three|four|five|\d+)?\s*(?:[\w-]+\s){0,4}?"
    r"(?:[A-Z]{2,4}s?|VPs?|heads?|board|leadership|executives?|directors?|leaders?|"
    r"stakeholders|management|teams?|customers?|partners?|vendors?|clients?)\s+to\s+\w+",
)
SCALE_NOUNS = re.compile(
    r"\b(?:teams?|squads?|engineers?|developers?|people|staff|contractors?|vendors?|"
    r"departments?|time zones?|countries|regions|offices|stakeholders|services?|"
    r"microservices|apis?|systems?|applications?|apps|users?|customers?|clients?|"
    r"subscriptions?|subscribers?|accounts?|merchants?|members?|partners?|stores?|sites?|"
    r"markets?|products?|releases?|projects?|programs?|programmes?|workstreams?|countries|"
    r"languages?|records|rows|transactions?|orders|requests|tb|gb|pb|databases?|servers?|"
    r"clusters?|pipelines?|repos(?:itories)?|weeks?|months?|quarters?|years?|days?|"
    r"sprints?|budget|million|billion)\b",
    re.IGNORECASE,
)
_STOP_TAIL_WORDS = """
    of in across to from for with and or on at by per over under versus vs a an the into
    while within than that which who after before during using via through as is was were
    are be been but so if
"""
_STOP_TAIL = frozenset(_STOP_TAIL_WORDS.split())
_UNIT_WORDS = "ms s sec secs min mins h hrs hours tb gb pb mb kb rps qps tps fte ftes pts pp bps"
_UNITS = frozenset(_UNIT_WORDS.split())
_WORDNUM_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty "
    "thirty forty fifty hundred dozen dozens hundreds thousands"
)
_WORDNUM = frozenset(_WORDNUM_WORDS.split())


@dataclass(frozen=True)
class LineKind:
    kind: str  # "achievement", "duty" or "other"
    action: bool  # opens with something the candidate did
    change: bool  # reports something that changed
    sized: bool  # a concrete number sizes the work
    why: str

    @property
    def achievement(self) -> bool:
        return self.kind == "achievement"


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*%?|[$£€]\S+", text)


def opens_with_action(text: str) -> bool:
    """True when the line opens with a verb in the position a dropped 'I' leaves."""
    words = _words(text)
    if not words:
        return False
    if words[0].lower() in ("i", "we") and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and _ADVERB.match(words[0]):
        words = words[1:]
    first = words[0]
    low = first.lower()
    if DUTY_OPENER.match(" ".join(words[:3])) or low in _NOT_ACTIONS:
        return False
    if not first[:1].isalpha():
        return False
    rest = " ".join(words[1:3])
    if low in _IRREGULAR_PAST:
        return True
    if re.fullmatch(r"(?:co-|re-|over|out|up)?[a-z-]{2,}(?:ed|ied)", low) and len(low) > 4:
        # "Seasoned TPM with..." is an adjective: a past verb is followed by an object
        return not re.match(
            r"^(?:program|product|project|technical|engineering|manager|"
            r"professional|leader)\b",
            rest,
            re.IGNORECASE,
        )
    # present tense or gerund: "Lead the...", "Drives 3...", "Leading the..."
    return bool(
        re.fullmatch(r"[a-z-]{3,}(?:s|ing)?", low)
        and rest
        and _DETERMINER.match(rest)
        and low not in _STOP_TAIL
    )


def sized(text: str) -> bool:
    """A number with a unit sizes the work ("14 releasable increments", "220 radio sites")."""
    return any(re.search(r"[A-Za-z%$£€]", q) for q in quantities(text))


# Verbs that report keeping something going rather than making it happen: with a size but no
# result ("Tracked delivery across 220 sites"), such a line is a duty to strengthen.
_UPKEEP = re.compile(
    r"^(?:i\s+|we\s+)?(?:tracked|track|tracking|documented|document|documenting|wrote|"
    r"write|writing|maintained|maintain|maintaining|monitored|monitor|monitoring|attended|"
    r"prepared|prepare|updated|update|updating|organi[sz]ed|facilitated|"
    r"facilitate|administered|"
    r"compiled|recorded|reported|reporting|scheduled|processed|answered|followed)\b",
    re.IGNORECASE,
)


# Recurring ceremonies and paperwork: "Ran sprint planning for two teams" is a remit, however
# many teams it names, until it says what changed.
_ROUTINE = re.compile(
    r"^(?:i\s+|we\s+)?\S+\s+(?:the\s+|our\s+|all\s+|their\s+)?"
    r"(?:(?:weekly|daily|monthly|quarterly|fortnightly|regular|recurring|team|program|"
    r"programme|project)\s+)?"
    r"(?:sprint planning|backlog refinement|refinement|grooming|stand-?ups?|retrospectives?|"
    r"retros|ceremonies|status (?:reports?|meetings?|updates?)|steering (?:meetings?|"
    r"committees?)|meetings?|invoices?|timesheets?|minutes|budgets?|reporting)\b",
    re.IGNORECASE,
)


def classify(text: str, lang: str = "en") -> LineKind:
    """Achievement, duty or other (a heading, a skills list, a fragment). For a line in
    another language the grammar is not known: a line of five words or more that carries a
    number with a unit or a change (%, from-to, money) counts as an achievement."""
    t = text.strip()
    if lang != "en":
        n_words = len(re.findall(r"[^\W\d_]+", t))
        numbers = bool(CHANGE_NUMBER.search(t) or sized(t) or re.search(r"\d", t))
        kind = "achievement" if n_words >= 5 and numbers else "duty" if n_words >= 5 else "other"
        return LineKind(
            kind,
            False,
            bool(CHANGE_NUMBER.search(t)),
            numbers,
            "a line with numbers (not English: read by its numbers only)",
        )
    words = _words(t)
    action = opens_with_action(t)
    change = bool(CHANGE.search(t) or CHANGE_NUMBER.search(t) or _PERSUADED.match(t))
    size = sized(t)
    if len(words) < 4:
        return LineKind("other", action, change, size, "too short to be an achievement")
    duty = bool(DUTY_OPENER.match(t))
    if duty and not (change and CHANGE_NUMBER.search(t)):
        return LineKind(
            "duty",
            action,
            change,
            size,
            "describes a remit, not something you did and what changed",
        )
    if action and (change or (size and not _UPKEEP.match(t) and not _ROUTINE.match(t))):
        return LineKind(
            "achievement",
            action,
            change,
            size,
            "an action with a result" if change else "an action sized by numbers",
        )
    if not action and CHANGE_NUMBER.search(t) and change and len(words) >= 5:
        return LineKind("achievement", action, change, size, "a result with a number")
    if action:
        return LineKind(
            "duty", action, change, size, "says what you did but not what changed or how big it was"
        )
    if (
        len(words) >= 6
        and re.search(r"\b(?:i|we)\s+\w+(?:ed|t)\b", t, re.IGNORECASE)
        and (change or size)
    ):
        return LineKind("achievement", True, change, size, "a sentence about your work")
    return LineKind(
        "duty" if len(words) >= 5 else "other", action, change, size, "no action and no result"
    )


# --- quantities -------------------------------------------------------------------------------

_QTY = re.compile(
    rf"(?<![\w.])(?:from\s+(?P<a>{_NUMBER})(?:\s?[a-zA-Z]{{1,4}}\b)?\s+to\s+(?P<b>{_NUMBER})|"
    rf"(?P<n>{_NUMBER}))",
    re.IGNORECASE,
)


def quantities(text: str) -> list[str]:
    """Numbers with their units, in order: '140 microservices', '8 engineering teams',
    'from 1.4 s to 620 ms', '0.03%', '$1.2M'. Years and bare digits glued to words are skipped."""
    out: list[str] = []
    for m in _QTY.finditer(text):
        end = m.end()
        core = m.group(0)
        if m.group("n") is not None:
            raw = m.group("n")
            if re.fullmatch(r"(?:19|20)\d\d", raw):
                continue  # a year
            if raw.lower() in _WORDNUM | {"a dozen"} and not re.match(r"\s+[a-z]", text[end:]):
                continue
        if text[end : end + 1].isalpha() and not core[-1:].isalpha():
            # glued unit: "1.2M", "620ms", "3x" are caught by _NUMBER; "p99" by the lookbehind
            tail = re.match(r"[A-Za-z]+", text[end:])
            if tail and tail.group(0).lower() in _UNITS:
                core += tail.group(0)
                end += len(tail.group(0))
            else:
                continue
        core, end = _with_unit(text, core, end)
        out.append(core.strip())
    return list(dict.fromkeys(q for q in out if q))


def _with_unit(text: str, core: str, end: int) -> tuple[str, int]:
    """Add the unit after a number: up to three words, ending at the first plural noun."""
    if core.endswith("%"):
        return core, end
    rest = text[end:]
    taken: list[str] = []
    pos = 0
    for m in re.finditer(r"\s+([A-Za-z][A-Za-z-]*)", rest):
        if m.start() != pos:
            break
        word = m.group(1)
        low = word.lower()
        if low in _STOP_TAIL or (
            word[:1].isupper() and not taken and low not in _UNITS and not word.isupper()
        ):
            break
        taken.append(word)
        pos = m.end()
        if low in _UNITS or low.endswith("s") or len(taken) == 3:
            break
    if taken:
        # drop trailing words that are not part of a unit ("3 time zones" keeps all three)
        return core + rest[:pos], end + pos
    return core, end


def scale_of(text: str) -> list[str]:
    """The quantities that size the work (teams, users, services, duration, money)."""
    return [
        q
        for q in quantities(text)
        if not CHANGE_NUMBER.fullmatch(q.strip()) and not q.lower().startswith("from ")
    ]


# --- language ---------------------------------------------------------------------------------

_STOPWORDS = {
    "en": "the and of to in for with on at by from was were is are our we i my as an a that",
    "de": "der die das und für mit von zu im den dem ein eine ist wir ich auf bei als des "
    "aus sowie",
    "fr": "le la les et des du pour avec dans en un une est sur par au aux nous je de ses",
    "es": "el la los las y de para con en un una es por del al nos que se como",
    "nl": "de het en van voor met een op in is bij naar wij ik als aan",
    "it": "il la le e di per con in un una è del della dei che al nel",
    "pt": "o a os as e de para com em um uma é do da dos no na que",
}
_STOPSETS = {k: frozenset(v.split()) for k, v in _STOPWORDS.items()}
LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "nl": "Dutch",
    "it": "Italian",
    "pt": "Portuguese",
}


def language_of(text: str) -> str:
    """The language of a text by its function words ("en" when unsure)."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    if len(words) < 20:
        return "en"
    counts = {k: sum(1 for w in words if w in s) for k, s in _STOPSETS.items()}
    best = max(counts, key=lambda k: counts[k])
    if best != "en" and counts[best] > 1.5 * counts["en"] and counts[best] >= 5:
        return best
    return "en"
