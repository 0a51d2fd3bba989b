"""The built-in `_common` pack: generic red flags and one fallback rubric per question kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopcoach.content.library import Library, build_library
from loopcoach.content.loader import builtin_packs_dir, load_pack
from loopcoach.content.schema import QUESTION_KINDS

COMMON_FLAG_IDS = (
    "jargon-without-substance",
    "blames-others",
    "heroics",
    "fixed-ratio",
    "defers-technical-decisions",
    "escalates-first",
    "humblebrag-failure",
    "no-result",
    "process-over-outcome",
    "vague-we",
)


@pytest.fixture(scope="module")
def common() -> Library:
    lp = load_pack(Path(builtin_packs_dir()) / "_common", builtin=True)
    return build_library([lp])


def test_common_pack_defines_no_role(common: Library) -> None:
    assert common.roles == {}


@pytest.mark.parametrize("flag_id", COMMON_FLAG_IDS)
def test_common_pack_red_flag_has_cues(common: Library, flag_id: str) -> None:
    flags = {f.id: f for f in common.common_red_flags}
    assert flag_id in flags
    flag = flags[flag_id]
    assert len(flag.cues) >= 5
    assert all(c == c.lower() for c in flag.cues)
    assert flag.description and flag.advice


def test_common_pack_has_exactly_the_shared_flags(common: Library) -> None:
    assert sorted(f.id for f in common.common_red_flags) == sorted(COMMON_FLAG_IDS)


def test_common_pack_one_generic_rubric_per_kind(common: Library) -> None:
    kinds = [q.kind for q in common.generic_rubrics]
    assert sorted(kinds) == sorted(QUESTION_KINDS)


@pytest.mark.parametrize("kind", QUESTION_KINDS)
def test_common_pack_generic_rubric_is_complete(common: Library, kind: str) -> None:
    q = common.generic_rubric(kind)
    assert q.id == f"generic-{kind}"
    assert q.stages == [] and q.competencies == []
    assert len(q.talking_points) >= 5
    assert all(len(tp.cues) >= 3 for tp in q.talking_points)
    assert len(q.red_flags) >= 1
    assert len(q.follow_ups) >= 3
    assert len({fu.trigger for fu in q.follow_ups}) >= 3
