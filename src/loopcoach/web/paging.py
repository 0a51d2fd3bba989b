"""Pagination of the JSON API's lists: `?limit=` (1 to 500, default 100) and `?offset=`; the
body stays a JSON array (as before, so a caller that passes nothing gets the first 100), with
the total in `X-Total-Count` and, unless this is the last page, a `Link: <...>; rel="next"`
header pointing at the next page.

A list route takes `pager: PagerDep` (one FastAPI dependency: the two query parameters, the
request and the response), asks a service for the window `pager.limit`, `pager.offset` (or
cuts an in-memory list with `pager.page_of`), and returns `pager.render(page, to_json)`.

The pages' own lists (HTML) show HTML_PAGE items a page, `?page=N` (or a list's own parameter
where a page has two lists), with a pager under them (`list_pager`, templates/_pager.html)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response

from loopcoach.app.paging import DEFAULT_PAGE, MAX_OFFSET, MAX_PAGE, Page, page_of

T = TypeVar("T")

LimitQ = Annotated[
    int, Query(ge=1, le=MAX_PAGE, description=f"Items per page, at most {MAX_PAGE}.")
]
OffsetQ = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]


@dataclass(frozen=True)
class Pager:
    """The window a caller asked for, and the response its headers go on."""

    request: Request
    response: Response
    limit: int
    offset: int

    def page_of(self, items: Sequence[T]) -> Page[T]:
        """The window of a list held in memory (the pack library's roles and questions)."""
        return page_of(items, limit=self.limit, offset=self.offset)

    def render(self, page: Page[T], to_json: Callable[[T], Any]) -> list[Any]:
        """The page's items rendered, with the total and the next page's link as headers."""
        self.response.headers["X-Total-Count"] = str(page.total)
        following = page.next_offset
        if following is not None:
            url = self.request.url.include_query_params(limit=page.limit, offset=following)
            self.response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
        return [to_json(item) for item in page.items]


def get_pager(
    request: Request,
    response: Response,
    limit: LimitQ = DEFAULT_PAGE,
    offset: OffsetQ = 0,
) -> Pager:
    return Pager(request, response, limit, offset)


PagerDep = Annotated[Pager, Depends(get_pager)]


# --- the pages' (HTML) lists -----------------------------------------------------------------
HTML_PAGE = 50  # items on one page of an HTML list (read at each request, so tests may lower it)
MAX_PAGE_NUMBER = 10_000
PageNumberQ = Annotated[
    int, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page of the list, counted from 1.")
]


@dataclass(frozen=True)
class ListPager:
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


def list_pager(request: Request, page: Page[Any], param: str) -> ListPager:
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
    return ListPager(page.total, first, page.offset + len(page.items), prev_url, next_url)
