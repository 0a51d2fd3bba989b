"""Load on loopback while the app is attacked: does normal use stay quick and error-free?

Starts a real `loopcoach serve` on a free port with a temporary data directory, then for each
number of concurrent clients runs two phases of `--seconds` each: normal traffic alone, and
normal traffic while attackers send hostile requests back to back (a YAML alias bomb, YAML and
JSON nested 50,000 deep, a DOCX zip bomb, PDF bombs: flate, 200,000 operations on a page, text
past a million characters; a 4,000-row dependency chain). Normal traffic is each client in a
loop: the home page, then an analysis of a short answer. A prober asks /api/v1/health every
100 ms throughout, from a process of its own (so the generator's busy event loop is not
timed). Prints, per phase, the p50/p95/max latency of the normal requests and of the health
probe, the normal requests that failed (anything but 200), and what the hostile requests got
(they must all be 4xx).

The issue's figure is `--seconds 60 --clients 8,32`; the default is shorter. `--workers N`
serves with N worker processes (`loopcoach serve --workers N`, on the same SQLite file).

    python benchmarks/web_load.py                       # 8 and 32 clients, 20 s a phase
    python benchmarks/web_load.py --seconds 60 --attackers 2
    python benchmarks/web_load.py --workers 2 --clients 32 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.prep import hostile_pdf  # noqa: E402 - the hostile PDFs the tests build

ANSWER = (
    "In my last program I owned the migration of forty services to a new platform. I set up a "
    "weekly risk review with the engineering leads, cut the scope of the first release to the "
    "three services with the most traffic, and we shipped two weeks early; incidents fell by "
    "a third in the following quarter."
)
SLOW_HEALTH = 0.2  # seconds: the bound for the health endpoint under attack
QUESTION = "Tell me about a time you delivered a complex program under a tight deadline."


# --- hostile requests --------------------------------------------------------------------------
def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for p, c in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{c}: &{c} [{','.join(['*' + p] * 9)}]")
    return "\n".join(lines) + "\n"


def _docx_bomb(expanded_mb: int = 200) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(expanded_mb):
                part.write(chunk)
    return buf.getvalue()


def _chain_csv(rows: int) -> str:
    lines = ["id,name,duration,depends_on", "w0,Start,1,"]
    lines += [f"w{n},Step {n},1,w{n - 1}" for n in range(1, rows)]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Attack:
    name: str
    path: str
    json: object | None = None
    content: bytes | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    data: dict[str, str] | None = None


def attacks() -> list[Attack]:
    deep_json = ("[" * 50_000 + "]" * 50_000).encode()
    return [
        Attack(
            "yaml alias bomb", "/api/v1/exercises/kano", {"text": _alias_bomb(), "format": "yaml"}
        ),
        Attack(
            "yaml 50,000 deep",
            "/api/v1/exercises/slices",
            {"text": "[\n" * 50_000 + "]\n" * 50_000, "format": "yaml"},
        ),
        Attack(
            "json 50,000 deep",
            "/api/v1/exercises/backlog",
            content=b'{"text": ' + deep_json + b"}",
        ),
        Attack(
            "docx zip bomb",
            "/api/v1/prep/upload",
            files={"file": ("cv.docx", _docx_bomb(), "application/octet-stream")},
            data={"role": "tpm"},
        ),
        Attack(
            "pdf flate bomb",
            "/api/v1/prep/upload",
            files={"file": ("cv.pdf", hostile_pdf.flate_bomb(), "application/pdf")},
            data={"role": "tpm"},
        ),
        Attack(
            "pdf operations flood",
            "/api/v1/prep/upload",
            files={"file": ("cv.pdf", hostile_pdf.text_flood(), "application/pdf")},
            data={"role": "tpm"},
        ),
        Attack(
            "pdf text past 1M chars",
            "/api/v1/prep/upload",
            files={"file": ("cv.pdf", hostile_pdf.text_pages(), "application/pdf")},
            data={"role": "tpm"},
        ),
        Attack(
            "4,000-row chain",
            "/api/v1/exercises/critical-path",
            {"text": _chain_csv(4_000), "format": "csv"},
        ),
    ]


# --- the server --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data: Path, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "LOOPCOACH_DATA_DIR": str(data)}
    env.pop("LOOPCOACH_DATABASE_URL", None)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "loopcoach",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit("loopcoach serve exited before answering")
    proc.kill()
    raise SystemExit("loopcoach serve did not answer within 60 s")


# --- one phase ---------------------------------------------------------------------------------
@dataclass
class Phase:
    normal: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    hostile: Counter[str] = field(default_factory=Counter)  # "name: status"
    hostile_seconds: list[float] = field(default_factory=list)
    hostile_spans: list[tuple[str, float, float]] = field(default_factory=list)  # name, from, to
    slow_health: Counter[str] = field(default_factory=Counter)  # what was under way then


async def _client(http: httpx.AsyncClient, base: str, until: float, phase: Phase) -> None:
    while time.monotonic() < until:
        for method, path, body in (
            ("GET", "/", None),
            ("POST", "/api/v1/analyze", {"question": QUESTION, "answer": ANSWER, "role": "tpm"}),
        ):
            start = time.monotonic()
            try:
                r = await http.request(method, base + path, json=body)
                status = str(r.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            phase.normal.append(time.monotonic() - start)
            if status != "200":
                phase.errors[f"{method} {path}: {status}"] += 1


def _probe(base: str, until: float, out: Connection) -> None:
    """The health prober, in a process of its own: the load generator's event loop (32 clients'
    responses to parse) must not add its own delays to the figure. Sends back (start, seconds,
    error or '') for each probe; time.monotonic is the same clock in every process."""
    probes: list[tuple[float, float, str]] = []
    with httpx.Client(timeout=30) as http:
        while time.monotonic() < until:
            start = time.monotonic()
            error = ""
            try:
                r = http.get(base + "/api/v1/health")
                if r.status_code != 200:
                    error = f"health: {r.status_code}"
            except httpx.HTTPError as exc:
                error = f"health: {type(exc).__name__}"
            probes.append((start, time.monotonic() - start, error))
            time.sleep(0.1)
    out.send(probes)
    out.close()


def _health(phase: Phase, probes: list[tuple[float, float, str]]) -> None:
    """The probes into the phase; a slow one is put down to the hostile requests under way."""
    for start, took, error in probes:
        phase.health.append(took)
        if error:
            phase.errors[error] += 1
        if took > SLOW_HEALTH:
            end = start + took
            names = {n for n, a, b in phase.hostile_spans if a < end and b > start}
            for name in names or {"(no attack)"}:
                phase.slow_health[name] += 1


async def _attacker(
    http: httpx.AsyncClient, base: str, until: float, phase: Phase, todo: list[Attack], offset: int
) -> None:
    n = offset
    while time.monotonic() < until:
        attack = todo[n % len(todo)]
        n += 1
        start = time.monotonic()
        try:
            r = await http.post(
                base + attack.path,
                json=attack.json,
                content=attack.content,
                files=attack.files,
                data=attack.data,
                headers={"content-type": "application/json"} if attack.content else None,
            )
            status = str(r.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        phase.hostile_spans.append((attack.name, start, time.monotonic()))
        phase.hostile_seconds.append(time.monotonic() - start)
        phase.hostile[f"{attack.name}: {status}"] += 1


async def run_phase(
    base: str, clients: int, attackers: int, seconds: float, todo: list[Attack]
) -> Phase:
    phase = Phase()
    # idle connections are dropped after 2 s, before uvicorn closes them (5 s): no request is
    # sent on a connection the server is closing at that moment
    limits = httpx.Limits(max_connections=clients + attackers + 2, keepalive_expiry=2.0)
    headers = {"Origin": base}
    until = time.monotonic() + seconds
    mine, theirs = multiprocessing.Pipe(duplex=False)
    prober = multiprocessing.get_context("spawn").Process(
        target=_probe, args=(base, until, theirs), daemon=True
    )
    prober.start()
    async with httpx.AsyncClient(limits=limits, timeout=120, headers=headers) as http:
        tasks = [_client(http, base, until, phase) for _ in range(clients)]
        tasks += [_attacker(http, base, until, phase, todo, k) for k in range(attackers)]
        await asyncio.gather(*tasks)
    _health(phase, await asyncio.to_thread(mine.recv))
    prober.join(30)
    return phase


# --- report ------------------------------------------------------------------------------------
def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return f"{ordered[k] * 1000:,.0f}"


def report(clients: int, attackers: int, phase: Phase) -> None:
    label = f"{clients} clients, " + (f"{attackers} attackers" if attackers else "no attack")
    print(f"\n== {label}")
    print(
        f"normal requests: {len(phase.normal):>6}  p50 {_ms(phase.normal, 0.5):>6} ms  "
        f"p95 {_ms(phase.normal, 0.95):>6} ms  max {_ms(phase.normal, 1.0):>6} ms"
    )
    print(
        f"health probes:   {len(phase.health):>6}  p50 {_ms(phase.health, 0.5):>6} ms  "
        f"p95 {_ms(phase.health, 0.95):>6} ms  max {_ms(phase.health, 1.0):>6} ms"
    )
    errors = sum(phase.errors.values())
    print(f"errors (normal and health): {errors}")
    for what, count in phase.errors.most_common(10):
        print(f"  {count:>5}  {what}")
    if phase.hostile:
        bad = sum(c for k, c in phase.hostile.items() if not k.rsplit(": ", 1)[1].startswith("4"))
        print(
            f"hostile requests: {sum(phase.hostile.values())}  (not 4xx: {bad}; median "
            f"{statistics.median(phase.hostile_seconds) * 1000:,.0f} ms each)"
        )
        for what, count in sorted(phase.hostile.items()):
            print(f"  {count:>5}  {what}")
    if phase.slow_health:
        print(f"health probes over {SLOW_HEALTH * 1000:.0f} ms, by what was under way:")
        for what, count in phase.slow_health.most_common():
            print(f"  {count:>5}  {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--clients", default="8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--attackers", type=int, default=2, help="concurrent hostile senders")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",") if c.strip()]
    with tempfile.TemporaryDirectory(prefix="loopcoach-load-") as data:
        proc, base = start_server(Path(data), args.workers)
        try:
            # the first analysis in each worker loads the model: not part of the figures (each
            # worker warms itself at start; a few analyses make sure every one has finished)
            for _ in range(4 * args.workers):
                httpx.post(
                    base + "/api/v1/analyze",
                    json={"question": QUESTION, "answer": ANSWER, "role": "tpm", "save": False},
                    headers={"Origin": base, "Connection": "close"},
                    timeout=120,
                ).raise_for_status()
            print(
                f"loopcoach serve at {base}; {args.workers} worker(s); {args.seconds:g} s a "
                f"phase; CPUs: {os.cpu_count()}"
            )
            todo = attacks()  # built once, before any clock runs (the bombs take seconds)
            for clients in counts:
                for attackers in (0, args.attackers):
                    phase = asyncio.run(run_phase(base, clients, attackers, args.seconds, todo))
                    report(clients, attackers, phase)
            r = httpx.get(base + "/api/v1/health", timeout=5)
            print(f"\nafter the run: health {r.status_code} {json.dumps(r.json())}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
