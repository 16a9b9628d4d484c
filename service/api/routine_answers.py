"""What /routines answers: a request's routine, programme and feedback, as representations.

Holds the app's store and id keys; raises the problems these answers can give: 404 for an id
of no routine, 410 (with `replaced_by`) for a release that makes no routines, and 422 naming
the field a release cannot satisfy. routine_path.py answers new POSTs through `direct`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

import marshmallow as ma
from flask import Response, current_app

from ..domain import (
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
from .calendar import programme_calendar
from .fhir import care_plan, plan_definition
from .handout import handout_html
from .languages import choose_language
from .negotiation import FHIR, JSON, chosen
from .pdf import PdfUnavailable, render_pdf
from .problems import fail, problem_for
from .query_schemas import NO_EQUIPMENT
from .representations import (
    ACCEPT_VARY,
    CONTENT_VARY,
    Representation,
    Resolved,
    Store,
    answer,
    fallback_headers,
    negotiate,
    release_headers,
    represent,
    respond,
    send,
)
from .routine_json import present, present_outcome, present_programme, routine_url
from .routine_requests import RoutineRequestSchema

BODY = RoutineRequestSchema()
CALENDAR = "text/calendar"
HTML = "text/html"
PDF = "application/pdf"
# The body, its Accept-Encoding and Accept-Language and the app's config, to the headers and
# bytes of a 200 or None.
DirectAnswer = Callable[
    [bytes, str | None, str | None, Mapping[str, Any]],
    tuple[list[tuple[str, str]], bytes] | None,
]


class RoutineAnswers:
    """The answers of /routines for one app: its store of releases and its id keys."""

    def __init__(self, store: Store, keys: IdKeys) -> None:
        self.store = store
        self.keys = keys

    def from_body(self, args: dict[str, Any], lang: str | None) -> Response:
        """POST /routines: the routine of a parsed body, in the language asked for."""
        version, given = from_body(args)
        resolved = self.store.resolve(version, lang)
        return self.routine(resolved, self.build(resolved.release, given, "json"), "json")

    def from_query(self, args: dict[str, Any]) -> Response:
        """GET /routines: the routine of a parsed query."""
        resolved = self.store.resolve(args.pop("content_version", None), args.pop("lang", None))
        if "equipment" in args:
            args["equipment"] = [name for name in args["equipment"] if name != NO_EQUIPMENT]
        return self.routine(resolved, self.build(resolved.release, given(args), "query"), "query")

    def by_id(self, routine_id: str, lang: str | None, base_url: str) -> Response:
        """GET /routines/{id}: the routine, or with Accept: application/fhir+json its
        PlanDefinition (409 when see-a-professional: there is no plan)."""
        if chosen() == JSON:
            resolved, request = self.decode(routine_id, lang)
            return self.routine(resolved, request, "path", vary=ACCEPT_VARY)
        resolved, request = self.ready(routine_id, lang, "no plan to exchange")
        release = resolved.release

        def make() -> dict[str, Any]:
            routine = present(generate_routine(release, request), release, self.keys)
            return plan_definition(routine, version=release.version, language=release.language,
                                   base_url=base_url)  # fmt: skip

        return self._fhir(resolved, ("fhir-plan", request, base_url), make)

    def programme(self, routine_id: str, lang: str | None, base_url: str) -> Response:
        """GET /routines/{id}/programme: every week, built once per request; with Accept:
        application/fhir+json its CarePlan proposal (409 when see-a-professional)."""
        media = chosen()
        resolved, request = (
            self.decode(routine_id, lang)
            if media == JSON
            else self.ready(routine_id, lang, "no plan to exchange")
        )
        release = resolved.release

        def make() -> dict[str, Any]:
            weeks = programme(release, request)
            return present_programme(routine_id, weeks, release, self.keys)

        if media == JSON:
            return self._respond(resolved, "path",
                                 lambda: self._stored(release, ("p", request), make),
                                 vary=ACCEPT_VARY)  # fmt: skip

        def plan() -> dict[str, Any]:
            return care_plan(make(), version=release.version, language=release.language,
                             base_url=base_url)  # fmt: skip

        return self._fhir(resolved, ("fhir-care", request, base_url), plan)

    def _fhir(
        self, resolved: Resolved, key: object, make: Callable[[], dict[str, Any]]
    ) -> Response:
        """A FHIR resource made by `make`, stored as routines are, sent as FHIR JSON."""
        release = resolved.release

        def representation() -> Representation:
            return represent(release, make(), fallback_headers(release.fallbacks),
                             per_request=True)  # fmt: skip

        found = self.store.routine(release, key, representation)
        return respond(self.store, found, resolved, mimetype=FHIR, vary=ACCEPT_VARY)

    def calendar(self, routine_id: str, args: dict[str, Any], base_url: str) -> Response:
        """GET /routines/{id}/programme.ics: the programme's sessions as an iCalendar file.

        With `start` the file never changes (the id names its release); without it the
        programme starts next Monday, so it is not stored or cached as immutable.
        """
        resolved, request = self.ready(routine_id, args.get("lang"), "no programme to schedule")
        release = resolved.release
        start = args.get("start") or next_monday(today())
        key = ("ics", request, start, args["time"], base_url)

        def make() -> Representation:
            weeks = present_programme(routine_id, programme(release, request), release, self.keys)
            body = programme_calendar(weeks["weeks"], start=start, time=args["time"],
                                      language=release.language, base_url=base_url)  # fmt: skip
            return Representation(body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"',
                                  per_request=True)  # fmt: skip

        found = self.store.routine(release, key, make)
        headers = release_headers(self.store, release, pinned="start" in args)
        if "start" not in args:  # next Monday moves: revalidate, and never store the answer
            headers = [(n, "private, no-cache" if n == "Cache-Control" else v) for n, v in headers]
        headers.append(("Content-Disposition", 'attachment; filename="programme.ics"'))
        return send(found, mimetype=CALENDAR, headers=headers, vary=CONTENT_VARY)

    def handout(self, routine_id: str, lang: str | None, base_url: str) -> Response:
        """GET /routines/{id}/handout: the programme's printable page."""
        resolved, request = self.ready(routine_id, lang, "no programme to print")
        found = self._handout(resolved.release, routine_id, request, base_url)
        return send(found, mimetype=HTML, headers=self._handout_headers(resolved),
                    vary=CONTENT_VARY)  # fmt: skip

    def handout_pdf(self, routine_id: str, args: dict[str, Any], base_url: str) -> Response:
        """GET /routines/{id}/handout.pdf: the same page printed by Chromium; 503 without it."""
        resolved, request = self.ready(routine_id, args.get("lang"), "no programme to print")
        release = resolved.release
        page = self._handout(release, routine_id, request, base_url)
        path = f"/routines/{routine_id}/handout"
        browser = current_app.config["PDF_BROWSER"]
        assets = static_files(current_app.static_folder)

        def make() -> Representation:
            try:
                body = render_pdf(page.body.decode(), path, assets, paper=args["paper"],
                                  browser=browser)  # fmt: skip
            except PdfUnavailable as error:
                current_app.logger.warning("handout PDF unavailable: %s", error)
                fail(503, "This server cannot print PDFs now (no PDF engine). The HTML handout "
                     f"prints the same page: {path}.")  # fmt: skip
            digest = hashlib.blake2b(page.etag.encode() + args["paper"].encode(), digest_size=16)
            return Representation(body, f'"{digest.hexdigest()}"', per_request=True)

        found = self.store.routine(release, ("pdf", request, args["paper"], base_url), make)
        headers = self._handout_headers(resolved)
        headers.append(("Content-Disposition", 'inline; filename="handout.pdf"'))
        return send(found, mimetype=PDF, headers=headers, vary=CONTENT_VARY)

    def _handout(
        self, release: Release, routine_id: str, request: RoutineRequest, base_url: str
    ) -> Representation:
        def make() -> Representation:
            routine = present(generate_routine(release, request), release, self.keys)
            weeks = present_programme(routine_id, programme(release, request), release, self.keys)
            drawings = {
                item.id: (release.illustrations[item.id], item.illustration.alt)
                for item in (*release.exercises, *release.stretches)
                if item.illustration is not None and item.id in release.illustrations
            }
            link = f"{base_url}/routines/{routine_id}/handout?lang={release.language}"
            body = handout_html(routine, weeks["weeks"], drawings=drawings,
                                language=release.language, link=link).encode()  # fmt: skip
            return Representation(body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"',
                                  per_request=True)  # fmt: skip

        return self.store.routine(release, ("handout", request, base_url), make)

    def _handout_headers(self, resolved: Resolved) -> list[tuple[str, str]]:
        return [
            *release_headers(self.store, resolved.release, pinned=resolved.pinned),
            *fallback_headers(resolved.release.fallbacks),
        ]

    def feedback(self, routine_id: str, args: dict[str, Any], lang: str | None) -> Response:
        """POST /routines/{id}/feedback: the decision on a session, and the next routine."""
        resolved, request = self.ready(routine_id, lang, "no session to report on")
        release = resolved.release
        answers = args.pop("screening", {})
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
        data = present_outcome(outcome, following, release, self.keys)
        found = represent(release, data, fallback_headers(release.fallbacks), per_request=True)
        return respond(self.store, found, resolved)

    def direct(
        self,
        body: bytes,
        accept_encoding: str | None,
        accept_language: str | None,
        config: Mapping[str, Any],
    ) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and bytes of POST /routines with this body when it gives a routine;
        None for anything else, which Flask then answers (service/routine_path.py)."""
        try:
            args = BODY.load(json.loads(body))
        except (ValueError, TypeError, ma.ValidationError):
            return None
        version, fields = from_body(args)
        release = self.store.release(version)
        if release is None or release.rules is None:
            return None
        languages = release.manifest.languages
        release = release.in_language(
            choose_language(languages, None, accept_language, f"Release {release.version} is")
        )
        try:
            found = self._routine_of(release, request_for(release, fields))
        except RoutineError:
            return None
        coding = negotiate(found, accept_encoding, config)
        headers = release_headers(self.store, release, pinned=bool(version))
        return answer(found, headers, coding)

    # ---- shared by the answers above

    def build(self, release: Release, fields: Mapping[str, Any], location: str) -> RoutineRequest:
        """The request of these fields on this release: 410 or 422 when it has none."""
        try:
            return request_for(release, fields)
        except NoRoutines:
            self.gone(release, fields)
        except RoutineError as error:
            raise invalid(error, location) from None

    def decode(self, routine_id: str, lang: str | None) -> tuple[Resolved, RoutineRequest]:
        """The release and request of an id; 404 for no routine's, 410 for an old release's."""
        try:
            version, fields = read_legacy_id(routine_id)
        except RoutineIdError:
            pass
        else:
            self.gone(self.store.releases.get(version, self.store.latest), fields)
        try:
            version, request = decode_routine_id(routine_id, self.keys)
        except RoutineIdError as error:
            fail(404, f"No routine has this id: {error}.")
        resolved = self.store.resolve(version, lang)
        if resolved.release.rules is None:
            self.gone(resolved.release, asdict(request))
        return resolved, request  # resolved by the id's version: pinned

    def ready(
        self, routine_id: str, lang: str | None, missing: str
    ) -> tuple[Resolved, RoutineRequest]:
        """As `decode`, and 409 (saying what is `missing`) when the routine is
        see-a-professional."""
        resolved, request = self.decode(routine_id, lang)
        if generate_routine(resolved.release, request).status is not Status.READY:
            fail(409, f"This routine is see-a-professional: there is {missing}.")
        return resolved, request

    def gone(self, release: Release, fields: Mapping[str, Any]) -> NoReturn:
        """410: the release makes no routines; `replaced_by` the same request on the latest."""
        latest = self.store.latest
        detail = f"Content release {release.version} makes no routines."
        try:
            replaced = routine_url(request_for(latest, fields), latest.version, self.keys)
        except (NoRoutines, RoutineError):
            fail(410, detail)
        fail(410, f"{detail} The same request on release {latest.version}: replaced_by.",
             replaced_by=[replaced])  # fmt: skip

    def routine(
        self,
        resolved: Resolved,
        request: RoutineRequest,
        location: str,
        vary: str = CONTENT_VARY,
    ) -> Response:
        release = resolved.release
        return self._respond(
            resolved, location, lambda: self._routine_of(release, request), vary=vary
        )

    def _routine_of(self, release: Release, request: RoutineRequest) -> Representation:
        return self._stored(
            release,
            request,
            lambda: present(generate_routine(release, request), release, self.keys),
        )

    def _stored(
        self, release: Release, key: object, make: Callable[[], dict[str, Any]]
    ) -> Representation:
        """The representation of what `make` presents, built once per release and key."""

        def representation() -> Representation:
            data = make()
            headers = [
                ("Content-Location", f"/routines/{data['id']}"),
                *fallback_headers(release.fallbacks),
            ]
            return represent(release, data, headers, per_request=True)

        return self.store.routine(release, key, representation)

    def _respond(
        self,
        resolved: Resolved,
        location: str,
        find: Callable[[], Representation],
        vary: str = CONTENT_VARY,
    ) -> Response:
        try:
            return respond(self.store, find(), resolved, vary=vary)
        except NoRoutines:
            self.gone(resolved.release, {})
        except RoutineError as error:
            raise invalid(error, location) from None


def current_answers() -> RoutineAnswers:
    """The app's answers of /routines."""
    answers: RoutineAnswers = current_app.extensions["routine_answers"]
    return answers


def from_body(args: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The release version and the request fields of a parsed POST /routines body."""
    version = args.pop("content_version", None)
    answers = args.pop("screening", {})
    args["screening"] = [name for name, yes in answers.items() if yes]
    args["screening_no"] = [name for name, yes in answers.items() if not yes]
    return version, given(args)


def given(args: dict[str, Any]) -> dict[str, Any]:
    """The request fields the client gave, under the domain's names."""
    if "excluded" in args:
        args["exclude"] = args.pop("excluded")
    return args


def invalid(error: RoutineError, location: str) -> Exception:
    """The 422 of a request a release cannot satisfy, naming its fields."""
    return problem_for(422, [(location, name, error.message) for name in error.fields])


def static_files(folder: str | None) -> Callable[[str], bytes | None]:
    """A reader of the app's /static/ files by URL path, None for any other path."""

    def read(path: str) -> bytes | None:
        name = path.removeprefix("/static/")
        if folder is None or name == path or "/" in name or name.startswith("."):
            return None
        try:
            return (Path(folder) / name).read_bytes()
        except OSError:
            return None

    return read


def today() -> dt.date:
    """The service's date (UTC): what "next Monday" counts from."""
    return dt.datetime.now(dt.UTC).date()


def next_monday(day: dt.date) -> dt.date:
    """The first Monday after `day` (a week later when `day` is a Monday)."""
    return day + dt.timedelta(days=7 - day.weekday())
