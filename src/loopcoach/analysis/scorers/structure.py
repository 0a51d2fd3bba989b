"""Structure: STAR parts for stories; the rubric's framework steps for everything else."""

from __future__ import annotations

import re

from loopcoach.analysis import lexicon as L
from loopcoach.analysis.context import AnswerContext
from loopcoach.domain.analysis import DimensionScore, Evidence

STAR_ADVICE = {
    "situation": "Open with one or two sentences of context: where, when, the scale and what "
    "was at stake.",
    "task": "Say what you personally owned or were asked to do before describing the work.",
    "action": "Describe what you did, in the first person, step by step: the decisions, the "
    "conversations, the artefacts you made.",
    "result": "End with the result: what changed, with a number if you have one, and what you "
    "learned or would do differently.",
}
STEP_LABELS = {
    "clarify": "clarify the facts first",
    "stakeholders": "name who is involved",
    "options": "lay out options",
    "tradeoffs": "weigh trade-offs",
    "decision": "make a call",
    "communication": "say how you communicate it",
    "validation": "say how you check it worked",
    "goals": "goals and non-goals",
    "assumptions": "state assumptions",
    "workstreams": "workstreams and owners",
    "milestones": "milestones and go/no-go gates",
    "dependencies": "dependencies and the critical path",
    "risks": "risks and mitigations",
    "metrics": "success metrics",
    "cadence": "operating cadence",
    "rollback": "a rollback plan",
    "components": "the main components",
    "data": "data and storage",
    "apis": "the APIs",
    "scale": "scale and load",
    "reliability": "failure modes",
    "security": "security",
    "definition": "say what it is and how it works",
    "example": "a concrete example",
    "method": "the method or framework you use",
    "business": "tie it to business impact",
    "limits": "where it stops working or what you do not know",
    "position": "a clear position",
    "reasoning": "the reasons behind it",
    "self_awareness": "some self-awareness",
    "fit": "why it fits this team",
}
FRAMEWORK_NAMES = {
    "decision": "a decision answer", "program-plan": "a program plan",
    "system-design": "a system design", "explain": "an explanation",
    "opinion": "an opinion answer",
}
SEQUENCE = re.compile(
    r"\b(first(ly)?|second(ly)?|then|next|after that|finally|lastly|"
    r"step one|to start|third)\b"
)
_COMPILED = {fw: {k: re.compile(v) for k, v in steps.items()} for fw, steps in L.FRAMEWORKS.items()}


def star_parts(ctx: AnswerContext) -> dict[str, list[int]]:
    parts: dict[str, list[int]] = {"situation": [], "task": [], "action": [], "result": []}
    learning: list[int] = []
    n = len(ctx.lowered)
    for i, s in enumerate(ctx.lowered):
        if L.SITUATION.search(s):
            parts["situation"].append(i)
        if L.TASK.search(s):
            parts["task"].append(i)
        if L.ACTION.search(s) or L.WE_ACTION.search(s):
            parts["action"].append(i)
        if L.RESULT.search(s) or (L.RESULT_NUMBER.search(s) and i >= n // 2):
            parts["result"].append(i)
        elif L.LEARNING.search(s):
            learning.append(i)
    parts["learning"] = learning
    if not parts["situation"] and n >= 3 and not (L.ACTION.search(ctx.lowered[0])):
        parts["situation"].append(0)  # an opening sentence that sets the scene
    return parts


def _star(ctx: AnswerContext) -> DimensionScore:
    parts = star_parts(ctx)
    learning = parts.pop("learning")
    own_actions = [i for i in parts["action"] if L.ACTION.search(ctx.lowered[i])]
    have = {k: bool(v) for k, v in parts.items()}
    points = (
        1.0 * have["situation"]
        + 0.5 * have["task"]
        + (1.5 if len(parts["action"]) >= 2 else 0.8 if have["action"] else 0.0)
        + 1.5 * have["result"]
        + (0.4 if learning else 0.0)
    )
    if own_actions and have["task"] is False:
        points += 0.3  # "I" actions make the candidate's task clear enough
    score = min(4.0, points * 4.0 / 4.5)
    missing = [k for k, v in have.items() if not v]
    evidence = [ctx.evidence(v[0], k.upper()) for k, v in parts.items() if v]
    advice = [STAR_ADVICE[m] for m in missing if not (m == "task" and own_actions)]
    if have["result"] and parts["result"][0] < (parts["action"] or [0])[0]:
        evidence.append(ctx.evidence(parts["result"][0], "result stated first"))
    found = ", ".join(k for k, v in have.items() if v) or "none"
    reason = f"STAR parts found: {found}"
    if missing:
        reason += f"; missing: {', '.join(missing)}"
    ctx.notes["star"] = parts
    return DimensionScore("structure", round(score, 2), reason, tuple(evidence), tuple(advice))


def _framework(ctx: AnswerContext, framework: str) -> DimensionScore:
    steps = _COMPILED.get(framework, _COMPILED["explain"])
    hits: dict[str, int] = {}
    for i, s in enumerate(ctx.lowered):
        for step, pat in steps.items():
            if step not in hits and pat.search(s):
                hits[step] = i
    frac = len(hits) / len(steps)
    sequenced = sum(1 for s in ctx.lowered if SEQUENCE.search(s))
    score = min(4.0, 4.0 * min(1.0, frac / 0.8) + (0.3 if sequenced >= 2 else 0.0))
    if len(ctx.sentences) <= 1:
        score = min(score, 1.0)
    missing = [k for k in steps if k not in hits]
    evidence: list[Evidence] = [ctx.evidence(i, STEP_LABELS.get(k, k)) for k, i in hits.items()]
    advice = []
    if missing:
        named = ", ".join(STEP_LABELS.get(m, m) for m in missing[:4])
        advice.append(
            f"Walk through the steps {FRAMEWORK_NAMES.get(framework, 'this answer')} needs; "
            f"this one skipped: {named}."
        )
    if sequenced < 2 and len(ctx.sentences) > 4:
        advice.append("Signpost the steps (first, then, finally) so the listener can follow.")
    reason = f"{len(hits)} of {len(steps)} {framework} steps present"
    ctx.notes["steps"] = hits
    return DimensionScore("structure", round(score, 2), reason, tuple(evidence), tuple(advice))


def score(ctx: AnswerContext) -> DimensionScore:
    if not ctx.sentences:
        return DimensionScore("structure", 0.0, "no answer", (), ("Answer the question.",))
    if ctx.rubric.framework == "star":
        return _star(ctx)
    return _framework(ctx, ctx.rubric.framework)
