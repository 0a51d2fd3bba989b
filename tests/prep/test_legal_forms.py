"""Employers whose names end with a legal form ("Kontura s.r.o.", "Alpenwerk GmbH", "Koala
Systems Pty. Ltd.", "Banco Andino S.A."): the final full stop ends no sentence, an ALL-CAPS
employer line is no section heading, and the employer is kept. Small résumés written for these
tests."""

from __future__ import annotations

import time

from loopcoach.analysis.text import sentences
from loopcoach.prep.history import _employer_names, from_text, split_header
from loopcoach.prep.layout import heading_section, legal_form_end


def _jobs(text: str, fmt: str = "text") -> list[tuple[str, str, str]]:
    h = from_text(text, source="cv.txt", fmt=fmt)
    return [(e.title, e.company, e.start) for e in h.entries]


def test_legal_form_at_the_end_of_a_name() -> None:
    found = {
        "Kontura s.r.o.": "s.r.o.",
        "Alpenwerk GmbH": "GmbH",
        "Koala Systems Pty Ltd": "Pty Ltd",
        "Harbour Freight Pty. Ltd.": "Pty. Ltd.",
        "Banco Andino S.A.": "S.A.",
        "IMPACT LABS GMBH": "GMBH",
        "Ferrovia S.p.A.": "S.p.A.",
        "Nordic Data A/S": "A/S",
        "Nordbank AB": "AB",
        "Polska sp. z o.o.": "sp. z o.o.",
        "Müller GmbH & Co. KG": "GmbH & Co. KG",
        "**Acme Ltd.**": "Ltd.",
    }
    for text, form in found.items():
        assert legal_form_end(text) == form, text
    # words that only look like forms: "as", "spa" and "limited" in lower case, a form alone
    for text in ["Led the team as", "Built the spa", "Access was limited", "Inc.", "the SA region"]:
        assert legal_form_end(text) == "", text


def test_sentences_do_not_break_inside_pty_ltd() -> None:
    said = "Ran the vendor review for Koala Pty. Ltd. and saved 30%. Then hired 3 people."
    assert sentences(said) == [
        "Ran the vendor review for Koala Pty. Ltd. and saved 30%.",
        "Then hired 3 people.",
    ]
    assert len(sentences("Led sales at MedSetu Pvt. Ltd. for 3 years.")) == 1


def test_all_caps_employer_with_a_legal_form_is_no_section_heading() -> None:
    from loopcoach.prep.history import _TITLE_WORDS

    assert heading_section("PROFILE SOFTWARE S.A.", _TITLE_WORDS) is None
    assert heading_section("IMPACT LABS GMBH", _TITLE_WORDS) is None
    assert heading_section("PROFILE", _TITLE_WORDS) == "summary"
    text = """JANA NOVAK

EXPERIENCE

PROFILE SOFTWARE S.A.
Program Manager | Athens | 2016 - 2019
- Coordinated the ERP rollout to 12 plants on schedule, with zero unplanned downtime.

IMPACT LABS GMBH
Senior TPM | Berlin | 2019 - 2023
- Led the migration of 40 services to Kubernetes, cutting deploy time from 2 h to 15 min.
"""
    assert _jobs(text) == [
        ("Program Manager", "PROFILE SOFTWARE S.A.", "2016"),
        ("Senior TPM", "IMPACT LABS GMBH", "2019"),
    ]


def test_employer_line_ending_in_a_full_stop_heads_its_job() -> None:
    text = """JANA NOVAK

EXPERIENCE
Senior TPM
Kontura s.r.o., Brno
2019 - 2023
- Led the migration of 40 services to Kubernetes, cutting deploy time from 2 h to 15 min.

Program Manager
Mediaworks Pty. Ltd.
2016 - 2019
- Coordinated the ERP rollout to 12 plants on schedule, with zero unplanned downtime.

Kontura s.r.o.
Project Manager, 2014 - 2016
- Moved billing to a new provider, cutting failed renewals by 40%.
"""
    assert _jobs(text) == [
        ("Senior TPM", "Kontura s.r.o.", "2019"),
        ("Program Manager", "Mediaworks Pty. Ltd.", "2016"),
        ("Project Manager", "Kontura s.r.o.", "2014"),
    ]
    # a sentence that ends with a full stop is still no header
    h = from_text(
        "EXPERIENCE\nSenior TPM, Acme, 2019 - 2023\nLed the move to the cloud.\n"
        "Cut costs by 20% for the Alpenwerk GmbH.\n",
        source="cv.txt",
        fmt="text",
    )
    assert [b.text for b in h.bullets] == [
        "Led the move to the cloud.",
        "Cut costs by 20% for the Alpenwerk GmbH.",
    ]


def test_prose_keeps_a_pty_ltd_name_in_one_achievement() -> None:
    text = """EXPERIENCE
Program Manager, Mediaworks Pty. Ltd. (2016 - 2019)
Coordinated the ERP rollout for Harbour Pty. Ltd. to 12 plants on schedule, with zero downtime.
"""
    h = from_text(text, source="cv.txt", fmt="text")
    assert h.entries[0].company == "Mediaworks Pty. Ltd."
    assert [b.text for b in h.bullets] == [
        "Coordinated the ERP rollout for Harbour Pty. Ltd. to 12 plants on schedule, "
        "with zero downtime."
    ]


def test_employer_names_leave_the_legal_form_out() -> None:
    assert _employer_names("Banco Andino S.A.") == ["banco andino", "banco"]
    assert _employer_names("Kontura s.r.o.") == ["kontura", "kontura"]
    assert split_header("Delivery Lead, Ferrovia S.p.A., Milan") == (
        "Delivery Lead",
        "Ferrovia S.p.A.",
    )
    assert split_header("Brno | Kontura s.r.o. | Senior TPM") == ("Senior TPM", "Kontura s.r.o.")


def test_listed_achievement_finds_the_job_its_employer_names() -> None:
    text = """# Jana Novak

## Selected achievements
- At Banco Andino, cut branch queues by 20% with a mobile check-in rollout.

## Experience
### Senior TPM, Kontura s.r.o. — 2019 – 2023
- Ran the vendor review, saving 30% of the licence budget.

### Program Manager, Banco Andino S.A. — 2016 – 2019
- Coordinated the ERP rollout to 12 plants on schedule, with zero unplanned downtime.
"""
    h = from_text(text, source="cv.md", fmt="markdown")
    assert [e.company for e in h.entries] == ["Kontura s.r.o.", "Banco Andino S.A."]
    assert h.entries[1].bullets[0].text.startswith("At Banco Andino, cut branch queues")


def test_legal_form_reading_is_bounded() -> None:
    start = time.perf_counter()
    assert legal_form_end("x" * 1_000_000 + " GmbH") == "GmbH"
    assert legal_form_end("s.r.o. " * 100_000) == "s.r.o."
    assert legal_form_end(". " * 500_000) == ""
    lines = "\n".join(["Kontura s.r.o."] * 20_000)
    from_text("EXPERIENCE\n" + lines, source="cv.txt", fmt="text")
    assert time.perf_counter() - start < 10
