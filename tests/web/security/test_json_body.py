"""JSON request bodies are decoded and checked in a worker thread, never on the event loop (a
10 MB body took a second of CPU there, and every other request waited), with the same limits:
depth, NUL characters, UTF-8."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.security.conftest import assert_alive

from loopcoach.limits import MAX_DEPTH
from loopcoach.web.jsonbody import MAX_JSON_BYTES


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_a_json_body_is_decoded_once_and_off_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[tuple[bool, int]] = []  # (on the event loop, body size) per json.loads call
    real = json.loads
    marker = "off-the-loop marker"

    def spy(data: Any, *args: Any, **kwargs: Any) -> Any:
        raw = data.encode() if isinstance(data, str) else bytes(data)
        if marker.encode() in raw:
            decoded.append((_on_event_loop(), len(raw)))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(json, "loads", spy)
    text = f"Given a user\nWhen they log in\nThen they see the page ({marker})"
    r = client.post("/api/v1/exercises/ac", json={"text": text})
    assert r.status_code == 200, r.text
    assert len(decoded) == 1, decoded  # FastAPI used our value instead of decoding it again
    assert decoded[0][0] is False, "the body was decoded on the event loop"


def test_depth_limit_counts_levels_exactly(client: TestClient) -> None:
    def nested(levels: int) -> bytes:
        return b'{"role": "tpm", "stages": []' + b', "x": ' + b"[" * levels + b"]" * levels + b"}"

    ok = client.post(
        "/api/v1/mock",
        content=nested(MAX_DEPTH - 1),  # the outer object is one level
        headers={"content-type": "application/json"},
    )
    assert ok.status_code == 201, ok.text
    deep = client.post(
        "/api/v1/mock",
        content=nested(MAX_DEPTH),
        headers={"content-type": "application/json"},
    )
    assert deep.status_code == 413, deep.text
    assert "nested" in deep.json()["error"]["message"]


def test_nul_in_a_key_or_a_nested_string_is_refused(client: TestClient) -> None:
    for body in ({"text": "Given a user", "x\u0000": 1}, {"text": "ok", "y": [["a\u0000"]]}):
        r = client.post("/api/v1/exercises/ac", json=body)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] == "nul-byte"
    assert_alive(client)


def test_bad_json_and_bad_utf8_are_one_line_4xx(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    r = client.post("/api/v1/exercises/ac", content=b'{"text": "Given', headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"]
    r = client.post("/api/v1/exercises/ac", content=b'{"text": "\xff\xfe"}', headers=headers)
    assert r.status_code == 400, r.text
    assert "utf-8" in r.json()["error"]["message"].lower()
    assert_alive(client)


def test_a_big_json_body_is_refused_before_it_is_decoded(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decoding is one C call that keeps the GIL: a body over MAX_JSON_BYTES (under the 10 MB
    of any body) is refused without it."""
    decoded: list[int] = []
    real = json.loads
    monkeypatch.setattr(json, "loads", lambda data, *a, **k: decoded.append(1) or real(data))
    body = b'{"text": [' + b",".join([b'"ab"'] * 1_900_000) + b"]}"
    assert MAX_JSON_BYTES < len(body) < 10 * 2**20
    r = client.post(
        "/api/v1/exercises/ac", content=body, headers={"content-type": "application/json"}
    )
    assert not decoded, "the body was decoded"
    assert r.status_code == 413, r.text[:300]
    assert "4 MB limit" in r.json()["error"]["message"]
    assert_alive(client)


def test_the_longest_exercise_text_fits_the_json_limit() -> None:
    from loopcoach.web.jsonbody import decode
    from loopcoach.web.routes.exercises import MAX_TEXT_CHARS

    lines = "\n".join(["Given a signed-in buyer, when they pay, then they see a receipt"] * 16_000)
    body = json.dumps({"text": lines[:MAX_TEXT_CHARS]}).encode()
    assert len(body) < MAX_JSON_BYTES
    assert len(decode(body)["text"]) == MAX_TEXT_CHARS
