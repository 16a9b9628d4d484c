"""The catalogue: /exercises, /stretches, /precautions, /guidance and /screening."""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from flask import Response, request
from flask.views import MethodView

from ..domain import Filters, Kind, Release
from .blueprint import CONTENT_HEADERS, Blueprint
from .content_schemas import (
    GuidanceSchema,
    ItemSchema,
    PrecautionSchema,
    ScreeningQuestionSchema,
    SourceSchema,
)
from .examples import examples
from .fhir import activity_definition
from .illustrations import SVG, illustration_response
from .negotiation import FHIR, chosen
from .problems import problem_for
from .query_schemas import (
    NO_EQUIPMENT,
    ItemQuerySchema,
    PageQuerySchema,
    ReleaseQuerySchema,
    VersionQuerySchema,
)
from .representations import ACCEPT_VARY, Representation, current_store, represent, respond

SCHEMAS: dict[Kind, ma.Schema] = {
    Kind.EXERCISE: ItemSchema(),
    Kind.STRETCH: ItemSchema(),
    Kind.PRECAUTION: PrecautionSchema(),
    Kind.GUIDANCE: GuidanceSchema(),
    Kind.SCREENING: ScreeningQuestionSchema(),
}
PAGINATION_HEADER = {
    "X-Pagination": {
        "description": (
            "Paging metadata as a JSON object: `total`, `total_pages`, `first_page`, "
            "`last_page`, `page`, and `previous_page`/`next_page` when they exist."
        ),
        "schema": {"type": "string"},
    }
}
ITEM_FILTERS = "Filter by `equipment`, `position`, `focus`, `difficulty` and text `q`; all combine."


def list_entries(kind: Kind, args: dict[str, Any]) -> Response:
    """One page of a collection, filtered, from the release the request reads."""
    store = current_store()
    resolved = store.resolve(args.get("content_version"), args.get("lang"))
    release = resolved.release
    filters = _filters(release, args)
    listing = store.listing(
        *release.edition, kind, filters, args["page"], args["page_size"], SCHEMAS[kind].dump
    )
    return respond(store, listing, resolved)


def get_entry(kind: Kind, args: dict[str, Any], entry_id: str) -> Response:
    """One entry of a collection, from the release the request reads; 404 when it has none."""
    store = current_store()
    resolved = store.resolve(args.get("content_version"), args.get("lang"))
    return respond(
        store, store.entity(resolved.release, kind, entry_id, SCHEMAS[kind].dump), resolved
    )


def get_item(kind: Kind, args: dict[str, Any], entry_id: str) -> Response:
    """An exercise or stretch as get_entry gives it, or with Accept: application/fhir+json as
    an ActivityDefinition; 406 for a media type that is neither."""
    media = chosen()
    store = current_store()
    resolved = store.resolve(args.get("content_version"), args.get("lang"))
    release = resolved.release
    found = store.entity(release, kind, entry_id, SCHEMAS[kind].dump)
    if media == FHIR:
        base_url = request.host_url.rstrip("/")

        def build() -> Representation:
            resource = activity_definition(
                json.loads(found.body),
                collection=kind.value,
                version=release.version,
                language=release.language,
                base_url=base_url,
                sources=SourceSchema(many=True).dump(release.manifest.sources),
            )
            return represent(release, resource, found.headers)

        found = store.once((*release.edition, kind, entry_id, FHIR, base_url), build)
    return respond(store, found, resolved, mimetype=media, vary=ACCEPT_VARY)


def _filters(release: Release, args: dict[str, Any]) -> Filters:
    wanted = args.get("equipment")
    if wanted is not None:
        known = sorted(equipment.id for equipment in release.equipment)
        unknown = [
            ("query", f"equipment[{index}]", f"Must be one of: {NO_EQUIPMENT}, {', '.join(known)}.")
            for index, name in enumerate(wanted)
            if name != NO_EQUIPMENT and name not in known
        ]
        if unknown:
            raise problem_for(422, unknown)
    return Filters(
        equipment=None if wanted is None else frozenset(wanted) - {NO_EQUIPMENT},
        position=args.get("position"),
        focus=args.get("focus"),
        difficulty=args.get("difficulty"),
        query=args.get("q"),
    )


def _blueprint(kind: Kind, description: str) -> Blueprint:
    return Blueprint(kind.value, __name__, url_prefix=f"/{kind.value}", description=description)


def _id_parameter(kind: Kind) -> dict[str, Any]:
    return {
        "in": "path",
        "name": _id_name(kind),
        "description": f"Stable id of the {kind.singular}.",
        "example": examples()["ids"][kind.value],
        "schema": {"type": "string", "maxLength": 200},
    }


def _id_name(kind: Kind) -> str:
    """The path parameter of an entry's id: exercise_id, screening_question_id."""
    return f"{kind.singular.replace(' ', '_')}_id"


def _drawing(kind: Kind) -> dict[str, Any]:
    """What an illustration operation documents: its SVG 200, and its 404."""
    return {
        "description": f"The {kind.singular}'s line drawing, SVG; its text alternative is the "
        "entry's `illustration.alt`.",
        "content_type": SVG,
        "example": examples().get("illustration"),
        "headers": {
            name: value
            for name, value in CONTENT_HEADERS.items()
            if name not in ("Content-Language", "Language-Fallback")
        },
        "not_found": f"No such {kind.singular}, unknown content_version, or a release without "
        "illustrations.",
        "not_found_detail": "Content release 0.0.0 has no illustrations; they start with a later "
        "release (see /content/releases).",
    }


def _listed(kind: Kind, get_operation: str) -> dict[str, Any]:
    """What every list operation documents: its 200, example, paging header and link."""
    return {
        "description": f"One page of {kind.value}, in content order.",
        "example": [examples()["entries"][kind.value]],
        "headers": CONTENT_HEADERS | PAGINATION_HEADER,
        "links": {get_operation: (get_operation, {_id_name(kind): "$response.body#/0/id"})},
    }


def _one(kind: Kind) -> dict[str, Any]:
    """What every get-one operation documents: its 200, example and 404."""
    return {
        "description": f"The full {kind.singular} entry.",
        "example": examples()["entries"][kind.value],
        "not_found": f"No such {kind.singular}, or unknown content_version.",
        "not_found_detail": f"Content release 0.0.0 has no {kind.singular} with id 'unknown'.",
    }


exercises = _blueprint(Kind.EXERCISE, "Exercises, with steps, equipment, dosage and cautions.")
stretches = _blueprint(Kind.STRETCH, "Stretches, done before and after the exercises.")
precautions = _blueprint(Kind.PRECAUTION, "General precautions before and while exercising.")
guidance = _blueprint(
    Kind.GUIDANCE,
    "What metatarsalgia is, self-care, exercising with it, and when to see a professional.",
)
screening = _blueprint(
    Kind.SCREENING,
    "Red-flag questions to ask before a routine: a yes means see a professional instead.",
)


@exercises.route("")
class Exercises(MethodView):
    """The exercises, a page at a time."""

    @exercises.arguments(ItemQuerySchema, location="query", as_kwargs=False)
    @exercises.content(ItemSchema(many=True), **_listed(Kind.EXERCISE, "getExercise"))
    @exercises.doc(operationId="listExercises")
    def get(self, args: dict[str, Any], **_: Any) -> Any:
        """List exercises

        Exercises for metatarsalgia, with steps, equipment, dosage and cautions, paginated with
        `page` and `page_size`; the X-Pagination header carries totals. Filter by `equipment`,
        `position`, `focus`, `difficulty` and text `q`; all filters combine.
        """
        return list_entries(Kind.EXERCISE, args)


@exercises.route("/<exercise_id>", parameters=[_id_parameter(Kind.EXERCISE)])
class ExerciseById(MethodView):
    """One exercise, by id."""

    @exercises.arguments(ReleaseQuerySchema, location="query", as_kwargs=False)
    @exercises.content(ItemSchema, **_one(Kind.EXERCISE))
    @exercises.fhir("ActivityDefinition", examples().get("fhir", {}).get("activity"))
    @exercises.doc(operationId="getExercise")
    def get(self, args: dict[str, Any], exercise_id: str, **_: Any) -> Any:
        """Get one exercise

        The full exercise, by its stable id.
        """
        return get_item(Kind.EXERCISE, args, exercise_id)


@exercises.route("/<exercise_id>/illustration.svg", parameters=[_id_parameter(Kind.EXERCISE)])
class ExerciseIllustration(MethodView):
    """One exercise's drawing."""

    @exercises.arguments(VersionQuerySchema, location="query", as_kwargs=False)
    @exercises.content(None, **_drawing(Kind.EXERCISE))
    @exercises.doc(operationId="getExerciseIllustration")
    def get(self, args: dict[str, Any], exercise_id: str, **_: Any) -> Any:
        """Get an exercise's illustration

        A line drawing of the position and the movement (SVG, no script, no text, no external
        reference). Immutable when `content_version` is given, as the entry's link does.
        """
        return illustration_response(Kind.EXERCISE, args, exercise_id)


@stretches.route("")
class Stretches(MethodView):
    """The stretches, a page at a time."""

    @stretches.arguments(ItemQuerySchema, location="query", as_kwargs=False)
    @stretches.content(ItemSchema(many=True), **_listed(Kind.STRETCH, "getStretch"))
    @stretches.doc(operationId="listStretches")
    def get(self, args: dict[str, Any], **_: Any) -> Any:
        """List stretches

        Stretches, done before and after the exercises, paginated with `page` and `page_size`;
        the X-Pagination header carries totals. Filter by `equipment`, `position`, `focus`,
        `difficulty` and text `q`; all filters combine.
        """
        return list_entries(Kind.STRETCH, args)


@stretches.route("/<stretch_id>", parameters=[_id_parameter(Kind.STRETCH)])
class StretchById(MethodView):
    """One stretch, by id."""

    @stretches.arguments(ReleaseQuerySchema, location="query", as_kwargs=False)
    @stretches.content(ItemSchema, **_one(Kind.STRETCH))
    @stretches.fhir("ActivityDefinition", examples().get("fhir", {}).get("activity"))
    @stretches.doc(operationId="getStretch")
    def get(self, args: dict[str, Any], stretch_id: str, **_: Any) -> Any:
        """Get one stretch

        The full stretch, by its stable id.
        """
        return get_item(Kind.STRETCH, args, stretch_id)


@stretches.route("/<stretch_id>/illustration.svg", parameters=[_id_parameter(Kind.STRETCH)])
class StretchIllustration(MethodView):
    """One stretch's drawing."""

    @stretches.arguments(VersionQuerySchema, location="query", as_kwargs=False)
    @stretches.content(None, **_drawing(Kind.STRETCH))
    @stretches.doc(operationId="getStretchIllustration")
    def get(self, args: dict[str, Any], stretch_id: str, **_: Any) -> Any:
        """Get a stretch's illustration

        A line drawing of the position and the movement (SVG, no script, no text, no external
        reference). Immutable when `content_version` is given, as the entry's link does.
        """
        return illustration_response(Kind.STRETCH, args, stretch_id)


@precautions.route("")
class Precautions(MethodView):
    """The precautions, a page at a time."""

    @precautions.arguments(PageQuerySchema, location="query", as_kwargs=False)
    @precautions.content(PrecautionSchema(many=True), **_listed(Kind.PRECAUTION, "getPrecaution"))
    @precautions.doc(operationId="listPrecautions")
    def get(self, args: dict[str, Any], **_: Any) -> Any:
        """List precautions

        General precautions to take before and while exercising, paginated with `page` and
        `page_size`. Filter by text `q` over title, summary and advice.
        """
        return list_entries(Kind.PRECAUTION, args)


@precautions.route("/<precaution_id>", parameters=[_id_parameter(Kind.PRECAUTION)])
class PrecautionById(MethodView):
    """One precaution, by id."""

    @precautions.arguments(ReleaseQuerySchema, location="query", as_kwargs=False)
    @precautions.content(PrecautionSchema, **_one(Kind.PRECAUTION))
    @precautions.doc(operationId="getPrecaution")
    def get(self, args: dict[str, Any], precaution_id: str, **_: Any) -> Any:
        """Get one precaution

        The full precaution, by its stable id.
        """
        return get_entry(Kind.PRECAUTION, args, precaution_id)


@guidance.route("")
class GuidanceList(MethodView):
    """The guidance entries, a page at a time."""

    @guidance.arguments(PageQuerySchema, location="query", as_kwargs=False)
    @guidance.content(GuidanceSchema(many=True), **_listed(Kind.GUIDANCE, "getGuidance"))
    @guidance.doc(operationId="listGuidance")
    def get(self, args: dict[str, Any], **_: Any) -> Any:
        """List guidance

        What metatarsalgia is, self-care, exercising with it, and when to see a professional,
        paginated with `page` and `page_size`. Filter by text `q` over title, summary and body.
        """
        return list_entries(Kind.GUIDANCE, args)


@guidance.route("/<guidance_id>", parameters=[_id_parameter(Kind.GUIDANCE)])
class GuidanceById(MethodView):
    """One guidance entry, by id."""

    @guidance.arguments(ReleaseQuerySchema, location="query", as_kwargs=False)
    @guidance.content(GuidanceSchema, **_one(Kind.GUIDANCE))
    @guidance.doc(operationId="getGuidance")
    def get(self, args: dict[str, Any], guidance_id: str, **_: Any) -> Any:
        """Get one guidance entry

        The full guidance entry, by its stable id.
        """
        return get_entry(Kind.GUIDANCE, args, guidance_id)


@screening.route("")
class ScreeningQuestions(MethodView):
    """The screening questions, a page at a time."""

    @screening.arguments(PageQuerySchema, location="query", as_kwargs=False)
    @screening.content(
        ScreeningQuestionSchema(many=True), **_listed(Kind.SCREENING, "getScreeningQuestion")
    )
    @screening.doc(operationId="listScreeningQuestions")
    def get(self, args: dict[str, Any], **_: Any) -> Any:
        """List screening questions

        Red-flag questions to ask before a routine: a yes means see a professional instead.
        Send the answers as a routine request's `screening`. Paginated with `page` and
        `page_size`; filter by text `q` over question, reason and advice.
        """
        return list_entries(Kind.SCREENING, args)


@screening.route("/<screening_question_id>", parameters=[_id_parameter(Kind.SCREENING)])
class ScreeningQuestionById(MethodView):
    """One screening question, by id."""

    @screening.arguments(ReleaseQuerySchema, location="query", as_kwargs=False)
    @screening.content(ScreeningQuestionSchema, **_one(Kind.SCREENING))
    @screening.doc(operationId="getScreeningQuestion")
    def get(self, args: dict[str, Any], screening_question_id: str, **_: Any) -> Any:
        """Get one screening question

        The full screening question, by its stable id.
        """
        return get_entry(Kind.SCREENING, args, screening_question_id)


BLUEPRINTS = (exercises, stretches, precautions, guidance, screening)
