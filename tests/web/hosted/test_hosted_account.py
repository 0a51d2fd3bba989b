"""A learner exports all of their data and deletes it (a cascaded delete, audited); a coach
reads their cohort's learners' progress and cannot change it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from tests.accounts.helpers import PASSWORD
from tests.web.hosted.conftest import EMAILS, World, hosted_client, seed_learner

from loopcoach.web.auth import SESSION_COOKIE as SESSION_COOKIE_NAME


def _rows_of(world: World, uid: int) -> dict[str, int]:
    """Rows that belong to user `uid` in every table with a user_id column, and the rows of
    the tables hanging off their stories and mock sessions."""
    from loopcoach.store.tables import metadata

    counts: dict[str, int] = {}
    with world.coach.engine.connect() as conn:
        for name, table in metadata.tables.items():
            if "user_id" in table.c:
                n = conn.execute(
                    select(func.count()).select_from(table).where(table.c.user_id == uid)
                ).scalar_one()
                counts[name] = int(n)
        counts["users"] = int(
            conn.execute(
                select(func.count())
                .select_from(metadata.tables["users"])
                .where(metadata.tables["users"].c.id == uid)
            ).scalar_one()
        )
    return counts


def _children(world: World, story_ids: list[int], session_ids: list[str]) -> int:
    from loopcoach.store.tables import metadata

    t = metadata.tables
    with world.coach.engine.connect() as conn:
        versions = conn.execute(
            select(func.count())
            .select_from(t["story_versions"])
            .where(t["story_versions"].c.story_id.in_(story_ids))
        ).scalar_one()
        events = conn.execute(
            select(func.count())
            .select_from(t["mock_events"])
            .where(t["mock_events"].c.session_id.in_(session_ids))
        ).scalar_one()
    return int(versions) + int(events)


def test_export_then_delete_everything(world: World) -> None:
    email = "leaving@example.org"
    uid = world.coach.accounts.create_user(email, PASSWORD, role="learner").id
    world.coach.accounts.invite(email, "spring")  # coach C's cohort
    with hosted_client(world.app) as me:
        assert me.sign_in(email).status_code == 303
        objs = seed_learner(me, "leaving")
        r = me.get("/account/export.json")
        assert r.status_code == 200
        assert "attachment" in r.headers["content-disposition"]
        sections = r.json()["sections"]
        assert {"attempts", "stories", "prep_packs", "mock_sessions"} <= set(sections)
        assert any("Secret answer of leaving" in (a["answer"] or "") for a in sections["attempts"])
        assert "Secret story of leaving" in r.text
        assert [s["id"] for s in sections["mock_sessions"]] == [objs["session_id"]]
        assert "Secret answer of b" not in r.text and "Secret story of b" not in r.text
        stories = [s["id"] for s in sections["stories"]]

        before = _rows_of(world, uid)
        assert before["attempts"] and before["stories"] and before["prep_packs"]
        assert before["mock_sessions"] and before["auth_sessions"] and before["users"] == 1
        assert _children(world, stories, [objs["session_id"]]) > 0

        wrong = me.post("/account/delete", data={"confirm": EMAILS["b"]})
        assert wrong.status_code == 400
        assert _rows_of(world, uid) == before  # nothing deleted without the right address

        r = me.post("/account/delete", data={"confirm": email.upper()})
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert f"{SESSION_COOKIE_NAME}=;" in " ".join(r.headers.get_list("set-cookie"))
        assert me.get("/api/v1/me").status_code == 401

    after = _rows_of(world, uid)
    assert set(after.values()) == {0}, after
    assert _children(world, stories, [objs["session_id"]]) == 0
    actions = [(e.action, e.target) for e in world.coach.accounts.audit_log(limit=200)]
    assert ("account-deleted", email) in actions
    assert ("data-exported", email) in actions
    with hosted_client(world.app) as again:
        assert again.sign_in(email).status_code == 401
    with hosted_client(world.app) as b:  # nobody else lost anything
        assert b.sign_in(EMAILS["b"]).status_code == 303
        assert "Secret story of b" in b.get(f"/prep/stories/{world.objects['b']['story_id']}").text


def test_a_coach_reads_their_learners_progress_only(world: World, actor: Any) -> None:
    c = actor("c")
    listed = {x["email"] for x in c.get("/api/v1/coach/learners").json()}
    assert EMAILS["a"] in listed and EMAILS["b"] not in listed
    r = c.get(f"/api/v1/coach/learners/{world.ids['a']}/progress")
    assert r.status_code == 200
    assert r.json()["learner"]["email"] == EMAILS["a"]
    assert r.json()["progress"]["attempts"] >= 1  # A's analysed answer
    assert c.get(f"/api/v1/coach/learners/{world.ids['b']}/progress").status_code == 404
    # reading is all: the coach's own pages show the coach's data, never A's
    assert "Secret story of a" not in c.get("/prep").text
    assert c.get("/api/v1/stories").json() == []
    a = actor("a")
    assert a.get("/api/v1/coach/learners").json() == []
    assert a.get(f"/api/v1/coach/learners/{world.ids['a']}/progress").status_code == 200
