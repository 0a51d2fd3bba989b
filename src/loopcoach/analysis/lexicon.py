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
