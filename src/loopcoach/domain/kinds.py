"""The closed sets of words the app stores and reports: statuses, sources and dimension names.

Each is a `Literal`, so a value serialises as the same string it always did (JSON, the database,
the API) while mypy catches a misspelt one. The matching tuple lists the values in order, for
checks at the edges (`one_of`) and for display order.
"""

from __future__ import annotations

from typing import Literal, TypeVar, get_args

# --- analysis ----------------------------------------------------------------------------
# The six built-in dimensions, in report order. `Analysis.dimensions` stays keyed by `str`:
# a pack or plugin may register a scorer for a dimension of its own (analysis/registry.py).
Dimension = Literal["structure", "coverage", "specificity", "ownership", "red_flags", "delivery"]
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)

# Where a rubric came from: the pack's own question, the nearest pack question to a pasted
# prompt, or the generic rubric of the question's kind.
RubricSource = Literal["pack", "matched", "generic"]
RUBRIC_SOURCES: tuple[RubricSource, ...] = get_args(RubricSource)

# How a talking point was found: a cue phrase, a part of a told story, its meaning, only touched
# on ("partial", not made), or "" when missed.
PointHow = Literal["cue", "story", "meaning", "partial", ""]

# Which list a red flag came from, and how it was found: a cue phrase, the stance model's
# reading of the sentence, or buzzword density.
FlagSource = Literal["question", "role", "common"]
FlagHow = Literal["cue", "stance", "density"]

# --- practice ----------------------------------------------------------------------------
# Where a scored attempt was given.
AttemptSource = Literal["practice", "analyze", "mock"]
ATTEMPT_SOURCES: tuple[AttemptSource, ...] = get_args(AttemptSource)

# A practice card's kind, and where it stands in the queue: never practised, due now, or
# practised early (chosen by hand before it is due).
CardKind = Literal["question", "story"]
CardStatus = Literal["new", "due", "early"]

# --- mock interviews ---------------------------------------------------------------------
# Where a mock session stands (the fold of its events), and the status column the store keeps.
SessionStatus = Literal["awaiting-answer", "awaiting-analysis", "ready", "ended"]
SESSION_STATUSES: tuple[SessionStatus, ...] = get_args(SessionStatus)
StoredSessionStatus = Literal["active", "ended"]
# A session asks one stage at a time ("stage") or runs the whole loop ("loop").
SessionMode = Literal["stage", "loop"]
SESSION_MODES: tuple[SessionMode, ...] = get_args(SessionMode)
# What a turn asked: a planned question or a follow-up to one.
TurnKind = Literal["question", "follow-up"]
TURN_KINDS: tuple[TurnKind, ...] = get_args(TurnKind)
# Where a follow-up's prompt came from: the question's own, or its kind's generic rubric.
FollowUpSource = Literal["question", "generic"]
# Why a session ended: every planned question was asked, or the candidate stopped it.
EndReason = Literal["completed", "ended-early"]
END_REASONS: tuple[EndReason, ...] = get_args(EndReason)

# --- prep --------------------------------------------------------------------------------
# A résumé entry: a role held, or a project.
EntryKind = Literal["role", "project"]
# What a résumé line reads as: an achievement, a duty (a remit), or neither.
LineKindName = Literal["achievement", "duty", "other"]
# A story drafted from a résumé bullet, or written by the user.
StoryOrigin = Literal["drafted", "user"]
STORY_ORIGINS: tuple[StoryOrigin, ...] = get_args(StoryOrigin)

T = TypeVar("T", bound=str)


def one_of(options: tuple[T, ...], value: object, field: str) -> T:
    """`value` as one of `options` (typed as the Literal they belong to); ValueError naming the
    field and the choices otherwise."""
    for option in options:
        if option == value:
            return option
    raise ValueError(f"{field}: {value!r} is not one of {', '.join(options)}")
