"""Refusals spelled out whole: requests naming several fields, no stretch possible, odd values.

Each expected message is written from the content it names (stretches.json, rules.json).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from service.domain import (
    NoRoutines,
    RoutineError,
    RoutineRequest,
    generate_routine,
    load_releases,
    request_for,
)
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


BASE: dict[str, Any] = {
    "minutes": 15,
    "equipment": [],
    "position": "any",
    "pain": None,
    "level": "beginner",
    "days_per_week": 3,
}


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"week": 0}, "week: must be an integer from 1 to 52"),
        ({"earned": -1}, "earned: must be an integer from 0 to 52"),
        ({"streak": 53}, "streak: must be an integer from 0 to 52"),
        ({"pain": True}, "pain: must be an integer from 0 to 10"),
        ({"band": 3}, "band: must be a pain band id"),
        (
            {"focus": ["balance", "speed"]},
            "focus: must be one of strength, flexibility, balance, massage, mobility, got 'speed'",
        ),
        (
            {"level": "expert"},
            "level: must be one of beginner, intermediate, advanced, got 'expert'",
        ),
        ({"equipment": "wall"}, "equipment: must be a list of ids"),
        ({"exclude": [None]}, "exclude: must be a list of ids"),
        ({"screening": [3]}, "screening: must be a list of ids"),
        ({"screening_no": "foot"}, "screening_no: must be a list of ids"),
    ],
)
def test_a_request_out_of_range_is_refused_naming_the_field(
    changed: dict[str, Any], message: str
) -> None:
    """Numbers out of their range (a boolean is no number), unknown choices and lists that are
    not lists of ids: refused, the field first."""
    with pytest.raises(RoutineError) as caught:
        RoutineRequest.build(**{**BASE, **changed})
    assert str(caught.value) == message


def test_the_feedback_state_is_kept_in_the_request() -> None:
    """earned, streak and band come back as given."""
    request = RoutineRequest.build(**BASE, earned=2, streak=1, band="moderate")
    assert (request.earned, request.streak, request.band) == (2, 1, "moderate")


QUESTION_IDS = ", ".join(sorted(q.id for q in RELEASE.screening))


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        (
            {"equipment": ["wall", "trampoline"]},
            "equipment: 'trampoline' is not equipment of release 1.1.0; "
            "known: cloth, container, foam-roller, marbles, towel, wall",
        ),
        (
            {"exclude": ["jogging"]},
            "exclude: 'jogging' is not an exercise or stretch of release 1.1.0",
        ),
        (
            {"screening_no": ["fainting"]},
            "screening_no: 'fainting' is not a screening question of release 1.1.0; "
            f"known: {QUESTION_IDS}",
        ),
        ({"week": 13}, "week: must be from 1 to 12: the programme of release 1.1.0"),
        ({"band": "extreme"}, "band: 'extreme' is not a pain band"),
    ],
)
def test_a_request_naming_what_the_release_lacks_is_refused(
    changed: dict[str, Any], message: str
) -> None:
    """Ids, weeks and bands are checked against the release, which is named (the published
    1.1.0, so the messages can say so)."""
    release = load_releases()["1.1.0"]
    with pytest.raises(RoutineError) as caught:
        generate_routine(release, RoutineRequest.build(**{**BASE, **changed}))
    assert str(caught.value) == message


def test_a_release_without_rules_makes_no_routine() -> None:
    """1.0.0 has no rules.json: asking it for a request says so."""
    with pytest.raises(NoRoutines, match=r"^content release 1\.0\.0 makes no routines$"):
        request_for(load_releases()["1.0.0"], {})


def test_a_field_given_as_none_takes_the_release_default() -> None:
    """None is as good as leaving a field out; pain None stays no pain given."""
    given = request_for(RELEASE, {"minutes": None, "level": None, "pain": None})
    assert given == request_for(RELEASE, {})
    assert (given.minutes, given.pain) == (RULES.request_defaults.minutes, None)
