"""/content/releases: which content releases the service holds, and their manifests."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ..domain import Release
from .blueprint import Blueprint
from .content_schemas import ManifestSchema, ReleaseSummarySchema
from .examples import examples
from .query_schemas import LanguageQuerySchema
from .representations import (
    Representation,
    current_store,
    fallback_headers,
    represent,
    respond,
)

blp = Blueprint(
    "releases",
    __name__,
    url_prefix="/content/releases",
    description="Content releases: immutable, versioned sets of the catalogue's content.",
)
MANIFEST_FILES = ("manifest/", "equipment/")  # the fallbacks a manifest's answer can carry
VERSION_PARAMETER = {
    "in": "path",
    "name": "version",
    "description": "Semantic version of the release (see GET /content/releases).",
    "example": examples()["release"],
    "schema": {"type": "string", "maxLength": 64},
}


def _describe(release: Release, latest: Release) -> dict[str, Any]:
    manifest = release.manifest
    return {
        "version": release.version,
        "released": manifest.released,
        "checksum": release.checksum,
        "latest": release.version == latest.version,
        "counts": release.counts,
        "languages": release.manifest.languages,
        "summary": manifest.summary,
        "changes": manifest.changes,
        "safety_notice": manifest.safety_notice,
        "professional_advice": manifest.professional_advice,
        "equipment": release.equipment,
        "sources": manifest.sources,
        "removed": [
            {"kind": removal.kind.value, "id": removal.id, "replaced_by": removal.replaced_by}
            for removal in manifest.removed
        ],
    }


def summaries(releases: dict[str, Release], language: str | None = None) -> list[dict[str, Any]]:
    """Every release's summary, newest first, each in `language` when it has it; the last of
    `releases` is the latest."""
    latest = list(releases.values())[-1]
    listed = [
        _describe(release.translations.get(language or "", release), latest)
        for release in reversed(releases.values())
    ]
    dumped: list[dict[str, Any]] = ReleaseSummarySchema(many=True).dump(listed)
    return dumped


def manifest(release: Release, latest: Release) -> dict[str, Any]:
    """A release's manifest as GET /content/releases/{version} gives it."""
    dumped: dict[str, Any] = ManifestSchema().dump(_describe(release, latest))
    return dumped


def _listing(latest: Release) -> Representation:
    store = current_store()
    # The list describes the set of releases, not one of them: its ETag is over the latest.
    return store.once(
        ("releases", latest.language),
        lambda: represent(latest, summaries(store.releases, latest.language)),
    )


@blp.route("")
class Releases(MethodView):
    """Every content release the service holds."""

    @blp.content(
        ReleaseSummarySchema(many=True),
        "Every release, newest first.",
        example=examples()["releases"],
        links={"GetRelease": ("getRelease", {"version": "$response.body#/0/version"})},
        not_found=None,
    )
    @blp.arguments(LanguageQuerySchema, location="query", as_kwargs=False)
    @blp.doc(operationId="listReleases")
    def get(self, args: dict[str, Any], **_: Any) -> Any:
        """List content releases

        Every content release the service holds, newest first, with its date, checksum and
        the number of entries of each kind. `Content-Version` names the latest release, which
        requests without `content_version` read.
        """
        store = current_store()
        resolved = store.resolve(None, args.get("lang"))
        return respond(store, _listing(resolved.release), resolved)


@blp.route("/<version>", parameters=[VERSION_PARAMETER])
class ReleaseByVersion(MethodView):
    """One content release's manifest, by version."""

    @blp.content(
        ManifestSchema, "The release's manifest.", example=examples()["manifest"],
        not_found="No release with this version.",
    )  # fmt: skip
    @blp.arguments(LanguageQuerySchema, location="query", as_kwargs=False)
    @blp.doc(operationId="getRelease")
    def get(self, args: dict[str, Any], version: str, **_: Any) -> Any:
        """Get a release's manifest

        The manifest of one release: version, date, checksum, counts, what changed, its
        equipment vocabulary and the sources its content cites. Releases are immutable, so
        this response is cached for a long time.
        """
        store = current_store()
        resolved = store.resolve(version, args.get("lang"))
        release = resolved.release
        fallbacks = [path for path in release.fallbacks if path.startswith(MANIFEST_FILES)]
        page = store.once(
            ("manifest", *release.edition),
            lambda: represent(
                release, manifest(release, store.latest), fallback_headers(fallbacks)
            ),
        )
        return respond(store, page, resolved)
