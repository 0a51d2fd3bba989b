"""Accuracy of prep matching on our labelled stories (tests/fixtures/prep/labelled_matches.yaml).

For each story, every question of its role is ranked by match score (themes tagged as in a real
prep pack). precision@1: share of stories whose first-ranked question is one it answers.
precision@3: share of stories with a question it answers among the first three (a hit rate, as
the issue defines it). Targets: >= 0.8 and >= 0.95.

    python benchmarks/prep_matching.py [--lexical] [--misses]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
LABELS = ROOT / "tests" / "fixtures" / "prep" / "labelled_matches.yaml"


def load_labelled() -> list[dict[str, object]]:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))["stories"]


def evaluate(matcher, library, items) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from loopcoach.prep.matching import match_stories, story_features, tag_themes
    from loopcoach.prep.stories import Story

    hits1 = hits3 = 0
    misses = []
    by_role: dict[str, list[dict[str, object]]] = {}
    for item in items:
        by_role.setdefault(str(item["role"]), []).append(item)
    for role_id, group in sorted(by_role.items()):
        role = library.role(role_id)
        stories = [
            Story(id=i + 1, title=str(it["title"]), action=" ".join(str(it["text"]).split()))
            for i, it in enumerate(group)
        ]
        features = story_features(matcher, stories)
        themes = tag_themes(matcher, role, stories, features=features)
        stories = [s.with_changes(themes=t) for s, t in zip(stories, themes, strict=True)]
        table = match_stories(matcher, role, stories, features=features)
        questions = [q.id for q in role.questions]
        for si, it in enumerate(group):
            order = sorted(
                range(len(questions)),
                key=lambda qi, si=si: (-table.scores[qi, si], -table.meaning[qi, si]),
            )
            ranked = [questions[qi] for qi in order]
            answers = set(it["answers"])  # type: ignore[arg-type]
            hits1 += ranked[0] in answers
            hits3 += bool(answers & set(ranked[:3]))
            if ranked[0] not in answers:
                misses.append((it["id"], ranked[:3], sorted(answers)))
    n = len(items)
    return {"n": n, "p1": hits1 / n, "p3": hits3 / n, "misses": misses}


def main() -> int:
    if "--lexical" in sys.argv:
        os.environ["LOOPCOACH_EMBEDDER"] = "lexical"
    from loopcoach.analysis.embeddings import load_embedder
    from loopcoach.content.library import load_library
    from loopcoach.prep.matching import Matcher

    embedder = load_embedder()
    result = evaluate(Matcher(embedder), load_library(), load_labelled())
    print(f"prep matching on {result['n']} labelled stories ({embedder.name}"
          f"{', degraded' if embedder.degraded else ''})")
    print(f"  precision@1 {result['p1']:.3f}  (target >= 0.80)")
    print(f"  precision@3 {result['p3']:.3f}  (target >= 0.95)")
    if "--misses" in sys.argv:
        for sid, top, answers in result["misses"]:  # type: ignore[union-attr]
            print(f"  miss {sid}: ranked {top}, labelled {answers}")
    ok = result["p1"] >= 0.8 and result["p3"] >= 0.95  # type: ignore[operator]
    return 0 if ok or embedder.degraded else 1


if __name__ == "__main__":
    sys.exit(main())
