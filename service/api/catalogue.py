"""The catalogue: /exercises, /stretches, /precautions and /guidance, one blueprint each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from ..domain import Filters, Kind
from .blueprint import CONTENT_HEADERS, Blueprint
from .representations import Store, respond
from .schemas import (
    NO_EQUIPMENT,
    GuidanceSchema,
    ItemSchema,
    PrecautionSchema,
    RequestSchemas,
    ScreeningQuestionSchema,
)

PAGINATION_HEADER = {
    "X-Pagination": {
        "description": (
            "Paging metadata as a JSON object: `total`, `total_pages`, `first_page`, "
            "`last_page`, `page`, and `previous_page`/`next_page` when they exist."
        ),
        "schema": {"type": "string"},
    }
}
UNKNOWN_VERSION = "Content version '9.9.9' is not available. Available versions: 1.0.0."


@dataclass(frozen=True)
class Collection:
    """What differs between the catalogue's collections."""

    kind: Kind
    singular: str
    noun: str  # names its views and operations: ExerciseById, getExercise
    nouns: str  # Exercises, listExercises
    schema: type[ma.Schema]
    description: str
    filters: str

    @property
    def id_arg(self) -> str:
        """The path parameter: exercise_id, screening_question_id."""
        return f"{self.singular.replace(' ', '_')}_id"


COLLECTIONS = (
    Collection(
        Kind.EXERCISE,
        "exercise",
        "Exercise",
        "Exercises",
        ItemSchema,
        "Exercises for metatarsalgia, with steps, equipment, dosage and cautions.",
        "Filter by `equipment`, `position`, `focus`, `difficulty` and text `q`; all filters "
        "combine.",
    ),
    Collection(
        Kind.STRETCH,
        "stretch",
        "Stretch",
        "Stretches",
        ItemSchema,
        "Stretches, done before and after the exercises.",
        "Filter by `equipment`, `position`, `focus`, `difficulty` and text `q`; all filters "
        "combine.",
    ),
    Collection(
        Kind.PRECAUTION,
        "precaution",
        "Precaution",
        "Precautions",
        PrecautionSchema,
        "General precautions to take before and while exercising.",
        "Filter by text `q` over title, summary and advice.",
    ),
    Collection(
        Kind.GUIDANCE,
        "guidance",
        "Guidance",
        "Guidance",
        GuidanceSchema,
        "What metatarsalgia is, self-care, exercising with it, and when to see a professional.",
        "Filter by text `q` over title, summary and body.",
    ),
    Collection(
        Kind.SCREENING,
        "screening question",
        "ScreeningQuestion",
        "ScreeningQuestions",
        ScreeningQuestionSchema,
        "Red-flag questions to ask before a routine: a yes means see a professional instead. "
        "Send the answers as a routine request's `screening`.",
        "Filter by text `q` over question, reason and advice.",
    ),
)


def catalogue_blueprints(store: Store, schemas: RequestSchemas) -> list[Blueprint]:
    """One blueprint per collection, documented with examples from the latest release."""
    return [_blueprint(store, collection, schemas) for collection in COLLECTIONS]


def _blueprint(store: Store, collection: Collection, schemas: RequestSchemas) -> Blueprint:
    kind, schema = collection.kind, collection.schema()
    items = kind in (Kind.EXERCISE, Kind.STRETCH)
    query_schema = schemas.items if items else schemas.page
    name = kind.value
    id_arg = collection.id_arg
    blp = Blueprint(name, __name__, url_prefix=f"/{name}", description=collection.description)
    example = store.dumped(store.latest, kind, schema.dump)[0]

    def filters(args: dict[str, Any]) -> Filters:
        wanted = args.get("equipment")
        return Filters(
            equipment=None if wanted is None else frozenset(wanted) - {NO_EQUIPMENT},
            position=args.get("position"),
            focus=args.get("focus"),
            difficulty=args.get("difficulty"),
            query=args.get("q"),
        )

    class ListView(MethodView):
        @blp.arguments(query_schema, location="query", as_kwargs=False)
        @blp.response(
            200,
            collection.schema(many=True),
            description=f"One page of {name}, in content order.",
            headers=CONTENT_HEADERS | PAGINATION_HEADER,
            example=[example],
        )
        @blp.conditional()
        @blp.problem(404, "Unknown content_version.", UNKNOWN_VERSION)
        @blp.doc(
            summary=f"List {name}",
            description=f"{collection.description} Paginated with `page` and `page_size`; "
            f"the X-Pagination header carries totals. {collection.filters}",
            operationId=f"list{collection.nouns}",
            responses={
                200: {
                    "links": {
                        f"Get{collection.noun}": {
                            "operationId": f"get{collection.noun}",
                            "parameters": {id_arg: "$response.body#/0/id"},
                            "description": f"The first {collection.singular} of the page.",
                        }
                    }
                }
            },
        )
        def get(self, args: dict[str, Any], **_: Any) -> Any:
            release = store.resolve(args.get("content_version"))
            return respond(
                store,
                store.listing(
                    release.version,
                    kind,
                    filters(args),
                    args["page"],
                    args["page_size"],
                    schema.dump,
                ),
            )

    class ItemView(MethodView):
        @blp.arguments(schemas.release, location="query", as_kwargs=False)
        @blp.response(
            200,
            collection.schema,
            description=f"The full {collection.singular} entry.",
            headers=CONTENT_HEADERS,
            example=example,
        )
        @blp.conditional()
        @blp.problem(
            404,
            f"No such {collection.singular}, or unknown content_version.",
            f"Content release 1.0.0 has no {collection.singular} with id 'unknown'.",
        )
        @blp.doc(
            summary=f"Get one {collection.singular}",
            description=f"The full {collection.singular} entry, by its stable id.",
            operationId=f"get{collection.noun}",
        )
        def get(self, args: dict[str, Any], **path: Any) -> Any:
            release = store.resolve(args.get("content_version"))
            return respond(store, store.entity(release, kind, path[id_arg], schema.dump))

    ListView.__name__ = collection.nouns
    ItemView.__name__ = f"{collection.noun}ById"
    blp.route("")(ListView)
    blp.route(
        f"/<{id_arg}>",
        parameters=[
            {
                "in": "path",
                "name": id_arg,
                "description": f"Stable id of the {collection.singular}.",
                "example": example["id"],
                "schema": {
                    "type": "string",
                    "enum": sorted(
                        {e.id for release in store.releases.values() for e in release.entries(kind)}
                    ),
                },
            }
        ],
    )(ItemView)
    return blp
