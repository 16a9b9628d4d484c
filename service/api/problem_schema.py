"""The schema of RFC 9457 problem details, as every error response documents it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from .fields import doc as _d


class FieldErrorSchema(ma.Schema):
    """One invalid field of a request: where it is, its name and what is wrong."""

    location = fields.String(
        required=True, metadata=_d("Where the field is: `query`, `json` or `path`.")
    )
    field = fields.String(
        required=True, metadata=_d("Dotted path of the field; empty for the whole location.")
    )
    message = fields.String(required=True, metadata=_d("What is wrong with it."))


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = fields.String(
        required=True, metadata=_d("A URI identifying the problem type; `about:blank` here.")
    )
    title = fields.String(required=True, metadata=_d("The HTTP status phrase."))
    status = fields.Integer(required=True, metadata=_d("The HTTP status code."))
    detail = fields.String(
        required=True, metadata=_d("What went wrong with this request, for a person to read.")
    )
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        metadata=_d("For invalid input (422 and some 400): one entry per invalid field."),
    )
    replaced_by = fields.List(
        fields.String(),
        metadata=_d(
            "For 410 Gone, when something replaces the resource: the URLs of what does, such "
            "as the same routine request on the latest release, or the entries a release "
            "put in place of one it removed."
        ),
    )
