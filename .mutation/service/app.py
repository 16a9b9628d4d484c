"""The application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .config import from_env
from .domain import Release, load_releases

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]


def create_app(
    test_config: Mapping[str, Any] | None = None, releases: dict[str, Release] | None = None
) -> Flask:
    """Build the app on the configured content (or on `releases`, already loaded), loading and
    checking every release first. `flask content check` builds it too, so what the check
    accepts also starts.

    Raises ContentError when a content release is invalid: the service never serves bad content;
    ValueError when the configuration is.
    """
    app = Flask(__name__)
    app.config.update(from_env())
    if test_config is not None:
        app.config.update(test_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if releases is None:
        releases = load_releases(app.config["CONTENT_DIR"])

    from . import api, compression, cors, fastpath, observability, routine_path
    from .api.representations import ENCODERS

    api.register(app, releases)
    cors.install(app)
    compression.install(app)
    # WSGI layers in front of Flask, innermost first: new routines, the response cache, then
    # request ids and metrics around everything (they work without the other two).
    routine_path.install(app, SECURITY_HEADERS)
    fastpath.install(app, codings=ENCODERS)
    observability.install(app)

    @app.after_request
    def security_headers(response: Any) -> Any:
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        return response

    return app
