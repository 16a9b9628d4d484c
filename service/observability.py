"""Request ids, metrics, CORS and compression: what an operator needs around the API."""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

from flask import Flask, Response, g, request
from flask_compress import Compress
from flask_cors import CORS

from .logs import REQUEST_ID_KEY, ROUTE_KEY

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
EXPOSED_HEADERS = ["ETag", "Content-Version", "X-Pagination", "X-Request-ID", "Content-Location"]


def route(req: Any) -> str:
    """The route template that matched, never the raw path: bounded label and log values."""
    return req.url_rule.rule if req.url_rule is not None else "unmatched"


def install(app: Flask) -> None:
    """Wire request ids, route names for the access log, metrics, CORS and compression."""

    @app.before_request
    def request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.environ[REQUEST_ID_KEY] = g.request_id

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id") or uuid.uuid4().hex
        request.environ[ROUTE_KEY] = route(request)
        return response

    _metrics(app)
    CORS(
        app,
        origins=app.config["CORS_ORIGINS"],
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "If-None-Match", "X-Request-ID"],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
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
        COMPRESS_MIN_SIZE=app.config["COMPRESS_MIN_SIZE"],
        COMPRESS_ALGORITHM=["br", "gzip"],
    )
    Compress(app)


def _metrics(app: Flask) -> None:
    """/metrics: summed over gunicorn's workers when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

        metrics = GunicornInternalPrometheusMetrics(app, group_by=route)
    else:
        from prometheus_client import CollectorRegistry
        from prometheus_flask_exporter import PrometheusMetrics

        # One registry per app, so that several apps (tests) can live in one process.
        metrics = PrometheusMetrics(app, group_by=route, registry=CollectorRegistry())
    metrics.info("metatarsalgia_service_info", "Service version", version=app.config["API_VERSION"])
