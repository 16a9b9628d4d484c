"""The response cache in front of Flask: repeats of a cacheable request answered from stored bytes.

What it stores. Content is immutable per release, so once Flask has answered a cacheable request
with a 200 (a response built from a stored representation, which sets CACHEABLE_KEY: catalogue
entries and pages, routines, docs assets), the same request gets the same bytes. The key is the
method (HEAD looks up GET), the path, the query string, the coding that Accept-Encoding selects
among those served (br, gzip or identity: two spellings of one preference share an entry), the
Accept-Language and Accept headers as sent and, for a POST, its JSON body. Requests with an
Origin never use the cache (CORS stays with Flask), so every stored answer is the answer to a
request without one. A response is stored only when the key holds every header its Vary names
(Accept-Encoding, Accept-Language, Accept, and Origin, absent in every key); never with Vary: *,
Set-Cookie or Cache-Control no-store or private; never an error, never the answer to a HEAD (it
has no body).

Bound: `max_bytes` per worker (RESPONSE_CACHE_BYTES, default MAX_BYTES), counting for each entry
its key (a POST's body up to MAX_CONTENT_LENGTH included), body, headers and ENTRY_OVERHEAD;
the least recently used entry goes first. An entry over `max_bytes / LARGEST_SHARE` is not
stored: the Swagger UI bundle (1.5 MB unencoded) would otherwise empty the cache for itself.

Conditional requests: for every cacheable response, stored or not, this layer answers a GET or
HEAD whose If-None-Match holds the ETag with 304 and the validators, and a HEAD with the GET's
headers and no body; it is the service's one implementation of If-None-Match. With max_bytes 0
it stores nothing and still does that.

What runs on a repeat: the WSGI layers outside this one (service/observability.py: request id,
duration metric, access-log fields), the key, the If-None-Match check, the hit counter
(http_stored_responses_total). What does not: everything inside Flask, that is URL matching,
before_request hooks, the view and its argument parsing, error handlers, after_request hooks
(security headers, CORS, compression, the route name, the Content-Version on errors) and
teardown. Their effect on the first answer is in the stored headers, which is right only for
hooks whose output depends on nothing the key leaves out. A new hook that must act on every
request (authentication, rate limits, a per-request header) does not act on repeats: it belongs
in a WSGI layer outside this one, as observability.py is; tests/test_cache_layer.py lists the
app's hooks so that adding one fails a test that points here.

Why a layer in front of Flask rather than precomputed responses returned by the views (with
nginx caching in front): the views already return precomputed bytes (api/representations.py);
what remains is Flask's own cost per request (request context, URL matching, webargs, the
after_request hooks). Measured in process, no sockets (2026-11-27): a repeated GET
/exercises/heel-raises took about 180 us through the service's Flask, 40 us through a bare
Flask app returning constant bytes, and 6.4 us from this layer. nginx (deploy/nginx.conf)
caches GETs only, not repeated POST /routines; not every deployment runs it; and its misses
and revalidations reach the service all the same.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from prometheus_client import Counter
from werkzeug.http import parse_accept_header, parse_etags

from .logs import ROUTE_KEY

CACHEABLE_KEY = "metatarsalgia.cacheable"  # set by a response that may be stored
BODY_KEY = "metatarsalgia.body"  # a POST's JSON body, once read (json_body)
MAX_BYTES = 4 * 1024 * 1024
LARGEST_SHARE = 8
# What Python's objects take for one entry beyond the bytes of its strings (their headers,
# the key tuple, the Stored instance, its two header lists, the OrderedDict's slot):
# tracemalloc measured about 1,230 bytes for an entry with four headers of its own.
ENTRY_OVERHEAD = 1200
# Vary'd headers the key holds: the coding, the languages, the media types, and Origin
# (requests with one never use the cache).
KEYED = frozenset({"accept-encoding", "accept-language", "accept", "origin"})
UNSTORED_CACHE_CONTROL = frozenset({"no-store", "private"})
NOT_MODIFIED_DROPS = frozenset({"content-type", "content-length"})
REMEMBERED_CODINGS = 64  # distinct Accept-Encoding strings whose coding is kept

# method, path, query string, coding, Accept-Language, Accept, and the body for POST
Key = tuple[str | bytes, ...]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

SERVED_STORED = Counter(
    "http_stored_responses_total",
    "Requests answered from stored bytes without entering Flask, by route template.",
    ["route"],
)


@dataclass(frozen=True, slots=True)
class Stored:
    """One stored answer: what a repeat is sent, and what its size counts."""

    route: str
    etag: str
    headers: list[tuple[str, str]]
    not_modified_headers: list[tuple[str, str]]
    body: bytes
    size: int  # what it counts against max_bytes


def install(app: Flask, codings: Iterable[str]) -> ResponseCache:
    """Put the cache in front of the app's WSGI callable; `codings`: those served, best first."""
    cache = ResponseCache(
        app.wsgi_app,
        codings=tuple(codings),
        max_body=app.config["MAX_CONTENT_LENGTH"],
        max_bytes=app.config["RESPONSE_CACHE_BYTES"],
    )
    app.wsgi_app = cache  # type: ignore[method-assign]
    app.extensions["response_cache"] = cache
    return cache


def best_coding(accept_encoding: str | None, codings: Sequence[str]) -> str | None:
    """The client's best of `codings` (served ones, best first) by Accept-Encoding; None for
    identity. The one choice both this cache's key and api/representations.negotiate make."""
    best: str | None = parse_accept_header(accept_encoding).best_match(codings)
    return best


def json_body(environ: dict[str, Any], max_body: int) -> bytes | None:
    """A POST's JSON body, read once and put back for Flask; None when there is none to read.

    Only `Content-Type: application/json` with a Content-Length from 1 to `max_body` is read;
    Flask refuses the others as the API documents.
    """
    found: bytes | None = environ.get(BODY_KEY)
    if found is not None:
        return found
    if environ["REQUEST_METHOD"] != "POST" or environ.get("CONTENT_TYPE") != "application/json":
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= max_body:
        return None
    body: bytes = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    environ[BODY_KEY] = body
    return body


class ResponseCache:
    """The WSGI layer: answers repeats from stored bytes, stores new cacheable 200s."""

    def __init__(
        self, app: WSGIApp, *, codings: Sequence[str], max_body: int, max_bytes: int = MAX_BYTES
    ) -> None:
        self.app = app
        self.codings = tuple(codings)
        self.max_body = max_body
        self.max_bytes = max_bytes
        self.stored: OrderedDict[Key, Stored] = OrderedDict()
        self.stored_bytes = 0
        self.lock = threading.Lock()
        self._codings: dict[str, str] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        with self.lock:
            entry = self.stored.get(key)
            if entry is not None:
                self.stored.move_to_end(key)
        if entry is not None:
            environ[ROUTE_KEY] = entry.route
            SERVED_STORED.labels(entry.route).inc()
            return _answer(environ, start_response, entry)

        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            captured[:] = status, headers, exc_info
            return _write

        result = self.app(environ, capture)  # Flask calls start_response before it returns
        status, headers, exc_info = captured
        if not (status.startswith("200") and environ.get(CACHEABLE_KEY)):
            start_response(status, headers, *exc_info)
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        entry = _entry(environ, key, headers, body)
        if environ["REQUEST_METHOD"] != "HEAD" and _storable(headers):
            self._store(key, entry)
        return _answer(environ, start_response, entry)

    def _key(self, environ: dict[str, Any]) -> Key | None:
        if "HTTP_ORIGIN" in environ:
            return None
        method = environ["REQUEST_METHOD"]
        if method == "HEAD":
            method = "GET"
        elif method != "GET" and method != "POST":
            return None
        base = (
            method,
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            self._coding(environ.get("HTTP_ACCEPT_ENCODING")),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
            environ.get("HTTP_ACCEPT", ""),
        )
        if method == "GET":
            return base
        body = json_body(environ, self.max_body)
        return None if body is None else (*base, body)

    def _coding(self, accept_encoding: str | None) -> str:
        """The coding a representation is sent in for this Accept-Encoding (best_coding, as
        api/representations.negotiate chooses it for a body worth compressing)."""
        if not accept_encoding:
            return "identity"
        found = self._codings.get(accept_encoding)
        if found is None:
            found = best_coding(accept_encoding, self.codings) or "identity"
            if len(self._codings) < REMEMBERED_CODINGS:  # clients choose these strings
                self._codings[accept_encoding] = found
        return found

    def _store(self, key: Key, entry: Stored) -> None:
        if entry.size > self.max_bytes // LARGEST_SHARE:
            return
        with self.lock:
            if key in self.stored:
                return
            self.stored[key] = entry
            self.stored_bytes += entry.size
            while self.stored_bytes > self.max_bytes:
                _, dropped = self.stored.popitem(last=False)
                self.stored_bytes -= dropped.size


def _write(data: bytes) -> None:
    raise NotImplementedError("the response cache does not support WSGI write()")


def _answer(environ: dict[str, Any], start_response: StartResponse, entry: Stored) -> list[bytes]:
    """The stored representation; 304 when a GET's or HEAD's If-None-Match holds its ETag."""
    method = environ["REQUEST_METHOD"]
    inm = environ.get("HTTP_IF_NONE_MATCH")
    if inm and method != "POST" and parse_etags(inm).contains_weak(entry.etag):
        start_response("304 Not Modified", list(entry.not_modified_headers))
        return []
    start_response("200 OK", list(entry.headers))
    return [] if method == "HEAD" else [entry.body]


def _entry(
    environ: dict[str, Any], key: Key, headers: list[tuple[str, str]], body: bytes
) -> Stored:
    etag = next((value for name, value in headers if name.lower() == "etag"), "")
    size = sum(len(part) for part in key) + len(body) + ENTRY_OVERHEAD
    size += sum(len(name) + len(value) for name, value in headers)
    return Stored(
        route=environ.get(ROUTE_KEY, "unmatched"),
        etag=etag.strip('"'),
        headers=headers,
        not_modified_headers=[(n, v) for n, v in headers if n.lower() not in NOT_MODIFIED_DROPS],
        body=body,
        size=size,
    )


def _storable(headers: list[tuple[str, str]]) -> bool:
    """Whether a cacheable 200 may be kept: the key holds every header it varies on, and it
    neither sets a cookie nor forbids shared storage."""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "vary":
            varied = {part.strip().lower() for part in value.split(",")} - {""}
            if not varied <= KEYED:  # Vary: * included
                return False
        elif lowered == "set-cookie":
            return False
        elif lowered == "cache-control":
            directives = {part.split("=")[0].strip().lower() for part in value.split(",")}
            if directives & UNSTORED_CACHE_CONTROL:
                return False
    return True
