"""Hosted load: simulated learners against 1, 2 and 4 workers on PostgreSQL on loopback.

Each run starts `loopcoach serve --workers N` on a fresh PostgreSQL database, then `--learners`
learners (default 50) each sign in (a no-op in local mode; with `--hosted` the server runs
`serve --hosted`, each learner has an account made before the run and signs in through the login
form and keeps its session's CSRF token: see `sign_in`) and, for `--seconds`,
start mock sessions and answer every question and follow-up until the debrief, with a scored
analysis (`POST /api/v1/analyze`, saved) after every third answer. It prints the throughput
(acknowledged answers and analyses per second), the p50/p95 latency, the errors (anything but
2xx: there must be none) and the scaling efficiency (throughput with N workers / (N x with one)).
After the server has stopped, it reads the database directly: every acknowledged mock answer must
be there, with its text, and every acknowledged analysis must be a stored attempt.

Before the runs, every question of the role is analysed once (untimed) so the embeddings of the
pack's text are in the on-disk cache (`--cache-dir`, kept between runs as an installed server
keeps its data directory): the figures are a server's steady state, not its first minutes.

Then a kill run: `--kill-workers` workers (default 2), one of them killed with SIGKILL half-way
through. A request cut off by the kill is sent again (a mock answer with its turn key, so the
server stores it once); no acknowledged answer may be lost.

PostgreSQL: `--database-url` (a URL whose user may create databases), else
LOOPCOACH_TEST_DATABASE_URL, else the script runs itself under `.ci/with-postgres`, which starts
Debian's PostgreSQL in a temporary directory on a free loopback port and removes it after.

    python benchmarks/hosted_load.py                                    # the issue's figures
    python benchmarks/hosted_load.py --seconds 15 --learners 20 --workers 1,2
    python benchmarks/hosted_load.py --hosted                           # signed in
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ROLE = "tpm"
ANALYSE_EVERY = 3  # answers between two analyses
RETRIES = 5  # sends of one request cut off by a dying worker
CUT_OFF = (httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError, httpx.WriteError)
QUESTION = "Tell me about a time you delivered a complex program under a tight deadline."
ANSWERS = [
    "In my last program I owned the migration of forty services to a new platform. I set up a "
    "weekly risk review with the engineering leads, cut the scope of the first release to the "
    "three services with the most traffic, and we shipped two weeks early; incidents fell by a "
    "third in the following quarter.",
    "Two teams disagreed about the order of a database change. I wrote both options down with "
    "their risks, we agreed on a trial behind a flag, and the rollout finished without downtime; "
    "since then both teams use the same decision template.",
    "I noticed our release train slipped every month, so I measured where the days went, found "
    "that reviews waited on one approver, and added a second one; lead time dropped from nine "
    "days to four within a quarter.",
]


# --- SIGN IN: the one step hosted mode adds ------------------------------------------------------
PASSWORD = "bench-password-1234"  # every benchmark learner's; the database is thrown away after
TOKEN_RX = re.compile(r'name="csrf_token" value="([^"]+)"')
WARM_LEARNER = -1  # the account warm() and prime() sign in as


def email_of(learner: int) -> str:
    return f"learner{learner}@bench.invalid" if learner >= 0 else "warm@bench.invalid"


def create_learners(database: str, data: Path, learners: int) -> float:
    """The accounts of learners 0..learners-1 and of the warm-up client, made in the database
    before the server starts (argon2id at its normal cost); the seconds it took."""
    sys.path.insert(0, str(ROOT / "src"))
    from loopcoach.app import Coach
    from loopcoach.config import Settings

    started = time.monotonic()
    coach = Coach(
        Settings.from_env({"LOOPCOACH_DATA_DIR": str(data), "LOOPCOACH_DATABASE_URL": database})
    )
    for n in [WARM_LEARNER, *range(learners)]:
        coach.accounts.create_user(email_of(n), PASSWORD, role="learner", name=f"learner {n}")
    coach.engine.dispose()
    return time.monotonic() - started


async def sign_in(http: httpx.AsyncClient, base: str, learner: int, hosted: bool) -> None:
    """Sign learner number `learner` in, on `http` (one client per learner, so one cookie jar).

    LOCAL MODE: there are no accounts, so this does nothing. HOSTED MODE (`--hosted`): the
    login form as a browser fills it (its CSRF token, the email and password), then the
    session's CSRF token from `/api/v1/me` kept as the `X-CSRF-Token` header of every later
    request on `http`; the session cookie stays in `http`'s cookie jar."""
    if not hosted:
        return
    page = await http.get(base + "/login")
    found = TOKEN_RX.search(page.text)
    if found is None:
        raise SystemExit(f"no login form at {base}/login ({page.status_code})")
    form = {"email": email_of(learner), "password": PASSWORD, "csrf_token": found.group(1)}
    r = await http.post(base + "/login", data=form)
    if r.status_code != 303:
        raise SystemExit(f"sign-in of {email_of(learner)} failed: {r.status_code}")
    me = await http.get(base + "/api/v1/me")
    me.raise_for_status()
    http.headers["X-CSRF-Token"] = me.json()["csrf_token"]


# --- PostgreSQL ----------------------------------------------------------------------------------
def admin_url(cli: str | None) -> str | None:
    return cli or os.environ.get("LOOPCOACH_TEST_DATABASE_URL") or None


def psycopg_url(url: str) -> str:
    """A URL psycopg itself takes (no SQLAlchemy driver name)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def create_database(admin: str) -> str:
    import psycopg

    name = f"lc_load_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(psycopg_url(admin), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = psycopg_url(admin).rpartition("/")
    return f"{base}/{name}"


def drop_database(admin: str, url: str) -> None:
    import psycopg

    name = url.rpartition("/")[2]
    with psycopg.connect(psycopg_url(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stored(url: str) -> tuple[set[tuple[str, str, str]], Counter[str]]:
    """(session, turn key, text) of every stored mock answer; stored attempts' answers."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT session_id, data FROM mock_events WHERE type = 'answer_submitted'"
        ).fetchall()
        answers = {(s, str(d["key"]), str(d["text"])) for s, d in rows}
        attempts = Counter(
            str(a) for (a,) in conn.execute("SELECT answer FROM attempts WHERE answer IS NOT NULL")
        )
    return answers, attempts


# --- the server ----------------------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_pids(parent: int) -> list[int]:
    """uvicorn's worker processes under `loopcoach serve --workers N` (not its resource tracker)."""
    found = []
    for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except FileNotFoundError:
            continue
    return sorted(found)


def start_server(
    database: str, data: Path, workers: int, cache: Path, hosted: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "LOOPCOACH_DATA_DIR": str(data),
        "LOOPCOACH_DATABASE_URL": database,
        "LOOPCOACH_CACHE_DIR": str(cache),
    }
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "loopcoach", "serve", "--port", str(port)]
    if hosted:  # loopback http: cookies without Secure; limits out of the way of the figures
        cmd.append("--hosted")
        env["LOOPCOACH_INSECURE_COOKIES"] = "1"
        env["LOOPCOACH_RATE_ANALYSES_PER_MINUTE"] = "10000"
        env["LOOPCOACH_RATE_UPLOADS_PER_MINUTE"] = "10000"
    proc = subprocess.Popen(
        [*cmd, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("loopcoach serve exited before answering")
        try:
            up = httpx.get(base + "/api/v1/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            up = False
        if up and (workers == 1 or len(worker_pids(proc.pid)) == workers):  # 1: no children
            return proc, base
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("loopcoach serve did not answer within 120 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def warm(base: str, workers: int, hosted: bool = False) -> None:
    """Every worker loads the model at start; analyses on fresh connections until each has."""

    async def one(http: httpx.AsyncClient) -> None:
        r = await http.post(
            base + "/api/v1/analyze",
            json={"question": QUESTION, "answer": ANSWERS[0], "role": ROLE, "save": False},
            headers={"Connection": "close"},
        )
        r.raise_for_status()

    async def all_of_them() -> None:
        async with httpx.AsyncClient(timeout=180, headers={"Origin": base}) as http:
            await sign_in(http, base, WARM_LEARNER, hosted)
            await asyncio.gather(*(one(http) for _ in range(4 * workers)))

    asyncio.run(all_of_them())


def prime(base: str, hosted: bool = False) -> int:
    """Analyse every question of the role once, so its text's embeddings are cached on disk."""

    async def one(http: httpx.AsyncClient, qid: str, gate: asyncio.Semaphore) -> None:
        async with gate:
            body = {"question_id": qid, "answer": ANSWERS[1], "role": ROLE, "save": False}
            (await http.post(base + "/api/v1/analyze", json=body)).raise_for_status()

    async def all_of_them() -> None:
        gate = asyncio.Semaphore(4)
        async with httpx.AsyncClient(timeout=300, headers={"Origin": base}) as http:
            await sign_in(http, base, WARM_LEARNER, hosted)
            r = await http.get(f"{base}/api/v1/questions?role={ROLE}&limit=500")
            r.raise_for_status()
            ids[:] = [q["id"] for q in r.json()]
            await asyncio.gather(*(one(http, q, gate) for q in ids))

    ids: list[str] = []
    asyncio.run(all_of_them())
    return len(ids)


# --- the learners --------------------------------------------------------------------------------
@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # acknowledged requests, seconds
    answers: list[tuple[str, str, str]] = field(default_factory=list)  # acknowledged answers
    analyses: list[str] = field(default_factory=list)  # acknowledged saved analyses' answers
    errors: Counter[str] = field(default_factory=Counter)
    cut_off: int = 0  # sends cut off by a dying worker and sent again
    replayed: int = 0  # answers the server had stored before the cut
    sessions: int = 0
    seconds: float = 0.0
    hosted: bool = False  # learners sign in first (serve --hosted)


async def send(
    http: httpx.AsyncClient, run: Run, path: str, body: dict[str, object], ok: int = 200
) -> dict[str, object] | None:
    """POST, sending again what a dying worker cut off; the JSON answer, or None (an error)."""
    for attempt in range(RETRIES):
        start = time.monotonic()
        try:
            r = await http.post(path, json=body)
        except CUT_OFF as exc:
            if attempt + 1 == RETRIES:
                run.errors[f"POST {path.split('/')[3]}: {type(exc).__name__}"] += 1
                return None
            run.cut_off += 1
            await asyncio.sleep(0.2)
            continue
        except httpx.HTTPError as exc:
            run.errors[f"POST {path.split('/')[3]}: {type(exc).__name__}"] += 1
            return None
        if r.status_code != ok:
            code = r.json().get("error", {}).get("code", "") if r.content else ""
            run.errors[f"POST {path.split('/')[3]}: {r.status_code} {code}".strip()] += 1
            return None
        run.latencies.append(time.monotonic() - start)
        data: dict[str, object] = r.json()
        return data
    return None


async def learner(base: str, n: int, until: float, run: Run) -> None:
    limits = httpx.Limits(max_connections=2, keepalive_expiry=2.0)
    async with httpx.AsyncClient(
        base_url=base, timeout=120, limits=limits, headers={"Origin": base}
    ) as http:
        await sign_in(http, base, n, run.hosted)
        said = 0
        while time.monotonic() < until:
            started = await send(
                http, run, "/api/v1/mock", {"role": ROLE, "allow_repeats": True}, ok=201
            )
            if started is None:
                await asyncio.sleep(0.5)
                continue
            run.sessions += 1
            session = str(started["session"])
            turn = started.get("question")
            while isinstance(turn, dict) and time.monotonic() < until:
                said += 1
                text = f"{ANSWERS[said % len(ANSWERS)]} (learner {n}, answer {said})"
                key = str(turn["key"])
                out = await send(
                    http, run, f"/api/v1/mock/{session}/answer", {"answer": text, "key": key}
                )
                if out is None:
                    break
                run.answers.append((session, key, text))
                run.replayed += bool(out.get("replayed"))
                turn = out.get("next")
                if said % ANALYSE_EVERY == 0:
                    mine = f"{ANSWERS[said % len(ANSWERS)]} (learner {n}, analysis {said})"
                    body = {"question": QUESTION, "answer": mine, "role": ROLE, "save": True}
                    if await send(http, run, "/api/v1/analyze", body) is not None:
                        run.analyses.append(mine)


async def drive(
    base: str, learners: int, seconds: float, kill: int | None = None, hosted: bool = False
) -> Run:
    """`learners` learners for `seconds`; with `kill` (the serving process), SIGKILL one of its
    workers half-way through; with `hosted`, each signs in first."""
    run = Run(hosted=hosted)
    started = time.monotonic()
    until = started + seconds
    tasks = [asyncio.create_task(learner(base, n, until, run)) for n in range(learners)]
    if kill is not None:
        await asyncio.sleep(seconds / 2)
        victim = worker_pids(kill)[0]
        os.kill(victim, signal.SIGKILL)
        print(f"  killed worker {victim} with SIGKILL at {time.monotonic() - started:.1f} s")
    await asyncio.gather(*tasks)
    run.seconds = time.monotonic() - started
    return run


# --- report --------------------------------------------------------------------------------------
def ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000:,.0f}"


@dataclass(frozen=True)
class Outcome:
    workers: int
    throughput: float
    run: Run
    lost_answers: int
    lost_analyses: int


def check(database: str, run: Run, workers: int) -> Outcome:
    answers, attempts = stored(database)
    lost = [a for a in run.answers if a not in answers]
    lost_analyses = sum(1 for a in run.analyses if attempts[a] == 0)
    done = len(run.answers) + len(run.analyses)
    return Outcome(
        workers, done / run.seconds if run.seconds else 0.0, run, len(lost), lost_analyses
    )


def report(label: str, o: Outcome, base_throughput: float | None) -> None:
    run = o.run
    errors = sum(run.errors.values())
    line = (
        f"{label:<22} {o.throughput:7.1f}/s  p50 {ms(run.latencies, 0.5):>6} ms  "
        f"p95 {ms(run.latencies, 0.95):>6} ms  answers {len(run.answers):>5}  "
        f"analyses {len(run.analyses):>4}  errors {errors}  lost {o.lost_answers + o.lost_analyses}"
    )
    if base_throughput:
        line += f"  scaling {o.throughput / (o.workers * base_throughput):.0%}"
    print(line)
    for what, count in run.errors.most_common(5):
        print(f"    {count:>5}  {what}")
    if run.cut_off or run.replayed:
        print(f"    sends cut off by the kill and sent again: {run.cut_off}")
        print(f"    of which answers already stored (a replay, stored once): {run.replayed}")


def one_run(
    admin: str,
    cache: Path,
    workers: int,
    learners: int,
    seconds: float,
    *,
    kill: bool = False,
    priming: bool = False,
    hosted: bool = False,
) -> Outcome | None:
    database = create_database(admin)
    try:
        with tempfile.TemporaryDirectory(prefix="loopcoach-hosted-") as data:
            if hosted:
                took = create_learners(database, Path(data), learners)
                print(f"    {learners + 1} accounts made in {took:.1f} s")
            proc, base = start_server(database, Path(data), workers, cache, hosted)
            try:
                warm(base, workers, hosted)
                if priming:
                    started = time.monotonic()
                    n = prime(base, hosted)
                    print(f"primed the cache: {n} questions in {time.monotonic() - started:.0f} s")
                    return None
                killed = proc.pid if kill else None
                run = asyncio.run(drive(base, learners, seconds, killed, hosted))
            finally:
                stop_server(proc)
        return check(database, run, workers)
    finally:
        drop_database(admin, database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each run")
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma-separated")
    parser.add_argument("--kill-workers", type=int, default=2, help="workers in the kill run")
    parser.add_argument("--no-kill", action="store_true", help="skip the kill run")
    parser.add_argument("--database-url", help="PostgreSQL whose user may create databases")
    parser.add_argument(
        "--hosted",
        action="store_true",
        help="serve --hosted: every learner has an account and signs in before the run",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=ROOT / ".cache" / "hosted-load",
        help="the servers' embedding cache, kept between runs",
    )
    args = parser.parse_args()
    admin = admin_url(args.database_url)
    if admin is None:  # start a throwaway PostgreSQL as the tests do, and run again beside it
        wrapper = ROOT / ".ci" / "with-postgres"
        os.execv(str(wrapper), [str(wrapper), sys.executable, __file__, *sys.argv[1:]])
    counts = [int(c) for c in args.workers.split(",") if c.strip()]
    print(
        f"{args.learners} learners, {args.seconds:g} s a run, PostgreSQL on loopback; "
        f"CPUs: {os.cpu_count()} (shared with the load generator and the database)"
    )
    hosted = args.hosted
    one_run(admin, args.cache_dir, 1, 0, 0, priming=True, hosted=hosted)
    outcomes: list[Outcome] = []
    base: float | None = None
    for workers in counts:
        o = one_run(admin, args.cache_dir, workers, args.learners, args.seconds, hosted=hosted)
        assert o is not None
        outcomes.append(o)
        if workers == 1:
            base = o.throughput
        report(f"{workers} worker(s)", o, base if workers > 1 else None)
    if not args.no_kill:
        print(f"kill run: {args.kill_workers} workers, one killed with SIGKILL half-way")
        o = one_run(
            admin,
            args.cache_dir,
            args.kill_workers,
            args.learners,
            args.seconds,
            kill=True,
            hosted=hosted,
        )
        assert o is not None
        outcomes.append(o)
        report(f"{args.kill_workers} workers, 1 killed", o, None)
    failed = [o for o in outcomes if o.lost_answers or o.lost_analyses or o.run.errors]
    lat = [x for o in outcomes for x in o.run.latencies]
    print(
        f"overall: {sum(len(o.run.answers) for o in outcomes)} answers acknowledged, "
        f"{sum(o.lost_answers for o in outcomes)} lost; median latency "
        f"{statistics.median(lat) * 1000 if lat else 0:,.0f} ms"
    )
    if failed:
        raise SystemExit(f"FAILED: errors or lost answers in {len(failed)} run(s)")


if __name__ == "__main__":
    main()
