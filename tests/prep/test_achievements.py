"""Finding achievements whatever the verb or layout; duties reported, not drafted."""

from __future__ import annotations

import io

import pytest

from loopcoach.content.library import Library
from loopcoach.prep.achievements import classify, language_of, quantities, scale_of
from loopcoach.prep.history import Entry
from loopcoach.prep.importers import parse_history
from loopcoach.prep.stories import draft_story, story_dict, story_lengths

BILLING = (
    "Ran the replacement of our legacy billing provider for 1.2M subscriptions, using dual "
    "writes and shadow reads for six weeks; renewals failed at 0.03% versus a 0.5% budget"
)
PERSUADED = "Persuaded the CTO to pause a vendor rollout until the security review was done"
MIGRATION = (
    "Led the migration of 140 microservices to Kubernetes across 8 engineering teams in "
    "3 time zones"
)


@pytest.mark.parametrize(
    "text",
    [
        BILLING,
        PERSUADED,
        MIGRATION,
        "Cut p99 latency from 1.4 s to 620 ms with a team of 7 engineers",
        "Hosting costs fell 31% after the move to AWS",
        "Leading the rollout of SSO to 40,000 employees",
        "I set up the risk register, and missed milestones fell from 9 to 2",
        "Declined a director's request mid-sprint and scheduled it for the next sprint instead.",
        "Orchestrated the sunset of three legacy CRMs, moving 2 million records with no data loss",
    ],
)
def test_achievements_found_whatever_the_verb(text: str) -> None:
    assert classify(text).achievement, classify(text)


@pytest.mark.parametrize(
    "text",
    [
        "Responsible for weekly status reporting to leadership",
        "Helped with vendor onboarding.",
        "Managed the weekly status meeting",
        "Tracked delivery of a 4G upgrade across 220 radio sites and wrote the weekly report.",
    ],
)
def test_achievements_duties_are_not_stories(text: str) -> None:
    assert classify(text).kind == "duty"


def test_achievements_quantities_keep_units() -> None:
    q = quantities("Cut p99 latency from 1.4 s to 620 ms with a team of 7 engineers in 2021")
    assert q == ["from 1.4 s to 620 ms", "7 engineers"]
    assert quantities(MIGRATION) == ["140 microservices", "8 engineering teams", "3 time zones"]
    assert scale_of(BILLING) == ["1.2M subscriptions", "six weeks"]


def test_achievements_story_keeps_role_scale_and_outcome() -> None:
    entry = Entry(title="Senior TPM", company="Tallyho", start="Mar 2021", end="Present")
    s = draft_story(1, BILLING, entry)
    d = story_dict(s)
    assert (d["position"], d["employer"], d["dates"]) == (
        "Senior TPM",
        "Tallyho",
        "Mar 2021 – Present",
    )
    assert d["scale"] == ["1.2M subscriptions", "six weeks"]
    assert d["outcome"] == "Renewals failed at 0.03% versus a 0.5% budget."
    deep = " ".join(d["lengths"]["deep_dive"])
    assert "1.2M subscriptions" in deep and "0.03%" in deep


LAYOUT = {
    "cv.tex": r"""\documentclass{article}\begin{document}
\section*{Experience}
\resumeSubheading{Tallyho}{Mar 2021 -- Present}{Senior TPM}{Berlin}
\begin{itemize}
\item BILLING.
\item \textbf{Persuaded} the CTO to pause a vendor rollout, avoiding a \$2M write-off.
\end{itemize}
\end{document}""".replace("BILLING", BILLING.replace("%", r"\%")),
    "cv.md": f"""# Jo Park

## Experience

| Role | Company | Dates | Achievements |
|---|---|---|---|
| Senior TPM | Tallyho | 2021 – Present | {BILLING} <br> {PERSUADED} |
""",
    "cv.json": '{"basics": {"name": "Jo Park"}, "work": [{"name": "Tallyho", "position": '
    '"Senior TPM", "startDate": "2021-03", "summary": "' + PERSUADED + '.", '
    '"highlights": ["' + BILLING + '"]}]}',
    "cv.txt": f"""Jo Park

Experience
Senior TPM, Tallyho, Mar 2021 - Present
{PERSUADED}. {BILLING}. I also attended the architecture forum.
""",
}


@pytest.mark.parametrize("name", sorted(LAYOUT))
def test_achievements_every_layout(name: str) -> None:
    h = parse_history(LAYOUT[name].encode(), name)
    found = [b.text for b in h.bullets if classify(b.text).achievement]
    assert any(t.startswith("Ran the replacement") for t in found), found
    assert any(t.startswith("Persuaded the CTO") for t in found), found
    assert h.entries[0].company == "Tallyho"


def test_achievements_docx_table() -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Experience", level=1)
    table = doc.add_table(rows=1, cols=3)
    cells = table.rows[0].cells
    cells[0].text, cells[1].text, cells[2].text = "Senior TPM, Tallyho", "2021 – Present", BILLING
    buf = io.BytesIO()
    doc.save(buf)
    h = parse_history(buf.getvalue(), "cv.docx")
    assert [b.text for b in h.bullets] == [BILLING]


def test_achievements_language() -> None:
    de = (
        "Ich habe die Migration von 140 Diensten in die Cloud geleitet und die Kosten um 31 "
        "Prozent gesenkt. Wir haben das Team für die Plattform aufgebaut und die Einführung "
        "bei den Kunden mit der Abteilung begleitet."
    )
    assert language_of(de) == "de"
    assert language_of(BILLING + ". " + MIGRATION + ". " + PERSUADED) == "en"


def test_achievements_deep_dive_keeps_numbers_with_units() -> None:
    entry = Entry(title="TPM", company="Brightline", start="2016", end="2021")
    s = draft_story(
        1,
        "Cut p99 checkout latency from 1.4 s to 620 ms with 7 engineers across "
        "2 teams, lifting conversion 3%.",
        entry,
    )
    deep = story_lengths(s).deep_dive
    assert deep[1].startswith("Teams and dependencies: 7 engineers, 2 teams;")
    assert deep[-1] == ("Numbers to have ready: from 1.4 s to 620 ms, 7 engineers, 2 teams, 3%")


def test_achievements_non_english_resume_is_read_and_told_matching_is_english_only(
    library: Library,
) -> None:
    from loopcoach.prep.pack import language_notice
    from loopcoach.prep.resume_score import score_resume
    from loopcoach.prep.stories import candidate_stories, to_strengthen

    de = """Jana Schmidt

Berufserfahrung
Senior TPM, Nordwerk GmbH, 03/2021 – heute
- Leitete die Migration von 140 Diensten in die Cloud mit 8 Teams; die Kosten sanken um 31 %.
- Verantwortlich für die wöchentlichen Statusberichte an die Geschäftsführung.
- Überzeugte den CTO, die Einführung eines Anbieters zu stoppen, und sparte 1,2 Mio. €.
"""
    h = parse_history(de.encode(), "lebenslauf.md")
    stories = candidate_stories(h, score_resume(h, library.role("tpm")))
    assert len(stories) == 2 and len(to_strengthen(h)) == 1
    notice = language_notice(h)
    assert (
        notice["code"] == "de"
        and "matching them to questions is English-only" in (notice["notice"])
    )


@pytest.mark.parametrize(
    "line",
    [
        "Ran sprint planning and backlog refinement for two teams.",
        "Ran the weekly status meetings for 3 squads.",
        "Managed the programme budget for 4 workstreams.",
    ],
)
def test_achievements_routine_ceremonies_are_duties_however_sized(line: str) -> None:
    assert classify(line).kind == "duty"
    # the same verb with a result is an achievement
    assert classify(line.rstrip(".") + ", cutting planning time by 40%.").achievement


@pytest.mark.parametrize(
    "line",
    [
        "Payroll export rebuilt on a queue for 3 banks; failed runs fell from 12 a month to 1.",
        "Onboarding checklist written with the support lead and adopted by 5 regional teams.",
        "Fleet telematics rollout taken to all 9 depots in one quarter, with no missed deliveries.",
        "Tender process for the data platform run over two months, and the cheaper bid was chosen.",
    ],
)
def test_achievements_passive_openings_with_a_result_are_achievements(line: str) -> None:
    assert classify(line).achievement, classify(line)


@pytest.mark.parametrize(
    "line",
    [
        "Release notes prepared for every sprint and shared with support.",
        "Vendor invoices checked against purchase orders each month.",
    ],
)
def test_achievements_passive_openings_without_a_result_stay_duties(line: str) -> None:
    assert not classify(line).achievement, classify(line)


@pytest.mark.parametrize(
    "line",
    [
        "Own the delivery plan for 3 squads (24 engineers) in two offices.",
        "Owns the backlog for the fulfilment team (6 engineers, 1 designer).",
        "I own the roadmap for two mobile teams that share one codebase.",
        "Led a team of 6 field technicians covering the northern depots.",
        "Coordinated release trains for the web and iOS apps across 5 teams.",
        "Managed warehouse automation projects with budgets up to $800k.",
        "Wrote the API style guide (p95 under 300 ms, 99.9% uptime) for the platform group.",
        "Portfolio scope: 4 squads and a €2M annual budget; partner with the finance lead.",
    ],
)
def test_achievements_a_sized_remit_is_a_duty_until_it_says_what_changed(line: str) -> None:
    assert classify(line).kind == "duty", classify(line)
    changed = line.rstrip(".") + "; on-time releases rose from 60% to 90%."
    assert classify(changed).achievement, classify(changed)


def test_achievements_a_one_off_piece_of_work_sized_is_still_an_achievement() -> None:
    # the object is a piece of work, not a standing remit
    assert classify("Led the move of 30 batch jobs to the new scheduler across 4 teams").achievement
    assert classify("Ran the rollout of the new POS to 120 stores in 6 regions").achievement


def test_achievements_french_resume_remits_are_duties_and_results_are_split(
    library: Library,
) -> None:
    """A French CV: a remit with a team size ("Responsable du backlog ... (12 développeurs)")
    is a duty, not a story; a result after a semicolon ("les incidents ... ont baissé de 35 %")
    is the story's result; the notice says how lines were read and what came of them."""
    from loopcoach.prep.pack import language_notice
    from loopcoach.prep.resume_score import score_resume
    from loopcoach.prep.stories import candidate_stories, to_strengthen

    fr = """Claire Dubois

Expérience professionnelle
Product Owner technique — Ventelys SAS, Lyon    2019 – aujourd'hui
- Responsable du backlog de deux équipes Scrum (12 développeurs).
- Mise en place d'un tableau de bord qualité ; les incidents en production ont baissé de 35 %.
- Déploiement du portail en 5 incréments ; délai de paiement réduit de 9 à 2 jours.
"""
    h = parse_history(fr.encode(), "cv.txt")
    stories = [s for s, _ in candidate_stories(h, score_resume(h, library.role("tpo")))]
    assert [s.source[:12] for s in stories] == ["Mise en plac", "Déploiement "]
    assert stories[0].result.startswith("Les incidents en production ont baissé de 35 %")
    assert stories[1].result.startswith("Délai de paiement réduit de 9 à 2 jours")
    assert [d["text"][:11] for d in to_strengthen(h)] == ["Responsable"]
    notice = language_notice(h)
    assert notice["code"] == "fr"
    assert "2 of 3 lines carry a number or a change" in notice["found"]
    assert notice["found"] in notice["notice"]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Owned the partner booking API used by 140 travel agencies, with a team of 7.", "duty"),
        ("Oversaw the data platform for 3 business units and 40 engineers.", "duty"),
        ("Joined sprint reviews and demos every two weeks.", "duty"),
        ("Owned the payments integration end to end and launched it to 2M users.", "achievement"),
        ("Owned the checkout rewrite, which cut abandonment from 31% to 22%.", "achievement"),
    ],
)
def test_achievements_owning_or_attending_is_a_remit_until_something_changed(
    line: str, kind: str
) -> None:
    assert classify(line).kind == kind


@pytest.mark.parametrize(
    "line",
    [
        # the scene first, then the action with the doer dropped
        "After the March payments outage (5 hours), ran the incident review and drove 14 fixes "
        "to closure; no repeat incident in the next year.",
        # the scene as a clause of its own, then "I" acting
        "Two squads disagreed on polling vs. webhooks; I set up a one-week trial with both, and "
        "the webhook design was approved by the architecture forum.",
        # a noun-phrase subject with an auxiliary before the participle
        "Rollout of the new handheld scanners to 12 depots was completed with no missed "
        "deliveries.",
        # a decision that changed the course
        "Said no to a bespoke reporting portal for the sales team and offered a CSV export in "
        "one sprint.",
    ],
)
def test_achievements_found_after_a_scene_setting_clause_or_a_decision(line: str) -> None:
    assert classify(line).achievement, classify(line)


@pytest.mark.parametrize(
    "line",
    [
        "Introduced fortnightly architecture reviews across 5 teams in 2 offices.",
        "Coordinated the payroll integration for 3 countries, 4 teams and an outside vendor.",
        "After the reorganisation, coordinated the release calendar for 6 squads.",
    ],
)
def test_achievements_rhythms_and_coordination_sized_are_duties(line: str) -> None:
    assert classify(line).kind == "duty", classify(line)
    changed = line.rstrip(".") + "; late releases fell from 7 a quarter to 1."
    assert classify(changed).achievement, classify(changed)


def test_achievements_a_table_row_of_action_and_result_is_one_story() -> None:
    text = (
        "Key achievements\n\n| Achievement | Result |\n|---|---|\n"
        "| Moved the nightly invoice batch onto an event stream | Invoice errors went from 3% "
        "to 0.4% |\n| Set up contract tests for the partner API | Broken partner releases down "
        "from 9 to 1 a year |\n"
    )
    h = parse_history(text.encode(), "cv.md")
    assert [b.text for b in h.bullets] == [
        "Moved the nightly invoice batch onto an event stream; Invoice errors went from 3% to 0.4%",
        "Set up contract tests for the partner API; Broken partner releases down from 9 to 1 a "
        "year",
    ]
