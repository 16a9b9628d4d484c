"""Loading content: the bundled release loads, and every kind of breakage stops it, named."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from service.app import create_app
from service.cli import content
from service.domain import ContentError, Kind, load_releases

from .conftest import raw


def _item(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    return next(item for item in items if item["id"] == item_id)


def _set(item_id: str, path: str, value: Any) -> Callable[[Any], None]:
    """An edit that sets a dotted path inside one entry of a list file."""

    def edit(items: Any) -> None:
        target = _item(items, item_id)
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]
        target[last] = value

    return edit


def _drop(item_id: str, key: str) -> Callable[[Any], None]:
    return lambda items: _item(items, item_id).pop(key) and None


BREAKAGES = [
    (
        "exercises.json",
        _drop("heel-raises", "purpose"),
        "1.0.0/exercises.json: item 'heel-raises': field 'purpose': is required",
    ),
    (
        "exercises.json",
        _set("towel-curls", "colour", "red"),
        "1.0.0/exercises.json: item 'towel-curls': field 'colour': is not a known key",
    ),
    (
        "exercises.json",
        _set("foot-roll", "dosage.sets.min", "1"),
        "1.0.0/exercises.json: item 'foot-roll': field 'dosage.sets.min': "
        "must be an integer, got a string",
    ),
    (
        "exercises.json",
        _set("heel-walks", "position", "lying"),
        "1.0.0/exercises.json: item 'heel-walks': field 'position': "
        "must be one of seated, standing, got 'lying'",
    ),
    (
        "exercises.json",
        _set("toe-spread", "dosage.hold_seconds", {"min": 40, "max": 30, "basis": "source"}),
        "1.0.0/exercises.json: item 'toe-spread': field 'dosage.hold_seconds.max': "
        "must be at least min (40), got 30",
    ),
    (
        "exercises.json",
        _set("foot-roll", "dosage.duration_seconds", None),
        "1.0.0/exercises.json: item 'foot-roll': field 'dosage.reps': "
        "exactly one of reps and duration_seconds must be given",
    ),
    (
        "exercises.json",
        _set("single-leg-balance", "dosage.per_side.value", 1),
        "1.0.0/exercises.json: item 'single-leg-balance': field 'dosage.per_side.value': "
        "must be true or false, got the number 1",
    ),
    (
        "exercises.json",
        _set("heel-raises", "steps", ["Stand tall.", "  "]),
        "1.0.0/exercises.json: item 'heel-raises': field 'steps[1]': must not be blank",
    ),
    (
        "exercises.json",
        _set("heel-raises", "precautions", ["start-slowly", "wear-a-helmet"]),
        "1.0.0/exercises.json: item 'heel-raises': field 'precautions[1]': "
        "names precaution 'wear-a-helmet', which precautions.json does not hold",
    ),
    (
        "exercises.json",
        _set("foot-roll", "equipment", [["foam-roller", "trampoline"]]),
        "1.0.0/exercises.json: item 'foot-roll': field 'equipment[0][1]': "
        "names equipment 'trampoline', which equipment.json does not hold",
    ),
    (
        "stretches.json",
        _set("calf-stretch", "id", "toe-stretch"),
        "1.0.0/stretches.json: item 'toe-stretch': field 'id': "
        "is used by an earlier entry of this file",
    ),
    (
        "stretches.json",
        _set("calf-stretch", "sources", [{"source": "wikipedia", "section": "Calf"}]),
        "1.0.0/stretches.json: item 'calf-stretch': field 'sources[0].source': "
        "names source 'wikipedia', which the manifest does not list",
    ),
    (
        "stretches.json",
        _set("calf-stretch", "id", "heel-raises"),
        "1.0.0/stretches.json: item 'heel-raises': field 'id': is also the id of an exercise",
    ),
    (
        "precautions.json",
        _set("start-slowly", "advice", []),
        "1.0.0/precautions.json: item 'start-slowly': field 'advice': must not be empty",
    ),
    (
        "screening.json",
        _set("numbness-or-tingling", "id", "Numbness"),
        "1.0.0/screening.json: item 'Numbness': field 'id': "
        "must be a kebab-case id such as 'heel-raises', got 'Numbness'",
    ),
    (
        "manifest.json",
        lambda manifest: manifest.update(version="1.0.1"),
        "1.0.0/manifest.json: field 'version': is '1.0.1' but the folder is named '1.0.0'",
    ),
    (
        "manifest.json",
        lambda manifest: manifest.update(safety_notice="be-careful"),
        "1.0.0/manifest.json: field 'safety_notice': "
        "names guidance 'be-careful', which guidance.json does not hold",
    ),
    (
        "manifest.json",
        lambda manifest: manifest.update(released="25/11/2026"),
        "1.0.0/manifest.json: field 'released': must be a date YYYY-MM-DD, got '25/11/2026'",
    ),
    (
        "equipment.json",
        lambda _: {"towel": "a towel"},
        "1.0.0/equipment.json: must hold a list of entries, got an object",
    ),
]


@pytest.mark.parametrize(("file", "edit", "message"), BREAKAGES)
def test_broken_release_is_refused_naming_file_item_and_field(
    release_copy: Callable[..., Path], file: str, edit: Callable[[Any], Any], message: str
) -> None:
    """Each kind of breakage raises ContentError with the file, the item and the field."""
    root = release_copy(file, edit)
    with pytest.raises(ContentError) as caught:
        load_releases(root)
    assert str(caught.value) == message


def test_file_that_is_not_json_is_refused(release_copy: Callable[..., Path]) -> None:
    """A file that does not parse is named with the parser's reason and line."""
    root = release_copy()
    (root / "1.0.0" / "guidance.json").write_text('[\n  {"id": "x",\n', encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape("1.0.0/guidance.json: is not valid JSON")):
        load_releases(root)


def test_missing_and_unknown_files_are_refused(release_copy: Callable[..., Path]) -> None:
    """A release must hold exactly the known files."""
    root = release_copy()
    (root / "1.0.0" / "notes.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_releases(root)
    assert str(caught.value) == "1.0.0/notes.json: is not a known content file"
    (root / "1.0.0" / "notes.json").unlink()
    (root / "1.0.0" / "screening.json").unlink()
    with pytest.raises(ContentError) as caught:
        load_releases(root)
    assert str(caught.value) == "1.0.0/screening.json: is missing"


def test_folder_not_named_by_a_version_is_refused(release_copy: Callable[..., Path]) -> None:
    """Every folder under releases/ must be named by a semantic version."""
    root = release_copy()
    (root / "latest").mkdir()
    with pytest.raises(ContentError, match="is not a release folder named by its version"):
        load_releases(root)


def test_app_does_not_start_on_broken_content(release_copy: Callable[..., Path]) -> None:
    """create_app loads content first, so invalid content never serves."""
    root = release_copy("exercises.json", _set("heel-raises", "difficulty", "easy"))
    with pytest.raises(ContentError) as caught:
        create_app({"CONTENT_DIR": str(root)})
    assert caught.value.file == "1.0.0/exercises.json"
    assert caught.value.item == "heel-raises"
    assert caught.value.field == "difficulty"


def test_releases_are_ordered_by_version_not_by_name(release_copy: Callable[..., Path]) -> None:
    """1.10.0 is newer than 1.9.0, so it is the latest."""
    for version in ("1.9.0", "1.10.0"):
        root = release_copy(
            "manifest.json",
            lambda manifest, version=version: manifest.update(version=version),
            version=version,
        )
    assert list(load_releases(root)) == ["1.9.0", "1.10.0"]


def test_bundled_release_holds_every_entry_of_the_raw_files() -> None:
    """The loader keeps every entry of every file, in file order."""
    release = load_releases()["1.0.0"]
    for kind in Kind:
        assert [entry.id for entry in release.entries(kind)] == [
            entry["id"] for entry in raw(f"{kind.value}.json")
        ]


def test_check_command_accepts_the_bundled_release() -> None:
    """`flask content check` with no folder checks every bundled release."""
    result = CliRunner().invoke(content, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1.0.0: ok (8 exercises, 2 stretches, 4 precautions,")


def test_check_command_fails_on_a_broken_folder(release_copy: Callable[..., Path]) -> None:
    """`flask content check FOLDER` exits non-zero and names the fault."""
    root = release_copy("stretches.json", _set("calf-stretch", "focus", ["strength", "strength"]))
    result = CliRunner().invoke(content, ["check", str(root / "1.0.0")])
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1.0.0/stretches.json: item 'calf-stretch': field 'focus': repeats 'strength'\n"
    )
