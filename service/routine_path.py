"""New POST /routines requests answered in front of Flask, with the view's own schema and code.

What it skips, and why: for a routine never asked before, Flask's dispatch, webargs and the
after-request hooks cost more than generating the routine (measured: a distinct POST was 0.36x a
bare Flask app parsing JSON). This layer takes only a POST /routines with a JSON body (read
once, service/fastpath.json_body, and shared with the response cache), no query string (`lang`
stays with Flask) and no Origin header (CORS stays with Flask), and answers it only when it
gives a 200: the body is checked by the same marshmallow schema instance as the view, and the
routine built by the same code (`direct` in api/routines.py). Everything else, every refusal
included, goes to Flask untouched, which answers it as the API documents. The answer is Flask's,
byte for byte and header for header: what the after-request hooks would add is added here (the
app's security headers, and Vary: Origin when CORS is configured, service/cors.py). A new
after-request hook does not act on these answers, nor on stored repeats (service/fastpath.py):
tests pin both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask

from .api.routine_answers import DirectAnswer
from .cors import with_origin
from .fastpath import CACHEABLE_KEY, StartResponse, WSGIApp, json_body
from .logs import ROUTE_KEY

PATH = "/routines"


def install(app: Flask, security_headers: list[tuple[str, str]]) -> RoutinePath:
    """Put the direct path in front of the app's WSGI callable."""
    layer = RoutinePath(
        app.wsgi_app, app.extensions["routine_direct"], app.config, security_headers
    )
    app.wsgi_app = layer  # type: ignore[method-assign]
    app.extensions["routine_path"] = layer
    return layer


class RoutinePath:
    """The WSGI layer: new POST /routines answered directly, everything else passed on."""

    def __init__(
        self,
        app: WSGIApp,
        direct: DirectAnswer,
        config: Mapping[str, Any],
        security_headers: list[tuple[str, str]],
    ) -> None:
        self.app = app
        self.direct = direct
        self.config = config
        self.security_headers = security_headers
        self.max_body: int = config["MAX_CONTENT_LENGTH"]
        self.vary_origin = bool(config["CORS_ORIGINS"])

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") == PATH
            and environ["REQUEST_METHOD"] == "POST"
            and "HTTP_ORIGIN" not in environ
            and not environ.get("QUERY_STRING")
            and (body := json_body(environ, self.max_body))
        ):
            found = self.direct(
                body,
                environ.get("HTTP_ACCEPT_ENCODING"),
                environ.get("HTTP_ACCEPT_LANGUAGE"),
                self.config,
            )
            if found is not None:
                headers, content = found
                environ[ROUTE_KEY] = PATH
                environ[CACHEABLE_KEY] = True
                if self.vary_origin:
                    headers = [
                        (name, with_origin(value) if name == "Vary" else value)
                        for name, value in headers
                    ]
                start_response(
                    "200 OK",
                    [
                        *headers,
                        ("Content-Type", "application/json"),
                        ("Content-Length", str(len(content))),
                        *self.security_headers,
                    ],
                )
                return [content]
        return self.app(environ, start_response)
