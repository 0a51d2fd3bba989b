"""Ownership: the candidate's own actions and decisions versus "we" and "the team"."""

from __future__ import annotations

import re

from loopcoach.analysis import lexicon as L
from loopcoach.analysis.context import AnswerContext
from loopcoach.domain.analysis import DimensionScore

_I = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me)\b")
_WE = re.compile(r"\b(we|we're|we've|we'd|our|us|the team)\b")
_WOULD = re.compile(r"\bi(?:'d| would| will|'ll)(?: \w+)? (\w+)")
_DECIDE = re.compile(
    r"\b(i (decided|chose|made the call|recommended|proposed|owned|was "
    r"accountable|took ownership|pushed for|insisted|committed)|my (call|"
    r"decision|recommendation|mistake))\b"
)


def score(ctx: AnswerContext) -> DimensionScore:
    i_actions, we_actions, decisions = [], [], []
    i_refs = we_refs = 0
    for idx, s in enumerate(ctx.lowered):
        i_refs += len(_I.findall(s))
        we_refs += len(_WE.findall(s))
        if L.ACTION.search(s) or _WOULD.search(s):
            i_actions.append(idx)
        elif L.WE_ACTION.search(s):
            we_actions.append(idx)
        if _DECIDE.search(s):
            decisions.append(idx)
    acts = len(i_actions) + len(we_actions)
    ratio = (
        len(i_actions) / acts
        if acts
        else (i_refs / (i_refs + we_refs) if i_refs + we_refs else 0.0)
    )
    value = 4.0 * min(1.0, ratio / 0.7) * min(1.0, (len(i_actions) + 1) / 4)
    value += 0.5 if decisions else 0.0
    value = min(4.0, value)
    if not ctx.sentences:
        value = 0.0
    evidence = [ctx.evidence(i, "your action") for i in i_actions[:3]]
    evidence += [ctx.evidence(i, "your decision") for i in decisions[:1] if i not in i_actions[:3]]
    evidence += [ctx.evidence(i, "'we' with no personal role") for i in we_actions[:2]]
    advice = []
    if ratio < 0.6 and we_actions:
        advice.append(
            "Say what you did: swap 'we did X' for 'I did Y so the team could X', and "
            "keep the team's credit where it belongs."
        )
    if not decisions:
        advice.append("Name a decision you made or drove, and why you made it.")
    reason = (
        f"{len(i_actions)} first-person actions, {len(we_actions)} team actions, "
        f"{len(decisions)} decisions"
    )
    return DimensionScore("ownership", round(value, 2), reason, tuple(evidence), tuple(advice))
