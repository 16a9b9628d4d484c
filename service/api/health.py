"""/health/live and /health/ready, for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from .blueprint import Blueprint
from .examples import examples
from .fields import StrictSchema
from .representations import current_store, to_json


class HealthSchema(ma.Schema):
    """A health answer: `live`, or `ready` with the releases loaded."""

    status = ma.fields.String(
        required=True, metadata={"description": "`live` or `ready`.", "enum": ["live", "ready"]}
    )
    latest_version = ma.fields.String(
        metadata={"description": "The content release served by default (ready only)."}
    )
    versions = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Every content release loaded and checked (ready only)."},
    )


class NoQuerySchema(StrictSchema):
    """Health checks take no query parameters: one given is a 422, as everywhere in the API."""


blp = Blueprint(
    "operations",
    __name__,
    url_prefix="/health",
    description="Liveness and readiness, for operators; not part of the content API.",
)
LIVE = to_json({"status": "live"})
READY_EXAMPLE = {
    "status": "ready",
    "latest_version": examples()["release"],
    "versions": [summary["version"] for summary in reversed(examples()["releases"])],
}


def _answer(body: bytes) -> Response:
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})


@blp.route("/live")
class Live(MethodView):
    """The liveness check, /health/live."""

    @blp.arguments(NoQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, HealthSchema, example={"status": "live"})
    @blp.doc(operationId="getLiveness")
    def get(self) -> Any:
        """Liveness

        200 while the process can answer requests.
        """
        return _answer(LIVE)


@blp.route("/ready")
class Ready(MethodView):
    """The readiness check, /health/ready."""

    @blp.arguments(NoQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, HealthSchema, example=READY_EXAMPLE)
    @blp.doc(operationId="getReadiness")
    def get(self) -> Any:
        """Readiness

        200 once every content release has loaded and passed its checks, with the latest
        version; a process with invalid content never starts, so one that answers is ready.
        """
        store = current_store()
        versions = list(store.releases)
        return _answer(
            to_json({"status": "ready", "latest_version": versions[-1], "versions": versions})
        )
