"""The résumé scorer: strong bullets score high, weak ones get a concrete fix."""

from __future__ import annotations

import pytest
from tests.prep.resumes import load_resume

from loopcoach.content.library import Library
from loopcoach.prep.history import Bullet
from loopcoach.prep.resume_score import role_vocabulary, score_bullet, score_resume


def bullet_score(library: Library, text: str, role: str = "tpm"):  # type: ignore[no-untyped-def]
    vocab = role_vocabulary(library.role(role))
    return score_bullet(Bullet("b1", text, 0), vocab, role.upper())


GOOD = [
    "Led the migration of 140 services to Kubernetes on AWS, coordinating nine engineering teams "
    "over three quarters; hosting costs fell 31% with no outage.",
    "Set up the risk register and a weekly dependency review across four time zones, cutting "
    "average blocker age from 11 days to 3.",
]
WEAK = [
    "Responsible for meeting notes and the project schedule.",
    "Helped with vendor onboarding.",
    "Worked on improving the change process.",
]


@pytest.mark.parametrize("text", GOOD)
def test_resume_score_strong_bullets_score_high(library: Library, text: str) -> None:
    s = bullet_score(library, text)
    assert s.score >= 85, s.parts
    assert s.parts["outcome"] == 25 and s.parts["metric"] == 25


@pytest.mark.parametrize("text", WEAK)
def test_resume_score_weak_bullets_get_a_fix(library: Library, text: str) -> None:
    s = bullet_score(library, text)
    assert s.score < 20
    assert s.issues and s.fix.endswith(".")
    assert "start with what you did" in s.fix.lower()


def test_resume_score_missing_scale_and_result_names_both(library: Library) -> None:
    s = bullet_score(library, "Coordinated the cross-team program for the new payments platform.")
    assert "how many teams" in s.fix and "result" in s.fix
    assert any("no result" in i for i in s.issues)


def test_resume_score_counts_the_roles_language(library: Library) -> None:
    text = "Refined the backlog with the team and wrote acceptance criteria for each story."
    po = bullet_score(library, text, "po")
    assert po.parts["role"] > 0 and "acceptance criteria" in po.found["role_terms"]


def test_resume_score_scale_anchors(library: Library) -> None:
    s = bullet_score(
        library,
        "Moved 2.3 TB and 40 services for 1.2 million users in 6 months, "
        "saving $400k with p95 under 200 ms across 5 teams.",
    )
    assert set(s.found["anchors"]) == {
        "teams",
        "duration",
        "users",
        "money",
        "latency",
        "migration size",
    }


def test_resume_score_overall_and_fix_first(library: Library) -> None:
    r = score_resume(load_resume("tpm.md"), library.role("tpm"))
    assert 40 <= r.score <= 90
    assert len(r.bullets) == 17 and r.fix_first
    d = r.to_dict()
    assert set(d) >= {"score", "bullets"}
    assert set(d["bullets"][0]) >= {"text", "score", "issues", "fix"}
    weakest = min(r.bullets, key=lambda b: b.score)
    assert weakest.bullet.text.startswith(("Responsible", "Helped", "Worked"))
    assert score_resume(load_resume("tpm.md"), library.role("tpm")).to_dict() == d
