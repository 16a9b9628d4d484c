"""Swagger UI, served from the swagger-ui-py package so the docs need no network and no CDN."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

import swagger_ui
from flask import Blueprint, Response

from .problems import fail
from .representations import Representation, send

ASSETS = Path(swagger_ui.__file__).parent / "static"
# Only what the page loads; the package also ships the Swagger Editor, which is not served.
SERVED = (
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-32x32.png",
)
MAX_AGE = 24 * 3600


def docs_assets_blueprint() -> Blueprint:
    """The Swagger UI files, read once and compressed once, like the content."""
    blp = Blueprint("docs_assets", __name__, url_prefix="/docs/assets")
    assets: dict[str, Representation] = {}
    for name in SERVED:
        body = (ASSETS / name).read_bytes()
        assets[name] = Representation(
            body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        )

    @blp.get("/<filename>")
    def asset(filename: str) -> Response:
        if filename not in assets:
            fail(404, "There is no such documentation asset.")
        return send(
            assets[filename],
            mimetype=mimetypes.guess_type(filename)[0] or "application/octet-stream",
            headers=[("Cache-Control", f"public, max-age={MAX_AGE}")],
        )

    return blp
