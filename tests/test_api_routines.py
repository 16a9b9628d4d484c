"""/routines over HTTP: both forms, ids, programme, feedback, 410 for 1.0.0, every refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from service.app import create_app
from service.domain import IdKeys

from .conftest import LATEST, json_of, raw

PROBLEM = "application/problem+json"
RULES = raw("rules.json", LATEST)
SCREENING = raw("screening.json", LATEST)
ITEMS = {item["id"]: item for f in ("exercises.json", "stretches.json") for item in raw(f, LATEST)}
# The normalised request of `{}`: the release's defaults, and the API's own for the rest.
DEFAULT_REQUEST = {
    "minutes": RULES["request_defaults"]["minutes"],
    "equipment": RULES["request_defaults"]["equipment"],
    "position": RULES["request_defaults"]["position"],
    "pain": None,
    "level": RULES["request_defaults"]["level"],
    "focus": [],
    "exclude": [],
    "week": 1,
    "days_per_week": RULES["request_defaults"]["days_per_week"],
    "screening": {},
    "seed": 0,
}
URGENCY = ("soon", "urgent", "emergency")


@pytest.fixture(scope="module")
def validator(app: Flask) -> Any:
    """Validates a body against a named schema of the served OpenAPI document."""
    spec = json_of(app.test_client().get("/openapi.json"))
    registry = Registry().with_resource(
        "urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012)
    )

    def validate(name: str, body: Any) -> None:
        OAS31Validator(
            {"$ref": f"urn:spec#/components/schemas/{name}"}, registry=registry
        ).validate(body)

    return validate


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for section in body["sections"] for item in section["items"]]


def test_post_gives_a_documented_routine_and_its_id_gives_the_same_bytes(
    client: FlaskClient, validator: Any
) -> None:
    """POST {} is the default routine; GET /routines/{id} and GET /routines give the same bytes."""
    posted = client.post("/routines", json={})
    assert posted.status_code == 200
    body = json_of(posted)
    validator("Routine", body)
    assert posted.headers["Content-Location"] == f"/routines/{body['id']}"
    assert posted.headers["Content-Version"] == LATEST
    assert body["request"] == DEFAULT_REQUEST
    by_id = client.get(f"/routines/{body['id']}")
    assert by_id.status_code == 200
    assert by_id.data == posted.data
    assert by_id.headers["ETag"] == posted.headers["ETag"]
    assert by_id.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/routines").data == posted.data


def test_default_request_fills_at_least_two_thirds_of_its_time(client: FlaskClient) -> None:
    """{} asks for the release's default minutes and gets a routine of at least 2/3 of them."""
    body = json_of(client.post("/routines", json={}))
    assert body["estimated_seconds"] >= DEFAULT_REQUEST["minutes"] * 60 * 2 / 3
    assert body["estimated_seconds"] <= DEFAULT_REQUEST["minutes"] * 60


def test_query_form_equals_the_body_form(client: FlaskClient) -> None:
    """Repeated list parameters, screening and screening_no mean the same as the body."""
    query = client.get(
        "/routines?minutes=20&equipment=wall&equipment=towel&focus=balance&exclude=heel-walks"
        "&level=intermediate&week=3&days_per_week=4&seed=7&pain=2"
        "&screening_no=numbness-or-tingling"
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
    assert "heel-walks" not in [item["id"] for item in _items(json_of(query))]
    assert json_of(query)["request"]["screening"] == {"numbness-or-tingling": False}


@pytest.mark.parametrize(
    ("url", "keeps"),
    [
        ("/routines?equipment=none", lambda item: item["equipment"] == []),
        ("/routines?position=seated", lambda item: item["position"] == "seated"),
        ("/routines?equipment=none&position=seated", lambda item: item["position"] == "seated"),
    ],
)
def test_nothing_at_hand_or_seated_still_gets_a_routine(
    client: FlaskClient, url: str, keeps: Any
) -> None:
    """equipment=none and seated are ready routines of items that suit them, by their content."""
    response = client.get(url)
    assert response.status_code == 200
    body = json_of(response)
    assert body["status"] == "ready"
    items = [item for item in _items(body) if item["kind"] != "activity"]
    assert {section["name"] for section in body["sections"]} >= {"warm-up", "cool-down"}
    assert items
    assert all(keeps(ITEMS[item["id"]]) for item in items)


def test_items_carry_what_a_frontend_shows_and_link_to_their_entries(client: FlaskClient) -> None:
    """Each item has its name, steps, cautions, equipment and a link answering that entry."""
    body = json_of(client.post("/routines", json={"equipment": ["towel", "wall"], "minutes": 30}))
    for item in _items(body):
        if item["kind"] == "activity":
            assert item["reason"]["code"] == "fills-remaining-time"
            assert client.get(item["href"]).status_code == 200
            continue
        entry = ITEMS[item["id"]]
        assert (item["name"], item["steps"], item["cautions"], item["equipment"]) == (
            entry["name"],
            entry["steps"],
            entry["cautions"],
            entry["equipment"],
        )
        linked = client.get(item["href"])
        assert linked.status_code == 200
        assert json_of(linked)["id"] == item["id"]


def test_every_ready_routine_lists_every_precaution_and_its_schedule(client: FlaskClient) -> None:
    """All precautions of the release, and how often for how long, whatever the items."""
    for request in ({}, {"equipment": [], "position": "seated"}, {"pain": 1, "minutes": 40}):
        body = json_of(client.post("/routines", json=request))
        assert [p["id"] for p in body["precautions"]] == [
            p["id"] for p in raw("precautions.json", LATEST)
        ]
        assert body["schedule"] == {
            "days_per_week": DEFAULT_REQUEST["days_per_week"],
            "weeks": RULES["programme"]["weeks"]["value"],
        }


def test_red_flag_routine_is_the_urgency_the_reason_and_no_exercises(
    client: FlaskClient, validator: Any
) -> None:
    """A yes to the most urgent question: see-a-professional, its urgency, reason and advice."""
    question = max(SCREENING, key=lambda q: URGENCY.index(q["urgency"]))
    response = client.post("/routines", json={"screening": {question["id"]: True}})
    assert response.status_code == 200
    body = json_of(response)
    validator("Routine", body)
    guidance = {entry["id"]: entry for entry in raw("guidance.json", LATEST)}
    manifest = raw("manifest.json", LATEST)

    def linked(entry_id: str) -> dict[str, str]:
        entry = guidance[entry_id]
        return {
            "id": entry_id,
            "title": entry["title"],
            "summary": entry["summary"],
            "href": f"/guidance/{entry_id}?content_version={LATEST}",
        }

    unknown = next(b for b in RULES["pain"]["bands"] if b["id"] == RULES["pain"]["unknown_band"])
    assert body == {
        "id": body["id"],
        "content_version": LATEST,
        "status": "see-a-professional",
        "urgency": question["urgency"],
        "week": 1,
        "estimated_minutes": 0,
        "estimated_seconds": 0,
        "request": DEFAULT_REQUEST | {"screening": {question["id"]: True}},
        "pain": {
            "band": unknown["id"],
            "min": unknown["min"],
            "max": unknown["max"],
            "assumed": True,
            "meaning": RULES["pain"]["meaning"],
        },
        "screening": {"status": "flagged", "unanswered": []}
        | {"unanswered": [q["id"] for q in SCREENING if q["id"] != question["id"]]},
        "schedule": {
            "days_per_week": DEFAULT_REQUEST["days_per_week"],
            "weeks": RULES["programme"]["weeks"]["value"],
        },
        "sections": [],
        "precautions": [],
        "safety_notice": linked(manifest["safety_notice"])
        | {"body": guidance[manifest["safety_notice"]]["body"]},
        # The urgency's advice, then the question's unless it says the same: nothing twice.
        "advice": [RULES["urgency"][question["urgency"]]]
        + (
            [question["advice"]]
            if question["advice"] != RULES["urgency"][question["urgency"]]
            else []
        )
        # Other questions are unanswered, and one of them may be more urgent.
        + [RULES["screening"]["incomplete_advice"]],
        # Self-care (rest, ice) is for a foot that can wait: not listed for an emergency.
        "see_also": [linked(manifest["professional_advice"])]
        + ([linked(name) for name in RULES["self_care"]] if question["urgency"] == "soon" else []),
        "reasons": [
            {
                "kind": "screening",
                "code": question["id"],
                "text": question["reason"],
                "advice": question["advice"],
                "urgency": question["urgency"],
            }
        ],
    }
    assert client.get(f"/routines/{body['id']}").data == response.data
    assert json_of(client.get(f"/routines/{body['id']}/programme"))["weeks"] == []


def test_severe_pain_answers_as_the_severe_pain_question_does(client: FlaskClient) -> None:
    """Pain in a band that is not ready and a yes to the severe-pain question: one answer."""
    band = next(b for b in RULES["pain"]["bands"] if not b["ready"])
    by_score = json_of(client.post("/routines", json={"pain": band["max"]}))
    severe = next(q for q in SCREENING if q["id"] == "severe-or-persistent-pain")
    by_answer = json_of(client.post("/routines", json={"screening": {severe["id"]: True}}))
    assert by_score["status"] == by_answer["status"] == "see-a-professional"
    assert by_score["urgency"] == by_answer["urgency"] == band["urgency"]
    assert by_score["sections"] == by_answer["sections"] == []
    assert [g["id"] for g in by_score["see_also"]][1:] == RULES["self_care"]
    assert by_score["reasons"] == [
        {
            "kind": "pain",
            "code": band["id"],
            "text": band["advice"],
            "advice": band["advice"],
            "urgency": band["urgency"],
        }
    ]


def test_screening_status_says_what_was_left_unanswered(client: FlaskClient) -> None:
    """No answers: incomplete, every id unanswered and the advice to answer; all no: complete."""
    nothing = json_of(client.post("/routines", json={}))
    assert nothing["screening"] == {
        "status": "incomplete",
        "unanswered": [q["id"] for q in SCREENING],
    }
    assert RULES["screening"]["incomplete_advice"] in nothing["advice"]
    all_no = json_of(
        client.post("/routines", json={"screening": {q["id"]: False for q in SCREENING}})
    )
    assert all_no["screening"] == {"status": "complete", "unanswered": []}
    assert RULES["screening"]["incomplete_advice"] not in all_no["advice"]
    again = json_of(client.get(f"/routines/{all_no['id']}"))
    assert again["screening"] == all_no["screening"]


def test_programme_weeks_are_the_week_n_routines(client: FlaskClient, validator: Any) -> None:
    """GET /routines/{id}/programme: week N is exactly the routine of the request at week N."""
    request = {"pain": 2, "equipment": ["towel", "wall"], "minutes": 25}
    routine = json_of(client.post("/routines", json=request))
    response = client.get(f"/routines/{routine['id']}/programme")
    assert response.status_code == 200
    programme = json_of(response)
    validator("Programme", programme)
    assert (programme["id"], programme["content_version"]) == (routine["id"], LATEST)
    assert len(programme["weeks"]) == RULES["programme"]["weeks"]["value"]
    for number, week in enumerate(programme["weeks"], start=1):
        assert week == json_of(client.post("/routines", json=request | {"week": number}))


def _feedback(client: FlaskClient, routine_id: str, **answers: Any) -> Any:
    body = {"pain_during": 1, "pain_next_day": 1, "effort": "right", "completed": True} | answers
    response = client.post(f"/routines/{routine_id}/feedback", json=body)
    assert response.status_code == 200, response.json
    return json_of(response)


def test_a_feedback_loop_of_three_steps(client: FlaskClient, validator: Any) -> None:
    """Progress moves a week on, a hard session holds it, next-day pain steps back a week."""
    start = json_of(client.post("/routines", json={"pain": 2}))
    first = _feedback(client, start["id"])
    validator("FeedbackAnswer", first)
    assert (first["decision"], first["next"]["week"]) == ("progress", 2)
    assert first["reasons"] == [
        {"code": "within-limits", "text": RULES["feedback"]["reasons"]["within-limits"]}
    ]
    second = _feedback(client, first["next"]["id"], effort="hard")
    assert (second["decision"], second["next"]["week"]) == ("hold", 2)
    assert second["next"]["sections"] == first["next"]["sections"]
    rise = RULES["feedback"]["step_back_next_day_rise"]["value"]
    third = _feedback(client, second["next"]["id"], pain_next_day=2 + rise + 1)
    assert (third["decision"], third["next"]["week"]) == ("step-back", 1)
    assert third["next"]["pain"]["band"] == RULES["feedback"]["step_back_band"]
    assert [r["code"] for r in third["reasons"]] == ["pain-next-day-rose"]
    # Each next routine is a routine of its own: its id answers the same bytes.
    again = client.get(f"/routines/{third['next']['id']}")
    assert json_of(again) == third["next"]


def test_answers_that_are_not_progress_in_a_row_end_in_see_a_professional(
    client: FlaskClient,
) -> None:
    """The release's count of holds in a row gives see-a-professional, not-improving, no next."""
    routine_id = json_of(client.post("/routines", json={"pain": 2}))["id"]
    count = RULES["feedback"]["not_improving_after"]["value"]
    for _ in range(count - 1):
        answer = _feedback(client, routine_id, completed=False)
        assert answer["decision"] == "hold"
        routine_id = answer["next"]["id"]
    last = _feedback(client, routine_id, completed=False)
    assert last["decision"] == "see-a-professional"
    assert last["next"] is None
    assert [r["code"] for r in last["reasons"]] == ["not-completed", "not-improving"]


def test_feedback_refusals(client: FlaskClient) -> None:
    """Bad answers are 422 naming the field; a not-ready routine is 409; an unknown id 404."""
    ready = json_of(client.post("/routines", json={}))["id"]
    response = client.post(f"/routines/{ready}/feedback", json={"pain_during": 11})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert {e["field"] for e in json_of(response)["errors"]} == {
        "pain_during",
        "pain_next_day",
        "effort",
        "completed",
    }
    flagged = json_of(client.post("/routines", json={"pain": 9}))["id"]
    conflict = client.post(
        f"/routines/{flagged}/feedback",
        json={"pain_during": 1, "pain_next_day": 1, "effort": "right", "completed": True},
    )
    assert conflict.status_code == 409
    assert conflict.mimetype == PROBLEM
    missing = client.post(
        "/routines/r2.k9.AAAA/feedback",
        json={"pain_during": 1, "pain_next_day": 1, "effort": "right", "completed": True},
    )
    assert missing.status_code == 404


def test_release_without_rules_answers_410_with_the_same_request_on_the_latest(
    client: FlaskClient,
) -> None:
    """A request pinned to 1.0.0 and an r1 id: 410 Gone, replaced_by the latest's routine."""
    request = {"minutes": 20, "equipment": ["towel", "wall"], "pain": 2}
    pinned = client.post("/routines", json=request | {"content_version": "1.0.0"})
    assert pinned.status_code == 410
    assert pinned.mimetype == PROBLEM
    latest = json_of(client.post("/routines", json=request))
    assert json_of(pinned)["replaced_by"] == [f"/routines/{latest['id']}"]
    legacy = (
        "r1.WyIxLjAuMCIsMjAsWyJ0b3dlbCIsIndhbGwiXSwiYW55IiwyLCJiZWdpbm5lciIsW10sW10sMSwzLFtdLDBd."
        "AAAAAAAAAAAAAAAA"
    )
    for url in (f"/routines/{legacy}", f"/routines/{legacy}/programme"):
        gone = client.get(url)
        assert gone.status_code == 410
        assert json_of(gone)["replaced_by"] == [f"/routines/{latest['id']}"]
    assert json_of(client.get(json_of(pinned)["replaced_by"][0])) == latest


def test_routine_ids_hold_nothing_readable_and_rotate_keys(client: FlaskClient) -> None:
    """An id shows no pain or answer; a changed character is 404; an old key still decodes."""
    old = f"k1:{IdKeys.new_key()}"
    before = create_app({"TESTING": True, "ROUTINE_ID_KEYS": old}).test_client()
    body = before.post(
        "/routines", json={"pain": 6, "screening": {"diabetes-with-foot-pain": False}}
    )
    routine_id = json_of(body)["id"]
    assert routine_id.startswith("r2.k1.")
    for readable in ("diabetes", "pain", '"6"', "ZGlhYmV0ZXM", "cGFpb"):
        assert readable not in routine_id
    rotated = create_app({"TESTING": True, "ROUTINE_ID_KEYS": f"k2:{IdKeys.new_key()},{old}"})
    # The rotated service reads the old id and answers under its current key.
    answered = json_of(rotated.test_client().get(f"/routines/{routine_id}"))
    assert answered["id"].startswith("r2.k2.")
    assert {**answered, "id": None} == {**json_of(body), "id": None}
    changed = routine_id[:-1] + ("A" if routine_id[-1] != "A" else "B")
    assert before.get(f"/routines/{changed}").status_code == 404
    assert client.get(f"/routines/{routine_id}").status_code == 404  # another key: unknown


def test_routine_by_id_revalidates_with_304(client: FlaskClient) -> None:
    """GET by id honours If-None-Match; POST always answers in full."""
    first = client.post("/routines", json={"minutes": 10})
    etag = first.headers["ETag"]
    again = client.get(f"/routines/{json_of(first)['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    posted = client.post("/routines", json={"minutes": 10}, headers={"If-None-Match": etag})
    assert posted.status_code == 200


@pytest.mark.parametrize(
    "routine_id",
    ["garbage", "r1.abc.def", "r1..", "r1." + "A" * 3000 + ".x", "r2.k1.AAAA", "r2..", "r1.%FF.AA"],
)
def test_garbage_routine_id_is_404(client: FlaskClient, routine_id: str) -> None:
    """Ids that are not routine ids are 404 problems, never 500."""
    response = client.get(f"/routines/{routine_id}")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert json_of(response)["detail"].startswith("No routine has this id:")


def _error(response: Any) -> tuple[int, str, list[dict[str, str]] | None]:
    assert response.mimetype == PROBLEM
    return response.status_code, json_of(response)["detail"], json_of(response).get("errors")


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
        (
            {"week": RULES["programme"]["weeks"]["value"] + 1},
            "week",
            f"must be from 1 to {RULES['programme']['weeks']['value']}: the programme of "
            f"release {LATEST}",
        ),
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
    """Every stretch excluded: 422 naming the exclusion that ruled each stretch out."""
    stretches = [s["id"] for s in raw("stretches.json", LATEST)]
    request = {"exclude": stretches, "equipment": [e["id"] for e in raw("equipment.json", LATEST)]}
    status, _, errors = _error(client.post("/routines", json=request))
    assert status == 422
    assert errors is not None
    assert [error["field"] for error in errors] == ["exclude"]
    for stretch in stretches:
        assert f"{stretch} is excluded (exclude)" in errors[0]["message"]


def test_bodies_that_are_not_json_objects_are_refused(client: FlaskClient) -> None:
    """Malformed JSON, empty, form-encoded and oversized bodies get their 4xx."""
    for kwargs, status in (
        ({"data": "{bad", "content_type": "application/json"}, 400),
        ({"data": "", "content_type": "application/json"}, 400),
        ({"data": "minutes=15"}, 415),
        (
            {"data": json.dumps({"exclude": ["x" * 20_000]}), "content_type": "application/json"},
            413,
        ),
    ):
        got, _, _ = _error(client.post("/routines", **kwargs))
        assert got == status


def test_screening_lists_the_questions(client: FlaskClient) -> None:
    """GET /screening lists the red-flag questions as the latest release holds them."""
    response = client.get("/screening")
    assert response.status_code == 200
    assert json_of(response) == SCREENING


def test_a_red_flag_in_feedback_says_how_soon_and_what_to_do(client: FlaskClient) -> None:
    """Two red flags in feedback: see-a-professional with the higher urgency, its advice first."""
    question = max(SCREENING, key=lambda q: URGENCY.index(q["urgency"]))
    milder = min(SCREENING, key=lambda q: URGENCY.index(q["urgency"]))
    routine_id = json_of(client.post("/routines", json={"pain": 2}))["id"]
    answers = {milder["id"]: True, question["id"]: True}
    answer = _feedback(client, routine_id, screening=answers)
    assert answer["decision"] == "see-a-professional"
    assert answer["urgency"] == question["urgency"]
    assert answer["advice"][0] == RULES["urgency"][question["urgency"]]
    assert question["advice"] in answer["advice"]
    assert answer["next"] is None


def test_a_step_back_never_adds_an_item(client: FlaskClient) -> None:
    """After a painful week the next routine holds no item the routine before did not."""
    for request in ({"pain": 2, "minutes": 20}, {"pain": 1, "minutes": 30, "week": 4}):
        routine = json_of(client.post("/routines", json=request))
        answer = _feedback(client, routine["id"], pain_during=6)
        assert answer["decision"] == "step-back"
        before = {item["id"] for item in _items(routine)}
        assert {item["id"] for item in _items(answer["next"])} <= before


def test_focus_puts_its_exercises_first(client: FlaskClient) -> None:
    """Asking for balance or for strength changes which exercise comes first, by its content."""
    request = {"pain": 2, "equipment": ["towel", "wall"], "minutes": 20}
    orders = {}
    for focus in ("balance", "strength"):
        exercises = next(
            section["items"]
            for section in json_of(client.post("/routines", json=request | {"focus": [focus]}))[
                "sections"
            ]
            if section["name"] == "exercises"
        )
        assert focus in ITEMS[exercises[0]["id"]]["focus"]
        orders[focus] = [item["id"] for item in exercises]
    assert orders["balance"] != orders["strength"]


def test_level_raises_the_start_and_opens_the_harder_variation(client: FlaskClient) -> None:
    """Intermediate starts higher than beginner, and only it reaches an advanced variation."""
    harder = {
        variation["id"]
        for item in ITEMS.values()
        for variation in item["variations"]
        if variation.get("difficulty") == "advanced"
    }
    assert harder
    request = {"pain": 2, "equipment": ["towel", "wall"], "minutes": 30}
    seen: dict[str, set[str]] = {}
    first: dict[str, dict[str, int]] = {}
    for level in ("beginner", "intermediate"):
        routine = json_of(client.post("/routines", json=request | {"level": level}))
        programme = json_of(client.get(f"/routines/{routine['id']}/programme"))["weeks"]
        seen[level] = {
            item["variation"]["id"]
            for week in programme
            for item in _items(week)
            if item.get("variation")
        }
        first[level] = {
            item["id"]: item["estimated_seconds"]
            for item in _items(routine)
            if item["kind"] != "activity"
        }
    assert seen["beginner"] == set()
    assert seen["intermediate"] & harder
    shared = first["beginner"].keys() & first["intermediate"].keys()
    assert shared
    assert any(first["intermediate"][i] > first["beginner"][i] for i in shared)
    assert all(first["intermediate"][i] >= first["beginner"][i] for i in shared)
