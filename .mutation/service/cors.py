"""Cross-origin access for the configured origins only, with Vary: Origin on every response."""

from __future__ import annotations

from flask import Flask, Response
from flask_cors import CORS

EXPOSED_HEADERS = ["ETag", "Content-Version", "X-Pagination", "X-Request-ID", "Content-Location"]


def install(app: Flask) -> None:
    """CORS for CORS_ORIGINS (none by default); with any, every response says Vary: Origin.

    Vary: Origin goes on answers to requests without an Origin too: those carry no CORS headers,
    and a cache in front (nginx, a browser's) must not give one of them to a request with one.
    """
    origins = app.config["CORS_ORIGINS"]
    CORS(
        app,
        origins=origins,
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "If-None-Match", "X-Request-ID"],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
        # Only answers to requests with an Origin carry CORS headers (the response cache never
        # stores those); Vary: Origin is this module's, on every response, not only on those.
        always_send=False,
        vary_header=False,
    )
    if origins:

        @app.after_request
        def vary_on_origin(response: Response) -> Response:
            response.headers["Vary"] = with_origin(response.headers.get("Vary"))
            return response


def with_origin(vary: str | None) -> str:
    """A Vary header's value with Origin among its names (service/routine_path.py uses it too)."""
    if not vary:
        return "Origin"
    if "origin" in (name.strip().lower() for name in vary.split(",")):
        return vary
    return f"{vary}, Origin"
