"""Command-line start-up: wall time of each command in a fresh process, as a user feels it.

Each command runs `python -m loopcoach ...` with its own empty data directory, once to warm the
operating system's file cache and the pack cache, then RUNS times; the median wall time is
printed with the target, next to the CPU time (user + system), which is what the wall time
comes to on an idle machine. Targets:
`--help` and the browsing commands (roles, role, questions, question, search, exercise list)
within 0.5 s; `analyze` of a 350-word answer in a fresh process (the model loaded from disk,
nothing kept from an earlier run) within 3 s; the others are listed for information.

    python benchmarks/cli_speed.py            # every command
    python benchmarks/cli_speed.py --runs 3   # fewer runs
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_S = 0.5
ANALYZE_TARGET_S = 3.0
ANSWER = "{answer}"  # replaced by the path of a 350-word answer file
COMMANDS: list[tuple[list[str], float | None]] = [
    (["--help"], TARGET_S),
    (["mock", "--help"], TARGET_S),
    (["roles"], TARGET_S),
    (["role", "tpm"], TARGET_S),
    (["questions", "--role", "tpo"], TARGET_S),
    (["question", "tpm-slip-three-weeks"], TARGET_S),
    (["search", "risk register"], TARGET_S),
    (["exercise", "list"], TARGET_S),
    (
        [
            "analyze",
            "--question-id",
            "tpm-slip-three-weeks",
            "--role",
            "tpm",
            "--answer-file",
            ANSWER,
            "--no-save",
        ],
        ANALYZE_TARGET_S,
    ),
    (["packs", "validate"], None),
    (["mock", "list"], None),
    (["progress"], None),
]


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; on a busy machine the CPU time is what the
    command would take on an idle one."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "loopcoach", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _answer_text() -> str:
    """About 350 words in the shape of a real answer to the slipped-schedule question."""
    story = (
        "When the payments migration slipped three weeks, I first confirmed the new date with "
        "the two engineering leads and found the cause: a vendor API that throttled our load "
        "tests. I told the sponsor the same day, with three options and their costs. We cut "
        "the reporting feature from the first release, added a second test environment and "
        "moved the launch by nine days instead of twenty-one. I kept a risk register that the "
        "team reviewed every Monday, and I owned the weekly status note to finance. "
    )
    return " ".join([story] * 4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    slow = 0
    with tempfile.TemporaryDirectory() as data:
        answer = os.path.join(data, "answer.txt")
        with open(answer, "w", encoding="utf-8") as fh:
            fh.write(_answer_text())
        env = {**os.environ, "LOOPCOACH_DATA_DIR": data}
        env.pop("LOOPCOACH_DATABASE_URL", None)
        print(f"{'command':<40} {'wall':>7} {'min':>6} {'cpu':>6}  target (on the wall median)")
        for template, target in COMMANDS:
            args = [answer if a == ANSWER else a for a in template]
            run_once(args, env)
            runs = [run_once(args, env) for _ in range(opts.runs)]
            median = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            verdict = (
                ""
                if target is None
                else (f"<= {target:.1f} s " + ("ok" if median <= target else "SLOW"))
            )
            slow += target is not None and median > target
            shown = "loopcoach " + " ".join(a if " " not in a else repr(a) for a in template)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            print(
                f"{shown:<40} {median:>6.2f}s {min(w for w, _ in runs):>5.2f}s "
                f"{cpu:>5.2f}s  {verdict}"
            )
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
