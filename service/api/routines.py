"""/routines: generated routines, as POST (JSON body) or GET (query), and by stateless id."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ..domain import Dose, Item, Planned, Release, Routine, RoutineRequest
from ..domain.routines import (
    RoutineError,
    RoutineIdError,
    decode_routine_id,
    encode_routine_id,
    generate_routine,
)
from .blueprint import CONTENT_HEADERS, Blueprint
from .problems import fail, problem_for
from .representations import Representation, Store, represent, respond
from .schemas import NO_EQUIPMENT, RequestSchemas, RoutineSchema

DESCRIPTION = """\
A routine fits a person's time, equipment, position and pain, from one content release.

**Rules.** The routine has three sections in order: `warm-up` (at least one stretch), `exercises`
and `cool-down` (the warm-up's stretches again: stretch before and after). Only items whose
every equipment requirement group is met; `seated` gives only seated items; `exclude` is
honoured; no exercise appears twice. Its duration, computed from each dosage (sets x sides x
reps x (seconds per rep + hold), or x duration, plus rests between sets), never exceeds
`minutes`; it uses at least 70% of them unless every suitable exercise is already in at this
week's dosage (then `advice` says so). Strength, balance and flexibility are covered when the
constraints allow, the requested `focus` first.

**Dosage.** `level` and `week` set each item's place on its dosage ladder, built from the
content's ranges: beginner week 1 is the gentlest, and each step raises one number (reps,
hold, duration or sets) a little, never a jump. An item may be dosed a few steps lower to fit
the time. `progression` outlines the next weeks.

**Safety.** Every routine carries the safety notice. Pain 7 or more: only items with a low load
on the ball of the foot, at their lowest dosage, with the advice to see a professional. Any
red flag answered yes (see GET /screening): `status: see-a-professional`, the reasons, and no
exercises.

**Determinism.** The same normalised request and content release give the same routine, byte
for byte; `seed` chooses among equally good options. `id` encodes the normalised request:
GET /routines/{id} returns the same routine on any instance, with no database.
"""

# The routine's id is the path parameter of its own URL: declared as OpenAPI links.
ROUTINE_LINKS = {
    200: {
        "links": {
            "GetRoutine": {
                "operationId": "getRoutine",
                "parameters": {"routine_id": "$response.body#/id"},
                "description": "The same routine, by its stateless id.",
            }
        }
    }
}
ROUTINE_HEADERS = CONTENT_HEADERS | {
    "Content-Location": {
        "description": "The routine's own URL, /routines/{id}.",
        "schema": {"type": "string"},
    }
}


def routines_blueprint(store: Store, schemas: RequestSchemas, id_key: bytes) -> Blueprint:
    body_schema, query_schema = schemas.routine_body, schemas.routine_query
    blp = Blueprint(
        "routines",
        __name__,
        url_prefix="/routines",
        description="Generated routines that fit a person's time, equipment, position and pain.",
    )
    ready = present(generate_routine(store.latest, RoutineRequest()), store.latest, id_key)
    flagged = present(
        generate_routine(store.latest, RoutineRequest(screening=(store.latest.screening[0].id,))),
        store.latest,
        id_key,
    )
    examples = {
        "ready": {"summary": "A ready routine (all defaults)", "value": ready},
        "see-a-professional": {
            "summary": "A red flag answered yes",
            "value": flagged,
        },
    }

    def routine(release: Release, request: RoutineRequest, location: str) -> Representation:
        try:
            return store.routine(release, request, lambda: _build(release, request, id_key))
        except RoutineError as error:
            raise problem_for(
                422, [(location, name, error.message) for name in error.fields]
            ) from None

    @blp.route("")
    class Routines(MethodView):
        @blp.arguments(query_schema, location="query", as_kwargs=False)
        @blp.response(
            200,
            RoutineSchema,
            description="The routine for this request.",
            headers=ROUTINE_HEADERS,
            examples=examples,
        )
        @blp.conditional()
        @blp.problem(404, "Unknown content_version.", "Content version '9.9.9' is not available.")
        @blp.doc(
            summary="Get a routine (query form)",
            description=DESCRIPTION
            + "\nThe query form of POST /routines, so a frontend can cache it: list fields "
            "repeat (`equipment=towel&equipment=wall`), `equipment=none` means no equipment, "
            "and `screening` lists the ids of the questions answered yes.",
            operationId="getRoutineByQuery",
            responses=ROUTINE_LINKS,
        )
        def get(self, args: dict[str, Any], **_: Any) -> Any:
            release = store.resolve(args.pop("content_version", None))
            args["equipment"] = [name for name in args["equipment"] if name != NO_EQUIPMENT]
            request = _request(args, "query")
            return respond(store, routine(release, request, "query"))

        @blp.arguments(body_schema, as_kwargs=False)
        @blp.response(
            200,
            RoutineSchema,
            description="The routine for this request; `Content-Location` is its own URL.",
            headers=ROUTINE_HEADERS,
            examples=examples,
        )
        @blp.problem(400, "The body is not valid JSON.", "Invalid json: Invalid JSON body.")
        @blp.problem(404, "Unknown content_version.", "Content version '9.9.9' is not available.")
        @blp.problem(
            415,
            "The body is not sent as application/json.",
            "The request body must be JSON, sent with Content-Type: application/json.",
        )
        @blp.doc(
            summary="Generate a routine",
            description=DESCRIPTION
            + "\nSend `{}` for a routine with every default. Unknown fields, wrong types and "
            "out-of-range values are 422 problems naming the field; so are constraints that no "
            "routine can satisfy, such as every stretch excluded.",
            operationId="createRoutine",
            responses=ROUTINE_LINKS,
        )
        def post(self, args: dict[str, Any]) -> Any:
            release = store.resolve(args.pop("content_version", None))
            args["screening"] = [name for name, yes in args["screening"].items() if yes]
            request = _request(args, "json")
            return respond(store, routine(release, request, "json"))

    @blp.route(
        "/<routine_id>",
        parameters=[
            {
                "in": "path",
                "name": "routine_id",
                "description": "The `id` of a routine, as returned by /routines.",
                "example": ready["id"],
            }
        ],
    )
    class RoutineById(MethodView):
        @blp.response(
            200,
            RoutineSchema,
            description="The routine, the same bytes as when it was generated.",
            headers=ROUTINE_HEADERS,
            examples=examples,
        )
        @blp.conditional()
        @blp.problem(
            404,
            "Not a routine id, tampered with, or its release is no longer served.",
            "No routine has this id: not a routine id.",
        )
        @blp.doc(
            summary="Get a routine by id",
            description="The routine that an id stands for, regenerated from the request and "
            "release it encodes: the same bytes on any instance, with no database. A routine "
            "names its release, so the response is cached as immutable.",
            operationId="getRoutine",
        )
        def get(self, routine_id: str, **_: Any) -> Any:
            try:
                version, request = decode_routine_id(routine_id, id_key)
            except RoutineIdError as error:
                fail(404, f"No routine has this id: {error}.")
            release = store.resolve(version)
            return respond(store, routine(release, request, "path"))

    return blp


def _request(args: dict[str, Any], location: str) -> RoutineRequest:
    args["exclude"] = args.pop("excluded")
    try:
        return RoutineRequest.build(**args)
    except RoutineError as error:
        raise problem_for(422, [(location, name, error.message) for name in error.fields]) from None


def _build(release: Release, request: RoutineRequest, id_key: bytes) -> Representation:
    data = present(generate_routine(release, request), release, id_key)
    return represent(release, data, [("Content-Location", f"/routines/{data['id']}")])


def _href(item: Item, version: str) -> str:
    return f"/{item.kind.value}/{item.id}?content_version={version}"


def _dose(dose: Dose) -> dict[str, Any]:
    return {
        "sets": dose.sets,
        "reps": dose.reps,
        "hold_seconds": dose.hold_seconds,
        "duration_seconds": dose.duration_seconds,
        "seconds_per_rep": dose.seconds_per_rep,
        "rest_seconds": dose.rest_seconds,
        "per_side": dose.per_side,
    }


def _item(planned: Planned, version: str) -> dict[str, Any]:
    return {
        "kind": planned.item.kind.singular,
        "id": planned.item.id,
        "name": planned.item.name,
        "href": _href(planned.item, version),
        "dosage": _dose(planned.dose),
        "estimated_seconds": planned.dose.seconds,
    }


def present(routine: Routine, release: Release, id_key: bytes) -> dict[str, Any]:
    """The routine as the JSON the API documents in RoutineSchema."""
    version = release.version
    request = routine.request
    notice = routine.safety_notice
    return {
        "id": encode_routine_id(request, version, id_key),
        "content_version": version,
        "status": routine.status.value,
        "estimated_minutes": routine.estimated_minutes,
        "estimated_seconds": routine.estimated_seconds,
        "request": {
            "minutes": request.minutes,
            "equipment": list(request.equipment),
            "position": request.position.value,
            "pain": request.pain,
            "level": request.level.value,
            "focus": [focus.value for focus in request.focus],
            "exclude": list(request.exclude),
            "week": request.week,
            "days_per_week": request.days_per_week,
            "screening": dict.fromkeys(request.screening, True),
            "seed": request.seed,
        },
        "sections": [
            {
                "name": section.name,
                "estimated_seconds": section.seconds,
                "items": [_item(planned, version) for planned in section.items],
            }
            for section in routine.sections
        ],
        "precautions": [
            {
                "id": precaution.id,
                "title": precaution.title,
                "summary": precaution.summary,
                "href": f"/precautions/{precaution.id}?content_version={version}",
            }
            for precaution in routine.precautions
        ],
        "safety_notice": {
            "id": notice.id,
            "title": notice.title,
            "summary": notice.summary,
            "href": f"/guidance/{notice.id}?content_version={version}",
            "body": list(notice.body),
        },
        "advice": list(routine.advice),
        "see_also": [
            {
                "id": guidance.id,
                "title": guidance.title,
                "summary": guidance.summary,
                "href": f"/guidance/{guidance.id}?content_version={version}",
            }
            for guidance in routine.see_also
        ],
        "reasons": [
            {
                "id": question.id,
                "question": question.question,
                "reason": question.reason,
                "advice": question.advice,
            }
            for question in routine.reasons
        ],
        "progression": [
            {
                "week": week.week,
                "estimated_minutes": -(-week.seconds // 60),
                "items": [
                    {
                        "id": planned.item.id,
                        "name": planned.item.name,
                        "dosage": _dose(planned.dose),
                    }
                    for planned in week.items
                ],
            }
            for week in routine.progression
        ],
    }
