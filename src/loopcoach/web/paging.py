"""Pagination of the JSON API's lists: `?limit=` (1 to 500, default 100) and `?offset=`; the
body stays a JSON array (as before, so a caller that passes nothing gets the first 100), with
the total in `X-Total-Count` and, unless this is the last page, a `Link: <...>; rel="next"`
header pointing at the next page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

from loopcoach.app.paging import DEFAULT_PAGE, MAX_OFFSET, MAX_PAGE, Page

T = TypeVar("T")

LimitQ = Annotated[
    int, Query(ge=1, le=MAX_PAGE, description=f"Items per page, at most {MAX_PAGE}.")
]
OffsetQ = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
DEFAULT_LIMIT = DEFAULT_PAGE


def paged(
    request: Request, response: Response, page: Page[T], render: Callable[[T], Any]
) -> list[Any]:
    """The page's items rendered, with the total and the next page's link as headers."""
    response.headers["X-Total-Count"] = str(page.total)
    following = page.next_offset
    if following is not None:
        url = request.url.include_query_params(limit=page.limit, offset=following)
        response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
    return [render(item) for item in page.items]
