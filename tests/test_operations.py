"""What operators rely on: request ids, JSON logs, metrics by route, CORS, compression, limits."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from types import SimpleNamespace

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from service import observability
from service.api import representations
from service.app import create_app
from service.logs import REQUEST_ID_KEY, ROUTE_KEY

from .conftest import access_logger


def test_sane_request_id_is_echoed_and_others_are_replaced(client: FlaskClient) -> None:
    """X-Request-ID is kept when it is a short token, and generated otherwise."""
    kept = client.get("/exercises", headers={"X-Request-ID": "abc-123.x:y"})
    assert kept.headers["X-Request-ID"] == "abc-123.x:y"
    for bad in ("a b", "x" * 129, "<script>", ""):
        replaced = client.get("/nowhere", headers={"X-Request-ID": bad})
        assert replaced.headers["X-Request-ID"] != bad
        assert len(replaced.headers["X-Request-ID"]) == 32


def test_metrics_are_labelled_by_route_template_not_by_path(client: FlaskClient) -> None:
    """Raw paths never become label values, so hostile URLs cannot explode the series."""
    client.get("/exercises/heel-raises")
    client.get("/exercises/%2e%2e%2f%2e%2e")
    client.get("/no/such/path/" + "x" * 50)
    text = client.get("/metrics").get_data(as_text=True)
    routes = {
        line.split('route="')[1].split('"')[0]
        for line in text.splitlines()
        if line.startswith("http_request_duration_seconds_count")
    }
    assert "/exercises/<exercise_id>" in routes
    assert "unmatched" in routes
    assert not any("heel-raises" in route or "x" * 50 in route for route in routes)


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_compressed_representation_has_its_own_etag_that_validates(
    client: FlaskClient, coding: str
) -> None:
    """A compressed body decodes to the plain one and revalidates with its variant's ETag."""
    plain = client.get("/exercises")
    packed = client.get("/exercises", headers={"Accept-Encoding": coding})
    assert packed.headers["Content-Encoding"] == coding
    assert packed.headers["Vary"] == "Accept-Encoding, Accept-Language"
    decode = brotli.decompress if coding == "br" else gzip.decompress
    assert decode(packed.data) == plain.data
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + f'-{coding}"'
    again = client.get(
        "/exercises",
        headers={"Accept-Encoding": coding, "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.headers["ETag"] == packed.headers["ETag"]


def test_small_responses_are_not_compressed(client: FlaskClient) -> None:
    """Below the threshold compression costs more than it saves."""
    response = client.get("/health/ready", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers


def test_cors_allows_only_configured_origins() -> None:
    """Allowed origins get CORS headers exposing the validators; others get none."""
    app = create_app({"CORS_ORIGINS": ["https://app.example"]})
    client = app.test_client()
    allowed = client.get("/exercises", headers={"Origin": "https://app.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    exposed = {h.strip() for h in allowed.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Content-Version", "X-Pagination", "X-Request-ID"} <= exposed
    other = client.get("/exercises", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_with_cors_configured_every_response_varies_on_origin() -> None:
    """Answers without CORS headers (no Origin sent) say Vary: Origin too, stored or not, so a
    cache in front never gives one of them to a browser's cross-origin request."""
    app = create_app({"CORS_ORIGINS": ["https://app.example"]})
    client = app.test_client()
    answers = {
        "catalogue": client.get("/exercises"),
        "catalogue, stored": client.get("/exercises"),
        "compressed": client.get("/exercises", headers={"Accept-Encoding": "br"}),
        "new routine": client.post("/routines", json={"seed": 21}),
        "routine, stored": client.post("/routines", json={"seed": 21}),
        "health": client.get("/health/live"),
        "error": client.get("/exercises/nope"),
        "allowed origin": client.get("/exercises", headers={"Origin": "https://app.example"}),
        "other origin": client.get("/exercises", headers={"Origin": "https://evil.example"}),
    }
    assert {name: "Origin" in response.vary for name, response in answers.items()} == dict.fromkeys(
        answers, True
    )
    assert answers["catalogue"].headers["Vary"] == "Accept-Encoding, Accept-Language, Origin"
    assert answers["allowed origin"].headers.getlist("Vary") == [
        "Accept-Encoding, Accept-Language, Origin"
    ]
    assert "Access-Control-Allow-Origin" not in answers["catalogue, stored"].headers


def test_no_cors_by_default(client: FlaskClient) -> None:
    """With no origins configured, browsers on other origins cannot read responses."""
    response = client.get("/exercises", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_access_log_line_is_valid_json_whatever_the_client_sent() -> None:
    """Hostile methods, routes and ids still give one JSON object per line."""
    logger, stream = access_logger()
    environ = {
        "REQUEST_METHOD": 'GE"T\n',
        ROUTE_KEY: "unmatched",
        REQUEST_ID_KEY: 'id\u2028\x00"}{',
    }
    response = SimpleNamespace(status_code=404, sent=12)
    logger.access(response, None, environ, timedelta(milliseconds=3.5))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert {key: record[key] for key in ("message", "method", "route", "status", "bytes")} == {
        "message": "request",
        "method": 'GE"T\n',
        "route": "unmatched",
        "status": 404,
        "bytes": 12,
    }
    assert record["duration_ms"] == 3.5
    assert record["request_id"] == 'id\u2028\x00"}{'


def test_gunicorn_refusals_are_problems_too() -> None:
    """What gunicorn answers itself (414, 400, 431) is written as problem+json."""
    import socket

    from service.worker import write_problem

    left, right = socket.socketpair()
    with left, right:
        write_problem(left, 414, "URI Too Long", "Request Line is too large (9026 > 8190)")
        left.shutdown(socket.SHUT_WR)
        raw = b""
        while chunk := right.recv(4096):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 414 URI Too Long"
    assert b"Content-Type: application/problem+json" in head
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "URI Too Long",
        "status": 414,
        "detail": "Request Line is too large (9026 > 8190)",
    }


def test_routine_representations_stay_within_their_byte_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Built routines are kept up to ROUTINE_CACHE_BYTES of bodies, the least recent dropped."""
    monkeypatch.setattr(representations, "ROUTINE_CACHE_BYTES", 50_000)
    app = create_app()
    client = app.test_client()
    store = app.extensions["content_store"]
    kept = []
    for seed in range(30):
        assert client.get(f"/routines?seed={seed}").status_code == 200
        kept.append(sum(len(found.body) for found in store._routines.values()))
    assert max(kept) <= 50_000
    assert kept[-1] > 25_000


def test_new_routines_are_compressed_fast_and_content_small(client: FlaskClient) -> None:
    """A routine's br body is brotli 5 of its JSON (per request); catalogue content brotli 9."""
    for url, method, quality in (
        ("/routines", "POST", 5),
        ("/exercises/heel-raises", "GET", 9),
    ):
        kwargs: dict[str, object] = {"json": {"seed": 11}} if method == "POST" else {}
        plain = client.open(url, method=method, **kwargs)  # type: ignore[arg-type]
        packed = client.open(url, method=method, headers={"Accept-Encoding": "br"}, **kwargs)  # type: ignore[arg-type]
        assert packed.headers["Content-Encoding"] == "br"
        assert brotli.decompress(packed.data) == plain.data
        assert packed.data == brotli.compress(plain.data, quality=quality)


def _duration_count(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("http_request_duration_seconds_count", labels) or 0.0


def test_request_ids_and_metrics_work_with_the_cache_off() -> None:
    """With RESPONSE_CACHE_BYTES 0 nothing is stored, and every request is still timed,
    named and given its id; If-None-Match still gives 304."""
    app = create_app({"RESPONSE_CACHE_BYTES": 0})
    client = app.test_client()
    route = "/guidance/<guidance_id>"
    before = _duration_count("GET", route, "200"), _duration_count("GET", route, "304")
    stored_before = REGISTRY.get_sample_value("http_stored_responses_total", {"route": route})
    first = client.get("/guidance/about-metatarsalgia", headers={"X-Request-ID": "one"})
    again = client.get("/guidance/about-metatarsalgia", headers={"X-Request-ID": "two"})
    revalidated = client.get(
        "/guidance/about-metatarsalgia", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert (first.status_code, again.status_code, revalidated.status_code) == (200, 200, 304)
    assert (first.headers["X-Request-ID"], again.headers["X-Request-ID"]) == ("one", "two")
    after = _duration_count("GET", route, "200"), _duration_count("GET", route, "304")
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)
    assert REGISTRY.get_sample_value("http_stored_responses_total", {"route": route}) == (
        stored_before
    )
    assert len(app.extensions["response_cache"].stored) == 0


def test_request_ids_and_metrics_work_without_any_layer_in_front() -> None:
    """observability.install on a plain Flask app: ids and route-labelled metrics, no cache."""
    app = Flask("plain")
    app.config["API_VERSION"] = "0.0.0-test"

    @app.get("/plain/<name>")
    def plain(name: str) -> str:
        return name

    observability.install(app)
    client = app.test_client()
    before = (
        _duration_count("GET", "/plain/<name>", "200"),
        _duration_count("GET", "unmatched", "404"),
    )
    named = client.get("/plain/x", headers={"X-Request-ID": "plain-1"})
    missing = client.get("/nowhere")
    assert (named.status_code, named.data, named.headers["X-Request-ID"]) == (200, b"x", "plain-1")
    assert len(missing.headers["X-Request-ID"]) == 32
    after = (
        _duration_count("GET", "/plain/<name>", "200"),
        _duration_count("GET", "unmatched", "404"),
    )
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
