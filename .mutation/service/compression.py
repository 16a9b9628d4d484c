"""Compression (br, gzip) of the responses that content representations do not compress."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress


def install(app: Flask) -> None:
    """Compress problems, HTML, the OpenAPI document and the like when the client accepts it.

    Content representations (api/representations.py) compress themselves, once, for the same
    encodings and threshold; flask-compress leaves a response with a Content-Encoding alone.
    """
    app.config.update(
        COMPRESS_MIMETYPES=[
            "application/json",
            "application/problem+json",
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
        ],
        COMPRESS_ALGORITHM=["br", "gzip"],
    )
    Compress(app)
