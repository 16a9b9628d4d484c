"""Marshmallow schemas of routines: the request forms, the routine, programme and feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..domain import Decision, Difficulty, Effort, Focus, Screening, Status, Urgency
from ..domain.routines import DAYS_PER_WEEK, MINUTES, PAIN, SEED, WEEKS, PositionChoice
from .schemas import NO_EQUIPMENT, StrictBoolean, StrictSchema, Vocabulary, _d

KINDS = ("exercise", "stretch", "activity")
_RELEASE_DEFAULT = " Absent: the release's default (its manifest's `routine_defaults`)."
_FIELD_DOCS = {
    "minutes": "Time budget in minutes, 5 to 60. No week of the programme takes longer.",
    "equipment": (
        "What the person has, as equipment ids; an empty list means nothing at all."
        + _RELEASE_DEFAULT
    ),
    "position": (
        "`any`; `seated` for someone who cannot stand for long (only seated items, including a "
        "seated warm-up and cool-down stretch); `standing` for standing items only."
        + _RELEASE_DEFAULT
    ),
    "pain": (
        "The person's usual pain in the ball of the foot when standing or walking, over the "
        "past week, 0-10; null when not given. The release's pain bands decide what follows "
        "(see `pain` in the answer): a band may keep to lower forefoot load and progress only "
        "by feedback, or answer `see-a-professional`. Not given: the release's band for an "
        "unknown pain applies, and the routine says so."
    ),
    "level": (
        "`beginner`, `intermediate` or `advanced`: where on each item's dosage ladder the "
        "programme starts. Items (and harder variations) more than one level above are left out."
        + _RELEASE_DEFAULT
    ),
    "focus": "Focus areas to put first: chosen first and listed first among the exercises.",
    "exclude": "Ids of exercises or stretches the person cannot or will not do.",
    "week": (
        "Week of the programme, from 1 to the release's programme length. Doses climb one small "
        "step a week, then hold; a request that differs only in `week` has the same items."
    ),
    "days_per_week": (
        "Days a week the person exercises, 1 to 7; fewer than the release's full rate slows "
        "the steps to one every two weeks." + _RELEASE_DEFAULT
    ),
    "seed": "Variety among equally good choices: another seed, maybe other items.",
}
_SCREENING_BODY = (
    "Answers to the red-flag questions of GET /screening: question id to true (yes) or false "
    "(no). Any yes gives `status: see-a-professional`. The answer's `screening` says which "
    "questions are still unanswered."
)


def routine_request_schemas(vocabulary: Vocabulary) -> tuple[ma.Schema, ma.Schema]:
    """Instances of the JSON body schema of POST /routines and the query schema of GET.

    The body is strict JSON (no numbers as strings); the query form parses text, repeats list
    parameters, accepts `equipment=none` for "nothing", and lists the screening ids answered
    yes (`screening`) and no (`screening_no`).
    """
    items = validate.OneOf(vocabulary.items)
    questions = validate.OneOf(vocabulary.questions)

    def build(query: bool) -> dict[str, fields.Field[Any]]:
        def integer(
            name: str, bounds: tuple[int, int], default: int | None = None
        ) -> fields.Integer:
            field = fields.Integer(
                strict=not query,
                validate=validate.Range(*bounds),
                metadata=_d(_FIELD_DOCS[name], example=bounds[0] if default is None else default),
            )
            if default is not None:
                field.load_default = default
            return field

        equipment_values = [NO_EQUIPMENT, *vocabulary.equipment] if query else vocabulary.equipment
        screening: dict[str, fields.Field[Any]] = (
            {
                "screening": fields.List(
                    fields.String(validate=questions),
                    load_default=list,
                    validate=validate.Length(max=50),
                    metadata=_d("Ids of the red-flag questions answered yes; repeat for each."),
                ),
                "screening_no": fields.List(
                    fields.String(validate=questions),
                    load_default=list,
                    validate=validate.Length(max=50),
                    metadata=_d("Ids of the red-flag questions answered no; repeat for each."),
                ),
            }
            if query
            else {
                "screening": fields.Dict(
                    keys=fields.String(validate=questions),
                    values=StrictBoolean(),
                    load_default=dict,
                    metadata=_d(_SCREENING_BODY, example={"numbness-or-tingling": False}),
                )
            }
        )
        return {
            "minutes": integer("minutes", MINUTES),
            "equipment": fields.List(
                fields.String(validate=validate.OneOf(equipment_values)),
                validate=validate.Length(max=len(equipment_values)),
                metadata=_d(
                    _FIELD_DOCS["equipment"]
                    + (
                        " In the query, repeat the parameter; `none` alone means nothing."
                        if query
                        else ""
                    ),
                    example=["towel", "wall"],
                ),
            ),
            "position": fields.Enum(
                PositionChoice, by_value=True, metadata=_d(_FIELD_DOCS["position"])
            ),
            "pain": fields.Integer(
                strict=not query,
                allow_none=True,
                load_default=None,
                validate=validate.Range(*PAIN),
                metadata=_d(_FIELD_DOCS["pain"], example=2),
            ),
            "level": fields.Enum(Difficulty, by_value=True, metadata=_d(_FIELD_DOCS["level"])),
            "focus": fields.List(
                fields.Enum(Focus, by_value=True),
                load_default=list,
                validate=validate.Length(max=len(Focus)),
                metadata=_d(_FIELD_DOCS["focus"], example=["balance"]),
            ),
            # `exclude` is a marshmallow Schema attribute: the field is named otherwise.
            "excluded": fields.List(
                data_key="exclude",
                cls_or_instance=fields.String(validate=items),
                load_default=list,
                validate=validate.Length(max=50),
                metadata=_d(_FIELD_DOCS["exclude"], example=[]),
            ),
            "week": integer("week", WEEKS, 1),
            "days_per_week": integer("days_per_week", DAYS_PER_WEEK),
            **screening,
            "seed": integer("seed", SEED, 0),
            "content_version": vocabulary.content_version(),
        }

    body = type("RoutineRequestSchema", (StrictSchema,), build(query=False))
    query = type("RoutineQuerySchema", (StrictSchema,), build(query=True))
    return body(), query()


class FeedbackSchema(StrictSchema):
    """How a session of the routine went."""

    pain_during = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(*PAIN),
        metadata=_d("Worst pain in the ball of the foot during the session, 0-10.", example=2),
    )
    pain_next_day = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(*PAIN),
        metadata=_d("Pain in the ball of the foot the next morning, 0-10.", example=2),
    )
    effort = fields.Enum(
        Effort,
        by_value=True,
        required=True,
        metadata=_d("How hard the session felt: `easy`, `right` or `hard`."),
    )
    completed = StrictBoolean(
        required=True, metadata=_d("Whether the whole session was done.", example=True)
    )
    pain_before = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(*PAIN),
        metadata=_d(
            "Usual pain before the session, 0-10: the baseline the next-day pain is compared "
            "with. Absent: the routine's `pain`, else the release's default baseline."
        ),
    )
    screening = fields.Dict(
        keys=fields.String(),
        values=StrictBoolean(),
        load_default=dict,
        metadata=_d(
            "Red-flag answers, as in POST /routines: any yes answers `see-a-professional`.",
            example={},
        ),
    )


# ---- answers


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


class RoutineVariationSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("Id of the harder variation."))
    name = fields.String(required=True, metadata=_d("Its name."))
    steps = fields.List(fields.String(), required=True, metadata=_d("How to do it, in order."))


class ItemReasonSchema(ma.Schema):
    code = fields.String(required=True, metadata=_d("Machine-readable reason."))
    text = fields.String(required=True, metadata=_d("The reason, for a person to read."))


class RoutineItemSchema(ma.Schema):
    kind = fields.String(
        required=True,
        metadata=_d(
            "`exercise`, `stretch` or `activity`.", enum=["exercise", "stretch", "activity"]
        ),
    )
    id = fields.String(required=True, metadata=_d("Id of the catalogue entry (or activity)."))
    name = fields.String(required=True, metadata=_d("Display name."))
    href = fields.String(
        required=True,
        metadata=_d("Link to the full entry, pinned to the routine's content release."),
    )
    equipment = fields.List(
        fields.List(fields.String()),
        required=True,
        metadata=_d("Equipment requirement groups, as in the catalogue."),
    )
    steps = fields.List(fields.String(), required=True, metadata=_d("How to do it, in order."))
    cautions = fields.List(fields.String(), required=True, metadata=_d("Warnings for this item."))
    variation = fields.Nested(
        RoutineVariationSchema,
        required=True,
        allow_none=True,
        metadata=_d("The harder variation that has taken over, or null: then do its steps."),
    )
    dosage = fields.Nested(
        DoseSchema,
        required=True,
        allow_none=True,
        metadata=_d("This week's dosage; null for the activity, which gives `minutes`."),
    )
    minutes = fields.Integer(
        required=True, allow_none=True, metadata=_d("Minutes of the activity; null for items.")
    )
    reason = fields.Nested(
        ItemReasonSchema,
        required=True,
        allow_none=True,
        metadata=_d("Why the activity is in the routine (`fills-remaining-time`); null for items."),
    )
    estimated_seconds = fields.Integer(
        required=True,
        metadata=_d("sets x sides x reps x (seconds per rep + hold), or x duration, plus rests."),
    )


class SectionSchema(ma.Schema):
    name = fields.String(
        required=True,
        metadata=_d(
            "`warm-up`, `exercises`, `cool-down`, then `low-impact-activity` when there is one.",
            enum=["warm-up", "exercises", "cool-down", "low-impact-activity"],
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
    kind = fields.String(
        required=True,
        metadata=_d("`screening` (a question answered yes) or `pain` (the pain band)."),
    )
    code = fields.String(required=True, metadata=_d("The question's or the pain band's id."))
    text = fields.String(required=True, metadata=_d("What it may point to."))
    advice = fields.String(required=True, metadata=_d("What to do instead of exercising."))
    urgency = fields.Enum(Urgency, by_value=True, required=True, metadata=_d("How soon."))


class PainSchema(ma.Schema):
    band = fields.String(required=True, metadata=_d("Id of the release's pain band that applies."))
    min = fields.Integer(required=True, metadata=_d("Lowest score of the band."))
    max = fields.Integer(required=True, metadata=_d("Highest score of the band."))
    assumed = fields.Boolean(
        required=True, metadata=_d("True when no pain was given and the band is assumed.")
    )
    meaning = fields.String(required=True, metadata=_d("What the pain score means."))


class ScreeningStatusSchema(ma.Schema):
    status = fields.Enum(
        Screening,
        by_value=True,
        required=True,
        metadata=_d(
            "`complete` (every question answered no), `incomplete` (some unanswered: `advice` "
            "asks for them) or `flagged` (a yes)."
        ),
    )
    unanswered = fields.List(
        fields.String(), required=True, metadata=_d("Ids of the questions not answered.")
    )


class ScheduleSchema(ma.Schema):
    days_per_week = fields.Integer(required=True, metadata=_d("Sessions a week."))
    weeks = fields.Integer(required=True, metadata=_d("Weeks of the programme."))


class NormalisedRequestSchema(ma.Schema):
    minutes = fields.Integer(required=True, metadata=_d(_FIELD_DOCS["minutes"]))
    equipment = fields.List(
        fields.String(), required=True, metadata=_d("Equipment ids, sorted; [] means nothing.")
    )
    position = fields.Enum(
        PositionChoice, by_value=True, required=True, metadata=_d(_FIELD_DOCS["position"])
    )
    pain = fields.Integer(required=True, allow_none=True, metadata=_d(_FIELD_DOCS["pain"]))
    level = fields.Enum(Difficulty, by_value=True, required=True, metadata=_d(_FIELD_DOCS["level"]))
    focus = fields.List(
        fields.Enum(Focus, by_value=True), required=True, metadata=_d(_FIELD_DOCS["focus"])
    )
    excluded = fields.List(
        fields.String(), data_key="exclude", required=True, metadata=_d("Excluded ids, sorted.")
    )
    week = fields.Integer(required=True, metadata=_d(_FIELD_DOCS["week"]))
    days_per_week = fields.Integer(required=True, metadata=_d(_FIELD_DOCS["days_per_week"]))
    screening = fields.Dict(
        keys=fields.String(),
        values=fields.Boolean(),
        required=True,
        metadata=_d("Every answer given: question id to true (yes) or false (no)."),
    )
    seed = fields.Integer(required=True, metadata=_d(_FIELD_DOCS["seed"]))


class RoutineSchema(ma.Schema):
    """A generated routine: one week of a programme."""

    id = fields.String(
        required=True,
        metadata=_d(
            "Stateless, encrypted token of this routine: GET /routines/{id} returns the same "
            "bytes on any instance sharing the keys. Nothing in it is readable."
        ),
    )
    content_version = fields.String(required=True, metadata=_d("The release it was built from."))
    status = fields.Enum(
        Status,
        by_value=True,
        required=True,
        metadata=_d("`ready`, or `see-a-professional` (see `reasons` and `urgency`)."),
    )
    urgency = fields.Enum(
        Urgency,
        by_value=True,
        required=True,
        allow_none=True,
        metadata=_d(
            "When not ready, the highest urgency of the reasons: `emergency` (now), `urgent` "
            "(the same day) or `soon` (book an appointment); null when ready."
        ),
    )
    week = fields.Integer(required=True, metadata=_d("The programme week of this routine."))
    estimated_minutes = fields.Integer(
        required=True, metadata=_d("Estimated time, rounded up; never more than `minutes`.")
    )
    estimated_seconds = fields.Integer(
        required=True, metadata=_d("Estimated time in seconds, the activity included.")
    )
    request = fields.Nested(
        NormalisedRequestSchema,
        required=True,
        metadata=_d("The normalised request: defaults filled in, lists sorted."),
    )
    pain = fields.Nested(PainSchema, required=True, metadata=_d("The pain band that applies."))
    screening = fields.Nested(
        ScreeningStatusSchema, required=True, metadata=_d("Which red-flag questions were answered.")
    )
    schedule = fields.Nested(
        ScheduleSchema, required=True, metadata=_d("How often, and for how many weeks.")
    )
    sections = fields.List(
        fields.Nested(SectionSchema),
        required=True,
        metadata=_d("warm-up, exercises, cool-down, and maybe an activity; empty when not ready."),
    )
    precautions = fields.List(
        fields.Nested(LinkedEntrySchema),
        required=True,
        metadata=_d("Every precaution of the release, when ready."),
    )
    safety_notice = fields.Nested(
        SafetyNoticeSchema, required=True, metadata=_d("The safety notice every routine carries.")
    )
    advice = fields.List(
        fields.String(),
        required=True,
        metadata=_d("Advice for this request: urgency, pain band, unanswered questions."),
    )
    see_also = fields.List(
        fields.Nested(LinkedEntrySchema),
        required=True,
        metadata=_d("Guidance to read: when to see a professional, and self-care."),
    )
    reasons = fields.List(
        fields.Nested(ReasonSchema),
        required=True,
        metadata=_d("Why the routine is not ready; empty when ready."),
    )


class ProgrammeSchema(ma.Schema):
    """Every week of a routine's programme."""

    id = fields.String(required=True, metadata=_d("The routine's id."))
    content_version = fields.String(required=True, metadata=_d("The release it was built from."))
    weeks = fields.List(
        fields.Nested(RoutineSchema),
        required=True,
        metadata=_d(
            "Week 1 to the last: week N is exactly the routine of the same request at week N. "
            "Empty when the routine is not ready."
        ),
    )


class FeedbackAnswerSchema(ma.Schema):
    """The decision on a session, and the next routine."""

    decision = fields.Enum(
        Decision,
        by_value=True,
        required=True,
        metadata=_d("`progress`, `hold`, `step-back` or `see-a-professional`."),
    )
    reasons = fields.List(
        fields.Nested(ItemReasonSchema), required=True, metadata=_d("Why, code and text.")
    )
    urgency = fields.Enum(
        Urgency,
        by_value=True,
        required=True,
        allow_none=True,
        metadata=_d(
            "With `see-a-professional`, how soon: the highest urgency of the red flags and "
            "pain reported (`soon` when the programme is not improving); otherwise null."
        ),
    )
    advice = fields.List(
        fields.String(),
        required=True,
        metadata=_d("With `see-a-professional`, what to do, most urgent first; otherwise empty."),
    )
    next = fields.Nested(
        RoutineSchema,
        required=True,
        allow_none=True,
        metadata=_d("The next routine, with its own id; null when `see-a-professional`."),
    )


@dataclass(frozen=True)
class RoutineRequestSchemas:
    body: ma.Schema
    query: ma.Schema
    feedback: ma.Schema

    @classmethod
    def of(cls, vocabulary: Vocabulary) -> RoutineRequestSchemas:
        body, query = routine_request_schemas(vocabulary)
        return cls(body, query, FeedbackSchema())
