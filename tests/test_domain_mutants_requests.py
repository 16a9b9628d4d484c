"""Refusals spelled out whole: requests naming several fields, no stretch possible, odd values.

Each expected message is written from the content it names (stretches.json, rules.json).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from service.domain import RoutineError, RoutineRequest, generate_routine, load_releases
from service.domain.reading import describe

from .conftest import RELEASES, latest_with_rules

RELEASE, RULES = latest_with_rules()


def test_a_refusal_naming_two_fields_names_both() -> None:
    """A question answered both yes and no names `screening, screening_no`."""
    with pytest.raises(RoutineError) as caught:
        RoutineRequest.build(
            minutes=15,
            equipment=[],
            position="any",
            pain=None,
            level="beginner",
            days_per_week=3,
            screening=["numbness-or-tingling", "foot-shape-change"],
            screening_no=["foot-shape-change", "numbness-or-tingling"],
        )
    assert caught.value.fields == ("screening", "screening_no")
    assert str(caught.value) == (
        "screening, screening_no: answered both yes and no: foot-shape-change, numbness-or-tingling"
    )


def test_when_no_stretch_fits_each_stretch_says_why() -> None:
    """Every stretch excluded: the refusal lists each one, in content order, with its field."""
    stretches = [item.id for item in RELEASE.stretches]
    assert stretches == [
        "toe-stretch",
        "calf-stretch",
        "seated-towel-calf-stretch",
        "hand-toe-stretch",
    ]
    request = RoutineRequest.build(
        minutes=15,
        equipment=["wall", "towel"],
        position="any",
        pain=2,
        level="beginner",
        days_per_week=3,
        exclude=stretches,
    )
    with pytest.raises(RoutineError) as caught:
        generate_routine(RELEASE, request)
    assert caught.value.fields == ("exclude",)
    assert str(caught.value) == (
        "exclude: no stretch is possible for the warm-up and cool-down, which every routine "
        "needs: toe-stretch is excluded (exclude); calf-stretch is excluded (exclude); "
        "seated-towel-calf-stretch is excluded (exclude); "
        "hand-toe-stretch is excluded (exclude)"
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({}, "an object"),
        ([], "a list"),
        ("", "a string"),
        (True, "a boolean"),
        (None, "null"),
        (2, "the number 2"),
        (2.5, "the number 2.5"),
        ((), "tuple"),
    ],
)
def test_a_value_is_described_by_its_json_kind(value: object, said: str) -> None:
    """Errors name what was found: JSON's kinds in words, anything else by its type."""
    assert describe(value) == said


def test_a_release_whose_feedback_always_sends_to_a_professional_still_loads(
    tmp_path: Path,
) -> None:
    """With see_a_professional_at 0 every session ends the programme: start-up's check of the
    next routine has none to make, and the release loads."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / RELEASE.version, root / RELEASE.version)
    path = root / RELEASE.version / "rules.json"
    rules = json.loads(path.read_text(encoding="utf-8"))
    rules["feedback"]["see_a_professional_at"]["value"] = 0
    path.write_text(json.dumps(rules), encoding="utf-8")
    loaded = load_releases(root)[RELEASE.version].rules
    assert loaded is not None
    assert loaded.feedback.see_a_professional_at.value == 0
