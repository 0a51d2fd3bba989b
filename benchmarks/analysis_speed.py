"""Prints analysis speed and memory: cold start of `loopcoach analyze`, warm median and p95 per
300-word answer, batch throughput, and peak memory.

Targets (issue 3): warm p95 <= 50 ms, batch >= 25 answers/s, cold start <= 3 s, peak <= 500 MB.
Run: .venv/bin/python benchmarks/analysis_speed.py
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import calibration as C

from loopcoach.analysis.embeddings import load_embedder
from loopcoach.analysis.engine import Analyzer
from loopcoach.content.library import load_library


def three_hundred_words(items: list[C.Graded]) -> list[C.Graded]:
    return [i for i in items if 250 <= C.words(i.text) <= 350]


def cold_start(item: C.Graded) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write(item.text)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "loopcoach",
            "analyze",
            "--question",
            item.question,
            "--role",
            item.role,
            "--answer-file",
            fh.name,
            "--json",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    items = C.load()
    sample = three_hundred_words(items) or items
    colds = [cold_start(sample[0]) for _ in range(3)]
    print(
        f"cold start of `loopcoach analyze` (process start to JSON): median "
        f"{statistics.median(colds):.2f} s (target <= 3 s)"
    )

    embedder = load_embedder()
    analyzer = Analyzer(load_library(), embedder)
    # Warm: the model, the prompt index and every rubric's vectors, as the on-disk cache
    # provides them after a first run. Answers themselves are never cached.
    analyzer.warm(analyzer.rubric_texts())
    for i in sample:
        analyzer.analyze(i.question, i.text, role=i.role)
    print(
        f"embedder: {embedder.name}, answers in {getattr(embedder, 'answer_precision', 'float32')}"
    )
    times = []
    for _ in range(3):
        for i in sample:
            t = time.perf_counter()
            analyzer.analyze(i.question, i.text, role=i.role)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"warm, {len(sample)} answers of 250-350 words x3: median "
        f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms (target p95 <= 50 ms)"
    )

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for i in items:
            fh.write(
                json.dumps({"id": i.id, "question": i.question, "answer": i.text, "role": i.role})
                + "\n"
            )
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "loopcoach", "analyze", "--batch", fh.name, "--json"],
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - start
    print(
        f"batch of {len(items)} answers in one process: {len(items) / elapsed:.1f} answers/s "
        f"including start-up (target >= 25)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak memory: this process {peak:.0f} MB, largest CLI child {child:.0f} MB "
        "(target <= 500 MB)"
    )


if __name__ == "__main__":
    main()
