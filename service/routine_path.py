"""New POST /routines requests answered in front of Flask, with the view's own schema and code.

What it skips, and why: for a routine never asked before, Flask's dispatch, webargs and the
after-request hooks cost more than generating the routine (measured: a distinct POST was 0.36x
a bare Flask app parsing JSON). This layer takes only a POST /routines with a JSON body that
the hot path has read (service/fastpath.py), no Origin header (CORS stays with Flask), and
answers it only when it gives a 200: the body is checked by the same marshmallow schema
instance as the view, and the routine built by the same code (`direct` in api/routines.py).
Everything else, every refusal included, goes to Flask untouched, which answers it as the API
documents. The answer is Flask's, byte for byte and header for header (the security headers
are the app's own); tests/test_routine_path.py pins that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .api.routines import DirectAnswer
from .fastpath import BODY_KEY, CACHEABLE_KEY, StartResponse, WSGIApp
from .logs import ROUTE_KEY

PATH = "/routines"


class RoutinePath:
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

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = environ.get(BODY_KEY)
        if (
            body
            and environ["REQUEST_METHOD"] == "POST"
            and environ.get("PATH_INFO") == PATH
            and "HTTP_ORIGIN" not in environ
        ):
            found = self.direct(body, environ.get("HTTP_ACCEPT_ENCODING"), self.config)
            if found is not None:
                headers, content = found
                environ[ROUTE_KEY] = PATH
                environ[CACHEABLE_KEY] = True
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
