"""Marshmallow schemas: the shape of every request argument and response body."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..domain import Basis, Difficulty, Focus, Item, Load, Position, Release
from ..domain.routines import DAYS_PER_WEEK, MINUTES, PAIN, SEED, WEEKS, PositionChoice, Status


def _d(text: str, **extra: object) -> dict[str, object]:
    """Field metadata: every field carries a description in the OpenAPI document."""
    return {"description": text, **extra}


class StrictBoolean(fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes 1, "yes" and "on"."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictSchema(ma.Schema):
    """Input schemas refuse what they do not know, so a misspelt field is an error, not ignored."""

    class Meta:
        unknown = ma.RAISE


# ---- problems


class FieldErrorSchema(ma.Schema):
    location = fields.String(
        required=True, metadata=_d("Where the field is: `query`, `json` or `path`.")
    )
    field = fields.String(
        required=True, metadata=_d("Dotted path of the field; empty for the whole location.")
    )
    message = fields.String(required=True, metadata=_d("What is wrong with it."))


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = fields.String(
        required=True, metadata=_d("A URI identifying the problem type; `about:blank` here.")
    )
    title = fields.String(required=True, metadata=_d("The HTTP status phrase."))
    status = fields.Integer(required=True, metadata=_d("The HTTP status code."))
    detail = fields.String(
        required=True, metadata=_d("What went wrong with this request, for a person to read.")
    )
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        metadata=_d("For invalid input (422 and some 400): one entry per invalid field."),
    )


# ---- content


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


class VariationSchema(ma.Schema):
    name = fields.String(required=True, metadata=_d("Name of the variation."))
    description = fields.String(required=True, metadata=_d("How it differs."))
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where it comes from.")
    )


class ItemSchema(ma.Schema):
    """An exercise or a stretch, with everything needed to do it safely."""

    id = fields.String(required=True, metadata=_d("Stable identifier.", example="heel-raises"))
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

    def _kind(self, item: Item) -> str:
        return item.kind.singular


class PrecautionSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Stable identifier.", example="start-slowly"))
    title = fields.String(required=True, metadata=_d("Short title."))
    summary = fields.String(required=True, metadata=_d("One sentence."))
    advice = fields.List(fields.String(), required=True, metadata=_d("What to do, point by point."))
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where it comes from.")
    )


class GuidanceSchema(ma.Schema):
    id = fields.String(
        required=True, metadata=_d("Stable identifier.", example="about-metatarsalgia")
    )
    title = fields.String(required=True, metadata=_d("Title."))
    summary = fields.String(required=True, metadata=_d("One sentence."))
    body = fields.List(fields.String(), required=True, metadata=_d("Paragraphs of text."))
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where it comes from.")
    )


class ReleaseSummarySchema(ma.Schema):
    version = fields.String(required=True, metadata=_d("Semantic version.", example="1.0.0"))
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


class EquipmentSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Id used in requirement groups and filters."))
    name = fields.String(required=True, metadata=_d("Display name."))
    description = fields.String(required=True, metadata=_d("What counts as this equipment."))


# ---- request arguments: built per app from the vocabulary of its releases

VERSION_DESCRIPTION = (
    "The content release to read, such as `1.0.0` (see /content/releases). Absent: the latest "
    "release, cached briefly. Given: that release, cached for a long time since releases never "
    "change. An unknown version is a 404 problem listing the available ones."
)
NO_EQUIPMENT = "none"


@dataclass(frozen=True)
class Vocabulary:
    """The ids that requests may name, from every release the app serves."""

    versions: tuple[str, ...]
    equipment: tuple[str, ...]
    items: tuple[str, ...]
    questions: tuple[str, ...]

    @classmethod
    def of(cls, releases: Iterable[Release]) -> Vocabulary:
        releases = list(releases)

        def ids(entries: Iterable[Any]) -> tuple[str, ...]:
            return tuple(sorted({entry.id for entry in entries}))

        return cls(
            versions=tuple(release.version for release in releases),
            equipment=ids(e for release in releases for e in release.equipment),
            items=ids(i for release in releases for i in (*release.exercises, *release.stretches)),
            questions=ids(q for release in releases for q in release.screening),
        )

    def content_version(self) -> fields.String:
        # Documented as an enum so clients (and contract fuzzing) know the served versions; any
        # other string is looked up and answered with a 404 listing them, never a path lookup.
        return fields.String(
            validate=validate.Length(min=1, max=64),
            metadata=_d(VERSION_DESCRIPTION, enum=list(self.versions), example=self.versions[-1]),
        )


@dataclass(frozen=True)
class RequestSchemas:
    release: type[ma.Schema]  # content_version only
    page: type[ma.Schema]  # + page, page_size, q
    items: type[ma.Schema]  # + the filters of /exercises and /stretches
    routine_body: type[ma.Schema]
    routine_query: type[ma.Schema]


def request_schemas(vocabulary: Vocabulary) -> RequestSchemas:
    """Every request-argument schema, with the vocabulary's ids as the allowed values."""
    release = type(
        "ReleaseQuerySchema", (StrictSchema,), {"content_version": vocabulary.content_version()}
    )
    page = type(
        "PageQuerySchema",
        (release,),
        {
            "page": fields.Integer(
                load_default=1,
                validate=validate.Range(min=1, max=10_000),
                metadata=_d("Page number, from 1. A page past the last one is empty."),
            ),
            "page_size": fields.Integer(
                load_default=20,
                validate=validate.Range(min=1, max=100),
                metadata=_d("Entries per page, 1 to 100."),
            ),
            "q": fields.String(
                validate=validate.Length(min=1, max=200),
                metadata=_d(
                    "Text search: keeps entries whose text contains every word of `q`, "
                    "ignoring case.",
                    example="towel",
                ),
            ),
        },
    )
    choices = [NO_EQUIPMENT, *vocabulary.equipment]
    items = type(
        "ItemQuerySchema",
        (page,),
        {
            "equipment": fields.List(
                fields.String(validate=validate.OneOf(choices)),
                validate=validate.Length(max=len(choices)),
                metadata=_d(
                    "What the person has; repeat the parameter for each piece "
                    "(`equipment=towel&equipment=wall`). Keeps only entries whose every "
                    "requirement group is met. Absent: no equipment filter. `none` adds "
                    "nothing: alone, it means the person has nothing, so only entries needing "
                    "no equipment.",
                    example=["towel"],
                ),
            ),
            "position": fields.Enum(
                Position, by_value=True, metadata=_d("Keep only entries done in this position.")
            ),
            "focus": fields.Enum(
                Focus, by_value=True, metadata=_d("Keep only entries with this focus.")
            ),
            "difficulty": fields.Enum(
                Difficulty, by_value=True, metadata=_d("Keep only entries of this difficulty.")
            ),
        },
    )
    body, query = _routine_request_schemas(vocabulary)
    return RequestSchemas(release, page, items, body, query)


class ScreeningQuestionSchema(ma.Schema):
    id = fields.String(
        required=True,
        metadata=_d(
            "Stable identifier, used in a routine request's `screening`.",
            example="numbness-or-tingling",
        ),
    )
    question = fields.String(
        required=True, metadata=_d("The yes/no question to ask; yes is the red flag.")
    )
    reason = fields.String(required=True, metadata=_d("What a yes may point to."))
    advice = fields.String(required=True, metadata=_d("What to do instead of exercising."))
    sources = fields.List(
        fields.Nested(CitationSchema), required=True, metadata=_d("Where it comes from.")
    )


# ---- routines

_ROUTINE_FIELD_DOCS = {
    "minutes": "Time budget in minutes, 5 to 60. The routine never takes longer.",
    "equipment": (
        "What the person has, as equipment ids. Default: a wall only. An empty list means "
        "nothing at all; release 1.0.0 then has no possible stretch, so the answer is a 422."
    ),
    "position": (
        "`any`; `seated` for someone who cannot stand for long (only seated items, including "
        "a seated warm-up and cool-down stretch); `standing` for standing items only."
    ),
    "pain": (
        "Pain now, 0-10 on the numeric rating scale; null when not given. From 7: only items "
        "with low forefoot load, at their lowest dosage, and the advice to see a professional. "
        "From 4: items with lower forefoot load are preferred."
    ),
    "level": (
        "`beginner` (default: start slowly), `intermediate` or `advanced`: where on each "
        "item's dosage range the routine starts. Items more than one level above are left out."
    ),
    "focus": (
        "Focus areas to weight the choice: they are covered first and preferred when filling "
        "the time. Strength, balance and flexibility are covered anyway when possible."
    ),
    "exclude": "Ids of exercises or stretches the person cannot or will not do.",
    "week": (
        "Week of the programme, 1 to 12. Each week moves every item one small step up its "
        "dosage ladder (every two weeks below 3 days a week)."
    ),
    "days_per_week": "Days a week the person exercises, 1 to 7 (default 3).",
    "seed": "Variety among equally good choices: another seed, maybe other items.",
}
_SCREENING_BODY = (
    "Answers to the red-flag questions of GET /screening: question id to true (yes) or false. "
    "Any yes gives `status: see-a-professional` with the reasons and no exercises. "
    "False answers change nothing and are dropped from the normalised request."
)
_SCREENING_QUERY = (
    "Ids of the red-flag questions (GET /screening) answered yes; repeat the parameter for each."
)


def _routine_request_schemas(vocabulary: Vocabulary) -> tuple[type[ma.Schema], type[ma.Schema]]:
    """The JSON body schema of POST /routines and the query schema of GET /routines.

    The body is strict JSON (no numbers as strings); the query form parses text, repeats list
    parameters, accepts `equipment=none` for "nothing" and lists the screening ids answered yes.
    """
    choices = list(vocabulary.equipment)
    items = validate.OneOf(vocabulary.items)
    questions = validate.OneOf(vocabulary.questions)

    def build(query: bool) -> dict[str, fields.Field[Any]]:
        def integer(name: str, bounds: tuple[int, int], default: int) -> fields.Integer:
            return fields.Integer(
                strict=not query,
                load_default=default,
                validate=validate.Range(*bounds),
                metadata=_d(_ROUTINE_FIELD_DOCS[name], example=default),
            )

        equipment_values = [NO_EQUIPMENT, *choices] if query else choices
        return {
            "minutes": integer("minutes", MINUTES, 15),
            "equipment": fields.List(
                fields.String(validate=validate.OneOf(equipment_values)),
                load_default=lambda: ["wall"],
                validate=validate.Length(max=len(equipment_values)),
                metadata=_d(
                    _ROUTINE_FIELD_DOCS["equipment"]
                    + (
                        " In the query, repeat the parameter; `none` alone means nothing."
                        if query
                        else ""
                    ),
                    example=["towel", "wall"],
                ),
            ),
            "position": fields.Enum(
                PositionChoice,
                by_value=True,
                load_default=PositionChoice.ANY,
                metadata=_d(_ROUTINE_FIELD_DOCS["position"]),
            ),
            "pain": fields.Integer(
                strict=not query,
                allow_none=True,
                load_default=None,
                validate=validate.Range(*PAIN),
                metadata=_d(_ROUTINE_FIELD_DOCS["pain"], example=3),
            ),
            "level": fields.Enum(
                Difficulty,
                by_value=True,
                load_default=Difficulty.BEGINNER,
                metadata=_d(_ROUTINE_FIELD_DOCS["level"]),
            ),
            "focus": fields.List(
                fields.Enum(Focus, by_value=True),
                load_default=list,
                validate=validate.Length(max=len(Focus)),
                metadata=_d(_ROUTINE_FIELD_DOCS["focus"], example=["balance"]),
            ),
            # `exclude` is a marshmallow Schema attribute: the field is named otherwise.
            "excluded": fields.List(
                data_key="exclude",
                cls_or_instance=fields.String(validate=items),
                load_default=list,
                validate=validate.Length(max=50),
                metadata=_d(_ROUTINE_FIELD_DOCS["exclude"], example=["heel-raises"]),
            ),
            "week": integer("week", WEEKS, 1),
            "days_per_week": integer("days_per_week", DAYS_PER_WEEK, 3),
            "screening": (
                fields.List(
                    fields.String(validate=questions),
                    load_default=list,
                    validate=validate.Length(max=50),
                    metadata=_d(_SCREENING_QUERY, example=[]),
                )
                if query
                else fields.Dict(
                    keys=fields.String(validate=questions),
                    values=StrictBoolean(),
                    load_default=dict,
                    metadata=_d(_SCREENING_BODY, example={"numbness-or-tingling": False}),
                )
            ),
            "seed": integer("seed", SEED, 0),
            "content_version": vocabulary.content_version(),
        }

    body = type("RoutineRequestSchema", (StrictSchema,), build(query=False))
    query = type("RoutineQuerySchema", (StrictSchema,), build(query=True))
    return body, query


class DoseSchema(ma.Schema):
    sets = fields.Integer(required=True, metadata=_d("Sets."))
    reps = fields.Integer(
        required=True,
        allow_none=True,
        metadata=_d("Repetitions per set (per side); null if timed."),
    )
    hold_seconds = fields.Integer(
        required=True, allow_none=True, metadata=_d("Seconds each repetition is held, or null.")
    )
    duration_seconds = fields.Integer(
        required=True, allow_none=True, metadata=_d("Seconds of work per set for timed items.")
    )
    seconds_per_rep = fields.Integer(
        required=True,
        allow_none=True,
        metadata=_d("Seconds to do one repetition, excluding the hold."),
    )
    rest_seconds = fields.Integer(required=True, metadata=_d("Rest between sets, in seconds."))
    per_side = fields.Boolean(
        required=True, metadata=_d("Whether all of this is done once for each foot or leg.")
    )


class RoutineItemSchema(ma.Schema):
    kind = fields.String(
        required=True, metadata=_d("`exercise` or `stretch`.", enum=["exercise", "stretch"])
    )
    id = fields.String(required=True, metadata=_d("Id of the catalogue entry."))
    name = fields.String(required=True, metadata=_d("Display name."))
    href = fields.String(
        required=True,
        metadata=_d("Link to the full catalogue entry, pinned to the routine's content release."),
    )
    dosage = fields.Nested(DoseSchema, required=True, metadata=_d("The dosage for this week."))
    estimated_seconds = fields.Integer(
        required=True,
        metadata=_d("sets x sides x reps x (seconds per rep + hold), or x duration, plus rests."),
    )


class SectionSchema(ma.Schema):
    name = fields.String(
        required=True,
        metadata=_d(
            "`warm-up`, `exercises` or `cool-down`, in that order.",
            enum=["warm-up", "exercises", "cool-down"],
        ),
    )
    estimated_seconds = fields.Integer(required=True, metadata=_d("Time of the section."))
    items = fields.List(
        fields.Nested(RoutineItemSchema), required=True, metadata=_d("What to do, in order.")
    )


class LinkedEntrySchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Id of the entry."))
    title = fields.String(required=True, metadata=_d("Its title."))
    summary = fields.String(required=True, metadata=_d("One sentence."))
    href = fields.String(required=True, metadata=_d("Link to the full entry."))


class SafetyNoticeSchema(LinkedEntrySchema):
    body = fields.List(fields.String(), required=True, metadata=_d("The notice, in paragraphs."))


class ReasonSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Id of the screening question answered yes."))
    question = fields.String(required=True, metadata=_d("The question."))
    reason = fields.String(required=True, metadata=_d("What the yes may point to."))
    advice = fields.String(required=True, metadata=_d("What to do instead of exercising."))


class OutlineItemSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Id of the catalogue entry."))
    name = fields.String(required=True, metadata=_d("Display name."))
    dosage = fields.Nested(DoseSchema, required=True, metadata=_d("The dosage that week."))


class OutlineWeekSchema(ma.Schema):
    week = fields.Integer(required=True, metadata=_d("Week of the programme."))
    estimated_minutes = fields.Integer(
        required=True,
        metadata=_d("Time at that week's dosage; ask for a new routine then to fit your budget."),
    )
    items = fields.List(
        fields.Nested(OutlineItemSchema),
        required=True,
        metadata=_d("The routine's items, each at most one small step above the week before."),
    )


class NormalisedRequestSchema(ma.Schema):
    minutes = fields.Integer(required=True, metadata=_d(_ROUTINE_FIELD_DOCS["minutes"]))
    equipment = fields.List(
        fields.String(), required=True, metadata=_d("Equipment ids, sorted; [] means nothing.")
    )
    position = fields.Enum(
        PositionChoice, by_value=True, required=True, metadata=_d(_ROUTINE_FIELD_DOCS["position"])
    )
    pain = fields.Integer(required=True, allow_none=True, metadata=_d(_ROUTINE_FIELD_DOCS["pain"]))
    level = fields.Enum(
        Difficulty, by_value=True, required=True, metadata=_d(_ROUTINE_FIELD_DOCS["level"])
    )
    focus = fields.List(
        fields.Enum(Focus, by_value=True), required=True, metadata=_d(_ROUTINE_FIELD_DOCS["focus"])
    )
    excluded = fields.List(
        fields.String(),
        data_key="exclude",
        required=True,
        metadata=_d("Excluded ids, sorted."),
    )
    week = fields.Integer(required=True, metadata=_d(_ROUTINE_FIELD_DOCS["week"]))
    days_per_week = fields.Integer(required=True, metadata=_d(_ROUTINE_FIELD_DOCS["days_per_week"]))
    screening = fields.Dict(
        keys=fields.String(),
        values=fields.Boolean(),
        required=True,
        metadata=_d("The questions answered yes (false answers change nothing)."),
    )
    seed = fields.Integer(required=True, metadata=_d(_ROUTINE_FIELD_DOCS["seed"]))


class RoutineSchema(ma.Schema):
    """A generated routine."""

    id = fields.String(
        required=True,
        metadata=_d(
            "Stateless, URL-safe token for this routine: GET /routines/{id} returns the same "
            "bytes on any instance. It holds the normalised request and the content release."
        ),
    )
    content_version = fields.String(required=True, metadata=_d("The release it was built from."))
    status = fields.Enum(
        Status,
        by_value=True,
        required=True,
        metadata=_d("`ready`, or `see-a-professional` when a red flag was answered yes."),
    )
    estimated_minutes = fields.Integer(
        required=True, metadata=_d("Estimated time, rounded up; never more than `minutes`.")
    )
    estimated_seconds = fields.Integer(required=True, metadata=_d("Estimated time in seconds."))
    request = fields.Nested(
        NormalisedRequestSchema,
        required=True,
        metadata=_d("The normalised request: defaults filled in, lists sorted."),
    )
    sections = fields.List(
        fields.Nested(SectionSchema),
        required=True,
        metadata=_d("warm-up, exercises, cool-down; empty when `see-a-professional`."),
    )
    precautions = fields.List(
        fields.Nested(LinkedEntrySchema),
        required=True,
        metadata=_d("The precautions that apply to the routine's items."),
    )
    safety_notice = fields.Nested(
        SafetyNoticeSchema, required=True, metadata=_d("The safety notice every routine carries.")
    )
    advice = fields.List(
        fields.String(),
        required=True,
        metadata=_d("Advice for this request: high pain, red flags, a short routine."),
    )
    see_also = fields.List(
        fields.Nested(LinkedEntrySchema),
        required=True,
        metadata=_d("Guidance to read, such as when to see a professional."),
    )
    reasons = fields.List(
        fields.Nested(ReasonSchema),
        required=True,
        metadata=_d("The red flags answered yes, when `see-a-professional`."),
    )
    progression = fields.List(
        fields.Nested(OutlineWeekSchema),
        required=True,
        metadata=_d(
            "The next weeks (up to three, not past week 12): the same items, each a small step "
            "up. Empty when pain is 7 or more, or when `see-a-professional`."
        ),
    )
