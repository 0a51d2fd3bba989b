"""`loopcoach serve --workers N`: several processes sharing one database.

Fast: the refusals (an in-memory SQLite database, a bad worker count, bad pool settings), the
pool PostgreSQL gets, and a worker app built from what the serving process passes on. Slow (real
processes, CI=true): two workers on SQLite and on PostgreSQL answer mock sessions from several
clients at once, every acknowledged answer is stored, and a worker killed with SIGKILL is
replaced while the other keeps answering.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import free_port, stop_server

from loopcoach.cli.app import main
from loopcoach.config import MAX_OVERFLOW_ENV, POOL_SIZE_ENV, Settings
from loopcoach.errors import LoopcoachError
from loopcoach.store.engine import make_engine
from loopcoach.web.worker import SERVE_ENV, ServeOptions, create_worker_app


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# --- refusals ----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_several_workers_refuse_an_in_memory_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("LOOPCOACH_DATABASE_URL", url)
    code, out, err = run(capsys, "serve", "--workers", "2", "--port", str(free_port()))
    assert code != 0
    assert "in-memory SQLite" in err and "--workers 1" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err + out


@pytest.mark.parametrize("workers", ["0", "-1", "33", "two", "1e9"])
def test_a_bad_worker_count_is_refused(capsys: pytest.CaptureFixture[str], workers: str) -> None:
    code, out, err = run(capsys, "serve", "--workers", workers, "--port", str(free_port()))
    assert code == 2 and "--workers" in err and "Traceback" not in err + out


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (POOL_SIZE_ENV, "0"),
        (POOL_SIZE_ENV, "-3"),
        (POOL_SIZE_ENV, "eight"),
        (POOL_SIZE_ENV, "９"),  # a full-width digit: isdigit() says yes, int() would take it
        (POOL_SIZE_ENV, "201"),
        (POOL_SIZE_ENV, "9" * 5000),
        (MAX_OVERFLOW_ENV, "-1"),
        (MAX_OVERFLOW_ENV, "1.5"),
    ],
)
def test_bad_pool_settings_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(LoopcoachError) as info:
        Settings.from_env({name: value})
    message = str(info.value)
    assert name in message and len(message) < 200
    monkeypatch.setenv(name, value)
    code, out, err = run(capsys, "roles")
    assert code != 0 and name in err and "Traceback" not in err + out


def test_pool_settings_reach_the_postgresql_engine() -> None:
    pytest.importorskip("psycopg")
    settings = Settings.from_env({POOL_SIZE_ENV: "3", MAX_OVERFLOW_ENV: "0"})
    assert (settings.db_pool_size, settings.db_max_overflow) == (3, 0)
    engine = make_engine(
        "postgresql://lc:secret@localhost:5432/loopcoach",  # never connects
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    assert engine.pool.size() == 3  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 0  # type: ignore[attr-defined]
    assert engine.pool._pre_ping  # a connection the server dropped is replaced, not an error
    default = Settings.from_env({})
    assert (default.db_pool_size, default.db_max_overflow) == (8, 4)


# --- the worker's app --------------------------------------------------------------------------
def test_serve_options_travel_through_the_environment() -> None:
    options = ServeOptions(
        host="0.0.0.0", allow_hosts=("coach.example",), pack_dirs=("/p/a", "/p/b"), warm=False
    )
    assert ServeOptions.from_env(options.to_env()) == options


def test_a_worker_builds_its_app_from_the_serving_process(
    monkeypatch: pytest.MonkeyPatch, mini_pack: Path
) -> None:
    options = ServeOptions(
        host="127.0.0.1", allow_hosts=("coach.example",), pack_dirs=(str(mini_pack.parent),)
    )
    monkeypatch.setenv(SERVE_ENV, ServeOptions(**{**options.__dict__, "warm": False}).to_env())
    app = create_worker_app()
    assert app.state.coach.settings.pack_dirs == (mini_pack.parent,)
    with TestClient(app, base_url="http://coach.example") as client:
        assert client.get("/api/v1/health").status_code == 200
        roles = {r["id"] for r in client.get("/api/v1/roles").json()}
        assert len(roles) > 3  # the built-in roles and the extra pack's
    with TestClient(app, base_url="http://evil.example") as client:
        assert client.get("/api/v1/health").status_code == 400


def test_a_hosted_worker_asks_for_sign_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`serve --hosted --workers N`: every worker serves hosted mode, with its cookie setting."""
    monkeypatch.setenv("LOOPCOACH_DATABASE_URL", f"sqlite:///{tmp_path / 'hosted.db'}")
    options = ServeOptions(host="127.0.0.1", warm=False, hosted=True, secure_cookies=False)
    assert ServeOptions.from_env(options.to_env()) == options
    monkeypatch.setenv(SERVE_ENV, options.to_env())
    app = create_worker_app()
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/roles").status_code == 401
        page = client.get("/", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login")


def test_a_worker_without_the_serving_process_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SERVE_ENV, raising=False)
    with pytest.raises(RuntimeError, match="loopcoach serve"):
        create_worker_app()


# --- real processes ------------------------------------------------------------------------------
def worker_pids(parent: int) -> set[int]:
    """The uvicorn worker processes under a `loopcoach serve --workers N` process."""
    found = set()
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    for pid in children:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            found.add(int(pid))
    return found


SERVE = [sys.executable, "-m", "loopcoach", "serve"]


def start_workers(data: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "LOOPCOACH_DATA_DIR": str(data)}
    data.mkdir(parents=True, exist_ok=True)
    with (data / "serve.log").open("wb") as log:  # a file: a full pipe would stall the workers
        proc = subprocess.Popen(
            [*SERVE, "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError((data / "serve.log").read_text())
        try:
            if (
                httpx.get(base + "/api/v1/health", timeout=1).status_code == 200
                and len(worker_pids(proc.pid)) == workers
            ):
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise AssertionError("the workers did not start in 120 s")


ANSWER = (
    "I led the migration of twelve services with three teams; I set a weekly risk review and "
    "we finished two weeks early with incidents down by a third."
)


def learner(base: str, answers: int) -> list[tuple[str, str]]:
    """Start a session and answer `answers` questions; the acknowledged (session, turn)s."""
    acked = []
    with httpx.Client(base_url=base, headers={"Origin": base}, timeout=120) as http:
        r = http.post("/api/v1/mock", json={"role": "tpm", "allow_repeats": True})
        assert r.status_code == 201, r.text
        session = r.json()["session"]
        for n in range(answers):
            r = http.post(f"/api/v1/mock/{session}/answer", json={"answer": f"{ANSWER} ({n})"})
            assert r.status_code == 200, r.text
            acked.append((session, r.json()["answered"]))
            if r.json().get("debrief") or r.json().get("status") == "ended":
                break
    return acked


def stored_answers(base: str, session: str) -> set[str]:
    r = httpx.get(f"{base}/api/v1/mock/{session}", timeout=60)
    assert r.status_code == 200, r.text
    return {t["key"] for t in r.json()["turns"] if t.get("answer")}


@pytest.mark.slow
def test_two_workers_share_one_database(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    proc, base = start_workers(tmp_path / "data", 2)
    try:
        with ThreadPoolExecutor(6) as pool:
            acked = [a for batch in pool.map(lambda _: learner(base, 3), range(6)) for a in batch]
        assert len(acked) >= 6
        for session in {s for s, _ in acked}:
            assert {k for s, k in acked if s == session} <= stored_answers(base, session)

        victim = min(worker_pids(proc.pid))
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pids = worker_pids(proc.pid)
            if len(pids) == 2 and victim not in pids:
                break
            time.sleep(0.2)
        else:
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text()
            raise AssertionError(f"{victim} not replaced in 120 s; children: {children}")
        assert learner(base, 1), "no answer after a worker was replaced"
    finally:
        stop_server(proc)
