"""Offline content: a release's whole bundle, the JSON Patch from an older one, and the diff."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView

from ..domain import Kind, Release, compare, make_patch
from .blueprint import Blueprint
from .bundle_schemas import BundleQuerySchema, BundleSchema, DiffSchema, PatchOperationSchema
from .catalogue import SCHEMAS
from .content_schemas import EquipmentSchema
from .examples import examples
from .languages import choose_language
from .query_schemas import LanguageQuerySchema
from .releases import VERSION_PARAMETER, manifest
from .representations import (
    CONTENT_VARY,
    JSON,
    Store,
    current_store,
    fallback_headers,
    release_headers,
    represent,
    send,
)

PATCH = "application/json-patch+json"
TO_PARAMETER = VERSION_PARAMETER | {
    "name": "to",
    "description": "Semantic version of the later release to compare with.",
}

blp = Blueprint(
    "bundles",
    __name__,
    url_prefix="/content/releases",
    description=(
        "Offline use: a release's whole content in one immutable document, then only the "
        "changes (JSON Patch) when a new release comes; and what changed, for people."
    ),
)


def bundle_of(store: Store, release: Release, languages: list[str]) -> dict[str, Any]:
    """A release's bundle: for each of `languages`, its manifest and every entry."""
    content = {}
    for language in languages:
        translated = release.in_language(language)
        described = manifest(translated, store.latest)
        del described["latest"]  # a bundle never changes; which release is latest does
        content[language] = {
            "manifest": described,
            **{kind.value: store.dumped(translated, kind, SCHEMAS[kind].dump) for kind in Kind},
        }
    return {"version": release.version, "languages": list(release.manifest.languages),
            "content": content}  # fmt: skip


def _languages(store: Store, version: str, lang: str | None) -> tuple[Release, list[str]]:
    """The release of a version (404 if unknown) and the languages its bundle holds."""
    resolved = store.resolve(version, lang)
    release = store.releases[version]
    return release, [resolved.release.language] if lang else list(release.manifest.languages)


def _fallbacks(release: Release, languages: list[str]) -> list[tuple[str, str]]:
    """Language-Fallback of a bundle: its language's fields, or each language's prefixed with
    the language and a colon (`es:exercises/heel-raises/steps`) when it holds several."""
    if len(languages) == 1:
        return fallback_headers(release.in_language(languages[0]).fallbacks)
    return fallback_headers(
        f"{language}:{path}"
        for language in languages
        for path in release.in_language(language).fallbacks
    )


def _send(
    store: Store, release: Release, languages: list[str], found: Any, mimetype: str
) -> Response:
    headers = [
        (name, ", ".join(languages) if name == "Content-Language" else value)
        for name, value in release_headers(store, release, pinned=True)
    ]
    return send(found, mimetype=mimetype, headers=headers, vary="Accept-Encoding")


@blp.route("/<version>/bundle", parameters=[VERSION_PARAMETER])
class ReleaseBundle(MethodView):
    """A release's whole content, or the patch to it from an earlier bundle."""

    @blp.arguments(BundleQuerySchema, location="query", as_kwargs=False)
    @blp.content(
        BundleSchema,
        "The bundle; with `since`, the JSON Patch to it (application/json-patch+json).",
        example=examples()["bundle"],
        not_found="No release with this version (or `since`).",
    )
    @blp.doc(
        operationId="getBundle",
        responses={200: {"content": {PATCH: {
            "schema": {"type": "array", "items": PatchOperationSchema},
            "example": examples()["patch"],
        }}}},
    )  # fmt: skip
    def get(self, args: dict[str, Any], version: str, **_: Any) -> Any:
        """Get a release's bundle, or the patch to it

        Every collection of the release in one document, in every language or the one `lang`
        names, compressed and immutable (strong ETag, `Cache-Control: immutable`): an offline
        app downloads it once. With `since`, the RFC 6902 JSON Patch that turns the bundle of
        that release (the same `lang`) into this one, so an app holding it fetches only the
        changes. Accept-Language plays no part: without `lang`, every language is sent.
        """
        store = current_store()
        lang = args.get("lang")
        release, languages = _languages(store, version, lang)
        since = args.get("since")
        if since is None:
            found = store.once(
                ("bundle", version, lang),
                lambda: represent(
                    release, bundle_of(store, release, languages), _fallbacks(release, languages)
                ),
            )
            return _send(store, release, languages, found, JSON)
        source, source_languages = _languages(store, since, lang)

        def patch() -> Any:
            return represent(release, make_patch(
                bundle_of(store, source, source_languages), bundle_of(store, release, languages)
            ), _fallbacks(release, languages))  # fmt: skip

        found = store.once(("patch", since, version, lang), patch)
        return _send(store, release, languages, found, PATCH)


@blp.route("/<version>/diff/<to>", parameters=[VERSION_PARAMETER, TO_PARAMETER])
class ReleaseDiff(MethodView):
    """What changed from one release to another, entry by entry and field by field."""

    @blp.arguments(LanguageQuerySchema, location="query", as_kwargs=False)
    @blp.content(
        DiffSchema,
        "The changes.",
        example=examples()["diff"],
        not_found="No release with one of these versions.",
    )
    @blp.doc(operationId="getReleaseDiff")
    def get(self, args: dict[str, Any], version: str, to: str, **_: Any) -> Any:
        """Compare two releases

        For people reviewing a new release: per collection (and the equipment), the entries
        added, removed (with what replaces them) and changed, with each changed field's value
        before and after. Both are read in one language they share: `lang`, else
        Accept-Language, else the later release's first language.
        """
        store = current_store()
        source = store.resolve(version).release
        target = store.resolve(to).release
        shared = [name for name in target.manifest.languages if name in source.manifest.languages]
        language = choose_language(
            shared,
            args.get("lang"),
            request.headers.get("Accept-Language"),
            f"Releases {version} and {to} are both",
        )
        source, target = source.in_language(language), target.in_language(language)
        fallbacks = dict.fromkeys([*source.fallbacks, *target.fallbacks])  # both, in order
        found = store.once(("diff", version, to, language), lambda: represent(
            target, diff_of(store, source, target), fallback_headers(fallbacks)
        ))  # fmt: skip
        headers = release_headers(store, target, pinned=True)
        return send(found, mimetype=JSON, headers=headers, vary=CONTENT_VARY)


def diff_of(store: Store, source: Release, target: Release) -> dict[str, Any]:
    """The changes from `source` to `target`, both in one language."""
    removed = store.removed[target.version]
    collections = [
        {
            "collection": kind.value,
            **compare(
                store.dumped(source, kind, SCHEMAS[kind].dump),
                store.dumped(target, kind, SCHEMAS[kind].dump),
                {
                    ident: removal.replaced_by
                    for (k, ident), removal in removed.items()
                    if k is kind
                },
            ),
        }
        for kind in Kind
    ]
    equipment = EquipmentSchema(many=True)
    collections.append({
        "collection": "equipment",
        **compare(equipment.dump(source.equipment), equipment.dump(target.equipment)),
    })  # fmt: skip
    return {"from": source.version, "to": target.version, "language": target.language,
            "collections": collections}  # fmt: skip
