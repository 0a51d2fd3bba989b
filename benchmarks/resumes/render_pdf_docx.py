import sys, re
from fpdf import FPDF
from docx import Document
from docx.shared import Pt

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONTB = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONTI = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"

def parse(path):
    out = []
    for line in open(path, encoding="utf-8").read().splitlines():
        if not line.strip(): continue
        if line.startswith("# "): out.append(("name", line[2:]))
        elif line.startswith("## "): out.append(("h2", line[3:]))
        elif line.startswith("### "): out.append(("h3", line[4:]))
        elif line.startswith("- "): out.append(("li", line[2:]))
        elif line.startswith("*") and line.endswith("*"): out.append(("em", line.strip("*")))
        else: out.append(("p", line))
    return out

def to_pdf(blocks, dst, title):
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, 16)
    pdf.add_font("DV", "", FONT); pdf.add_font("DV", "B", FONTB); pdf.add_font("DV", "I", FONTI)
    pdf.set_title(title); pdf.set_author(title)
    pdf.add_page()
    w = pdf.epw
    for kind, text in blocks:
        if kind == "name":
            pdf.set_font("DV", "B", 18); pdf.multi_cell(w, 9, text, new_x="LMARGIN", new_y="NEXT", align="L")
        elif kind == "h2":
            pdf.ln(3); pdf.set_font("DV", "B", 12); pdf.multi_cell(w, 7, text.upper(), new_x="LMARGIN", new_y="NEXT", align="L")
            y = pdf.get_y(); pdf.line(pdf.l_margin, y, pdf.l_margin + w, y); pdf.ln(1)
        elif kind == "h3":
            pdf.ln(1); pdf.set_font("DV", "B", 10.5); pdf.multi_cell(w, 5.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        elif kind == "em":
            pdf.set_font("DV", "I", 9.5); pdf.multi_cell(w, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        elif kind == "li":
            pdf.set_font("DV", "", 9.5)
            x0 = pdf.l_margin
            pdf.set_x(x0 + 2); pdf.cell(4, 5, "•")
            pdf.set_x(x0 + 6); pdf.multi_cell(w - 6, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        else:
            pdf.set_font("DV", "", 9.5); pdf.multi_cell(w, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.output(dst)

def to_docx(blocks, dst, title):
    doc = Document()
    st = doc.styles["Normal"]; st.font.name = "Calibri"; st.font.size = Pt(10.5)
    doc.core_properties.title = title; doc.core_properties.author = title
    for kind, text in blocks:
        if kind == "name": doc.add_heading(text, level=0)
        elif kind == "h2": doc.add_heading(text, level=1)
        elif kind == "h3": doc.add_heading(text, level=2)
        elif kind == "em":
            p = doc.add_paragraph(); r = p.add_run(text); r.italic = True
        elif kind == "li": doc.add_paragraph(text, style="List Bullet")
        else: doc.add_paragraph(text)
    doc.save(dst)

src, dst = sys.argv[1], sys.argv[2]
blocks = parse(src)
title = blocks[0][1]
(to_pdf if dst.endswith(".pdf") else to_docx)(blocks, dst, title)
print("wrote", dst)
