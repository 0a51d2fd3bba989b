"""Red flags: the flaws the stance model reads in a sentence (blame, handing the decision away,
dishonesty, heroics, overriding the team, status tracking only, process for its own sake), and the
rubric's other flags by their cue phrases, unless the sentence reads as clean.

A few flags need more than cue phrases: jargon is a density of buzzwords with few specifics,
and "no result" is a story that never says what happened.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from loopcoach.analysis import lexicon as L
from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext
from loopcoach.analysis.scorers import structure
from loopcoach.domain.analysis import DimensionScore, FlagHit
from loopcoach.domain.kinds import FlagSource

PENALTY = {"question": 1.5, "role": 1.25, "common": 1.25}
_BUZZ = L.BUZZ
# Flags that describe something missing from the answer ("no business result", "no numbers")
# do not apply when the answer plainly has it: a strong story may mention its weekly sync.
_RESULT_STATED = re.compile(
    r"\b(as a result|the (outcome|result|impact) was|in the end|by the end|which meant|"
    r"success (is|was|means)|done when|(cut|reduced|increased|improved|saved|dropped|fell|rose|"
    r"grew|halved|doubled|shipped|launched|went live|hit|landed)\b.{0,40}\b(\d|from|to|by)|"
    r"\d+(\.\d+)? ?(%|percent))"
)
_NEGATION = re.compile(
    r"\b(not|never|didn'?t|don'?t|wouldn'?t|avoid|instead of|rather than|"
    r"no longer|without)\b"
)


def _contradicted(flag_id: str, ctx: AnswerContext) -> bool:
    """True when a flag about an absence is contradicted by the answer itself."""
    if flag_id in ("process-over-outcome", "process-over-outcomes", "status-theater"):
        return any(_RESULT_STATED.search(s) for s in ctx.lowered)
    if flag_id == "no-scale-anchors":
        return (
            sum(
                1
                for s in ctx.lowered
                if L.NUMBER_UNIT.search(s) or L.WORD_NUMBER.search(s) or L.MONEY.search(s)
            )
            >= 2
        )
    if flag_id == "unstructured-ramble":
        return structure.rambling(ctx)[0] == 0.0
    return False


def _cue_hit(cues: list[str], ctx: AnswerContext) -> int | None:
    for cue in cues:
        for i in ctx.cue_sentences(T.phrase_stems(cue)):
            # "I never blame the team" is not blaming: skip cue hits under a negation
            before = ctx.lowered[i].split(cue.split()[0].lower())[0][-40:]
            if _NEGATION.search(before):
                continue
            return i
    return None


# What each flaw the stance model reads is called, when the rubric has no flag of its own for it;
# and the rubric flags that mean the same thing (their wording and advice are used instead).
STANCE_FLAGS: dict[str, tuple[str, str, str]] = {
    "blame": (
        "blames-others",
        "Puts the fault on other people",
        "Describe what the other party did in neutral words, then spend the time on your own part "
        "and what you did to recover.",
    ),
    "deferral": (
        "hands-off-the-decision",
        "Hands the decision to someone else",
        "Show your own judgement on the hard part: the options you laid out, the call you made or "
        "recommended, and why.",
    ),
    "integrity": (
        "misreports-status",
        "Hides bad news or dresses up the numbers",
        "Say how you raised bad news early and plainly; interviewers screen hard for honest "
        "reporting.",
    ),
    "heroics": (
        "heroics",
        "Success through personal overwork",
        "Tell it as a system you set up: what you cut or re-sequenced, who you brought in, and "
        "how it would not need a rescue next time.",
    ),
    "override": (
        "overrides-the-team",
        "Overrides the team",
        "Show how you heard the objections, what you changed because of them, and how the team "
        "came to own the decision.",
    ),
    "status_only": (
        "status-tracking-only",
        "Only tracks dates and relays status",
        "Show the judgement you added: the risk you spotted, the trade-off you proposed, the "
        "decision you drove.",
    ),
    "process_over_outcome": (
        "process-over-outcome",
        "Process for its own sake",
        "Tie each ceremony or document to the outcome it protected, with the result it produced.",
    ),
}
SAME_AS: dict[str, tuple[str, ...]] = {
    "blame": ("blames-others",),
    "deferral": ("defers-technical-decisions", "escalates-first"),
    "integrity": ("hides-slip",),
    "heroics": ("heroics",),
    "status_only": ("status-theater",),
    "process_over_outcome": ("process-over-outcome", "process-over-outcomes"),
}
# Flags the stance model now judges: their cue phrases no longer decide on their own.
STANCE_JUDGED = frozenset(i for ids in SAME_AS.values() for i in ids)


_FLAW_PATTERNS = {"blame": L.BLAME, "heroics": L.HEROICS, "deferral": L.DEFER}


def cue_flaws(ctx: AnswerContext) -> dict[int, str]:
    """Sentences whose words look like a flaw: the rubric's cue phrases for the flags the stance
    model judges, and a few patterns. A feature only: the engine counts such a sentence as
    flawed when the stance model also gives it a fair flaw probability."""
    out: dict[int, str] = {}
    for flaw, pattern in _FLAW_PATTERNS.items():
        for i, low in enumerate(ctx.lowered):
            if i not in out and pattern.search(low):
                out[i] = flaw
    for _, flag in ctx.flags:
        judged = next((f for f, ids in SAME_AS.items() if flag.id in ids), None)
        if judged is None:
            continue
        hit = _cue_hit(list(flag.cues), ctx)
        if hit is not None and hit not in out:
            out[hit] = judged
    return out


def _stance_hits(ctx: AnswerContext, seen: set[str]) -> list[FlagHit]:
    by_id = {f.id: (source, f) for source, f in ctx.flags}
    hits: list[FlagHit] = []
    found: dict[str, int] = {}
    for i, st in enumerate(ctx.stances):
        if st.flaw is not None and st.flaw not in found:
            found[st.flaw] = i
    for flaw, i in found.items():
        own_id, label, advice = STANCE_FLAGS[flaw]
        source: FlagSource = "common"
        fid = own_id
        for alias in SAME_AS.get(flaw, ()):
            if alias in by_id:
                source, f = by_id[alias]
                fid, label, advice = f.id, f.label, f.advice
                break
        if fid in seen:
            continue
        seen.add(fid)
        note = f"{label} ({ctx.stances[i].flaw_p:.0%} sure)"
        hits.append(FlagHit(fid, label, source, advice, ctx.evidence(i, note), "stance"))
    return hits


def flaw_kinds(hits: Sequence[FlagHit]) -> set[str]:
    """The stance flaws among flag hits (by the rubric id they were reported under)."""
    out: set[str] = set()
    for flaw, (own_id, _, _) in STANCE_FLAGS.items():
        ids = {own_id, *SAME_AS.get(flaw, ())}
        if any(h.id in ids for h in hits):
            out.add(flaw)
    return out


def sure_kinds(hits: Sequence[FlagHit], ctx: AnswerContext, threshold: float) -> set[str]:
    """The stance flaws among flag hits that a sentence carries with at least ``threshold`` flaw
    probability: the readings sure enough to cap the score (a flaw found short of it is named
    and costs points, but does not cap; see ``Judgement.cap_threshold``)."""
    out: set[str] = set()
    if not ctx.stances:
        return flaw_kinds(hits)
    for flaw in flaw_kinds(hits):
        own_id = STANCE_FLAGS[flaw][0]
        ids = {own_id, *SAME_AS.get(flaw, ())}
        carried = [st.flaw_p for st in ctx.stances if st.flaw == flaw]
        cued = [
            ctx.stances[h.evidence.index].flaw_p
            for h in hits
            if h.id in ids and h.evidence is not None and 0 <= h.evidence.index < len(ctx.stances)
        ]
        if max([*carried, *cued], default=0.0) >= threshold:
            out.add(flaw)
    return out


def find(ctx: AnswerContext) -> list[FlagHit]:
    """The red flags the answer raises, found once per analysis (`Features.flag_hits`:
    coverage reads them too)."""
    if not ctx.sentences:
        return []
    hits: list[FlagHit] = []
    seen: set[str] = set()
    if ctx.stances:
        hits += _stance_hits(ctx, seen)
    for source, flag in ctx.flags:
        if flag.id in seen:
            continue
        if flag.id == "jargon-without-substance":
            hit = _jargon(ctx, flag.label, flag.advice)
            if hit:
                hits.append(hit)
                seen.add(flag.id)
            continue
        if flag.id in ("no-result", "vague-we"):
            continue  # structure and ownership already score these; not counted twice
        if ctx.stances and flag.id in STANCE_JUDGED:
            continue  # the stance model reads these by meaning; cue phrases are not the decision
        if _contradicted(flag.id, ctx):
            continue
        i = _cue_hit(list(flag.cues), ctx)
        if (
            i is not None
            and ctx.stances
            and ctx.stances[i].flaw is None
            and ctx.stances[i].flaw_p < 0.2
        ):
            continue  # the cue's words, but the sentence reads as clean ("I never hid it")
        if i is not None:
            hits.append(
                FlagHit(
                    flag.id, flag.label, source, flag.advice, ctx.evidence(i, flag.label), "cue"
                )
            )
            seen.add(flag.id)
    return hits


def _jargon(ctx: AnswerContext, label: str, advice: str) -> FlagHit | None:
    counts = [len(_BUZZ.findall(s)) for s in ctx.lowered]
    total = sum(counts)
    per100 = total / max(ctx.word_count / 100, 0.5)
    numbers = sum(1 for s in ctx.lowered if L.NUMBER_UNIT.search(s))
    if total >= 3 and per100 >= 1.2 and numbers <= 1:
        i = max(range(len(counts)), key=lambda k: counts[k])
        return FlagHit(
            "jargon-without-substance",
            label,
            "common",
            advice,
            ctx.evidence(i, f"{total} buzzwords"),
            "density",
        )
    return None


def severity(hit: FlagHit, ctx: AnswerContext) -> float:
    """How much worse than a single slip a flag is: blame repeated across the answer, or
    buzzwords throughout rather than here and there, weigh more."""
    if hit.how == "stance":
        kinds = {st.flaw for st in ctx.stances if st.flaw is not None}
        n = sum(1 for st in ctx.stances if st.flaw is not None and st.flaw in kinds)
        return 1.0 + 0.3 * min(2, max(0, n - len(kinds)))
    if hit.id == "jargon-without-substance":
        total = sum(len(_BUZZ.findall(s)) for s in ctx.lowered)
        per100 = total / max(ctx.word_count / 100, 0.5)
        return 1.0 + min(0.8, max(0.0, per100 - 2.0) * 0.4)
    return 1.0


def score(ctx: AnswerContext, hits: Sequence[FlagHit]) -> DimensionScore:
    if not ctx.sentences:
        return DimensionScore("red_flags", 0.0, "no answer", (), ())
    penalty = sum(PENALTY.get(h.source, 1.0) * severity(h, ctx) for h in hits)
    value = max(0.0, 4.0 - penalty)
    evidence = tuple(h.evidence for h in hits if h.evidence is not None)
    advice = tuple(f"{h.label}: {h.advice}" for h in hits)
    reason = (
        "no red flags"
        if not hits
        else f"{T.count(len(hits), 'red flag')}: " + ", ".join(h.label for h in hits)
    )
    return DimensionScore("red_flags", round(value, 2), reason, evidence, advice)
