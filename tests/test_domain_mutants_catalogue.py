"""Catalogue selection against the raw JSON: what text search reads, the difficulty filter, pages.

Expected ids come from the JSON files, read here without the loader.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from service.domain import Difficulty, Filters, Kind, load_releases, matches, paginate, select

from .conftest import raw

VERSION = "1.1.0"
RELEASE = load_releases()[VERSION]
# The members each kind's search reads, as the README's `q` parameter documents them.
SEARCHED = {
    Kind.EXERCISE: ("name", "summary", "steps"),
    Kind.STRETCH: ("name", "summary", "steps"),
    Kind.PRECAUTION: ("title", "summary", "advice"),
    Kind.GUIDANCE: ("title", "summary", "body"),
    Kind.SCREENING: ("question", "reason", "advice"),
}


def words(value: Any) -> set[str]:
    texts = value if isinstance(value, list) else [value]
    return {word for text in texts for word in re.findall(r"[a-z]+", text.casefold())}


@pytest.mark.parametrize("kind", list(Kind))
def test_search_finds_words_of_every_searched_member_and_only_those(kind: Kind) -> None:
    """A word found only in the last searched member still matches; a word found only in an
    unsearched member (such as an item's purpose), and in no searched word, does not."""
    entries = {entry.id: entry for entry in RELEASE.entries(kind)}
    last = SEARCHED[kind][-1]
    checked_last = checked_unsearched = 0
    for data in raw(f"{kind.value}.json", VERSION):
        entry = entries[data["id"]]
        searched = set().union(*(words(data[key]) for key in SEARCHED[kind]))
        earlier = set().union(*(words(data[key]) for key in SEARCHED[kind][:-1]))
        for word in sorted(words(data[last]) - earlier)[:3]:
            assert matches(entry, word.upper()), (entry.id, word)
            checked_last += 1
        text = " ".join(" ".join(words(data[key])) for key in SEARCHED[kind])
        others = [k for k, v in data.items() if k not in SEARCHED[kind] and isinstance(v, str)]
        unsearched = set().union(*(words(data[k]) for k in others)) - searched
        for word in sorted(w for w in unsearched if w not in text)[:3]:
            assert not matches(entry, word), (entry.id, word)
            checked_unsearched += 1
    assert checked_last > 0
    assert checked_unsearched > 0 or kind in (Kind.PRECAUTION, Kind.GUIDANCE)


@pytest.mark.parametrize("kind", list(Kind))
def test_search_needs_every_word_and_finds_no_letters_that_are_not_there(kind: Kind) -> None:
    """`xx` occurs in no entry's text, nor between two of its members; every word must occur."""
    for entry in RELEASE.entries(kind):
        assert not matches(entry, "xx")
        assert matches(entry, None)
        assert matches(entry, "")
        assert not matches(entry, f"{entry.id.split('-')[0]} xx")


@pytest.mark.parametrize("level", list(Difficulty))
def test_the_difficulty_filter_keeps_that_difficulty_only(level: Difficulty) -> None:
    """Filtering by difficulty keeps, in content order, the items whose JSON names it."""
    for kind in (Kind.EXERCISE, Kind.STRETCH):
        expected = [e["id"] for e in raw(f"{kind.value}.json", VERSION) if e["difficulty"] == level]
        kept = select(RELEASE.entries(kind), Filters(difficulty=level))
        assert [entry.id for entry in kept] == expected


def test_pages_of_one_entry_are_allowed() -> None:
    """page_size 1 is the smallest page: each page holds one entry, and says where it is."""
    page = paginate(["a", "b", "c"], 2, 1)
    assert (page.entries, page.page, page.page_size, page.total) == (("b",), 2, 1, 3)
    assert page.total_pages == 3


@pytest.mark.parametrize(("page", "size"), [(0, 10), (1, 0), (-1, -1)])
def test_pages_and_sizes_below_one_are_refused(page: int, size: int) -> None:
    """Pages and page sizes start at 1."""
    with pytest.raises(ValueError, match=r"^page and page_size start at 1$"):
        paginate(["a"], page, size)
