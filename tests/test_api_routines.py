"""/routines over HTTP: both forms, stateless ids, the documented shape and every refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .conftest import raw

PROBLEM = "application/problem+json"
# The normalised request of `{}`: every documented default.
DEFAULT_REQUEST = {
    "minutes": 15,
    "equipment": ["wall"],
    "position": "any",
    "pain": None,
    "level": "beginner",
    "focus": [],
    "exclude": [],
    "week": 1,
    "days_per_week": 3,
    "screening": {},
    "seed": 0,
}


@pytest.fixture(scope="module")
def routine_validator(app: Flask) -> OAS31Validator:
    """Validates a body against the Routine schema of the served OpenAPI document."""
    spec = app.test_client().get("/openapi.json").json
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:spec", resource)
    return OAS31Validator({"$ref": "urn:spec#/components/schemas/Routine"}, registry=registry)


def test_post_gives_a_documented_routine_and_its_id_gives_the_same_bytes(
    client: FlaskClient, routine_validator: OAS31Validator
) -> None:
    """POST {} is the default routine; GET /routines/{id} and GET /routines give the same bytes."""
    posted = client.post("/routines", json={})
    assert posted.status_code == 200
    body = posted.json
    routine_validator.validate(body)
    assert posted.headers["Content-Location"] == f"/routines/{body['id']}"
    assert posted.headers["Content-Version"] == "1.0.0"
    assert body["request"] == DEFAULT_REQUEST
    by_id = client.get(body["id"].join(("/routines/", "")))
    assert by_id.status_code == 200
    assert by_id.data == posted.data
    assert by_id.headers["ETag"] == posted.headers["ETag"]
    assert by_id.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/routines").data == posted.data


def test_query_form_equals_the_body_form(client: FlaskClient) -> None:
    """Repeated list parameters and the screening ids answered yes mean the same as the body."""
    query = client.get(
        "/routines?minutes=20&equipment=wall&equipment=towel&focus=balance&exclude=heel-walks"
        "&level=intermediate&week=3&days_per_week=4&seed=7&pain=2"
    )
    body = client.post(
        "/routines",
        json={
            "minutes": 20,
            "equipment": ["towel", "wall"],
            "focus": ["balance"],
            "exclude": ["heel-walks"],
            "level": "intermediate",
            "week": 3,
            "days_per_week": 4,
            "seed": 7,
            "pain": 2,
            "screening": {"numbness-or-tingling": False},
        },
    )
    assert query.status_code == body.status_code == 200
    assert query.data == body.data
    items = [item["id"] for section in query.json["sections"] for item in section["items"]]
    assert "heel-walks" not in items
    assert query.json["estimated_seconds"] <= 20 * 60


def test_equipment_none_in_the_query_means_nothing(client: FlaskClient) -> None:
    """equipment=none is the query spelling of []: with release 1.0.0 no stretch is possible."""
    response = client.get("/routines?equipment=none")
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "location": "query",
            "field": "equipment",
            "message": "no stretch is possible for the warm-up and cool-down, which every "
            "routine needs: toe-stretch needs towel or cloth (equipment); calf-stretch needs "
            "wall (equipment)",
        }
    ]


def test_red_flag_routine_is_the_advice_and_no_exercises(
    client: FlaskClient, routine_validator: OAS31Validator
) -> None:
    """A yes to a screening question: see-a-professional, the reason and its advice."""
    response = client.get("/routines?screening=diabetes-with-foot-pain")
    assert response.status_code == 200
    body = response.json
    routine_validator.validate(body)
    question = next(q for q in raw("screening.json") if q["id"] == "diabetes-with-foot-pain")
    notice = next(g for g in raw("guidance.json") if g["id"] == "safety-notice")
    professional = next(g for g in raw("guidance.json") if g["id"] == "when-to-see-a-professional")
    assert body == {
        "id": body["id"],
        "content_version": "1.0.0",
        "status": "see-a-professional",
        "estimated_minutes": 0,
        "estimated_seconds": 0,
        "request": DEFAULT_REQUEST | {"screening": {"diabetes-with-foot-pain": True}},
        "sections": [],
        "precautions": [],
        "safety_notice": {
            "id": "safety-notice",
            "title": notice["title"],
            "summary": notice["summary"],
            "href": "/guidance/safety-notice?content_version=1.0.0",
            "body": notice["body"],
        },
        "advice": [question["advice"]],
        "see_also": [
            {
                "id": "when-to-see-a-professional",
                "title": professional["title"],
                "summary": professional["summary"],
                "href": "/guidance/when-to-see-a-professional?content_version=1.0.0",
            }
        ],
        "reasons": [
            {key: question[key] for key in ("id", "question", "reason", "advice")},
        ],
        "progression": [],
    }
    assert client.get(f"/routines/{body['id']}").data == response.data


def test_items_link_to_their_catalogue_entries(client: FlaskClient) -> None:
    """Every item's href answers 200 with the entry of that id."""
    body = client.post("/routines", json={"equipment": ["towel", "wall"], "minutes": 30}).json
    for section in body["sections"]:
        for item in section["items"]:
            entry = client.get(item["href"])
            assert entry.status_code == 200
            assert entry.json["id"] == item["id"]
    for link in (*body["precautions"], body["safety_notice"]):
        assert client.get(link["href"]).status_code == 200


def test_routine_by_id_revalidates_with_304(client: FlaskClient) -> None:
    """GET by id honours If-None-Match; POST always answers in full."""
    first = client.post("/routines", json={"minutes": 10})
    etag = first.headers["ETag"]
    again = client.get(f"/routines/{first.json['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    posted = client.post("/routines", json={"minutes": 10}, headers={"If-None-Match": etag})
    assert posted.status_code == 200


@pytest.mark.parametrize(
    "routine_id",
    [
        "garbage",
        "r1.abc.def",
        "r1..",
        "r1." + "A" * 3000 + ".x",
        "r2.WyIxLjAuMCJd.AAAA",
        "r1.%FF%FE.AAAA",
    ],
)
def test_garbage_routine_id_is_404(client: FlaskClient, routine_id: str) -> None:
    """Ids that are not routine ids are 404 problems, never 500."""
    response = client.get(f"/routines/{routine_id}")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert response.json["detail"].startswith("No routine has this id:")


def test_tampered_routine_id_is_404(client: FlaskClient) -> None:
    """Changing the request inside an id breaks its signature."""
    import base64

    routine_id = client.post("/routines", json={}).json["id"]
    prefix, payload, mac = routine_id.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded[1] = 60  # minutes
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    response = client.get(f"/routines/{prefix}.{forged}.{mac}")
    assert response.status_code == 404
    assert response.json["detail"] == (
        "No routine has this id: routine id does not match its signature."
    )


def _error(response: Any) -> tuple[int, str, list[dict[str, str]] | None]:
    assert response.mimetype == PROBLEM
    return response.status_code, response.json["detail"], response.json.get("errors")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"minutes": "15"}, "minutes", "Not a valid integer."),
        ({"minutes": 15.5}, "minutes", "Not a valid integer."),
        (
            {"minutes": 10**30},
            "minutes",
            "Must be greater than or equal to 5 and less than or equal to 60.",
        ),
        ({"pain": 11}, "pain", "Must be greater than or equal to 0 and less than or equal to 10."),
        ({"level": "expert"}, "level", "Must be one of: beginner, intermediate, advanced."),
        ({"minutes": 15, "colour": "red"}, "colour", "Unknown field."),
        (
            {"screening": {"numbness-or-tingling": "yes"}},
            "screening.numbness-or-tingling.value",
            "Not a valid boolean.",
        ),
        ({"equipment": "towel"}, "equipment", "Not a valid list."),
    ],
)
def test_invalid_body_is_422_naming_the_field(
    client: FlaskClient, body: dict[str, Any], field: str, message: str
) -> None:
    """Wrong types, out-of-range values and unknown fields are refused by name."""
    status, detail, errors = _error(client.post("/routines", json=body))
    assert status == 422
    assert errors == [{"location": "json", "field": field, "message": message}]
    assert detail == f"Invalid json field '{field}': {message}"


def test_unsatisfiable_constraints_are_422_naming_them(client: FlaskClient) -> None:
    """Every stretch excluded: 422 with the constraints that ruled each stretch out."""
    status, detail, errors = _error(
        client.post("/routines", json={"exclude": ["toe-stretch", "calf-stretch"]})
    )
    assert status == 422
    message = (
        "no stretch is possible for the warm-up and cool-down, which every routine needs: "
        "toe-stretch needs towel or cloth (equipment); calf-stretch is excluded (exclude)"
    )
    assert errors == [
        {"location": "json", "field": "equipment", "message": message},
        {"location": "json", "field": "exclude", "message": message},
    ]
    assert detail == (
        f"Invalid json field 'equipment': {message} (1 more error(s) listed in 'errors')"
    )


@pytest.mark.parametrize(
    ("kwargs", "status", "detail"),
    [
        (
            {"data": "{bad", "content_type": "application/json"},
            400,
            "Invalid json: Invalid JSON body.",
        ),
        (
            {"data": b"\xff\xfe{}", "content_type": "application/json"},
            400,
            "Invalid json: Invalid JSON body.",
        ),
        (
            {"data": "", "content_type": "application/json"},
            400,
            "The request body is empty: send a JSON object, {} for every default.",
        ),
        (
            {"data": "minutes=15"},
            415,
            "The request body must be JSON, sent with Content-Type: application/json.",
        ),
        (
            {},
            415,
            "The request body must be JSON, sent with Content-Type: application/json.",
        ),
        (
            {"data": json.dumps({"exclude": ["x" * 20_000]}), "content_type": "application/json"},
            413,
            "The request body is larger than this service accepts.",
        ),
    ],
)
def test_bodies_that_are_not_json_objects_are_refused(
    client: FlaskClient, kwargs: dict[str, Any], status: int, detail: str
) -> None:
    """Malformed JSON, non-UTF-8, empty, form-encoded and oversized bodies get their 4xx."""
    got_status, got_detail, _ = _error(client.post("/routines", **kwargs))
    assert (got_status, got_detail) == (status, detail)


def test_screening_lists_the_questions(client: FlaskClient) -> None:
    """GET /screening lists the red-flag questions as the release holds them."""
    response = client.get("/screening")
    assert response.status_code == 200
    assert response.json == raw("screening.json")


def test_signed_but_hostile_routine_id_is_404(client: FlaskClient, app: Flask) -> None:
    """The MAC key is no secret, so a signed id may hold anything: still a 404, never a 500."""
    import base64
    import hashlib
    import hmac

    key = app.config["ROUTINE_ID_KEY"].encode()
    for payload in (b"[" * 1500, b'{"a": 1}', b"[1,2,3]", b"\xff\xfe"):
        mac = hmac.new(key, payload, hashlib.sha256).digest()[:12]
        token = ".".join(
            [
                "r1",
                *(base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (payload, mac)),
            ]
        )
        response = client.get(f"/routines/{token}")
        assert response.status_code == 404, payload[:10]
        assert response.json["detail"].startswith("No routine has this id:")
