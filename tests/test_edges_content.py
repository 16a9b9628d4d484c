"""Release 1.1.0's own content checks: every broken rule or entry is refused, named exactly."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.domain import ContentError, load_releases

from .conftest import RELEASES

Edit = Callable[[Any], Any]


def _item(item_id: str, change: Callable[[dict[str, Any]], Any]) -> Edit:
    """An edit of the entry with this id in a list file."""

    def edit(items: list[dict[str, Any]]) -> None:
        change(next(item for item in items if item["id"] == item_id))

    return edit


def _band(index: int, **values: Any) -> Edit:
    return lambda rules: rules["pain"]["bands"][index].update(values)


def _copy(tmp_path: Path, file: str, edit: Edit) -> Path:
    """A releases folder holding release 1.1.0 alone, with one file edited."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / "1.1.0", root / "1.1.0")
    path = root / "1.1.0" / file
    data = json.loads(path.read_text(encoding="utf-8"))
    result = edit(data)
    path.write_text(json.dumps(data if result is None else result), encoding="utf-8")
    return root


RULES = [
    (
        lambda r: r["request_defaults"].update(position="lying"),
        "field 'request_defaults.position': must be one of any, seated, standing, got 'lying'",
    ),
    (
        lambda r: r["request_defaults"].update(minutes=0),
        "field 'request_defaults.minutes': must be at least 1, got 0",
    ),
    (
        lambda r: r["request_defaults"].update(equipment=["trampoline"]),
        "field 'request_defaults.equipment[0]': "
        "names equipment 'trampoline', which equipment.json does not hold",
    ),
    (
        # Read on its own, 4 minutes is a fine number; no routine fits it (5 to 60).
        lambda r: r["request_defaults"].update(minutes=4),
        "field 'request_defaults': give no routine: minutes: must be an integer from 5 to 60",
    ),
    (lambda r: r["programme"].update(weeks=None), "field 'programme.weeks': is required"),
    (
        lambda r: r["programme"]["progress_weeks"].update(value=13),
        "field 'programme.progress_weeks.value': must not exceed programme.weeks",
    ),
    (
        _band(1, min=5),
        "field 'pain.bands[1]': must cover 4 onwards without gap or overlap, got 5-6",
    ),
    (_band(2, max=9), "field 'pain.bands': must end at 10, got 9"),
    (
        _band(0, progression="none"),
        "field 'pain.bands[0].progression': must be none exactly when the band is not ready",
    ),
    (
        _band(2, urgency=None),
        "field 'pain.bands[2]': a band that is not ready needs an urgency and advice",
    ),
    (
        lambda r: r["pain"].update(unknown_band="extreme"),
        "field 'pain.unknown_band': names pain band 'extreme', which pain.bands does not hold",
    ),
    (
        lambda r: r["pain"].update(unknown_band="severe"),
        "field 'pain.unknown_band': names pain band 'severe', which makes no routine",
    ),
    (
        lambda r: r["feedback"].update(step_back_band="severe"),
        "field 'feedback.step_back_band': names pain band 'severe', which makes no routine",
    ),
    (
        lambda r: r["low_impact_activity"]["min_minutes"].update(value=40),
        "field 'low_impact_activity.max_minutes.value': must be at least min_minutes",
    ),
    (
        lambda r: r["low_impact_activity"].update(precaution="wear-a-helmet"),
        "field 'low_impact_activity.precaution': "
        "names precaution 'wear-a-helmet', which precautions.json does not hold",
    ),
    (
        lambda r: r.update(self_care="rest"),
        "field 'self_care': names guidance 'rest', which guidance.json does not hold",
    ),
    (
        lambda r: r["feedback"]["sources"][0].update(source="wikipedia"),
        "field 'feedback.sources[0].source': "
        "names source 'wikipedia', which the manifest does not list",
    ),
    (
        lambda r: r["pain"]["bands"][1]["sources"][0].update(source="wikipedia"),
        "field 'pain.bands[1].sources[0].source': "
        "names source 'wikipedia', which the manifest does not list",
    ),
]


@pytest.mark.parametrize(("edit", "message"), RULES)
def test_broken_rules_are_refused_naming_the_field(
    tmp_path: Path, edit: Edit, message: str
) -> None:
    """rules.json is checked field by field and against the rest of the release."""
    root = _copy(tmp_path, "rules.json", edit)
    with pytest.raises(ContentError) as caught:
        load_releases(root)
    assert str(caught.value) == f"1.1.0/rules.json: {message}"
    assert (caught.value.file, caught.value.item) == ("1.1.0/rules.json", None)


ENTRIES = [
    (
        "rules.json",
        lambda rules: [rules],
        "1.1.0/rules.json: must be an object, got a list",
    ),
    (
        "screening.json",
        lambda _: [],
        "1.1.0/screening.json: holds no question: "
        "a release that makes routines must screen for red flags",
    ),
    (
        "equipment.json",
        lambda equipment: equipment[0].update(id="none"),
        "1.1.0/equipment.json: item 'none': field 'id': 'none' is reserved for 'no equipment'",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e["dosage"]["sets"].update(min=1, max=9)),
        "1.1.0/exercises.json: item 'heel-raises': field 'dosage': sets cannot rise from 1 "
        "to 2 within 25% of the volume; start at the target's sets",
    ),
    (
        "exercises.json",
        _item("single-leg-balance", lambda e: e["variations"][0].pop("steps")),
        "1.1.0/exercises.json: item 'single-leg-balance': field 'variations[0].steps': "
        "is required: a harder variation has id, steps, difficulty, dosage",
    ),
    (
        "exercises.json",
        _item("foot-roll", lambda e: e.update(equipment=["towel"])),
        "1.1.0/exercises.json: item 'foot-roll': field 'equipment[0]': "
        "must be a non-empty list of equipment ids, got a string",
    ),
    (
        "exercises.json",
        _item("foot-roll", lambda e: e.update(equipment=[["towel"], []])),
        "1.1.0/exercises.json: item 'foot-roll': field 'equipment[1]': "
        "must be a non-empty list of equipment ids, got a list",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e["dosage"].update(sets=None)),
        "1.1.0/exercises.json: item 'heel-raises': field 'dosage.sets': is required",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e["dosage"].update(rest_seconds=None)),
        "1.1.0/exercises.json: item 'heel-raises': field 'dosage.rest_seconds': is required",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e["dosage"].update(seconds_per_rep=None)),
        "1.1.0/exercises.json: item 'heel-raises': field 'dosage.seconds_per_rep': "
        "must be given exactly when reps is given",
    ),
    (
        "exercises.json",
        _item(
            "foot-roll",
            lambda e: e["dosage"].update(hold_seconds={"min": 3, "max": 3, "basis": "default"}),
        ),
        "1.1.0/exercises.json: item 'foot-roll': field 'dosage.hold_seconds': "
        "may only be given with reps",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e["dosage"]["sets"].update(min=1.5)),
        "1.1.0/exercises.json: item 'heel-raises': field 'dosage.sets.min': "
        "must be an integer, got the number 1.5",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e.update(name=3)),
        "1.1.0/exercises.json: item 'heel-raises': field 'name': "
        "must be a string, got the number 3",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e.update(summary=None)),
        "1.1.0/exercises.json: item 'heel-raises': field 'summary': must be a string, got null",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e.update(summary=True)),
        "1.1.0/exercises.json: item 'heel-raises': field 'summary': "
        "must be a string, got a boolean",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e.update(name=" Heel raises")),
        "1.1.0/exercises.json: item 'heel-raises': field 'name': must not start or end with spaces",
    ),
    (
        "exercises.json",
        _item("heel-raises", lambda e: e.update(steps="Stand tall.")),
        "1.1.0/exercises.json: item 'heel-raises': field 'steps': must be a list, got a string",
    ),
    (
        "manifest.json",
        lambda manifest: manifest.update(released="2026-02-30"),
        "1.1.0/manifest.json: field 'released': must be a date YYYY-MM-DD, got '2026-02-30'",
    ),
    (
        "manifest.json",
        lambda manifest: manifest.update(version="1.1"),
        "1.1.0/manifest.json: field 'version': must be a version such as '1.0.0', got '1.1'",
    ),
]


@pytest.mark.parametrize(("file", "edit", "message"), ENTRIES)
def test_broken_entries_of_a_release_with_rules_are_refused(
    tmp_path: Path, file: str, edit: Edit, message: str
) -> None:
    """The starting doses, harder variations, equipment groups and text of 1.1.0's entries are
    checked as they load, and the error names the file, the item and the field."""
    with pytest.raises(ContentError) as caught:
        load_releases(_copy(tmp_path, file, edit))
    assert str(caught.value) == message


def test_a_file_that_is_not_utf_8_is_refused(tmp_path: Path) -> None:
    """Content is UTF-8 JSON; other bytes are named with the decoder's reason."""
    root = _copy(tmp_path, "guidance.json", lambda _: None)
    (root / "1.1.0" / "guidance.json").write_bytes(b'[{"id": "caf\xe9"}]')
    with pytest.raises(ContentError) as caught:
        load_releases(root)
    assert str(caught.value) == "1.1.0/guidance.json: is not UTF-8: invalid continuation byte"


def test_a_releases_folder_must_exist_and_hold_a_release(tmp_path: Path) -> None:
    """CONTENT_DIR must name a folder with at least one release in it."""
    missing = tmp_path / "nowhere"
    with pytest.raises(ContentError) as caught:
        load_releases(missing)
    assert str(caught.value) == f"{missing}: is not a folder of releases"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ContentError) as caught:
        load_releases(str(empty))
    assert str(caught.value) == f"{empty}: holds no release"


def test_hidden_entries_of_a_releases_folder_are_ignored(tmp_path: Path) -> None:
    """A `.DS_Store` or `.git` beside the releases is not a release and is not refused."""
    root = _copy(tmp_path, "guidance.json", lambda _: None)
    (root / ".DS_Store").write_bytes(b"\0")
    (root / ".git").mkdir()
    assert list(load_releases(root)) == ["1.1.0"]
