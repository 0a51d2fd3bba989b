"""Prep pack speed: a 2-page résumé against every question of its role.

Cold is the first build in a fresh process (the role's question text is embedded); warm is a
later build in the same process, as in the web app or a second `prep` (median of 5 runs, from
the résumé's bytes to the finished pack, PDF parsing included). Target: warm < 2 s.

    python benchmarks/prep_speed.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
RESUME = ROOT / "tests" / "fixtures" / "resumes" / "tpm.pdf"
TARGET_S = 2.0


def main() -> int:
    from loopcoach.analysis.embeddings import load_embedder
    from loopcoach.content.library import load_library
    from loopcoach.prep.importers import parse_history
    from loopcoach.prep.matching import Matcher
    from loopcoach.prep.pack import build_pack, draft_for, read_lines

    role = load_library().role("tpm")
    t = time.perf_counter()
    matcher = Matcher(load_embedder())
    load_s = time.perf_counter() - t
    data = RESUME.read_bytes()

    def build():  # type: ignore[no-untyped-def]
        history = parse_history(data, RESUME.name)
        lines = read_lines(history, matcher)
        resume, drafts = draft_for(history, role, matcher, achievements=lines)
        return build_pack(
            history, role, matcher=matcher, stories=drafts, resume=resume, achievements=lines
        )

    t = time.perf_counter()
    pack = build()
    cold = time.perf_counter() - t
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        build()
        runs.append(time.perf_counter() - t)
    warm = statistics.median(runs)
    print(
        f"prep pack speed: {RESUME.name} ({pack.history.pages} pages, "
        f"{len(pack.history.bullets)} bullets), {len(role.questions)} questions, "
        f"{len(pack.stories)} stories, {matcher.embedder.name}"
    )
    print(f"  model load {load_s:.2f} s, cold build {cold:.2f} s")
    print(f"  warm build {warm:.2f} s median of 5 (target < {TARGET_S:.0f} s)")
    return 0 if warm < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
