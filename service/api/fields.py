"""Shared marshmallow pieces: documented fields, strict booleans, schemas that refuse unknowns."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from .examples import examples

# The shape of a content id (an exercise, a question, equipment): checked against the release
# the request reads, so the API document lists no content.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MAX_LENGTH = 64


def doc(text: str, **extra: object) -> dict[str, object]:
    """Field metadata: every field carries a description in the OpenAPI document."""
    return {"description": text, **extra}


class StrictBoolean(fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes 1, "yes" and "on"."""

    # marshmallow's signature, names included (mypy checks the override); only `value` matters.
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:  # noqa: ARG002
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictSchema(ma.Schema):
    """Input schemas refuse what they do not know, so a misspelt field is an error, not ignored."""

    class Meta:
        unknown = ma.RAISE


def content_id(description: str, **extra: object) -> fields.String:
    """A content id: its shape is checked here, its existence against the release read."""
    return fields.String(
        validate=[
            validate.Length(min=1, max=ID_MAX_LENGTH),
            validate.Regexp(ID_PATTERN, error="Not an id: lower-case words joined by '-'."),
        ],
        metadata=doc(description, **extra),
    )


VERSION_DESCRIPTION = (
    "The content release to read (see /content/releases). Absent: the latest release, cached "
    "briefly. Given: that release, cached for a long time since releases never change. An "
    "unknown version is a 404 problem listing the available ones."
)


def content_version() -> fields.String:
    """The `content_version` argument; an unknown version is a 404, never a path lookup."""
    return fields.String(
        validate=validate.Length(min=1, max=ID_MAX_LENGTH),
        metadata=doc(VERSION_DESCRIPTION, example=examples()["release"]),
    )


LANGUAGE_DESCRIPTION = (
    "The language of the text, one of the release's `languages` (GET /content/releases/{v}). "
    "Wins over `Accept-Language`. Absent: `Accept-Language` decides, by q-value; without a "
    "match, the release's first language. A language the release lacks is a 422 listing its "
    "languages. Fields not yet translated are sent in the first language and named in the "
    "`Language-Fallback` header."
)


def language() -> fields.String:
    """The `lang` argument: a language tag, checked against the release read."""
    return fields.String(
        validate=validate.Regexp(
            r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$", error="Not a language tag such as 'es'."
        ),
        metadata=doc(LANGUAGE_DESCRIPTION, example=examples()["language"]),
    )
