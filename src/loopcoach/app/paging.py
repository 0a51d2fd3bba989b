"""Pages of a list: what a list endpoint of the JSON API returns (a window of at most
MAX_PAGE items at an offset, and the total it was cut from)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from loopcoach.errors import LoopcoachError

T = TypeVar("T")

DEFAULT_PAGE = 100  # items when a caller asks for no limit
MAX_PAGE = 500
MAX_OFFSET = 1_000_000


def check_window(limit: int, offset: int) -> None:
    """LoopcoachError (one line, naming the field) unless 1 <= limit <= MAX_PAGE and
    0 <= offset <= MAX_OFFSET."""
    if not 1 <= limit <= MAX_PAGE:
        raise LoopcoachError("bad-limit", f"limit: give a number from 1 to {MAX_PAGE}")
    if not 0 <= offset <= MAX_OFFSET:
        raise LoopcoachError("bad-offset", f"offset: give a number from 0 to {MAX_OFFSET}")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts; None on the last page."""
        end = self.offset + len(self.items)
        return end if self.items and end < self.total else None


def page_of(items: Sequence[T], *, limit: int = DEFAULT_PAGE, offset: int = 0) -> Page[T]:
    """A page of a list held in memory (the pack library's roles and questions)."""
    check_window(limit, offset)
    return Page(list(items[offset : offset + limit]), len(items), limit, offset)
