"""Render a simple .src.md to PDF (weasyprint) or DOCX (python-docx).

Source lines: '# name' (title), '## section', '### job heading', '- bullet' (a real list item),
'*italic line*', '**bold line**' (a bold paragraph, not a heading style), '| a | b |' rows (a
table; a '|---|' row is skipped), blank lines; any other line is a plain paragraph (so a line
starting with '– ' or '• ' stays a plain paragraph with that character).
Run: /work/main/.venv/bin/python render_pdf_docx.py SRC.md OUT.pdf|OUT.docx
"""
import html
import re
import sys

INLINE_BOLD = re.compile(r"\*\*(.+?)\*\*")


def add_runs(par, text):
    """Inline **bold** inside a paragraph or bullet becomes a bold run (as a word processor would)."""
    pos = 0
    for m in INLINE_BOLD.finditer(text):
        if m.start() > pos:
            par.add_run(text[pos : m.start()])
        par.add_run(m.group(1)).bold = True
        pos = m.end()
    if pos < len(text):
        par.add_run(text[pos:])
    return par


def blocks(src):
    rows = []
    for line in src.splitlines():
        s = line.rstrip()
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            rows.append(cells)
            continue
        if rows:
            yield ("table", rows)
            rows = []
        if not s.strip():
            continue
        if s.startswith("### "):
            yield ("h3", s[4:])
        elif s.startswith("## "):
            yield ("h2", s[3:])
        elif s.startswith("# "):
            yield ("h1", s[2:])
        elif s.lstrip().startswith("- "):
            yield ("li", s.lstrip()[2:])
        elif s.startswith("**") and s.endswith("**"):
            yield ("bold", s[2:-2])
        elif s.startswith("*") and s.endswith("*"):
            yield ("em", s[1:-1])
        else:
            yield ("p", s)
    if rows:
        yield ("table", rows)


def to_pdf(src, out):
    from weasyprint import HTML

    parts = ["<html><body style='font-family: sans-serif; font-size: 10pt'>"]
    in_list = False
    for kind, text in blocks(src):
        if kind != "li" and in_list:
            parts.append("</ul>")
            in_list = False
        if kind == "table":
            parts.append("<table border='1' cellpadding='3'>")
            for r in text:
                parts.append("<tr>" + "".join(f"<td>{html.escape(c).replace('&lt;br&gt;', '<br>')}</td>" for c in r) + "</tr>")
            parts.append("</table>")
        elif kind == "li":
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append("<li>" + INLINE_BOLD.sub(r"<b>\1</b>", html.escape(text)) + "</li>")
        else:
            tag = {"h1": "h1", "h2": "h2", "h3": "h3", "p": "p", "em": "p><em", "bold": "p><b"}[kind]
            close = {"em": "em></p", "bold": "b></p"}.get(kind, tag)
            body = html.escape(text) if kind != "p" else INLINE_BOLD.sub(r"<b>\1</b>", html.escape(text))
            parts.append(f"<{tag}>{body}</{close}>")
    if in_list:
        parts.append("</ul>")
    parts.append("</body></html>")
    HTML(string="".join(parts)).write_pdf(out)


def to_docx(src, out):
    import docx

    d = docx.Document()
    for kind, text in blocks(src):
        if kind == "h1":
            d.add_heading(text, 0)
        elif kind == "h2":
            d.add_heading(text, 1)
        elif kind == "h3":
            d.add_heading(text, 2)
        elif kind == "li":
            add_runs(d.add_paragraph(style="List Bullet"), text)
        elif kind == "em":
            d.add_paragraph().add_run(text).italic = True
        elif kind == "bold":
            d.add_paragraph().add_run(text).bold = True
        elif kind == "table":
            t = d.add_table(rows=len(text), cols=max(len(r) for r in text))
            for i, r in enumerate(text):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c.replace("<br>", "\n")
        else:
            add_runs(d.add_paragraph(), text)
    d.save(out)


if __name__ == "__main__":
    src = open(sys.argv[1], encoding="utf-8").read()
    (to_pdf if sys.argv[2].endswith(".pdf") else to_docx)(src, sys.argv[2])
