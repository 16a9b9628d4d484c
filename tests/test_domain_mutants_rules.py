"""rules.json at its limits: what is just allowed loads, and each refusal names its field.

The limits are the ones FORMAT.md states: bands cover 0-10 in order without gap (a band may be a
single score), progress weeks at most the programme's weeks, the activity's minimum at most its
maximum, and every cited source listed in the manifest.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.domain import ContentError, Release, load_releases

from .conftest import RELEASES, latest_with_rules

VERSION = latest_with_rules()[0].version
Edit = Callable[[dict[str, Any]], None]


def loaded(tmp_path: Path, edit: Edit) -> Release:
    """The newest release with rules.json edited, loaded from a copy."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / VERSION, root / VERSION)
    path = root / VERSION / "rules.json"
    rules = json.loads(path.read_text(encoding="utf-8"))
    edit(rules)
    path.write_text(json.dumps(rules), encoding="utf-8")
    return load_releases(root)[VERSION]


def split_first_band(rules: dict[str, Any]) -> None:
    """Give pain 0 a band of its own, and start the first band at 1."""
    bands = rules["pain"]["bands"]
    bands.insert(0, {**bands[0], "id": "no-pain", "max": 0})
    bands[1]["min"] = 1


def test_a_band_of_a_single_score_is_allowed(tmp_path: Path) -> None:
    """A band from 0 to 0 is a band: pain 0 falls in it, pain 1 in the next."""
    rules = loaded(tmp_path, split_first_band).rules
    assert rules is not None
    assert [(band.id, band.min, band.max) for band in rules.pain.bands][:2] == [
        ("no-pain", 0, 0),
        ("mild", 1, 3),
    ]
    assert (rules.pain.band(0).id, rules.pain.band(1).id) == ("no-pain", "mild")


def test_progress_may_last_the_whole_programme(tmp_path: Path) -> None:
    """progress_weeks equal to weeks is allowed."""

    def edit(rules: dict[str, Any]) -> None:
        rules["programme"]["progress_weeks"]["value"] = rules["programme"]["weeks"]["value"]

    rules = loaded(tmp_path, edit).rules
    assert rules is not None
    assert rules.programme.progress_weeks.value == rules.programme.weeks.value


def test_the_activity_may_have_one_length(tmp_path: Path) -> None:
    """min_minutes equal to max_minutes is allowed."""

    def edit(rules: dict[str, Any]) -> None:
        activity = rules["low_impact_activity"]
        activity["min_minutes"]["value"] = activity["max_minutes"]["value"]

    rules = loaded(tmp_path, edit).rules
    assert rules is not None
    assert rules.activity.min_minutes.value == rules.activity.max_minutes.value


def cite(path: tuple[str | int, ...], source: str) -> Edit:
    """An edit naming `source` at a citation of rules.json."""

    def edit(rules: dict[str, Any]) -> None:
        target: Any = rules
        for key in path:
            target = target[key]
        target["source"] = source

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda rules: rules["pain"]["bands"][1].update(id="mild"),
            "field 'pain.bands': repeats 'mild'",
        ),
        (
            cite(("programme", "sources", 2), "wikipedia"),
            "field 'programme.sources[2].source': "
            "names source 'wikipedia', which the manifest does not list",
        ),
        (
            cite(("low_impact_activity", "sources", 1), "blog"),
            "field 'low_impact_activity.sources[1].source': "
            "names source 'blog', which the manifest does not list",
        ),
        (
            lambda rules: rules["urgency"].pop("urgent"),
            "field 'urgency.urgent': is required",
        ),
        (
            lambda rules: rules["screening"].update(incomplete_advice=" "),
            "field 'screening.incomplete_advice': must not be blank",
        ),
        (
            lambda rules: rules["feedback"]["reasons"].update(within_limits="Fine."),
            "field 'feedback.reasons.within_limits': is not a known key",
        ),
    ],
)
def test_a_broken_rule_is_refused_naming_its_field(
    tmp_path: Path, edit: Edit, message: str
) -> None:
    """The refusal names rules.json, no item, and the path of the field at fault."""
    with pytest.raises(ContentError) as caught:
        loaded(tmp_path, edit)
    assert str(caught.value) == f"{VERSION}/rules.json: {message}"
    assert caught.value.item is None
