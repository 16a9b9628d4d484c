"""Problem details built from exceptions, without an app: each RFC 9457 member, each error path.

The expected bodies are written out from RFC 9457 (type, title, status, detail) and from the
README's `errors` list of {location, field, message}; werkzeug's exceptions are the input.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    default_exceptions,
)

from service.api.problems import (
    MAX_ERRORS,
    PROBLEM_JSON,
    fail,
    from_exception,
    problem,
    problem_for,
)


def body(error: HTTPException) -> tuple[int, str, dict[str, Any]]:
    response = from_exception(error)
    return response.status_code, str(response.mimetype), json.loads(response.get_data(as_text=True))


def test_a_problem_has_the_standard_members_and_its_extensions() -> None:
    """type about:blank, the status's phrase as title, the status and detail, then any
    errors and extension members; headers given are set; the body is compact UTF-8 JSON."""
    response = problem(
        410,
        "Gone — see replaced_by.",
        errors=[{"location": "query", "field": "x", "message": "bad"}],
        headers={"Retry-After": "5"},
        members={"replaced_by": "/routines"},
    )
    assert response.status_code == 410
    assert response.mimetype == PROBLEM_JSON
    assert response.headers["Retry-After"] == "5"
    assert response.get_data(as_text=True) == (
        '{"type":"about:blank","title":"Gone","status":410,"detail":"Gone — see replaced_by.",'
        '"errors":[{"location":"query","field":"x","message":"bad"}],"replaced_by":"/routines"}'
    )


def test_a_problem_without_errors_has_no_errors_member() -> None:
    """An empty list of errors is left out, like no list."""
    response = problem(404, "Nothing here.", errors=[])
    assert json.loads(response.get_data()) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Nothing here.",
    }


def test_fail_raises_the_status_with_its_detail_and_members() -> None:
    """fail() stops with the status's exception, whose problem has the detail and members."""
    with pytest.raises(HTTPException) as caught:
        fail(409, "Taken.", replaced_by="/b")
    assert body(caught.value) == (
        409,
        PROBLEM_JSON,
        {
            "type": "about:blank",
            "title": "Conflict",
            "status": 409,
            "detail": "Taken.",
            "replaced_by": "/b",
        },
    )


def test_problem_for_lists_each_error_and_sums_them_up_in_the_detail() -> None:
    """Each (location, field, message) becomes an error; the detail names the first and
    counts the rest."""
    error = problem_for(422, [("json", "minutes", "Too long."), ("query", "", "Unknown.")])
    assert body(error) == (
        422,
        PROBLEM_JSON,
        {
            "type": "about:blank",
            "title": "Unprocessable Entity",
            "status": 422,
            "detail": (
                "Invalid json field 'minutes': Too long. (1 more error(s) listed in 'errors')"
            ),
            "errors": [
                {"location": "json", "field": "minutes", "message": "Too long."},
                {"location": "query", "field": "", "message": "Unknown."},
            ],
        },
    )


def test_an_error_without_a_field_is_named_by_its_location() -> None:
    """A lone error on no field: `Invalid <location>: <message>`, nothing more."""
    assert body(problem_for(400, [("body", "", "Not JSON.")]))[2]["detail"] == (
        "Invalid body: Not JSON."
    )


def test_webargs_messages_are_flattened_to_field_paths() -> None:
    """Nested messages become one error each: list indexes in brackets, `_schema` left out
    wherever it is, dots between names; a bare message falls to the `request` location."""
    error = default_exceptions[422]()
    error.data = {  # type: ignore[attr-defined]
        "messages": {
            "json": {
                "focus": {"1": ["Not a focus."]},
                "_schema": ["Both given."],
                "exclude": {"0": {"id": ["Bad.", "Worse."]}},
                "equipment": {"_schema": {"2": ["Repeated."]}},
            },
            "query": {"page": "Too big."},
        }
    }
    status, _, found = body(error)
    assert status == 422
    assert found["errors"] == [
        {"location": "json", "field": "focus[1]", "message": "Not a focus."},
        {"location": "json", "field": "", "message": "Both given."},
        {"location": "json", "field": "exclude[0].id", "message": "Bad."},
        {"location": "json", "field": "exclude[0].id", "message": "Worse."},
        {"location": "json", "field": "equipment[2]", "message": "Repeated."},
        {"location": "query", "field": "page", "message": "Too big."},
    ]
    assert found["detail"] == (
        "Invalid json field 'focus[1]': Not a focus. (5 more error(s) listed in 'errors')"
    )
    bare = default_exceptions[400]()
    bare.data = {"messages": ["Malformed."]}  # type: ignore[attr-defined]
    assert body(bare)[2]["errors"] == [
        {"location": "request", "field": "", "message": "Malformed."}
    ]


def test_at_most_fifty_errors_are_listed() -> None:
    """A request with hundreds of bad fields gets the first MAX_ERRORS of them."""
    error = default_exceptions[422]()
    error.data = {"messages": {"json": {str(i): ["Bad."] for i in range(120)}}}  # type: ignore[attr-defined]
    errors = body(error)[2]["errors"]
    assert MAX_ERRORS == 50
    assert [e["field"] for e in errors] == [f"[{i}]" for i in range(50)]


def test_headers_that_matter_to_the_client_are_kept() -> None:
    """Allow (on 405) and headers an error carries in its data reach the problem."""
    response = from_exception(MethodNotAllowed(valid_methods=["GET", "HEAD"]))
    assert response.headers["Allow"] == "GET, HEAD"
    assert json.loads(response.get_data())["detail"] == (
        "This method is not allowed on this resource; the Allow header lists the ones that are."
    )
    error = NotFound()
    error.data = {"headers": {"Retry-After": "30"}, "message": "Gone for now."}  # type: ignore[attr-defined]
    response = from_exception(error)
    assert (response.headers["Retry-After"], response.status_code) == ("30", 404)
    assert json.loads(response.get_data())["detail"] == "Gone for now."


def test_an_error_without_a_detail_of_ours_keeps_werkzeugs() -> None:
    """A status with no sentence of ours and no message uses werkzeug's description."""
    error = default_exceptions[409]()
    assert body(error)[2]["detail"] == error.description


def test_an_error_with_neither_message_nor_description_uses_the_phrase() -> None:
    """With no description at all, the status's phrase is the detail."""
    error = default_exceptions[418]()
    error.description = None
    assert body(error)[2] == {
        "type": "about:blank",
        "title": "I'm a Teapot",
        "status": 418,
        "detail": "I'm a Teapot",
    }


@pytest.mark.parametrize(
    ("status", "detail"),
    [
        (500, "The service failed to answer this request. The failure has been logged."),
        (503, "Server error."),
    ],
)
def test_server_errors_say_nothing_internal_and_are_logged(
    status: int, detail: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A 5xx answers its own status with a fixed detail, never the exception's, and logs it
    once when Flask has not already (no original exception)."""
    error = default_exceptions[status](description="secret /work/path")
    with caplog.at_level(logging.ERROR, logger="service.api.problems"):
        found = body(error)
    assert found == (
        status,
        PROBLEM_JSON,
        {
            "type": "about:blank",
            "title": default_exceptions[status]().name,
            "status": status,
            "detail": detail,
        },
    )
    assert [r.getMessage() for r in caplog.records] == [f"request failed with {status}"]
    assert caplog.records[0].exc_info is not None


def test_a_server_error_that_flask_logged_is_not_logged_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An InternalServerError wrapping the original exception is Flask's to log."""
    error = InternalServerError(original_exception=RuntimeError("boom"))
    with caplog.at_level(logging.ERROR, logger="service.api.problems"):
        assert body(error)[0] == 500
    assert caplog.records == []


def test_an_exception_without_a_status_is_a_500() -> None:
    """An HTTPException that names no code is answered, and logged, as a 500."""
    found = body(HTTPException())
    assert found[:2] == (500, PROBLEM_JSON)
    assert found[2]["detail"] == (
        "The service failed to answer this request. The failure has been logged."
    )
