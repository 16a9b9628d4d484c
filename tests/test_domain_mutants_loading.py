"""Every loaded field is the JSON's own value: each release compared with its files, field by field.

The oracle is structural, not the loader's code: a record's field holds the JSON member of the
same name, a tuple the list, an enum its string, a date its ISO text, and an absent member None
(or nothing, for a tuple). Where rules.json names a member differently, or a record holds more
than its member (an illustration, the release it belongs to), the test says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum

import pytest

from service.domain import Kind, Release, load_releases

from .conftest import RELEASES, raw, release_checksum

# Fields that the model adds and that no JSON member holds.
DERIVED = {"kind"}


def mismatches(model: object, data: object, path: str = "") -> list[str]:
    """Where the model differs from the JSON, as paths; empty when every field is the JSON's."""
    if dataclasses.is_dataclass(model) and not isinstance(model, type):
        if not isinstance(data, dict):
            return [f"{path}: a record for {data!r}"]
        found: list[str] = []
        names = [f.name for f in dataclasses.fields(model) if f.init and f.name not in DERIVED]
        for name in names:
            found += mismatches(getattr(model, name), data.get(name), f"{path}.{name}")
        found += [f"{path}.{key}: not kept" for key in data if key not in names]
        return found
    if isinstance(model, tuple):
        items = [] if data is None else data
        if not isinstance(items, list) or len(items) != len(model):
            return [f"{path}: {model!r} for {data!r}"]
        return [m for i, v in enumerate(model) for m in mismatches(v, items[i], f"{path}[{i}]")]
    if isinstance(model, dict):
        if not isinstance(data, dict) or len(data) != len(model):
            return [f"{path}: {model!r} for {data!r}"]
        return [
            m
            for key, value in model.items()
            for m in mismatches(value, data.get(str(key)), f"{path}.{key}")
        ]
    if isinstance(model, Enum):
        return [] if model.value == data else [f"{path}: {model!r} for {data!r}"]
    if isinstance(model, dt.date):
        return [] if model.isoformat() == data else [f"{path}: {model!r} for {data!r}"]
    same = model == data and type(model) is type(data)
    return [] if same else [f"{path}: {model!r} for {data!r}"]


# Release folders by name. Each test loads the releases itself (the fixture), not this module
# when it is imported, so that a mutation run, which runs only the tests that call a changed
# function, runs every test that reads what the loader built.
VERSIONS = sorted(path.name for path in RELEASES.iterdir() if path.is_dir())
WITH_RULES = [version for version in VERSIONS if (RELEASES / version / "rules.json").exists()]


@pytest.fixture
def releases() -> dict[str, Release]:
    return load_releases()


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", list(Kind))
def test_every_entry_holds_its_json_fields(
    releases: dict[str, Release], version: str, kind: Kind
) -> None:
    """Each exercise, stretch, precaution, guidance entry and question is its JSON object; an
    item's illustration is its `{alt}` with the version of the release whose SVG it is."""
    release = releases[version]
    data = raw(f"{kind.value}.json", version)
    for entry in data:
        if "illustration" in entry:
            entry["illustration"] = {**entry["illustration"], "version": version}
    assert mismatches(release.entries(kind), data) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_the_manifest_and_equipment_hold_their_json_fields(
    releases: dict[str, Release], version: str
) -> None:
    """The manifest (its date as ISO text) and the equipment list are the JSON's."""
    release = releases[version]
    # FORMAT.md: a manifest without `languages` is in English; without `removed`, drops none.
    manifest = {"languages": ["en"], "removed": []} | raw("manifest.json", version)
    kinds = [removal.pop("kind") for removal in manifest["removed"]]  # `kind` is a Kind here
    assert [removal.kind.value for removal in release.manifest.removed] == kinds
    assert mismatches(release.manifest, manifest) == []
    assert mismatches(release.equipment, raw("equipment.json", version)) == []
    assert release.version == version


@pytest.mark.parametrize("version", WITH_RULES)
def test_the_rules_hold_their_json_fields(releases: dict[str, Release], version: str) -> None:
    """rules.json is kept whole: the activity under `low_impact_activity`, the incomplete
    answers' advice under `screening`, and nothing else renamed or left out."""
    rules = releases[version].rules
    assert rules is not None
    data = raw("rules.json", version)
    if isinstance(data["self_care"], str):  # one id (1.1.0), or a list of them
        data["self_care"] = [data["self_care"]]
    assert mismatches(rules.activity, data["low_impact_activity"], "activity") == []
    assert rules.incomplete_advice == data["screening"]["incomplete_advice"]
    assert list(data["screening"]) == ["incomplete_advice"]
    rest = {k: v for k, v in data.items() if k not in ("low_impact_activity", "screening")}
    fields = {f.name: getattr(rules, f.name) for f in dataclasses.fields(rules)}
    for name in ("activity", "incomplete_advice"):
        del fields[name]
    assert sorted(fields) == sorted(rest)
    assert [m for name in fields for m in mismatches(fields[name], rest[name], name)] == []


@pytest.mark.parametrize("version", VERSIONS)
def test_the_checksum_is_sha256_of_each_file_named_in_order(
    releases: dict[str, Release], version: str
) -> None:
    """The checksum covers each file as name, NUL, bytes, NUL, in the loader's fixed order
    (the manifest first, then the lists, then rules.json where there is one), then each
    translation file as its path under the release, language by language, then each
    illustration as its path under the release, by item id."""
    assert releases[version].checksum == release_checksum(RELEASES / version)


def test_a_release_finds_each_entry_by_kind_and_id_only(releases: dict[str, Release]) -> None:
    """find() answers each entry under its own kind, and None under another kind or id."""
    release = releases[VERSIONS[-1]]
    for kind in Kind:
        for entry in release.entries(kind):
            assert release.find(kind, entry.id) is entry
            others = [k for k in Kind if k is not kind and release.find(k, entry.id) is not None]
            assert others == []
        assert release.find(kind, "no-such-entry") is None
    assert release.counts == {
        kind.value: len(raw(f"{kind.value}.json", release.version)) for kind in Kind
    }
