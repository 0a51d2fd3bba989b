"""Turn development-set answer files (benchmarks/dev/ format) into training answer files.

Once a development author has been used to choose options it is no longer a fair judge of new
wording, so its answers can train the models instead (training/data/README.md says which authors
moved). Each strong answer becomes a whole clean answer, each flawed variant's changed sentences
become flawed sentences of the flaw the brief asked for, and each clean look-alike's added
sentences become hard clean sentences (labelled ``own_action``).

Run: .venv/bin/python training/import_dev_answers.py AUTHOR-FILE.json OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from challenge import FLAW_OF as FLAW_LABEL  # what each flawed variant teaches


def convert(items: list[dict[str, object]]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for q in items:
        flawed: list[dict[str, str]] = []
        clean: list[dict[str, str]] = []
        for v in q["variants"]:  # type: ignore[attr-defined]
            kind = str(v["kind"])
            for s in v.get("flaw_sentences", ()):
                if kind in FLAW_LABEL:
                    flawed.append({"text": str(s), "label": FLAW_LABEL[kind]})
                elif kind == "clean_twin":
                    clean.append({"text": str(s), "label": "own_action"})
        out.append(
            {
                "question": q["prompt"],
                "role": q["role"],
                "answer": q["strong"],
                "flawed": flawed,
                "hard_clean": clean,
            }
        )
    return out


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    items = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    text = json.dumps(convert(items), ensure_ascii=False, indent=1) + "\n"
    Path(sys.argv[2]).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
