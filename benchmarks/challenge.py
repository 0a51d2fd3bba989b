"""The challenge set: answers written for testing only, by authors who saw neither the analysis
code, its rules nor its training data (benchmarks/challenge/BRIEF.md is all they were given).
Nothing is ever fitted on it: it is read by the benchmarks and the metamorphic tests only.

32 questions across the three roles (16 from the packs, 16 that no pack has), each with a strong
answer and variants that differ from it in one controlled way. Two variants are made here
mechanically, by rule, from the authors' text: ``truncated`` (the strong answer cut after its
first third) and ``off_topic`` (the strong answer to the next question of the same role, given
to this question).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from loopcoach.analysis.text import sentences

DIR = Path(__file__).resolve().parent / "challenge"
# The development set: another brief and other authors, for choosing options (dev/README.md).
DEV_DIR = Path(__file__).resolve().parent / "dev"
# A second development set (session 8: three more authors, the same brief), not yet read by
# training/fit_judgement.py; see dev2/README.md.
DEV2_DIR = Path(__file__).resolve().parent / "dev2"
# A third (session 10): strong answers and clean look-alikes only, by four more writers of
# training/data/BRIEF-STRONG.md, for choosing how surely a flaw must be read (dev3/README.md;
# session 10's candidate chose on it, main does not yet).
DEV3_DIR = Path(__file__).resolve().parent / "dev3"
# A fourth (session 13): strong answers, clean look-alikes and imperative rewrites by four more
# writers in four new voices, for how often strong answers and imperative plans are wrongly
# flagged (dev4/README.md).
DEV4_DIR = Path(__file__).resolve().parent / "dev4"
# A fifth (session 15): strong answers with six flawed variants each, a missing result, two clean
# look-alikes and imperative rewrites, by three more writers in three new voices; a check that no
# option of session 15 was chosen on (dev5/README.md).
DEV5_DIR = Path(__file__).resolve().parent / "dev5"
# A sixth (session 16): the same brief as dev5, three more writers in three new voices; written
# for the next flaw candidate's pre-gate, main's first run recorded before any choice
# (dev6/README.md).
DEV6_DIR = Path(__file__).resolve().parent / "dev6"
# What each flawed variant should raise, as the stance model names flaws.
FLAW_OF = {
    "blame": "blame",
    "deferral": "deferral",
    "conceal": "integrity",
    "fudge": "integrity",
    "heroics": "heroics",
    "override": "override",
}
WORSE_KINDS = (
    "blame",
    "deferral",
    "conceal",
    "fudge",
    "heroics",
    "override",
    "we_only",
    "no_result",
    "rambling",
    "buzzwords",
    "off_topic",
    "truncated",
)


@dataclass(frozen=True)
class Variant:
    kind: str
    text: str
    flaw_sentences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    qid: str
    role: str
    kind: str
    in_pack: bool
    prompt: str
    strong: str
    author: str
    variants: tuple[Variant, ...] = field(default_factory=tuple)

    def variant(self, kind: str) -> Variant | None:
        return next((v for v in self.variants if v.kind == kind), None)


def truncate(text: str) -> str:
    sents = sentences(text)
    keep = max(2, len(sents) // 3)
    return " ".join(sents[:keep])


def load(directory: Path = DIR) -> list[Question]:
    raw: list[tuple[str, dict[str, object]]] = []
    for path in sorted(directory.glob("author-*.json")):
        author = path.stem.removeprefix("author-")
        raw += [(author, q) for q in json.loads(path.read_text(encoding="utf-8"))]
    by_role: dict[str, list[dict[str, object]]] = {}
    for _, q in raw:
        by_role.setdefault(str(q["role"]), []).append(q)
    out: list[Question] = []
    for author, q in raw:
        peers = by_role[str(q["role"])]
        other = peers[(peers.index(q) + 1) % len(peers)]
        variants = [
            Variant(str(v["kind"]), str(v["text"]), tuple(v.get("flaw_sentences", ())))  # type: ignore[attr-defined]
            for v in q["variants"]  # type: ignore[attr-defined]
        ]
        variants.append(Variant("truncated", truncate(str(q["strong"]))))
        variants.append(Variant("off_topic", str(other["strong"])))
        out.append(
            Question(
                qid=str(q["qid"]),
                role=str(q["role"]),
                kind=str(q["kind"]),
                in_pack=bool(q["in_pack"]),
                prompt=str(q["prompt"]),
                strong=str(q["strong"]),
                author=author,
                variants=tuple(variants),
            )
        )
    return out


def point_labels(directory: Path = DIR) -> dict[str, dict[str, list[int]]]:
    """Sentence-to-talking-point labels for the strong answers to pack questions, by a labeller
    who saw the rubric's points and the answer, not the code: {qid: {point id: [sentence]}}."""
    path = directory / "point-labels.json"
    if not path.exists():
        return {}
    return {row["qid"]: row["points"] for row in json.loads(path.read_text(encoding="utf-8"))}
