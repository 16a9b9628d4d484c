"""Marshmallow schemas of what /routines takes: the routine request, body or query, and feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import fields, validate

from ..domain import Difficulty, Effort, Focus
from ..domain.requests import DAYS_PER_WEEK, MINUTES, PAIN, SEED, WEEKS, PositionChoice
from .examples import examples
from .fields import StrictBoolean, StrictSchema, content_id, content_version, language
from .fields import doc as _d
from .query_schemas import NO_EQUIPMENT

_RELEASE_DEFAULT = " Absent: the release's default (`request_defaults` in its rules.json)."
FIELD_DOCS = {
    "minutes": (
        "Time budget in minutes, 5 to 60. No week of the programme takes longer." + _RELEASE_DEFAULT
    ),
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
    "exclude": "Ids of exercises or stretches the person cannot or will not do. Absent: none.",
    "week": (
        "Week of the programme, from 1 to the release's programme length. Doses climb one small "
        "step a week, then hold; a request that differs only in `week` has the same items. "
        "Absent: the first."
    ),
    "days_per_week": (
        "Days a week the person exercises, 1 to 7; fewer than the release's full rate slows "
        "the steps to one every two weeks." + _RELEASE_DEFAULT
    ),
    "seed": "Variety among equally good choices: another seed, maybe other items. Absent: 0.",
}
SCREENING_BODY = (
    "Answers to the red-flag questions of GET /screening: question id to true (yes) or false "
    "(no). Any yes gives `status: see-a-professional`. The answer's `screening` says which "
    "questions are still unanswered."
)


def _integer(name: str, bounds: tuple[int, int], *, strict: bool = True) -> fields.Integer:
    """A bounded integer request field; absent, the domain (or the release) fills it in."""
    return fields.Integer(
        strict=strict, validate=validate.Range(*bounds), metadata=_d(FIELD_DOCS[name])
    )


def _ids(description: str, **extra: object) -> fields.List[Any]:
    """A list of content ids, each checked against the release read."""
    return fields.List(
        content_id("An id of the release read."),
        validate=validate.Length(max=50),
        metadata=_d(description, **extra),
    )


class _RoutineFields(StrictSchema):
    """The fields the body and the query of a routine request share."""

    minutes = _integer("minutes", MINUTES)
    equipment = _ids(FIELD_DOCS["equipment"], example=examples()["ids"]["equipment"])
    position = fields.Enum(PositionChoice, by_value=True, metadata=_d(FIELD_DOCS["position"]))
    pain = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(*PAIN),
        metadata=_d(FIELD_DOCS["pain"], example=2),
    )  # fmt: skip
    level = fields.Enum(Difficulty, by_value=True, metadata=_d(FIELD_DOCS["level"]))
    focus = fields.List(
        fields.Enum(Focus, by_value=True),
        validate=validate.Length(max=len(Focus)),
        metadata=_d(FIELD_DOCS["focus"]),
    )
    # `exclude` is a marshmallow Schema attribute: the field is named otherwise.
    excluded = fields.List(
        content_id("An exercise or stretch id of the release read."),
        data_key="exclude",
        validate=validate.Length(max=50),
        metadata=_d(FIELD_DOCS["exclude"], example=[]),
    )
    week = _integer("week", WEEKS)
    days_per_week = _integer("days_per_week", DAYS_PER_WEEK)
    seed = _integer("seed", SEED)
    content_version = content_version()


class RoutineRequestSchema(_RoutineFields):
    """The body of POST /routines: every field optional, `{}` for every default."""

    screening = fields.Dict(
        keys=content_id("A screening question id of the release read."),
        values=StrictBoolean(),
        validate=validate.Length(max=50),
        metadata=_d(SCREENING_BODY, example={}),
    )


class RoutineQuerySchema(_RoutineFields):
    """The query of GET /routines: the body's fields as text, lists repeated."""

    minutes = _integer("minutes", MINUTES, strict=False)
    equipment = _ids(
        FIELD_DOCS["equipment"] + f" Repeat the parameter; `{NO_EQUIPMENT}` alone means nothing.",
        example=examples()["ids"]["equipment"],
    )
    pain = fields.Integer(
        allow_none=True, validate=validate.Range(*PAIN), metadata=_d(FIELD_DOCS["pain"])
    )
    week = _integer("week", WEEKS, strict=False)
    days_per_week = _integer("days_per_week", DAYS_PER_WEEK, strict=False)
    screening = _ids("Ids of the red-flag questions answered yes; repeat for each.")
    screening_no = _ids("Ids of the red-flag questions answered no; repeat for each.")
    seed = _integer("seed", SEED, strict=False)
    lang = language()


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
        keys=content_id("A screening question id of the release read."),
        values=StrictBoolean(),
        validate=validate.Length(max=50),
        metadata=_d(
            "Red-flag answers, as in POST /routines: any yes answers `see-a-professional`.",
        ),
    )


class CalendarQuerySchema(StrictSchema):
    """The query of GET /routines/{id}/programme.ics."""

    start = fields.Date(
        validate=validate.Range(min=dt.date(2000, 1, 1), max=dt.date(2999, 12, 31)),
        metadata=_d(
            "The day of the first session, YYYY-MM-DD; week N starts N-1 weeks later. Given, "
            "the file never changes (cached as immutable). Absent: the next Monday (UTC), and "
            "the answer is `private, no-cache`.",
            example="2026-12-07",
        ),
    )
    time = fields.Time(
        load_default=dt.time(18, 0),
        metadata=_d(
            "The sessions' local time of day, HH:MM, with no time zone (floating: the phone's "
            "own). Default 18:00.",
            example="07:30",
        ),
    )
    lang = language()


class HandoutQuerySchema(StrictSchema):
    """The query of GET /routines/{id}/handout and handout.pdf."""

    lang = language()


class HandoutPdfQuerySchema(HandoutQuerySchema):
    """The query of GET /routines/{id}/handout.pdf."""

    paper = fields.String(
        load_default="a4",
        validate=validate.OneOf(["a4", "letter"]),
        metadata=_d("The paper size: `a4` (default) or `letter`.", example="letter"),
    )
