"""The domain on its own: no web framework, filters that follow the content's equipment rules."""

from __future__ import annotations

import subprocess
import sys

import pytest

from service.domain import Filters, Focus, Kind, Position, Release, paginate, select


def _ids(release: Release, filters: Filters, kind: Kind = Kind.EXERCISE) -> list[str]:
    return [entry.id for entry in select(release.entries(kind), filters)]


NO_EQUIPMENT_NEEDED = ["heel-raises", "single-leg-balance", "heel-walks"]


def test_domain_imports_no_web_framework() -> None:
    """Importing the domain pulls in neither Flask, werkzeug, flask-smorest nor marshmallow."""
    code = (
        "import sys, service.domain\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'werkzeug', 'flask_smorest', 'marshmallow', 'webargs'})\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    ("has", "expected"),
    [
        (frozenset(), NO_EQUIPMENT_NEEDED),
        (
            frozenset({"cloth"}),
            ["heel-raises", "single-leg-balance", "toe-scrunch", "heel-walks", "toe-spread"],
        ),
        (
            frozenset({"towel"}),
            [
                "heel-raises",
                "towel-curls",
                "foot-roll",
                "single-leg-balance",
                "toe-scrunch",
                "heel-walks",
                "toe-spread",
            ],
        ),
        (
            frozenset({"foam-roller"}),
            ["heel-raises", "foot-roll", "single-leg-balance", "heel-walks"],
        ),
        (frozenset({"marbles"}), NO_EQUIPMENT_NEEDED),
        (
            frozenset({"marbles", "container"}),
            ["heel-raises", "marble-pick-ups", "single-leg-balance", "heel-walks"],
        ),
    ],
)
def test_equipment_filter_needs_every_group_met(
    release: Release, has: frozenset[str], expected: list[str]
) -> None:
    """An item is kept only when each requirement group has one piece the person owns."""
    assert _ids(release, Filters(equipment=has)) == expected


def test_no_equipment_filter_keeps_everything(release: Release) -> None:
    """equipment=None is no filter at all, unlike the empty set."""
    assert len(_ids(release, Filters())) == 8


def test_filters_combine(release: Release) -> None:
    """Position, focus and text search all apply together."""
    assert _ids(release, Filters(position=Position.SEATED)) == [
        "towel-curls",
        "foot-roll",
        "marble-pick-ups",
        "toe-scrunch",
        "toe-spread",
    ]
    assert _ids(release, Filters(focus=Focus.BALANCE)) == ["single-leg-balance"]
    assert _ids(release, Filters(position=Position.STANDING, equipment=frozenset())) == (
        NO_EQUIPMENT_NEEDED
    )
    assert _ids(release, Filters(query="MARBLE container")) == ["marble-pick-ups"]
    assert _ids(release, Filters(query="wall"), Kind.STRETCH) == ["calf-stretch"]


def test_paginate_counts_pages_and_allows_an_empty_page_past_the_end() -> None:
    """Pages start at 1; a page past the end is empty but still reports the total."""
    page = paginate(list(range(45)), 3, 20)
    assert (page.entries, page.total, page.total_pages) == (tuple(range(40, 45)), 45, 3)
    assert paginate(list(range(45)), 9, 20).entries == ()
    assert paginate([], 1, 20).total_pages == 1
    with pytest.raises(ValueError, match="start at 1"):
        paginate([1], 0, 20)
