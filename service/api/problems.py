"""RFC 9457 problem details: every error leaves the service as application/problem+json."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from typing import Any, NoReturn

from flask import Response
from werkzeug.exceptions import HTTPException, default_exceptions

PROBLEM_JSON = "application/problem+json"
MAX_ERRORS = 50

log = logging.getLogger(__name__)

# Replace werkzeug's generic sentences where a more useful one can be given.
_DETAILS = {
    400: "The request could not be understood.",
    404: "There is no resource at this URL. The API is described at /openapi.json and /docs.",
    405: "This method is not allowed on this resource; the Allow header lists the ones that are.",
    413: "The request body is larger than this service accepts.",
    415: "The request body must be JSON, sent with Content-Type: application/json.",
    500: "The service failed to answer this request. The failure has been logged.",
}
# Headers of the original exception that carry meaning for the client.
_KEPT_HEADERS = ("Allow", "Retry-After")


def problem(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
    members: Mapping[str, Any] | None = None,
) -> Response:
    """A problem+json response: the standard members, ``errors`` for invalid input, and any
    extension ``members`` (such as ``replaced_by``)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(members or {})
    response = Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        mimetype=PROBLEM_JSON,
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def fail(
    status: int, detail: str, *, headers: Mapping[str, str] | None = None, **members: Any
) -> NoReturn:
    """Stop handling the request with a problem of this status, detail, headers and extension
    members."""
    error = default_exceptions[status]()
    error.data = {  # type: ignore[attr-defined]
        "message": detail,
        "members": members,
        "headers": headers or {},
    }
    raise error


def problem_for(status: int, errors: list[tuple[str, str, str]]) -> HTTPException:
    """An exception to raise for invalid input: (location, field, message) per error."""
    error = default_exceptions[status]()
    error.data = {  # type: ignore[attr-defined]
        "errors": [
            {"location": location, "field": field, "message": message}
            for location, field, message in errors
        ]
    }
    return error


def from_exception(error: HTTPException) -> Response:
    """The problem response for an HTTP exception, raised by Flask, werkzeug or webargs."""
    status = error.code or 500
    deliberate = status > 500 and "message" in (getattr(error, "data", None) or {})  # by fail()
    if status >= 500 and not deliberate:
        if getattr(error, "original_exception", None) is None:  # Flask logs the others itself
            log.error("request failed with %s", status, exc_info=error)
        return problem(500 if status == 500 else status, _DETAILS.get(status, "Server error."))
    data = getattr(error, "data", None) or {}
    headers = {name: value for name, value in error.get_headers() if name in _KEPT_HEADERS} | dict(
        data.get("headers") or {}
    )
    if "errors" in data:
        errors = data["errors"]
    elif "messages" in data:
        errors = list(_flatten(data["messages"]))[:MAX_ERRORS]
    else:
        errors = None
    if errors:
        detail = _summarise(errors)
    elif "message" in data:
        detail = str(data["message"])
    else:
        detail = _DETAILS.get(status) or error.description or HTTPStatus(status).phrase
    return problem(status, detail, errors=errors, headers=headers, members=data.get("members"))


def _flatten(messages: object, path: tuple[str, ...] = ()) -> Iterator[dict[str, str]]:
    """webargs' nested messages ({location: {field: [text]}}) as a flat list of field errors."""
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            yield from _flatten(value, (*path, str(key)))
    elif isinstance(messages, list | tuple):
        for message in messages:
            yield from _flatten(message, path)
    else:
        location, *field = path or ("request",)
        yield {
            "location": location,
            "field": _field_path(field),
            "message": str(messages),
        }


def _field_path(parts: list[str]) -> str:
    path = ""
    for part in parts:
        if part.isdigit():
            path += f"[{part}]"
        elif part == "_schema":
            continue
        else:
            path += f".{part}" if path else part
    return path


def _summarise(errors: list[dict[str, str]]) -> str:
    first = errors[0]
    where = f"{first['location']} field '{first['field']}'" if first["field"] else first["location"]
    more = f" ({len(errors) - 1} more error(s) listed in 'errors')" if len(errors) > 1 else ""
    return f"Invalid {where}: {first['message']}{more}"
