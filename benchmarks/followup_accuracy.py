"""Does the mock credit a genuine follow-up answer, and never an off-topic answer or a non-answer?

Plays each exchange of benchmarks/followups/exchanges.json (written by an author who never saw
the code; see benchmarks/followups/README.md) through the code the mock uses after a follow-up
answer (`loopcoach.app.mock.follow_up_credit` and `settle_follow_up`): the question's first
answer is scored, then the first answer and the follow-up answer together, and the follow-up
answer is judged on its own against the question and the follow-up prompt. Each exchange has four
follow-up answers: good, short_good (a brief real answer), off_topic (an answer to another
question) and non_answer.

Prints, per answer kind and per set: how often the follow-up answer is credited (it may raise the
score) and how the question's score moves (raised, the same, lowered; mean change). Targets: good
and short_good credited >= 0.9; off_topic and non_answer never raise the score.

Sets: exchanges with an odd number (f01, f03, ...) are the development half, which options are
chosen on; the even ones are the check half, read once at the end (--set check or all).

The exchanges' questions are free text: each is resolved as the analysis resolves free text (the
pack question it matches, else the generic rubric of its kind asking that question). The
follow-up prompts are the author's, so no gap trigger is known: a follow-up answer cannot count
by filling the STAR part a follow-up asked for, only by its relevance (a harder test than the
mock's own follow-ups).

Run: .venv/bin/python benchmarks/followup_accuracy.py [--set dev|check|all]
     [--embedder minilm-exact] [--json] [--show KIND]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loopcoach.analysis.embeddings import load_embedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.app.mock import follow_up_credit
from loopcoach.content.library import load_library
from loopcoach.content.schema import Question
from loopcoach.interview import policy

FILE = Path(__file__).resolve().parent / "followups" / "exchanges.json"
KINDS = ("good", "short_good", "off_topic", "non_answer")
CREDIT_TARGET = 0.9  # good and short_good


@dataclass(frozen=True)
class Exchange:
    id: str
    role: str
    question: str
    first: str
    follow_up: str
    answers: dict[str, str]

    @property
    def half(self) -> str:
        return "dev" if int(self.id.lstrip("f")) % 2 == 1 else "check"


def load(path: Path = FILE) -> list[Exchange]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        Exchange(r["id"], r["role"], r["question"], r["first"], r["follow_up"], dict(r["answers"]))
        for r in rows
    ]


def resolve(analyzer: Analyzer, ex: Exchange) -> Question:
    """The question as the analysis reads the free text: the pack question it matches, else the
    generic rubric of its kind, asking this question."""
    rubric, _ = analyzer.rubric_for(ex.question, role=ex.role)
    if rubric.source == "matched":
        return rubric.question
    return rubric.question.model_copy(update={"prompt": rubric.prompt})


@dataclass(frozen=True)
class Played:
    exchange: str
    half: str
    kind: str
    credited: bool
    before: int
    after: int
    why: str


def play(analyzer: Analyzer, ex: Exchange, kind: str) -> Played:
    """One follow-up answer as the mock settles it (app.mock.settle_follow_up)."""
    question = resolve(analyzer, ex)
    answer = ex.answers[kind]
    before = analyzer.analyze(question, ex.first, role=ex.role).score
    combined = analyzer.analyze(question, ex.first + "\n\n" + answer, role=ex.role)
    adds, why = follow_up_credit(
        analyzer,
        question,
        ex.role,
        combined,
        prompt=ex.follow_up,
        answer=answer,
        trigger=None,
        target=None,
    )
    after = policy.keep_score(combined, before, adds, why).score
    return Played(ex.id, ex.half, kind, adds, before, after, why)


def summarise(rows: list[Played]) -> dict[str, Any]:
    n = len(rows)
    moves = [r.after - r.before for r in rows]
    return {
        "n": n,
        "credited": sum(r.credited for r in rows) / max(1, n),
        "raised": sum(m > 0 for m in moves),
        "same": sum(m == 0 for m in moves),
        "lowered": sum(m < 0 for m in moves),
        "mean_change": sum(moves) / max(1, n),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("dev", "check", "all"), default="dev")
    ap.add_argument("--embedder", default="minilm-exact", help="minilm-exact, minilm or lexical")
    ap.add_argument("--file", type=Path, default=FILE)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", choices=KINDS, action="append", default=[], help="list each case")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    analyzer = Analyzer(load_library(), load_embedder(args.embedder))
    exchanges = load(args.file)
    halves = ("dev", "check") if args.set == "all" else (args.set,)
    rows = [play(analyzer, ex, k) for ex in exchanges if ex.half in halves for k in KINDS]
    out = {
        h: {k: summarise([r for r in rows if r.half == h and r.kind == k]) for k in KINDS}
        for h in halves
    }
    if args.json:
        print(json.dumps(out, indent=1))
        return 0
    print(f"embedder {analyzer.embedder.name}; {args.file.name}")
    for h in halves:
        n_ex = len({r.exchange for r in rows if r.half == h})
        print(f"\n{h} ({n_ex} exchanges)")
        print(
            f"  {'kind':<11} {'credited':>8} {'raised':>7} {'same':>5} {'lowered':>8} {'mean Δ':>7}"
        )
        for k in KINDS:
            s = out[h][k]
            print(
                f"  {k:<11} {s['credited']:>8.2f} {s['raised']:>7} {s['same']:>5} "
                f"{s['lowered']:>8} {s['mean_change']:>+7.1f}"
            )
    for k in args.show:
        print(f"\n{k}:")
        for r in rows:
            if r.kind == k:
                print(
                    f"  {r.exchange} {r.half:<5} {r.before:>3} -> {r.after:>3} "
                    f"{'credited' if r.credited else 'not: ' + r.why[:150]}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
