"""Release 1.0.0 against its sources: the ids, equipment and numbers the seed states, own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.domain import Basis, Item, Kind, Range, Release

SEED = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "seed"
    / "metatarsalgia-exercises-and-stretches.txt"
)
RUN = 10  # words: long enough to be a copied sentence, not a shared term of the condition


def test_ids_are_the_stable_ones(release: Release) -> None:
    """Every entry has the id the design fixes, in the seed's order."""
    assert [item.id for item in release.exercises] == [
        "heel-raises",
        "towel-curls",
        "foot-roll",
        "marble-pick-ups",
        "single-leg-balance",
        "toe-scrunch",
        "heel-walks",
        "toe-spread",
    ]
    assert [item.id for item in release.stretches] == ["toe-stretch", "calf-stretch"]
    assert [entry.id for entry in release.precautions] == [
        "proper-footwear",
        "start-slowly",
        "avoid-high-impact",
        "stretch-before-and-after",
    ]
    assert {entry.id for entry in release.guidance} >= {
        "about-metatarsalgia",
        "exercising-with-metatarsalgia",
        "when-to-see-a-professional",
        "safety-notice",
    }
    assert release.safety_notice.id == "safety-notice"


def test_equipment_groups_follow_the_seed(release: Release) -> None:
    """Foot roll: roller or towel; marbles and a container; towel curls: towel; calf: wall."""
    groups = {item.id: item.equipment for item in (*release.exercises, *release.stretches)}
    assert groups == {
        "heel-raises": (),
        "towel-curls": (("towel",),),
        "foot-roll": (("foam-roller", "towel"),),
        "marble-pick-ups": (("marbles",), ("container",)),
        "single-leg-balance": (),
        "toe-scrunch": (("towel", "cloth"),),
        "heel-walks": (),
        "toe-spread": (("towel", "cloth"),),
        "toe-stretch": (("towel", "cloth"),),
        "calf-stretch": (("wall",),),
    }


def _source_numbers(item: Item) -> dict[str, tuple[int, int]]:
    dosage = item.dosage
    ranges = {
        "sets": dosage.sets,
        "reps": dosage.reps,
        "hold_seconds": dosage.hold_seconds,
        "duration_seconds": dosage.duration_seconds,
    }
    return {
        name: (value.min, value.max)
        for name, value in ranges.items()
        if isinstance(value, Range) and value.basis is Basis.SOURCE
    }


def test_only_numbers_the_seed_states_are_marked_as_the_source(release: Release) -> None:
    """Balance 30 s and stretch holds 15-30 s are the seed's; every other number is a default."""
    marked = {
        item.id: numbers
        for item in (*release.exercises, *release.stretches)
        if (numbers := _source_numbers(item))
    }
    assert marked == {
        "single-leg-balance": {"hold_seconds": (30, 30)},
        "toe-spread": {"hold_seconds": (15, 30)},
        "toe-stretch": {"hold_seconds": (15, 30)},
        "calf-stretch": {"hold_seconds": (15, 30)},
    }
    for item in (*release.exercises, *release.stretches):
        assert item.dosage.rest_seconds.basis is Basis.DEFAULT, item.id
        assert item.dosage.sets.basis is Basis.DEFAULT, item.id


def test_variations_are_only_the_seeds(release: Release) -> None:
    """Eyes closed and unstable surface for balance; circles for heel walks and foot roll."""
    counts = {
        item.id: len(item.variations)
        for item in (*release.exercises, *release.stretches)
        if item.variations
    }
    assert counts == {"single-leg-balance": 2, "heel-walks": 1, "foot-roll": 1}


def test_positions_follow_the_seed(release: Release) -> None:
    """Standing where the seed says stand; the toe work is done seated."""
    standing = {
        item.id for item in (*release.exercises, *release.stretches) if item.position == "standing"
    }
    assert standing == {"heel-raises", "single-leg-balance", "heel-walks", "calf-stretch"}


def test_screening_covers_the_red_flags(release: Release) -> None:
    """The six red flags of the clinical notes are all asked."""
    assert [question.id for question in release.screening] == [
        "recent-injury-or-cannot-bear-weight",
        "swelling-redness-or-warmth",
        "numbness-or-tingling",
        "diabetes-with-foot-pain",
        "exercises-make-pain-worse",
        "severe-or-persistent-pain",
    ]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def test_content_is_in_our_own_words(release: Release) -> None:
    """No run of ten words of the seed article is copied into the content."""
    if not SEED.exists():
        pytest.skip(f"the seed article is not beside this checkout ({SEED})")
    seed = _words(SEED.read_text("utf-8"))
    runs = {" ".join(seed[i : i + RUN]) for i in range(len(seed) - RUN + 1)}
    texts: list[str] = []
    for kind in Kind:
        for entry in release.entries(kind):
            texts.extend(str(value) for value in _strings(entry))
    copied = [
        run
        for text in texts
        for words in [_words(text)]
        for i in range(len(words) - 7)
        if (run := " ".join(words[i : i + 8])) in runs
    ]
    assert copied == []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list):
        return [text for element in value for text in _strings(element)]
    if hasattr(value, "__dataclass_fields__"):
        return [
            text for name in value.__dataclass_fields__ for text in _strings(getattr(value, name))
        ]
    return []
