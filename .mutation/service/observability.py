"""Request ids and HTTP metrics for every request, including those answered before Flask.

`install` wraps the app's WSGI callable last, outside every other layer (the response cache,
the direct path of new routines), so that a stored answer gets its own request id, duration
and access-log fields like any other. It needs none of those layers: without them each request
is timed and named by Flask's route, the same way.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from .logs import REQUEST_ID_KEY, ROUTE_KEY

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer a request, by method, route template and status.",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
INFO = Gauge(
    "metatarsalgia_service_info",
    "The service's version.",
    ["version"],
    multiprocess_mode="max",
)


def request_id(environ: dict[str, Any]) -> str:
    """The client's X-Request-ID when it is a short token, else a new one."""
    given = environ.get("HTTP_X_REQUEST_ID", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def route(req: Any) -> str:
    """The route template that matched, never the raw path: bounded label and log values."""
    return req.url_rule.rule if req.url_rule is not None else "unmatched"


class Observed:
    """A WSGI layer giving each response its X-Request-ID and timing it, by route and status."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        rid = environ[REQUEST_ID_KEY] = request_id(environ)

        def observed(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            # The route is known by now: named by Flask (name_route) or by the layer that answered.
            method = environ["REQUEST_METHOD"]
            DURATION.labels(
                method if method in METHODS else "other",
                environ.get(ROUTE_KEY, "unmatched"),
                status[:3],
            ).observe(time.perf_counter() - started)
            return start_response(status, [*headers, ("X-Request-ID", rid)], *exc_info)

        return self.app(environ, observed)


def install(app: Flask) -> Observed:
    """Name each request's route, serve /metrics, and wrap the app's WSGI callable, outermost."""

    @app.after_request
    def name_route(response: Response) -> Response:
        request.environ[ROUTE_KEY] = route(request)
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        """Prometheus metrics; summed over the workers when PROMETHEUS_MULTIPROC_DIR is set."""
        registry = REGISTRY
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

    INFO.labels(app.config["API_VERSION"]).set(1)
    observed = Observed(app.wsgi_app)
    app.wsgi_app = observed  # type: ignore[method-assign]
    return observed
