"""The Blueprint of every resource: strict argument parsing and the shared response docs."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import default_exceptions

from .problem_schema import ProblemSchema
from .problems import PROBLEM_JSON, fail, problem_for

UNKNOWN_VERSION = (
    "Content version '0.0.0' is not available. Available versions: those GET "
    "/content/releases lists."
)
FHIR_JSON = "application/fhir+json"
NOT_ACCEPTABLE = (
    "This resource is offered as application/json or application/fhir+json (FHIR R4); the "
    "Accept header allows neither."
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
    "Content-Language": {
        "description": "The language of the text (`lang`, else Accept-Language).",
        "schema": {"type": "string"},
    },
    "Language-Fallback": {
        "description": (
            "Present when some text fields have no translation in Content-Language and are "
            "sent in the release's first language: their paths as `file/id/field`, comma "
            "separated (for a routine or a diff, every such field of the releases read; for a "
            "bundle of several languages, each prefixed with its language and a colon)."
        ),
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "Short max-age for the latest release; a year and `immutable` when pinned.",
        "schema": {"type": "string"},
    },
}


class LanguageHeadersSchema(ma.Schema):
    """Documents Accept-Language; the other request headers are none of the schema's business."""

    class Meta:
        unknown = ma.EXCLUDE

    accept_language = ma.fields.String(
        data_key="Accept-Language",
        metadata={
            "description": (
                "Preferred languages with q-values (`es-MX, es;q=0.9, en;q=0.5`). A range "
                "matches a release language exactly or by dropping subtags (`es-MX` reads "
                "`es`); none matching gives the release's first language. `lang` wins."
            ),
            "example": "es, en;q=0.5",
        },
    )


class ContentHeadersSchema(LanguageHeadersSchema):
    """Documents If-None-Match as well, for the answers that can be revalidated."""

    if_none_match = ma.fields.String(
        data_key="If-None-Match",
        metadata={
            "description": "ETag(s) the client holds; a match gives 304 Not Modified, no body."
        },
    )


class Parser(FlaskParser):
    """webargs' Flask parser, stricter: no repeated single value, no body that is not JSON."""

    def load_querystring(self, req: Any, schema: ma.Schema) -> Any:
        # webargs would silently take the first of a repeated single-valued parameter.
        lists = {
            field.data_key or name
            for name, field in schema.fields.items()
            if isinstance(field, ma.fields.List)
        }
        repeated = sorted(
            key for key in req.args if key not in lists and len(req.args.getlist(key)) > 1
        )
        if repeated:
            raise problem_for(
                422,
                [("query", key, "Given more than once; it takes one value.") for key in repeated],
            )
        return super().load_querystring(req, schema)

    def _raw_load_json(self, req: Any) -> Any:
        # webargs reads a body that is not JSON as no body at all, which would answer a form
        # post with a default routine; refuse it instead.
        if not is_json_request(req):
            raise default_exceptions[415]()
        if not req.get_data(cache=True):
            fail(400, "The request body is empty: send a JSON object, {} for every default.")
        return super()._raw_load_json(req)


class Blueprint(SmorestBlueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint with strict arguments and our documented responses."""

    # webargs ignores unknown query parameters by default; with None the schemas' own
    # `unknown = RAISE` applies, so a misspelt parameter is a 422 rather than silently dropped.
    ARGUMENTS_PARSER = Parser(unknown=None)

    def conditional(self) -> Any:
        """Documents If-None-Match and the 304 it can give, and Accept-Language."""

        def decorate(func: Any) -> Any:
            func = self.arguments(ContentHeadersSchema, location="headers", as_kwargs=True)(func)
            return self.alt_response(
                304,
                description="Not Modified: the If-None-Match ETag still holds; no body.",
                headers=CONTENT_HEADERS,
            )(func)

        return decorate

    def fhir(self, resource: str, example: Any) -> Any:
        """Documents the FHIR R4 answer of an operation (Accept: application/fhir+json) and the
        406 for an Accept that allows neither it nor JSON."""

        def decorate(func: Any) -> Any:
            func = self.problem(406, "Accept allows neither application/json nor "
                                "application/fhir+json.", NOT_ACCEPTABLE)(func)  # fmt: skip
            return self.doc(responses={200: {"content": {FHIR_JSON: {
                "schema": {"type": "object", "description": f"A FHIR R4 {resource}, sent for "
                           "Accept: application/fhir+json."},
                "example": example}}}})(func)  # fmt: skip

        return decorate

    def problem(self, status: int, description: str, detail: str) -> Any:
        """Documents an error response as problem+json, with an example."""
        return self.alt_response(
            status,
            schema=ProblemSchema,
            content_type=PROBLEM_JSON,
            description=description,
            example={
                "type": "about:blank",
                "title": HTTPStatus(status).phrase,
                "status": status,
                "detail": detail,
            },
        )

    def content(
        self,
        schema: Any,
        description: str,
        *,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        links: dict[str, tuple[str, dict[str, str]]] | None = None,
        not_found: str | None = "Unknown content_version.",
        not_found_detail: str = UNKNOWN_VERSION,
        content_type: str | None = None,
    ) -> Any:
        """Documents a content answer: its 200 and example, If-None-Match and 304, and a 404.

        `links` names OpenAPI links from the 200: name to (operationId, parameters).
        `content_type` documents a 200 of that media type (a string) instead of JSON.
        """

        def decorate(func: Any) -> Any:
            if content_type is not None:
                func = self.doc(responses={200: {"content": {content_type: {
                    "schema": {"type": "string"}, "example": example}}}})(func)  # fmt: skip
            if links:
                func = self.doc(responses={200: {"links": {
                    name: {"operationId": operation, "parameters": parameters}
                    for name, (operation, parameters) in links.items()
                }}})(func)  # fmt: skip
            if not_found is not None:
                func = self.problem(404, not_found, not_found_detail)(func)
            func = self.conditional()(func)
            return self.response(
                200,
                schema,
                description=description,
                headers=CONTENT_HEADERS if headers is None else headers,
                example=None if content_type else example,
                examples=examples,
            )(func)

        return decorate
