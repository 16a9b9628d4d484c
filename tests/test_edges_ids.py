"""Routine ids and requests at their edges: odd old ids, other releases' ids, malformed fields."""

from __future__ import annotations

import base64
import json
import shutil
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.domain import (
    IdKeys,
    RoutineError,
    decode_routine_id,
    encode_routine_id,
    generate_routine,
    load_releases,
    request_for,
)

from .conftest import LATEST, RELEASES, english_only

KEYS = f"k1:{IdKeys.new_key()}"
PROBLEM = "application/problem+json"
ANSWER = {"pain_during": 1, "pain_next_day": 1, "effort": "right", "completed": True}


@pytest.fixture(scope="module")
def keyed() -> FlaskClient:
    """The app on the bundled releases, with keys this module knows."""
    return create_app({"TESTING": True, "ROUTINE_ID_KEYS": KEYS}).test_client()


def _json(response: Any) -> Any:
    body = response.get_json()
    assert body is not None, response.data[:200]
    return body


def _legacy(payload: list[Any]) -> str:
    """An `r1` id as the first release wrote them: base64url JSON, then a MAC (unchecked)."""
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"r1.{encoded}.AAAAAAAAAAAAAAAA"


# version, minutes, equipment, position, pain, level, focus, exclude, week, days, screening, seed
R1_FIELDS = [20, ["wall"], "any", 2, "beginner", [], [], 1, 3, [], 0]


def test_an_old_id_whose_request_no_longer_holds_is_gone_without_a_replacement(
    keyed: FlaskClient,
) -> None:
    """README: old `r1` ids answer 410 Gone; one whose request the latest release cannot make
    (999 minutes) is still 410, with no `replaced_by` to follow, never a 500."""
    fields = [999, *R1_FIELDS[1:]]
    for url in (
        f"/routines/{_legacy(['1.0.0', *fields])}",
        f"/routines/{_legacy(['1.0.0', *fields])}/programme",
    ):
        response = keyed.get(url)
        assert (response.status_code, response.mimetype) == (410, PROBLEM)
        assert _json(response) == {
            "type": "about:blank",
            "title": "Gone",
            "status": 410,
            "detail": "Content release 1.0.0 makes no routines.",
        }


@pytest.mark.parametrize(
    "payload",
    [[1, *R1_FIELDS], [None, *R1_FIELDS], ["1.0.0", *R1_FIELDS, "extra"], {"version": "1.0.0"}],
)
def test_an_r1_id_of_the_wrong_shape_is_not_found(keyed: FlaskClient, payload: Any) -> None:
    """An `r1` id that does not hold a version and the first release's fields is no id: 404."""
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    response = keyed.get(f"/routines/r1.{encoded}.AAAAAAAAAAAAAAAA")
    assert (response.status_code, response.mimetype) == (404, PROBLEM)
    assert _json(response)["detail"] == "No routine has this id: not a routine id."


def test_a_new_id_naming_a_release_without_rules_is_gone(keyed: FlaskClient) -> None:
    """An `r2` id under this service's key that names 1.0.0, a release that makes no routines,
    answers 410 Gone for the routine, its programme and its feedback, with a `replaced_by`
    that the latest release answers with the same request."""
    routine_id = _json(keyed.post("/routines", json={"pain": 2}))["id"]
    _, request = decode_routine_id(routine_id, IdKeys.parse(KEYS))
    old = encode_routine_id(request, "1.0.0", IdKeys.parse(KEYS))
    for response in (
        keyed.get(f"/routines/{old}"),
        keyed.get(f"/routines/{old}/programme"),
        keyed.post(f"/routines/{old}/feedback", json=ANSWER),
    ):
        assert (response.status_code, response.mimetype) == (410, PROBLEM)
        (replacement,) = _json(response)["replaced_by"]
        replaced = keyed.get(replacement)
        assert replaced.status_code == 200
        assert _json(replaced)["content_version"] == LATEST
        assert _json(replaced)["request"]["pain"] == 2  # the same request, not the default


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (" , ", "no routine id key given"),
        (f"k1:{IdKeys.new_key()},k1:{IdKeys.new_key()}", "routine id key id 'k1' is given twice"),
    ],
)
def test_routine_id_keys_that_name_no_key_or_one_twice_stop_start_up(
    keys: str, message: str
) -> None:
    """ROUTINE_ID_KEYS lists at least one key, each key id once: the first encrypts, so which
    key a repeated id means would be a guess."""
    with pytest.raises(ValueError, match=f"^{message}$"):
        create_app({"ROUTINE_ID_KEYS": keys})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"band": 3}, "band: must be a pain band id"),
        ({"equipment": "wall"}, "equipment: must be a list of ids"),
        ({"exclude": ["heel-raises", 7]}, "exclude: must be a list of ids"),
        ({"earned": -1}, "earned: must be an integer from 0 to 52"),
        ({"streak": True}, "streak: must be an integer from 0 to 52"),
    ],
)
def test_a_request_is_checked_whatever_it_came_from(fields: dict[str, Any], message: str) -> None:
    """The domain refuses a malformed request itself (a decoded id builds one without the HTTP
    schema), naming the field."""
    release = load_releases()[LATEST]
    with pytest.raises(RoutineError) as caught:
        request_for(release, fields)
    assert str(caught.value) == message


def test_a_band_the_release_does_not_hold_is_refused() -> None:
    """A request's band (set by a step back) must be one of the release's pain bands."""
    release = load_releases()[LATEST]
    request = request_for(release, {"band": "extreme"})
    with pytest.raises(RoutineError) as caught:
        generate_routine(release, request)
    assert str(caught.value) == "band: 'extreme' is not a pain band"


@pytest.fixture(scope="module")
def dropped_question(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """Both releases, the latest without the question 1.0.0 asks about numbness."""
    root = tmp_path_factory.mktemp("releases")
    for release in RELEASES.iterdir():
        if release.is_dir():  # the copies are drafts: no lock
            shutil.copytree(release, root / release.name)
    path = root / LATEST / "screening.json"
    questions = json.loads(path.read_text(encoding="utf-8"))
    kept = [question for question in questions if question["id"] != "numbness-or-tingling"]
    assert len(kept) == len(questions) - 1
    path.write_text(json.dumps(kept), encoding="utf-8")
    english_only(root / LATEST)
    manifest = json.loads((root / LATEST / "manifest.json").read_text("utf-8"))
    removal = {"kind": "screening", "id": "numbness-or-tingling", "replaced_by": []}
    manifest["removed"] = [*manifest.get("removed", ()), removal]  # a release declares it
    (root / LATEST / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return create_app({"TESTING": True, "CONTENT_DIR": str(root), "ROUTINE_ID_KEYS": KEYS})


def test_a_question_only_an_older_release_asks_is_refused_by_name(dropped_question: Flask) -> None:
    """Bad input never gets a 500: an answer to a question the latest release no longer asks
    is a 422 naming `screening`, in a routine request and in feedback."""
    client = dropped_question.test_client()
    answers = {"numbness-or-tingling": True}
    refused = client.post("/routines", json={"pain": 2, "screening": answers})
    routine_id = _json(client.post("/routines", json={"pain": 2}))["id"]
    feedback = client.post(f"/routines/{routine_id}/feedback", json=ANSWER | {"screening": answers})
    for response in (refused, feedback):
        assert (response.status_code, response.mimetype) == (422, PROBLEM)
        errors = _json(response)["errors"]
        assert [error["field"] for error in errors] == ["screening"], errors
        assert "'numbness-or-tingling' is not a screening question" in errors[0]["message"]
