"""Write the résumé fixtures in tests/fixtures/resumes/ (our own writing; the people are invented).

    python benchmarks/make_resume_fixtures.py           # check the text fixtures are up to date
    python benchmarks/make_resume_fixtures.py --write   # (re)write every fixture

One TPM résumé is rendered four ways (Markdown, plain text, DOCX via python-docx, PDF via
weasyprint from HTML); a TPO résumé is Markdown, a PO résumé is JSON Resume. The broken files are
an encrypted PDF, a corrupt PDF, an empty file, an image-only PDF and a program named .exe.
"""

from __future__ import annotations

import html
import io
import json
import sys
from pathlib import Path

OUT = Path(__file__).parents[1] / "tests" / "fixtures" / "resumes"

TPM = {
    "name": "Marisol Achterberg",
    "headline": "Senior Technical Program Manager · platform and infrastructure programs",
    "contact": "marisol.achterberg@example.org · Rotterdam, NL",
    "summary": (
        "Technical program manager with ten years of delivery across logistics and health "
        "software. I run multi-team platform programs, make risk visible early and like turning "
        "a vague mandate into a plan engineers believe in."
    ),
    "roles": [
        {
            "title": "Senior Technical Program Manager",
            "company": "Harbourline Freight",
            "place": "Rotterdam",
            "dates": "Mar 2021 – Present",
            "bullets": [
                "Led the move of 140 services from our own data centre to AWS (EKS) with nine "
                "engineering teams in nine months; hosting costs fell 31% with no "
                "customer-facing outage at cutover.",
                "Drove alignment between the payments and ledger teams on event-driven versus "
                "synchronous settlement by agreeing decision criteria and running a two-week "
                "spike; the chosen design shipped six weeks before the partner deadline.",
                "Set up the program risk register and a weekly dependency review across four "
                "time zones, surfacing 23 cross-team blockers early and cutting average blocker "
                "age from 11 days to 3.",
                "Rescued a carrier-integration launch that was five weeks late by splitting scope "
                "with product into two releases; release one went live on the original date for "
                "60% of shipment volume.",
                "Persuaded the VP of Engineering to stop a vendor data-platform rollout after "
                "modelling total cost of ownership; the in-house option saved €1.2M over three "
                "years.",
                "Ran blameless post-incident reviews for 12 Sev-1 outages and tracked 48 action "
                "items to closure, reducing repeat incidents by 40% year over year.",
                "Defined launch criteria for an ML model predicting arrival times with data "
                "science and support (offline accuracy, p95 latency under 200 ms, human review "
                "of outliers), enabling a staged rollout to 3,000 shippers.",
            ],
        },
        {
            "title": "Technical Program Manager",
            "company": "Calloway Health",
            "place": "London",
            "dates": "Jun 2017 – Feb 2021",
            "bullets": [
                "Managed the rollout of single sign-on (SAML with Okta) to 14 internal tools and "
                "2,400 staff in five months, with a go/no-go checkpoint per department.",
                "Coordinated a GDPR compliance program across legal, security and five product "
                "teams, closing 37 audit findings before the external audit date.",
                "Decided to open the appointment-booking API to 3 partner clinics with only "
                "partial load-test data, behind a feature flag with a rollback plan; traffic "
                "peaked at 1,800 rps with no incident.",
                "Missed the first milestone of a data warehouse migration because I tracked a "
                "vendor's schema change only in meeting notes; every external dependency now gets "
                "an owner and a date on the program board, and the next two milestones landed "
                "on time.",
                "Mediated a conflict between the mobile and backend leads over API versioning and "
                "set up a shared API review, cutting breaking changes per quarter from 9 to 1.",
                "Replaced six separate status reports with one program dashboard reviewed monthly "
                "with the CTO.",
            ],
        },
        {
            "title": "Project Coordinator",
            "company": "Brightwave Telecom",
            "place": "Manchester",
            "dates": "Sep 2014 – May 2017",
            "bullets": [
                "Tracked delivery of a 4G upgrade across 220 radio sites with three contractors "
                "and wrote the weekly report for the programme board.",
                "Responsible for meeting notes and the project schedule.",
                "Helped with vendor onboarding.",
                "Worked on improving the change process.",
            ],
        },
    ],
    "skills": "Program structuring, risk and dependency management, Kubernetes, AWS, Kafka, "
    "SAML/Okta, Jira, Confluence, SQL",
    "education": "BSc Computer Science, University of Leeds, 2014",
}

TPO_MD = """# Tomasz Rydell

Technical Product Owner — payments and APIs
tomasz.rydell@example.com | Gdańsk, Poland

## Profile

Product owner for developer-facing payment products. I sit close to the code, write the
acceptance criteria myself and keep a backlog that engineers and the business both trust.

## Experience

**Technical Product Owner** | Quayside Bank | 2020 – present

* Owned the backlog of the public payments API used by 180 partner integrations; wrote
  acceptance criteria in Gherkin with the QA lead, cutting escaped defects by 45%.
* Sliced a nine-month ledger re-platforming into 14 releasable increments behind feature flags,
  delivering the first customer-visible change in week 6.
* Negotiated 20% of sprint capacity for tech debt with the engineering manager and the business
  sponsor by showing incident cost of €300k a year; p99 latency fell from 1.4 s to 380 ms.
* Said no to a sales request for custom reports and offered a webhook export instead, which
  served 12 enterprise clients without a bespoke build.
* Handled a mid-sprint production incident in card tokenisation: paused two stories, re-planned
  with the team, restored service in 3 hours and published a post-incident summary.
* Turned strong customer authentication rules into 32 user stories with sequence diagrams for the
  mobile and API teams, passing the regulator review first time.

**Product Owner** | Fernhill Insurance | 2017 – 2020

* Prioritised a claims-portal backlog of 260 items with WSJF, retiring 90 stale tickets and
  raising sprint goal completion from 55% to 85%.
* Ran weekly refinement with 2 scrum teams and introduced a definition of ready, halving
  carried-over stories within three sprints.
* Ranked a broker feature above a document-upload fix and support tickets doubled; I reversed
  the call within one sprint and now review support data before every planning session.
* Measured the new self-service claims flow with funnel analytics; completion rose from 38% to
  61% over two quarters.

## Skills

REST and event APIs, Gherkin, SQL, Kafka basics, Jira, Miro
"""

PO_JSON = {
    "basics": {
        "name": "Aiyana Brooks-Mensah",
        "label": "Product Owner, grocery e-commerce",
        "email": "aiyana.bm@example.net",
        "summary": "Product owner who turns customer research and delivery data into a "
        "backlog a team can finish. Calm with stakeholders, strict about sprint goals.",
    },
    "work": [
        {
            "name": "Lumen Grocers",
            "position": "Product Owner",
            "startDate": "2019-04",
            "summary": "Checkout and loyalty, one scrum team of seven developers.",
            "highlights": [
                "Ordered the checkout backlog by cost of delay with the team of seven developers; "
                "cart conversion rose 4.2 points in two quarters.",
                "Wrote user stories and acceptance criteria for substitution preferences, cutting "
                "'item unavailable' complaints by 27%.",
                "Forecast the loyalty relaunch date with a throughput-based Monte Carlo at 85% "
                "confidence; we shipped within one week of the forecast.",
                "Declined a marketing director's request to add a pop-up mid-sprint, showed the "
                "effect on the sprint goal and scheduled it for the next sprint instead.",
                "Interviewed 24 customers about delivery slots and reworked the booking flow; "
                "median booking time fell from 90 s to 35 s.",
                "Replaced slide decks at sprint reviews with live demos for 15 stakeholders, "
                "collecting feedback straight into the backlog.",
            ],
        },
        {
            "name": "Cobalt Utilities",
            "position": "Business Analyst",
            "startDate": "2016-02",
            "endDate": "2019-03",
            "highlights": [
                "Documented requirements for a smart-meter billing change affecting 1.1 million "
                "customers.",
                "Helped the team with testing.",
            ],
        },
    ],
    "education": [{"institution": "University of Bristol", "studyType": "BA", "area": "Economics"}],
    "skills": [{"name": "Backlog management"}, {"name": "Customer research"}],
}


def tpm_markdown() -> str:
    lines = [
        f"# {TPM['name']}",
        "",
        TPM["headline"],
        TPM["contact"],
        "",
        "## Summary",
        "",
        TPM["summary"],
        "",
        "## Experience",
        "",
    ]
    for r in TPM["roles"]:
        lines += [f"### {r['title']} — {r['company']}, {r['place']}", f"*{r['dates']}*", ""]
        lines += [f"- {b}" for b in r["bullets"]] + [""]
    lines += ["## Skills", "", TPM["skills"], "", "## Education", "", TPM["education"], ""]
    return "\n".join(lines)


def tpm_text() -> str:
    lines = [
        TPM["name"].upper(),
        TPM["headline"],
        TPM["contact"],
        "",
        "SUMMARY",
        TPM["summary"],
        "",
        "EXPERIENCE",
        "",
    ]
    for r in TPM["roles"]:
        lines += [f"{r['title']}, {r['company']} ({r['place']})    {r['dates']}"]
        lines += [f"  • {b}" for b in r["bullets"]] + [""]
    lines += ["SKILLS", TPM["skills"], "", "EDUCATION", TPM["education"], ""]
    return "\n".join(lines)


def tpm_html() -> str:
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        "<meta name='dcterms.created' content='2026-01-05T00:00:00Z'>",
        "<meta name='dcterms.modified' content='2026-01-05T00:00:00Z'>",
        f"<title>{e(TPM['name'])}</title><style>",
        "@page { size: A4; margin: 18mm } body { font: 10.5pt/1.45 serif }",
        "h1 { margin: 0 } h2 { border-bottom: 1px solid #999; margin-top: 1.2em }",
        "h3 { margin: 1em 0 0 } .dates { margin: 0; font-style: italic }",
        "</style></head><body>",
        f"<h1>{e(TPM['name'])}</h1><p>{e(TPM['headline'])}<br>{e(TPM['contact'])}</p>",
        f"<h2>Summary</h2><p>{e(TPM['summary'])}</p><h2>Experience</h2>",
    ]
    for r in TPM["roles"]:
        parts.append(f"<h3>{e(r['title'])} — {e(r['company'])}, {e(r['place'])}</h3>")
        parts.append(f"<p class='dates'>{e(r['dates'])}</p><ul>")
        parts += [f"<li>{e(b)}</li>" for b in r["bullets"]]
        parts.append("</ul>")
    parts.append(f"<h2>Skills</h2><p>{e(TPM['skills'])}</p>")
    parts.append(f"<h2>Education</h2><p>{e(TPM['education'])}</p></body></html>")
    return "".join(parts)


def tpm_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.core_properties.author = TPM["name"]
    doc.add_heading(TPM["name"], level=0)
    doc.add_paragraph(TPM["headline"])
    doc.add_paragraph(TPM["contact"])
    doc.add_heading("Summary", level=1)
    doc.add_paragraph(TPM["summary"])
    doc.add_heading("Experience", level=1)
    for r in TPM["roles"]:
        doc.add_heading(f"{r['title']} — {r['company']}, {r['place']}", level=2)
        doc.add_paragraph(r["dates"])
        for b in r["bullets"]:
            doc.add_paragraph(b, style="List Bullet")
    doc.add_heading("Skills", level=1)
    doc.add_paragraph(TPM["skills"])
    doc.add_heading("Education", level=1)
    doc.add_paragraph(TPM["education"])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pdf_from_html(markup: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=markup).write_pdf()


def encrypted_pdf(plain: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password="open-sesame", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def image_only_pdf() -> bytes:
    """A 'scanned' page: text drawn into a PNG, placed on a PDF page with no text layer."""
    import base64

    from PIL import Image, ImageDraw

    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    y = 120
    for line in [TPM["name"], TPM["headline"], "", *TPM["roles"][0]["bullets"][:4]]:
        draw.text((100, y), line[:110], fill=0)
        y += 40
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    data = base64.b64encode(buf.getvalue()).decode()
    return pdf_from_html(
        "<html><head><style>@page{size:A4;margin:0} img{width:210mm}</style></head>"
        f"<body><img src='data:image/png;base64,{data}'></body></html>"
    )


def corrupt_pdf(plain: bytes) -> bytes:
    """A PDF header, a torn object and no cross-reference table, like a broken download."""
    return plain[:9] + b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n" + bytes(range(256)) * 4


TEXT_FIXTURES = {
    "tpm.md": tpm_markdown,
    "tpm.txt": tpm_text,
    "tpo.md": lambda: TPO_MD,
    "po.json": lambda: json.dumps(PO_JSON, indent=2, ensure_ascii=False) + "\n",
}


def write_all() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in TEXT_FIXTURES.items():
        (OUT / name).write_text(make(), encoding="utf-8")
    (OUT / "tpm.docx").write_bytes(tpm_docx())
    pdf = pdf_from_html(tpm_html())
    (OUT / "tpm.pdf").write_bytes(pdf)
    broken = OUT / "broken"
    broken.mkdir(exist_ok=True)
    (broken / "locked.pdf").write_bytes(encrypted_pdf(pdf))
    (broken / "torn.pdf").write_bytes(corrupt_pdf(pdf))
    (broken / "empty.txt").write_bytes(b"")
    (broken / "scanned.pdf").write_bytes(image_only_pdf())
    (broken / "resume.exe").write_bytes(b"MZ\x90\x00\x03" + b"\x00" * 59 + b"This is a program")
    for p in sorted(OUT.rglob("*")):
        if p.is_file():
            print(f"wrote {p.relative_to(OUT.parents[2])} ({p.stat().st_size:,} bytes)")


def check() -> int:
    stale = [
        n
        for n, make in TEXT_FIXTURES.items()
        if not (OUT / n).exists() or (OUT / n).read_text(encoding="utf-8") != make()
    ]
    if stale:
        print(f"stale résumé fixtures: {', '.join(stale)}; run with --write")
        return 1
    print(f"résumé fixtures up to date in {OUT.relative_to(OUT.parents[2])}")
    return 0


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        write_all()
    else:
        sys.exit(check())
