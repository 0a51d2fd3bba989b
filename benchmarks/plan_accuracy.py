"""How well `exercise plan` decides a case's expectations, on plans nobody tuned it on.

The set (`benchmarks/plans/`) is nine program plans written by a helper session that saw only
the cases (prompt, context, expected items) and BRIEF.md: never the code or its rules. The
author paraphrased every expectation, labelled the lines that cover each one (and each thing it
lists), and wrote decoy lines that mention an expectation without covering it. Nothing in the
checker is fitted on this set.

Prints, per embedder:
- false flags: expectations the complete plan covers but the checker reports (missing or partly);
- recall: with an expectation's lines deleted, the checker reports it;
- part recall: with one listed thing's lines deleted, the checker names that thing as missing;
- decoys: with the lines deleted and a decoy line added ("Rollback: TBD"), it is still reported.

Run: .venv/bin/python benchmarks/plan_accuracy.py [--lexical]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from loopcoach.analysis.embeddings import Embedder, Remembering, load_embedder
from loopcoach.content.library import load_library
from loopcoach.exercises import program

HERE = Path(__file__).parent / "plans"


def old_check(text: str, expected: list[str]) -> list[str]:
    """The checker before issue 12: at least half of an expectation's content words (by
    five-letter prefix) anywhere in the plan."""
    stems = {w[:5] for w in program._words(text)}
    out = []
    for item in expected:
        words = {w[:5] for w in program._words(item) if len(w) >= 4}
        if words and len(words & stems) / len(words) < 0.5:
            out.append(f"the case expects: '{item}'; your plan does not seem to cover it")
    return out


OLD = False


def reported(text: str, expected: list[str], embedder: Embedder | None) -> dict[str, str]:
    if OLD:
        messages = old_check(text, expected)
        return {m.split("expects: '", 1)[1].split("'; your plan", 1)[0]: m for m in messages}
    result = program.check_plan(text, expected=expected, embedder=embedder)
    out: dict[str, str] = {}
    for f in result.findings:
        if f.code.endswith("-expected"):
            item = f.message.split("the case expects: '", 1)[1].split("'; your plan", 1)[0]
            out[item] = f.message
    return out


def without(lines: list[str], drop: set[int], extra: str = "") -> str:
    kept = [line for n, line in enumerate(lines, start=1) if n not in drop]
    return "\n".join(kept + ([extra] if extra else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lexical", action="store_true", help="no model: lexical matching only")
    parser.add_argument("--old", action="store_true", help="the checker before issue 12")
    parser.add_argument(
        "--half",
        choices=("dev", "test", "all"),
        default="all",
        help="dev = the first four cases (thresholds were chosen on them), test = the other five",
    )
    args = parser.parse_args()
    global OLD
    OLD = args.old
    library = load_library()
    embedder: Embedder | None = None if args.lexical else Remembering(load_embedder())
    name = "lexical" if embedder is None else embedder.name
    flags = total = hit = parts_hit = parts_total = decoy_hit = decoys = 0
    files = sorted(HERE.glob("labels-*.json"))
    files = {"dev": files[:4], "test": files[4:], "all": files}[args.half]
    for labels_file in files:
        case_id = labels_file.stem.removeprefix("labels-")
        case = library.case(case_id)[1]
        expected = list(case.expected)
        text = (HERE / f"plan-{case_id}.md").read_text(encoding="utf-8")
        lines = text.splitlines()
        labels = json.loads(labels_file.read_text(encoding="utf-8"))
        full = reported(text, expected, embedder)
        flags += sum(1 for e in expected if e in full)
        total += len(expected)
        for lab in labels:
            item = lab["expected"]
            if item in reported(without(lines, set(lab["lines"])), expected, embedder):
                hit += 1
            for part in lab.get("parts", []):
                parts_total += 1
                msg = reported(without(lines, set(part["lines"])), expected, embedder).get(item)
                named = msg.split("does not seem to cover", 1)[1] if msg else ""
                if part["part"].lower() in named.lower():
                    parts_hit += 1
        for decoy in json.loads((HERE / f"decoys-{case_id}.json").read_text(encoding="utf-8")):
            lab = next(x for x in labels if x["expected"] == decoy["expected"])
            decoys += 1
            found = reported(without(lines, set(lab["lines"]), decoy["line"]), expected, embedder)
            decoy_hit += decoy["expected"] in found
    name = "the old word-overlap check" if OLD else name
    print(f"plan expectations, independent set ({HERE.name}/, {args.half}), checker: {name}")
    print(f"  false flags on complete plans: {flags}/{total} = {flags / total:.2f}")
    print(f"  recall, expectation's lines deleted: {hit}/{total} = {hit / total:.2f}")
    print(f"  part recall, one listed thing deleted: {parts_hit}/{parts_total}")
    print(f"  decoy lines still reported: {decoy_hit}/{decoys}")


if __name__ == "__main__":
    main()
