"""Speed of the sentence embedders: load time and a 300-word, 20-sentence answer.

    python benchmarks/embeddings_speed.py [--repeat 50]

For each embedder (MiniLM in numpy, then the lexical fallback) prints the load time, the warm
median and p95 time to embed the answer's sentences, and sentences per second. The load is
timed in a fresh interpreter so that imports and reading the weights count.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from loopcoach.analysis.embeddings import (  # noqa: E402
    Embedder,
    LexicalEmbedder,
    MiniLMEmbedder,
    ModelUnavailable,
)

ANSWER = " ".join(
    [
        "We migrated the billing service from a monolith to Kubernetes over two quarters "
        "last year.",
        "First we added health checks and readiness probes so rollouts would never drop traffic.",
        "Then we containerised each worker and moved configuration into environment variables.",
        "The hardest part was the Postgres database, which we deliberately kept outside "
        "the cluster.",
        "I wrote a runbook for the on-call engineers and walked every single team "
        "through it in person.",
        "Latency went down by about thirty percent after we tuned the connection pool "
        "and removed a cache.",
        "We also learned that our application logging was far too noisy to be useful "
        "during incidents.",
        "So we introduced structured logs with request identifiers that followed each call.",
        "Cost was a real concern, so I measured node utilisation every week and shared a report.",
        "In hindsight I would have started with a smaller pilot service instead of the "
        "critical one.",
        "The team disagreed for a while about whether to use Helm or Kustomize for manifests.",
        "We eventually settled on Helm because of its templating features and its clear "
        "release history.",
        "Canary deployments caught two serious regressions before any of our paying "
        "customers noticed.",
        "My role was to coordinate the migration plan and to review every infrastructure change.",
        "I also paired with the junior engineers on the trickier networking and storage "
        "parts of the work.",
        "Our monitoring dashboards were rebuilt in Grafana with one layout for every service.",
        "Alerts were tied to service level objectives rather than raw CPU or memory thresholds.",
        "Overall the migration finished about a week ahead of the schedule we had promised.",
        "If I did it again I would invest much earlier in realistic load testing and "
        "chaos experiments.",
        "That is honestly the main lesson I took away from the whole project, and I "
        "still apply it today.",
    ]
)
SENTENCES = [s for s in re.split(r"(?<=[.!?])\s+", ANSWER) if s]

_LOAD_SNIPPET = """
import sys, time
sys.path.insert(0, {src!r})
t = time.perf_counter()
from loopcoach.analysis.embeddings import {cls}
{cls}()
print(time.perf_counter() - t)
"""


def load_seconds(cls: str) -> float:
    """Import + construct in a fresh interpreter (median of 3)."""
    times = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD_SNIPPET.format(src=str(SRC), cls=cls)],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def warm_timings(embedder: Embedder, texts: list[str], repeat: int) -> list[float]:
    for _ in range(3):
        embedder.embed(texts)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        embedder.embed(texts)
        times.append((time.perf_counter() - start) * 1000.0)
    return sorted(times)


def report(label: str, embedder: Embedder, load: float, repeat: int) -> None:
    times = warm_timings(embedder, SENTENCES, repeat)
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    extra = ""
    if isinstance(embedder, MiniLMEmbedder):
        extra = f", {sum(len(ids) for ids in embedder.tokenize(SENTENCES))} tokens"
    print(f"{label} ({embedder.name}, dim {embedder.dim}{extra})")
    print(f"  load (fresh process, import + weights): {load * 1000:.0f} ms")
    print(
        f"  {len(SENTENCES)}-sentence answer, warm: median {median:.1f} ms, p95 {p95:.1f} ms"
        f" ({repeat} runs)"
    )
    print(f"  throughput: {len(SENTENCES) / (median / 1000):.0f} sentences/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    words = len(ANSWER.split())
    print(f"answer: {words} words, {len(SENTENCES)} sentences")
    try:
        minilm = MiniLMEmbedder()
    except ModelUnavailable as exc:
        print(f"MiniLM: skipped ({exc})")
    else:
        report("MiniLM (numpy)", minilm, load_seconds("MiniLMEmbedder"), args.repeat)
    report("Lexical fallback", LexicalEmbedder(), load_seconds("LexicalEmbedder"), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
