"""Validate the résumé evaluation set: labels parse, strings are verbatim in source, question ids exist."""
import json, glob, os, re, sys
D = os.path.dirname(os.path.abspath(__file__))
qs = {}
for line in open(os.path.join(D, "QUESTIONS.md"), encoding="utf-8"):
    m = re.match(r"- (\S+) \| (\w+) \|", line)
    if m: qs[m.group(1)] = m.group(2)
errors = []; rows = []
for lf in sorted(glob.glob(os.path.join(D, "*.labels.json"))):
    name = os.path.basename(lf)
    try: lab = json.load(open(lf, encoding="utf-8"))
    except Exception as e: errors.append(f"{name}: parse error {e}"); continue
    f = lab["file"]; base, ext = os.path.splitext(f)
    if not os.path.exists(os.path.join(D, f)): errors.append(f"{name}: missing {f}")
    srcpath = os.path.join(D, base + ".src.md") if ext in (".pdf", ".docx") else os.path.join(D, f)
    src = open(srcpath, encoding="utf-8").read()
    if ext == ".json": json.loads(src)
    ach, dut = lab["achievements"], lab["duties"]
    for s in ach + dut:
        if s not in src: errors.append(f"{name}: not verbatim: {s[:60]}")
    if len(set(ach)) != len(ach) or set(ach) & set(dut): errors.append(f"{name}: duplicate/overlap achievements/duties")
    ids = [m["question_id"] for m in lab["matches"]]
    if len(set(ids)) != len(ids): errors.append(f"{name}: duplicate question ids")
    if len(ids) < 6: errors.append(f"{name}: fewer than 6 matches")
    for m in lab["matches"]:
        q = m["question_id"]
        if q not in qs: errors.append(f"{name}: unknown question {q}")
        elif qs[q] != lab["role"]: errors.append(f"{name}: {q} role {qs[q]} != {lab['role']}")
        for s in [m["best"]] + m["acceptable"]:
            if s not in src: errors.append(f"{name}: match text not verbatim: {s[:60]}")
            if s not in ach: errors.append(f"{name}: match text not in achievements: {s[:60]}")
        if m["best"] in m["acceptable"]: errors.append(f"{name}: best repeated in acceptable for {q}")
    rows.append((f, ext[1:], lab["role"], len(ach), len(dut), len(ids)))
for r in rows: print("%-28s %-5s %-4s ach=%2d duties=%2d matches=%2d" % r)
print("errors:", len(errors)); [print(" ", e) for e in errors]
sys.exit(1 if errors else 0)
