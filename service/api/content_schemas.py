"""Marshmallow schemas of the catalogue's content: items, precautions, guidance, releases."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields

from ..domain import Basis, Difficulty, Focus, Item, Load, Position, Urgency
from .fields import doc as _d


class CitationSchema(ma.Schema):
    source = fields.String(
        required=True, metadata=_d("Id of a source listed in the release manifest.")
    )
    section = fields.String(required=True, metadata=_d("The part of that source cited."))


class SourceSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Id that citations use."))
    title = fields.String(required=True, metadata=_d("Title of the document."))
    publisher = fields.String(required=True, metadata=_d("Who published it."))
    note = fields.String(required=True, metadata=_d("What the content takes from it."))


_BASIS = (
    "`source` when the cited source states this number, `default` when the source is silent "
    "and this is the service's conservative default."
)
_NOTE = "Why this number, often quoting the source's own wording; null when nothing to add."


class RangeSchema(ma.Schema):
    min = fields.Integer(required=True, metadata=_d("Lowest value: beginner, week 1."))
    max = fields.Integer(required=True, metadata=_d("Highest value a progression reaches."))
    basis = fields.Enum(Basis, by_value=True, required=True, metadata=_d(_BASIS))
    note = fields.String(required=True, allow_none=True, metadata=_d(_NOTE))


class IntegerValueSchema(ma.Schema):
    value = fields.Integer(required=True, metadata=_d("The number."))
    basis = fields.Enum(Basis, by_value=True, required=True, metadata=_d(_BASIS))
    note = fields.String(required=True, allow_none=True, metadata=_d(_NOTE))


class BooleanValueSchema(ma.Schema):
    value = fields.Boolean(required=True, metadata=_d("The answer."))
    basis = fields.Enum(Basis, by_value=True, required=True, metadata=_d(_BASIS))
    note = fields.String(required=True, allow_none=True, metadata=_d(_NOTE))


class DosageSchema(ma.Schema):
    sets = fields.Nested(RangeSchema, required=True, metadata=_d("Number of sets."))
    reps = fields.Nested(
        RangeSchema,
        required=True,
        allow_none=True,
        metadata=_d("Repetitions per set (per side when `per_side`); null for timed items."),
    )
    hold_seconds = fields.Nested(
        RangeSchema,
        required=True,
        allow_none=True,
        metadata=_d("Seconds each repetition is held; null when not held."),
    )
    duration_seconds = fields.Nested(
        RangeSchema,
        required=True,
        allow_none=True,
        metadata=_d("Seconds of continuous work per set, for items without repetitions."),
    )
    seconds_per_rep = fields.Nested(
        IntegerValueSchema,
        required=True,
        allow_none=True,
        metadata=_d("Seconds to perform one repetition, excluding the hold."),
    )
    rest_seconds = fields.Nested(
        IntegerValueSchema, required=True, metadata=_d("Rest between sets, in seconds.")
    )
    per_side = fields.Nested(
        BooleanValueSchema,
        required=True,
        metadata=_d("Whether the dosage is done once for each foot or leg."),
    )


class OmitNullSchema(ma.Schema):
    """Leaves out the OMIT_NULL fields that are null: keys a release's files do not have."""

    OMIT_NULL: tuple[str, ...] = ()

    @ma.post_dump
    def _omit_null(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for key in self.OMIT_NULL:
            if data.get(key) is None:
                data.pop(key, None)
        return data


class VariationSchema(OmitNullSchema):
    OMIT_NULL = ("id", "steps", "difficulty", "dosage")

    name = fields.String(required=True, metadata=_d("Name of the variation."))
    description = fields.String(required=True, metadata=_d("How it differs."))
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where it comes from.")
    )
    id = fields.String(metadata=_d("Id of a harder variation that takes over at the target."))
    steps = fields.Method(
        "_steps",
        metadata=_d(
            "Ordered instructions of a harder variation.", type="array", items={"type": "string"}
        ),
    )
    difficulty = fields.Enum(Difficulty, by_value=True, metadata=_d("How demanding it is."))
    dosage = fields.Nested(
        lambda: DosageSchema(),
        metadata=_d("A harder variation's dosage: from its own start to its own target."),
    )

    def _steps(self, variation: Any) -> list[str] | None:
        return list(variation.steps) or None


class ItemSchema(OmitNullSchema):
    """An exercise or a stretch, with everything needed to do it safely."""

    OMIT_NULL = ("similar", "illustration")

    id = fields.String(required=True, metadata=_d("Stable identifier."))
    kind = fields.Method(
        "_kind",
        required=True,
        metadata=_d("`exercise` or `stretch`.", type="string", enum=["exercise", "stretch"]),
    )
    name = fields.String(required=True, metadata=_d("Display name."))
    summary = fields.String(required=True, metadata=_d("One sentence: what the person does."))
    purpose = fields.String(required=True, metadata=_d("Why it is done, as the cited source says."))
    steps = fields.List(fields.String(), required=True, metadata=_d("Ordered instructions."))
    variations = fields.List(
        fields.Nested(VariationSchema),
        required=True,
        metadata=_d("Harder or alternative versions named by the source; may be empty."),
    )
    equipment = fields.List(
        fields.List(fields.String()),
        required=True,
        metadata=_d(
            "Requirement groups of equipment ids: every group must be met, and any one id of a "
            "group meets it. An empty list needs nothing."
        ),
    )
    position = fields.Enum(
        Position, by_value=True, required=True, metadata=_d("Position it is done in.")
    )
    focus = fields.List(
        fields.Enum(Focus, by_value=True), required=True, metadata=_d("What it works on.")
    )
    difficulty = fields.Enum(
        Difficulty, by_value=True, required=True, metadata=_d("How demanding it is.")
    )
    forefoot_load = fields.Enum(
        Load, by_value=True, required=True, metadata=_d("How much it loads the ball of the foot.")
    )
    dosage = fields.Nested(
        DosageSchema,
        required=True,
        metadata=_d("Dosage ranges, each number marked as the source's or a default."),
    )
    cautions = fields.List(
        fields.String(), required=True, metadata=_d("Warnings specific to this item.")
    )
    precautions = fields.List(
        fields.String(),
        required=True,
        metadata=_d("Ids of the general precautions that apply (see /precautions)."),
    )
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where the item comes from.")
    )
    similar = fields.String(
        metadata=_d(
            "Group of near-identical items: a routine holds one of a group unless nothing "
            "else fits. Absent in releases that define no groups."
        )
    )

    illustration = fields.Method(
        "_illustration",
        metadata=_d(
            "A line drawing of the position and the movement, with its text alternative. Absent "
            "in releases without illustrations.",
            type="object",
            required=["href", "type", "alt"],
            properties={
                "href": {
                    "type": "string",
                    "format": "uri-reference",
                    "description": "The SVG drawing, pinned to this entry's content release.",
                },
                "type": {"type": "string", "description": "Its media type: image/svg+xml."},
                "alt": {
                    "type": "string",
                    "description": "The drawing in words, in the entry's language.",
                },
            },
        ),
    )

    def _kind(self, item: Item) -> str:
        return item.kind.singular

    def _illustration(self, item: Item) -> dict[str, str] | None:
        drawing = item.illustration
        if drawing is None:
            return None
        return {
            "href": f"/{item.kind.value}/{item.id}/illustration.svg"
            f"?content_version={drawing.version}",
            "type": "image/svg+xml",
            "alt": drawing.alt,
        }


class PrecautionSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Stable identifier."))
    title = fields.String(required=True, metadata=_d("Short title."))
    summary = fields.String(required=True, metadata=_d("One sentence."))
    advice = fields.List(fields.String(), required=True, metadata=_d("What to do, point by point."))
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where it comes from.")
    )


class GuidanceSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Stable identifier."))
    title = fields.String(required=True, metadata=_d("Title."))
    summary = fields.String(required=True, metadata=_d("One sentence."))
    body = fields.List(fields.String(), required=True, metadata=_d("Paragraphs of text."))
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where it comes from.")
    )


class ReleaseSummarySchema(ma.Schema):
    version = fields.String(required=True, metadata=_d("Semantic version."))
    released = fields.Date(required=True, metadata=_d("Publication date."))
    checksum = fields.String(
        required=True,
        metadata=_d("SHA-256 over the release's files; changes whenever any byte does."),
    )
    latest = fields.Boolean(
        required=True, metadata=_d("Whether this is the release served by default.")
    )
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata=_d("Number of entries of each kind."),
    )
    languages = fields.List(
        fields.String(),
        required=True,
        metadata=_d(
            "The languages of the release's text (`lang`, `Accept-Language`); the first is "
            "the one it is written in, which untranslated fields fall back to."
        ),
    )


class RemovalSchema(ma.Schema):
    kind = fields.String(required=True, metadata=_d("The collection: `guidance`, say."))
    id = fields.String(required=True, metadata=_d("The id the previous release held."))
    replaced_by = fields.List(
        fields.String(), required=True, metadata=_d("Ids, in the same collection, replacing it.")
    )


class ManifestSchema(ReleaseSummarySchema):
    summary = fields.String(required=True, metadata=_d("What this release is."))
    changes = fields.List(
        fields.String(), required=True, metadata=_d("What changed since the previous release.")
    )
    safety_notice = fields.String(
        required=True, metadata=_d("Id of the guidance entry every routine carries.")
    )
    professional_advice = fields.String(
        required=True,
        metadata=_d(
            "Id of the guidance a routine points to when it advises seeing a professional."
        ),
    )
    equipment = fields.List(
        fields.Nested(lambda: EquipmentSchema()),
        required=True,
        metadata=_d("The equipment vocabulary of this release."),
    )
    sources = fields.List(
        fields.Nested(SourceSchema), required=True, metadata=_d("Every document cited.")
    )
    removed = fields.List(
        fields.Nested(RemovalSchema),
        required=True,
        metadata=_d(
            "Entries of the previous release this one drops: reading one here answers 410 "
            "Gone, with `replaced_by`; releases before still serve it."
        ),
    )


class EquipmentSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Id used in requirement groups and filters."))
    name = fields.String(required=True, metadata=_d("Display name."))
    description = fields.String(required=True, metadata=_d("What counts as this equipment."))


class ScreeningQuestionSchema(OmitNullSchema):
    OMIT_NULL = ("urgency",)

    id = fields.String(
        required=True,
        metadata=_d("Stable identifier, used in a routine request's `screening`."),
    )
    question = fields.String(
        required=True, metadata=_d("The yes/no question to ask; yes is the red flag.")
    )
    reason = fields.String(required=True, metadata=_d("What a yes may point to."))
    advice = fields.String(required=True, metadata=_d("What to do instead of exercising."))
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where it comes from.")
    )
    urgency = fields.Enum(
        Urgency,
        by_value=True,
        metadata=_d(
            "How soon to see a professional on a yes: `emergency` now, `urgent` the same "
            "day, `soon` book an appointment. Absent in releases that give no urgency."
        ),
    )
