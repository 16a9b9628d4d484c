"""/routines: generated routines (POST body or GET query), by id, their programme and feedback."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import marshmallow as ma
from flask.views import MethodView

from ..domain import (
    Effort,
    Feedback,
    IdKeys,
    NoRoutines,
    Release,
    RoutineError,
    RoutineIdError,
    RoutineRequest,
    Status,
    decide,
    decode_routine_id,
    generate_routine,
    programme,
    read_legacy_id,
    request_for,
)
from .blueprint import CONTENT_HEADERS, Blueprint
from .problems import fail, problem_for
from .representations import (
    Representation,
    Store,
    answer,
    negotiate,
    release_headers,
    represent,
    respond,
)
from .routine_json import present, present_outcome, present_programme, routine_url
from .routine_schemas import (
    FeedbackAnswerSchema,
    ProgrammeSchema,
    RoutineRequestSchemas,
    RoutineSchema,
)
from .schemas import NO_EQUIPMENT

DESCRIPTION = """\
A routine is one week of a programme that fits a person's time, equipment, position and pain,
built from one content release's rules (release 1.0.0 has none: it answers 410 Gone).

**A programme.** A request that differs only in `week` has the same items in the same order:
each dose climbs its ladder one small step a week (at most about 25% more work, or one
repetition or 5 seconds), up to the target the content cites, then holds. A harder variation
the content declares may take over at the target, at its own starting dose. GET
/routines/{id}/programme lists every week. No week takes longer than `minutes`; time the
exercises leave is given to a low-impact activity with its reason.

**Sections.** `warm-up` (stretches), `exercises`, `cool-down` (the warm-up's stretches again),
and `low-impact-activity` when there is one. Each item carries its name, steps, cautions,
equipment and link, and this week's dosage.

**Safety.** The release's pain bands, screening questions and urgencies decide: a band or a
red flag answered yes that calls for a professional gives `status: see-a-professional`, the
highest `urgency` of its `reasons`, advice and no exercises. Without `pain` the release's band
for an unknown pain applies, and `advice` says so. `screening` says whether every question was
answered; unanswered ones are listed.

**Ids.** `id` is an encrypted, stateless token of the request, the release and the place in
the programme: any instance sharing the keys answers it, and no answer can be read from it.
"""

ROUTINE_LINKS = {
    200: {
        "links": {
            "GetRoutine": {
                "operationId": "getRoutine",
                "parameters": {"routine_id": "$response.body#/id"},
                "description": "The same routine, by its stateless id.",
            },
            "GetProgramme": {
                "operationId": "getProgramme",
                "parameters": {"routine_id": "$response.body#/id"},
                "description": "Every week of the routine's programme.",
            },
        }
    }
}
ROUTINE_HEADERS = CONTENT_HEADERS | {
    "Content-Location": {
        "description": "The routine's own URL, /routines/{id}.",
        "schema": {"type": "string"},
    }
}
ID_PARAMETER = {
    "in": "path",
    "name": "routine_id",
    "description": "The `id` of a routine, as returned by /routines.",
}
GONE = (
    "The routine's release makes no routines; `replaced_by` is the same request on the latest "
    "release."
)


# Examples in the API document are made with this key, not the service's: their ids are
# documentation and decode nowhere.
EXAMPLE_KEYS = IdKeys.parse("example:" + "A" * 86)


def examples(release: Release) -> dict[str, dict[str, Any]]:
    """Response examples from a release that makes routines: none from one that does not."""
    if release.rules is None:
        return {}
    default = request_for(release, {})
    flag = max(release.screening, key=lambda q: q.urgency.rank if q.urgency else -1)
    ready = present(generate_routine(release, default), release, EXAMPLE_KEYS)
    flagged = request_for(release, {"screening": [flag.id]})
    outcome = decide(release, default, Feedback(1, 1, Effort.RIGHT, completed=True))
    following = generate_routine(release, outcome.next) if outcome.next else None
    return {
        "routine": {
            "ready": {"summary": "A ready routine (every default)", "value": ready},
            "see-a-professional": {
                "summary": "A red flag answered yes",
                "value": present(generate_routine(release, flagged), release, EXAMPLE_KEYS),
            },
        },
        "programme": {
            "programme": {
                "summary": "A programme (only its first week shown here)",
                "value": {"id": ready["id"], "content_version": release.version, "weeks": [ready]},
            }
        },
        "feedback": {
            "progress": {
                "summary": "A session within the limits: on to the next week",
                "value": present_outcome(outcome, following, release, EXAMPLE_KEYS),
            }
        },
    }


# The body, its Accept-Encoding and the app's config, to the headers and bytes of a 200 or None.
DirectAnswer = Callable[
    [bytes, str | None, Mapping[str, Any]], tuple[list[tuple[str, str]], bytes] | None
]


def routines_blueprint(
    store: Store, schemas: RoutineRequestSchemas, keys: IdKeys
) -> tuple[Blueprint, DirectAnswer]:
    """The /routines blueprint, and its direct answer to new POST /routines requests."""
    blp = Blueprint(
        "routines",
        __name__,
        url_prefix="/routines",
        description="Generated routines that fit a person's time, equipment, position and pain.",
    )
    shown = examples(store.latest)

    def gone(release: Release, given: Mapping[str, Any]) -> NoReturn:
        detail = f"Content release {release.version} makes no routines."
        try:
            replaced = routine_url(request_for(store.latest, given), store.latest.version, keys)
        except (NoRoutines, RoutineError):
            fail(410, detail)
        fail(410, f"{detail} The same request on release {store.latest.version}: replaced_by.",
             replaced_by=replaced)  # fmt: skip

    def build(release: Release, given: Mapping[str, Any], location: str) -> RoutineRequest:
        try:
            return request_for(release, given)
        except NoRoutines:
            gone(release, given)
        except RoutineError as error:
            raise invalid(error, location) from None

    def stored(release: Release, key: object, make: Callable[[], dict[str, Any]]) -> Representation:
        """The representation of what `make` presents, built once per release and key."""

        def representation() -> Representation:
            data = make()
            location = [("Content-Location", f"/routines/{data['id']}")]
            return represent(release, data, location, per_request=True)

        return store.routine(release, key, representation)

    def routine_of(release: Release, request: RoutineRequest) -> Representation:
        return stored(
            release, request, lambda: present(generate_routine(release, request), release, keys)
        )

    def cached(release: Release, location: str, find: Callable[[], Representation]) -> Any:
        try:
            return respond(store, find())
        except NoRoutines:
            gone(release, {})
        except RoutineError as error:
            raise invalid(error, location) from None

    def routine(release: Release, request: RoutineRequest, location: str) -> Any:
        return cached(release, location, lambda: routine_of(release, request))

    def by_id(routine_id: str) -> tuple[Release, RoutineRequest]:
        """The release and request of an id; 410 for ids of a release that makes no routines."""
        try:
            version, fields = read_legacy_id(routine_id)
        except RoutineIdError:
            pass
        else:
            gone(store.resolve(version) if version in store.releases else store.latest, fields)
        try:
            version, request = decode_routine_id(routine_id, keys)
        except RoutineIdError as error:
            fail(404, f"No routine has this id: {error}.")
        release = store.resolve(version)
        if release.rules is None:
            gone(release, {})
        return release, request

    @blp.route("")
    class Routines(MethodView):
        @blp.arguments(schemas.query, location="query", as_kwargs=False)
        @blp.response(
            200,
            RoutineSchema,
            description="The routine.",
            headers=ROUTINE_HEADERS,
            examples=shown.get("routine"),
        )
        @blp.conditional()
        @blp.problem(404, "Unknown content_version.", "Content version '9.9.9' is not available.")
        @blp.problem(410, GONE, "Content release 1.0.0 makes no routines.")
        @blp.doc(
            summary="Get a routine (query form)",
            description=DESCRIPTION
            + "\nThe query form of POST /routines, so a frontend can cache it: list fields "
            "repeat (`equipment=towel&equipment=wall`), `equipment=none` means no equipment, "
            "`screening` lists the ids of the questions answered yes and `screening_no` those "
            "answered no. Prefer POST: a query string keeps pain and answers in URLs.",
            operationId="getRoutineByQuery",
            responses=ROUTINE_LINKS,
        )
        def get(self, args: dict[str, Any], **_: Any) -> Any:
            """Get a routine (query form)."""
            release = store.resolve(args.pop("content_version", None))
            if "equipment" in args:
                args["equipment"] = [name for name in args["equipment"] if name != NO_EQUIPMENT]
            return routine(release, build(release, _given(args), "query"), "query")

        @blp.arguments(schemas.body, as_kwargs=False)
        @blp.response(
            200,
            RoutineSchema,
            description="The routine; `Content-Location` is its own URL.",
            headers=ROUTINE_HEADERS,
            examples=shown.get("routine"),
        )
        @blp.problem(400, "The body is not valid JSON.", "Invalid json: Invalid JSON body.")
        @blp.problem(404, "Unknown content_version.", "Content version '9.9.9' is not available.")
        @blp.problem(410, GONE, "Content release 1.0.0 makes no routines.")
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
            "routine can satisfy, such as every stretch excluded. The same body always gives "
            "the same routine, so a retried POST is safe.",
            operationId="createRoutine",
            responses=ROUTINE_LINKS,
        )
        def post(self, args: dict[str, Any]) -> Any:
            """Generate a routine."""
            version, given = _from_body(args)
            release = store.resolve(version)
            return routine(release, build(release, given, "json"), "json")

    @blp.route("/<routine_id>", parameters=[ID_PARAMETER])
    class RoutineById(MethodView):
        @blp.response(
            200,
            RoutineSchema,
            description="The routine, the same bytes as when it was generated.",
            headers=ROUTINE_HEADERS,
            examples=shown.get("routine"),
        )
        @blp.conditional()
        @blp.problem(404, "Not a routine id of this service.", "No routine has this id.")
        @blp.problem(410, GONE, "Content release 1.0.0 makes no routines.")
        @blp.doc(
            summary="Get a routine by id",
            description="The routine an id stands for, regenerated from what it encrypts: the "
            "same bytes on any instance sharing the keys. A routine names its release, so the "
            "response is cached as immutable.",
            operationId="getRoutine",
            responses={
                200: {
                    "links": {
                        "GetProgramme": ROUTINE_LINKS[200]["links"]["GetProgramme"],
                    }
                }
            },
        )
        def get(self, routine_id: str, **_: Any) -> Any:
            """Get a routine by id."""
            release, request = by_id(routine_id)
            return routine(release, request, "path")

    @blp.route("/<routine_id>/programme", parameters=[ID_PARAMETER])
    class RoutineProgramme(MethodView):
        @blp.response(
            200,
            ProgrammeSchema,
            description="Every week.",
            headers=CONTENT_HEADERS,
            examples=shown.get("programme"),
        )
        @blp.conditional()
        @blp.problem(404, "Not a routine id of this service.", "No routine has this id.")
        @blp.problem(410, GONE, "Content release 1.0.0 makes no routines.")
        @blp.doc(
            summary="Get a routine's programme",
            description="Every week of the programme the routine belongs to: week N is "
            "exactly the routine of the same request at week N (the same items, order, doses "
            "and texts). Empty `weeks` when the routine is `see-a-professional`.",
            operationId="getProgramme",
        )
        def get(self, routine_id: str, **_: Any) -> Any:
            """Get a routine's programme."""
            release, request = by_id(routine_id)
            return cached(
                release,
                "path",
                lambda: stored(
                    release,
                    ("programme", request),
                    lambda: present_programme(
                        routine_id, programme(release, request), release, keys
                    ),
                ),
            )

    @blp.route("/<routine_id>/feedback", parameters=[ID_PARAMETER])
    class RoutineFeedback(MethodView):
        @blp.arguments(schemas.feedback, as_kwargs=False)
        @blp.response(
            200,
            FeedbackAnswerSchema,
            description="The decision and the next routine.",
            examples=shown.get("feedback"),
        )
        @blp.problem(404, "Not a routine id of this service.", "No routine has this id.")
        @blp.problem(
            409,
            "The routine is not ready: there is no session to report on.",
            "This routine is see-a-professional: there is no session to report on.",
        )
        @blp.problem(410, GONE, "Content release 1.0.0 makes no routines.")
        @blp.doc(
            summary="Report how a session went",
            description="Decides the next step from how a session of this routine went, by the "
            "release's feedback rules (after the pain-monitoring model of loading programmes; "
            "the first that matches decides): a red flag, or pain during or the next day at "
            "or above the release's limit, `see-a-professional`; pain during at its step-back "
            "limit, or next-day pain well above the baseline, `step-back` one week under the "
            "gentler pain band; moderate pain, next-day pain above the baseline, effort `hard` "
            "or a session not completed, `hold`; otherwise `progress` to the next week (at the "
            "last week, `hold` with `programme-complete`). Several answers in a row that are "
            "not progress give `see-a-professional` (`not-improving`). The baseline is "
            "`pain_before`, else the routine's pain, else the release's default. Stateless: "
            "`next` carries its own id, which holds the place in the programme.",
            operationId="reportSession",
        )
        def post(self, args: dict[str, Any], routine_id: str) -> Any:
            """Report how a session went."""
            release, request = by_id(routine_id)
            current = generate_routine(release, request)
            if current.status is not Status.READY:
                fail(409, "This routine is see-a-professional: there is no session to report on.")
            answers = args.pop("screening")
            feedback = Feedback(
                **args,
                screening=tuple(name for name, yes in answers.items() if yes),
                screening_no=tuple(name for name, yes in answers.items() if not yes),
            )
            try:
                outcome = decide(release, request, feedback)
            except RoutineError as error:
                raise invalid(error, "json") from None
            following = None if outcome.next is None else generate_routine(release, outcome.next)
            data = present_outcome(outcome, following, release, keys)
            return respond(store, represent(release, data, per_request=True))

    def direct(
        body: bytes, accept_encoding: str | None, config: Mapping[str, Any]
    ) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and bytes of POST /routines with this body when it gives a routine;
        None for anything else, which Flask then answers (service/routine_path.py)."""
        try:
            args = schemas.body.load(json.loads(body))
        except (ValueError, TypeError, ma.ValidationError):
            return None
        version, given = _from_body(args)
        release = store.release(version)
        if release is None or release.rules is None:
            return None
        try:
            found = routine_of(release, request_for(release, given))
        except RoutineError:
            return None
        coding = negotiate(found, accept_encoding, config)
        return answer(found, release_headers(store, release.version, pinned=bool(version)), coding)

    return blp, direct


def _from_body(args: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The release version and the request fields of a parsed POST /routines body."""
    version = args.pop("content_version", None)
    answers = args.pop("screening")
    args["screening"] = [name for name, yes in answers.items() if yes]
    args["screening_no"] = [name for name, yes in answers.items() if not yes]
    return version, _given(args)


def _given(args: dict[str, Any]) -> dict[str, Any]:
    """The request fields the client gave, under the domain's names."""
    args["exclude"] = args.pop("excluded")
    return args


def invalid(error: RoutineError, location: str) -> Exception:
    return problem_for(422, [(location, name, error.message) for name in error.fields])
