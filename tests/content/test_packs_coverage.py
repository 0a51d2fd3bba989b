"""The built-in packs cover what the seeds give: three roles, every seed question, real rubrics."""

from __future__ import annotations

import re

import pytest

from loopcoach.content.library import Library
from loopcoach.content.search import SearchIndex

# Every question the TPO seed (000) and the TPM seeds (001, 002, 004) list, as the seeds word
# them. A few pack prompts are lightly reworded; search must still find each one first.
SEED_PROMPTS = {
    "tpo": [
        "Tell me about a time you had to push back on an engineering team's proposed technical approach. How did you handle it?",
        "Walk me through how you'd write acceptance criteria for a user story involving a third-party API integration.",
        "How do you prioritise technical debt against new feature work in your backlog?",
        "Your team is mid-sprint when a production incident reveals a flaw in a feature you released last quarter. The business sponsor wants the new roadmap item delivered on time. What do you do?",
        "Describe a feature or product you owned end-to-end. What were the key technical decisions and what would you do differently?",
        "How do you slice a large technical epic — say, a platform migration — into deliverable, valuable increments?",
        "Explain a system or architecture you've worked with recently. Why was it designed that way?",
        "Tell me about a time you had to communicate a complex technical concept or constraint to a non-technical stakeholder.",
        "Engineering wants to spend a sprint refactoring a core service. The business sees no visible output. How do you handle this?",
        "How do you define and measure success for technical or platform features that don't have direct customer-facing metrics?",
        "Tell me about a time you got the prioritisation wrong. What happened and what did you learn?",
        "A senior stakeholder bypasses your backlog and asks an engineer directly to build something. How do you respond?",
        "How do you work with architects and tech leads when shaping a new initiative? Where do your responsibilities overlap and where do they end?",
        "What's your relationship with the engineers you work with day-to-day? How close do you sit to the code?",
        "What's your view on the Technical Product Owner role versus a Product Manager or Scrum Master? Where do you add the most value?",
        "How do you decide when an API change requires versioning versus a breaking change communication?",
        "What's the difference between functional and non-functional acceptance criteria? Give examples from a recent story.",
        "Describe a time you had to say no to a stakeholder request. How did you frame it?",
        "Your team consistently over-commits at sprint planning. What's your role in addressing this?",
        "How do you handle dependencies between your team's backlog and another team's roadmap?",
        "Walk me through how you run backlog refinement. Who attends, what's the output?",
        "Tell me about a launch that didn't go as planned. What was your role in the recovery?",
        "What does 'definition of ready' mean for your stories, and how do you enforce it without becoming a bottleneck?",
        "You inherit a backlog with 400 open tickets, many over a year old. How do you approach it in your first month?",
        "How do you incorporate security and compliance requirements into your stories?",
        "Explain the difference between eventual and strong consistency. When would each be acceptable in a product you owned?",
        "How technical do you want to be in five years' time — more towards architect, or more towards product leadership?",
        "Give an example of when you used data or analytics to change the direction of a feature.",
        "An engineer on your team says a story estimate is 'much bigger than we thought' after work has started. What do you do?",
    ],
    "tpm": [
        "You’re managing a platform migration involving 6 engineering teams across 3 time zones. How would you structure this program?",
        "How do you assess and communicate technical risk to non-technical stakeholders?",
        "An engineering team tells you their deliverable will slip by 3 weeks. What do you do?",
        "Explain how you would evaluate whether to build a system in-house or buy a third-party solution.",
        "How do you manage dependencies between teams that have different priorities?",
        "Walk me through how you would run a post-incident review for a major production outage.",
        "Tell me about a time you had to drive alignment between teams that disagreed on a technical approach.",
        "Describe a program that didn’t go as planned. What happened and what did you learn?",
        "Tell me about a time you had to make a decision with incomplete information.",
        "Give an example of how you influenced a senior leader to change direction on a program.",
        "Tell me about a program you led from ambiguous idea to launch. How did you define scope?",
        "How do you build a plan when engineering estimates are uncertain?",
        "What signals tell you a program is off track before the milestone is missed?",
        "How do you manage dependencies across teams that do not report to the same leader?",
        "How do you avoid turning program management into status theater?",
        "You are leading a migration from a monolith to services. What risks do you track?",
        "How would you program-manage a database migration with no downtime requirement?",
        "An AI feature has impressive demos but inconsistent quality. How do you define launch criteria?",
        "A platform API is used by 200 internal teams. How do you roll out a breaking change?",
        "Cloud spend increased 40% quarter over quarter. How would you structure a cost-reduction program?",
        "Tell me about a time product wanted a date that engineering thought was unrealistic.",
        "How do you escalate without surprising people or damaging trust?",
        "Launch passkeys across web, iOS, Android, and support tooling in six months. Build the program plan.",
        "Lead a migration from a legacy billing provider to a new platform without disrupting renewals.",
        "Reduce p95 API latency by 50% across a critical customer workflow.",
        "Tell me about the most technically complex program you have managed.",
        "How do you handle disagreements or conflicts between two engineering teams, for example, about a technical implementation?",
        "How do you stay current with technology?",
        "Walk me through how you would plan a program from scratch.",
        "Design a system for a food delivery service.",
        "How do you balance technical debt versus new feature development?",
        "A key dependency from another team is delayed. How do you handle this?",
        "What metrics do you use to measure the success of a technical program?",
        "Describe a time a program you were managing failed. What did you learn?",
        "Why do you want to be a Technical Program Manager?",
        "Walk me through the high-level architecture of a service you've worked on, and explain the key technical trade-offs that were made",
        "Describe your process for identifying and mitigating risks in a large, cross-functional program",
        "Tell me about a time you had to gain buy-in for an unpopular technical decision from stakeholders. How did you do it?",
    ],
}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower().replace("’", "'")))


def test_packs_three_roles(library: Library) -> None:
    assert set(library.roles) >= {"tpm", "tpo", "po"}


@pytest.mark.parametrize("role,minimum", [("tpo", 29), ("tpm", 35), ("po", 20)])
def test_packs_question_counts(library: Library, role: str, minimum: int) -> None:
    assert len(library.role(role).questions) >= minimum


@pytest.mark.parametrize("role,prompt", [(r, p) for r, ps in SEED_PROMPTS.items() for p in ps])
def test_packs_every_seed_question_is_searchable(library: Library, role: str, prompt: str) -> None:
    hits = SearchIndex.from_library(library, role).search(prompt, limit=3, types=("question",))
    assert hits, prompt
    top = hits[0]
    overlap = len(_words(prompt) & _words(top.text)) / len(_words(prompt) | _words(top.text))
    assert overlap >= 0.5, (prompt, top.text)


def test_packs_every_question_meets_rubric_minimums(library: Library) -> None:
    for role in library.roles.values():
        for q in role.questions:
            assert len(q.talking_points) >= 4, q.id
            assert all(tp.cues and tp.description for tp in q.talking_points), q.id
            assert len(q.follow_ups) >= 2, q.id
            assert len(q.red_flags) >= 1, q.id
            assert q.why and q.stages and q.competencies, q.id


@pytest.mark.parametrize("role", ["tpm", "tpo", "po"])
def test_packs_role_sections_are_complete(library: Library, role: str) -> None:
    r = library.role(role)
    assert len(r.stages) >= 5 and r.formats and r.screens_for and r.red_flags
    assert len(r.dimensions) >= 4 and r.levels and r.competencies
    assert r.checklist and len(r.ask_interviewer) >= 5 and r.mistakes
    assert {p.days for p in r.plans} >= {14, 10}
    assert r.cases


def test_packs_named_cases_exist(library: Library) -> None:
    texts = " ".join(
        f"{c.title} {c.prompt}".lower() for r in library.roles.values() for c in r.cases
    )
    for needle in [
        "passkeys",
        "billing",
        "p95",
        "downtime",
        "monolith",
        "ai feature",
        "200",
        "cloud",
        "food",
        "notification",
        "payment",
        "time zones",
    ]:
        assert needle in texts, needle


def test_packs_one_generic_rubric_per_kind(library: Library) -> None:
    kinds = {q.kind for q in library.generic_rubrics}
    assert kinds == {"behavioural", "situational", "technical", "competency", "culture", "case"}
