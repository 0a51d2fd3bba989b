"""How long `make test` takes: each gate's wall and CPU seconds, and the whole.

Runs the commands `make -n test` prints (so it times exactly what `make test` runs, with the same
test selection; CI=true times the full set) and prints one line per gate and the total. On a
machine shared with other work the wall figure grows with the load; the CPU figure (the gate's
processes, user + system) and the load average printed beside it tell how far to trust it.

    make test-speed                       # or: .venv/bin/python benchmarks/test_speed.py
    python benchmarks/test_speed.py VENV=/path/to/venv   # arguments go to make

Install steps that `make -n` lists when the venv is out of date (`pip install`, and mypy filling
its cache with the installed libraries' types) are not run: run `make install-test` first.
Not a test: nothing here passes or fails on time.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 90.0  # seconds on two cores, once installed (issue 13)
# besides `pip install` and the mypy run on the libraries' types (MYPY_DEPS in the Makefile)
INSTALL_STEPS = ("touch ", "python3 -m venv", "mkdir -p ")


def commands(make_args: list[str]) -> list[str]:
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", "test", *make_args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main(argv: list[str]) -> int:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}  # as the Makefile's test targets
    rows: list[tuple[str, float, float, int]] = []
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    for cmd in commands(argv):
        if "pip install" in cmd or "deps.py" in cmd or cmd.startswith(INSTALL_STEPS):
            print(f"skipped (install step; run `make install-test` first): {cmd[:70]}")
            continue
        t, c = time.perf_counter(), children_cpu()
        code = subprocess.run(
            cmd, shell=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        ).returncode
        rows.append((cmd, time.perf_counter() - t, children_cpu() - c, code))
    total = time.perf_counter() - start
    cpu = sum(r[2] for r in rows)
    print(f"{'wall s':>8} {'cpu s':>8}  exit  gate")
    for cmd, wall, used, code in rows:
        print(f"{wall:8.1f} {used:8.1f}  {code:4}  {cmd[:90]}")
    print(f"{total:8.1f} {cpu:8.1f}        make test (budget {BUDGET:.0f} s wall on 2 cores)")
    print(
        f"cores {os.cpu_count()}, load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after"
    )
    return max((r[3] for r in rows), default=0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
