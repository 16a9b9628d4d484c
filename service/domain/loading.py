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
from .history import LOCK_FILE, check_history, check_lock, is_version, read_lock, version_key
from .illustrations import ILLUSTRATIONS, check_svg
from .model import (
    Kind,
    Manifest,
    Release,
    Removal,
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
from .references import check_references
from .rules import RULES_FILE, check_rules, read_rules
from .translation import MISSING, translate

T = TypeVar("T")

TRANSLATIONS = "translations"  # in a release folder: one folder per further language
ITEM_KINDS = (Kind.EXERCISE, Kind.STRETCH)
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
DEFAULT_LANGUAGES = ("en",)  # a manifest without `languages` (before 1.2.0) is in English
FILES = (
    "manifest.json",
    "equipment.json",
    "exercises.json",
    "stretches.json",
    "precautions.json",
    "guidance.json",
    "screening.json",
)


def bundled_releases() -> Traversable:
    """The releases folder shipped inside the package."""
    return resources.files("service").joinpath("content", "releases")


def load_releases(root: Traversable | Path | str | None = None) -> dict[str, Release]:
    """Load every release folder under ``root``, oldest first, and check the lock.

    Raises ContentError when a folder or file is invalid, when a published release (one
    ``releases.lock`` lists) is missing or its files changed, when a release drops an entry
    of the one before without declaring it removed, or when there is no release at all.
    """
    root = bundled_releases() if root is None else Path(root) if isinstance(root, str) else root
    if not root.is_dir():
        raise ContentError(str(root), None, None, "is not a folder of releases")
    releases = []
    for entry in list(root.iterdir()):  # whole, so an error mid-way leaves no open scandir
        if entry.name.startswith(".") or entry.name == LOCK_FILE:
            continue
        if not (entry.is_dir() and is_version(entry.name)):
            raise ContentError(
                f"{root}/{entry.name}", None, None, "is not a release folder named by its version"
            )
        releases.append(load_release(entry))
    if not releases:
        raise ContentError(str(root), None, None, "holds no release")
    releases.sort(key=lambda release: version_key(release.version))
    loaded = {release.version: release for release in releases}
    lock = root.joinpath(LOCK_FILE)
    if lock.is_file():
        check_lock(f"{root}/{LOCK_FILE}", read_lock(lock.read_bytes()), loaded)
    check_history(releases)
    return loaded


def load_release(folder: Traversable | Path) -> Release:
    """Load and cross-check one release folder, with each of its languages.

    Raises ContentError when a file is missing, unreadable or invalid, or a reference dangles.
    """
    present = {entry.name for entry in folder.iterdir() if not entry.name.startswith(".")}
    for name in sorted(present - {*FILES, RULES_FILE, TRANSLATIONS, ILLUSTRATIONS}):
        raise ContentError(f"{folder.name}/{name}", None, None, "is not a known content file")
    raw: dict[str, bytes] = {}
    for name in FILES:
        if name not in present:
            raise ContentError(f"{folder.name}/{name}", None, None, "is missing")
        raw[name] = folder.joinpath(name).read_bytes()
    names = [*FILES, RULES_FILE] if RULES_FILE in present else list(FILES)
    if RULES_FILE in present:
        raw[RULES_FILE] = folder.joinpath(RULES_FILE).read_bytes()

    docs = {name: parse_json(f"{folder.name}/{name}", raw[name]) for name in names}
    manifest = _manifest(Place(f"{folder.name}/manifest.json"), docs["manifest.json"])
    if manifest.version != folder.name:
        raise ContentError(
            f"{folder.name}/manifest.json",
            None,
            "version",
            f"is {manifest.version!r} but the folder is named {folder.name!r}",
        )
    translated = _translation_files(folder, manifest.languages[1:], names, present)
    drawings = _illustration_files(folder, present)
    digest = _checksum(raw, translated, drawings)
    release = _build(folder.name, docs, digest, illustrations=drawings)
    for language, files in translated.items():
        label = f"{folder.name}/{TRANSLATIONS}/{language}"
        merged: dict[str, Any] = {}
        fallbacks: list[str] = []
        for name, source in docs.items():
            given = parse_json(f"{label}/{name}", files[name]) if name in files else MISSING
            merged[name], fell = translate(f"{label}/{name}", source, given)
            fallbacks += ["/".join((name.removesuffix(".json"), *path)) for path in fell]
        _build(label, merged, digest, language, tuple(fallbacks), release.translations,
               illustrations=drawings)  # fmt: skip
    return release


def _checksum(
    raw: Mapping[str, bytes],
    translated: Mapping[str, Mapping[str, bytes]],
    illustrations: Mapping[str, bytes],
) -> str:
    """SHA-256 over each file as name, NUL, bytes, NUL: the release's files in the loader's
    order, then each language's translations, then the illustrations by name. A release
    without rules.json, translations or illustrations hashes exactly as before they existed."""
    checksum = hashlib.sha256()
    named = [
        *raw.items(),
        *(
            (f"{TRANSLATIONS}/{language}/{name}", data)
            for language, files in translated.items()
            for name, data in files.items()
        ),
        *((f"{ILLUSTRATIONS}/{name}.svg", illustrations[name]) for name in sorted(illustrations)),
    ]
    for name, data in named:
        checksum.update(name.encode() + b"\0" + data + b"\0")
    return f"sha256:{checksum.hexdigest()}"


def _illustration_files(folder: Traversable | Path, present: set[str]) -> dict[str, bytes]:
    """The SVG bytes of each illustration by item id, each checked to be a safe drawing."""
    if ILLUSTRATIONS not in present:
        return {}
    files: dict[str, bytes] = {}
    for entry in sorted(folder.joinpath(ILLUSTRATIONS).iterdir(), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        place = f"{folder.name}/{ILLUSTRATIONS}/{entry.name}"
        name = entry.name.removesuffix(".svg")
        if name == entry.name or not entry.is_file():
            raise ContentError(place, None, None, "is not an illustration: <item id>.svg")
        data = entry.read_bytes()
        check_svg(place, data)
        files[name] = data
    return files


def _translation_files(
    folder: Traversable | Path, languages: Iterable[str], names: Iterable[str], present: set[str]
) -> dict[str, dict[str, bytes]]:
    """The bytes of each translation file, by language and file name."""
    languages = list(languages)
    place = f"{folder.name}/{TRANSLATIONS}"
    if not languages:
        if TRANSLATIONS in present:
            raise ContentError(place, None, None, "holds translations, but the manifest lists "
                               "no language besides the first")  # fmt: skip
        return {}
    if TRANSLATIONS not in present:
        raise ContentError(place, None, None, "is missing: the manifest lists "
                           f"{', '.join(languages)}")  # fmt: skip
    top = folder.joinpath(TRANSLATIONS)
    found = {entry.name for entry in top.iterdir() if not entry.name.startswith(".")}
    for name in sorted(found - set(languages)):
        raise ContentError(f"{place}/{name}", None, None, "is not a language the manifest lists")
    files: dict[str, dict[str, bytes]] = {}
    for language in languages:
        if language not in found:
            raise ContentError(f"{place}/{language}", None, None, "is missing")
        inner = top.joinpath(language)
        given = {entry.name for entry in inner.iterdir() if not entry.name.startswith(".")}
        for name in sorted(given - set(names)):
            raise ContentError(
                f"{place}/{language}/{name}", None, None, "translates no file of the release"
            )
        files[language] = {
            name: inner.joinpath(name).read_bytes() for name in names if name in given
        }
    return files


def _build(
    label: str,
    docs: Mapping[str, Any],
    checksum: str,
    language: str = "",
    fallbacks: tuple[str, ...] = (),
    translations: dict[str, Release] | None = None,
    *,
    illustrations: Mapping[str, bytes],
) -> Release:
    """The release of these parsed files (one language's), cross-checked; `label` names its
    folder in errors. With illustrations, every exercise and stretch has one, and only they."""
    keys = _keys_for(with_rules=RULES_FILE in docs, with_illustrations=bool(illustrations))
    manifest = _manifest(Place(f"{label}/manifest.json"), docs["manifest.json"])
    exercises, stretches = (entries.read_item(kind, manifest.version) for kind in ITEM_KINDS)
    release = Release(
        manifest=manifest,
        checksum=checksum,
        equipment=_entries(label, "equipment.json", docs, entries.read_equipment, keys),
        exercises=_entries(label, "exercises.json", docs, exercises, keys),
        stretches=_entries(label, "stretches.json", docs, stretches, keys),
        precautions=_entries(label, "precautions.json", docs, entries.read_precaution, keys),
        guidance=_entries(label, "guidance.json", docs, entries.read_guidance, keys),
        screening=_entries(label, "screening.json", docs, entries.read_screening, keys),
        rules=(
            read_rules(Place(f"{label}/{RULES_FILE}"), docs[RULES_FILE])
            if RULES_FILE in docs
            else None
        ),
        language=language,
        fallbacks=fallbacks,
        translations={} if translations is None else translations,
        illustrations=illustrations,
    )
    check_references(label, release)
    if release.rules is not None:
        check_rules(label, release)
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
# Keys that a release with illustrations requires, and that one without may not have.
_ILLUSTRATION_KEYS = {"exercises.json": ("illustration",), "stretches.json": ("illustration",)}
Keys = dict[str, tuple[str, ...]]


def _keys_for(*, with_rules: bool, with_illustrations: bool) -> Keys:
    """The keys of each list file's entries, for a release with or without rules.json and
    illustrations."""
    return {
        file: (
            *keys,
            *(_RULE_KEYS.get(file, ()) if with_rules else ()),
            *(_ILLUSTRATION_KEYS.get(file, ()) if with_illustrations else ()),
        )
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
        ("languages", "removed"),
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
        languages=_languages(obj),
        removed=_removed(obj),
    )


def _languages(obj: Object) -> tuple[str, ...]:
    if obj.get("languages") is None:
        return DEFAULT_LANGUAGES
    found = obj.texts("languages")
    for index, language in enumerate(found):
        if not LANGUAGE_PATTERN.fullmatch(language):
            raise obj.place.error(
                f"languages[{index}]", f"must be a language tag such as 'es', got {language!r}"
            )
    no_repeats(obj.place, "languages", found)
    return found


def _removed(obj: Object) -> tuple[Removal, ...]:
    if obj.get("removed") is None:
        return ()
    removed = tuple(
        Removal(
            kind=removal.enum("kind", Kind),
            id=removal.ident("id"),
            replaced_by=removal.idents("replaced_by", allow_empty=True),
        )
        for removal in obj.children("removed", ("kind", "id", "replaced_by"), allow_empty=True)
    )
    no_repeats(obj.place, "removed", ((removal.kind, removal.id) for removal in removed))
    return removed
