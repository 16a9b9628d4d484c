"""Read catalogue entries from JSON: items with their dosage and variations, equipment,
precautions, guidance and screening questions.

Raises ``ContentError`` (a ``ValueError``) naming the file, the item and the field at fault.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import (
    Basis,
    Difficulty,
    Dosage,
    Equipment,
    Focus,
    Guidance,
    Illustration,
    Item,
    Kind,
    Load,
    Position,
    Precaution,
    Range,
    ScreeningQuestion,
    Urgency,
    Value,
    Variation,
)
from .reading import (
    Object,
    Place,
    citations,
    describe,
    read_ident,
    read_value,
)

RESERVED_EQUIPMENT = "none"  # the API's word for "no equipment"


def read_equipment(obj: Object) -> Equipment:
    """A piece of equipment; `none` is refused as an id, the API's word for no equipment."""
    equipment_id = obj.ident("id")
    if equipment_id == RESERVED_EQUIPMENT:
        raise obj.place.error("id", f"{RESERVED_EQUIPMENT!r} is reserved for 'no equipment'")
    return Equipment(id=equipment_id, name=obj.text("name"), description=obj.text("description"))


def read_item(kind: Kind, version: str) -> Callable[[Object], Item]:
    """A reader of exercises or stretches, as `kind` says, of the release `version`."""

    def build(obj: Object) -> Item:
        groups = tuple(
            tuple(
                read_ident(obj.place, f"{path}[{index}]", value)
                for index, value in enumerate(group)
            )
            if isinstance(group, list) and group
            else read_bad_group(obj.place, path, group)
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
                read_variation(variation)
                for variation in obj.children(
                    "variations",
                    ("name", "description", "sources"),
                    _HARDER_KEYS,
                    allow_empty=True,
                )
            ),
            equipment=groups,
            position=obj.enum("position", Position),
            focus=obj.enums("focus", Focus),
            difficulty=obj.enum("difficulty", Difficulty),
            forefoot_load=obj.enum("forefoot_load", Load),
            dosage=read_dosage(obj.child("dosage", _DOSAGE_KEYS)),
            cautions=obj.texts("cautions"),
            precautions=obj.idents("precautions", allow_empty=True),
            sources=citations(obj),
            similar=None if obj.get("similar") is None else obj.ident("similar"),
            illustration=(
                None
                if "illustration" not in obj.data
                else Illustration(obj.child("illustration", ("alt",)).text("alt"), version)
            ),
        )

    return build


_HARDER_KEYS = ("id", "steps", "difficulty", "dosage")


def read_variation(obj: Object) -> Variation:
    """A variation: named only, or harder with all of id, steps, difficulty and dosage."""
    given = [key for key in _HARDER_KEYS if key in obj.data]
    if given and len(given) < len(_HARDER_KEYS):
        missing = next(key for key in _HARDER_KEYS if key not in obj.data)
        raise obj.place.error(
            obj.field(missing), "is required: a harder variation has id, steps, difficulty, dosage"
        )
    return Variation(
        name=obj.text("name"),
        description=obj.text("description"),
        sources=citations(obj),
        id=obj.ident("id") if given else None,
        steps=obj.texts("steps") if given else (),
        difficulty=obj.enum("difficulty", Difficulty) if given else None,
        dosage=read_dosage(obj.child("dosage", _DOSAGE_KEYS)) if given else None,
    )


def read_bad_group(place: Place, path: str, group: object) -> tuple[str, ...]:
    """Raise the error of an equipment group that is not a non-empty list of ids."""
    raise place.error(path, f"must be a non-empty list of equipment ids, got {describe(group)}")


_DOSAGE_KEYS = (
    "sets",
    "reps",
    "hold_seconds",
    "duration_seconds",
    "seconds_per_rep",
    "rest_seconds",
    "per_side",
)


def read_range(obj: Object, key: str) -> Range | None:
    """The range under `key`, None when it is null or absent; min may not exceed max."""
    if obj.get(key) is None:
        return None
    child = obj.child(key, ("min", "max", "basis"), ("note",))
    low, high = child.integer("min", minimum=1), child.integer("max", minimum=1)
    if low > high:
        raise obj.place.error(child.field("max"), f"must be at least min ({low}), got {high}")
    return Range(low, high, child.enum("basis", Basis), child.optional_text("note"))


def read_dosage(obj: Object) -> Dosage:
    """A dosage: sets, exactly one of reps and duration, holds only with reps."""
    sets = read_range(obj, "sets")
    reps = read_range(obj, "reps")
    duration = read_range(obj, "duration_seconds")
    hold = read_range(obj, "hold_seconds")
    per_rep = read_value(obj, "seconds_per_rep", minimum=1)
    rest = read_value(obj, "rest_seconds", minimum=0)
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


def read_precaution(obj: Object) -> Precaution:
    """A precaution entry."""
    return Precaution(
        id=obj.ident("id"),
        title=obj.text("title"),
        summary=obj.text("summary"),
        advice=obj.texts("advice"),
        sources=citations(obj),
    )


def read_guidance(obj: Object) -> Guidance:
    """A guidance entry."""
    return Guidance(
        id=obj.ident("id"),
        title=obj.text("title"),
        summary=obj.text("summary"),
        body=obj.texts("body"),
        sources=citations(obj),
    )


def read_screening(obj: Object) -> ScreeningQuestion:
    """A screening question, with its urgency when it gives one (required with rules)."""
    return ScreeningQuestion(
        id=obj.ident("id"),
        question=obj.text("question"),
        reason=obj.text("reason"),
        advice=obj.text("advice"),
        sources=citations(obj),
        urgency=obj.enum("urgency", Urgency) if "urgency" in obj.data else None,
    )
