"""A learner loads their own export (`/account/export.json`) back, from the account page's form
or `POST /api/v1/account/import`: every imported row is theirs, a file crafted with another
learner's ids never changes that learner's data, an export of a deleted account comes back
whole, and a hostile file (huge, deep, wrong types, too many rows) is a 4xx naming the field,
with nothing stored.

Runs on SQLite, and on PostgreSQL when LOOPCOACH_TEST_DATABASE_URL is set (tests/conftest.py).
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from html import unescape
from typing import Any

import pytest
from tests.accounts.helpers import PASSWORD
from tests.web.hosted.conftest import HostedClient, World, hosted_client, seed_learner
from tests.web.hosted.test_hosted_account import _rows_of

BOOKKEEPING = ("auth_sessions", "rate_counts")  # sessions and rate counts: not the user's data

MARK = "Overwritten by the importer"


def _learner(world: World, email: str) -> tuple[int, HostedClient]:
    uid = world.coach.accounts.create_user(email, PASSWORD, role="learner").id
    client = hosted_client(world.app)
    client.__enter__()
    assert client.sign_in(email).status_code == 303
    return uid, client


def _data_rows(world: World, uid: int) -> dict[str, int]:
    return {k: v for k, v in _rows_of(world, uid).items() if k not in BOOKKEEPING}


def _export(client: HostedClient) -> dict[str, Any]:
    r = client.get("/account/export.json")
    assert r.status_code == 200, r.text[:300]
    sections: dict[str, Any] = r.json()["sections"]
    return sections


def _upload(client: HostedClient, body: bytes, name: str = "export.json") -> Any:
    return client.post("/account/import", files={"file": (name, body, "application/json")})


def _crafted(victim: dict[str, Any]) -> dict[str, Any]:
    """The victim's own export with every text changed and newer versions, keeping their ids,
    uuids, session ids and pack ids: what an attacker would upload to overwrite them."""
    sections = copy.deepcopy(victim)
    for s in sections["stories"]:
        s["title"] = f"{MARK} {s['id']}"
        s["situation"] = MARK
        s["version"] = 99
        s["edited"] = True
    for a in sections["attempts"]:
        a["answer"] = MARK
    for p in sections["prep_packs"]:
        p["rebuilt_from"] = p["id"]  # a pack of the victim's
        p["created_at"] = "2020-01-01T00:00:00+00:00"
    return {"format": "loopcoach-backup", "version": 1, "sections": sections}


@pytest.mark.parametrize("via", ["form", "api"])
def test_a_file_with_another_learners_ids_never_changes_theirs(world: World, via: str) -> None:
    victim_id, victim = _learner(world, f"victim-{via}@example.org")
    thief_id, thief = _learner(world, f"thief-{via}@example.org")
    try:
        seed_learner(victim, f"victim-{via}")
        before = _export(victim)
        rows_before = _data_rows(world, victim_id)
        assert before["stories"] and before["mock_sessions"] and before["prep_packs"]
        crafted = _crafted(before)

        if via == "form":
            r = _upload(thief, json.dumps(crafted).encode())
            assert r.status_code == 200, r.text[:500]
            assert 'id="import-done"' in r.text
        else:
            r = thief.post("/api/v1/account/import", json=crafted)
            assert r.status_code == 200, r.text[:500]
            assert r.json()["total"] > 0

        assert _export(victim) == before  # not one row of the victim's changed
        assert _data_rows(world, victim_id) == rows_before
        mine = _export(thief)
        assert len(mine["stories"]) == len(before["stories"])
        assert all(s["title"].startswith(MARK) for s in mine["stories"])
        assert not {s["uuid"] for s in mine["stories"]} & {s["uuid"] for s in before["stories"]}
        assert not {s["id"] for s in mine["stories"]} & {s["id"] for s in before["stories"]}
        theirs = {s["id"] for s in before["mock_sessions"]}
        assert len(mine["mock_sessions"]) == len(theirs)
        assert not {s["id"] for s in mine["mock_sessions"]} & theirs
        packs = {p["id"] for p in mine["prep_packs"]}
        assert not packs & {p["id"] for p in before["prep_packs"]}
        assert all(p["rebuilt_from"] in packs | {None} for p in mine["prep_packs"])
        assert [a["answer"] for a in mine["attempts"]] == [MARK] * len(before["attempts"])
        counts = _data_rows(world, thief_id)
        assert counts["stories"] == len(before["stories"]) and counts["mock_sessions"]

        # the victim's objects, opened by id, are still the victim's alone
        story = before["stories"][0]
        assert thief.get(f"/prep/stories/{story['id']}").status_code == 404
        assert victim.get(f"/prep/stories/{story['id']}").text.count(MARK) == 0
        session = before["mock_sessions"][0]["id"]
        assert thief.get(f"/api/v1/mock/{session}").status_code == 404

        actions = [(e.action, e.actor) for e in world.coach.accounts.audit_log(limit=500)]
        assert ("data-imported", f"thief-{via}@example.org") in actions
    finally:
        victim.__exit__(None, None, None)
        thief.__exit__(None, None, None)


def test_export_delete_import_restores_the_data(world: World) -> None:
    email = "round-trip@example.org"
    uid, me = _learner(world, email)
    seed_learner(me, "round-trip")
    r = me.get("/account/export.json")
    file, before = r.content, r.json()["sections"]
    counts = _data_rows(world, uid)
    assert me.post("/account/delete", data={"confirm": email}).status_code == 303
    me.__exit__(None, None, None)

    uid, me = _learner(world, email)
    try:
        assert _export(me)["stories"] == []
        r = _upload(me, file)
        assert r.status_code == 200, r.text[:500]
        assert _export(me) == before
        assert _data_rows(world, uid) == counts
        again = me.post("/api/v1/account/import", json=json.loads(file))
        assert again.status_code == 200 and again.json()["total"] == 0  # idempotent
        assert _export(me) == before
    finally:
        me.__exit__(None, None, None)


def test_an_import_keeps_the_users_newer_edits(world: World) -> None:
    _, me = _learner(world, "editor@example.org")
    try:
        seed_learner(me, "editor")
        file = me.get("/account/export.json").content
        story = _export(me)["stories"][0]
        r = me.post(f"/prep/stories/{story['id']}", data={"title": "Edited after the export"})
        assert r.status_code == 303
        edited = _export(me)
        assert _upload(me, file).status_code == 200
        assert _export(me) == edited
        assert "Edited after the export" in me.get(f"/prep/stories/{story['id']}").text
    finally:
        me.__exit__(None, None, None)


def _deep(levels: int) -> bytes:
    nested = "[" * levels + "]" * levels
    return f'{{"format": "loopcoach-backup", "version": 1, "x": {nested}}}'.encode()


HOSTILE_FILES: list[tuple[str, bytes, int, str]] = [
    ("not-json", b"{not json", 400, "file: damaged or not JSON"),
    ("not-utf8", b"\xff\xfe{}", 400, "file: not UTF-8"),
    ("not-a-backup", b'{"format": "something-else"}', 400, "file is not a loopcoach backup"),
    ("a-list", b"[1, 2, 3]", 400, "file is not a loopcoach backup"),
    ("deep", _deep(200), 413, "file: JSON nested more than 64 levels"),
    (
        "section-not-a-list",
        b'{"format": "loopcoach-backup", "version": 1, "sections": {"stories": "x"}}',
        400,
        "section 'stories' is not a list",
    ),
    (
        "no-sections",
        b'{"format": "loopcoach-backup", "version": 1, "sections": 7}',
        400,
        "file: the backup has no sections",
    ),
    (
        "unknown-section",
        b'{"format": "loopcoach-backup", "version": 1, "sections": {"passwords": []}}',
        400,
        "cannot read (passwords)",
    ),
    (
        "newer",
        b'{"format": "loopcoach-backup", "version": 9, "sections": {}}',
        400,
        "newer loopcoach",
    ),
    (
        "bad-story",
        b'{"format": "loopcoach-backup", "version": 1, "sections": {"stories": [{"uuid": "u",'
        b' "title": "T", "created_at": 5, "updated_at": 5}]}}',
        400,
        "section 'stories', row 1",
    ),
    (
        "row-not-object",
        b'{"format": "loopcoach-backup", "version": 1, "sections": {"attempts": [1]}}',
        400,
        "section 'attempts', row 1",
    ),
    (
        "wrong-types",
        b'{"format": "loopcoach-backup", "version": 1, "sections": {"attempts": [{"uuid": [1],'
        b' "question_id": {}, "score": "x", "dimensions": 7, "source": 1, "created_at": true}]}}',
        400,
        "section 'attempts'",
    ),
    (
        "too-many-rows",
        b'{"format": "loopcoach-backup", "version": 1, "sections": {"attempts": ['
        + b",".join([b"{}"] * 20_001)
        + b"]}}",
        413,
        "file: 20,001 rows, over the limit of 20,000",
    ),
]


@pytest.fixture()
def importer(world: World) -> Any:
    """A learner of their own per test (each import counts against the per-minute upload
    limit), with a mock session and an analysed answer stored."""
    uid, me = _learner(world, f"hostile-{uuid.uuid4().hex[:12]}@example.org")
    assert me.post("/api/v1/mock", json={"role": "tpm", "seed": 3}).status_code == 201
    answer = {"question": "A conflict?", "answer": "I listened, then we agreed on a plan."}
    assert me.post("/api/v1/analyze", json=answer).status_code == 200
    yield uid, me
    me.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [h[1:] for h in HOSTILE_FILES],
    ids=[h[0] for h in HOSTILE_FILES],
)
def test_a_hostile_file_is_refused_with_its_field_named(
    world: World, importer: Any, body: bytes, status: int, message: str
) -> None:
    uid, me = importer
    before, rows = _export(me), _data_rows(world, uid)
    r = _upload(me, body)
    assert r.status_code == status, r.text[:500]
    assert message in unescape(r.text)
    assert "Traceback" not in r.text
    assert _export(me) == before and _data_rows(world, uid) == rows

    parsed: Any = None
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return  # the API takes JSON only: its own parser answers a broken body
    r = me.post("/api/v1/account/import", json=parsed)
    assert 400 <= r.status_code < 500, r.text[:300]
    if isinstance(parsed, dict) and "nested" not in message:
        assert message.replace("file", "the request body", 1) in r.json()["error"]["message"]
    assert _export(me) == before and _data_rows(world, uid) == rows


def test_a_huge_file_is_refused(world: World, importer: Any) -> None:
    uid, me = importer
    rows = _data_rows(world, uid)
    r = _upload(me, b'{"format": "loopcoach-backup", "pad": "' + b"x" * (11 * 2**20) + b'"}')
    assert r.status_code == 413
    assert "larger than 10 MB" in r.text
    assert _data_rows(world, uid) == rows


def test_the_form_needs_a_file_and_the_token(world: World, importer: Any) -> None:
    _, me = importer
    r = me.post("/account/import", data={})
    assert r.status_code == 400 and "file: choose the JSON file" in r.text
    saved, me.csrf = me.csrf, ""
    try:
        r = _upload(me, b"{}")
        assert r.status_code == 403
        assert me.post("/api/v1/account/import", json={}).status_code == 403
    finally:
        me.csrf = saved
    page = me.get("/account")
    assert 'action="/account/import"' in page.text and 'enctype="multipart/form-data"' in page.text


def _start_early_in_a_minute(margin: float = 25.0) -> None:
    """The limits count per clock minute and this app runs on the real clock: if the minute is
    about to turn, wait for the next one, so the eleven uploads below fall in one minute (they
    take a few seconds; a run that crossed the turn once got a 200 for the eleventh)."""
    left = 60.0 - time.time() % 60.0
    if left < margin:
        time.sleep(left + 0.1)


def test_imports_count_as_uploads(world: World, importer: Any) -> None:
    """Past the per-minute upload limit (10 by default) an import is a 429, nothing read."""
    _, me = importer
    body = b'{"format": "loopcoach-backup", "version": 1, "sections": {}}'
    _start_early_in_a_minute()
    codes = [_upload(me, body).status_code for _ in range(10)]
    assert codes == [200] * 10
    r = _upload(me, body)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    r = me.post("/api/v1/account/import", json=json.loads(body))
    assert r.status_code == 429 and "uploads" in r.json()["error"]["message"]
