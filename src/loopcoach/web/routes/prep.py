"""Prep pack: upload a résumé (or paste it), get stories, coverage matrix, priorities, scaffolds
and a pitch; edit stories; download the pack as Markdown or PDF. Calls `coach.prep` (as
`loopcoach prep` and `loopcoach stories` do), `coach.uploads` and `coach.exports`.
"""

from __future__ import annotations

from typing import Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from loopcoach.app import Coach
from loopcoach.errors import LoopcoachError, NotFound
from loopcoach.prep.stories import StoryInput, story_dict
from loopcoach.web.deps import CoachDep, get_coach
from loopcoach.web.paging import PageNumberQ, PagerDep, html_window, list_pager
from loopcoach.web.routers import api_router, page_router
from loopcoach.web.routes.pages import render

api = api_router(prefix="/api/v1", tags=["prep pack"])
pages = page_router()

MAX_PASTE_CHARS = 200_000
FIELD_CHARS = 5_000


def _resume(coach: Coach, upload: UploadFile | None, text: str) -> tuple[bytes, str]:
    """The résumé sent as a file or pasted; either counts as an upload (rate limits)."""
    coach.limits.take("upload")
    if upload is not None and upload.filename:
        return coach.uploads.resume_upload(upload.filename, upload.file)
    return coach.uploads.resume_text(text)


def matrix(pack: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the coverage matrix: each story with its cell per theme."""
    cov = pack["coverage"]
    titles = {s["id"]: s["title"] for s in pack["stories"]}
    return [
        {"story": sid, "title": titles.get(sid, ""), "cells": cells}
        for sid, cells in zip(cov["stories"], cov["cells"], strict=False)
    ]


# --- API -----------------------------------------------------------------------------------
class PrepRequest(BaseModel):
    role: str = Field(min_length=1, max_length=80)
    text: str = Field(
        min_length=1,
        max_length=MAX_PASTE_CHARS,
        description="The résumé as plain text or Markdown.",
    )
    name: str = Field(
        default="resume.txt",
        max_length=200,
        description="A file name whose suffix says the format: .txt, .md, .json",
    )


@api.post("/prep")
def prep_api(coach: CoachDep, body: PrepRequest) -> dict[str, Any]:
    """Build the prep pack from pasted text (as `loopcoach prep --json`)."""
    if body.name.lower().rsplit(".", 1)[-1] in ("pdf", "docx"):
        raise LoopcoachError("resume-format", "upload PDF and DOCX with /api/v1/prep/upload")
    coach.limits.take("upload")
    return coach.prep.build(body.text.encode("utf-8"), body.name, role=body.role).to_dict()


@api.post("/prep/upload")
def prep_upload_api(
    coach: CoachDep, role: str = Form(..., max_length=80), file: UploadFile = File(...)
) -> dict[str, Any]:
    """Build the prep pack from an uploaded résumé (.pdf, .docx, .md, .txt, JSON Resume)."""
    data, name = _resume(coach, file, "")
    return coach.prep.build(data, name, role=role).to_dict()


@api.get("/stories")
def stories_api(
    coach: CoachDep,
    pager: PagerDep,
) -> list[dict[str, Any]]:
    """Your story bank (as `loopcoach stories list --json`; paged: `limit`, `offset`)."""
    page = coach.prep.stories_page(limit=pager.limit, offset=pager.offset)
    return pager.render(page, story_dict)


class MatchRequest(BaseModel):
    question: str = Field(min_length=1, max_length=1000)
    role: str | None = Field(default=None, max_length=80)
    limit: int = Field(default=5, ge=1, le=50)


@api.post("/stories/match")
def stories_match_api(coach: CoachDep, body: MatchRequest) -> list[dict[str, Any]]:
    """Your best stories for a question, best first (as `loopcoach stories match --json`)."""
    return coach.prep.match(body.question, role=body.role or None, limit=body.limit)


@api.get("/prep/packs")
def packs_api(
    coach: CoachDep,
    pager: PagerDep,
) -> list[dict[str, Any]]:
    """Saved prep packs, newest first (as `loopcoach prep --list --json`; paged: `limit`,
    `offset`)."""
    page = coach.prep.packs_page(limit=pager.limit, offset=pager.offset)
    return pager.render(page, lambda p: p)


@api.get("/prep/packs/{pack_id}")
def pack_api(coach: CoachDep, pack_id: str) -> dict[str, Any]:
    """A saved pack exactly as it was built (as `loopcoach prep --open ID --json`)."""
    return coach.prep.saved_pack(_pack_id(pack_id))


def _pack_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # not "¹" or "٣"
        raise NotFound("prep pack", raw[:40], "see your saved packs on the prep page")
    return int(raw)


# --- pages ---------------------------------------------------------------------------------
def _page(
    request: Request,
    pack: dict[str, Any] | None,
    *,
    stories_page: int = 1,
    packs_page: int = 1,
    **extra: Any,
) -> Response:
    """The prep page; its two lists (stories, oldest first, and saved packs, newest first)
    a page at a time (`stories_page`, `packs_page`)."""
    coach = get_coach(request)
    limit, offset = html_window(stories_page)
    stories = coach.prep.stories_page(limit=limit, offset=offset)
    limit, offset = html_window(packs_page)
    packs = coach.prep.packs_page(limit=limit, offset=offset)
    extra.setdefault("matches", None)
    lists = {
        "stories": [story_dict(s) for s in stories.items],
        "stories_pager": list_pager(request, stories, "stories_page"),
        "packs": packs.items,
        "packs_pager": list_pager(request, packs, "packs_page"),
    }
    if pack is not None:
        return render(
            request,
            "prep.html",
            pack=pack,
            token=str(pack.get("pack_id") or ""),
            matrix=matrix(pack),
            **lists,
            **extra,
        )
    return render(request, "prep.html", pack=None, **lists, **extra)


@pages.get("/prep", response_class=HTMLResponse)
def prep_home(
    request: Request, stories_page: PageNumberQ = 1, packs_page: PageNumberQ = 1
) -> Response:
    return _page(request, None, stories_page=stories_page, packs_page=packs_page)


@pages.get("/prep/match", response_class=HTMLResponse)
def prep_match(
    request: Request,
    coach: CoachDep,
    q: str = "",
    role: str = "",
    stories_page: PageNumberQ = 1,
    packs_page: PageNumberQ = 1,
) -> Response:
    q = q[:1000]
    found = coach.prep.match(q, role=role[:80] or None) if q.strip() else None
    return _page(
        request,
        None,
        stories_page=stories_page,
        packs_page=packs_page,
        matches=found,
        question=q,
        match_role=role[:80],
    )


@pages.get("/prep/packs/{pack_id}", response_class=HTMLResponse)
def pack_page(
    request: Request,
    coach: CoachDep,
    pack_id: str,
    stories_page: PageNumberQ = 1,
    packs_page: PageNumberQ = 1,
) -> Response:
    pack = coach.prep.saved_pack(_pack_id(pack_id))
    return _page(request, pack, stories_page=stories_page, packs_page=packs_page)


@pages.post("/prep/packs/{pack_id}/rebuild")
def pack_rebuild(coach: CoachDep, pack_id: str) -> Response:
    pack = coach.prep.rebuild(_pack_id(pack_id))
    return RedirectResponse(f"/prep/packs/{pack.pack_id}", status_code=303)


@pages.post("/prep", response_class=HTMLResponse)
def prep_build(
    request: Request,
    coach: CoachDep,
    role: str = Form(..., max_length=80),
    text: str = Form("", max_length=MAX_PASTE_CHARS),
    file: UploadFile | None = File(None),
) -> Response:
    data, name = _resume(coach, file, text)
    pack = coach.prep.build(data, name, role=role).to_dict()
    return _page(request, pack)


@pages.get("/prep/{token}/pack.{ext}")
def prep_download(coach: CoachDep, token: str, ext: str) -> Response:
    """Download a saved pack (token: its id) as Markdown or PDF, any time later."""
    pack = coach.prep.saved_pack(_pack_id(token))
    if ext == "md":
        body = coach.exports.pack_markdown(pack).encode("utf-8")
        media = "text/markdown; charset=utf-8"
    elif ext == "pdf":
        body, media = coach.exports.pack_pdf(pack), "application/pdf"
    else:
        raise NotFound("download", f"pack.{ext[:10]}", "the pack downloads as pack.md or pack.pdf")
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="prep-pack.{ext}"'},
    )


def _story_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # not "¹" or "٣"
        raise NotFound("story", raw[:20], "see your stories on the prep page")
    return int(raw)


@pages.get("/prep/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, coach: CoachDep, story_id: str) -> Response:
    story, versions = coach.prep.story(_story_id(story_id))
    return render(request, "story.html", story=story_dict(story), versions=versions)


@pages.post("/prep/stories/{story_id}", response_class=HTMLResponse)
def story_save(
    coach: CoachDep,
    story_id: str,
    title: str = Form("", max_length=200),
    situation: str = Form("", max_length=FIELD_CHARS),
    task: str = Form("", max_length=FIELD_CHARS),
    action: str = Form("", max_length=FIELD_CHARS),
    result: str = Form("", max_length=FIELD_CHARS),
    themes: str = Form("", max_length=1_000),
    whole_form: str = Form("", max_length=1),
) -> Response:
    """The story page's form sends every field (`whole_form`): an emptied field is cleared. A
    post without it changes only the fields it fills in."""
    sid = _story_id(story_id)
    themes_given = tuple(t.strip() for t in themes.split(",") if t.strip())
    if whole_form:
        edit = StoryInput(title, situation, task, action, result, themes_given)
    else:
        edit = StoryInput(
            title=title or None,
            situation=situation or None,
            task=task or None,
            action=action or None,
            result=result or None,
            themes=themes_given or None,
        )
    coach.prep.edit(sid, edit)
    return RedirectResponse(f"/prep/stories/{sid}?saved=1", status_code=303)
