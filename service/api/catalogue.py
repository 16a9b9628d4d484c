"""The catalogue: /exercises, /stretches, /precautions and /guidance, one blueprint each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from ..domain import Filters, Kind
from .representations import Store, respond
from .schemas import (
    NO_EQUIPMENT,
    GuidanceSchema,
    ItemSchema,
    PageQuerySchema,
    PrecautionSchema,
    ReleaseQuerySchema,
    item_query_schema,
)

CONTENT_HEADERS = {
    "ETag": {
        "description": "Strong validator of this representation; send it in If-None-Match.",
        "schema": {"type": "string"},
    },
    "Content-Version": {
        "description": "The content release this response was read from.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "Short max-age for the latest release; a year and `immutable` when pinned.",
        "schema": {"type": "string"},
    },
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
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "ETag(s) the client holds; a match gives 304 Not Modified with no body.",
    "schema": {"type": "string"},
}


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
)


def catalogue_blueprints(store: Store) -> list[Blueprint]:
    """One blueprint per collection, documented with examples from the latest release."""
    equipment = {item.id for release in store.releases.values() for item in release.equipment}
    return [_blueprint(store, collection, equipment) for collection in COLLECTIONS]


def _blueprint(store: Store, collection: Collection, equipment: set[str]) -> Blueprint:
    kind, schema = collection.kind, collection.schema()
    items = kind in (Kind.EXERCISE, Kind.STRETCH)
    query_schema = item_query_schema(equipment) if items else PageQuerySchema
    name = kind.value
    id_arg = f"{collection.singular}_id"
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
        @blp.alt_response(304, description="Not modified: the If-None-Match ETag still holds.")
        @blp.alt_response(404, description="Unknown content_version.")
        @blp.doc(
            summary=f"List {name}",
            description=f"{collection.description} Paginated with `page` and `page_size`; "
            f"the X-Pagination header carries totals. {collection.filters}",
            operationId=f"list{collection.nouns}",
            parameters=[IF_NONE_MATCH],
        )
        def get(self, args: dict[str, Any]) -> Any:
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
        @blp.arguments(ReleaseQuerySchema, location="query", as_kwargs=False)
        @blp.response(
            200,
            collection.schema,
            description=f"The full {collection.singular} entry.",
            headers=CONTENT_HEADERS,
            example=example,
        )
        @blp.alt_response(304, description="Not modified: the If-None-Match ETag still holds.")
        @blp.alt_response(404, description=f"No such {collection.singular}, or unknown version.")
        @blp.doc(
            summary=f"Get one {collection.singular}",
            description=f"The full {collection.singular} entry, by its stable id.",
            operationId=f"get{collection.noun}",
            parameters=[IF_NONE_MATCH],
        )
        def get(self, args: dict[str, Any], **path: str) -> Any:
            release = store.resolve(args.get("content_version"))
            return respond(store, store.entity(release, kind, path[id_arg], schema.dump))

    ListView.__name__ = collection.nouns
    ItemView.__name__ = f"{collection.noun}ById"
    blp.route("")(ListView)
    blp.route(f"/<{id_arg}>")(ItemView)
    return blp
