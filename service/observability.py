"""Request ids, metrics, CORS and compression: what an operator needs around the API."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, request
from flask_compress import Compress
from flask_cors import CORS
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from .fastpath import FastPath
from .logs import REQUEST_ID_KEY, ROUTE_KEY
from .routine_path import RoutinePath

EXPOSED_HEADERS = ["ETag", "Content-Version", "X-Pagination", "X-Request-ID", "Content-Location"]
INFO = Gauge(
    "metatarsalgia_service_info",
    "The service's version.",
    ["version"],
    multiprocess_mode="max",
)


def route(req: Any) -> str:
    """The route template that matched, never the raw path: bounded label and log values."""
    return req.url_rule.rule if req.url_rule is not None else "unmatched"


def install(app: Flask, security_headers: list[tuple[str, str]]) -> None:
    """Wire request ids, route names, metrics, CORS, compression and the hot paths."""

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        # The request id was chosen by the hot path (service/fastpath.py), before Flask.
        response.headers["X-Request-ID"] = request.environ[REQUEST_ID_KEY]
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
    CORS(
        app,
        origins=app.config["CORS_ORIGINS"],
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "If-None-Match", "X-Request-ID"],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
        # Only answers to requests with an Origin carry CORS headers; those never reach the
        # hot path's stored bytes, which are then the same for every client.
        always_send=False,
    )
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
    Compress(app)
    direct = RoutinePath(
        app.wsgi_app, app.extensions["routine_direct"], app.config, security_headers
    )
    app.wsgi_app = FastPath(direct, app.config["MAX_CONTENT_LENGTH"])  # type: ignore[method-assign]
