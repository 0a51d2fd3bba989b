"""The prep pack as Markdown, HTML (Jinja2, with a print stylesheet) or PDF (weasyprint renders
the same HTML). All three work from `PrepPack.to_dict()`, the same data `prep --json` prints.

    write_pack(pack.to_dict(), Path("pack.pdf"))   # the suffix picks the format
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from loopcoach.errors import LoopcoachError

TEMPLATES = Path(__file__).parent / "templates"
SUFFIXES = (".md", ".html", ".pdf")
SLOTS = ("situation", "task", "action", "result")


def _esc(text: Any) -> str:
    """Markdown-safe table cell or inline text."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(pack: dict[str, Any]) -> str:
    role = pack["role"]["name"]
    hist = pack["history"]
    by_id = {s["id"]: s for s in pack["stories"]}
    out = [f"# Prep pack: {role}", ""]
    who = f"{hist['name']}, " if hist["name"] else ""
    out += [
        f"_{who}from {hist['source']} ({hist['format']}); {len(pack['stories'])} stories "
        f"matched to {len(pack['questions'])} questions._",
        "",
        f"> {pack['notice']}",
        "",
    ]
    out += ["## What to do first", ""] + [f"1. {x}" for x in pack["priorities"]["first"]] + [""]
    p = pack["pitch"]
    out += [
        "## Your 45-second pitch (draft)",
        "",
        p["text"],
        "",
        f"_{p['words']} words, about {p['seconds']} s. {p['advice']}_",
        "",
    ]
    out += ["## Story bank", ""]
    for s in pack["stories"]:
        mark = " (draft)" if s["draft"] else ""
        out += [f"### {s['id']}. {s['title']}{mark}", ""]
        if s["themes"]:
            out += [f"Themes: {', '.join(s['themes'])}", ""]
        if s["source"]:
            out += [f"From your résumé: “{s['source']}”", ""]
        for slot in SLOTS:
            out.append(f"- **{slot.title()}:** {s[slot] or '—'}")
        out += [
            "",
            f"**30-second headline:** {s['lengths']['headline_30s']}",
            "",
            "**2-minute story:**",
            "",
        ]
        out += [f"- {x}" for x in s["lengths"]["two_minute"]]
        out += ["", "**Deep-dive outline:**", ""]
        out += [f"- {x}" for x in s["lengths"]["deep_dive"]] + [""]
    cov = pack["coverage"]
    out += [
        "## Coverage: stories × themes",
        "",
        "● tagged with the theme · ○ answers a question that tests it",
        "",
    ]
    out.append("| Story | " + " | ".join(_esc(t["name"]) for t in cov["themes"]) + " |")
    out.append("|---" * (len(cov["themes"]) + 1) + "|")
    for sid, row in zip(cov["stories"], cov["cells"], strict=True):
        cells = " | ".join({2: "●", 1: "○"}.get(c, "") for c in row)
        out.append(f"| {sid}. {_esc(by_id[sid]['title'][:40])} | {cells} |")
    out.append("")
    pr = pack["priorities"]
    if pr["gaps"]:
        out += ["## Likely questions without a good story", ""]
        out += [f"- **{g['prompt']}** (best {g['best']}): {g['advice']}" for g in pr["gaps"]]
        out.append("")
    if pr["overused"]:
        out += ["## Stories carrying too much", ""]
        out += [f"- {o['story']}. {o['title']}: {o['advice']}" for o in pr["overused"]] + [""]
    if pr["probe"]:
        out += ["## Résumé bullets an interviewer will probe", ""]
        for b in pr["probe"]:
            out += [f"- “{b['text']}” ({b['entry']}): {b['why']}"]
            out += [f"  - {q}" for q in b["questions"]]
        out.append("")
    out += ["## Questions and your best stories", ""]
    for q in pack["questions"]:
        out += [f"### {q['prompt']}", "", f"`{q['id']}` · {q['kind']}", ""]
        if q["matches"]:
            for m in q["matches"]:
                out.append(
                    f"- Story {m['story']} ({by_id[m['story']]['title']}): "
                    f"{m['score']}/100, {m['why']}"
                )
        else:
            out.append("- No story matches yet.")
        sc = q["scaffold"]
        out += ["", f"_{sc['note']}_", ""]
        for slot in SLOTS:
            cell = sc["slots"][slot]
            line = f"- **{slot.title()}:** {cell['facts'] or '…'}"
            out.append(line)
            out += [f"  - [ ] {x}" for x in cell["prompts"]]
        out.append("")
    r = pack["resume"]
    out += [f"## Résumé score: {r['score']}/100", ""]
    out += [f"1. {x}" for x in r["fix_first"]] + ["", "| Score | Bullet | Fix |", "|---|---|---|"]
    out += [f"| {b['score']} | {_esc(b['text'])} | {_esc(b['fix'])} |" for b in r["bullets"]]
    out.append("")
    return "\n".join(out)


def render_html(pack: dict[str, Any]) -> str:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    by_id = {s["id"]: s for s in pack["stories"]}
    return env.get_template("prep_pack.html").render(pack=pack, by_id=by_id, slots=SLOTS)


def render_pdf(pack: dict[str, Any]) -> bytes:
    with warnings.catch_warnings():  # e.g. "HarfBuzz-Subset will be required": not the user's
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            from weasyprint import HTML
        except (ImportError, OSError) as exc:  # the Python package or its system libraries
            raise LoopcoachError(
                "pdf-unavailable",
                f"PDF export needs weasyprint and its system libraries ({type(exc).__name__}); "
                "export to .html and print it to PDF from a browser instead",
            ) from None
        return HTML(string=render_html(pack), base_url=str(TEMPLATES)).write_pdf()


def write_pack(pack: dict[str, Any], path: Path) -> Path:
    """Write the pack in the format the suffix names, atomically (a temp file renamed)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise LoopcoachError(
            "export-format",
            f"{path}: the pack can be written as .md, .html or .pdf, not "
            f"'{suffix or 'no extension'}'; name the file pack.md, pack.html or pack.pdf",
        )
    if suffix == ".md":
        data = render_markdown(pack).encode("utf-8")
    elif suffix == ".html":
        data = render_html(pack).encode("utf-8")
    else:
        data = render_pdf(pack)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise LoopcoachError("export-dir", f"{path}: the folder {directory} does not exist")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise LoopcoachError("export-write", f"{path}: cannot write ({exc.strerror})") from None
    return path
