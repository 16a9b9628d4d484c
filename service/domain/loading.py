"""Load content releases from JSON files, validating every field and every reference.

Raises ``ContentError`` (a ``ValueError``) naming the file, the item and the field at fault.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from .model import (
    Basis,
    Citation,
    Difficulty,
    Dosage,
    Equipment,
    Focus,
    Guidance,
    Item,
    Kind,
    Load,
    Manifest,
    Position,
    Precaution,
    Range,
    Release,
    ScreeningQuestion,
    Source,
    Value,
    Variation,
)

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
VERSION_PATTERN = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
RESERVED_EQUIPMENT = "none"
FILES = (
    "manifest.json",
    "equipment.json",
    "exercises.json",
    "stretches.json",
    "precautions.json",
    "guidance.json",
    "screening.json",
)


class ContentError(ValueError):
    """A content release that cannot be served, with the place of the fault."""

    def __init__(self, file: str, item: str | None, field: str | None, problem: str) -> None:
        self.file = file
        self.item = item
        self.field = field
        self.problem = problem
        where = [file]
        if item is not None:
            where.append(f"item '{item}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(": ".join([*where, problem]))


def version_key(version: str) -> tuple[int, ...]:
    """The sort key of a semantic version such as ``1.10.0``."""
    return tuple(int(part) for part in version.split("."))


def is_version(text: str) -> bool:
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
    for entry in root.iterdir():
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
    for name in sorted(present - set(FILES)):
        raise ContentError(f"{folder.name}/{name}", None, None, "is not a known content file")
    raw: dict[str, bytes] = {}
    for name in FILES:
        if name not in present:
            raise ContentError(f"{folder.name}/{name}", None, None, "is missing")
        raw[name] = folder.joinpath(name).read_bytes()

    checksum = hashlib.sha256()
    for name in FILES:
        checksum.update(name.encode() + b"\0" + raw[name] + b"\0")

    docs = {name: _parse_json(f"{folder.name}/{name}", raw[name]) for name in FILES}
    manifest = _manifest(_Place(f"{folder.name}/manifest.json"), docs["manifest.json"])
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
        equipment=_entries(folder.name, "equipment.json", docs, _equipment),
        exercises=_entries(folder.name, "exercises.json", docs, _item(Kind.EXERCISE)),
        stretches=_entries(folder.name, "stretches.json", docs, _item(Kind.STRETCH)),
        precautions=_entries(folder.name, "precautions.json", docs, _precaution),
        guidance=_entries(folder.name, "guidance.json", docs, _guidance),
        screening=_entries(folder.name, "screening.json", docs, _screening),
    )
    _check_references(folder.name, release)
    return release


def _parse_json(file: str, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ContentError(file, None, None, f"is not UTF-8: {error.reason}") from None
    except json.JSONDecodeError as error:
        raise ContentError(
            file, None, None, f"is not valid JSON: {error.msg} at line {error.lineno}"
        ) from None


class _Place:
    """Where in the content a value is read, to name it in errors."""

    def __init__(self, file: str, item: str | None = None) -> None:
        self.file = file
        self.item = item

    def error(self, field: str | None, problem: str) -> ContentError:
        return ContentError(self.file, self.item, field or None, problem)


class _Object:
    """A JSON object read field by field, with strict key and type checks."""

    def __init__(
        self,
        place: _Place,
        data: object,
        path: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> None:
        self.place = place
        self.path = path
        if not isinstance(data, dict):
            raise place.error(path, f"must be an object, got {_describe(data)}")
        required, optional = set(required), set(optional)
        for key in sorted(data):
            if key not in required | optional:
                raise place.error(self.field(key), "is not a known key")
        for key in sorted(required):
            if key not in data:
                raise place.error(self.field(key), "is required")
        self.data: dict[str, Any] = data

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str) -> str:
        return _text(self.place, self.field(key), self.data[key])

    def optional_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def texts(self, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        return tuple(
            _text(self.place, path, value)
            for path, value in self.each(key, allow_empty=allow_empty)
        )

    def ident(self, key: str) -> str:
        return _ident(self.place, self.field(key), self.data[key])

    def idents(self, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        found = tuple(
            _ident(self.place, path, value)
            for path, value in self.each(key, allow_empty=allow_empty)
        )
        _no_repeats(self.place, self.field(key), found)
        return found

    def integer(self, key: str, *, minimum: int) -> int:
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.place.error(self.field(key), f"must be an integer, got {_describe(value)}")
        if value < minimum:
            raise self.place.error(self.field(key), f"must be at least {minimum}, got {value}")
        return value

    def boolean(self, key: str) -> bool:
        value = self.data[key]
        if not isinstance(value, bool):
            raise self.place.error(
                self.field(key), f"must be true or false, got {_describe(value)}"
            )
        return value

    def enum(self, key: str, enum: type[E]) -> E:
        return _enum(self.place, self.field(key), self.data[key], enum)

    def enums(self, key: str, enum: type[E]) -> tuple[E, ...]:
        found = tuple(_enum(self.place, path, value, enum) for path, value in self.each(key))
        _no_repeats(self.place, self.field(key), found)
        return found

    def date(self, key: str) -> dt.date:
        text = self.text(key)
        try:
            if DATE_PATTERN.fullmatch(text):
                return dt.date.fromisoformat(text)
        except ValueError:
            pass
        raise self.place.error(self.field(key), f"must be a date YYYY-MM-DD, got {text!r}")

    def child(self, key: str, required: Iterable[str], optional: Iterable[str] = ()) -> _Object:
        return _Object(self.place, self.data[key], self.field(key), required, optional)

    def children(
        self,
        key: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
        *,
        allow_empty: bool = False,
    ) -> list[_Object]:
        return [
            _Object(self.place, value, path, required, optional)
            for path, value in self.each(key, allow_empty=allow_empty)
        ]

    def each(self, key: str, *, allow_empty: bool = False) -> Iterator[tuple[str, Any]]:
        """The elements of a list field, each with its path."""
        values = self.data[key]
        if not isinstance(values, list):
            raise self.place.error(self.field(key), f"must be a list, got {_describe(values)}")
        if not values and not allow_empty:
            raise self.place.error(self.field(key), "must not be empty")
        for index, value in enumerate(values):
            yield f"{self.field(key)}[{index}]", value


def _describe(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value}"
    return names.get(type(value), type(value).__name__)


def _text(place: _Place, path: str, value: object) -> str:
    if not isinstance(value, str):
        raise place.error(path, f"must be a string, got {_describe(value)}")
    if not value.strip():
        raise place.error(path, "must not be blank")
    if value != value.strip():
        raise place.error(path, "must not start or end with spaces")
    return value


def _ident(place: _Place, path: str, value: object) -> str:
    text = _text(place, path, value)
    if not ID_PATTERN.fullmatch(text):
        raise place.error(path, f"must be a kebab-case id such as 'heel-raises', got {text!r}")
    return text


def _enum(place: _Place, path: str, value: object, enum: type[E]) -> E:
    allowed = ", ".join(member.value for member in enum)
    if not isinstance(value, str) or value not in enum._value2member_map_:
        raise place.error(path, f"must be one of {allowed}, got {value!r}")
    return enum(value)


def _no_repeats(place: _Place, path: str, values: Iterable[object]) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise place.error(path, f"repeats '{value}'")
        seen.add(value)


def _entries(
    release: str,
    file: str,
    docs: Mapping[str, Any],
    build: Callable[[_Object], T],
) -> tuple[T, ...]:
    """Build every entry of a list file, checking that ids are present and unique."""
    name = f"{release}/{file}"
    data = docs[file]
    if not isinstance(data, list):
        raise ContentError(name, None, None, f"must hold a list of entries, got {_describe(data)}")
    built: list[T] = []
    seen: set[str] = set()
    for index, raw in enumerate(data):
        item = raw.get("id") if isinstance(raw, dict) else None
        label = item if isinstance(item, str) and item else f"#{index + 1}"
        place = _Place(name, label)
        if label in seen:
            raise place.error("id", "is used by an earlier entry of this file")
        seen.add(label)
        built.append(build(_Object(place, raw, "", _KEYS[file])))
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


def _citations(obj: _Object, key: str = "sources") -> tuple[Citation, ...]:
    return tuple(
        Citation(source=cited.ident("source"), section=cited.text("section"))
        for cited in obj.children(key, ("source", "section"))
    )


def _manifest(place: _Place, data: object) -> Manifest:
    obj = _Object(
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
    _no_repeats(place, "sources", (source.id for source in sources))
    return Manifest(
        version=version,
        released=obj.date("released"),
        summary=obj.text("summary"),
        changes=obj.texts("changes"),
        safety_notice=obj.ident("safety_notice"),
        professional_advice=obj.ident("professional_advice"),
        sources=sources,
    )


def _equipment(obj: _Object) -> Equipment:
    equipment_id = obj.ident("id")
    if equipment_id == RESERVED_EQUIPMENT:
        raise obj.place.error("id", f"{RESERVED_EQUIPMENT!r} is reserved for 'no equipment'")
    return Equipment(id=equipment_id, name=obj.text("name"), description=obj.text("description"))


def _item(kind: Kind) -> Callable[[_Object], Item]:
    def build(obj: _Object) -> Item:
        groups = tuple(
            tuple(_ident(obj.place, f"{path}[{index}]", value) for index, value in enumerate(group))
            if isinstance(group, list) and group
            else _bad_group(obj.place, path, group)
            for path, group in obj.each("equipment", allow_empty=True)
        )
        return Item(
            kind=kind,
            id=obj.ident("id"),
            name=obj.text("name"),
            summary=obj.text("summary"),
            purpose=obj.text("purpose"),
            steps=obj.texts("steps"),
            variations=tuple(
                Variation(
                    name=variation.text("name"),
                    description=variation.text("description"),
                    sources=_citations(variation),
                )
                for variation in obj.children(
                    "variations", ("name", "description", "sources"), allow_empty=True
                )
            ),
            equipment=groups,
            position=obj.enum("position", Position),
            focus=obj.enums("focus", Focus),
            difficulty=obj.enum("difficulty", Difficulty),
            forefoot_load=obj.enum("forefoot_load", Load),
            dosage=_dosage(obj.child("dosage", _DOSAGE_KEYS)),
            cautions=obj.texts("cautions"),
            precautions=obj.idents("precautions", allow_empty=True),
            sources=_citations(obj),
        )

    return build


def _bad_group(place: _Place, path: str, group: object) -> tuple[str, ...]:
    raise place.error(path, f"must be a non-empty list of equipment ids, got {_describe(group)}")


_DOSAGE_KEYS = (
    "sets",
    "reps",
    "hold_seconds",
    "duration_seconds",
    "seconds_per_rep",
    "rest_seconds",
    "per_side",
)


def _range(obj: _Object, key: str) -> Range | None:
    if obj.get(key) is None:
        return None
    child = obj.child(key, ("min", "max", "basis"), ("note",))
    low, high = child.integer("min", minimum=1), child.integer("max", minimum=1)
    if low > high:
        raise obj.place.error(child.field("max"), f"must be at least min ({low}), got {high}")
    return Range(low, high, child.enum("basis", Basis), child.optional_text("note"))


def _count(obj: _Object, key: str, *, minimum: int) -> Value[int] | None:
    if obj.get(key) is None:
        return None
    child = obj.child(key, ("value", "basis"), ("note",))
    return Value(
        child.integer("value", minimum=minimum),
        child.enum("basis", Basis),
        child.optional_text("note"),
    )


def _dosage(obj: _Object) -> Dosage:
    sets = _range(obj, "sets")
    reps = _range(obj, "reps")
    duration = _range(obj, "duration_seconds")
    hold = _range(obj, "hold_seconds")
    per_rep = _count(obj, "seconds_per_rep", minimum=1)
    rest = _count(obj, "rest_seconds", minimum=0)
    side = obj.child("per_side", ("value", "basis"), ("note",))
    if sets is None:
        raise obj.place.error(obj.field("sets"), "is required")
    if rest is None:
        raise obj.place.error(obj.field("rest_seconds"), "is required")
    if (reps is None) == (duration is None):
        raise obj.place.error(
            obj.field("reps"), "exactly one of reps and duration_seconds must be given"
        )
    if (reps is None) != (per_rep is None):
        raise obj.place.error(
            obj.field("seconds_per_rep"), "must be given exactly when reps is given"
        )
    if hold is not None and reps is None:
        raise obj.place.error(obj.field("hold_seconds"), "may only be given with reps")
    return Dosage(
        sets=sets,
        reps=reps,
        hold_seconds=hold,
        duration_seconds=duration,
        seconds_per_rep=per_rep,
        rest_seconds=rest,
        per_side=Value(
            side.boolean("value"), side.enum("basis", Basis), side.optional_text("note")
        ),
    )


def _precaution(obj: _Object) -> Precaution:
    return Precaution(
        id=obj.ident("id"),
        title=obj.text("title"),
        summary=obj.text("summary"),
        advice=obj.texts("advice"),
        sources=_citations(obj),
    )


def _guidance(obj: _Object) -> Guidance:
    return Guidance(
        id=obj.ident("id"),
        title=obj.text("title"),
        summary=obj.text("summary"),
        body=obj.texts("body"),
        sources=_citations(obj),
    )


def _screening(obj: _Object) -> ScreeningQuestion:
    return ScreeningQuestion(
        id=obj.ident("id"),
        question=obj.text("question"),
        reason=obj.text("reason"),
        advice=obj.text("advice"),
        sources=_citations(obj),
    )


def _check_references(folder: str, release: Release) -> None:
    """Every id that one entry names must exist in this release."""
    sources = {source.id for source in release.manifest.sources}
    equipment = {equipment.id for equipment in release.equipment}
    precautions = {precaution.id for precaution in release.precautions}
    guidance = {entry.id for entry in release.guidance}

    def check_citations(place: _Place, path: str, citations: Iterable[Citation]) -> None:
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
            place = _Place(f"{folder}/{kind.value}.json", item.id)
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
            check_citations(place, "sources", item.sources)
            for index, variation in enumerate(item.variations):
                check_citations(place, f"variations[{index}].sources", variation.sources)
    for kind in (Kind.PRECAUTION, Kind.GUIDANCE, Kind.SCREENING):
        for entry in release.entries(kind):
            place = _Place(f"{folder}/{kind.value}.json", entry.id)
            check_citations(place, "sources", entry.sources)
