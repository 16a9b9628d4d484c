"""README promises about routines that no other test pins: focus, pain bands, ids, notices."""

from __future__ import annotations

import logging
from itertools import combinations
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.app import create_app
from service.domain import IdKeys

from .conftest import LATEST, raw

ITEMS = {item["id"]: item for f in ("exercises.json", "stretches.json") for item in raw(f, LATEST)}
EXERCISE_FOCUS = sorted(
    {focus for item in raw("exercises.json", LATEST) for focus in item["focus"]}
)
SCREENING = raw("screening.json", LATEST)
MANIFEST = raw("manifest.json", LATEST)
SELF_CARE = raw("rules.json", LATEST)["self_care"]
# Enough of everything that the person's answers, not the equipment, decide the items.
EVERYTHING = sorted(entry["id"] for entry in raw("equipment.json", LATEST))


def _json(response: Any) -> Any:
    """The JSON body of a response, which must have one."""
    body = response.get_json()
    assert body is not None, response.data[:200]
    return body


def _exercises(body: dict[str, Any]) -> list[str]:
    """The ids of the exercises section, in order; none when the routine has none."""
    return next(
        ([item["id"] for item in s["items"]] for s in body["sections"] if s["name"] == "exercises"),
        [],
    )


def _has_focus(item_id: str, focus: list[str]) -> bool:
    return bool(set(ITEMS[item_id]["focus"]) & set(focus))


@pytest.mark.parametrize(
    "focus",
    [[focus] for focus in EXERCISE_FOCUS]
    + [list(pair) for pair in combinations(EXERCISE_FOCUS, 2)],
)
@pytest.mark.parametrize("minutes", [8, 20, 45])
def test_focus_areas_are_chosen_first_and_listed_first(
    client: FlaskClient, focus: list[str], minutes: int
) -> None:
    """README table, `focus`: "focus areas chosen first and listed first among the exercises".
    An exercise of an asked-for area is taken even when the time allows only one, and every
    such exercise comes before every other one, whatever its position or content order."""
    request = {"pain": 2, "equipment": EVERYTHING, "minutes": minutes, "level": "intermediate"}
    body = _json(client.post("/routines", json=request | {"focus": focus}))
    order = _exercises(body)
    with_focus = [_has_focus(item_id, focus) for item_id in order]
    assert with_focus, body["reasons"]
    assert with_focus[0], order  # one of the areas always fits here: it is taken first
    assert with_focus == sorted(with_focus, reverse=True), order


def test_focus_moves_a_standing_exercise_before_the_seated_ones(client: FlaskClient) -> None:
    """Without focus seated exercises come first; asking for balance, a standing exercise,
    puts it at the head of the list: the focus outranks the sit-then-stand order."""
    request = {"pain": 2, "equipment": EVERYTHING, "minutes": 30, "level": "intermediate"}
    plain = _exercises(_json(client.post("/routines", json=request)))
    balance = _exercises(_json(client.post("/routines", json=request | {"focus": ["balance"]})))
    assert ITEMS[plain[0]]["position"] == "seated"
    assert ITEMS[balance[0]]["position"] == "standing"
    assert "balance" in ITEMS[balance[0]]["focus"]


def _loads(client: FlaskClient, request: dict[str, Any]) -> set[str]:
    """The forefoot loads, from the content, of every item in every week of the programme."""
    routine = _json(client.post("/routines", json=request))
    assert routine["status"] == "ready", routine["reasons"]
    weeks = _json(client.get(f"/routines/{routine['id']}/programme"))["weeks"]
    return {
        ITEMS[item["id"]]["forefoot_load"]
        for week in weeks
        for section in week["sections"]
        for item in section["items"]
        if item["kind"] != "activity"
    }


REQUESTS = [
    {"minutes": 30, "equipment": ["wall"]},
    {"minutes": 45, "equipment": EVERYTHING, "focus": ["strength"], "level": "intermediate"},
    {"minutes": 60, "equipment": EVERYTHING, "focus": ["balance"], "level": "advanced"},
]


def test_pain_up_to_3_allows_every_item(client: FlaskClient) -> None:
    """README: "pain 0-3 allows every item": the high-load exercises are used at 3."""
    assert "high" in set().union(*(_loads(client, r | {"pain": 3}) for r in REQUESTS))


@pytest.mark.parametrize("pain", [4, 5, 6, None])
def test_from_pain_4_the_load_is_low_or_moderate(client: FlaskClient, pain: int | None) -> None:
    """README: "Pain 4-6 keeps to low and moderate forefoot load", and with no pain given
    "the 4-6 band applies": the same requests as at pain 3 use no high-load item in any week,
    and moderate ones stay."""
    found = set().union(*(_loads(client, r | {"pain": pain}) for r in REQUESTS))
    assert found == {"low", "moderate"}


@pytest.mark.parametrize("pain", [4, 6])
def test_from_pain_4_doses_wait_for_feedback(client: FlaskClient, pain: int) -> None:
    """README: at pain 4-6 "doses rise only as feedback earns": with no feedback every week
    of the programme holds week 1's dosages, where pain 3 climbs."""

    def doses(pain: int) -> list[list[Any]]:
        routine = _json(client.post("/routines", json=REQUESTS[0] | {"pain": pain}))
        weeks = _json(client.get(f"/routines/{routine['id']}/programme"))["weeks"]
        return [
            [item["dosage"] for s in week["sections"] for item in s["items"] if item["dosage"]]
            for week in weeks
        ]

    held = doses(pain)
    assert all(week == held[0] for week in held)
    climbing = doses(3)
    assert climbing[-1] != climbing[0]


@pytest.mark.parametrize("question", SCREENING, ids=[q["id"] for q in SCREENING])
def test_self_care_is_listed_only_when_the_urgency_is_soon(
    client: FlaskClient, question: dict[str, Any]
) -> None:
    """README: "Self-care guidance (rest, ice) is listed only with `soon`, never for a foot
    that may be cold, numb or infected": each question alone answered yes."""
    body = _json(client.post("/routines", json={"pain": 2, "screening": {question["id"]: True}}))
    assert body["urgency"] == question["urgency"]
    linked = [guide["id"] for guide in body["see_also"]]
    assert linked[1:] == (SELF_CARE if question["urgency"] == "soon" else []), linked


def test_a_see_a_professional_feedback_carries_the_urgency_and_advice_of_its_pain(
    client: FlaskClient,
) -> None:
    """README "Feedback": "A see-a-professional answer also carries the urgency and advice of
    the red flags or pain behind it": next-day pain 8 is in the severe band."""
    severe = next(
        b for b in raw("rules.json", LATEST)["pain"]["bands"] if b["min"] <= 8 <= b["max"]
    )
    routine_id = _json(client.post("/routines", json={"pain": 2}))["id"]
    answer = {"pain_during": 2, "pain_next_day": 8, "effort": "right", "completed": True}
    decided = _json(client.post(f"/routines/{routine_id}/feedback", json=answer))
    assert decided["decision"] == "see-a-professional"
    assert decided["urgency"] == severe["urgency"]
    assert severe["advice"] in decided["advice"]
    assert decided["next"] is None


def test_every_routine_carries_the_safety_notice(client: FlaskClient) -> None:
    """README: "Every routine carries the safety notice": ready or not, by id, every week of
    the programme and the routine a feedback answer gives next."""
    notice = next(g for g in raw("guidance.json", LATEST) if g["id"] == MANIFEST["safety_notice"])
    ready = _json(client.post("/routines", json={"pain": 2}))
    answer = {"pain_during": 1, "pain_next_day": 1, "effort": "right", "completed": True}
    routines = [
        ready,
        _json(client.get(f"/routines/{ready['id']}")),
        *_json(client.get(f"/routines/{ready['id']}/programme"))["weeks"],
        _json(client.post(f"/routines/{ready['id']}/feedback", json=answer))["next"],
        _json(client.post("/routines", json={"pain": 9})),
        _json(client.get("/routines?screening=foot-pale-blue-or-cold")),
    ]
    for routine in routines:
        assert routine["safety_notice"]["id"] == notice["id"]
        assert routine["safety_notice"]["body"] == notice["body"]


def test_any_instance_with_the_same_keys_answers_an_id() -> None:
    """README: "every instance behind one URL shares" the keys, and "the id carries the place
    in the programme, so any instance answers": another app answers the same bytes and the
    same feedback; one with other keys knows none of it."""
    keys = f"k1:{IdKeys.new_key()}"
    first = create_app({"TESTING": True, "ROUTINE_ID_KEYS": keys}).test_client()
    second = create_app({"TESTING": True, "ROUTINE_ID_KEYS": keys}).test_client()
    stranger = create_app({"TESTING": True, "ROUTINE_ID_KEYS": f"k1:{IdKeys.new_key()}"})
    routine = first.post("/routines", json={"pain": 2, "week": 3})
    routine_id = _json(routine)["id"]
    assert second.get(f"/routines/{routine_id}").data == routine.data
    answer = {"pain_during": 1, "pain_next_day": 1, "effort": "right", "completed": True}
    url = f"/routines/{routine_id}/feedback"
    decided = _json(second.post(url, json=answer))
    assert decided == _json(first.post(url, json=answer))
    assert decided["next"]["week"] == 4
    assert _json(first.get(f"/routines/{decided['next']['id']}")) == decided["next"]
    assert stranger.test_client().get(f"/routines/{routine_id}").status_code == 404


def test_without_keys_a_warning_is_logged_and_ids_end_with_the_process(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README, ROUTINE_ID_KEYS: "Unset, ids stop working at restart (a warning is logged)"."""
    monkeypatch.delenv("ROUTINE_ID_KEYS", raising=False)
    with caplog.at_level(logging.WARNING):
        before = create_app({"TESTING": True}).test_client()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("ROUTINE_ID_KEYS is not set") for m in warnings), warnings
    routine_id = _json(before.post("/routines", json={}))["id"]
    assert before.get(f"/routines/{routine_id}").status_code == 200
    restarted = create_app({"TESTING": True}).test_client()
    assert restarted.get(f"/routines/{routine_id}").status_code == 404
