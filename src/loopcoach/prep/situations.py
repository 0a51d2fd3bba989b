"""The situations interview questions ask about, found in a question and in a story. Pure.

"A key dependency from another team is delayed" and "When the identity team's SSO work slipped
by a month" share no word and embed far apart, yet a coach sees the same situation: another
team's work running late. This is a small lexicon of the situations behavioural and situational
questions are built on (a delay, a conflict, an incident, an estimate that grew...), each a
pattern over the words people use for it; a story whose situation matches the question's gets a
bonus when matching.
"""

from __future__ import annotations

import re

_SITUATIONS: dict[str, str] = {
    "delay": r"delay\w*|late\b|slip\w*|slipp\w*|behind schedule|overr[au]n\w*|"
    r"missed (?:the |a |our )?(?:date|deadline|milestone|launch)|push(?:ed)? back(?! on)",
    # (an engineering team's plan is the candidate's own team's: not a dependency)
    "dependency": r"dependenc\w*|depend(?:s|ed|ing)? on|blocked|waiting on|another team|"
    r"other teams?\b|upstream|(?!engineering\b)\w+ team's|"
    # another team named by what it does ("with the fraud team", "the Public Works team")
    r"(?:with|from|and|for) the (?!(?:whole|same|wider|core|my|our|scrum|delivery|project|"
    r"product|engineering|dev|development)\b)[\w-]+(?: [\w-]+)? team\b|"
    r"their (?:work|part|api|service|connector|component)|"
    r"team (?:slipped|was late|ran late|missed|delayed|was delayed)",
    # (a clash of bookings or releases is not people at odds: "cut environment clashes")
    "conflict": r"disagree\w*|dispute\w*|conflict\w*|clash(?:ed|es|ing)? (?:with|between|over)|"
    r"argu(?:e|ed|ing|ment)\w*|tension\w*|at odds|could not agree|couldn't agree|mediat\w*|"
    # teams brought to one approach ("Aligned the mobile and API teams on one gateway")
    r"align\w* (?:the )?(?:[\w-]+ ){0,4}(?:teams|squads|leads|architects) on",
    "incident": r"incident\w*|outage\w*|sev-?\d|production (?:issue|bug|fault|flaw)|"
    r"data[- ]loss|firmware (?:bug|fault)|critical (?:bug|fault|defect)",
    "estimate": r"estimat\w*|bigger than|larger than|twice as (?:big|large|long)|"
    r"underestimat\w*|grew mid-sprint",
    # (moving people to a way of working, "Moved 3 teams from waterfall to Scrum", is not one)
    "migration": r"migrat\w*|cut-?over|re-?platform\w*|move (?:of|to) (?:a |the )?new|"
    # a monolith taken apart into services ("Broke up the booking monolith into 9 services")
    r"(?:br[eo]ke?|breaking|split\w*|carv\w*|decompos\w*) (?:up |apart )?(?:the |a |an |our )?"
    r"(?:[\w-]+ ){0,2}monolith|out of (?:the |a |an |our )?(?:[\w-]+ ){0,2}monolith|"
    r"moved (?!(?:\w+ ){0,2}(?:teams?|squads?|people|engineers|staff|developers)\b)"
    r"(?:[\w.,-]+ ){0,4}(?:to|onto|off)\b",
    "scope": r"scope|descop\w*|split the release|phased|mvp|cut features?",
    "bypass": r"bypass\w*|straight to (?:my|the|our|your) (?:engineers|developers|team)|"
    r"directly to (?:my|the|our|your|one of) \w+|side requests?|around the backlog",
    "overcommit": r"over-?commit\w*|velocity|carry-?over|spill-?over",
    "backlog": r"backlog of \d+|inherit\w* (?:a |the |an )?backlog|\d+ (?:open )?(?:tickets|items)",
    "refactor": r"refactor\w*|tech(?:nical)? debt|rewrite|foundational|platform work|"
    r"legacy (?:code|codebase)|(?:code|feature) freeze|freeze on",
    "persuade": r"persuad\w*|convinc\w*|talked \w+ (?:\w+ )?(?:into|out of)|"
    r"won (?:over|support|buy-in)|"
    r"buy-in|sceptic\w*|skeptic\w*|"
    # a senior leader brought to another plan ("Negotiated a phased scope with the CFO")
    r"negotiat\w* (?:[\w-]+ ){0,4}with (?:the |our |my |a )?(?:ceo|cfo|cto|coo|cpo|ciso|vp|"
    r"svp|evp|founders?|board|director|head of|executives?|leadership|sponsor)\b",
    "failure": r"mistake|went wrong|lessons? learn\w*|my fault|owned the miss|"
    r"missed (?:the |a |our |its |their |my )?(?:[\w-]+ ){0,2}"
    r"(?:date|deadline|milestone|launch|target)|"
    r"(?:didn't|did not) go (?:as|to) plan\w*|recover\w*|roll(?:ed|ing)?[- ]?back|"
    r"caused (?:a|an) (?:\w+ ){0,2}(?:outage|incident|bug|failure)|"
    r"failed (?:launch|release|rollout)",
    "priorities": r"prioriti[sz]\w*|trade-?offs?|urgent|competing",
    "refusal": r"say(?:ing)? no|said no|declin\w*|turn(?:ed)? down|refus\w*|reject\w*|"
    r"push(?:ed)? back on|talked \w+ (?:\w+ )?out of|argued against",
    # ("walk me through" is how a question is put, not someone being walked through something)
    "explaining": r"explain\w*|non-technical|walk(?:ed)? (?!me through)(?:\w+ ){1,3}through|"
    r"plain (?:english|language)",
    "data": r"(?:used?|using|funnel|usage|product|behaviou?ral?) data|data (?:showed|shows|from)|"
    r"analytics|funnel|a/b|experiment\w*|cohort analys\w*",
    "ownership": r"end[- ]to[- ]end|from (?:idea|discovery|concept|inception) (?:to|through)",
    "performance": r"latency|p9\d|response times?|start-?up times?|load times?|page speed|"
    r"throughput|slow(?:er|ness)?\b",
    "cost": r"costs?\b|spend(?:ing)?\b|cloud bill|hosting bill|savings?\b",
    "metrics": r"metrics?|kpis?\b|okrs?\b|success measures?|measures? (?:of )?success|"
    r"north[- ]star|scorecard",
}
SITUATION_NAMES = {
    "delay": "a delay",
    "dependency": "another team's work",
    "conflict": "a disagreement",
    "incident": "an incident",
    "estimate": "an estimate that grew",
    "migration": "a migration",
    "scope": "scope",
    "bypass": "work going around the backlog",
    "overcommit": "over-commitment",
    "backlog": "a large backlog",
    "refactor": "technical work",
    "persuade": "winning someone over",
    "failure": "something that went wrong",
    "priorities": "competing priorities",
    "refusal": "saying no",
    "explaining": "explaining to others",
    "data": "using data",
    "ownership": "owning it end to end",
    "performance": "performance",
    "cost": "cost",
    "metrics": "measures of success",
}
_PATTERNS = {k: re.compile(rf"\b(?:{v})", re.IGNORECASE) for k, v in _SITUATIONS.items()}

# Kinds of story a question asks for that a story shows by its shape, not by naming them: a
# question asks for "the most complex program"; a story never says "complex" but spans many
# teams, sites and months of a technical system. These have one pattern for the question and
# another (or several, of which a story needs MIN_SIGNS) for the story.
_ASKED: dict[str, str] = {
    "complexity": r"(?:most|more|technically) (?:\w+ )?complex|complex (?:program|project|system)|"
    r"architecture of|high-level architecture|(?:hardest|largest|biggest) (?:program|project)",
    "decision": r"technical decisions?|key decisions?|(?:main|technical) (?:technical )?"
    r"trade-?offs?|decisions? (?:that )?(?:were|was|you) made|"
    r"(?:made|make|making|took|take) (?:a |an |the )?(?:[\w-]+ ){0,2}decisions?",
    # how a question names something that went wrong ("a program you were managing failed.
    # What did you learn?"): a story shows it in its own words (_SITUATIONS["failure"])
    "failure": r"fail(?:ed|s|ure|ures)?\b|what did you learn|learn(?:ed|t)? from",
    "impact": r"impact|actually happened",
}
_SHOWN: dict[str, tuple[str, ...]] = {
    "complexity": (
        # many teams, services, sites or regions
        r"(?:[3-9]|[1-9]\d+|three|four|five|six|seven|eight|nine|ten|twelve|dozens? of)\s+"
        r"(?:[\w-]+\s+){0,2}(?:teams|squads|services|microservices|regions|countries|systems|"
        r"vendors|time zones|sites|stores|data cent(?:er|re)s|clusters)|"
        # millions of accounts, users or transactions
        r"\d[\d.,]*\s?(?:million|billion|m|bn)\s+(?:[\w-]+\s+){0,2}(?:accounts|users|"
        r"customers|subscribers|transactions|records|payments|members|devices)",
        # spread over places or running in several at once
        r"multi-region|active-active|distributed|across (?:[A-Z][\w-]+, )+[A-Z][\w-]+,? and "
        r"[A-Z]",
        # a long run
        r"(?:[6-9]|1\d|2\d|36) months|(?:two|three|2|3) years|(?:18|six|nine|twelve)[- ]month",
        # a technical system, not a process
        r"platform|control plane|architecture|infrastructure|systems?\b|services\b|database|"
        r"ledger|"
        r"monolith|kubernetes|api\b|engine\b|pipeline|cluster|cloud|ingestion|stream\w*",
    ),
    "decision": (
        # a choice between options...
        r"chose|choosing|chosen|opted|picked|selected|in favou?r of|instead of|rather than|"
        r"pushed for|recommended|decided|settled on|trade-?offs?|adopted|"
        r"over (?:a|an|the) (?:[\w-]+ ){0,3}(?:build|rewrite|redesign|approach|option|engine)",
        # ...of technology
        r"services?\b|library|engine|vendor|build|in-house|cach\w+|protocol|sdk|framework|"
        r"pattern|architecture|cdn|queue|idempoten\w+|(?:a)?synchronous|event\w*|api\b|"
        r"database|schema|bitrate|platform|integration|rewrite|spike",
    ),
    "impact": (
        r"from \S*\d\S*(?: \S+){0,3} to \S*\d|(?:rose|fell|grew|dropped|increased|decreased|"
        r"improved|cut|reduced|halved|doubled|lifted)\b[^.;]{0,60}\d|\d\s?% (?:\w+ ){0,2}"
        r"(?:more|fewer|higher|lower|faster|up|down|reduction|increase|drop|decrease|"
        r"improvement)|(?:down|up)(?: from)? \S*\d",
    ),
}
# "breadth" is "complexity" shown by more signs: a question asking for the most complex
# program asks for both, so the story with the most signs of size shares more of it
_ASKED["breadth"] = _ASKED["complexity"]
_SHOWN["breadth"] = _SHOWN["complexity"]
MIN_SIGNS = {"complexity": 2, "breadth": 3, "decision": 2, "impact": 1}
_ASKED_PATTERNS = {k: re.compile(rf"\b(?:{v})", re.IGNORECASE) for k, v in _ASKED.items()}
_SHOWN_PATTERNS = {
    k: tuple(re.compile(rf"\b(?:{v})", re.IGNORECASE) for v in vs) for k, vs in _SHOWN.items()
}
SITUATION_NAMES.update(
    {
        "complexity": "a large technical program",
        "breadth": "many teams, sites or months",
        "decision": "a technical choice",
        "impact": "a measured result",
    }
)


_PUT = re.compile(
    r"^(?:please\s+)?(?:explain|describe|walk me through|talk me through|tell me about)\b",
    re.IGNORECASE,
)


def situations(text: str, side: str = "") -> frozenset[str]:
    """The situations a text speaks of (see _SITUATIONS); with side="question" also the kinds
    of story it asks for, with side="story" the kinds of story it is (see _ASKED, _SHOWN)."""
    if side == "question":
        # how a question is put to the candidate ("Explain the difference between...",
        # "Walk me through...") is not what it asks about
        text = _PUT.sub("", text.strip())
    found = {k for k, p in _PATTERNS.items() if p.search(text)}
    if side == "question":
        found |= {k for k, p in _ASKED_PATTERNS.items() if p.search(text)}
    elif side == "story":
        found |= {
            k
            for k, ps in _SHOWN_PATTERNS.items()
            if sum(bool(p.search(text)) for p in ps) >= MIN_SIGNS[k]
        }
    return frozenset(found)


def shared_situation(question: frozenset[str], story: frozenset[str]) -> float:
    """Share of the question's situations the story is about (0 when the question names none)."""
    return len(question & story) / len(question) if question else 0.0
