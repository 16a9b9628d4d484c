"""The documented shapes of a release's bundle, of the JSON Patch between bundles, and of a diff."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from .content_schemas import (
    GuidanceSchema,
    ItemSchema,
    ManifestSchema,
    PrecautionSchema,
    ScreeningQuestionSchema,
)
from .examples import examples
from .fields import ID_MAX_LENGTH, StrictSchema, language
from .fields import doc as _d


class BundleQuerySchema(StrictSchema):
    lang = language()
    since = fields.String(
        validate=validate.Length(min=1, max=ID_MAX_LENGTH),
        metadata=_d(
            "A release the client already holds the bundle of (with the same `lang`). The "
            "answer is then an RFC 6902 JSON Patch (`application/json-patch+json`) that turns "
            "that bundle into this one; `[]` when they are equal. An unknown version is a 404.",
            example=examples()["since"],
        ),
    )


class BundleManifestSchema(ManifestSchema):
    """The manifest without `latest`: a bundle never changes, which release is latest does."""

    class Meta:
        exclude = ("latest",)


class BundleContentSchema(ma.Schema):
    manifest = fields.Nested(BundleManifestSchema, required=True, metadata=_d("The manifest."))
    exercises = fields.List(
        fields.Nested(ItemSchema), required=True, metadata=_d("Every exercise, as /exercises.")
    )
    stretches = fields.List(
        fields.Nested(ItemSchema), required=True, metadata=_d("Every stretch, as /stretches.")
    )
    precautions = fields.List(
        fields.Nested(PrecautionSchema),
        required=True,
        metadata=_d("Every precaution, as /precautions."),
    )
    guidance = fields.List(
        fields.Nested(GuidanceSchema), required=True, metadata=_d("Every guidance entry.")
    )
    screening = fields.List(
        fields.Nested(ScreeningQuestionSchema),
        required=True,
        metadata=_d("Every screening question, as /screening."),
    )


class BundleSchema(ma.Schema):
    version = fields.String(required=True, metadata=_d("The release's version."))
    languages = fields.List(
        fields.String(), required=True, metadata=_d("Every language of the release, first first.")
    )
    content = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(BundleContentSchema),
        required=True,
        metadata=_d(
            "By language (every one, or the one `lang` names): the manifest and every entry of "
            "every collection, each as the collection's own endpoint gives it, in content order."
        ),
    )


class PatchOperationSchema(ma.Schema):
    op = fields.String(required=True, metadata=_d("`add`, `remove` or `replace`."))
    path = fields.String(required=True, metadata=_d("JSON Pointer (RFC 6901) into the bundle."))
    value = fields.Raw(metadata=_d("The new value, for `add` and `replace`."))


class EntryNameSchema(ma.Schema):
    id = fields.String(required=True, metadata=_d("The entry's id."))
    label = fields.String(required=True, metadata=_d("Its name, title or question."))


class RemovedEntrySchema(EntryNameSchema):
    replaced_by = fields.List(
        fields.String(), required=True, metadata=_d("Ids of the entries replacing it.")
    )


class FieldChangeSchema(ma.Schema):
    field = fields.String(required=True, metadata=_d("A top-level field of the entry."))
    from_ = fields.Raw(
        data_key="from", required=True, metadata=_d("Its value before; null if absent.")
    )
    to = fields.Raw(required=True, metadata=_d("Its value after; null if absent."))


class ChangedEntrySchema(EntryNameSchema):
    fields_ = fields.List(
        fields.Nested(FieldChangeSchema),
        data_key="fields",
        required=True,
        metadata=_d("Each top-level field that differs, in the later release's order."),
    )


class CollectionChangesSchema(ma.Schema):
    collection = fields.String(
        required=True, metadata=_d("`exercises`, `stretches`, ..., or `equipment`.")
    )
    added = fields.List(
        fields.Nested(EntryNameSchema), required=True, metadata=_d("Entries new in `to`.")
    )
    removed = fields.List(
        fields.Nested(RemovedEntrySchema),
        required=True,
        metadata=_d("Entries of `from` that `to` no longer holds."),
    )
    changed = fields.List(
        fields.Nested(ChangedEntrySchema),
        required=True,
        metadata=_d("Entries in both whose content differs."),
    )


class DiffSchema(ma.Schema):
    from_ = fields.String(data_key="from", required=True, metadata=_d("The earlier release."))
    to = fields.String(required=True, metadata=_d("The later release."))
    language = fields.String(required=True, metadata=_d("The language compared."))
    collections = fields.List(
        fields.Nested(CollectionChangesSchema),
        required=True,
        metadata=_d("One per collection, in a fixed order, the equipment last."),
    )
