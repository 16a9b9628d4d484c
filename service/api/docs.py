"""Swagger UI, served from the swagger-ui-py package so the docs need no network and no CDN."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from flask import Blueprint, Response, abort, send_from_directory

ASSETS = Path(swagger_ui.__file__).parent / "static"
# Only what the page loads; the package also ships the Swagger Editor, which is not served.
SERVED = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-32x32.png",
    }
)


def docs_assets_blueprint() -> Blueprint:
    blp = Blueprint("docs_assets", __name__, url_prefix="/docs/assets")

    @blp.get("/<filename>")
    def asset(filename: str) -> Response:
        if filename not in SERVED:
            abort(404)
        return send_from_directory(ASSETS, filename, max_age=24 * 3600)

    return blp
