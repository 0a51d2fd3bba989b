"""Pagination of the JSON API's lists: `?limit=` (1 to 500, default 100) and `?offset=`; the
body stays a JSON array (as before, so a caller that passes nothing gets the first 100), with
the total in `X-Total-Count` and, unless this is the last page, a `Link: <...>; rel="next"`
header pointing at the next page.

The pages' own lists (HTML) show HTML_PAGE items a page, `?page=N` (or a list's own parameter
where a page has two lists), with a pager under them (`pager`, templates/_pager.html)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


# --- the pages' (HTML) lists -----------------------------------------------------------------
HTML_PAGE = 50  # items on one page of an HTML list (read at each request, so tests may lower it)
MAX_PAGE_NUMBER = 10_000
PageNumberQ = Annotated[
    int, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page of the list, counted from 1.")
]


@dataclass(frozen=True)
class Pager:
    """What a page's list shows under it: items `first` to `last` of `total`, and links to the
    previous and next pages (None at either end); the links keep the other query parameters."""

    total: int
    first: int
    last: int
    prev_url: str | None
    next_url: str | None


def html_window(number: int) -> tuple[int, int]:
    """(limit, offset) of page `number` (from 1) of an HTML list."""
    size = HTML_PAGE
    return size, min((number - 1) * size, MAX_OFFSET)


def pager(request: Request, page: Page[Any], param: str) -> Pager:
    """The pager of `page`, its page number in the query parameter `param`."""
    size = max(page.limit, 1)
    number = page.offset // size + 1
    pages = max(1, -(-page.total // size))

    def link(n: int) -> str:
        url = request.url.include_query_params(**{param: n})
        return f"{url.path}?{url.query}"

    prev_url = link(min(number - 1, pages)) if number > 1 else None
    next_url = link(number + 1) if page.next_offset is not None else None
    first = page.offset + 1 if page.items else 0
    return Pager(page.total, first, page.offset + len(page.items), prev_url, next_url)
