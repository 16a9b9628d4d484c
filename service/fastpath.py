"""The hot path in front of Flask: request ids, metrics, and repeated requests from stored bytes.

Content is immutable per release, so once Flask has answered a cacheable request (a response
built from a stored representation: catalogue entries and pages, routines, docs assets), the
same request — same method, path, query string, Accept-Encoding and, for POST, body — gets the
same bytes. This middleware keeps them and answers repeats, 304 revalidations included,
without entering Flask; it also makes every conditional answer (304) of such responses, so
there is one implementation of If-None-Match. Everything that differs per request is set here:
the request id, and the metrics and access-log fields. Requests with an Origin header (CORS)
always go to Flask and are never stored.
"""

from __future__ import annotations

import io
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter, Histogram
from werkzeug.http import parse_etags

from .logs import REQUEST_ID_KEY, ROUTE_KEY

CACHEABLE_KEY = "metatarsalgia.cacheable"
BODY_KEY = "metatarsalgia.body"  # a POST's JSON body, once read here
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Per worker, bodies and headers together: distinct routines (each its own request) must not
# grow a worker's memory without bound, so the oldest stored answers go first past this.
MAX_BYTES = 4 * 1024 * 1024
NOT_MODIFIED_DROPS = frozenset({"content-type", "content-length"})

# method, path, query string, Accept-Encoding, and the body for POST
Key = tuple[str | bytes, ...]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer a request, by method, route template and status.",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
SERVED_STORED = Counter(
    "http_stored_responses_total",
    "Requests answered from stored bytes without entering Flask, by route template.",
    ["route"],
)


@dataclass(frozen=True, slots=True)
class Stored:
    route: str
    etag: str
    headers: list[tuple[str, str]]
    not_modified_headers: list[tuple[str, str]]
    body: bytes


def request_id(environ: dict[str, Any]) -> str:
    """The client's X-Request-ID when it is a short token, else a new one."""
    given = environ.get("HTTP_X_REQUEST_ID", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class FastPath:
    def __init__(self, app: WSGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body
        self.stored: dict[Key, Stored] = {}
        self.stored_bytes = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        rid = environ[REQUEST_ID_KEY] = request_id(environ)
        key = self._key(environ)
        entry = self.stored.get(key) if key is not None else None
        if entry is not None:
            environ[ROUTE_KEY] = entry.route
            SERVED_STORED.labels(entry.route).inc()
            return self._answer(environ, start_response, entry, rid, started)

        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None  # write(): never used by Flask

        result = self.app(environ, capture)
        status = captured.get("status", "500")[:3]
        if status == "200" and environ.get(CACHEABLE_KEY):
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            entry = self._entry(environ, captured["headers"], body)
            if key is not None:
                self._store(key, entry)
            return self._answer(environ, start_response, entry, rid, started)
        start_response(captured["status"], captured["headers"])
        _observe(environ, status, started)
        return result

    def _answer(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        entry: Stored,
        rid: str,
        started: float,
    ) -> list[bytes]:
        """A stored representation, or 304 when a GET's If-None-Match holds its ETag."""
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if (
            inm
            and environ["REQUEST_METHOD"] == "GET"
            and parse_etags(inm).contains_weak(entry.etag)
        ):
            start_response("304 NOT MODIFIED", [*entry.not_modified_headers, ("X-Request-ID", rid)])
            _observe(environ, "304", started)
            return []
        start_response("200 OK", [*entry.headers, ("X-Request-ID", rid)])
        _observe(environ, "200", started)
        return [entry.body]

    def _key(self, environ: dict[str, Any]) -> Key | None:
        if "HTTP_ORIGIN" in environ:
            return None
        method = environ["REQUEST_METHOD"]
        base = (
            method,
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT_ENCODING", ""),
        )
        if method == "GET":
            return base
        if method != "POST" or environ.get("CONTENT_TYPE") != "application/json":
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= self.max_body:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        environ[BODY_KEY] = body
        return (*base, body)

    def _entry(
        self, environ: dict[str, Any], headers: list[tuple[str, str]], body: bytes
    ) -> Stored:
        kept = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
        etag = next((value for name, value in kept if name.lower() == "etag"), "")
        return Stored(
            route=environ.get(ROUTE_KEY, "unmatched"),
            etag=etag.strip('"'),
            headers=kept,
            not_modified_headers=[(n, v) for n, v in kept if n.lower() not in NOT_MODIFIED_DROPS],
            body=body,
        )

    def _store(self, key: Key, entry: Stored) -> None:
        size = _size(key, entry)
        with self.lock:
            if key in self.stored:
                return
            self.stored[key] = entry
            self.stored_bytes += size
            while self.stored_bytes > MAX_BYTES:
                oldest = next(iter(self.stored))
                self.stored_bytes -= _size(oldest, self.stored.pop(oldest))


def _size(key: Key, entry: Stored) -> int:
    """What a stored answer holds in bytes: its key (a POST's body too), body and headers."""
    headers = sum(len(name) + len(value) for name, value in entry.headers)
    return sum(len(part) for part in key) + len(entry.body) + 2 * headers


def _observe(environ: dict[str, Any], status: str, started: float) -> None:
    method = environ["REQUEST_METHOD"]
    DURATION.labels(
        method if method in METHODS else "other", environ.get(ROUTE_KEY, "unmatched"), status
    ).observe(time.perf_counter() - started)
