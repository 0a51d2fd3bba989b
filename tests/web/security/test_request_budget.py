"""Long computations stop: each request has a work budget (a 413 that says so when it is spent)
and its work stops once the client has disconnected, instead of running on for nobody."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from tests.web.security.conftest import ORIGIN, assert_alive

from loopcoach.web import budget as web_budget

# 20,000 trials of 999 draws each: about ten seconds of Monte Carlo, all of it legal input
HEAVY = {"velocities": [1, 1, 1], "remaining": 999, "trials": 20_000}
FORECAST = "/api/v1/exercises/forecast"


def test_a_request_over_its_budget_gets_a_413(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_budget, "REQUEST_SECONDS", 0.5)
    start = time.monotonic()
    r = client.post(FORECAST, json=HEAVY)
    elapsed = time.monotonic() - start
    assert r.status_code == 413, r.text[:300]
    assert r.json()["error"]["code"] == "too-slow"
    assert "took longer than 0.5 s" in r.json()["error"]["message"]
    assert elapsed < 5.0
    assert_alive(client)


def test_normal_requests_fit_the_budget(client: TestClient) -> None:
    r = client.post(FORECAST, json={"velocities": [21, 18, 25], "remaining": 120})
    assert r.status_code == 200, r.text[:300]


def _asgi_post(
    app: Any, path: str, body: bytes, *, leave_after: float | None
) -> tuple[float, list]:
    """POST through the ASGI interface; the client disconnects `leave_after` seconds after
    sending (None: it waits for the answer)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"origin", ORIGIN.encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []
    answered = anyio.Event()

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        if leave_after is None:
            await answered.wait()
        else:
            await anyio.sleep(leave_after)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            answered.set()

    async def main() -> float:
        start = time.monotonic()
        await app(scope, receive, send)
        return time.monotonic() - start

    return anyio.run(main), sent


def test_work_stops_when_the_client_disconnects(
    app: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(web_budget, "REQUEST_SECONDS", 60.0)
    body = json.dumps(HEAVY).encode()
    with caplog.at_level(logging.WARNING, logger="loopcoach.web"):
        elapsed, sent = _asgi_post(app, FORECAST, body, leave_after=0.2)
    assert elapsed < 3.0, f"the work went on for {elapsed:.1f} s after the client left"
    assert not any(m["type"] == "http.response.start" for m in sent)
    assert any("client gone: stopped POST " + FORECAST in r.getMessage() for r in caplog.records)


def test_a_waiting_client_gets_its_answer(app: Any) -> None:
    body = json.dumps({"velocities": [21, 18, 25], "remaining": 120}).encode()
    _, sent = _asgi_post(app, FORECAST, body, leave_after=None)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 200
    assert "monte_carlo" in json.loads(b"".join(m.get("body", b"") for m in sent))


@pytest.mark.slow
def test_a_real_server_stops_work_for_a_client_that_left(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Over a real socket to `loopcoach serve`: the client sends the heavy forecast and hangs up;
    the server logs that it stopped, well before the ten seconds the work would take."""
    import re
    import socket

    from tests.web.conftest import start_server, stop_server

    proc, base = start_server(tmp_path_factory.mktemp("budget-serve"))
    try:
        host, port = base.removeprefix("http://").split(":")
        body = json.dumps(HEAVY).encode()
        head = (
            f"POST {FORECAST} HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {base}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(head + body)
            time.sleep(0.3)
        time.sleep(3.0)
        assert httpx.get(base + "/api/v1/health", timeout=2).status_code == 200
    finally:
        stop_server(proc)
    log = proc.stderr.read().decode() if proc.stderr else ""
    found = re.search(r"client gone: stopped POST /api/v1/exercises/forecast after ([\d.]+) s", log)
    assert found, log[-2000:]
    assert float(found.group(1)) < 3.0


def test_an_uninterruptible_pdf_page_is_stopped_at_the_budget(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one page pypdf reads for seconds in a single call: the child process reading it is killed
    from tests.prep import hostile_pdf as H

    from loopcoach.app import isolated

    isolated.pdf_text(H.normal(1), "warm.pdf")  # the fork server starts once per process
    monkeypatch.setattr(web_budget, "REQUEST_SECONDS", 0.5)
    start = time.monotonic()
    r = client.post(
        "/api/v1/prep/upload",
        data={"role": "tpm"},
        files={"file": ("cv.pdf", H.text_pages(1, 7_900, H.WIDE), "application/pdf")},
    )
    elapsed = time.monotonic() - start
    assert r.status_code == 413, r.text[:300]
    assert r.json()["error"]["code"] == "too-slow"
    assert elapsed < 4.0, elapsed  # read in-process, the page alone takes seconds more
    import multiprocessing

    assert not multiprocessing.active_children()
    assert_alive(client)
