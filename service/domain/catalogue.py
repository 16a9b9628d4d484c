"""Select catalogue entries: filtering by what a person has and wants, text search, paging."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .model import Difficulty, Entry, Focus, Guidance, Item, Position, Precaution

T = TypeVar("T")
E = TypeVar("E", bound=Entry)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of entries, and where it sits among them all."""

    entries: tuple[T, ...]
    page: int
    page_size: int
    total: int

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def searchable_text(entry: Entry) -> str:
    """The text that ``q`` searches, case-folded."""
    if isinstance(entry, Item):
        parts: Iterable[str] = (entry.name, entry.summary, *entry.steps)
    elif isinstance(entry, Precaution):
        parts = (entry.title, entry.summary, *entry.advice)
    elif isinstance(entry, Guidance):
        parts = (entry.title, entry.summary, *entry.body)
    else:
        parts = (entry.question, entry.reason, entry.advice)
    return "\n".join(parts).casefold()


def matches(entry: Entry, query: str | None) -> bool:
    """Whether every word of the query occurs in the entry's searchable text."""
    if not query:
        return True
    text = searchable_text(entry)
    return all(word in text for word in query.casefold().split())


@dataclass(frozen=True, slots=True)
class Filters:
    """What a person asks of the catalogue; None means no filter.

    ``equipment`` is what the person has (an empty set: nothing at all). The other filters
    apply to exercises and stretches only; ``query`` applies to every kind.
    """

    equipment: frozenset[str] | None = None
    position: Position | None = None
    focus: Focus | None = None
    difficulty: Difficulty | None = None
    query: str | None = None

    def keeps(self, entry: Entry) -> bool:
        """Whether the entry meets every filter."""
        if isinstance(entry, Item) and not (
            (self.equipment is None or entry.fits(self.equipment))
            and (self.position is None or entry.position is self.position)
            and (self.focus is None or self.focus in entry.focus)
            and (self.difficulty is None or entry.difficulty is self.difficulty)
        ):
            return False
        return matches(entry, self.query)


def select(entries: Iterable[E], filters: Filters) -> list[E]:
    """The entries, in content order, that meet every filter."""
    return [entry for entry in entries if filters.keeps(entry)]


def paginate(entries: Sequence[T], page: int, page_size: int) -> Page[T]:
    """One page of the entries; a page past the end is empty, not an error.

    Raises ValueError when page or page_size is below 1.
    """
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size start at 1")
    start = (page - 1) * page_size
    return Page(tuple(entries[start : start + page_size]), page, page_size, len(entries))
