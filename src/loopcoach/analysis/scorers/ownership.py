"""Ownership: the candidate's own actions and decisions versus "we", "the team" and the passive,
and whether the fault for problems is pushed onto other people."""

from __future__ import annotations

import re

from loopcoach.analysis import lexicon as L
from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext
from loopcoach.domain.analysis import DimensionScore

_I = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me)\b")
_WE = re.compile(r"\b(we|we're|we've|we'd|our|us|the team)\b")
_DECIDE = re.compile(
    r"\b(i (decided|chose|made the call|recommended|proposed|owned|was "
    r"accountable|took ownership|pushed for|insisted|committed)|my (call|"
    r"decision|recommendation|mistake))\b"
)
BLAME_COST = 0.75  # per sentence that blames someone else, at most two counted
DEFER_COST = 1.0  # once, for handing the judgement to others


def i_action(lowered: str) -> bool:
    """True if the sentence has the candidate as the subject of an action verb."""
    if L.ACTION.search(lowered):
        return True
    return any(m.group(1) not in L.NOT_ACTION for m in L.I_VERB.finditer(lowered))


# For a plan or an explanation, an imperative step ("Start by mapping every consumer") is the
# candidate's own step; in a story it is advice, not something they did.
PLAN_KINDS = frozenset({"situational", "technical", "case", "competency", "culture"})


def _classify_by_stance(ctx: AnswerContext, idx: int) -> str:
    """'mine', 'soft', 'team' or '' for one sentence: the stance model hears hedging, filler and
    actions; the grammatical subject says whose action it is."""
    st = ctx.stances[idx].stance
    low = ctx.lowered[idx]
    acting = st in ("own_action", "team_action", "plan_step")
    if st == "hedge":
        return "soft" if _I.search(low) else ""
    if st == "filler":
        return ""
    if _I.search(low) and (acting or i_action(low)):
        return "mine"
    if _WE.search(low) and (acting or L.WE_ACTION.search(low)):
        return "team"
    # no subject: an imperative step of the candidate's own plan
    return "mine" if acting and ctx.rubric.kind in PLAN_KINDS else ""


def score(ctx: AnswerContext) -> DimensionScore:
    i_actions: list[int] = []
    soft: list[int] = []
    we_actions: list[int] = []
    decisions: list[int] = []
    blame: list[int] = []
    defer: list[int] = []
    i_refs = we_refs = 0
    for idx, s in enumerate(ctx.lowered):
        i_refs += len(_I.findall(s))
        we_refs += len(_WE.findall(s))
        if ctx.stances:
            kind = _classify_by_stance(ctx, idx)
            if kind == "mine" and len(L.BUZZ.findall(s)) >= 2:
                kind = "soft"  # a sentence of buzzwords ("I'd leverage best-in-class tooling")
            {"mine": i_actions, "soft": soft, "team": we_actions}.get(kind, []).append(idx)
        elif L.SOFT_ACTION.search(s):
            # a plan held loosely ("I'd probably think about") says less than an action
            soft.append(idx)
        elif i_action(s):
            # so does a sentence of buzzwords ("I'd leverage best-in-class tooling")
            if len(L.BUZZ.findall(s)) >= 2:
                soft.append(idx)
            else:
                i_actions.append(idx)
        elif L.WE_ACTION.search(s) or L.PASSIVE_DECISION.search(s):
            we_actions.append(idx)
        if _DECIDE.search(s):
            decisions.append(idx)
        if ctx.stances:
            continue  # blame and deferral are read by the stance model (flawed sentences)
        if L.BLAME.search(s):
            blame.append(idx)
        if L.DEFER.search(s):
            defer.append(idx)
    mine = len(i_actions) + 0.5 * len(soft)
    acts = mine + len(we_actions)
    ratio = mine / acts if acts else (i_refs / (i_refs + we_refs) if i_refs + we_refs else 0.0)
    value = 4.0 * min(1.0, ratio / 0.7) * min(1.0, (mine + 1) / 4)
    if soft:  # mostly tentative: the listener cannot tell what you would really do
        value *= 0.6 + 0.4 * len(i_actions) / (len(i_actions) + len(soft))
    value += 0.5 if decisions else 0.0
    value -= BLAME_COST * min(2, len(blame)) + (DEFER_COST if defer else 0.0)
    value = max(0.0, min(4.0, value))
    if not ctx.sentences:
        value = 0.0
    evidence = [ctx.evidence(i, "your action") for i in i_actions[:3]]
    evidence += [ctx.evidence(i, "your decision") for i in decisions[:1] if i not in i_actions[:3]]
    evidence += [ctx.evidence(i, "'we' with no personal role") for i in we_actions[:2]]
    evidence += [
        ctx.evidence(i, "a tentative or abstract action")
        for i in soft[:1]
        if len(soft) > len(i_actions)
    ]
    evidence += [ctx.evidence(i, "the fault put on others") for i in blame[:2]]
    evidence += [ctx.evidence(i, "the judgement handed to others") for i in defer[:1]]
    advice = []
    if ratio < 0.6 and we_actions:
        advice.append(
            "Say what you did: swap 'we did X' for 'I did Y so the team could X', and "
            "keep the team's credit where it belongs."
        )
    if len(soft) > len(i_actions):
        advice.append(
            "Say what you actually do, not what you would think about or try: 'I'd pull 30 "
            "days of logs' rather than 'I'd probably look into it'."
        )
    if blame:
        advice.append(
            "Own your part: describe the other side's actions neutrally and spend the time on "
            "what you did and what you would spot earlier next time."
        )
    if defer:
        advice.append(
            "Show your own judgement on the hard part instead of handing it to others: the "
            "question you asked, the risk you saw, the call you helped make."
        )
    if not decisions:
        advice.append("Name a decision you made or drove, and why you made it.")
    reason = (
        f"{T.count(len(i_actions), 'first-person action')}, "
        f"{T.count(len(we_actions), 'team action')}, {T.count(len(decisions), 'decision')}"
    )
    if soft:
        reason += f", {len(soft)} tentative"
    if blame:
        reason += f", {len(blame)} blaming others"
    if defer:
        reason += ", judgement handed to others"
    return DimensionScore("ownership", round(value, 2), reason, tuple(evidence), tuple(advice))
