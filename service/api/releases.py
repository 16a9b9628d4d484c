"""/content/releases: which content releases the service holds, and their manifests."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from ..domain import Release
from .blueprint import CONTENT_HEADERS, Blueprint
from .catalogue import UNKNOWN_VERSION
from .representations import Representation, Store, represent, respond
from .schemas import ManifestSchema, ReleaseSummarySchema


def describe(release: Release, latest: Release) -> dict[str, Any]:
    """The fields shared by a release's summary and its manifest."""
    manifest = release.manifest
    return {
        "version": release.version,
        "released": manifest.released,
        "checksum": release.checksum,
        "latest": release is latest,
        "counts": release.counts,
        "summary": manifest.summary,
        "changes": manifest.changes,
        "safety_notice": manifest.safety_notice,
        "professional_advice": manifest.professional_advice,
        "equipment": release.equipment,
        "sources": manifest.sources,
    }


def releases_blueprint(store: Store) -> Blueprint:
    blp = Blueprint(
        "releases",
        __name__,
        url_prefix="/content/releases",
        description="Content releases: immutable, versioned sets of the catalogue's content.",
    )
    summaries = ReleaseSummarySchema(many=True).dump(
        [describe(release, store.latest) for release in reversed(store.releases.values())]
    )
    manifests = {
        version: ManifestSchema().dump(describe(release, store.latest))
        for version, release in store.releases.items()
    }
    # The list describes the set of releases, not one of them: its ETag is over the latest.
    listing: Representation = represent(store.latest, summaries)
    pages = {
        version: represent(store.releases[version], manifest)
        for version, manifest in manifests.items()
    }

    @blp.route("")
    class Releases(MethodView):
        @blp.response(
            200,
            ReleaseSummarySchema(many=True),
            description="Every release, newest first.",
            headers=CONTENT_HEADERS,
            example=summaries,
        )
        @blp.conditional()
        @blp.doc(
            summary="List content releases",
            description="Every content release the service holds, newest first, with its "
            "date, checksum and the number of entries of each kind. `Content-Version` names the "
            "latest release, which requests without `content_version` read.",
            operationId="listReleases",
            responses={
                200: {
                    "links": {
                        "GetRelease": {
                            "operationId": "getRelease",
                            "parameters": {"version": "$response.body#/0/version"},
                            "description": "The manifest of the newest release.",
                        }
                    }
                }
            },
        )
        def get(self, **_: Any) -> Any:
            store.resolve(None)
            return respond(store, listing)

    @blp.route(
        "/<version>",
        parameters=[
            {
                "in": "path",
                "name": "version",
                "description": "Semantic version of the release.",
                "example": store.latest.version,
                "schema": {"type": "string", "enum": list(store.releases)},
            }
        ],
    )
    class ReleaseByVersion(MethodView):
        @blp.response(
            200,
            ManifestSchema,
            description="The release's manifest.",
            headers=CONTENT_HEADERS,
            example=manifests[store.latest.version],
        )
        @blp.conditional()
        @blp.problem(404, "No release with this version.", UNKNOWN_VERSION)
        @blp.doc(
            summary="Get a release's manifest",
            description="The manifest of one release: version, date, checksum, counts, what "
            "changed, its equipment vocabulary and the sources its content cites. Releases are "
            "immutable, so this response is cached for a long time.",
            operationId="getRelease",
        )
        def get(self, version: str, **_: Any) -> Any:
            release = store.resolve(version)
            return respond(store, pages[release.version])

    return blp
