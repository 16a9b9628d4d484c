"""Translations: the merge of a language over its release, and the bundled Spanish release."""

from __future__ import annotations

import dataclasses
import json
import shutil
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from service.domain import ContentError, Kind, Source, load_releases
from service.domain.translation import skeleton, text_pairs, translate

from .conftest import RELEASES, raw

# ---- the merge rules, on small files written here

EXERCISES: list[dict[str, Any]] = [
    {
        "id": "heel-raises",
        "name": "Heel raises",
        "steps": ["Stand tall.", "Rise onto your toes."],
        "variations": [
            {"name": "At a wall", "description": "Hold a wall.", "sources": []},
        ],
        "position": "standing",
        "precautions": ["proper-footwear"],
        "dosage": {
            "sets": {"min": 3, "max": 3, "basis": "source", "note": "Three sets."},
            "per_side": {"value": False, "basis": "default", "note": None},
        },
        "sources": [{"source": "seed", "section": "Heel raises"}],
    },
    {
        "id": "toe-curl",
        "name": "Toe curl",
        "steps": ["Curl your toes."],
        "variations": [],
        "position": "seated",
        "precautions": [],
        "dosage": {
            "sets": {"min": 1, "max": 2, "basis": "default", "note": "One set."},
            "per_side": {"value": True, "basis": "default", "note": "Each foot."},
        },
        "sources": [],
    },
]
SPANISH: list[dict[str, Any]] = [
    {
        "id": "toe-curl",  # entries are matched by id, in any order
        "name": "Flexión de dedos",
        "steps": ["Flexione los dedos."],
        "dosage": {"sets": {"note": "Una serie."}, "per_side": {"note": "Cada pie."}},
    },
    {
        "id": "heel-raises",
        "name": "Elevaciones de talones",
        "steps": ["Póngase recto.", "Suba de puntillas."],
        "variations": [{"name": "En la pared", "description": "Apóyese en la pared."}],
        "dosage": {"sets": {"note": "Tres series."}},
    },
]
MANIFEST: dict[str, Any] = {
    "version": "1.0.0",
    "summary": "First release.",
    "changes": ["Added eight exercises."],
    "sources": [{"id": "seed", "title": "Say goodbye", "publisher": "A blog", "note": "Seed."}],
}
RULES: dict[str, Any] = {
    "urgency": {"urgent": "See someone today."},
    "pain": {"bands": [{"id": "mild", "urgency": None, "advice": "Carry on."}]},
    "feedback": {"reasons": {"red-flag": "Stop."}, "step_back_band": "moderate"},
}
SCREENING: list[dict[str, Any]] = [
    {"id": "injury", "question": "Injured?", "urgency": "urgent", "sources": []},
]


def test_a_full_translation_replaces_exactly_the_text() -> None:
    """A translation of every text field replaces those strings and nothing else: ids, codes,
    numbers, nulls and citations stay the source's, and nothing falls back."""
    merged, fallbacks = translate("exercises.json", EXERCISES, SPANISH)
    assert merged == [
        {
            "id": "heel-raises",
            "name": "Elevaciones de talones",
            "steps": ["Póngase recto.", "Suba de puntillas."],
            "variations": [
                {"name": "En la pared", "description": "Apóyese en la pared.", "sources": []},
            ],
            "position": "standing",
            "precautions": ["proper-footwear"],
            "dosage": {
                "sets": {"min": 3, "max": 3, "basis": "source", "note": "Tres series."},
                "per_side": {"value": False, "basis": "default", "note": None},
            },
            "sources": [{"source": "seed", "section": "Heel raises"}],
        },
        {
            "id": "toe-curl",
            "name": "Flexión de dedos",
            "steps": ["Flexione los dedos."],
            "variations": [],
            "position": "seated",
            "precautions": [],
            "dosage": {
                "sets": {"min": 1, "max": 2, "basis": "default", "note": "Una serie."},
                "per_side": {"value": True, "basis": "default", "note": "Cada pie."},
            },
            "sources": [],
        },
    ]
    assert fallbacks == ()


def test_the_text_maps_of_the_rules_are_translated_value_by_value() -> None:
    """In rules.json every value of `urgency` and `reasons` is text, and so is a band's
    advice; the map keys and the band's urgency code are not."""
    given = {
        "urgency": {"urgent": "Consulte hoy."},
        "pain": {"bands": [{"id": "mild", "advice": "Siga."}]},
        "feedback": {"reasons": {"red-flag": "Pare."}},
    }
    assert translate("rules.json", RULES, given) == (
        {
            "urgency": {"urgent": "Consulte hoy."},
            "pain": {"bands": [{"id": "mild", "urgency": None, "advice": "Siga."}]},
            "feedback": {"reasons": {"red-flag": "Pare."}, "step_back_band": "moderate"},
        },
        (),
    )


def test_missing_text_falls_back_and_is_listed() -> None:
    """A text field the translation leaves out, a whole entry or a whole file keeps the
    source's string, and each such field is listed by its path, in the file's order."""
    given = [{"id": "heel-raises", "name": "Elevaciones de talones", "dosage": {"sets": {}}}]
    merged, fallbacks = translate("exercises.json", EXERCISES, given)
    assert merged == [{**EXERCISES[0], "name": "Elevaciones de talones"}, EXERCISES[1]]
    assert fallbacks == (
        ("heel-raises", "steps"),
        ("heel-raises", "variations", "0", "name"),
        ("heel-raises", "variations", "0", "description"),
        ("heel-raises", "dosage", "sets", "note"),
        ("toe-curl", "name"),
        ("toe-curl", "steps"),
        ("toe-curl", "dosage", "sets", "note"),
        ("toe-curl", "dosage", "per_side", "note"),
    )
    assert translate("manifest.json", MANIFEST, {"summary": "Primera versión."}) == (
        {**MANIFEST, "summary": "Primera versión."},
        (("changes",), ("sources", "seed", "note")),
    )


@pytest.mark.parametrize(
    ("file", "source", "given", "message"),
    [
        (
            "exercises.json",
            EXERCISES,
            [{"id": "heel-raises", "precautions": ["calzado"]}],
            "exercises.json: item 'heel-raises': field 'precautions/0': "
            "is not text and cannot be translated",
        ),
        (
            "exercises.json",
            EXERCISES,
            [{"id": "heel-raises", "dosage": {"sets": {"basis": "fuente"}}}],
            "exercises.json: item 'heel-raises': field 'dosage/sets/basis': "
            "is not text and cannot be translated",
        ),
        (
            "exercises.json",
            EXERCISES,
            [{"id": "heel-raises", "dosage": {"sets": {"min": 4}}}],
            "exercises.json: item 'heel-raises': field 'dosage/sets/min': "
            "is not text and cannot be translated",
        ),
        (
            "exercises.json",
            EXERCISES,
            [{"id": "toe-curl", "position": "sentado"}],
            "exercises.json: item 'toe-curl': field 'position': "
            "is not text and cannot be translated",
        ),
        (
            "exercises.json",
            EXERCISES,
            [{"id": "heel-raises", "sources": [{"section": "Elevaciones"}]}],
            "exercises.json: item 'heel-raises': field 'sources/0/section': "
            "is not text and cannot be translated",
        ),
        (
            "manifest.json",
            MANIFEST,
            {"sources": [{"id": "seed", "title": "Diga adiós"}]},
            "manifest.json: item 'sources': field 'seed/title': "
            "is not text and cannot be translated",
        ),
        (
            "manifest.json",
            MANIFEST,
            {"sources": [{"id": "seed", "publisher": "Un blog"}]},
            "manifest.json: item 'sources': field 'seed/publisher': "
            "is not text and cannot be translated",
        ),
        (
            "manifest.json",
            MANIFEST,
            {"version": "1.0.1"},
            "manifest.json: item 'version': is not text and cannot be translated",
        ),
        (
            "screening.json",
            SCREENING,
            [{"id": "injury", "urgency": "urgente"}],
            "screening.json: item 'injury': field 'urgency': is not text and cannot be translated",
        ),
        (
            "rules.json",
            RULES,
            {"pain": {"bands": [{"id": "mild", "urgency": "leve"}]}},
            "rules.json: item 'pain': field 'bands/mild/urgency': "
            "is not text and cannot be translated",
        ),
    ],
    ids=[
        "id",
        "basis",
        "number",
        "code",
        "citation",
        "source-title",
        "source-publisher",
        "version",
        "screening-urgency",
        "band-urgency",
    ],
)
def test_a_translation_of_what_is_not_text_is_refused(
    file: str, source: Any, given: Any, message: str
) -> None:
    """Ids, codes, numbers, citations and the title or publisher of a source are not text:
    a translation that gives one is refused, naming the field."""
    with pytest.raises(ContentError) as error:
        translate(file, source, given)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            [{"id": "heel-raise", "name": "Elevaciones"}],
            "exercises.json: item '#1': must name, once, an id of the file",
        ),
        (
            [{"id": "toe-curl"}, {"id": "toe-curl"}],
            "exercises.json: item '#2': must name, once, an id of the file",
        ),
        (
            [{"name": "Elevaciones"}],
            "exercises.json: item '#1': must name, once, an id of the file",
        ),
        (
            [{"id": "heel-raises", "colour": "rojo"}],
            "exercises.json: item 'heel-raises': field 'colour': "
            "is not a key of the translated file",
        ),
        (
            [{"id": "heel-raises", "dosage": {"sets": {"notes": "Tres."}}}],
            "exercises.json: item 'heel-raises': field 'dosage/sets/notes': "
            "is not a key of the translated file",
        ),
    ],
    ids=["unknown-id", "repeated-id", "no-id", "unknown-key", "unknown-nested-key"],
)
def test_a_translation_naming_what_the_file_lacks_is_refused(given: Any, message: str) -> None:
    """A translated entry must name, once, an id of the file, and every key it gives must be
    one of the file's."""
    with pytest.raises(ContentError) as error:
        translate("exercises.json", EXERCISES, given)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"steps": ["Póngase recto."]},
            "field 'steps': must be a list of 2 translated strings",
        ),
        (
            {"steps": ["Póngase recto.", "Suba.", "Baje."]},
            "field 'steps': must be a list of 2 translated strings",
        ),
        (
            {"steps": "Póngase recto. Suba."},
            "field 'steps': must be a list of 2 translated strings",
        ),
        ({"steps": ["Póngase recto.", 2]}, "field 'steps': must hold only strings"),
        ({"name": ["Elevaciones"]}, "field 'name': must be a translated string, got a list"),
        (
            {"variations": [{"name": "Pared"}, {"name": "Suelo"}]},
            "field 'variations': must be a list of 1 entries, as translated",
        ),
        ({"dosage": "Tres series."}, "field 'dosage': must be an object, got a string"),
    ],
    ids=["short", "long", "string", "not-strings", "list-for-string", "positions", "shape"],
)
def test_a_translation_of_the_wrong_shape_is_refused(given: dict[str, Any], message: str) -> None:
    """A list of strings is translated whole, with as many strings; a list of objects by
    position, with as many; a string by a string and an object by an object."""
    with pytest.raises(ContentError) as error:
        translate("exercises.json", EXERCISES, [{"id": "heel-raises", **given}])
    assert str(error.value) == f"exercises.json: item 'heel-raises': {message}"


def test_a_skeleton_holds_the_text_in_the_translation_shape() -> None:
    """skeleton() writes the file to translate: each entry by id with its text only, lists
    of strings whole, positional lists by position, nothing for what has no text."""
    assert skeleton(EXERCISES) == [
        {
            "id": "heel-raises",
            "name": "Heel raises",
            "steps": ["Stand tall.", "Rise onto your toes."],
            "variations": [{"name": "At a wall", "description": "Hold a wall."}],
            "dosage": {"sets": {"note": "Three sets."}},
        },
        {
            "id": "toe-curl",
            "name": "Toe curl",
            "steps": ["Curl your toes."],
            "dosage": {"sets": {"note": "One set."}, "per_side": {"note": "Each foot."}},
        },
    ]
    assert skeleton(MANIFEST) == {
        "summary": "First release.",
        "changes": ["Added eight exercises."],
        "sources": [{"id": "seed", "note": "Seed."}],
    }


BUNDLED_FILES = sorted(
    (version, path.name)
    for version in (p.name for p in RELEASES.iterdir() if p.is_dir())
    for path in (RELEASES / version).glob("*.json")
)


@pytest.mark.parametrize(
    "source",
    [EXERCISES, SPANISH, MANIFEST, RULES, SCREENING],
    ids=["exercises", "translation", "manifest", "rules", "screening"],
)
def test_a_skeleton_merged_back_gives_the_source(source: Any) -> None:
    """A skeleton left as written (the source's own text) merges back into the source
    unchanged, with nothing falling back."""
    assert translate("file.json", source, skeleton(source)) == (source, ())


@pytest.mark.parametrize(("version", "file"), BUNDLED_FILES)
def test_a_skeleton_of_a_bundled_file_merges_back_into_it(version: str, file: str) -> None:
    """The skeleton of every bundled file is accepted as its translation and gives the file
    back unchanged, with nothing falling back."""
    source = raw(file, version)
    assert translate(file, source, skeleton(source)) == (source, ())


# ---- the bundled Spanish release

SPANISH_VERSION = "1.2.0"  # the first release with a translation, published, never to change
# FORMAT.md "Translations": the keys whose strings are text, and the rules.json maps whose
# every value is text. A source's title and publisher name a published document: not text.
TEXT = frozenset(
    {
        "name",
        "title",
        "summary",
        "purpose",
        "steps",
        "description",
        "cautions",
        "note",
        "advice",
        "body",
        "question",
        "reason",
        "changes",
        "meaning",
        "unknown_advice",
        "incomplete_advice",
    }
)
TEXT_MAPS = frozenset({"urgency", "reasons"})


def texts(data: Any, text: bool = False, key: str = "") -> list[str]:
    """The text strings of a content file's JSON by FORMAT.md, in order."""
    if isinstance(data, dict):
        found = []
        for name, value in data.items():
            inner = key in TEXT_MAPS or name in TEXT
            if key == "sources" and name == "title":
                inner = False
            found += texts(value, inner, name)
        return found
    if isinstance(data, list):
        return [string for value in data for string in texts(value, text, key)]
    return [data] if text and isinstance(data, str) else []


def release_files(version: str) -> list[str]:
    return sorted(path.name for path in (RELEASES / version).glob("*.json"))


def test_the_spanish_release_falls_back_nowhere() -> None:
    """Every text of the bundled Spanish release is translated: nothing falls back."""
    release = load_releases()[SPANISH_VERSION]
    assert release.manifest.languages == ("en", "es")
    assert release.in_language("es").fallbacks == ()
    assert release.fallbacks == ()


def test_no_spanish_text_is_left_in_english() -> None:
    """No Spanish string of the bundled release equals its English source: every text
    (by FORMAT.md's list of text fields, counted here) is written in Spanish, and there is
    no exception, not even a proper name, to list."""
    left: list[tuple[str, tuple[str, ...], str]] = []
    for file in release_files(SPANISH_VERSION):
        source = raw(file, SPANISH_VERSION)
        merged, _ = translate(file, source, raw(f"translations/es/{file}", SPANISH_VERSION))
        pairs = list(text_pairs(source, merged))
        assert [english for _, english, _ in pairs] == texts(source), file
        left += [(file, path, english) for path, english, spanish in pairs if english == spanish]
    assert left == []


def blank(value: Any, text: bool = False) -> Any:
    """A loaded value as plain data with every text string blanked (FORMAT.md's text fields,
    and the values of rules' urgency and reasons maps): what must not change with language."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            {
                field.name: blank(
                    getattr(value, field.name),
                    (field.name in TEXT or field.name in TEXT_MAPS)
                    and not (isinstance(value, Source) and field.name == "title"),
                )
                for field in dataclasses.fields(value)
                if field.compare and field.name != "language"
            },
        )
    if isinstance(value, dict):
        return {key: blank(inner, text) for key, inner in value.items()}
    if isinstance(value, tuple):
        return tuple(blank(inner, text) for inner in value)
    if isinstance(value, Enum):  # a StrEnum is a code, whatever field holds it
        return value
    return "" if text and isinstance(value, str) else value


def test_every_value_but_text_is_the_same_in_both_languages() -> None:
    """Blank every text field and the English and Spanish releases are equal: the same ids in
    the same order, numbers, dosages, equipment, positions, codes, citations, rules and
    checksum; only the text differs."""
    english = load_releases()[SPANISH_VERSION]
    spanish = english.in_language("es")
    assert (english.language, spanish.language) == ("en", "es")
    assert blank(english) == blank(spanish)
    assert [item.name for item in spanish.exercises] == [
        entry["name"] for entry in raw("translations/es/exercises.json", SPANISH_VERSION)
    ]
    assert [item.name for item in spanish.exercises] != [item.name for item in english.exercises]
    # The blanking keeps all but text: one more set is a difference; other text, as many
    # strings, is not.
    item = english.exercises[0]
    sets = dataclasses.replace(item.dosage.sets, max=item.dosage.sets.max + 1)
    assert blank(item) != blank(
        dataclasses.replace(item, dosage=dataclasses.replace(item.dosage, sets=sets))
    )
    steps = tuple(f"Step {number}." for number, _ in enumerate(item.steps))
    assert blank(item) == blank(dataclasses.replace(item, name="Other", steps=steps))


# ---- a partial translation, on a copy


@pytest.fixture
def spanish_copy(tmp_path: Path) -> Path:
    """A releases folder holding a copy of the Spanish release alone, without the lock:
    the edits below change a published release, which the lock exists to refuse; here the
    merge is under test."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / SPANISH_VERSION, root / SPANISH_VERSION)
    return root / SPANISH_VERSION / "translations" / "es"


def edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def test_a_partial_translation_falls_back_field_by_field(spanish_copy: Path) -> None:
    """Keys deleted from the Spanish files fall back to English, exactly those are listed as
    fallbacks ("file/id/field"), and every other field stays Spanish."""
    english_items = raw("exercises.json", SPANISH_VERSION)
    spanish_items = raw("translations/es/exercises.json", SPANISH_VERSION)
    first, second = english_items[0]["id"], english_items[1]["id"]
    assert spanish_items[0]["id"] == first

    def drop_text(items: list[dict[str, Any]]) -> None:
        del items[0]["summary"], items[0]["steps"], items[0]["dosage"]["sets"]["note"]

    def drop_changes(manifest: dict[str, Any]) -> None:
        del manifest["changes"]

    edit(spanish_copy / "exercises.json", drop_text)
    edit(spanish_copy / "manifest.json", drop_changes)
    release = load_releases(spanish_copy.parents[2])[SPANISH_VERSION]
    spanish = release.in_language("es")
    assert spanish.fallbacks == (
        "manifest/changes",
        f"exercises/{first}/summary",
        f"exercises/{first}/steps",
        f"exercises/{first}/dosage/sets/note",
    )
    assert spanish.fallbacks_of(Kind.EXERCISE, first) == spanish.fallbacks[1:]
    assert spanish.fallbacks_of(Kind.EXERCISE, second) == ()
    assert release.fallbacks == ()

    item = spanish.exercises[0]
    english, translated = english_items[0], spanish_items[0]
    assert (item.summary, item.steps, item.dosage.sets.note) == (
        english["summary"],
        tuple(english["steps"]),
        english["dosage"]["sets"]["note"],
    )
    assert item.dosage.reps is not None
    assert (item.name, item.purpose, item.dosage.reps.note) == (
        translated["name"],
        translated["purpose"],
        translated["dosage"]["reps"]["note"],
    )
    assert spanish.exercises[1].summary == spanish_items[1]["summary"]
    manifest = raw("translations/es/manifest.json", SPANISH_VERSION)
    assert (spanish.manifest.changes, spanish.manifest.summary) == (
        tuple(raw("manifest.json", SPANISH_VERSION)["changes"]),
        manifest["summary"],
    )


def test_a_missing_translation_file_falls_back_whole(spanish_copy: Path) -> None:
    """Without a Spanish equipment.json, every equipment text falls back to English and is
    listed, and nothing else does."""
    (spanish_copy / "equipment.json").unlink()
    release = load_releases(spanish_copy.parents[2])[SPANISH_VERSION]
    spanish = release.in_language("es")
    equipment = raw("equipment.json", SPANISH_VERSION)
    assert spanish.fallbacks == tuple(
        f"equipment/{entry['id']}/{key}" for entry in equipment for key in ("name", "description")
    )
    assert spanish.equipment == release.equipment
    assert spanish.exercises != release.exercises
