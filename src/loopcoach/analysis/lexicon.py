"""Word lists and patterns the scorers use. Language knowledge, not role knowledge."""

from __future__ import annotations

import re

FILLERS = (
    "um",
    "uh",
    "erm",
    "er",
    "like",
    "you know",
    "basically",
    "sort of",
    "kind of",
    "i mean",
    "actually",
    "literally",
    "so yeah",
    "right?",
)
# "like" is only a filler when not used as a verb/preposition; see delivery.py
HEDGES = (
    "i think",
    "i guess",
    "maybe",
    "probably",
    "i suppose",
    "perhaps",
    "hopefully",
    "i'm not sure",
    "not really sure",
    "more or less",
    "somewhat",
    "i believe",
    "might",
)

# STAR parts: patterns on the lower-cased sentence.
SITUATION = re.compile(
    r"\b(at my (last|previous|current)|when i (joined|was)|in (my|our) (last|previous|old)|"
    r"(we|they|the team|the company|our \w+) (was|were|had|faced|needed)|there (was|were)|"
    r"the (problem|context|situation|challenge|issue) was|back in|in (19|20)\d\d|"
    r"last (year|quarter)|a few years ago|i was (working|leading|running|the)|"
    r"(our|the) (platform|product|service|system|program|team|company) (was|had|ran|served))"
)
TASK = re.compile(
    r"\b(my (role|job|task|goal|responsibility|remit|mandate) (was|were|is)|i was (responsible|"
    r"asked|accountable|tasked|brought in|hired)|i (owned|had to|needed to)|the (goal|objective|"
    r"target|mandate|ask) was|i (set out|wanted) to|(my|our) (goal|objective) was)\b"
)
ACTION = re.compile(
    r"\bi(?: (?:then|also|first|quickly|personally|immediately|eventually|finally|next))? "
    r"(set|ran|wrote|met|built|drafted|proposed|organi[sz]ed|facilitated|created|mapped|"
    r"pulled|brought|asked|sat|called|scheduled|negotiated|escalated|agreed|decided|chose|"
    r"split|sliced|rewrote|reframed|shared|presented|pushed|worked|started|introduced|"
    r"moved|added|cut|put|made|took|led|drove|got|gave|held|sent|kept|found|raised|"
    r"challenged|suggested|recommended|convinced|aligned|owned|tracked|reviewed|tested|"
    r"measured|analy[sz]ed|interviewed|spoke|talked|explained|documented|published|"
    r"paired|partnered|coordinated|managed|designed|defined|prioriti[sz]ed|re-?prioriti[sz]ed|"
    r"reordered|carved|booked|invited|shadowed|read|checked|went|used|built|rolled|"
    r"stepped|opened|created|changed|reworked|ran|wrote|did|spent|set up|blocked|paused)\b"
)
WE_ACTION = re.compile(
    r"\b(we|the team|they)(?: (?:then|also|first|quickly|eventually|finally))? "
    r"(\w+ed|set|ran|wrote|met|built|made|took|got|put|cut|split|did|decided|agreed|chose|"
    r"moved|went|kept|found|held|sent|gave|spent)\b"
)
RESULT = re.compile(
    r"\b(as a result|result(ed)? (was|in)|the (outcome|result|impact) was|in the end|ended up|"
    r"by the end|(we|i|it|that|this) (cut|reduced|increased|improved|saved|grew|dropped|"
    r"delivered|shipped|launched|hit|beat|avoided|prevented|recovered|closed|landed|"
    r"finished|completed|went live|halved|doubled)|went live|on time|ahead of schedule|"
    r"(dropped|fell|rose|grew|went) (from|to|by)|down from|up from|"
    r"today (we|i|the)|which meant|"
    r"the (sponsor|business|customer|team)s? (got|agreed|signed|accepted))"
)
# Reflection counts towards a result only a little: "I learned a lot" is not an outcome.
LEARNING = re.compile(
    r"\b(lesson|learn(ed|t)|since then|next time|(would|i'd) do differently|in hindsight|"
    r"looking back|i (now|always) |that'?s (now|why))"
)
RESULT_NUMBER = re.compile(r"\b(\d+(\.\d+)?\s?%|\$\s?\d|£\s?\d|€\s?\d|\d+x\b)")

# Framework steps for non-STAR answers: step -> pattern on the lower-cased sentence.
FRAMEWORKS: dict[str, dict[str, str]] = {
    "decision": {
        "clarify": r"\b(first|start by|begin by|understand|clarify|find out|ask(ing)?|assess|"
        r"severity|impact|root cause|what (happened|changed)|facts|triage|diagnos)",
        "stakeholders": r"\b(stakeholder|sponsor|engineer|tech lead|team lead|manager|customer|"
        r"support|leadership|product|legal|security|the business)",
        "options": r"\b(options?|alternatives?|either|could (either|also)|one way|another way|"
        r"plan b|scenarios?|choices?)\b",
        "tradeoffs": r"\b(trade-?offs?|cost of|risk|versus|vs\.?|on the other hand|downside|"
        r"upside|impact on|in exchange|at the expense|balance)",
        "decision": r"\b(i'?d (decide|recommend|choose|propose|go with|pick|prioriti)|i would "
        r"(decide|recommend|choose|propose|go with|pick|prioriti)|my (call|"
        r"recommendation|decision)|decide|recommend)",
        "communication": r"\b(communicat|tell|inform|update|let .{0,20} know|explain|message|"
        r"status|email|write up|brief)",
        "validation": r"\b(monitor|measure|track|follow[- ]up|check|retro|review|metric|"
        r"validate|verify|post-?mortem|lessons?)",
    },
    "program-plan": {
        "goals": r"\b(goals?|objectives?|success (metric|criteria|measure)|charter|non-goals?|"
        r"out of scope|scope)\b",
        "assumptions": r"\b(assum|constraints?|i'?ll design|suppose|given that)",
        "stakeholders": r"\b(stakeholders?|raci|sponsor|owners?|accountable|steerco|steering)",
        "workstreams": r"\b(workstreams?|work streams?|tracks?|phases?|swim ?lanes?|streams)\b",
        "milestones": r"\b(milestones?|phase gates?|gates?|go/no-?go|go-no-go|cutover|"
        r"checkpoints?|exit criteria)\b",
        "dependencies": r"\b(dependenc|critical path|blocked|sequenc|upstream|downstream)",
        "risks": r"\b(risks?|risk register|mitigat|contingenc|fallback)",
        "metrics": r"\b(metrics?|kpis?|measure|dashboards?|slos?|p9[59]|baseline|target)",
        "cadence": r"\b(cadence|weekly|bi-?weekly|daily|monthly|sync|stand-?up|status report|"
        r"review meeting|steerco)",
        "rollback": r"\b(roll ?back|rollback|revert|kill switch|feature flag|canary|dark launch|"
        r"back out|fallback)",
        "communication": r"\b(communicat|status|update|newsletter|announce|comms|exec summary|"
        r"stakeholder update)",
    },
    "system-design": {
        "clarify": r"\b(clarif|scope|requirements?|assume|users?|scale|how many|focus on)",
        "components": r"\b(services?|components?|gateway|frontend|backend|client|worker|queue)",
        "data": r"\b(database|postgres|mysql|dynamo|cassandra|redis|cache|schema|data model|"
        r"storage|index|elasticsearch)",
        "apis": r"\b(apis?|endpoints?|rest|grpc|graphql|websockets?|events?|webhooks?)",
        "scale": r"\b(scal|load|throughput|traffic|peak|surge|shard|partition|replica|autoscal)",
        "reliability": r"\b(failure|fail|retry|retries|timeout|idempot|redundan|availability|"
        r"outage|fallback|circuit breaker|monitor)",
        "security": r"\b(secur|auth|encrypt|pci|privacy|gdpr|token|permission)",
        "tradeoffs": r"\b(trade-?offs?|versus|vs\.?|instead of|rather than|downside|cost)",
    },
    "explain": {
        "definition": r"\b(means?|is when|is a|are a|refers to|the idea|in short|simply put|"
        r"works by|how it works|consists of)",
        "example": r"\b(for example|for instance|e\.g\.|in my (last|previous|current)|at my|"
        r"when i|we had|on my team|recently)",
        "tradeoffs": r"\b(trade-?offs?|versus|vs\.?|downside|cost|risk|but|however|on the "
        r"other hand|depends)",
        "method": r"\b(i (use|look at|watch|track|start|ask|apply|run)|framework|steps?|first|"
        r"then|process|approach|criteria)",
        "business": r"\b(business|customers?|revenue|users?|cost|value|outcome|sponsor|"
        r"commercial|impact)",
        "limits": r"\b(don'?t know|not sure|would check|would ask|depends on|limit|edge case|"
        r"exception|when it doesn'?t)",
    },
    "opinion": {
        "position": r"\b(i (believe|think|see|view|want|prefer|enjoy|love)|for me|my view|"
        r"in my view|my (take|definition)|i'?m (drawn|excited|happiest))",
        "reasoning": r"\b(because|since|that'?s why|the reason|which is why|so that)",
        "example": r"\b(for example|for instance|at my|in my (last|previous|current)|when i|"
        r"recently|last year)",
        "self_awareness": r"\b(i'?ve learned|i realised|i realized|i'?m still|i need to|"
        r"weakness|growing|working on|honest)",
        "fit": r"\b(this role|your team|here|this company|the team you|what you|you'?re)",
    },
}

ARTEFACTS = (
    "risk register",
    "raci",
    "adr",
    "rfc",
    "runbook",
    "dashboard",
    "decision log",
    "charter",
    "roadmap",
    "dependency map",
    "burndown",
    "burn-down",
    "burnup",
    "okr",
    "kpi",
    "slo",
    "sla",
    "sli",
    "post-mortem",
    "postmortem",
    "post-incident review",
    "retro",
    "retrospective",
    "design doc",
    "one-pager",
    "prd",
    "spec",
    "gherkin",
    "acceptance criteria",
    "contract test",
    "feature flag",
    "canary",
    "status report",
    "exec summary",
    "gantt",
    "jira",
    "confluence",
    "launch checklist",
    "go/no-go",
    "phase gate",
    "error budget",
    "dora",
    "p95",
    "p99",
    "sequence diagram",
    "definition of done",
    "definition of ready",
    "wsjf",
    "rice",
    "moscow",
    "kano",
    "velocity",
    "cycle time",
    "lead time",
    "change failure rate",
    "mttr",
    "nps",
    "csat",
)
TECH_NAMES = (
    "kubernetes",
    "k8s",
    "kafka",
    "postgres",
    "postgresql",
    "mysql",
    "redis",
    "aws",
    "gcp",
    "azure",
    "terraform",
    "docker",
    "graphql",
    "grpc",
    "rest",
    "oauth",
    "saml",
    "sso",
    "cdn",
    "s3",
    "lambda",
    "dynamodb",
    "cassandra",
    "elasticsearch",
    "snowflake",
    "bigquery",
    "spark",
    "airflow",
    "datadog",
    "grafana",
    "prometheus",
    "splunk",
    "pagerduty",
    "stripe",
    "adyen",
    "salesforce",
    "sap",
    "okta",
    "webauthn",
    "passkeys",
    "ios",
    "android",
    "react",
    "java",
    "python",
    "golang",
    "microservices",
    "monolith",
    "api gateway",
    "message queue",
    "sqs",
    "rabbitmq",
    "ci/cd",
    "jenkins",
    "github actions",
    "llm",
    "ml model",
    "etl",
    "cdc",
    "webhooks",
    "websocket",
    "websockets",
    "idempotency",
    "sharding",
    "feature store",
)
BUZZWORDS = (
    "synergy",
    "synergies",
    "leverage",
    "leveraging",
    "paradigm",
    "holistic",
    "best practices",
    "best-in-class",
    "world-class",
    "end-to-end",
    "move the needle",
    "circle back",
    "agile transformation",
    "agile mindset",
    "value stream",
    "north star",
    "empower",
    "empowered",
    "alignment",
    "stakeholder alignment",
    "cross-functional synergy",
    "digital transformation",
    "game changer",
    "game-changer",
    "robust",
    "seamless",
    "scalable solution",
    "thought leadership",
    "low-hanging fruit",
    "deep dive",
    "bandwidth",
    "ecosystem",
    "disrupt",
    "innovative",
    "single source of truth",
    "actionable insights",
    "servant leader",
    "value-driven",
    "customer-centric",
    "data-driven",
    "proactive",
    "at the end of the day",
    "going forward",
    "key learnings",
    "buy-in",
    "high-level",
    "agile mindset",
    "inspect and adapt",
    "shift left",
    "shifting left",
    "mindset shift",
    "outcomes over outputs",
    "outcomes rather than outputs",
    "value early and often",
    "continuous improvement",
    "cloud-native",
    "future-proof",
    "modern way",
    "agility",
    "visibility",
    "transparency",
    "three amigos",
    "industry standard",
    "pivot",
    "fail fast",
    "growth mindset",
    "the right people in the room",
    "single pane of glass",
    "ways of working",
    "empowerment",
    "customer obsession",
    "bias for action",
    "synergistic",
    "best of breed",
    "twelve-factor",
    "domain-driven",
    "scalability",
    "resilience",
    "strategic alignment",
    "holistic view",
    "value delivery",
    "delivering value",
    "gold standard",
    "api-first",
    "mobile-first",
    "cloud-first",
    "omnichannel",
    "frictionless",
    "by design",
    "baked in",
    "north-star",
    "shift-left",
    "innovate",
    "de-risk",
    "de-risking",
    "unlock",
    "unlocking",
    "game-changing",
    "next-generation",
    "cutting-edge",
    "state-of-the-art",
    "mission-critical",
    "turnkey",
    "enablement",
    "orchestrated",
    "operationalise",
    "operationalize",
    "business value",
    "stakeholder engagement",
    "maximising value",
    "maximizing value",
)

NUMBER_UNIT = re.compile(
    r"(?<![\w.])(\$|£|€)?\d[\d,]*(\.\d+)?\s?(%|percent|k\b|m\b|million|billion|bn\b|"
    r"ms\b|milliseconds|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|"
    r"quarters?|years?|sprints?|teams?|engineers?|people|developers?|services?|"
    r"microservices|customers?|users?|clients?|tickets?|stories|points|requests?|rps|qps|"
    r"tps|transactions?|orders?|countries|regions?|time zones?|markets?|releases?|"
    r"incidents?|x\b|gb|tb|pb|features?|apis?|endpoints?|consumers?|partners?|vendors?|"
    r"stakeholders?|squads?|workstreams?|milestones?|dependencies|markets|sites|stores)"
)
MONEY = re.compile(
    r"(\$|£|€)\s?\d[\d,.]*\s?(k|m|million|bn|billion)?|\d[\d,.]*\s?(dollars|"
    r"pounds|euros)\b"
)
WORD_NUMBER = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|dozen|half)\s(teams?|engineers?|weeks?|months?|quarters?|sprints?|"
    r"days?|services?|squads?|people|time zones|countries|regions|vendors|workstreams|"
    r"stakeholders|releases|years?)\b"
)
LATENCY = re.compile(r"\bp(50|90|95|99)\b|\b\d+\s?ms\b")

# --- Voice and stance: who acts, how firmly, and who gets the blame --------------------------
HEDGE = re.compile(
    r"\b(i think|i guess|maybe|probably|i suppose|perhaps|hopefully|"
    r"i'?m not (really )?sure|more or less|somewhat|i feel like)\b"
)
# Any first-person subject followed by a verb ("I run", "I'd pick", "I then wrote"): a personal
# action unless the verb is a state, a feeling or a hedge (see NOT_ACTION).
I_VERB = re.compile(
    r"\bi(?:'d|'ll| would| will| then| also| first| usually| always| now| just| personally|"
    r" quickly| immediately| eventually| finally| next| still| often| probably| maybe)*"
    r" ([a-z]+(?:-[a-z]+)?)\b"
)
NOT_ACTION = frozenset(
    re.findall(
        r"[a-z]+",
        """am was were be been being have had has do did can cannot could would should must
        might may will think thought guess feel felt hope hoped wish suppose believe believed
        know knew mean meant like liked love loved enjoy enjoyed want wanted prefer need needed
        find found realise realised realize realized remember see saw seem seemed tend tended
        never not really probably maybe just also always usually often still now then first
        try tried don didn couldn wouldn shouldn won isn wasn weren haven hadn""",
    )
)
# The team as the subject of an action ("we walk through", "the team splits it").
WE_VERB = re.compile(
    r"\b(?:we|the team)(?:'d|'ll| would| will| then| also| first| usually| always| now| just)*"
    r" ([a-z]+(?:-[a-z]+)?)\b"
)
# Verbs of thought or intention: "I'd think about", "I'd try to", "I'd want": a plan held
# loosely, which counts for less than a concrete action.
SOFT_ACTION = re.compile(
    r"\bi(?:'d| would| will|'ll)? (?:probably |maybe |also |just )*(think about|consider|"
    r"try to|want to|like to|look into|see if|see what|hope|wait|let)\b"
    r"|\b(i think|i guess|i suppose|probably|maybe) i(?:'d| would| will|'ll)?\b"
    r"|\bi(?:'d| would| will|'ll)? (probably|maybe|possibly|might)\b"
)
# No one in particular acted: "it was decided", "the decision was made".
PASSIVE_DECISION = re.compile(
    r"\b(it was (decided|agreed|determined)|the (decision|call) was (made|taken)|"
    r"(was|were|got) (decided|agreed|escalated|prioriti[sz]ed|sorted|handled|resolved) "
    r"(by|on|in|at)\b)"
)
# Handing the judgement to others: "I let the architects handle that".
DEFER = re.compile(
    r"\bi (just )?(let|left it to|leave it to|leave that to|left that to) (the )?\w+ "
    r"(handle|decide|own|drive|figure|sort|work)|\b(it'?s|that'?s|it was|that was) not my "
    r"(place|job|call|area)|\bi'?m not (a )?technical\b"
)
_PARTY = (
    r"(they|the \w+ team|the \w+ side|the engineers?|one of the (senior )?engineers|engineering|"
    r"sales|marketing|the stakeholders?|stakeholders|the business|management|leadership|"
    r"the developers?|developers|the vendors?|the client|my manager|he|she|the pm|pms|"
    r"product managers?|the (other )?teams?|business stakeholders|people)"
)
# Blame: another party's fault or failing, in the candidate's words.
BLAME = re.compile(
    r"\b(because|since|mainly because|it was because|the reason was|really it was)\b[^.]{0,80}?\b"
    + _PARTY
    + r"\b[^.]{0,40}?\b(kept changing|kept moving|was slow|were slow|didn'?t (raise|tell|read|"
    r"deliver|care|listen)|never (told|raised|delivered|listened)|failed to|underestimated|"
    r"overstated|got it wrong|dropped|wasn'?t ready|weren'?t ready|pushed back on everything)"
    r"|\b(the information i was given was wrong|if they read|could work out themselves|"
    r"not my fault|wasn'?t my fault|their fault|(was|were) (very |really )?(stubborn|lazy|"
    r"incompetent|useless|difficult))"
    r"|\b" + _PARTY + r" (just |really |simply )?(do(es)?n'?t|did ?n'?t|never) (really |even )?"
    r"(understand|get it|listen|care|think|read|plan)"
    r"|\b(her|his|their) (fault|commitment|problem|mess|choice|responsibility),? not "
    r"(mine|ours|my)"
    r"|\b(a mess|the mess|a problem) (they|she|he|the \w+)('d| had)? (created|caused|made)"
    r"|\bif (they|she|he|the \w+( \w+)?) had (listened|read|asked|planned|told)"
    r"|\bget (their|his|her) act together|\bpeople like (that|them|him|her)\b"
    r"|\bneed(s|ed)? to be educated|\bwhich (she|he|they) blamed on"
    r"|\b(kept|keeps) changing (them|it|their minds?|the requirements)"
)
# Success credited to overwork rather than to a plan.
HEROICS = re.compile(
    r"\b(evenings and weekends|nights and weekends|over (two|three|the|several) weekends|"
    r"(worked|working|stayed) (late|through the night|all night|every weekend)|"
    r"forgiveness (rather )?than permission|stayed with them the whole time)\b"
)
# A stated outcome must be something that happened, not a plan or a promise.
UNREALISED = re.compile(
    r"\b(would|'d|will|'ll|going to|planned to|promised|committed to|supposed to|"
    r"hoped to|wanted to|if|unless)\b"
)
RESULT_CHANGE = re.compile(
    r"\b(cut|reduc|increas|improv|sav|grew|grow|drop|fell|fall|rose|rais|halv|doubl|"
    r"from|down|up|went|moved|hit|beat|shipp|launch|deliver)"
)
# Rambling without a point: the candidate does not land the answer.
NO_POINT = re.compile(
    r"\b(more of an art than a science|it (really )?depends on (the situation|a lot)|"
    r"a lot of other things|that'?s (roughly|basically|kind of) (it|how)|"
    r"i think that covers|and so on|and all that|all sorts of (reasons|things))\b"
)
BUZZ = re.compile(r"\b(" + "|".join(re.escape(b) for b in BUZZWORDS) + r")\b")

# --- Further anchors an answer can give (specificity) ----------------------------------------
_NUM_WORD = (
    r"(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|ninety|hundred|a hundred|a dozen|dozen|half a|"
    r"a few hundred)"
)
# "nine working days", "a two-week sprint", "twenty items", "ninety days"
WORD_QUANTITY = re.compile(
    r"\b" + _NUM_WORD + r"[\s-](working |business |calendar )?(days?|weeks?|months?|quarters?|"
    r"sprints?|hours?|minutes?|years?|teams?|engineers?|people|items?|stories|points|calls|"
    r"services?|customers?|users?|squads?|releases?|regions?|countries|markets?|stakeholders|"
    r"vendors?|partners?|percent)\b"
)
# A number without a unit ("scored 8", "about 7.3"): worth less than one that says what it counts
BARE_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w%])")
# Named dates and calendar anchors: "next Friday", "by Q3", "before Christmas"
DATE_ANCHOR = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|june|july|august|september|october|november|december|q[1-4]|christmas|"
    r"black friday|year[- ]end|end of (the )?(quarter|month|year))\b"
)
# A worked example, introduced as such
EXAMPLE = re.compile(
    r"\b(for example|for instance|a (quick |concrete |real )?example|e\.g\.|"
    r"take (a|an|the) \w+|say,? (a|an|the|we|our))\b"
)
