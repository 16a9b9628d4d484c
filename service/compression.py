"""Compression (br, gzip) of the responses that content representations do not compress."""

from __future__ import annotations

from flask import Flask, Response
from flask_compress import Compress

from .api.problems import PROBLEM_JSON


class ProblemCompress(Compress):
    """flask-compress, which compresses 2xx answers only, compressing problems as well."""

    def after_request(self, response: Response | None) -> Response:
        """The response compressed when accepted, a problem+json error as much as a 200."""
        if response is None:
            return super().after_request(response)
        _read_file(response)
        status = response.status_code
        if response.mimetype == PROBLEM_JSON:
            response.status_code = 200  # seen as a 200 by flask-compress's status check only
        try:
            compressed: Response = super().after_request(response)
        finally:
            response.status_code = status
        return compressed


def _read_file(response: Response) -> None:
    """A file response (a static file) read into memory and its file closed: flask-compress
    reads the body and drops the file unclosed otherwise (a ResourceWarning per response)."""
    wrapped = response.response
    if response.direct_passthrough and hasattr(wrapped, "close"):
        response.direct_passthrough = False
        data = response.get_data()
        wrapped.close()
        response.set_data(data)


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
    ProblemCompress(app)
