"""Titles of the JSON API's operations, for /openapi.json and the /api/docs page.

FastAPI titles an operation after its function (`ac_api` becomes "Ac Api"); ours take the
first phrase of the function's docstring instead ("Acceptance-criteria findings").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MAX_TITLE = 90
_END = re.compile(r" \(|; |: |\.(?:\s|$)")


def title_of(endpoint: Callable[..., Any]) -> str | None:
    """The docstring's first phrase (up to its first '(', ';', ':' or full stop); None without
    a docstring (FastAPI's own title then)."""
    doc = " ".join((endpoint.__doc__ or "").split())
    if not doc:
        return None
    end = _END.search(doc)
    title = (doc[: end.start()] if end else doc).strip()
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"
    return title[:1].upper() + title[1:]
