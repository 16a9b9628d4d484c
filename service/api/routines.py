"""/routines: generated routines (POST body or GET query), by id, their programme and feedback."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from .blueprint import (
    CONTENT_HEADERS,
    UNKNOWN_VERSION,
    Blueprint,
    LanguageHeadersSchema,
)
from .examples import examples
from .query_schemas import LanguageQuerySchema
from .routine_answers import current_answers
from .routine_requests import (
    CalendarQuerySchema,
    FeedbackSchema,
    HandoutPdfQuerySchema,
    HandoutQuerySchema,
    RoutineQuerySchema,
    RoutineRequestSchema,
)
from .routine_schemas import FeedbackAnswerSchema, ProgrammeSchema, RoutineSchema

DESCRIPTION = """\
A routine is one week of a programme that fits a person's time, equipment, position and pain,
built from one content release's rules (a release without rules answers 410 Gone).

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
    "The routine's release makes no routines; `replaced_by` holds the same request on the "
    "latest release."
)
UNSUPPORTED = "The request body must be JSON, sent with Content-Type: application/json."
NOT_READY = "This routine is see-a-professional: there is no session to report on."
GONE_DETAIL = "Content release 0.0.0 makes no routines."
NO_ROUTINE = "No routine has this id."
NO_PROGRAMME = "This routine is see-a-professional: there is no programme to schedule."
CALENDAR = "text/calendar"
CALENDAR_HEADERS = CONTENT_HEADERS | {
    "Content-Disposition": {
        "description": "`attachment`, named programme.ics.",
        "schema": {"type": "string"},
    }
}
CALENDAR_EXAMPLE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n...\r\nBEGIN:VEVENT\r\nUID:...@metatarsalgia-service"
    "\r\nDTSTART:20261207T180000\r\nDURATION:PT12M\r\nRRULE:FREQ=WEEKLY;COUNT=3;BYDAY=MO,WE,FR"
    "\r\n...\r\nEND:VEVENT\r\n...\r\nEND:VCALENDAR\r\n"
)
NO_PLAN = "This routine is see-a-professional: there is no plan to exchange."
NOT_PRINTABLE = "This routine is see-a-professional: there is no programme to print."
HANDOUT_EXAMPLE = (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n...'
    '<h1>Foot exercises</h1>...<table class="grid">...</table>...</html>\n'
)
PDF_HEADERS = CONTENT_HEADERS | {
    "Content-Disposition": {
        "description": "`inline`, named handout.pdf.",
        "schema": {"type": "string"},
    }
}
NO_PDF = (
    "This server cannot print PDFs now (no PDF engine). The HTML handout prints the same page: "
    "/routines/{id}/handout."
)
ROUTINE_EXAMPLES = {
    "ready": {"summary": "A ready routine (every default)", "value": examples()["routine"]},
    "see-a-professional": {
        "summary": "A red flag answered yes",
        "value": examples()["flagged"],
    },
}

blp = Blueprint(
    "routines",
    __name__,
    url_prefix="/routines",
    description=DESCRIPTION,
)


def _routine(description: str) -> dict[str, Any]:
    """What every operation answering a routine documents: 200, examples, links, 410."""
    return {"description": description, "headers": ROUTINE_HEADERS, "examples": ROUTINE_EXAMPLES}


@blp.route("")
class Routines(MethodView):
    """Routines generated from a request, in the body or the query."""

    @blp.arguments(RoutineQuerySchema, location="query", as_kwargs=False)
    @blp.content(RoutineSchema, **_routine("The routine."))
    @blp.problem(410, GONE, GONE_DETAIL)
    @blp.doc(operationId="getRoutineByQuery", responses=ROUTINE_LINKS)
    def get(self, args: dict[str, Any], **_: Any) -> Any:
        """Get a routine (query form)

        The query form of POST /routines, so a frontend can cache it: list fields repeat
        (`equipment=a&equipment=b`), `equipment=none` means no equipment, `screening` lists
        the ids of the questions answered yes and `screening_no` those answered no. Prefer
        POST: a query string keeps pain and answers in URLs.
        """
        return current_answers().from_query(args)

    @blp.arguments(RoutineRequestSchema, as_kwargs=False)
    @blp.arguments(LanguageQuerySchema, location="query", as_kwargs=True)
    @blp.arguments(LanguageHeadersSchema, location="headers", as_kwargs=True)
    @blp.response(200, RoutineSchema, **_routine("The routine; `Content-Location` is its URL."))
    @blp.problem(404, "Unknown content_version.", UNKNOWN_VERSION)
    @blp.problem(410, GONE, GONE_DETAIL)
    @blp.problem(415, "The body is not sent as application/json.", UNSUPPORTED)
    @blp.doc(operationId="createRoutine", responses=ROUTINE_LINKS)
    def post(self, args: dict[str, Any], lang: str | None = None, **_: Any) -> Any:
        """Generate a routine

        Send `{}` for a routine with every default. Unknown fields, wrong types and
        out-of-range values are 422 problems naming the field; so are ids the release does not
        hold and constraints that no routine can satisfy, such as every stretch excluded. The
        same body always gives the same routine, so a retried POST is safe.
        """
        return current_answers().from_body(args, lang)


@blp.route("/<routine_id>", parameters=[ID_PARAMETER])
class RoutineById(MethodView):
    """One routine, by the id that encrypts its request."""

    @blp.content(
        RoutineSchema,
        **_routine("The routine, the same bytes as when it was generated."),
        not_found="Not a routine id of this service.",
        not_found_detail=NO_ROUTINE,
        links={"GetProgramme": ("getProgramme", {"routine_id": "$response.body#/id"})},
    )
    @blp.problem(410, GONE, GONE_DETAIL)
    @blp.arguments(LanguageQuerySchema, location="query", as_kwargs=True)
    @blp.fhir("PlanDefinition", examples().get("fhir", {}).get("plan"))
    @blp.problem(409, "Accept: application/fhir+json on a see-a-professional routine.", NO_PLAN)
    @blp.doc(operationId="getRoutine")
    def get(self, routine_id: str, lang: str | None = None, **_: Any) -> Any:
        """Get a routine by id

        The routine an id stands for, regenerated from what it encrypts: the same bytes on any
        instance sharing the keys. A routine names its release, so the response is cached as
        immutable.
        """
        return current_answers().by_id(routine_id, lang, request.host_url.rstrip("/"))


@blp.route("/<routine_id>/programme", parameters=[ID_PARAMETER])
class RoutineProgramme(MethodView):
    """Every week of the programme a routine belongs to."""

    @blp.content(
        ProgrammeSchema,
        "Every week.",
        example={
            "id": examples()["routine"]["id"],
            "content_version": examples()["release"],
            "weeks": [examples()["routine"]],
        },
        not_found="Not a routine id of this service.",
        not_found_detail=NO_ROUTINE,
    )
    @blp.problem(410, GONE, GONE_DETAIL)
    @blp.arguments(LanguageQuerySchema, location="query", as_kwargs=True)
    @blp.fhir("CarePlan (status draft, intent proposal)", examples().get("fhir", {}).get("care"))
    @blp.problem(409, "Accept: application/fhir+json on a see-a-professional routine.", NO_PLAN)
    @blp.doc(operationId="getProgramme")
    def get(self, routine_id: str, lang: str | None = None, **_: Any) -> Any:
        """Get a routine's programme

        Every week of the programme the routine belongs to: week N is exactly the routine of
        the same request at week N (the same items, order, doses and texts). Empty `weeks`
        when the routine is `see-a-professional`. The example shows only the first week.
        """
        return current_answers().programme(routine_id, lang, request.host_url.rstrip("/"))


@blp.route("/<routine_id>/programme.ics", parameters=[ID_PARAMETER])
class RoutineCalendar(MethodView):
    """The programme's sessions as a calendar a phone can import."""

    @blp.arguments(CalendarQuerySchema, location="query", as_kwargs=False)
    @blp.conditional()
    @blp.response(
        200, description="The programme as iCalendar (RFC 5545).", headers=CALENDAR_HEADERS
    )
    @blp.problem(404, "Not a routine id of this service.", NO_ROUTINE)
    @blp.problem(409, "The routine is not ready: no programme to schedule.", NO_PROGRAMME)
    @blp.problem(410, GONE, GONE_DETAIL)
    @blp.doc(operationId="getProgrammeCalendar", responses={200: {"content": {CALENDAR: {
        "schema": {"type": "string"}, "example": CALENDAR_EXAMPLE}}}})  # fmt: skip
    def get(self, args: dict[str, Any], routine_id: str, **_: Any) -> Any:
        """Get a routine's programme as a calendar

        One event series per programme week: the week's first session on `start` plus N-1
        weeks at `time` (floating, no time zone), repeated by an RRULE on `days_per_week`
        days spread over the week, each lasting the week's estimated minutes. Each
        description lists the week's items and doses and links to the week's routine; each
        event's UID is stable, so importing again updates rather than duplicates.
        """
        return current_answers().calendar(routine_id, args, request.host_url.rstrip("/"))


@blp.route("/<routine_id>/handout", parameters=[ID_PARAMETER])
class RoutineHandout(MethodView):
    """The programme as a sheet to print and hand to a patient."""

    @blp.arguments(HandoutQuerySchema, location="query", as_kwargs=False)
    @blp.conditional()
    @blp.response(200, description="The handout, an HTML page with print CSS (A4 and Letter).",
                  headers=CONTENT_HEADERS)  # fmt: skip
    @blp.problem(404, "Not a routine id of this service.", NO_ROUTINE)
    @blp.problem(409, "The routine is not ready: no programme to print.", NOT_PRINTABLE)
    @blp.problem(410, GONE, GONE_DETAIL)
    @blp.doc(operationId="getHandout", responses={200: {"content": {"text/html": {
        "schema": {"type": "string"}, "example": HANDOUT_EXAMPLE}}}})  # fmt: skip
    def get(self, args: dict[str, Any], routine_id: str, **_: Any) -> Any:
        """Get a routine's printable handout

        One page to print (A4 or Letter): the routine id as text and as a QR code that opens
        this page again; the safety notice and precautions; each item with its drawing, steps,
        this week's dose and cautions; a grid to tick each session of every week, with the
        week's doses; and a chart of each item's dose by week. Follows `lang` and
        `Accept-Language`. Nothing is loaded from elsewhere.
        """
        return current_answers().handout(routine_id, args.get("lang"), request.host_url.rstrip("/"))


@blp.route("/<routine_id>/handout.pdf", parameters=[ID_PARAMETER])
class RoutineHandoutPdf(MethodView):
    """The handout printed to PDF."""

    @blp.arguments(HandoutPdfQuerySchema, location="query", as_kwargs=False)
    @blp.conditional()
    @blp.response(200, description="The handout as PDF, printed by Chromium.",
                  headers=PDF_HEADERS)  # fmt: skip
    @blp.problem(404, "Not a routine id of this service.", NO_ROUTINE)
    @blp.problem(409, "The routine is not ready: no programme to print.", NOT_PRINTABLE)
    @blp.problem(410, GONE, GONE_DETAIL)
    @blp.problem(503, "No PDF engine on this server; the HTML handout still works.", NO_PDF)
    @blp.doc(operationId="getHandoutPdf", responses={200: {"content": {"application/pdf": {
        "schema": {"type": "string", "format": "binary"},
        "example": "%PDF-1.4 ... (the handout's pages) ... %%EOF"}}}})  # fmt: skip
    def get(self, args: dict[str, Any], routine_id: str, **_: Any) -> Any:
        """Get a routine's handout as PDF

        The handout page printed by Chromium on `paper` (A4 or Letter). Made once per id,
        language and paper on each worker, one at a time; 503 when the server has no Chromium.
        """
        answers = current_answers()
        return answers.handout_pdf(routine_id, args, request.host_url.rstrip("/"))


@blp.route("/<routine_id>/feedback", parameters=[ID_PARAMETER])
class RoutineFeedback(MethodView):
    """How a session of a routine went, and the next step."""

    @blp.arguments(FeedbackSchema, as_kwargs=False)
    @blp.arguments(LanguageQuerySchema, location="query", as_kwargs=True)
    @blp.arguments(LanguageHeadersSchema, location="headers", as_kwargs=True)
    @blp.response(200, FeedbackAnswerSchema, description="The decision and the next routine.",
                  example=examples()["feedback"])  # fmt: skip
    @blp.problem(404, "Not a routine id of this service.", NO_ROUTINE)
    @blp.problem(409, "The routine is not ready: no session to report on.", NOT_READY)
    @blp.problem(410, GONE, GONE_DETAIL)
    @blp.doc(operationId="reportSession")
    def post(self, args: dict[str, Any], routine_id: str, lang: str | None = None, **_: Any) -> Any:
        """Report how a session went

        Decides the next step from how a session of this routine went, by the release's
        feedback rules (after the pain-monitoring model of loading programmes; the first that
        matches decides): a red flag, or pain during or the next day at or above the release's
        limit, `see-a-professional`; pain during at its step-back limit, or next-day pain well
        above the baseline, `step-back` one week under the gentler pain band; moderate pain,
        next-day pain above the baseline, effort `hard` or a session not completed, `hold`;
        otherwise `progress` to the next week (at the last week, `hold` with
        `programme-complete`). Several answers in a row that are not progress give
        `see-a-professional` (`not-improving`). The baseline is `pain_before`, else the
        routine's pain, else the release's default. Stateless: `next` carries its own id,
        which holds the place in the programme.
        """
        return current_answers().feedback(routine_id, args, lang)
