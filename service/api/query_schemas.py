"""The query arguments of the catalogue: the release to read, paging, search and filters."""

from __future__ import annotations

from marshmallow import fields, validate

from ..domain import Difficulty, Focus, Position
from .fields import StrictSchema, content_id, content_version, language
from .fields import doc as _d

NO_EQUIPMENT = "none"  # in a query, "the person has nothing": a list cannot be sent empty


class ReleaseQuerySchema(StrictSchema):
    content_version = content_version()
    lang = language()


class VersionQuerySchema(StrictSchema):
    content_version = content_version()


class LanguageQuerySchema(StrictSchema):
    lang = language()


class PageQuerySchema(ReleaseQuerySchema):
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=10_000),
        metadata=_d("Page number, from 1. A page past the last one is empty."),
    )
    page_size = fields.Integer(
        load_default=20,
        validate=validate.Range(min=1, max=100),
        metadata=_d("Entries per page, 1 to 100."),
    )
    q = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata=_d(
            "Text search: keeps entries whose text contains every word of `q`, ignoring case."
        ),
    )


class ItemQuerySchema(PageQuerySchema):
    equipment = fields.List(
        content_id("An equipment id of the release, or `none`."),
        validate=validate.Length(max=50),
        metadata=_d(
            "What the person has, as equipment ids of the release read (its manifest lists "
            "them); repeat the parameter for each piece. Keeps only entries whose every "
            "requirement group is met. Absent: no equipment filter. `none` adds nothing: alone, "
            "it means the person has nothing, so only entries needing no equipment. An id the "
            "release does not know is a 422 listing the ones it does."
        ),
    )
    position = fields.Enum(
        Position, by_value=True, metadata=_d("Keep only entries done in this position.")
    )
    focus = fields.Enum(Focus, by_value=True, metadata=_d("Keep only entries with this focus."))
    difficulty = fields.Enum(
        Difficulty, by_value=True, metadata=_d("Keep only entries of this difficulty.")
    )
