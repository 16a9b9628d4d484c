"""Routines beyond their doses: the reasons and links of a referral, what a ready routine carries,
why no stretch fits, and the request feedback hands to the next week.

Expected values come from screening.json, rules.json and guidance.json, and from the schedule
as rules.json states it (6 progress weeks, one step a week from 3 days a week).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from service.domain import (
    Decision,
    Effort,
    Feedback,
    Reason,
    Release,
    RoutineError,
    RoutineRequest,
    Status,
    Urgency,
    decide,
    generate_routine,
    load_releases,
    request_for,
)

from .conftest import RELEASES, latest_with_rules

RELEASE, RULES = latest_with_rules()
QUESTIONS = {question.id: question for question in RELEASE.screening}
ALL_NO = sorted(QUESTIONS)
GUIDANCE = {entry.id: entry for entry in RELEASE.guidance}


def asking(given: dict[str, Any]) -> RoutineRequest:
    return request_for(RELEASE, given)


def test_a_soon_red_flag_refers_with_its_reason_and_self_care() -> None:
    """A question of urgency `soon` answered yes: no exercises, the question as the reason,
    its urgency's text and its advice, and links to seeing a professional and to self-care."""
    question = QUESTIONS["numbness-or-tingling"]
    assert question.urgency is Urgency.SOON
    no = [q for q in ALL_NO if q != question.id]
    routine = generate_routine(
        RELEASE, asking({"pain": 2, "screening": [question.id], "screening_no": no})
    )
    assert (routine.status, routine.urgency) == (Status.SEE_A_PROFESSIONAL, Urgency.SOON)
    assert (routine.sections, routine.activity, routine.precautions) == ((), None, ())
    assert routine.reasons == (
        Reason("screening", question.id, question.reason, question.advice, Urgency.SOON),
    )
    assert routine.advice == (RULES.urgency[Urgency.SOON], question.advice)
    assert routine.see_also == (
        GUIDANCE["when-to-see-a-professional"],
        *(GUIDANCE[name] for name in RULES.self_care),
    )
    assert routine.safety_notice == GUIDANCE["safety-notice"]


def test_an_urgent_red_flag_links_no_self_care() -> None:
    """Self-care is for a foot that can wait: an urgent question links to seeing a
    professional only."""
    question = QUESTIONS["swelling-redness-or-warmth"]
    assert question.urgency is Urgency.URGENT
    routine = generate_routine(RELEASE, asking({"pain": 2, "screening": [question.id]}))
    assert routine.urgency is Urgency.URGENT
    assert routine.see_also == (GUIDANCE["when-to-see-a-professional"],)
    assert routine.advice == (
        RULES.urgency[Urgency.URGENT],
        question.advice,
        RULES.incomplete_advice,
    )


def test_severe_pain_refers_with_the_band_as_the_reason() -> None:
    """Pain 8 falls in the severe band, which is not ready: the band is the reason, its
    advice the text, its urgency (`soon`) the routine's."""
    severe = RULES.pain.named("severe")
    assert severe.advice is not None
    routine = generate_routine(RELEASE, asking({"pain": 8, "screening_no": ALL_NO}))
    assert routine.reasons == (
        Reason("pain", "severe", severe.advice, severe.advice, Urgency.SOON),
    )
    assert routine.advice == (RULES.urgency[Urgency.SOON], severe.advice)
    assert routine.see_also == (
        GUIDANCE["when-to-see-a-professional"],
        *(GUIDANCE[name] for name in RULES.self_care),
    )


def test_a_ready_routine_carries_the_precautions_and_no_referral() -> None:
    """A ready routine lists every precaution of the release, no reasons and no links."""
    routine = generate_routine(RELEASE, asking({"pain": 2, "screening_no": ALL_NO}))
    assert routine.status is Status.READY
    assert routine.precautions == RELEASE.precautions
    assert (routine.reasons, routine.see_also, routine.urgency) == ((), (), None)
    assert routine.safety_notice == GUIDANCE["safety-notice"]


def test_an_hour_long_routine_fills_the_spare_time_with_the_activity() -> None:
    """60 minutes leave more than the exercises need: the low-impact activity fills up to its
    30 minutes, and the routine stays within the hour."""
    routine = generate_routine(RELEASE, asking({"minutes": 60, "pain": 2, "screening_no": ALL_NO}))
    assert routine.activity is not None
    assert routine.activity.activity == RULES.activity
    assert routine.activity.minutes == RULES.activity.max_minutes.value == 30
    assert routine.estimated_seconds <= 60 * 60


def edited(tmp_path: Path, change: Callable[[list[dict[str, Any]]], None]) -> Release:
    """The newest release with stretches.json changed, loaded from a copy."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / RELEASE.version, root / RELEASE.version)
    path = root / RELEASE.version / "stretches.json"
    stretches = json.loads(path.read_text(encoding="utf-8"))
    change(stretches)
    path.write_text(json.dumps(stretches), encoding="utf-8")
    return load_releases(root)[RELEASE.version]


def four_ways_out(stretches: list[dict[str, Any]]) -> None:
    """Each stretch ruled out by a different constraint."""
    by_id = {stretch["id"]: stretch for stretch in stretches}
    by_id["toe-stretch"]["equipment"] = [["towel", "cloth"], ["marbles"]]
    by_id["calf-stretch"]["difficulty"] = "advanced"
    by_id["seated-towel-calf-stretch"]["equipment"] = []
    by_id["hand-toe-stretch"]["forefoot_load"] = "high"


@pytest.mark.parametrize(
    ("position", "fields", "why"),
    [
        (
            "any",
            ("equipment", "exclude", "level", "pain"),
            "toe-stretch needs towel or cloth and marbles (equipment); "
            "calf-stretch is advanced (level); "
            "seated-towel-calf-stretch is excluded (exclude); "
            "hand-toe-stretch loads the ball of the foot too much at this pain (pain)",
        ),
        (
            "standing",
            ("equipment", "level", "position"),
            "toe-stretch needs towel or cloth and marbles (equipment); "
            "calf-stretch is advanced (level); "
            "seated-towel-calf-stretch is done seated (position); "
            "hand-toe-stretch is done seated (position)",
        ),
    ],
)
def test_each_stretch_ruled_out_says_by_which_constraint(
    tmp_path: Path, position: str, fields: tuple[str, ...], why: str
) -> None:
    """With a wall, at pain 5 (the moderate band: loads up to moderate), as a beginner: every
    field that ruled a stretch out is named, and each stretch says why, first failing check
    first (equipment, position, exclusion, load, level)."""
    release = edited(tmp_path, four_ways_out)
    request = request_for(
        release,
        {
            "pain": 5,
            "equipment": ["wall"],
            "position": position,
            "exclude": ["seated-towel-calf-stretch"] if position == "any" else [],
        },
    )
    with pytest.raises(RoutineError) as caught:
        generate_routine(release, request)
    assert caught.value.fields == fields
    assert caught.value.message == (
        "no stretch is possible for the warm-up and cool-down, which every routine needs: " + why
    )


def test_minutes_too_short_for_any_stretch_twice_are_refused(tmp_path: Path) -> None:
    """The one stretch left takes 1 set x 2 sides x 4 x (5 + 20) s = 200 s: twice that is
    more than 5 minutes (300 s), so there is no routine of 5 minutes; 7 minutes (420 s) fit."""

    def heavy(stretches: list[dict[str, Any]]) -> None:
        dosage = next(s for s in stretches if s["id"] == "hand-toe-stretch")["dosage"]
        dosage["reps"].update(min=4, max=4)
        dosage["hold_seconds"].update(min=20, max=20)

    release = edited(tmp_path, heavy)
    others = ["toe-stretch", "calf-stretch", "seated-towel-calf-stretch"]
    given: dict[str, Any] = {"pain": 2, "exclude": others, "screening_no": ALL_NO}
    with pytest.raises(RoutineError) as caught:
        generate_routine(release, request_for(release, {**given, "minutes": 5}))
    assert caught.value.fields == ("minutes",)
    assert (
        str(caught.value) == "minutes: 5 minutes is too short for a warm-up and cool-down stretch"
    )
    routine = generate_routine(release, request_for(release, {**given, "minutes": 7}))
    assert [p.item.id for p in routine.sections[0].items] == ["hand-toe-stretch"]
    assert routine.sections[0].items[0].dose.seconds == 200


# ---- the request of the next week


MILD = {"pain": 2, "screening_no": ALL_NO[:4]}
MORE_NO = tuple(ALL_NO[4:6])
MERGED = tuple(sorted([*ALL_NO[:4], *MORE_NO]))


def went(during: int = 1, effort: Effort = Effort.RIGHT) -> Feedback:
    return Feedback(during, 1, effort, True, screening_no=MORE_NO)


def test_a_step_back_goes_a_week_and_a_step_down_in_the_step_back_band() -> None:
    """Pain 2 (mild: on the schedule), week 3 at 3 days a week: 2 steps up. Pain 6 during
    steps back: week 2, the moderate band, 1 step earned, a streak of 1."""
    request = replace(asking(MILD), week=3)
    outcome = decide(RELEASE, request, went(6))
    assert outcome.decision is Decision.STEP_BACK
    assert outcome.next == replace(
        request, week=2, band="moderate", earned=1, streak=1, screening_no=MERGED
    )


def test_a_step_back_from_the_start_stays_at_the_start() -> None:
    """No pain given (moderate band: feedback only), week 1, nothing earned: a step back
    cannot go below the first step or week."""
    request = asking({"screening_no": ALL_NO[:4]})
    outcome = decide(RELEASE, request, went(6))
    assert outcome.next == replace(
        request, band="moderate", earned=0, streak=1, screening_no=MERGED
    )


def test_a_hold_keeps_the_week_and_earns_the_steps_climbed() -> None:
    """A hard session in week 3 of the mild band: same week, the 2 steps of the schedule
    earned, a streak of 1, the new answers kept."""
    request = replace(asking(MILD), week=3)
    outcome = decide(RELEASE, request, went(effort=Effort.HARD))
    assert outcome.decision is Decision.HOLD
    assert outcome.next == replace(request, earned=2, streak=1, screening_no=MERGED)


def test_progress_moves_a_week_on_and_a_step_up() -> None:
    """A good session in week 3: week 4, 3 steps earned, the streak reset."""
    request = replace(asking(MILD), week=3, streak=1)
    outcome = decide(RELEASE, request, went())
    assert outcome.decision is Decision.PROGRESS
    assert outcome.next == replace(request, week=4, earned=3, streak=0, screening_no=MERGED)


def test_the_last_week_holds_at_the_top_of_the_schedule() -> None:
    """Week 12 of 12: the programme is complete; the 5 steps of the 6 progress weeks are
    earned and kept."""
    request = replace(asking(MILD), week=12, streak=1)
    outcome = decide(RELEASE, request, went())
    assert outcome.reasons == (
        ("programme-complete", RULES.feedback.reasons["programme-complete"]),
    )
    assert outcome.next == replace(request, earned=5, streak=0, screening_no=MERGED)


# ---- which stretches and exercises a routine takes

SEEDS = range(40)


def warm_up(given: dict[str, Any]) -> list[tuple[str, ...]]:
    """The warm-up stretches of the routine, for each seed."""
    return [
        tuple(
            p.item.id
            for p in generate_routine(RELEASE, asking({**given, "seed": seed})).sections[0].items
        )
        for seed in SEEDS
    ]


def test_the_warm_up_takes_two_stretches_of_different_groups_sparing_the_exercises() -> None:
    """With a towel and a wall, an hour and mild pain, every stretch fits. The two calf
    stretches are one group, so never both; the toe stretch shares its group with the towel
    exercises, so it comes after the others and is never needed: each warm-up is the hand
    stretch and one calf stretch, and the seed decides which one."""
    picks = warm_up({"minutes": 60, "pain": 2, "equipment": ["towel", "wall"]})
    calves = {"calf-stretch", "seated-towel-calf-stretch"}
    for pick in picks:
        assert len(pick) == 2
        assert "hand-toe-stretch" in pick
        assert len(calves & set(pick)) == 1
    assert {calf for pick in picks for calf in calves & set(pick)} == calves


def test_an_exercise_of_the_warm_ups_group_is_taken_when_nothing_else_fits() -> None:
    """Only the toe stretch and the towel curls are left, both of the towel-grip group: the
    curls are taken all the same, as a routine needs an exercise."""
    stretches = [s.id for s in RELEASE.stretches if s.id != "toe-stretch"]
    exercises = [e.id for e in RELEASE.exercises if e.id != "towel-curls"]
    routine = generate_routine(
        RELEASE,
        asking({"pain": 2, "equipment": ["towel"], "exclude": [*stretches, *exercises]}),
    )
    assert [[p.item.id for p in section.items] for section in routine.sections] == [
        ["toe-stretch"],
        ["towel-curls"],
        ["toe-stretch"],
    ]


def test_a_band_set_by_a_step_back_outranks_the_pain() -> None:
    """Pain 2 is mild, but a request carrying the moderate band gets the moderate band."""
    routine = generate_routine(RELEASE, replace(asking(MILD), band="moderate"))
    assert routine.band.id == "moderate"
    assert generate_routine(RELEASE, asking(MILD)).band.id == "mild"


def test_lookups_the_loader_makes_safe_still_say_what_is_missing() -> None:
    """A pain past the scale, or a guidance id the release lacks, is a LookupError naming it."""
    with pytest.raises(LookupError, match=r"^no pain band for 11$"):
        RULES.pain.band(11)
    with pytest.raises(LookupError, match=rf"^release {RELEASE.version} has no guidance 'rest'$"):
        RELEASE.guidance_named("rest")
