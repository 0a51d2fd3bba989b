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
from collections.abc import Sequence
from dataclasses import dataclass

from loopcoach.domain.kinds import LineKindName
from loopcoach.prep.layout import split_lead_in

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
    r"achiev\w*|won|landed|beat|passed|pass(?:ing)? (?:its|the|their|our|both|all|every|an?)|"
    r"remov(?:ed|ing)|freed|lowered|shrank|stayed|"
    r"no (?:incidents?|outages?|downtime|data loss|customer impact)|zero \w+|"
    r"(?:no|without (?:a|any)) (?:missed|failed|lost|dropped|unplanned|late|broken|"
    r"rolled-back|p1|sev-?1) \w+|"
    r"versus|vs\.?|compared (?:to|with)|within (?:budget|the budget)|"
    # a comparison with a baseline or a budget, not what work was checked against
    r"against (?:a|an|the|our|its) (?:[\w-]+ ){0,2}?(?:budget|target|baseline|goal|plan|"
    r"forecast|sla|slo|benchmark|estimate|deadline|timeline|\S*\d)|"
    r"under budget|below|above|down from|up from|from \S+(?: \S+){0,3} to \S+|"
    r"(?:by|to) (?:half|a third|a quarter)|adopted|approved|(?<!-)agreed|paused|stopped|"
    r"cancel\w*|replaced|consolidated|decommission\w*|migrated|deliver(?:ed|ing)|complet\w+|"
    r"instead|rather than|reversed|turned around|rescued|clos(?:ed|ing)|peaked|"
    r"went (?:from|down|up)|fewer|less than|more than|faster|slower|cheaper|"
    r"signed|closed|secured|hired|grown|chosen|became|made it|"
    r"now (?:used|runs|the)|still (?:in use|used|runs)|renewed|"
    r"(?:was|were) (?:still |fully )?met|still met|met (?:the|its|our|every|all) \w+|"
    r"kept (?:its|the|their|our|every|all) (?:renewal|contract|customers?|clients?|date|"
    r"deadline|launch date|sla|slas|commitments?)|"
    # a decision that changed the course, and nothing of a kind happening since
    r"said no|turned down|pushed back|talked \w+ out of|"
    # a measure that moved ("mis-loads down by half", "pick rate up 20%"), work done early
    r"(?:down|up) (?:by )?(?:\d|half|a third|a quarter)|down to \d[\d,.]*|"
    r"(?:\d+|two|three|four|five|six) (?:days?|weeks?|months?|sprints?|quarters?) "
    r"(?:early|ahead)|"
    r"(?:no|zero)(?: [\w-]+){1,3} since|"
    # a date kept ("go-live happened on the planned date"), and a state that holds since the
    # work ("the exec team now uses it", "acceptance criteria now carry the controls")
    r"on (?:the )?(?:planned|agreed|committed|original|target|promised) (?:date|day)|"
    r"on schedule|now (?:[a-z]{3,}(?<!s)s|carry|use|rely|follow|run|own))\b",
    re.IGNORECASE,
)
CHANGE_NUMBER = re.compile(
    r"\d[\d,.]*\s?%|\b\d+(?:\.\d+)?x\b|[$£€]\s?\d|\bfrom \S*\d\S*(?: \S+){0,3} to \S*\d|"
    r"\b\d+(?:\.\d+)? ?(?:points?|pts|pp)\b|"
    # a number that moved, with an arrow ("3 days → 4 hours", "420 → 110 open tickets") or
    # as what something of that many was brought to ("the backlog of 340 items to 85")
    r"\d[\d,.]*\s?%?(?: [^\s\d→]+){0,3} ?(?:→|->|⇒) ?[$£€]?\d|"
    # (not "a pool of 3 engineers to 2 squads": the second number counts other things)
    r"\bof \d[\d,.]*%? (?P<unit>[a-z][\w-]*)(?: [a-z][\w-]*)? (?:down |up )?to \d[\d,.]*"
    r"(?! (?!(?P=unit)\b)[a-z]+s\b)",
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
    kind: LineKindName
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
    if re.fullmatch(r"(?:co-|re-|over|out|up)?[a-z-]{2,}(?:ed|ied)", low) and (
        len(low) > 4 or (len(low) == 4 and not low.endswith("eed"))  # "used", not "need"
    ):
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


_NOUN_ENDING = re.compile(r"(?:tion|sion|ment|ness|ity|ship|ance|ence|er|or|ist|ism|ing|s)$")


def opens_with_verb(text: str) -> bool:
    """True when the line's first word (after an adverb) reads as a verb with its doer dropped,
    so "I" can go before it: an action opener, a past tense ("Defined product KPIs...",
    "Wrongly prioritised...", "Helped..."), an irregular verb form ("Run sprint planning"), or
    a base form before a preposition and its object ("Work with the Head of Product"). Looser
    than `opens_with_action` (which decides what counts as an achievement); for wording only."""
    if opens_with_action(text):
        return True
    words = _words(text)
    while len(words) > 1 and (_ADVERB.match(words[0]) or words[0].lower().endswith("ly")):
        words = words[1:]
    if not words or not words[0][:1].isalpha():
        return False
    low = words[0].lower()
    rest = " ".join(words[1:3]).lower()
    if low in _NOT_ACTIONS:
        return False
    if low in _IRREGULAR_PAST or low in _IRREGULAR_PARTICIPLE:
        return not re.match(r"(?:for|as|by|to)\b", rest)
    if re.fullmatch(r"[a-z-]{2,}(?:ed|ied)", low) and not low.endswith("eed"):
        return True
    return bool(
        re.fullmatch(r"[a-z]{2,}", low)
        and not _NOUN_ENDING.search(low)
        and re.match(r"(?:with|on|across|alongside)\s+(?:the|a|an|our|my|its|their|\d)\b", rest)
    )


# A line that sets the scene before saying what was done: "After the 2023 outage (9 hours),
# facilitated the review...", "Vendor and platform teams were split on X; I ran a spike...".
_CIRCUMSTANCE = re.compile(
    r"^(?:after|when|while|during|following|before|once|as|amid|despite|with|within|in)\b"
    r"[^,;:]{3,160}?,\s+",
    re.IGNORECASE,
)
_I_CLAUSE = re.compile(r"(?:[,;:\u2013\u2014]\s*|\s-\s|\band\s+|\bso\s+)(?=(?:I|we)\s)")


def action_clause(text: str) -> str | None:
    """The part of a line where the candidate acts: the line itself when it opens with an
    action, else the rest after a scene-setting clause, else a later clause that opens with
    "I" or "we" and a verb. None when no clause of the line is the candidate acting."""
    t = text.strip()
    if opens_with_action(t):
        return t
    scene = _CIRCUMSTANCE.match(t)
    if scene and opens_with_action(t[scene.end() :]):
        return t[scene.end() :]
    for m in _I_CLAUSE.finditer(t):
        rest = t[m.end() :]
        if opens_with_action(rest):
            return rest
    return None


_I_DID = re.compile(r"\b(?:I|[Ww]e)\s+\w+(?:ed|t)\b")


def acts(text: str) -> bool:
    """True when a clause is the candidate doing something: it opens with an action (after a
    scene-setting clause, if any) or says "I/we <past verb>" ("when a release failed I
    coordinated the rollback")."""
    return action_clause(text) is not None or bool(_I_DID.search(text))


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
    r"compiled|recorded|reported|reporting|scheduled|processed|answered|followed|"
    r"coordinated|coordinate|coordinating|co-ordinated|co-ordinate|co-ordinating)\b",
    re.IGNORECASE,
)


# Recurring ceremonies and paperwork: "Ran sprint planning for two teams" is a remit, however
# many teams it names, until it says what changed.
_ROUTINE = re.compile(
    r"^(?:i\s+|we\s+)?\S+\s+(?:the\s+|our\s+|all\s+|their\s+)?"
    r"(?:(?:weekly|daily|monthly|quarterly|fortnightly|regular|recurring|team|program|"
    r"programme|project)\s+)?"
    r"(?:sprint planning|backlog refinement|refinement|grooming|stand-?ups?|retrospectives?|"
    r"retros|ceremonies|sprint reviews?|reviews? and demos?|demos?|showcases?|"
    r"status (?:reports?|meetings?|updates?)|steering (?:meetings?|"
    r"committees?)|meetings?|invoices?|timesheets?|minutes|budgets?|reporting)\b|"
    # anything held at a fixed rhythm ("Introduced weekly dependency reviews across 6 teams")
    r"^(?:i\s+|we\s+)?\S+\s+(?:a\s+|an\s+|the\s+|our\s+)?(?:weekly|daily|monthly|"
    r"fortnightly|bi-?weekly|quarterly|recurring|regular)\b",
    re.IGNORECASE,
)


# A standing remit rather than a piece of work: "Own the roadmap and backlog for 2 squads",
# "Led a team of 9", "Coordinated release trains across 4 teams". Sized, it is still a remit
# until it says what changed. (The head noun of the object after the opening verb.)
_REMIT = re.compile(
    r"^(?:i\s+|we\s+)?\S+\s+(?:(?:the|a|an|our|my|their|its|all|two|three|four|several|"
    r"multiple|\d+)\s+)?(?:(?!of\b|for\b|to\b|with\b|in\b|across\b|and\b|from\b)"
    r"[\w/&-]+,?\s+){0,3}?"
    r"(?:team\s+of|teams\s+of|backlogs?|roadmaps?|(?:delivery\s+|release\s+)?plans?|"
    r"release\s+trains?|release\s+calendars?|raid\s+logs?|risk\s+logs?|portfolios?|"
    r"okrs|projects|programmes|programs|budgets?|day-to-day|relationships?\s+with|"
    r"operations|support\s+rota|on-call\s+rota)\b",
    re.IGNORECASE,
)

# Owning something is a remit until it says what changed: "Owned the booking API used by 140
# agencies, with a team of 7" sizes the job; "Owned the PIX integration ... to launch" is done.
_OWNED = re.compile(
    r"^(?:i\s+|we\s+)?(?:own|owns|owned|owning|oversee|oversees|oversaw|overseeing)\b",
    re.IGNORECASE,
)

# Money that sizes a remit ("a $6M annual budget", "budgets up to £1.2M") is scale, not a
# change; so are the figures of a specification in brackets ("(p99 under 2 s, 99.9%)").
_BUDGET_MONEY = re.compile(
    r"(?:budgets?|worth|valued at|portfolio|p&l)\s+(?:of\s+|up\s+to\s+|over\s+|around\s+|"
    r"about\s+)?[$£€]\s?\d[\d,.]*\s?(?:[kmb]n?|million|billion)?\b|"
    r"[$£€]\s?\d[\d,.]*\s?(?:[kmb]n?|million|billion)?\s+(?:annual\s+|yearly\s+|total\s+)?"
    r"(?:budget|portfolio|p&l|programme|program)\b",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"\([^()]*\)")
_MOVED = re.compile(r"→|->|\bfrom\b.*\bto\b|\bvs\.?|\bversus\b", re.IGNORECASE)


def _without_scale(text: str) -> str:
    """The text without what only sizes or specifies the work (budgets, bracketed specs). A
    bracket that ends the line and says what changed ("... (mis-loads down by half)") is the
    line's result and stays; one inside the line ("the (closed-loop) rollout") names things."""
    text = _BUDGET_MONEY.sub(" ", text)

    def keep(m: re.Match[str]) -> str:
        inner = m.group(0)
        trailing = not text[m.end() :].strip(" .;,")
        return inner if _MOVED.search(inner) or (trailing and CHANGE.search(inner)) else " "

    return _BRACKETS.sub(keep, text)


# A line that opens with what was done, the doer dropped: "Legacy billing replaced with X for
# 180k customers", "WSJF scoring introduced for planning". A past participle after the opening
# noun phrase, followed by a preposition, a number or the end of a clause.
_IRREGULAR_PARTICIPLE_WORDS = """
    run written rewritten taken given driven done shown grown chosen begun drawn known thrown
    undertaken overtaken broken spoken woken sold built led set cut put kept held brought made
    won bought sent spent shut split rebuilt redone rerun withdrawn overseen forgiven frozen
    stolen sworn torn worn born shaken mistaken forbidden hidden ridden risen proven
"""
_IRREGULAR_PARTICIPLE = frozenset(_IRREGULAR_PARTICIPLE_WORDS.split())
_AFTER_PARTICIPLE = re.compile(
    r"^(?:to|with|for|by|in|into|across|as|at|on|over|through|after|before|within|under|"
    r"from|via|using|alongside|ahead|early|late|end|live|out|up|down|back|\d)",
    re.IGNORECASE,
)


_AUXILIARY = frozenset({"was", "were", "been", "got"})


def passive_opening(text: str) -> bool:
    """True for "<something> <past participle> <preposition|number>..." in the first words."""
    words = re.findall(r"[^\s]+", text)[:16]
    for i in range(1, len(words) - 1):
        prev, word, nxt = words[i - 1], words[i].lower(), words[i + 1]
        # "Migration of 9 sites ... was finished with...": the auxiliary after a noun phrase
        aux = (
            i >= 2
            and prev.lower() in _AUXILIARY
            and words[i - 2].lower().strip(",") not in _STOP_TAIL
            and not words[i - 2].endswith((",", ";", ":"))
        )
        if not aux and (prev.lower().strip(",") in _STOP_TAIL or prev.endswith((";", ":"))):
            continue
        if word.endswith((",", ";")):
            word = word[:-1]
            nxt = "," if i + 1 < len(words) else ""
        participle = word in _IRREGULAR_PARTICIPLE or bool(
            re.fullmatch(r"[a-z][a-z-]{2,}(?:ed|ied)", word)
        )
        if participle and (nxt == "," or _AFTER_PARTICIPLE.match(nxt)):
            return True
    return False


# Other languages: lines that open with a remit ("Verantwortlich für", "Responsable du"), and a
# number that moved ("von 2 Tagen auf 30 Minuten", "de 4 % à 0,5 %") or a result verb
FOREIGN_DUTY = re.compile(
    r"^(?:verantwortlich|zuständig|mitarbeit|unterstützung|teilnahme|betreuung|"
    r"responsable|chargée? d[eu]|en charge|participation|soutien|suivi|"
    r"encargad[oa]|participación|apoyo|verantwoordelijk|responsabile|responsável)\b",
    re.IGNORECASE,
)
FOREIGN_CHANGE = re.compile(
    r"\b(?:von|de|van|da|di)\s+\S*\d\S*(?:\s+\S+){0,3}?\s+(?:auf|à|a|naar|para|al?)\s+\S*\d|"
    r"\b(?:reduziert|gesenkt|gesteigert|erhöht|verbessert|halbiert|verdoppelt|sanken|sank|"
    r"stiegen|stieg|réduit|réduction|baiss\w+|augment\w+|amélior\w+|divisé|doublé|"
    r"reducid[oa]|aument\w+|mejor\w+|verminderd|verhoogd|verbeterd|ridott\w|migliorat\w)\b",
    re.IGNORECASE,
)


def classify(text: str, lang: str = "en") -> LineKind:
    """Achievement, duty or other (a heading, a skills list, a fragment). For a line in
    another language the grammar is not known: a line of five words or more that carries a
    number with a unit or a change (%, from-to, money) counts as an achievement. A topic label
    that opens the line ("Ledger migration: moved...") is not part of its grammar."""
    t = split_lead_in(text.strip())[1]
    if lang != "en":
        n_words = len(re.findall(r"[^\W\d_]+", t))
        numbers = bool(CHANGE_NUMBER.search(t) or sized(t) or re.search(r"\d", t))
        moved = bool(CHANGE_NUMBER.search(t) or FOREIGN_CHANGE.search(t))
        foreign_remit = bool(FOREIGN_DUTY.match(t)) and not moved
        kind: LineKindName = (
            "duty"
            if n_words >= 5 and foreign_remit
            else "achievement"
            if n_words >= 5 and numbers
            else "duty"
            if n_words >= 5
            else "other"
        )
        return LineKind(
            kind,
            False,
            moved,
            numbers,
            "describes a remit (not English: read by its opening word and numbers)"
            if foreign_remit and n_words >= 5
            else "a line with numbers (not English: read by its numbers only)",
        )
    words = _words(t)
    head = action_clause(t)
    action = head is not None
    core = _without_scale(t)
    change = bool(CHANGE.search(core) or CHANGE_NUMBER.search(core) or _PERSUADED.match(t))
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
    h = head or t
    remit = _UPKEEP.match(h) or _ROUTINE.match(h) or _REMIT.match(h) or _OWNED.match(h)
    if action and (change or (size and not remit)):
        return LineKind(
            "achievement",
            action,
            change,
            size,
            "an action with a result" if change else "an action sized by numbers",
        )
    if not action and CHANGE_NUMBER.search(core) and change and len(words) >= 5:
        return LineKind("achievement", action, change, size, "a result with a number")
    scene = _CIRCUMSTANCE.match(t)
    if (
        not action
        and change
        and len(words) >= 6
        and (passive_opening(t) or (scene is not None and passive_opening(t[scene.end() :])))
    ):
        return LineKind("achievement", True, change, size, "work done, then what changed")
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


# --- third-person résumés -----------------------------------------------------------------------

_PRESENT = {"is": "am", "has": "have", "does": "do", "goes": "go"}
MIN_NAMED_CLAUSES = 2  # clauses whose actor is the person, from which a résumé is third-person


def _subject(names: Sequence[str]) -> re.Pattern[str]:
    """The person (by a name, or as 'she'/'he') as the subject of a clause: at the start of the
    text or of a clause, followed by a word in lower case (the verb)."""
    alts = "|".join(re.escape(n) for n in sorted({n for n in names if n}, key=len, reverse=True))
    return re.compile(
        rf"(?P<lead>^|[;:,]\s+|\b(?:and|so|then|but)\s+)(?P<who>{alts})\s+(?P<verb>[a-z][\w'-]*)"
    )


def _first_person_verb(verb: str) -> str:
    """'owns' -> 'own', 'runs' -> 'run', 'is' -> 'am', 'led' -> 'led'."""
    if verb in _PRESENT:
        return _PRESENT[verb]
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if re.search(r"(?:ss|sh|ch|x|z)es$", verb):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith(("ss", "us", "is")) and len(verb) > 3:
        return verb[:-1]
    return verb


def person_names(name: str) -> tuple[str, ...]:
    """How a third-person résumé names its person: 'Maya Patterson', 'Maya', 'Patterson'."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", name) if w[:1].isupper()]
    if not words:
        return ()
    return tuple(dict.fromkeys([" ".join(words), words[0], words[-1]]))


def actors(name: str, texts: Sequence[str]) -> tuple[str, ...]:
    """The words that name the person as the actor of a clause, when the résumé is written in
    the third person ("Maya led...; she cut..."): the person's names, and 'She'/'He', once at
    least MIN_NAMED_CLAUSES clauses have a name of the person as their subject. () otherwise."""
    names = person_names(name)
    if not names:
        return ()
    pattern = _subject(names)
    named = sum(1 for t in texts for m in pattern.finditer(t) if m.group("who") in names)
    if named < MIN_NAMED_CLAUSES:
        return ()
    return (*names, "She", "she", "He", "he")


def own_voice(text: str, who: Sequence[str]) -> str:
    """A clause whose actor is the person (`actors`), in the first person, as a résumé says it:
    'Maya agreed a lane with him' -> 'I agreed a lane with him', 'she owns' -> 'I own'. The text
    unchanged when `who` is empty."""
    if not who:
        return text

    def mine(m: re.Match[str]) -> str:
        return f"{m.group('lead')}I {_first_person_verb(m.group('verb'))}"

    return _subject(who).sub(mine, text)
