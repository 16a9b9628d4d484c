"""Whole routines, feedback steps and ids checked by hand against the release's JSON files.

Every expected number below is worked out from the content (exercises.json, stretches.json,
rules.json), the arithmetic shown next to it: a dose takes sets x sides x reps x (seconds per
rep + hold), or sets x sides x duration, plus a rest between sets.
"""

from __future__ import annotations

import base64
import binascii
import string
from dataclasses import replace
from typing import Any

import pytest

from service.domain import (
    Decision,
    Effort,
    Feedback,
    IdKeys,
    Routine,
    RoutineError,
    RoutineIdError,
    Screening,
    Status,
    Urgency,
    decide,
    decode_routine_id,
    encode_routine_id,
    generate_routine,
    request_for,
)

from .conftest import latest_with_rules

RELEASE, RULES = latest_with_rules()
ALL_NO = [question.id for question in RELEASE.screening]

Row = tuple[str, int, int | None, int | None, int]


def _plan(routine: Routine) -> list[tuple[str, list[Row]]]:
    """Each section as (item id, sets, reps, hold or duration seconds, seconds)."""
    return [
        (
            section.name,
            [
                (
                    planned.item.id,
                    planned.dose.sets,
                    planned.dose.reps,
                    planned.dose.hold_seconds or planned.dose.duration_seconds,
                    planned.dose.seconds,
                )
                for planned in section.items
            ],
        )
        for section in routine.sections
    ]


def _routine(given: dict[str, Any], week: int = 1) -> Routine:
    return generate_routine(RELEASE, replace(request_for(RELEASE, given), week=week))


def test_default_routine_for_someone_with_only_a_wall() -> None:
    """The default request (15 minutes, a wall, no pain given, beginner) in week 1: the 4-6
    band's gentle items at their starting doses, with the calf stretch before and after."""
    routine = _routine({})
    # No pain: the unknown band "moderate" applies, so no high-load item (heel raises) and
    # doses sized for a third of the 5-step climb (one step). The time is 15 x 60 = 900 s.
    # Stretches with a wall and no towel: calf stretch (wall) and hand-toe stretch (nothing).
    #   calf: 1 set x 2 legs x 3 reps x (5 s + 15 s hold) = 120 s (150 s at its 20 s target)
    #   hand-toe: 1 x 2 x 3 x (5 + 10) = 90 s (120 s one step up, at 15 s)
    #   At one step up they take 150 + 120 = 270 s, within 60% of 900 / 2 = 270 s: both fit.
    # The exercises get 900 - 2 x 270 = 360 s at one step up:
    #   toe raise, point and curl: 1 x 6 x (3 + 15) = 108 s; toe splay 1 x 6 x (2 + 5) = 42 s;
    #   ankle circles 1 x 2 x 6 x 6 = 72 s; single-leg balance 1 x 2 x 2 x (5 + 20) = 100 s:
    #   108 + 42 + 72 + 100 = 322 s. The seated foot lifts (48 s one step up) fit in place of
    #   the toe splay but not next to it (370 s > 360 s): seed 0's tie-break takes the splay.
    #   Heel walks take 130 s. The 38 s left are under the activity's 5 minutes.
    # Week 1 is the starting dose, seated exercises first:
    #   toe raise 1 x 5 x 18 = 90; splay 1 x 5 x 7 = 35; circles 1 x 2 x 5 x 6 = 60;
    #   balance 1 x 2 x 2 x (5 + 15) = 80.
    assert _plan(routine) == [
        ("warm-up", [("calf-stretch", 1, 3, 15, 120), ("hand-toe-stretch", 1, 3, 10, 90)]),
        (
            "exercises",
            [
                ("toe-raise-point-curl", 1, 5, 15, 90),
                ("toe-splay", 1, 5, 5, 35),
                ("ankle-circles", 1, 5, None, 60),
                ("single-leg-balance", 1, 2, 15, 80),
            ],
        ),
        ("cool-down", [("calf-stretch", 1, 3, 15, 120), ("hand-toe-stretch", 1, 3, 10, 90)]),
    ]
    assert routine.activity is None
    # 2 x (120 + 90) + 90 + 35 + 60 + 80 = 420 + 265 = 685 s, 11.4 minutes: 12.
    assert (routine.estimated_seconds, routine.estimated_minutes) == (685, 12)
    assert (routine.status, routine.band.id, routine.band_assumed) == (
        Status.READY,
        "moderate",
        True,
    )
    assert routine.screening is Screening.INCOMPLETE
    assert routine.unanswered == tuple(ALL_NO)
    assert routine.advice == (RULES.pain.unknown_advice, RULES.incomplete_advice)


def test_heel_raises_start_at_about_two_thirds_of_their_target_for_mild_pain() -> None:
    """Pain 2, standing with a wall: heel raises appear, from 7 of their 10 reps, and reach
    the target in week 3 in rises of at most 25%, then hold."""
    given = {"pain": 2, "position": "standing", "screening_no": ALL_NO}
    # Heel raises: 3 sets, 7-10 reps, 4 s a rep, 3 s hold, 30 s rest, both feet at once.
    #   Week 1: 3 x 7 x (4 + 3) = 147 s of work, 70% of the target's 3 x 10 x 7 = 210 s;
    #           with 2 rests: 147 + 60 = 207 s.
    #   Week 2: 147 x 1.25 = 183.75 allows 3 x r x 7 <= 183.75, r = 8: 168 + 60 = 228 s.
    #   Week 3: 168 x 1.25 = 210 allows r = 10, the target: 210 + 60 = 270 s, then held.
    heel_raises = [
        next(p for p in _routine(given, week).sections[1].items if p.item.id == "heel-raises")
        for week in range(1, 13)
    ]
    assert [(p.dose.sets, p.dose.reps, p.dose.hold_seconds) for p in heel_raises[:3]] == [
        (3, 7, 3),
        (3, 8, 3),
        (3, 10, 3),
    ]
    assert [p.dose.seconds for p in heel_raises] == [207, 228] + [270] * 10
    # The week-1 routine: calf stretch 120 s twice, heel raises 207 s, balance
    # 1 x 2 x 2 x (5 + 15) = 80 s, heel walks 2 x 4 x 10 + 30 = 110 s: 240 + 397 = 637 s.
    assert _plan(_routine(given)) == [
        ("warm-up", [("calf-stretch", 1, 3, 15, 120)]),
        (
            "exercises",
            [
                ("heel-raises", 3, 7, 3, 207),
                ("single-leg-balance", 1, 2, 15, 80),
                ("heel-walks", 2, 4, None, 110),
            ],
        ),
        ("cool-down", [("calf-stretch", 1, 3, 15, 120)]),
    ]
    assert _routine(given).estimated_seconds == 637


def test_a_progress_hold_progress_loop_moves_weeks_and_doses_by_hand() -> None:
    """Pain 5 with 20 minutes: progress lifts every dose one step, a hold keeps week and
    doses, the next progress lifts them again, within the 1,200 seconds."""
    request = request_for(RELEASE, {"pain": 5, "minutes": 20, "screening_no": ALL_NO})
    right = Feedback(pain_during=2, pain_next_day=5, effort=Effort.RIGHT, completed=True)
    sore = Feedback(pain_during=4, pain_next_day=5, effort=Effort.RIGHT, completed=True)
    # Week 1 at the starting doses (20 minutes leave room for seated foot lifts and heel walks):
    #   stretches 2 x (120 + 90) = 420; toe raise 90, splay 35, circles 60,
    #   foot lifts 1 x 3 x (2 + 10) = 36, balance 80, heel walks 2 x 4 x 10 + 30 = 110.
    week_1 = generate_routine(RELEASE, request)
    assert week_1.estimated_seconds == 420 + 90 + 35 + 60 + 36 + 80 + 110 == 831

    first = decide(RELEASE, request, right)  # pain during 2 < 4, next day 5 = baseline 5
    assert (first.decision, [code for code, _ in first.reasons]) == (
        Decision.PROGRESS,
        ["within-limits"],
    )
    assert first.next is not None
    assert (first.next.week, first.next.streak) == (2, 0)
    # One step up: calf 1 x 2 x 3 x (5 + 20) = 150, hand-toe 1 x 2 x 3 x (5 + 15) = 120;
    # toe raise 1 x 6 x 18 = 108, splay 6 x 7 = 42, circles 2 x 6 x 6 = 72,
    # foot lifts 4 x 12 = 48, balance 2 x 2 x (5 + 20) = 100, heel walks 2 x 5 x 10 + 30 = 130.
    week_2 = generate_routine(RELEASE, first.next)
    assert [p.dose.reps for p in week_2.sections[1].items] == [6, 6, 6, 4, 2, 5]
    assert week_2.estimated_seconds == 2 * (150 + 120) + 108 + 42 + 72 + 48 + 100 + 130 == 1040

    second = decide(RELEASE, first.next, sore)  # pain during 4: hold
    assert (second.decision, [code for code, _ in second.reasons]) == (
        Decision.HOLD,
        ["pain-during-moderate"],
    )
    assert second.next is not None
    assert (second.next.week, second.next.streak) == (2, 1)
    assert _plan(generate_routine(RELEASE, second.next)) == _plan(week_2)

    third = decide(RELEASE, second.next, right)
    assert third.decision is Decision.PROGRESS
    assert third.next is not None
    assert (third.next.week, third.next.streak) == (3, 0)
    # Two steps up: calf stays at its 20 s target (150), hand-toe 1 x 2 x 3 x (5 + 20) = 150;
    # toe raise 7 x 18 = 126, splay 7 x 7 = 49, circles 2 x 7 x 6 = 84, foot lifts 5 x 12 = 60,
    # balance 2 x 2 x (5 + 25) = 120, heel walks 2 x 6 x 10 + 30 = 150.
    week_3 = generate_routine(RELEASE, third.next)
    assert [p.dose.reps for p in week_3.sections[1].items] == [7, 7, 7, 5, 2, 6]
    assert week_3.estimated_seconds == 2 * (150 + 150) + 126 + 49 + 84 + 60 + 120 + 150 == 1189


def test_a_progress_the_time_cannot_hold_keeps_the_doses_and_says_so() -> None:
    """Pain 5 with 15 minutes: the second step would take 979 s of the 900, so the doses stay
    at the first step's and the answer gives the time-limit reason."""
    request = request_for(RELEASE, {"pain": 5, "screening_no": ALL_NO})
    right = Feedback(pain_during=0, pain_next_day=5, effort=Effort.RIGHT, completed=True)
    first = decide(RELEASE, request, right)
    assert first.next is not None
    # One step up (default items): 2 x (150 + 120) + 108 + 42 + 72 + 100 = 862 s <= 900.
    assert generate_routine(RELEASE, first.next).estimated_seconds == 862
    second = decide(RELEASE, first.next, right)
    assert [code for code, _ in second.reasons] == ["within-limits", "time-limit"]
    assert second.next is not None
    # Two steps up would be 2 x (150 + 150) + 126 + 49 + 84 + 120 = 979 s > 900 s.
    assert _plan(generate_routine(RELEASE, second.next)) == _plan(
        generate_routine(RELEASE, first.next)
    )


def test_pain_8_gives_see_a_professional_and_no_exercises() -> None:
    """Pain 8 is in the severe band (7-10): no sections, 'soon', the band's advice."""
    routine = _routine({"pain": 8, "screening_no": ALL_NO})
    severe = RULES.pain.bands[-1]
    assert (severe.id, severe.min, severe.max, severe.urgency) == ("severe", 7, 10, "soon")
    assert severe.urgency is not None  # for mypy: the line above pins it
    assert (routine.status, routine.urgency, routine.sections) == (
        Status.SEE_A_PROFESSIONAL,
        severe.urgency,
        (),
    )
    assert routine.advice == (RULES.urgency[severe.urgency], severe.advice)


def test_red_flags_give_the_most_urgent_advice_first() -> None:
    """A pale, blue or cold foot (emergency) outranks numbness (soon): urgency emergency."""
    routine = _routine({"screening": ["numbness-or-tingling", "foot-pale-blue-or-cold"]})
    assert (routine.status, routine.urgency, routine.screening) == (
        Status.SEE_A_PROFESSIONAL,
        "emergency",
        Screening.FLAGGED,
    )
    assert routine.advice[0] == RULES.urgency[Urgency.EMERGENCY]
    assert [reason.code for reason in routine.reasons] == [
        "foot-pale-blue-or-cold",
        "numbness-or-tingling",
    ]


@pytest.mark.parametrize(
    ("given", "fields"),
    [
        ({"equipment": [], "position": "standing"}, ("equipment", "position")),
        ({"exclude": ["calf-stretch", "hand-toe-stretch"]}, ("equipment", "exclude")),
        ({"equipment": ["towel"], "position": "standing"}, ("equipment", "position")),
    ],
)
def test_no_possible_stretch_is_an_error_naming_the_constraints(
    given: dict[str, Any], fields: tuple[str, ...]
) -> None:
    """Without a stretch there is no warm-up or cool-down: the error says which constraints."""
    with pytest.raises(RoutineError) as caught:
        _routine(given)
    assert caught.value.fields == fields
    assert caught.value.message.startswith("no stretch is possible for the warm-up and cool-down")


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"equipment": ["trampoline"]}, "equipment"),
        ({"exclude": ["jumping-jacks"]}, "exclude"),
        ({"screening": ["feeling-blue"]}, "screening"),
        ({"week": 13}, "week"),
    ],
)
def test_ids_unknown_to_the_release_are_refused(given: dict[str, Any], field: str) -> None:
    """Equipment, exclude and screening ids must exist in the release; weeks end at 12."""
    with pytest.raises(RoutineError) as caught:
        generate_routine(RELEASE, request_for(RELEASE, given))
    assert caught.value.fields == (field,)


@pytest.mark.parametrize(
    ("yes", "no"), [(("feeling-blue",), ()), ((), ("feeling-blue",))], ids=["yes", "no"]
)
def test_feedback_answering_a_question_the_release_does_not_ask_is_refused(
    yes: tuple[str, ...], no: tuple[str, ...]
) -> None:
    """A yes or a no in feedback to an unknown screening question is an error naming it."""
    request = request_for(RELEASE, {"pain": 2, "screening_no": ALL_NO})
    feedback = Feedback(
        pain_during=0,
        pain_next_day=2,
        effort=Effort.RIGHT,
        completed=True,
        screening=yes,
        screening_no=no,
    )
    with pytest.raises(RoutineError) as caught:
        decide(RELEASE, request, feedback)
    assert (caught.value.fields, caught.value.message) == (
        ("screening",),
        "'feeling-blue' is not a screening question",
    )


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"minutes": 4}, "minutes"),
        ({"minutes": 61}, "minutes"),
        ({"pain": 11}, "pain"),
        ({"days_per_week": 0}, "days_per_week"),
        ({"seed": -1}, "seed"),
        ({"level": "expert"}, "level"),
        ({"position": "lying"}, "position"),
        ({"minutes": True}, "minutes"),
    ],
)
def test_request_checks_ranges_and_choices(given: dict[str, Any], field: str) -> None:
    """The domain refuses out-of-range requests itself, whatever the HTTP layer checked."""
    with pytest.raises(RoutineError) as caught:
        request_for(RELEASE, given)
    assert caught.value.fields == (field,)


def test_request_normalises_lists() -> None:
    """Lists are sorted and unique, so equal requests have equal ids."""
    assert request_for(
        RELEASE, {"equipment": ["wall", "towel", "wall"], "focus": ["balance", "strength"]}
    ) == request_for(RELEASE, {"equipment": ["towel", "wall"], "focus": ["strength", "balance"]})


# ---- ids

KEYS = IdKeys.parse("k1:" + IdKeys.new_key())
PRIVATE = request_for(
    RELEASE,
    {
        "pain": 6,
        "level": "advanced",
        "screening": ["diabetes-with-foot-pain"],
        "screening_no": ["numbness-or-tingling", "night-or-constant-pain"],
        "seed": 424242,
    },
)


def test_an_id_decodes_to_its_release_and_request() -> None:
    """encode then decode gives back the release version and the very same request."""
    routine_id = encode_routine_id(PRIVATE, RELEASE.version, KEYS)
    assert routine_id.startswith("r2.k1.")
    assert decode_routine_id(routine_id, KEYS) == (RELEASE.version, PRIVATE)
    assert encode_routine_id(PRIVATE, RELEASE.version, KEYS) == routine_id  # deterministic


def test_a_changed_character_never_decodes() -> None:
    """Every single-character change of the token, and another key, give RoutineIdError."""
    routine_id = encode_routine_id(PRIVATE, RELEASE.version, KEYS)
    start = len("r2.k1.")
    alphabet = string.ascii_letters + string.digits + "-_"
    for index in range(start, len(routine_id)):
        other = alphabet[(alphabet.index(routine_id[index]) + 1) % len(alphabet)]
        changed = routine_id[:index] + other + routine_id[index + 1 :]
        with pytest.raises(RoutineIdError):
            decode_routine_id(changed, KEYS)
    with pytest.raises(RoutineIdError):
        decode_routine_id(routine_id, IdKeys.parse("k1:" + IdKeys.new_key()))


def test_an_id_shows_neither_the_pain_nor_the_screening_answers() -> None:
    """Neither the id nor any base64 reading of its token holds the pain, level or screening
    ids in readable form."""
    routine_id = encode_routine_id(PRIVATE, RELEASE.version, KEYS)
    token = routine_id.split(".")[2]
    readings = [routine_id.encode()]
    for skip in range(4):
        part = token[skip:]
        for decode in (base64.urlsafe_b64decode, base64.standard_b64decode):
            try:
                readings.append(decode(part + "=" * (-len(part) % 4)))
            except (binascii.Error, ValueError):
                continue
    assert len(readings) > 1  # at least one alignment decodes
    # The request's JSON would read 6,"advanced" (pain, level): long enough not to occur by
    # chance in random bytes, unlike a lone 6.
    secrets = [*PRIVATE.screening, *PRIVATE.screening_no, '6,"advanced"', "advanced"]
    for reading in readings:
        for secret in secrets:
            assert secret.encode() not in reading, (secret, reading)
