"""The direct path of new POST /routines answers exactly as Flask does, and only what it can."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder, run_wsgi_app

from service.domain import IdKeys
from service.fastpath import BODY_KEY

from .conftest import LATEST, json_of, raw, recording_app

KEYS = f"k1:{IdKeys.new_key()}"
STRETCHES = [s["id"] for s in raw("stretches.json", LATEST)]
QUESTION = raw("screening.json", LATEST)[0]["id"]


def _app(*, direct: bool, **config: Any) -> tuple[Flask, list[bool]]:
    return recording_app(direct=direct, keys=KEYS, **config)


@pytest.fixture(scope="module")
def both() -> tuple[FlaskClient, list[bool], FlaskClient]:
    direct, answered = _app(direct=True)
    flask_only, _ = _app(direct=False)
    return direct.test_client(), answered, flask_only.test_client()


def _same(first: Any, second: Any) -> None:
    assert first.status_code == second.status_code
    assert first.data == second.data
    drop = {"X-Request-ID"}
    assert [h for h in first.headers if h[0] not in drop] == [
        h for h in second.headers if h[0] not in drop
    ]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({}, {}),
        ({"minutes": 30, "equipment": ["towel", "wall"], "pain": 2, "week": 5}, {}),
        ({"position": "seated", "equipment": [], "focus": ["balance"], "seed": 9}, {}),
        ({"screening": {QUESTION: False}, "level": "intermediate"}, {"Accept-Encoding": "br"}),
        ({"pain": 5, "days_per_week": 2}, {"Accept-Encoding": "gzip, deflate"}),
        ({"content_version": LATEST, "minutes": 20}, {}),
        ({"screening": {QUESTION: True}}, {}),
    ],
)
def test_a_routine_is_answered_directly_as_flask_answers_it(
    both: tuple[FlaskClient, list[bool], FlaskClient],
    body: dict[str, Any],
    headers: dict[str, str],
) -> None:
    """Status, every header but the request id, and the bytes are Flask's own."""
    direct, answered, flask_only = both
    answered.clear()
    _same(direct.post("/routines", json=body, headers=headers),
          flask_only.post("/routines", json=body, headers=headers))  # fmt: skip
    assert answered == [True]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"colour": "red"}, 422),
        ({"minutes": "15"}, 422),
        ({"content_version": "1.0.0"}, 410),
        ({"content_version": "9.9.9"}, 404),
        ({"exclude": STRETCHES}, 422),
        ({"screening": {QUESTION: "yes"}}, 422),
        ([], 422),
        ("text", 422),
    ],
)
def test_anything_but_a_routine_goes_to_flask(
    both: tuple[FlaskClient, list[bool], FlaskClient], body: Any, status: int
) -> None:
    """Refusals are Flask's, unchanged: the direct path answers none of them."""
    direct, answered, flask_only = both
    answered.clear()
    got = direct.post("/routines", json=body)
    assert got.status_code == status
    _same(got, flask_only.post("/routines", json=body))
    assert answered == [False]


def test_requests_with_an_origin_or_another_route_never_take_the_direct_path(
    both: tuple[FlaskClient, list[bool], FlaskClient],
) -> None:
    """CORS requests, GET /routines and a routine's feedback stay with Flask."""
    direct, answered, _ = both
    answered.clear()
    assert direct.post("/routines", json={}, headers={"Origin": "https://a.example"}).status_code
    assert direct.get("/routines").status_code == 200
    routine_id = json_of(direct.post("/routines", json={"seed": 3}))["id"]
    feedback = {"pain_during": 1, "pain_next_day": 1, "effort": "right", "completed": True}
    assert direct.post(f"/routines/{routine_id}/feedback", json=feedback).status_code == 200
    assert answered == [True]  # only the plain POST /routines


def test_with_cors_configured_a_direct_answer_still_matches_flask() -> None:
    """Flask's Vary: Origin (service/cors.py) is on the direct answer too, in the same place."""
    direct, answered = _app(direct=True, CORS_ORIGINS=["https://app.example"])
    flask_only, _ = _app(direct=False, CORS_ORIGINS=["https://app.example"])
    body = {"minutes": 30, "equipment": ["towel"]}
    for headers in ({}, {"Accept-Encoding": "br"}):
        got = direct.test_client().post("/routines", json=body, headers=headers)
        assert got.headers["Vary"] == "Accept-Encoding, Accept-Language, Origin"
        _same(got, flask_only.test_client().post("/routines", json=body, headers=headers))
    assert answered == [True, True]


def test_the_direct_path_reads_the_body_itself_without_the_cache_in_front(
    both: tuple[FlaskClient, list[bool], FlaskClient],
) -> None:
    """Called alone, with no response cache having read the body first, it still answers."""
    direct, answered, flask_only = both
    answered.clear()
    layer = direct.application.extensions["routine_path"]
    body = {"minutes": 25, "seed": 4}
    environ = EnvironBuilder(method="POST", path="/routines", json=body).get_environ()
    assert BODY_KEY not in environ
    chunks, status, headers = run_wsgi_app(layer, environ)
    assert answered == [True]
    expected = flask_only.post("/routines", json=body)
    assert (status, b"".join(chunks)) == (expected.status, expected.data)
    assert list(headers) == [h for h in expected.headers if h[0] != "X-Request-ID"]


def test_an_after_request_hook_does_not_act_on_direct_answers() -> None:
    """As the module docstring says: a new hook sees the refusals Flask answers, not routines."""
    app, answered = _app(direct=True)
    runs: list[int] = []

    @app.after_request
    def stamp(response: Any) -> Any:
        runs.append(response.status_code)
        response.headers["X-Stamp"] = "hooked"
        return response

    client = app.test_client()
    routine = client.post("/routines", json={"seed": 8})
    refused = client.post("/routines", json={"colour": "red"})
    assert (routine.status_code, refused.status_code) == (200, 422)
    assert "X-Stamp" not in routine.headers
    assert refused.headers["X-Stamp"] == "hooked"
    assert (answered, runs) == ([True, False], [422])
