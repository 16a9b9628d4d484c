"""Load content releases from JSON files, validating every field and every reference.

Raises ``ContentError`` (a ``ValueError``) naming the file, the item and the field at fault.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from . import entries
from .model import (
    Citation,
    Kind,
    Manifest,
    Release,
    Source,
)
from .reading import (
    ContentError,
    Object,
    Place,
    describe,
    no_repeats,
    parse_json,
)
from .rules import RULES_FILE, check_rules, read_rules

T = TypeVar("T")

VERSION_PATTERN = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
FILES = (
    "manifest.json",
    "equipment.json",
    "exercises.json",
    "stretches.json",
    "precautions.json",
    "guidance.json",
    "screening.json",
)


def version_key(version: str) -> tuple[int, ...]:
    """The sort key of a semantic version such as ``1.10.0``."""
    return tuple(int(part) for part in version.split("."))


def is_version(text: str) -> bool:
    """Whether `text` is a release version: three numbers without leading zeros."""
    return VERSION_PATTERN.fullmatch(text) is not None


def bundled_releases() -> Traversable:
    """The releases folder shipped inside the package."""
    return resources.files("service").joinpath("content", "releases")


def load_releases(root: Traversable | Path | str | None = None) -> dict[str, Release]:
    """Load every release folder under ``root``, oldest first.

    Raises ContentError when a folder or file is invalid, or when there is no release at all.
    """
    root = bundled_releases() if root is None else Path(root) if isinstance(root, str) else root
    if not root.is_dir():
        raise ContentError(str(root), None, None, "is not a folder of releases")
    releases = []
    for entry in list(root.iterdir()):  # whole, so an error mid-way leaves no open scandir
        if entry.name.startswith("."):
            continue
        if not (entry.is_dir() and is_version(entry.name)):
            raise ContentError(
                f"{root}/{entry.name}", None, None, "is not a release folder named by its version"
            )
        releases.append(load_release(entry))
    if not releases:
        raise ContentError(str(root), None, None, "holds no release")
    releases.sort(key=lambda release: version_key(release.version))
    return {release.version: release for release in releases}


def load_release(folder: Traversable | Path) -> Release:
    """Load and cross-check one release folder.

    Raises ContentError when a file is missing, unreadable or invalid, or a reference dangles.
    """
    present = {entry.name for entry in folder.iterdir() if not entry.name.startswith(".")}
    for name in sorted(present - {*FILES, RULES_FILE}):
        raise ContentError(f"{folder.name}/{name}", None, None, "is not a known content file")
    raw: dict[str, bytes] = {}
    for name in FILES:
        if name not in present:
            raise ContentError(f"{folder.name}/{name}", None, None, "is missing")
        raw[name] = folder.joinpath(name).read_bytes()
    names = [*FILES, RULES_FILE] if RULES_FILE in present else list(FILES)
    if RULES_FILE in present:
        raw[RULES_FILE] = folder.joinpath(RULES_FILE).read_bytes()

    # A release without rules.json hashes exactly as before rules existed.
    checksum = hashlib.sha256()
    for name in names:
        checksum.update(name.encode() + b"\0" + raw[name] + b"\0")

    docs = {name: parse_json(f"{folder.name}/{name}", raw[name]) for name in names}
    keys = _keys_for(with_rules=RULES_FILE in docs)
    manifest = _manifest(Place(f"{folder.name}/manifest.json"), docs["manifest.json"])
    if manifest.version != folder.name:
        raise ContentError(
            f"{folder.name}/manifest.json",
            None,
            "version",
            f"is {manifest.version!r} but the folder is named {folder.name!r}",
        )
    release = Release(
        manifest=manifest,
        checksum=f"sha256:{checksum.hexdigest()}",
        equipment=_entries(folder.name, "equipment.json", docs, entries.read_equipment, keys),
        exercises=_entries(
            folder.name, "exercises.json", docs, entries.read_item(Kind.EXERCISE), keys
        ),
        stretches=_entries(
            folder.name, "stretches.json", docs, entries.read_item(Kind.STRETCH), keys
        ),
        precautions=_entries(folder.name, "precautions.json", docs, entries.read_precaution, keys),
        guidance=_entries(folder.name, "guidance.json", docs, entries.read_guidance, keys),
        screening=_entries(folder.name, "screening.json", docs, entries.read_screening, keys),
        rules=(
            read_rules(Place(f"{folder.name}/{RULES_FILE}"), docs[RULES_FILE])
            if RULES_FILE in docs
            else None
        ),
    )
    _check_references(folder.name, release)
    if release.rules is not None:
        check_rules(folder.name, release)
    return release


def _entries(
    release: str,
    file: str,
    docs: Mapping[str, Any],
    build: Callable[[Object], T],
    keys: Keys,
) -> tuple[T, ...]:
    """Build every entry of a list file, checking that ids are present and unique."""
    name = f"{release}/{file}"
    data = docs[file]
    if not isinstance(data, list):
        raise ContentError(name, None, None, f"must hold a list of entries, got {describe(data)}")
    built: list[T] = []
    seen: set[str] = set()
    for index, raw in enumerate(data):
        item = raw.get("id") if isinstance(raw, dict) else None
        label = item if isinstance(item, str) and item else f"#{index + 1}"
        place = Place(name, label)
        if label in seen:
            raise place.error("id", "is used by an earlier entry of this file")
        seen.add(label)
        built.append(build(Object(place, raw, "", keys[file])))
    return tuple(built)


_ITEM_KEYS = (
    "id",
    "name",
    "summary",
    "purpose",
    "steps",
    "variations",
    "equipment",
    "position",
    "focus",
    "difficulty",
    "forefoot_load",
    "dosage",
    "cautions",
    "precautions",
    "sources",
)
_KEYS: dict[str, tuple[str, ...]] = {
    "equipment.json": ("id", "name", "description"),
    "exercises.json": _ITEM_KEYS,
    "stretches.json": _ITEM_KEYS,
    "precautions.json": ("id", "title", "summary", "advice", "sources"),
    "guidance.json": ("id", "title", "summary", "body", "sources"),
    "screening.json": ("id", "question", "reason", "advice", "sources"),
}
# Keys that a release with rules.json requires, and that one without may not have.
_RULE_KEYS = {
    "exercises.json": ("similar",),
    "stretches.json": ("similar",),
    "screening.json": ("urgency",),
}
Keys = dict[str, tuple[str, ...]]


def _keys_for(*, with_rules: bool) -> Keys:
    """The keys of each list file's entries, for a release with or without rules.json."""
    return {
        file: (*keys, *_RULE_KEYS.get(file, ())) if with_rules else keys
        for file, keys in _KEYS.items()
    }


def _manifest(place: Place, data: object) -> Manifest:
    obj = Object(
        place,
        data,
        "",
        (
            "version",
            "released",
            "summary",
            "changes",
            "safety_notice",
            "professional_advice",
            "sources",
        ),
    )
    version = obj.text("version")
    if not is_version(version):
        raise place.error("version", f"must be a version such as '1.0.0', got {version!r}")
    sources = tuple(
        Source(
            id=source.ident("id"),
            title=source.text("title"),
            publisher=source.text("publisher"),
            note=source.text("note"),
        )
        for source in obj.children("sources", ("id", "title", "publisher", "note"))
    )
    no_repeats(place, "sources", (source.id for source in sources))
    return Manifest(
        version=version,
        released=obj.date("released"),
        summary=obj.text("summary"),
        changes=obj.texts("changes"),
        safety_notice=obj.ident("safety_notice"),
        professional_advice=obj.ident("professional_advice"),
        sources=sources,
    )


# A flat list of independent checks in the order their errors are reported; split up, they
# would only scatter what one reads down to check a release.
def _check_references(folder: str, release: Release) -> None:  # noqa: C901
    """Every id that one entry names must exist in this release."""
    sources = {source.id for source in release.manifest.sources}
    equipment = {equipment.id for equipment in release.equipment}
    precautions = {precaution.id for precaution in release.precautions}
    guidance = {entry.id for entry in release.guidance}

    def checkcitations(place: Place, path: str, citations: Iterable[Citation]) -> None:
        for index, citation in enumerate(citations):
            if citation.source not in sources:
                raise place.error(
                    f"{path}[{index}].source",
                    f"names source {citation.source!r}, which the manifest does not list",
                )

    for key in ("safety_notice", "professional_advice"):
        name = getattr(release.manifest, key)
        if name not in guidance:
            raise ContentError(
                f"{folder}/manifest.json",
                None,
                key,
                f"names guidance {name!r}, which guidance.json does not hold",
            )
    exercise_ids = {item.id for item in release.exercises}
    for kind, items in ((Kind.EXERCISE, release.exercises), (Kind.STRETCH, release.stretches)):
        for item in items:
            place = Place(f"{folder}/{kind.value}.json", item.id)
            if kind is Kind.STRETCH and item.id in exercise_ids:
                raise place.error("id", "is also the id of an exercise")
            for group_index, group in enumerate(item.equipment):
                for index, name in enumerate(group):
                    if name not in equipment:
                        raise place.error(
                            f"equipment[{group_index}][{index}]",
                            f"names equipment {name!r}, which equipment.json does not hold",
                        )
            for index, name in enumerate(item.precautions):
                if name not in precautions:
                    raise place.error(
                        f"precautions[{index}]",
                        f"names precaution {name!r}, which precautions.json does not hold",
                    )
            checkcitations(place, "sources", item.sources)
            for index, variation in enumerate(item.variations):
                checkcitations(place, f"variations[{index}].sources", variation.sources)
    for kind in (Kind.PRECAUTION, Kind.GUIDANCE, Kind.SCREENING):
        for entry in release.entries(kind):
            place = Place(f"{folder}/{kind.value}.json", entry.id)
            checkcitations(place, "sources", entry.sources)
