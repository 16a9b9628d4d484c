"""Every error is an RFC 9457 problem with a useful detail and nothing internal."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.logs import json_formatter

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def app(first_release_app: Flask) -> Flask:
    """These tests spell out release 1.0.0's content: serve it alone, as the latest."""
    return first_release_app


def _problem(status: int, title: str, detail: str, **extra: object) -> dict[str, object]:
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


def test_unknown_item_is_404(client: FlaskClient) -> None:
    """An id the release does not hold is a 404 naming the id and the release."""
    response = client.get("/exercises/jumping-jacks")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert response.headers["Content-Version"] == "1.0.0"
    assert response.json == _problem(
        404, "Not Found", "Content release 1.0.0 has no exercise with id 'jumping-jacks'."
    )


@pytest.mark.parametrize(
    "version", ["9.9.9", "../../etc", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "1.0.0/../../x"]
)
def test_unknown_version_is_404_listing_the_available_ones(
    client: FlaskClient, version: str
) -> None:
    """content_version is looked up among the loaded releases, never used as a path."""
    from urllib.parse import unquote

    response = client.get(f"/exercises?content_version={version}")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert response.json == _problem(
        404,
        "Not Found",
        f"Content version {unquote(version)!r} is not available. Available versions: 1.0.0.",
    )


def test_unknown_release_path_is_404(client: FlaskClient) -> None:
    """A release path segment is looked up the same way."""
    response = client.get("/content/releases/..%2F..%2Fetc")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


def test_unknown_url_is_404(client: FlaskClient) -> None:
    """Any other path is a problem pointing to the documentation."""
    response = client.get("/exercise/heel-raises")
    assert response.status_code == 404
    assert response.json == _problem(
        404,
        "Not Found",
        "There is no resource at this URL. The API is described at /openapi.json and /docs.",
    )


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    """405 keeps the Allow header that lists what the resource accepts."""
    response = client.delete("/exercises/heel-raises")
    assert response.status_code == 405
    assert response.mimetype == PROBLEM
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.json == _problem(
        405,
        "Method Not Allowed",
        "This method is not allowed on this resource; the Allow header lists the ones that are.",
    )


def test_invalid_query_is_422_naming_every_field(client: FlaskClient) -> None:
    """Each invalid or unknown parameter is listed; the detail names the first."""
    response = client.get("/exercises?page=0&position=lying&colour=red")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    body = response.json
    assert body is not None
    assert body["detail"].startswith("Invalid query field '")
    assert body["detail"].endswith("(2 more error(s) listed in 'errors')")
    assert sorted(body.pop("errors"), key=lambda error: error["field"]) == [
        {"location": "query", "field": "colour", "message": "Unknown field."},
        {
            "location": "query",
            "field": "page",
            "message": "Must be greater than or equal to 1 and less than or equal to 10000.",
        },
        {"location": "query", "field": "position", "message": "Must be one of: seated, standing."},
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "equipment=trampoline",
            "equipment[0]",
            "Must be one of: none, cloth, container, foam-roller, marbles, towel, wall.",
        ),
        (
            "page_size=101",
            "page_size",
            "Must be greater than or equal to 1 and less than or equal to 100.",
        ),
        (
            "page=99999999999999999999999",
            "page",
            "Must be greater than or equal to 1 and less than or equal to 10000.",
        ),
        ("page=two", "page", "Not a valid integer."),
        ("q=" + "x" * 201, "q", "Length must be between 1 and 200."),
    ],
)
def test_invalid_filters_are_422(client: FlaskClient, query: str, field: str, message: str) -> None:
    """Bad filter values name the field and say what is allowed."""
    response = client.get(f"/exercises?{query}")
    assert response.status_code == 422
    assert response.json == _problem(
        422,
        "Unprocessable Entity",
        f"Invalid query field '{field}': {message}",
        errors=[{"location": "query", "field": field, "message": message}],
    )


def test_unexpected_failure_is_500_without_internals(caplog: pytest.LogCaptureFixture) -> None:
    """An exception in a view is logged once at error with its traceback, and the JSON log line
    carries it; the answer is a bare problem: no message, trace or path."""
    app: Flask = create_app({"TESTING": False})
    failure = RuntimeError("secret detail at /srv/service/internal.py")

    @app.get("/boom")
    def boom() -> str:
        raise failure

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.mimetype == PROBLEM
    assert response.json == _problem(
        500,
        "Internal Server Error",
        "The service failed to answer this request. The failure has been logged.",
    )
    for internal in (b"secret", b"internal.py", b"/srv", b"Traceback", b"RuntimeError"):
        assert internal not in response.data
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage()) for r in errors] == [
        (app.logger.name, "Exception on /boom [GET]")
    ]
    assert errors[0].exc_info is not None
    assert errors[0].exc_info[1] is failure
    line = json_formatter().format(errors[0])
    assert "\n" not in line
    logged = json.loads(line)
    assert (logged["level"], logged["logger"]) == ("ERROR", app.logger.name)
    assert logged["exc_info"].startswith("Traceback (most recent call last):")
    assert logged["exc_info"].endswith("RuntimeError: secret detail at /srv/service/internal.py")


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    """Content, errors and docs all carry the security headers."""
    for url in ("/exercises", "/nowhere", "/docs"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
