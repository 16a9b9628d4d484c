"""Content at the limits FORMAT.md sets: each smallest value and empty list that is allowed loads,
and each one past it is refused, naming the file, the item and the field.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.domain import ContentError, Release, load_releases

from .conftest import RELEASES, english_only, latest_with_rules

VERSION = latest_with_rules()[0].version
Edit = Callable[[Any], Any]


def loaded(tmp_path: Path, file: str, edit: Edit) -> Release:
    """The newest release with one file edited, loaded from a copy."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / VERSION, root / VERSION)
    english_only(root / VERSION)  # these edits check the files themselves
    path = root / VERSION / file
    data = json.loads(path.read_text(encoding="utf-8"))
    result = edit(data)
    path.write_text(json.dumps(data if result is None else result), encoding="utf-8")
    return load_releases(root)[VERSION]


def entry(entry_id: str, change: Callable[[dict[str, Any]], Any]) -> Edit:
    """An edit of the entry with this id in a list file."""
    return lambda entries: change(next(e for e in entries if e["id"] == entry_id))


def dosage(entry_id: str, key: str, value: Any) -> Edit:
    return entry(entry_id, lambda e: e["dosage"].update({key: value}))


def value(number: int) -> dict[str, Any]:
    return {"value": number, "basis": "default"}


def rules(path: str, number: Any) -> Edit:
    """An edit setting a value in rules.json, by its dotted path."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        data[last] = number

    return edit


def weeks(number: int) -> Edit:
    """A programme of `number` weeks, all of them progress weeks."""

    def edit(data: dict[str, Any]) -> None:
        data["programme"]["weeks"]["value"] = number
        data["programme"]["progress_weeks"]["value"] = number

    return edit


def activity_minutes(number: int) -> Edit:
    """An activity of at most `number` minutes, and at least as many or 1."""

    def edit(data: dict[str, Any]) -> None:
        activity = data["low_impact_activity"]
        activity["min_minutes"]["value"] = max(1, number)
        activity["max_minutes"]["value"] = number

    return edit


LIMITS = [
    # file, edit at the limit, edit past it, field, message past it
    (
        "exercises.json",
        dosage("heel-raises", "seconds_per_rep", value(1)),
        dosage("heel-raises", "seconds_per_rep", value(0)),
        "heel-raises",
        "dosage.seconds_per_rep.value",
        "must be at least 1, got 0",
    ),
    (
        "exercises.json",
        dosage("heel-raises", "rest_seconds", value(0)),
        dosage("heel-raises", "rest_seconds", value(-1)),
        "heel-raises",
        "dosage.rest_seconds.value",
        "must be at least 0, got -1",
    ),
    (
        "rules.json",
        rules("request_defaults.days_per_week", 1),
        rules("request_defaults.days_per_week", 0),
        None,
        "request_defaults.days_per_week",
        "must be at least 1, got 0",
    ),
    (
        "rules.json",
        weeks(1),
        weeks(0),
        None,
        "programme.weeks.value",
        "must be at least 1, got 0",
    ),
    (
        "rules.json",
        rules("programme.progress_weeks.value", 1),
        rules("programme.progress_weeks.value", 0),
        None,
        "programme.progress_weeks.value",
        "must be at least 1, got 0",
    ),
    (
        "rules.json",
        rules("low_impact_activity.min_minutes.value", 1),
        rules("low_impact_activity.min_minutes.value", 0),
        None,
        "low_impact_activity.min_minutes.value",
        "must be at least 1, got 0",
    ),
    (
        "rules.json",
        activity_minutes(1),
        activity_minutes(0),
        None,
        "low_impact_activity.max_minutes.value",
        "must be at least 1, got 0",
    ),
    (
        "rules.json",
        rules("programme.full_rate_days_per_week.value", 1),
        rules("programme.full_rate_days_per_week.value", 0),
        None,
        "programme.full_rate_days_per_week.value",
        "must be at least 1, got 0",
    ),
    (
        "rules.json",
        rules("feedback.not_improving_after.value", 1),
        rules("feedback.not_improving_after.value", 0),
        None,
        "feedback.not_improving_after.value",
        "must be at least 1, got 0",
    ),
    (
        "rules.json",
        rules("feedback.hold_next_day_rise.value", 0),
        rules("feedback.hold_next_day_rise.value", -1),
        None,
        "feedback.hold_next_day_rise.value",
        "must be at least 0, got -1",
    ),
]


@pytest.mark.parametrize(("file", "at", "past", "item", "field", "message"), LIMITS)
def test_the_smallest_value_allowed_loads_and_the_next_one_down_is_refused(
    tmp_path: Path, file: str, at: Edit, past: Edit, item: str | None, field: str, message: str
) -> None:
    """Every number has a documented minimum: the minimum itself is content that loads."""
    loaded(tmp_path / "at", file, at)
    with pytest.raises(ContentError) as caught:
        loaded(tmp_path / "past", file, past)
    assert (caught.value.file, caught.value.item, caught.value.field) == (
        f"{VERSION}/{file}",
        item,
        field,
    )
    assert caught.value.problem == message


def test_a_programme_of_one_week_progressing_throughout_loads(tmp_path: Path) -> None:
    """One week, one progress week: the smallest programme there is."""
    loaded_rules = loaded(tmp_path, "rules.json", weeks(1)).rules
    assert loaded_rules is not None
    assert (loaded_rules.programme.weeks.value, loaded_rules.programme.progress_weeks.value) == (
        1,
        1,
    )


def test_lists_that_may_be_empty_load_empty(tmp_path: Path) -> None:
    """An item without precautions, variations or equipment, and default equipment of none,
    are allowed."""

    def bare(item: dict[str, Any]) -> None:
        item.update(precautions=[], variations=[], equipment=[])

    release = loaded(tmp_path / "a", "exercises.json", entry("heel-walks", bare))
    item = next(i for i in release.exercises if i.id == "heel-walks")
    assert (item.precautions, item.variations, item.equipment) == ((), (), ())
    defaults = loaded(tmp_path / "b", "rules.json", rules("request_defaults.equipment", [])).rules
    assert defaults is not None
    assert defaults.request_defaults.equipment == ()


REFUSALS = [
    (
        "exercises.json",
        entry("heel-raises", lambda e: e.update(sources=[])),
        "exercises.json: item 'heel-raises': field 'sources': must not be empty",
    ),
    (
        "exercises.json",
        entry("heel-raises", lambda e: e.update(focus=[])),
        "exercises.json: item 'heel-raises': field 'focus': must not be empty",
    ),
    (
        "exercises.json",
        entry("heel-raises", lambda e: e.update(focus=["strength", "speed"])),
        "exercises.json: item 'heel-raises': field 'focus[1]': "
        "must be one of strength, flexibility, balance, massage, mobility, got 'speed'",
    ),
    (
        "exercises.json",
        entry("heel-raises", lambda e: e.update(precautions=["start-slowly", "Start Slowly"])),
        "exercises.json: item 'heel-raises': field 'precautions[1]': "
        "must be a kebab-case id such as 'heel-raises', got 'Start Slowly'",
    ),
    (
        "exercises.json",
        entry("heel-raises", lambda e: e.update(precautions=["start-slowly", "start-slowly"])),
        "exercises.json: item 'heel-raises': field 'precautions': repeats 'start-slowly'",
    ),
    (
        "exercises.json",
        entry("towel-curls", lambda e: e.update(equipment=[["Towel"]])),
        "exercises.json: item 'towel-curls': field 'equipment[0][0]': "
        "must be a kebab-case id such as 'heel-raises', got 'Towel'",
    ),
    (
        "exercises.json",
        entry("heel-raises", lambda e: e.update(dosage="3 x 10")),
        "exercises.json: item 'heel-raises': field 'dosage': must be an object, got a string",
    ),
    (
        "exercises.json",
        entry("heel-raises", lambda e: e.update(similar="Calf Raises")),
        "exercises.json: item 'heel-raises': field 'similar': "
        "must be a kebab-case id such as 'heel-raises', got 'Calf Raises'",
    ),
    (
        "exercises.json",
        entry("heel-raises", lambda e: e.update(id=5)),
        "exercises.json: item '#1': field 'id': must be a string, got the number 5",
    ),
    (
        "exercises.json",
        lambda entries: entries.insert(2, "heel-raises"),
        "exercises.json: item '#3': must be an object, got a string",
    ),
    (
        "exercises.json",
        entry(
            "single-leg-balance",
            lambda e: e["variations"][0]["sources"][0].update(source="wikipedia"),
        ),
        "exercises.json: item 'single-leg-balance': field 'variations[0].sources[0].source': "
        "names source 'wikipedia', which the manifest does not list",
    ),
    (
        "precautions.json",
        entry("start-slowly", lambda e: e["sources"][0].update(source="wikipedia")),
        "precautions.json: item 'start-slowly': field 'sources[0].source': "
        "names source 'wikipedia', which the manifest does not list",
    ),
    (
        "guidance.json",
        entry("self-care-rest", lambda e: e["sources"][0].update(source="wikipedia")),
        "guidance.json: item 'self-care-rest': field 'sources[0].source': "
        "names source 'wikipedia', which the manifest does not list",
    ),
    (
        "screening.json",
        entry("numbness-or-tingling", lambda e: e["sources"][0].update(source="wikipedia")),
        "screening.json: item 'numbness-or-tingling': field 'sources[0].source': "
        "names source 'wikipedia', which the manifest does not list",
    ),
    (
        "screening.json",
        entry("numbness-or-tingling", lambda e: e.update(urgency="later")),
        "screening.json: item 'numbness-or-tingling': field 'urgency': "
        "must be one of soon, urgent, emergency, got 'later'",
    ),
    (
        "manifest.json",
        lambda manifest: manifest.update(sources=[]),
        "manifest.json: field 'sources': must not be empty",
    ),
    (
        "manifest.json",
        lambda manifest: manifest["sources"].append(dict(manifest["sources"][1])),
        "manifest.json: field 'sources': repeats 'nhs'",
    ),
    (
        "guidance.json",
        entry("self-care-rest", lambda e: e.update(title=" ")),
        "guidance.json: item 'self-care-rest': field 'title': must not be blank",
    ),
]


@pytest.mark.parametrize(("file", "edit", "message"), REFUSALS)
def test_content_past_a_limit_is_refused_naming_the_place(
    tmp_path: Path, file: str, edit: Edit, message: str
) -> None:
    """Empty lists where one entry is needed, unknown values, ids that are not ids, entries
    that are not objects, citations of unknown sources: each is named where it is."""
    with pytest.raises(ContentError) as caught:
        loaded(tmp_path, file, edit)
    assert str(caught.value) == f"{VERSION}/{message}"


def test_hidden_files_in_a_release_folder_are_ignored(tmp_path: Path) -> None:
    """A `.DS_Store` beside the content files is not a content file, and is not refused."""

    def hide(_: Any) -> None:
        (tmp_path / "releases" / VERSION / ".DS_Store").write_bytes(b"\0")

    assert loaded(tmp_path, "guidance.json", hide).version == VERSION


def test_a_folder_not_named_by_a_version_is_named_in_the_refusal(tmp_path: Path) -> None:
    """The whole message: the folder's path and why it is not a release."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / VERSION, root / VERSION)
    (root / "latest").mkdir()
    with pytest.raises(ContentError) as caught:
        load_releases(root)
    assert str(caught.value) == f"{root}/latest: is not a release folder named by its version"
