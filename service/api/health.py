"""/health/live and /health/ready, for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from .blueprint import Blueprint
from .representations import Store, to_json


class HealthSchema(ma.Schema):
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


def health_blueprint(store: Store) -> Blueprint:
    blp = Blueprint(
        "operations",
        __name__,
        url_prefix="/health",
        description="Liveness and readiness, for operators; not part of the content API.",
    )
    # The app is built only after every release has loaded and passed its checks, so a
    # process that answers at all is ready.
    ready = to_json(
        {
            "status": "ready",
            "latest_version": store.latest.version,
            "versions": list(store.releases),
        }
    )
    live = to_json({"status": "live"})

    def answer(body: bytes) -> Response:
        return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})

    @blp.route("/live")
    class Live(MethodView):
        @blp.response(200, HealthSchema, example={"status": "live"})
        @blp.doc(
            summary="Liveness",
            description="200 while the process can answer requests.",
            operationId="getLiveness",
        )
        def get(self) -> Any:
            return answer(live)

    @blp.route("/ready")
    class Ready(MethodView):
        @blp.response(
            200,
            HealthSchema,
            example={"status": "ready", "latest_version": "1.0.0", "versions": ["1.0.0"]},
        )
        @blp.doc(
            summary="Readiness",
            description="200 once every content release has loaded and passed its checks, "
            "with the latest version; a process with invalid content never starts.",
            operationId="getReadiness",
        )
        def get(self) -> Any:
            return answer(ready)

    return blp
