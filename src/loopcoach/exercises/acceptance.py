"""Acceptance-criteria linter: Gherkin (parsed by Cucumber's official parser) or plain lists.

Input is a `.feature` file, pasted Gherkin, or a plain list with one criterion per line or
bullet. Text counts as Gherkin when it has a `Feature:` / `Scenario:` / `Background:` / `Rule:`
line; pasted scenarios without a `Feature:` line are parsed under an implied one (line numbers
still point at the user's text).

Findings (codes are stable):
- parse-error: the Gherkin parser's message, with its line (nothing else is checked then).
- no-unhappy-path: no scenario or criterion covers an error, rejection or edge case.
- no-timeout: something is called or waited on (a payment, a third party, a request) and
  nothing says what happens when it does not answer in time.
- no-retry-idempotency: an external call, payment or third party is involved and nothing says
  how retries avoid doing it twice (idempotency, duplicates).
- no-observability / no-performance / no-security: nothing about logs, metrics or alerts; no
  latency or throughput bound; nothing about who may do it, or personal data.
- vague-term: a word with no test behind it ("fast", "user-friendly", "etc.") on its line.
- untestable-then: an outcome that cannot be observed ("Then it works", "the user is happy").
- multiple-behaviours: a scenario with several When/Then pairs or many outcomes.

Pure: `lint(text, ...)` works on text. The keyword lists are English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from gherkin.errors import CompositeParserException, ParserError, ParserException
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from loopcoach.budget import checkpoint
from loopcoach.exercises.findings import Finding
from loopcoach.limits import check_lines

CODES = (
    "parse-error",
    "no-unhappy-path",
    "no-timeout",
    "no-retry-idempotency",
    "no-observability",
    "no-performance",
    "no-security",
    "vague-term",
    "untestable-then",
    "multiple-behaviours",
)
MAX_OUTCOMES = 3  # more Then/And outcomes than this in one scenario: split it


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


UNHAPPY = _rx(
    r"\b(errors?|fail\w*|invalid|declin\w*|reject\w*|den(y|ies|ied)|unauthori[sz]ed|forbidden|"
    r"time[sd]?[ -]?outs?|timed out|unavailable|expir\w*|insufficient|wrong|incorrect|missing|"
    r"empty|exceed\w*|over the limit|duplicate\w*|cancel\w*|offline|cannot|can't|unable|"
    r"not (allowed|found|available|possible|permitted)|(is|are|does|do|was|were) not|"
    r"(isn't|aren't|doesn't|don't|wasn't)|no longer|too (many|late|large|long|early)|"
    r"unhappy|edge case|[45]\d\d)\b"
)
TIMEOUT = _rx(
    r"\b(time[ -]?outs?|timed out|times out|deadline|takes longer than|no (response|answer|reply)|"
    r"(does not|doesn't|did not|fails to) (respond|answer|reply)|gives up|"
    r"after \d+(\.\d+)?\s*(ms|milliseconds|s|secs?|seconds?|minutes?|mins?|hours?))\b"
)
RETRY = _rx(
    r"\b(retr(y|ies|ied|ying)|idempoten\w*|duplicate\w*|exactly once|only once|at most once|"
    r"(charged|billed|sent|created|processed) once|double[- ]?(charg\w*|submi\w*|click\w*|"
    r"payments?|booking)|same (request|key))\b"
)
EXTERNAL = _rx(
    r"\b(pay|pays|payments?|charg(e|ed|es|ing)|refund\w*|cards?|psp|stripe|paypal|adyen|"
    r"braintree|gateway|third[- ]party|external|provider|partner|webhooks?|vendor|bank|"
    r"carrier|3pl|apis?|sms|crm|saas|integration)\b"
)
WAITS = _rx(
    r"\b(requests?|upload\w*|download\w*|sync\w*|server|service|network|remote|calls?|"
    r"imports?|exports?|sends?|email)\b"
)
OBSERVABILITY = _rx(
    r"\b(logs?|logged|logging)\b(?!\s+(in|out|on|into)\b)|"
    r"\b(metrics?|alert\w*|monitor\w*|dashboards?|trac(e|ed|es|ing)|telemetry|audit\w*|"
    r"observab\w*|on-?call|(event|counter) (is|are) (recorded|emitted|published|incremented))\b"
)
PERFORMANCE = _rx(
    r"\b(latency|performance|p9\d|p50|percentile|throughput|response time|load time|per second|"
    r"rps|qps|concurrent\w*|(within|under|below|less than|at most|in) \d+(\.\d+)?\s*(ms|"
    r"milliseconds|s|secs?|seconds?|minutes?|mins?)|\d+(\.\d+)?\s*(ms|milliseconds))\b"
)
SECURITY = _rx(
    r"\b(secur\w*|privacy|private|authori[sz]\w*|authenticat\w*|unauthori[sz]ed|permissions?|"
    r"forbidden|encrypt\w*|pii|personal (data|information|details)|gdpr|ccpa|mask\w*|"
    r"tokeni[sz]\w*|tokens?|(signed|logged|sign|log)[- ]in|access|consent|pci\w*|"
    r"passwords?|secrets?|cvv|csrf|xss|rate[- ]limit\w*|roles?|admins? only|40[13])\b"
)
QUANTITY = _rx(
    r"\d+(\.\d+)?\s*(ms|milliseconds|s|secs?|seconds?|minutes?|mins?|%|clicks?|"
    r"steps?|taps?)\b|p9\d"
)
VAGUE: dict[str, str] = {
    "fast": "say how fast, e.g. 'within 2 seconds for 95% of requests'",
    "quick": "give a time bound, e.g. 'within 500 ms'",
    "quickly": "give a time bound, e.g. 'within 500 ms'",
    "slow": "give the threshold that counts as slow",
    "responsive": "give a time bound or the screen sizes it must support",
    "performant": "give a latency or throughput number",
    "efficient": "give the number that counts as efficient",
    "efficiently": "give the number that counts as efficient",
    "user-friendly": "name the observable behaviour (steps, labels, errors shown)",
    "user friendly": "name the observable behaviour (steps, labels, errors shown)",
    "easy": "say what the user can do and in how many steps",
    "easily": "say what the user can do and in how many steps",
    "intuitive": "say what the user can do without help, and how you will check it",
    "seamless": "say what the user sees at each step",
    "seamlessly": "say what the user sees at each step",
    "appropriate": "name exactly which one",
    "appropriately": "say exactly what happens",
    "robust": "name the failures it must survive and what happens then",
    "etc": "list every case, or write a scenario outline with examples",
    "and so on": "list every case, or write a scenario outline with examples",
    "properly": "say what the correct result is",
    "correctly": "give the expected value or state",
    "reasonable": "give the number",
    "adequate": "give the number",
    "sufficient": "give the number",
    "good": "say what is observable",
    "nice": "say what is observable",
    "flexible": "name the variations it must support",
    "scalable": "give the load it must handle, e.g. '500 orders per minute'",
    "as needed": "say when exactly",
    "if possible": "say when it must happen and when not",
}
SPEED_TERMS = {
    "fast",
    "quick",
    "quickly",
    "slow",
    "responsive",
    "performant",
    "efficient",
    "efficiently",
    "reasonable",
    "adequate",
    "sufficient",
    "scalable",
}
VAGUE_RX = _rx(
    r"(?<![\w-])("
    + "|".join(sorted((re.escape(t) for t in VAGUE), key=len, reverse=True))
    + r")(?![\w-])"
)
UNTESTABLE = [
    _rx(
        r"\b(it|everything|this|that|the (system|feature|app|application|page|flow|process))\s+"
        r"(works?|is working|behaves|functions)\b"
    ),
    _rx(r"^\s*(it\s+)?works?(\s+(fine|well|correctly|properly|as expected))?\s*\.?\s*$"),
    _rx(
        r"\b(users?|customers?|they|he|she|buyers?|subscribers?|admins?|everyone|stakeholders?|"
        r"people)\s+(is |are |feels? |seems? |will be |should be )?(happy|satisfied|pleased|"
        r"delighted|likes?|loves?|enjoys?|understands?|knows?|is confident|confident)\b"
    ),
    _rx(r"\bas expected\b"),
    _rx(
        r"\b(is|are) (handled|processed|managed|dealt with)( (correctly|properly|gracefully|"
        r"appropriately|well))?\s*\.?\s*$"
    ),
    _rx(r"\bno (problems|issues)\b"),
    _rx(r"\b(is|are|looks?) (better|improved|good|great|nice|fine|ok|okay|right)\s*\.?\s*$"),
    _rx(r"\bgood (experience|ux|user experience)\b"),
]


@dataclass(frozen=True)
class Step:
    kind: str  # given / when / then (And and But take the previous step's kind)
    text: str
    line: int


@dataclass(frozen=True)
class Scenario:
    name: str
    line: int
    steps: tuple[Step, ...]
    examples: str = ""  # a scenario outline's example cells, searched like its steps


@dataclass(frozen=True)
class AcResult:
    format: str  # "gherkin" or "plain"
    findings: tuple[Finding, ...]
    scenarios: int  # scenarios (Gherkin) or criteria (plain text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "scenarios": self.scenarios,
            "findings": [f.to_dict() for f in self.findings],
        }


GHERKIN_LINE = re.compile(
    r"^\s*(@\S+\s*)*(Feature|Scenario|Scenario Outline|Scenario Template|Example|Background|"
    r"Rule|Examples)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
FEATURE_LINE = re.compile(r"^\s*(@\S+\s*)*Feature\s*:", re.IGNORECASE | re.MULTILINE)


def is_gherkin(text: str) -> bool:
    return bool(GHERKIN_LINE.search(text))


def lint(text: str, *, gherkin: bool | None = None, context: str = "") -> AcResult:
    """Findings for acceptance criteria. `context` (a story, a case) only informs which
    checks apply (for example a payment in the story makes retries matter)."""
    check_lines(text, source="the acceptance criteria")
    use_gherkin = is_gherkin(text) if gherkin is None else gherkin
    if use_gherkin:
        scenarios, errors = parse_gherkin(text)
        if errors:
            return AcResult("gherkin", tuple(errors), 0)
        return AcResult(
            "gherkin", tuple(_check(text, scenarios, context, gherkin=True)), len(scenarios)
        )
    criteria = plain_criteria(text)
    scenarios = [Scenario(c.text, c.line, (c,)) for c in criteria]
    return AcResult("plain", tuple(_check(text, scenarios, context, gherkin=False)), len(criteria))


# --- reading ----------------------------------------------------------------------------------


def parse_gherkin(text: str) -> tuple[list[Scenario], list[Finding]]:
    offset = 0
    source = text
    if not FEATURE_LINE.search(text):
        source = "Feature: Pasted acceptance criteria\n" + text
        offset = 1
    try:
        doc = Parser().parse(TokenScanner(source))
    except CompositeParserException as exc:
        return [], [_parse_finding(e, offset) for e in exc.errors]
    except ParserException as exc:
        return [], [_parse_finding(exc, offset)]
    except ParserError as exc:  # pragma: no cover - every parser error has a location
        return [], [Finding("parse-error", f"Gherkin could not be parsed: {exc}")]
    feature = doc.get("feature")
    if not feature:
        return [], [
            Finding(
                "parse-error",
                "no 'Feature:' or 'Scenario:' found; start the "
                "file with 'Feature: <name>' and add scenarios",
                1,
            )
        ]
    scenarios: list[Scenario] = []
    _collect(feature.get("children", []), [], scenarios, offset)
    return scenarios, []


def _parse_finding(exc: ParserException, offset: int) -> Finding:
    line = max(1, int(exc.location.get("line", 1)) - offset)
    message = re.sub(r"^\(\d+:\d+\):\s*", "", str(exc))
    return Finding("parse-error", f"line {line}: {message}; fix the Gherkin syntax here", line)


def _collect(children: list[Any], background: list[Step], out: list[Scenario], offset: int) -> None:
    bg = list(background)
    for child in children:
        if "background" in child:
            bg = bg + _steps(child["background"].get("steps", []), offset)
        elif "rule" in child:
            _collect(child["rule"].get("children", []), bg, out, offset)
        elif "scenario" in child:
            sc = child["scenario"]
            examples = " ".join(
                cell["value"]
                for ex in sc.get("examples", [])
                for row in [ex.get("tableHeader") or {"cells": []}, *ex.get("tableBody", [])]
                for cell in row["cells"]
            )
            out.append(
                Scenario(
                    sc.get("name", ""),
                    sc["location"]["line"] - offset,
                    tuple(bg + _steps(sc.get("steps", []), offset)),
                    examples,
                )
            )


def _steps(raw: list[dict[str, Any]], offset: int) -> list[Step]:
    kinds = {"Context": "given", "Action": "when", "Outcome": "then"}
    steps: list[Step] = []
    last = "given"
    for s in raw:
        kind = kinds.get(s.get("keywordType", ""), last)
        if s.get("keywordType") not in kinds:  # And, But, *: the previous step's kind
            kind = last
        last = kind
        text = s.get("text", "")
        if "docString" in s:
            text += " " + s["docString"].get("content", "")
        if "dataTable" in s:
            text += " " + " ".join(c["value"] for r in s["dataTable"]["rows"] for c in r["cells"])
        steps.append(Step(kind, text, s["location"]["line"] - offset))
    return steps


BULLET = re.compile(r"^\s*([-*+•]|\d+[.)]|\[[ xX]?\])\s+")


def plain_criteria(text: str) -> list[Step]:
    """One criterion per line or bullet; headings and 'Acceptance criteria:' labels skipped."""
    out: list[Step] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or (line.endswith(":") and len(line) < 60):
            continue
        body = BULLET.sub("", line).strip()
        if body:
            out.append(Step("then", body, n))
    return out


# --- checks -----------------------------------------------------------------------------------


def _check(text: str, scenarios: list[Scenario], context: str, *, gherkin: bool) -> list[Finding]:
    corpus = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    findings: list[Finding] = []
    what = "scenario" if gherkin else "criterion"
    if not scenarios:
        findings.append(
            Finding(
                "untestable-then",
                f"no {what} found: write at least one "
                "'Given/When/Then' scenario or one criterion per line",
                None,
            )
        )
        return findings
    findings += _coverage(corpus, context, scenarios, what)
    checkpoint("the acceptance criteria")
    findings += _vague(text)
    for n, sc in enumerate(scenarios):
        if n % 256 == 0:
            checkpoint("the acceptance criteria")
        findings += _untestable(sc, gherkin)
        findings += _multiple(sc, gherkin)
    unique = list(dict.fromkeys(findings))  # a Background step is in every scenario
    return sorted(unique, key=lambda f: (f.line is not None, f.line or 0, CODES.index(f.code)))


def _coverage(corpus: str, context: str, scenarios: list[Scenario], what: str) -> list[Finding]:
    out = []
    unhappy = any(
        UNHAPPY.search(f"{sc.name} {sc.examples}") or any(UNHAPPY.search(s.text) for s in sc.steps)
        for sc in scenarios
    )
    if not unhappy:
        out.append(
            Finding(
                "no-unhappy-path",
                f"every {what} is a happy path: add one for what "
                "goes wrong (invalid input, a declined or failed call, no permission)",
            )
        )
    both = corpus + "\n" + context
    external = EXTERNAL.search(both)
    waits = external or WAITS.search(both)
    if waits and not TIMEOUT.search(corpus):
        term = (external or waits).group(0).lower()
        out.append(
            Finding(
                "no-timeout",
                f"'{term}' means waiting on another system, but nothing "
                "says what happens when it does not answer in time: add a timeout "
                "and what the user sees then",
            )
        )
    if external and not RETRY.search(corpus):
        out.append(
            Finding(
                "no-retry-idempotency",
                f"'{external.group(0).lower()}' involves an "
                "external call: say how a retry or a double submit is kept from "
                "happening twice (idempotency key, no duplicate charge)",
            )
        )
    if not OBSERVABILITY.search(corpus):
        out.append(
            Finding(
                "no-observability",
                "nothing is logged, measured or alerted: add "
                "what is recorded and who is alerted when it fails",
            )
        )
    # a time limit on a call that hangs is a timeout, not a performance bound
    timed = "\n".join(ln for ln in corpus.splitlines() if not TIMEOUT.search(ln))
    if not PERFORMANCE.search(timed):
        out.append(
            Finding(
                "no-performance",
                "no latency or throughput bound: add one, e.g. "
                "'responds within 2 seconds for 95% of requests'",
            )
        )
    if not SECURITY.search(corpus):
        out.append(
            Finding(
                "no-security",
                "nothing about who may do this or how personal data "
                "is protected: add an authorisation or privacy criterion",
            )
        )
    return out


def _vague(text: str) -> list[Finding]:
    out = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if n % 1024 == 0:
            checkpoint("the acceptance criteria")
        line = raw.strip()
        if not line or line.startswith(("#", "@")):
            continue
        quantified = bool(QUANTITY.search(line))
        for m in VAGUE_RX.finditer(line):
            term = m.group(1).lower()
            if quantified and term in SPEED_TERMS:
                continue
            out.append(
                Finding(
                    "vague-term", f"line {n}: '{m.group(1)}' cannot be tested; {VAGUE[term]}", n
                )
            )
    return out


def _untestable(sc: Scenario, gherkin: bool) -> list[Finding]:
    outcomes = [s for s in sc.steps if s.kind == "then"]
    if gherkin and not outcomes:
        return [
            Finding(
                "untestable-then",
                f"scenario '{sc.name or 'unnamed'}' has no Then step: add the outcome to check",
                sc.line,
            )
        ]
    out = []
    for s in outcomes:
        if any(rx.search(s.text) for rx in UNTESTABLE):
            out.append(
                Finding(
                    "untestable-then",
                    f"line {s.line}: '{s.text}' cannot be observed "
                    "or measured; name the state, message or number to check",
                    s.line,
                )
            )
    return out


WHEN_THEN = _rx(r"\b(when|if)\b.*?\bthen\b")


def _multiple(sc: Scenario, gherkin: bool) -> list[Finding]:
    if not gherkin:
        step = sc.steps[0]
        if len(WHEN_THEN.findall(step.text)) >= 2:
            return [
                Finding(
                    "multiple-behaviours",
                    f"line {step.line}: this criterion describes "
                    "several behaviours; write one criterion per behaviour",
                    step.line,
                )
            ]
        return []
    kinds = [s.kind for s in sc.steps]
    pairs = sum(1 for a, b in pairwise(kinds) if a == "then" and b == "when")
    outcomes = kinds.count("then")
    if pairs:
        return [
            Finding(
                "multiple-behaviours",
                f"scenario '{sc.name}' has {pairs + 1} When/Then "
                "pairs: split it into one scenario per behaviour",
                sc.line,
            )
        ]
    if outcomes > MAX_OUTCOMES:
        return [
            Finding(
                "multiple-behaviours",
                f"scenario '{sc.name}' checks {outcomes} outcomes:"
                " keep the ones for one behaviour and move the rest to their own "
                "scenarios",
                sc.line,
            )
        ]
    return []
