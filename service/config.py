"""The one configuration object, with defaults overridable from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from . import __version__

API_DESCRIPTION = """\
Exercises, stretches, precautions and guidance for **metatarsalgia** (pain in the ball of the
foot), published from versioned, immutable content releases.

* Every content response carries `Content-Version` (the release it was read from) and a strong
  `ETag`; send `If-None-Match` to get `304 Not Modified`.
* Pin a release with `content_version`; without it you get the latest release.
* Text comes in the release's languages: `lang`, else `Accept-Language`; `Content-Language`
  says which. Offline apps take a release's whole `bundle`, then only a JSON Patch `since` it.
* Every error is an RFC 9457 `application/problem+json` document with a `detail` to read, and
  for invalid input an `errors` list naming each field.

This is general information, not a diagnosis. Stop any exercise that causes pain or makes it
worse, and see a healthcare professional if you are in a lot of pain.
"""


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The configuration: defaults, then the environment variables that override them.

    Raises ValueError when a variable holds a value of the wrong type.
    """
    env = os.environ if environ is None else environ
    return {
        # Where the content releases live; None means the releases bundled in the package.
        "CONTENT_DIR": env.get("CONTENT_DIR") or None,
        # Seconds a client may cache a response for the latest release, which a deploy can change.
        "LATEST_MAX_AGE": _integer(env, "LATEST_MAX_AGE", 300),
        # Keys that encrypt routine ids, `kid:base64url-64-bytes[,kid:key...]`: the first
        # encrypts, all decrypt (rotation). Every instance behind one URL needs the same keys.
        # Unset: a key made at start-up, so ids last until the service restarts.
        "ROUTINE_ID_KEYS": env.get("ROUTINE_ID_KEYS") or None,
        # Request bodies above this many bytes are refused with 413.
        "MAX_CONTENT_LENGTH": _integer(env, "MAX_CONTENT_LENGTH", 16 * 1024),
        # Bytes of stored answers per worker (keys, bodies, headers) in the response cache
        # (fastpath.py); 0 stores none, and If-None-Match still gives 304.
        "RESPONSE_CACHE_BYTES": _integer(env, "RESPONSE_CACHE_BYTES", 4 * 1024 * 1024),
        # Origins allowed to call the API from a browser, comma-separated; none by default.
        "CORS_ORIGINS": [o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()],
        # Responses at least this many bytes are compressed (br or gzip) when the client accepts.
        "COMPRESS_MIN_SIZE": _integer(env, "COMPRESS_MIN_SIZE", 1024),
        # The Chromium that prints handouts to PDF (Debian's package; `make run` installs it).
        # Missing: /routines/{id}/handout.pdf answers 503, the HTML handout still works.
        "PDF_BROWSER": env.get("PDF_BROWSER", "/usr/bin/chromium"),
        "API_TITLE": "Metatarsalgia exercise service",
        "API_VERSION": __version__,
        "API_SPEC_OPTIONS": _spec_options(),
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        # Swagger UI's files come from the swagger-ui-py package, served by this app (see docs.py).
        "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
        "JSON_SORT_KEYS": False,
    }


def _integer(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be an integer, got {raw!r}") from None
    if value < 0:
        raise ValueError(f"environment variable {name} must not be negative, got {value}")
    return value


def _spec_options() -> dict[str, Any]:
    # Top-level keys of the OpenAPI document. flask-smorest lets them replace, not merge with,
    # the Api's spec_kwargs, so `info` is whole here. A new dict every time: apispec writes
    # title and version into this `info` when it builds the document.
    return {
        "info": {
            "description": API_DESCRIPTION,
            # The project's licence as pyproject.toml declares it, an SPDX identifier.
            "license": {"name": "MIT License", "identifier": "MIT"},
        },
        # Relative, so the document holds behind any host, scheme or proxy that serves it.
        "servers": [{"url": "/", "description": "The host that serves this document."}],
        # A public API: no operation needs credentials, and the document says so.
        "security": [],
    }
