"""Command-line start-up: wall time of each command in a fresh process, as a user feels it.

Each command runs `python -m loopcoach ...` with its own empty data directory, once to warm the
operating system's file cache, then RUNS times; the median is printed with the target. Targets:
`--help` and the browsing commands (roles, role, questions, question, search, exercise list)
within 0.5 s; the others are listed for information.

    python benchmarks/cli_speed.py            # every command
    python benchmarks/cli_speed.py --runs 3   # fewer runs
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_S = 0.5
COMMANDS: list[tuple[list[str], float | None]] = [
    (["--help"], TARGET_S),
    (["mock", "--help"], TARGET_S),
    (["roles"], TARGET_S),
    (["role", "tpm"], TARGET_S),
    (["questions", "--role", "tpo"], TARGET_S),
    (["question", "tpm-slip-three-weeks"], TARGET_S),
    (["search", "risk register"], TARGET_S),
    (["exercise", "list"], TARGET_S),
    (["packs", "validate"], None),
    (["mock", "list"], None),
    (["progress"], None),
]


def run_once(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "loopcoach", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    slow = 0
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "LOOPCOACH_DATA_DIR": data}
        env.pop("LOOPCOACH_DATABASE_URL", None)
        print(f"{'command':<42} {'median':>8} {'min':>7}  target")
        for args, target in COMMANDS:
            run_once(args, env)
            times = [run_once(args, env) for _ in range(opts.runs)]
            median = statistics.median(times)
            verdict = "" if target is None else (
                f"<= {target:.1f} s " + ("ok" if median <= target else "SLOW"))
            slow += target is not None and median > target
            shown = "loopcoach " + " ".join(a if " " not in a else repr(a) for a in args)
            print(f"{shown:<42} {median:>7.2f}s {min(times):>6.2f}s  {verdict}")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
