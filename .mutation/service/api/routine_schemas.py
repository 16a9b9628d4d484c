"""Marshmallow schemas of what /routines answers: a routine, a programme, a feedback decision."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from ..domain import Decision, Difficulty, Focus, Screening, Status, Urgency
from ..domain.requests import PositionChoice
from .fields import doc as _d
from .routine_requests import FIELD_DOCS as _FIELD_DOCS


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
