"""The application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .config import from_env
from .domain import load_releases

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app on the configured content, loading and checking every release first.

    Raises ContentError when a content release is invalid: the service never serves bad content.
    """
    app = Flask(__name__)
    app.config.update(from_env())
    if test_config is not None:
        app.config.update(test_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    releases = load_releases(app.config["CONTENT_DIR"])

    from . import api, observability

    api.register(app, releases)
    observability.install(app, SECURITY_HEADERS)

    @app.after_request
    def security_headers(response: Any) -> Any:
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        return response

    return app
